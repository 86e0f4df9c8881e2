"""Soak: the real bot (`python -m bot run`) against a faulty fake Bot API, every update
accounted for (the machinery; `python -m benchmarks.soak` runs it long, tests/test_soak.py
short).

Pushes private questions, group /ask commands and inline queries from many users (one of
them sending a tenth of the updates, faster than the limits allow; every 50th outside the
allow-list) while the fake injects faults before a call is carried out (429 with
retry_after, 500, slow answers, dropped connections) and after it (the message is
delivered, then the connection drops or the answer is a 500), on getUpdates too.

Each update is told apart in what it causes: a private question carries its number in
zero-width characters, which the search ignores and the answer's first line (the question
echoed) keeps; a group answer replies to the asking message; an inline answer names its
query. Every update is matched to the replies delivered for it, or to the reason it got
none under the bot's documented behaviour:

* past USER_RATE_LIMIT questions a minute (per user) or CHAT_RATE_LIMIT (per group): at
  most one notice ("提问太快了…") a minute per user or group, silence otherwise;
* an inline query past INLINE_RATE_LIMIT a minute gets no answer;
* a user outside the allow-list is told once ("抱歉，这个机器人只对…"), then ignored; their
  inline queries get nothing.

A rate-limit drop counts as deliberate only if the limit could have been reached: the
updates let through before it (each taken between the moment the fake handed it to the bot
and the bot's first send for it) must be able to have emptied the token bucket, and a
silent drop needs a notice to the same user or group within the minute before (and a
notice surely within a minute of the last one is a fault). Private notices carry no
question, so each is put against the first unanswered update of its user it can belong
to. An update with no reply and no such reason is lost. An update replied to twice is
explained when each earlier copy met a fault after delivery (the bot, not told it had
arrived, sent it again); the extra copies are also counted against the faults after
delivery on sends (one each). The bot's own /stats counts are checked against the
matching. Exit status 1 on a lost update, an unexplained duplicate, a reply matching no
update, an apology, or /stats disagreeing.

Before the run the admin asks each question once (the search loads some parts lazily), so
the memory figures compare a warmed-up bot with itself.
"""

from __future__ import annotations

import math
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.measure import percentile
from tests.auxil.fake_bot_api import TOKEN, Call, Chaos, FakeBotAPI, Fault
from tests.auxil.process import rss_mb

ROOT = Path(__file__).resolve().parents[2]

ADMIN = 1
HEAVY = 9_999  # asks far faster than the limits allow
FIRST_USER = 10_000
OUTSIDE_EVERY = 50  # users 10007, 10057, 10107, … are not on the allow-list
GROUPS = [-1001, -1002, -1003, -1004, -1005]
QUESTIONS = [
    "年轻干部应该去哪里历练",
    "什么是五提四晋",
    "如何防止灯下黑",
    "容错纠错机制",
    "職級晉升要堅持哪些原則",
    "今天天气怎么样",
    "怎么关心关爱基层干部",
    "一岗双责",
    "干部",
    "组织部门为什么要打铁自身硬",
    "😀<b>&",
    "的了吗",
]
ECHO = "🔎 "  # an answer's first line: the question echoed
NOTICE = "提问太快了"
REFUSAL = "抱歉，这个机器人只对指定的用户和群组开放。"
APOLOGY = "抱歉，处理时出了点问题"
TAG_DIGITS = "\u200b\u200c\u200d\u2060"  # an update's number in base 4, invisible
WINDOW = 60.0  # seconds: the bot's rate limits are per minute (bot/telegram/replies.py)
RETRY_SPAN = 30.0  # seconds within which a send after a failed one is its retry
SENDS = ("sendMessage", "answerInlineQuery")
FAULT_KINDS = ("429", "500", "slow", "dropped", "dropped after", "500 after")


