"""A short soak: a few hundred updates through the real bot while the fake Bot API fails,
before and after delivering what the bot sends; every update is matched to its reply or
to the reason it got none. And the matching itself, on made-up calls."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.auxil.fake_bot_api import Call, Chaos
from tests.auxil.soak import (
    QUESTIONS,
    Limits,
    Planned,
    classify,
    logged_errors,
    match,
    report,
    soak,
    tag,
)


def test_every_update_is_answered_or_dropped_on_purpose_under_faults(tmp_path: Path) -> None:
    chaos = Chaos(
        too_many=0.02,
        server_error=0.03,
        slow=0.03,
        dropped=0.02,
        dropped_after=0.04,
        server_error_after=0.04,
        seed=5,
    )
    report = soak(
        updates=400, users=40, rate=50, chaos=chaos, work=tmp_path, heavy_share=0.35, groups=2
    )
    text = "\n".join(report.lines() + report.problems)
    assert report.faults["dropped after"] + report.faults["500 after"] >= 5, text
    assert report.duplicated >= 1, text  # a fault after delivery makes the bot send again …
    assert report.unexplained_duplicates == 0, text  # … and nothing else does
    assert report.extra_copies == report.faults["after, on sends"], text  # one per fault
    assert report.lost == 0, text
    assert report.unmatched_replies == 0 and report.apologies == 0, text
    assert report.stats_agree, text
    assert not report.problems, text
    reasons = " ".join(report.on_purpose)
    for reason in ("USER_RATE_LIMIT", "CHAT_RATE_LIMIT", "INLINE_RATE_LIMIT", "allow-list"):
        assert reason in reasons, text  # each documented reason for no answer was met
    assert report.answered_once > report.updates // 3, text
    assert report.rss_end_mb < report.rss_warm_mb * 1.2, text


def sent(at: float, fault_after: str | None = None, **params: Any) -> Call:
    method = "answerInlineQuery" if "inline_query_id" in params else "sendMessage"
    return Call(method, params, 200, at=at, fault_after=fault_after)


def test_the_matching_tells_lost_updates_and_unexplained_duplicates() -> None:
    heavy = 10_009
    plan = [
        Planned(1, "private", 10_001, 10_001, "干部"),  # answered once
        Planned(2, "private", 10_002, 10_002, "干部"),  # nothing: lost
        Planned(3, "group", 10_003, -1001, "干部"),  # twice, the first delivered fine
        Planned(4, "inline", 10_004, 10_004, "干部"),  # twice, the first answer lost
        Planned(5, "private", heavy, heavy, "干部"),  # a notice with the limit far off
    ]
    # then the heavy user, 10 a second: 20 answers, a notice, a silent drop and a second
    # notice within the minute, and a silent drop once the limit has refilled (lost)
    plan += [Planned(n, "private", heavy, heavy, "干部") for n in range(6, 30)]
    fetched = {n: float(n) for n in range(1, 6)} | {n: 6 + (n - 6) / 10 for n in range(6, 29)}
    fetched[29] = 200.0
    for planned in plan:
        planned.update_id = planned.n
    calls = [
        Call("getUpdates", {}, 200, at=at, result=[{"update_id": n}]) for n, at in fetched.items()
    ]
    calls += [
        sent(1.1, chat_id=10_001, text=f"🔎 干部{tag(1)}\n\n…"),
        sent(3.1, chat_id=-1001, text="🔎 干部\n\n…", reply_parameters={"message_id": 3}),
        sent(3.2, chat_id=-1001, text="🔎 干部\n\n…", reply_parameters={"message_id": 3}),
        sent(4.1, "dropped", inline_query_id="q4"),
        sent(4.2, inline_query_id="q4"),
        sent(5.1, chat_id=heavy, text="提问太快了，请稍等 3 秒再试。"),
    ]
    calls += [
        sent(fetched[n] + 0.05, chat_id=heavy, text=f"🔎 干部{tag(n)}\n\n…") for n in range(6, 26)
    ]
    for n in (26, 28):
        calls.append(sent(fetched[n] + 0.05, chat_id=heavy, text="提问太快了，请稍等 3 秒再试。"))
    calls.sort(key=lambda call: call.at)
    unmatched = match(plan, calls)
    problems = classify(plan, Limits(user=20, chat=15, inline=60), outsiders=set())
    stats = f"收到更新：{len(QUESTIONS) + 30}\n限流拒绝：2\n未授权拒绝：0"
    outcome = report(plan, unmatched, problems, stats, Counter(), [], 0, 1.0, (1.0,) * 4, 1.0)
    assert [p.outcome for p in plan[:5]] == ["answered", "lost", "answered", "answered", "odd"]
    assert [p.reason for p in plan[25:]] == [
        "over USER_RATE_LIMIT: told",
        "a second rate-limit notice within the minute",  # (a private notice names no
        "over USER_RATE_LIMIT: silent",  # question: it goes to the first it can answer)
        "no reply and no limit reached",
    ]
    assert outcome.lost == 2 and outcome.unexplained_duplicates == 1
    assert outcome.duplicates == Counter({"answer ×2, after 1× a dropped connection": 1})
    assert outcome.stats_agree and not unmatched and not outcome.ok


def test_the_report_names_the_exception_each_logged_error_ended_in() -> None:
    log = (
        "2026-12-01 17:50:12,464 ERROR bot.telegram.handlers: Error handling update 219\n"
        "Traceback (most recent call last):\n"
        '  File "bot/telegram/replies.py", line 284, in with_retries\n'
        "telegram.error.NetworkError: Internal Server Error\n"
        "2026-12-01 17:50:13,001 WARNING bot.telegram.replies: A Bot API call failed\n"
        "2026-12-01 17:50:14,002 ERROR bot.cli: Could not reload the index\n"
    )
    assert logged_errors(log) == [
        "telegram.error.NetworkError: Internal Server Error",
        "2026-12-01 17:50:14,002 ERROR bot.cli: Could not reload the index",
    ]
