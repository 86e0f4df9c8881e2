"""Soak: the real bot (`python -m bot run`) against a faulty fake Bot API.

Usage: python benchmarks/soak.py [--updates 10000] [--users 500] [--rate 120]

Pushes private questions, group /ask commands and inline queries from many users while
the fake injects 429s with retry_after, 500s, slow answers and dropped connections (also
on getUpdates). Every update must get exactly one response (an answer, or a polite
rate-limit notice) unless the bot deliberately dropped it under its rate limits; the
report counts what was received, answered, refused and lost, the latency percentiles,
and the bot's resident memory at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import Chaos, FakeBotAPI  # noqa: E402

TOKEN = "333333333:AASoakTokenxxxxxxxxxxxxxxxxxxxxxxxxxx"
ADMIN = 1
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
APOLOGY = "抱歉，处理时出了点问题"


@dataclass
class Report:
    """What a soak run measured."""

    updates: int
    responses: int
    answers: int
    notices: int
    dropped_by_limits: int
    lost: int
    apologies: int
    latencies_ms: tuple[float, float, float]
    rss_cold_mb: float
    rss_start_mb: float
    rss_end_mb: float
    faults_injected: int
    seconds: float
    errors_logged: int

    def lines(self) -> list[str]:
        """The report as text."""
        p50, p95, p99 = self.latencies_ms
        return [
            f"updates sent {self.updates}, responses {self.responses} "
            f"({self.answers} answers, {self.notices} rate-limit notices)",
            f"dropped on purpose by the rate limits {self.dropped_by_limits}; "
            f"lost {self.lost}; apologies {self.apologies}",
            f"faults injected {self.faults_injected}; errors logged {self.errors_logged}; "
            f"latency ms p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}",
            f"bot RSS {self.rss_cold_mb:.0f} MB idle, {self.rss_start_mb:.0f} MB after the first "
            f"tenth of the updates, {self.rss_end_mb:.0f} MB at the end; "
            f"{self.seconds:.0f} s",
        ]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    """The value at `share` of the sorted values."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def make_update(n: int, rng: random.Random, users: int) -> tuple[str, dict, str]:
    """(kind, update body, key of the response it expects)."""
    user_id = 10_000 + rng.randrange(users)
    user = {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "zh"}
    question = rng.choice(QUESTIONS)
    roll = rng.random()
    if roll < 0.2:
        return (
            "inline",
            {"inline_query": {"id": f"q{n}", "from": user, "query": question, "offset": ""}},
            f"inline:q{n}",
        )
    if roll < 0.4:
        chat = {"id": rng.choice(GROUPS), "type": "supergroup", "title": "G"}
        text = f"/ask {question}"
        message = {
            "message_id": n,
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
        }
        return "group", {"message": message}, f"reply:{chat['id']}:{n}"
    chat = {"id": user_id, "type": "private", "first_name": "U"}
    message = {
        "message_id": n,
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": question,
    }
    return "private", {"message": message}, f"chat:{user_id}"


def response_key(call) -> str:
    """The key of the update a response answers."""
    if call.method == "answerInlineQuery":
        return f"inline:{call.params['inline_query_id']}"
    reply = call.params.get("reply_parameters")
    if reply:
        return f"reply:{call.params['chat_id']}:{reply['message_id']}"
    return f"chat:{call.params['chat_id']}"


def soak(
    updates: int,
    users: int,
    rate: float,
    chaos: Chaos,
    corpus: Path = ROOT / "corpus",
    work: Path = Path("/tmp/docbot-soak"),
) -> Report:
    """Run the bot under load and faults; return what happened."""
    rng = random.Random(42)
    with FakeBotAPI(TOKEN) as fake:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "CORPUS_DIR": str(corpus),
            "INDEX_DIR": str(work / "index"),
            "ADMIN_IDS": str(ADMIN),
            "LOG_LEVEL": "ERROR",
            "RELOAD_INTERVAL": "0",
        }
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
            rss_cold = rss_mb(bot.pid)
            rss_start = rss_cold
            fake.chaos = chaos
            began = time.monotonic()
            pushed: dict[str, deque[float]] = defaultdict(deque)
            for n in range(1, updates + 1):
                if n == updates // 10:
                    rss_start = rss_mb(bot.pid)  # after warming up: caches filled, pools open
                _, update, key = make_update(n, rng, users)
                pushed[key].append(time.monotonic())
                fake.push(update)
                delay = began + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            settle = time.monotonic()
            last = -1
            while time.monotonic() - settle < 120:  # wait for the tail (and its retries)
                done = len(answered_calls(fake))
                if done == last and time.monotonic() - settle > 15:
                    break
                last = done
                time.sleep(3)
            fake.chaos = None
            rss_end = rss_mb(bot.pid)
            since = len(fake.calls)
            fake.push(
                {
                    "message": {
                        "message_id": 0,
                        "date": int(time.time()),
                        "chat": {"id": ADMIN, "type": "private", "first_name": "A"},
                        "from": {"id": ADMIN, "is_bot": False, "first_name": "A"},
                        "text": "/stats",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    }
                }
            )
            stats = fake.wait_for("sendMessage", 1, 30.0, since)[0].params["text"]
            seconds = time.monotonic() - began
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
                raise
        errors = log_path.read_text(encoding="utf-8").count(" ERROR ")
        calls = answered_calls(fake)
        latencies = []
        for call in calls:
            queue = pushed.get(response_key(call))
            if queue:
                latencies.append((call.at - queue.popleft()) * 1000)
        limited = int(re.search(r"(?:限流拒绝|Rate-limited)：?:? ?(\d+)", stats).group(1))
        notices = sum("提问太快了" in c.params.get("text", "") for c in calls)
        apologies = sum(APOLOGY in c.params.get("text", "") for c in calls)
        faults = sum(1 for c in fake.calls if c.status != 200)
        dropped = limited - notices
        return Report(
            updates=updates,
            responses=len(calls),
            answers=len(calls) - notices - apologies,
            notices=notices,
            dropped_by_limits=dropped,
            lost=updates - (len(calls) - apologies) - dropped,
            apologies=apologies,
            latencies_ms=tuple(percentile(latencies, p) for p in (0.5, 0.95, 0.99)),
            rss_cold_mb=rss_cold,
            rss_start_mb=rss_start,
            rss_end_mb=rss_end,
            faults_injected=faults,
            seconds=seconds,
            errors_logged=errors,
        )


def answered_calls(fake: FakeBotAPI) -> list:
    """The bot's successful responses (messages and inline answers), /stats excluded."""
    return [
        c
        for c in list(fake.calls)
        if c.status == 200
        and c.method in ("sendMessage", "answerInlineQuery")
        and c.params.get("chat_id") != ADMIN
    ]


def main() -> int:
    """Run the soak and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument(
        "--rate",
        type=float,
        default=25.0,
        help="updates per second (Telegram lets a bot send about 30 messages a second)",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.02,
        help="odds of a 500, of a slow answer, and (half) of a dropped call",
    )
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=0.005,
        help="odds of a 429 (each one pauses all of the bot's sends)",
    )
    args = parser.parse_args()
    odds = args.fault_rate
    chaos = Chaos(too_many=args.flood_rate, server_error=odds, slow=odds, dropped=odds / 2)
    report = soak(args.updates, args.users, args.rate, chaos)
    print("\n".join(report.lines()))
    return 0 if report.lost == 0 and report.apologies == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