def tag(n: int) -> str:
    """`n` in zero-width characters."""
    digits = ""
    while True:
        digits = TAG_DIGITS[n % 4] + digits
        n //= 4
        if not n:
            return digits


def read_tag(text: str) -> int | None:
    """The number a message's first line carries in zero-width characters, if any."""
    digits = [TAG_DIGITS.index(c) for c in text.split("\n", 1)[0] if c in TAG_DIGITS]
    return sum(d * 4**i for i, d in enumerate(reversed(digits))) if digits else None


def reply_kind(call: Call) -> str:
    """answer, notice, refusal, apology or other."""
    if call.method == "answerInlineQuery":
        return "answer"
    text = str(call.params.get("text", ""))
    if text.startswith(ECHO):
        return "answer"
    for kind, mark in (("notice", NOTICE), ("refusal", REFUSAL), ("apology", APOLOGY)):
        if mark in text:
            return kind
    return "other"


def failed(call: Call) -> bool:
    """Whether the bot saw this call fail (and may send it again)."""
    return call.status != 200 or call.fault_after is not None


@dataclass
class Planned:
    """One update of the run, and what became of it."""

    n: int  # its number: message id, inline query id, zero-width tag
    kind: str  # private, group, inline
    user: int
    chat: int  # the group of an /ask, else the user's id
    question: str
    update_id: int = 0
    pushed: float = 0.0
    fetched: float | None = None  # when the bot got it (first getUpdates it came in)
    attempts: list[Call] = field(default_factory=list)  # sends for it, failed ones too
    outcome: str = ""  # answered, told, silent, lost
    reason: str = ""

    def body(self) -> dict[str, Any]:
        """The update as Telegram sends it."""
        user = {"id": self.user, "is_bot": False, "first_name": "U", "language_code": "zh"}
        if self.kind == "inline":
            query = {"id": f"q{self.n}", "from": user, "query": self.question, "offset": ""}
            return {"inline_query": query}
        message: dict[str, Any] = {"message_id": self.n, "date": int(time.time()), "from": user}
        if self.kind == "group":
            message["chat"] = {"id": self.chat, "type": "supergroup", "title": "G"}
            message["text"] = f"/ask {self.question}{tag(self.n)}"
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": 4}]
        else:
            message["chat"] = {"id": self.chat, "type": "private", "first_name": "U"}
            message["text"] = self.question + tag(self.n)
        return {"message": message}

    def delivered(self) -> list[Call]:
        return [c for c in self.attempts if c.status == 200]

    def first_send(self) -> float:
        """When the bot first tried to send for it (it was handled by then)."""
        return min((c.at for c in self.attempts), default=math.inf)

    def describe(self) -> str:
        """The update and the calls it caused, for a report of a problem."""
        calls = "; ".join(
            f"{c.method} {c.status}{f' {c.fault_after} after delivery' if c.fault_after else ''}"
            f" at +{c.at - self.pushed:.2f}s {str(c.params.get('text', ''))[:40]!r}"
            for c in sorted(self.attempts, key=lambda c: c.at)
        )
        fetched = f"+{self.fetched - self.pushed:.2f}s" if self.fetched else "never"
        return (
            f"update {self.update_id} (#{self.n} {self.kind}, user {self.user}, chat {self.chat},"
            f" {self.question!r}), fetched {fetched}; calls: {calls or 'none'}"
        )


def make_plan(
    updates: int, users: int, rng: random.Random, heavy_share: float, groups: list[int]
) -> list[Planned]:
    """The run's updates: 60 % private questions, 20 % /ask in the groups, 20 % inline;
    `heavy_share` of them from one user (40 % private questions, 60 % inline)."""
    plan = []
    for n in range(1, updates + 1):
        question = rng.choice(QUESTIONS)
        if rng.random() < heavy_share:
            kind = "private" if rng.random() < 0.4 else "inline"
            plan.append(Planned(n, kind, HEAVY, HEAVY, question))
            continue
        user = FIRST_USER + rng.randrange(users)
        roll = rng.random()
        if roll < 0.2:
            plan.append(Planned(n, "inline", user, user, question))
        elif roll < 0.4:
            plan.append(Planned(n, "group", user, rng.choice(groups), question))
        else:
            plan.append(Planned(n, "private", user, user, question))
    return plan


def could_be_empty(let_through: list[float], at: float, limit: int) -> bool:
    """Whether a token bucket of `limit` refilled over WINDOW can be empty when checked
    at `at` or later, given the latest time each earlier event it let through can have
    happened (in the order they happened): some run of the last k events must be more
    than the bucket and the refill between the first of them and `at` together."""
    rate = limit / WINDOW
    for count, latest in enumerate(reversed(let_through), 1):
        if count > limit - 1 + rate * max(0.0, at - latest):
            return True
    return False


@dataclass
class Limits:
    """What the bot's rate limits have let through and warned, as far as can be seen."""

    user: int
    chat: int
    inline: int
    through: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    # each notice: when the bot got its update, and when it first sent it
    warned: dict[tuple[str, int], list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def limit(self, key: tuple[str, int]) -> int:
        return {"user": self.user, "chat": self.chat, "inline": self.inline}[key[0]]

    def empty(self, key: tuple[str, int], at: float) -> bool:
        return could_be_empty(self.through[key], at, self.limit(key))

    def warned_lately(self, key: tuple[str, int], at: float) -> bool:
        """Whether a notice for `key` can have gone out in the minute before `at`."""
        return any(at - latest < WINDOW for _, latest in self.warned[key])

    def surely_warned(self, key: tuple[str, int], sent: float) -> bool:
        """Whether a notice for `key` surely went out in the minute before one sent at
        `sent` (there should be none)."""
        return any(sent - earliest < WINDOW for earliest, _ in self.warned[key])


@dataclass
class Report:
    """What a soak run measured."""

    updates: int
    kinds: Counter[str]
    users: int
    heavy: int
    outsiders: int
    rate: float
    answered_once: int
    duplicates: Counter[str]  # "answer ×2, after 1× a dropped connection" → updates
    extra_copies: int  # replies delivered beyond the first, over all updates
    unexplained_duplicates: int
    on_purpose: Counter[str]  # reason → updates
    lost: int
    unmatched_replies: int
    apologies: int
    stats_check: str
    stats_agree: bool
    faults: Counter[str]  # kind ("500", "dropped after", …) → faults; and where
    errors: list[str]  # the exception each logged error ended in
    latencies_ms: tuple[float, float, float]
    rss_cold_mb: float
    rss_warm_mb: float
    rss_start_mb: float
    rss_end_mb: float
    seconds: float
    problems: list[str]

    @property
    def errors_logged(self) -> int:
        return len(self.errors)

    @property
    def duplicated(self) -> int:
        return sum(self.duplicates.values())

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.unexplained_duplicates == 0
            and self.unmatched_replies == 0
            and self.apologies == 0
            and self.stats_agree
            and not self.problems
        )

    def lines(self) -> list[str]:
        """The report as text."""
        p50, p95, p99 = self.latencies_ms
        kinds = ", ".join(f"{self.kinds[k]} {k}" for k in ("private", "group", "inline"))
        dups = "; ".join(f"{n} {why}" for why, n in sorted(self.duplicates.items()))
        purpose = "; ".join(f"{n} {why}" for why, n in sorted(self.on_purpose.items()))
        before = ", ".join(f"{self.faults[k]} {k}" for k in FAULT_KINDS[:4] if self.faults[k])
        after = ", ".join(
            f"{self.faults[k]} {k.split()[0]}" for k in FAULT_KINDS[4:] if self.faults[k]
        )
        total = sum(self.faults[k] for k in FAULT_KINDS)
        return [
            f"updates pushed {self.updates} ({kinds}) from {self.users} users "
            f"({self.heavy} heavy, {self.outsiders} outside the allow-list) at {self.rate:g}/s",
            f"answered exactly once {self.answered_once}; replied to more than once "
            f"{self.duplicated} ({self.extra_copies} extra copies; "
            f"{self.faults['after, on sends']} faults after delivery on sends), each copy but "
            f"the last having met a fault after delivery ({dups or 'none'}); unexplained "
            f"duplicates {self.unexplained_duplicates}",
            f"not answered on purpose {sum(self.on_purpose.values())}: {purpose or 'none'}",
            f"lost {self.lost} (no reply, no reason); replies matching no update "
            f"{self.unmatched_replies}; apologies {self.apologies}",
            f"bot's /stats {self.stats_check}",
            f"faults injected {total} (before delivery: {before}; after "
            f"delivery: {after or 'none'}; {self.faults['on getUpdates']} of them on "
            f"getUpdates); errors logged {self.errors_logged}"
            + "".join(f"; {n}× {error}" for error, n in Counter(self.errors).most_common()),
            f"latency ms (push to first reply) p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}",
            f"bot RSS {self.rss_cold_mb:.0f} MB idle, {self.rss_warm_mb:.0f} MB once each "
            f"question was asked, {self.rss_start_mb:.0f} MB after the first tenth of the "
            f"updates, {self.rss_end_mb:.0f} MB at the end; {self.seconds:.0f} s",
        ]


def count_faults(chaos: Chaos, faults: Counter[str]) -> None:
    """Count every fault `chaos` draws, by kind (and those on getUpdates)."""
    draw = chaos.draw

    def counting(method: str) -> Fault | None:
        fault = draw(method)
        if fault is not None:
            kind = "slow" if fault.status == 200 and not fault.drop else fault.kind()
            faults[kind + (" after" if fault.after else "")] += 1
            faults["on getUpdates"] += method == "getUpdates"
            faults["after, on sends"] += fault.after and method in SENDS
        return fault

    chaos.draw = counting  # type: ignore[method-assign]


def soak(
    updates: int,
    users: int,
    rate: float,
    chaos: Chaos,
    corpus: Path = ROOT / "corpus",
    work: Path = Path("/tmp/docbot-soak"),
    heavy_share: float = 0.1,
    groups: int = len(GROUPS),
    quiet: float = 8.0,
) -> Report:
    """Run the bot under load and faults; match every update to what it caused."""
    rng = random.Random(42)
    chats = GROUPS[:groups]
    plan = make_plan(updates, users, rng, heavy_share, chats)
    everyone = {FIRST_USER + i for i in range(users)}
    outsiders = {FIRST_USER + i for i in range(users) if i % OUTSIDE_EVERY == 7}
    allowed = sorted((everyone - outsiders) | {HEAVY, ADMIN})
    faults: Counter[str] = Counter()
    count_faults(chaos, faults)
    with FakeBotAPI(TOKEN) as fake:
        env = bot_environment(fake, corpus, work, allowed, chats)
        settings = load_settings(env)
        work.mkdir(parents=True, exist_ok=True)
        log_path = work / "bot.log"  # a file, not a pipe: a full pipe would stall the bot
        with log_path.open("w", encoding="utf-8") as log_file:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            fake.wait_for("setMyCommands", 2, timeout=60)
            rss_cold = rss_mb(pid=bot.pid)
            warm_up(fake)  # the search's lazily loaded parts (typo tables, the quote check)
            rss_warm = rss_mb(pid=bot.pid)
            fake.chaos = chaos
            began = time.monotonic()
            rss_start = push_plan(fake, plan, rate, bot.pid)
            settle(fake, plan[-1].update_id, quiet)
            fake.chaos = None
            rss_end = rss_mb(pid=bot.pid)
            stats = admin_stats(fake)
            seconds = time.monotonic() - began
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
                raise
        calls = list(fake.calls)
    errors = logged_errors(log_path.read_text(encoding="utf-8"))
    limits = Limits(settings.user_rate_limit, settings.chat_rate_limit, settings.inline_rate_limit)
    unmatched = match(plan, calls)
    problems = classify(plan, limits, outsiders)
    return report(
        plan, unmatched, problems, stats, faults, errors, len(outsiders), rate,
        (rss_cold, rss_warm, rss_start, rss_end), seconds,
    )  # fmt: skip


def bot_environment(
    fake: FakeBotAPI, corpus: Path, work: Path, allowed: list[int], chats: list[int]
) -> dict[str, str]:
    """The soaked bot's environment: the fake Bot API, the corpus, the allow-lists."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "CORPUS_DIR": str(corpus),
        "INDEX_DIR": str(work / "index"),
        "ADMIN_IDS": str(ADMIN),
        "ALLOWED_USER_IDS": ",".join(map(str, allowed)),
        "ALLOWED_CHAT_IDS": ",".join(map(str, chats)),
        "LOG_LEVEL": "ERROR",
        "RELOAD_INTERVAL": "0",
    }


def push_plan(fake: FakeBotAPI, plan: list[Planned], rate: float, pid: int) -> float:
    """Push the planned updates at `rate` a second; returns the bot's RSS (MB) after the
    first tenth (caches filled, pools open)."""
    began = time.monotonic()
    rss_start = rss_mb(pid=pid)
    for planned in plan:
        if planned.n == max(1, len(plan) // 10):
            rss_start = rss_mb(pid=pid)
        planned.pushed = time.monotonic()
        planned.update_id = fake.push(planned.body())
        delay = began + planned.n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return rss_start


def logged_errors(log: str) -> list[str]:
    """The exception each ERROR record of the bot's log ended in (its last line), or the
    record's message when it has no traceback."""
    errors = []
    for record in re.split(r"\n(?=\d{4}-\d\d-\d\d )", log):
        if " ERROR " in record.split("\n", 1)[0]:
            errors.append(record.strip().rsplit("\n", 1)[-1].strip())
    return errors


def settle(fake: FakeBotAPI, last_update: int, quiet: float, cap: float = 300.0) -> None:
    """Wait until the bot has fetched every update and sent nothing for `quiet` seconds
    (longer than any pause between a failed send and its retry)."""
    deadline = time.monotonic() + cap
    try:
        fake.wait_received(last_update, timeout=cap)
    except AssertionError:
        return  # the report will show what was never fetched
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        sends = sum(1 for c in list(fake.calls) if c.method in SENDS)
        if sends != seen:
            seen, since = sends, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def admin_message(text: str, message_id: int = 0) -> dict[str, Any]:
    """A private message from the admin (who is outside the matching)."""
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": ADMIN, "type": "private", "first_name": "A"},
        "from": {"id": ADMIN, "is_bot": False, "first_name": "A"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"message": message}


def warm_up(fake: FakeBotAPI) -> None:
    """Have the admin ask each question once, before the run (and its faults)."""
    since = len(fake.calls)
    for n, question in enumerate(QUESTIONS, 1):
        fake.push(admin_message(question, 1_000_000 + n))
    fake.wait_for("sendMessage", len(QUESTIONS), 60.0, since)


def admin_stats(fake: FakeBotAPI) -> str:
    """The bot's /stats text (asked with the faults off)."""
    since = len(fake.calls)
    fake.push(admin_message("/stats"))
    return str(fake.wait_for("sendMessage", 1, 30.0, since)[0].params["text"])


def match(plan: list[Planned], calls: list[Call]) -> list[Call]:
    """Put every send (delivered or not) against the update it answers; note when the bot
    fetched each update. Returns the sends that match no update."""
    by_n = {p.n: p for p in plan}
    by_id = {p.update_id: p for p in plan}
    inline = {f"q{p.n}": p for p in plan if p.kind == "inline"}
    replies = {(p.chat, p.n): p for p in plan if p.kind == "group"}
    unmatched: list[Call] = []
    private: dict[int, list[Call]] = defaultdict(list)  # notices and the like, by user
    for call in calls:
        if call.method == "getUpdates":
            if not failed(call):
                for update in call.result or []:
                    fetched = by_id.get(update["update_id"])
                    if fetched is not None and fetched.fetched is None:
                        fetched.fetched = call.at
            continue
        if call.method not in SENDS or call.params.get("chat_id") == ADMIN:
            continue
        planned: Planned | None
        if call.method == "answerInlineQuery":
            planned = inline.get(str(call.params.get("inline_query_id")))
        elif call.params.get("reply_parameters"):
            reply = call.params["reply_parameters"]
            planned = replies.get((call.params.get("chat_id"), reply.get("message_id")))
        elif reply_kind(call) == "answer":
            planned = by_n.get(read_tag(str(call.params.get("text"))) or 0)
            if planned is not None and (planned.kind, planned.chat) != (
                "private",
                call.params.get("chat_id"),
            ):
                planned = None
        else:
            private[call.params.get("chat_id")].append(call)
            continue
        if planned is None:
            unmatched.append(call)
        else:
            planned.attempts.append(call)
    for user, sent in private.items():
        unmatched += attribute(user, sent, plan)
    return unmatched


def attribute(user: int, sent: list[Call], plan: list[Planned]) -> list[Call]:
    """Put a user's private notices, refusals and apologies (which name no question)
    against their updates; returns those that fit none.

    A send is its first attempt and its retries (same text, each after a failed one). A
    refusal goes to the user's first unanswered update before it; a notice to the first
    unanswered one before it (and at most two minutes before); an apology to the last
    update before it.
    """
    sends: list[list[Call]] = []
    for call in sent:
        last = sends[-1][-1] if sends else None
        if (
            last is not None
            and failed(last)
            and last.params.get("text") == call.params.get("text")
            and call.at - last.at < RETRY_SPAN
        ):
            sends[-1].append(call)
        else:
            sends.append([call])
    mine = [p for p in plan if p.kind == "private" and p.user == user and p.fetched is not None]
    unmatched: list[Call] = []
    for send in sends:
        at, kind = send[0].at, reply_kind(send[0])
        open_ = [p for p in mine if not p.attempts and p.fetched is not None and p.fetched <= at]
        target = None
        if kind == "refusal":
            target = open_[0] if open_ else None
        elif kind == "notice":
            recent = [p for p in open_ if p.fetched is not None and p.fetched >= at - 2 * WINDOW]
            target = (recent or open_ or [None])[0]
        elif kind == "apology":
            before = [p for p in mine if p.fetched is not None and p.fetched <= at]
            target = before[-1] if before else None
        if target is None:
            unmatched += send
        else:
            target.attempts += send
    return unmatched


def classify(plan: list[Planned], limits: Limits, outsiders: set[int]) -> list[str]:
    """Give every update its outcome and reason, in the order the bot took them (the
    order they were pushed); returns the problems found (each a bot bug or a soak bug)."""
    problems: list[str] = []
    told: set[int] = set()  # outsiders refused once already
    for p in plan:
        delivered = sorted(p.delivered(), key=lambda c: c.at)
        kinds = {reply_kind(c) for c in delivered}
        user, chat = ("user", p.user), ("chat", p.chat)
        bucket = ("inline", p.user) if p.kind == "inline" else user
        at, sent = p.fetched if p.fetched is not None else math.inf, p.first_send()
        if len(kinds) > 1 or "other" in kinds:
            p.outcome, p.reason = "odd", "replies of several kinds or an unexpected one"
        elif "apology" in kinds:
            p.outcome, p.reason = "apology", "the bot hit an error"
        elif "answer" in kinds:
            p.outcome = "answered"
            if p.user in outsiders and p.kind != "group":
                p.outcome, p.reason = "odd", "answered outside the allow-list"
            limits.through[bucket].append(sent)
            if p.kind == "group":
                limits.through[chat].append(sent)
        elif "refusal" in kinds:
            p.outcome, p.reason = "told", "outside the allow-list: told once"
            if p.user not in outsiders or p.user in told or p.kind != "private":
                p.outcome, p.reason = "odd", "refused though allowed or told already"
            told.add(p.user)
        elif "notice" in kinds:
            noticed(p, limits, at, sent)
        else:
            unanswered(p, limits, outsiders, told, at)
        if p.outcome in ("odd", "apology"):
            problems.append(f"{p.reason}: {p.describe()}")
        if len(delivered) > 1 and not all(c.fault_after for c in delivered[:-1]):
            problems.append(f"duplicate with no fault after delivery: {p.describe()}")
    return problems


def noticed(p: Planned, limits: Limits, at: float, sent: float) -> None:
    """The outcome of an update that got a rate-limit notice: told, when a limit it falls
    under could have been reached and no notice surely came within the minute before."""
    user, chat = ("user", p.user), ("chat", p.chat)
    full = [
        (key, why)
        for key, why, applies in (
            (chat, "over CHAT_RATE_LIMIT in a group: told", p.kind == "group"),
            (user, "over USER_RATE_LIMIT: told", p.kind != "inline"),
        )
        if applies and limits.empty(key, at)
    ]
    fair = [(key, why) for key, why in full if not limits.surely_warned(key, sent)]
    if fair:
        key, why = fair[0]
        p.outcome, p.reason = "told", why
        limits.warned[key].append((at, sent))
        if key == chat:
            limits.through[user].append(sent)  # the user's bucket paid
        elif p.kind == "group":
            limits.through[chat].append(sent)  # and the group's, for the notice
    elif full:
        p.outcome, p.reason = "odd", "a second rate-limit notice within the minute"
    else:
        p.outcome, p.reason = "odd", "a rate-limit notice with the limit not reached"


def unanswered(p: Planned, limits: Limits, outsiders: set[int], told: set[int], at: float) -> None:
    """The outcome of an update nothing was delivered for: silent for a documented reason
    (the allow-list, a limit reached after its notice), else lost."""
    user, chat = ("user", p.user), ("chat", p.chat)
    bucket = ("inline", p.user) if p.kind == "inline" else user
    if p.attempts:
        p.outcome, p.reason = "lost", "every send for it failed"
    elif p.fetched is None:
        p.outcome, p.reason = "lost", "never fetched by the bot"
    elif p.user in outsiders and p.kind == "inline":
        p.outcome, p.reason = "silent", "outside the allow-list: inline query unanswered"
    elif p.user in outsiders and p.kind == "private" and p.user in told:
        p.outcome, p.reason = "silent", "outside the allow-list: ignored once told"
    elif p.kind == "inline" and limits.empty(bucket, at):
        p.outcome, p.reason = "silent", "over INLINE_RATE_LIMIT: unanswered"
    elif p.kind != "inline" and limits.empty(user, at) and limits.warned_lately(user, at):
        p.outcome, p.reason = "silent", "over USER_RATE_LIMIT: silent"
    elif p.kind == "group" and limits.empty(chat, at) and limits.warned_lately(chat, at):
        p.outcome, p.reason = "silent", "over CHAT_RATE_LIMIT in a group: silent"
        limits.through[user].append(math.inf)  # the user's bucket paid; when, unknown
    else:
        p.outcome, p.reason = "lost", "no reply and no limit reached"


def report(
    plan: list[Planned],
    unmatched: list[Call],
    problems: list[str],
    stats: str,
    faults: Counter[str],
    errors: list[str],
    outsiders: int,
    rate: float,
    rss: tuple[float, float, float, float],
    seconds: float,
) -> Report:
    """Count the outcomes; check them against the bot's own /stats. (Long on purpose: the
    Report it builds is one line a field.)"""
    duplicates: Counter[str] = Counter()
    unexplained = 0
    answered_once = 0
    latencies = []
    for p in plan:
        delivered = sorted(p.delivered(), key=lambda c: c.at)
        if delivered:
            latencies.append((delivered[0].at - p.pushed) * 1000)
        if p.outcome == "answered" and len(delivered) == 1:
            answered_once += 1
        if len(delivered) > 1:
            causes = Counter(c.fault_after for c in delivered[:-1])
            if None in causes:
                unexplained += 1
                continue
            met = " and ".join(
                f"{v}× {'a dropped connection' if k == 'dropped' else 'a ' + str(k)}"
                for k, v in sorted(causes.items(), key=lambda kv: str(kv[0]))
            )
            duplicates[f"{reply_kind(delivered[0])} ×{len(delivered)}, after {met}"] += 1
    lost = [p for p in plan if p.outcome == "lost"]
    problems = [f"lost, {p.reason}: {p.describe()}" for p in lost] + problems
    problems += [
        f"a reply matching no update: {c.method} {c.status} {c.params.get('chat_id')} "
        f"{str(c.params.get('text', ''))[:60]!r}"
        for c in unmatched
    ]
    on_purpose = Counter(p.reason for p in plan if p.outcome in ("told", "silent"))
    check, agree = stats_agreement(len(plan), on_purpose, stats)
    p50, p95, p99 = (percentile(latencies, share) for share in (0.5, 0.95, 0.99))
    return Report(
        updates=len(plan),
        kinds=Counter(p.kind for p in plan),
        users=len({p.user for p in plan}),
        heavy=int(any(p.user == HEAVY for p in plan)),
        outsiders=outsiders,
        rate=rate,
        answered_once=answered_once,
        duplicates=duplicates,
        extra_copies=sum(max(0, len(p.delivered()) - 1) for p in plan),
        unexplained_duplicates=unexplained,
        on_purpose=on_purpose,
        lost=len(lost),
        unmatched_replies=len(unmatched),
        apologies=sum(p.outcome == "apology" for p in plan)
        + sum(reply_kind(c) == "apology" for c in unmatched),
        stats_check=check,
        stats_agree=agree,
        faults=faults,
        errors=errors,
        latencies_ms=(p50, p95, p99),
        rss_cold_mb=rss[0],
        rss_warm_mb=rss[1],
        rss_start_mb=rss[2],
        rss_end_mb=rss[3],
        seconds=seconds,
        problems=problems,
    )


def stats_agreement(updates: int, on_purpose: Counter[str], stats: str) -> tuple[str, bool]:
    """The bot's /stats counts (updates, rate-limited, refused) next to the matching's,
    and whether they agree."""
    counted = {
        "updates": len(QUESTIONS) + updates + 1,  # and the warm-up, and /stats itself
        "rate-limited": sum(n for why, n in on_purpose.items() if "RATE_LIMIT" in why),
        "refused": sum(n for why, n in on_purpose.items() if "allow-list" in why),
    }
    said = {
        "updates": stat(stats, r"(?:收到更新|Updates)：?:? ?(\d+)"),
        "rate-limited": stat(stats, r"(?:限流拒绝|Rate-limited)：?:? ?(\d+)"),
        "refused": stat(stats, r"(?:未授权拒绝|Not allowed)：?:? ?(\d+)"),
    }
    agree = counted == said
    check = ", ".join(f"{k} {said[k]}" for k in counted) + (
        ": as matched" if agree else f": matched {counted}, which disagrees"
    )
    return check, agree


def stat(stats: str, pattern: str) -> int:
    """One number of the /stats text (-1 when missing)."""
    found = re.search(pattern, stats)
    return int(found.group(1)) if found else -1
