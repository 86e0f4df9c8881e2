"""Reply latency with many users at once: the real bot polling the local fake Bot API.

Usage: python -m benchmarks.load [--users 40] [--rounds 10] [--corpus corpus]

Each round pushes one question from each of N users at the same moment; latency is
the time from the update being queued to the bot's sendMessage reaching the fake.
The bot keeps Telegram's limit of 30 messages per second to different chats
(AIORateLimiter), so back-to-back rounds of 40 (--pause 0) are capped at 30 answers/s.
Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from bot.config import Settings
from bot.documents.corpus import load_corpus
from bot.search.build import build_searcher
from bot.telegram.app import build_application
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent

QUESTIONS = ["年轻干部应该去哪里历练", "什么是五提四晋", "如何防止灯下黑", "容错纠错机制",
             "職級晉升要堅持哪些原則", "今天天气怎么样", "怎么关心关爱基层干部"]  # fmt: skip


def private_message(chat_id: int, text: str) -> dict:
    """A private-chat message update body."""
    return {
        "message_id": 1,
        "date": int(time.time()),
        "text": text,
        "from": {"id": chat_id, "is_bot": False, "first_name": "U"},
        "chat": {"id": chat_id, "type": "private", "first_name": "U"},
    }


async def measure(users: int, rounds: int, pause: float, corpus: Path) -> tuple[list[float], int]:
    """Latencies in seconds of every answer, and how many replies were not answers."""
    searcher = build_searcher(load_corpus(corpus), Settings())
    latencies: list[float] = []
    failures = 0
    with FakeBotAPI(TOKEN) as fake:
        settings = Settings(
            telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url, user_rate_limit=1000
        )
        application = build_application(settings, searcher)
        await application.initialize()
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            for round_number in range(rounds):
                since = len(fake.calls)
                pushed = {}
                for user in range(users):
                    chat_id = 10_000 + user
                    text = QUESTIONS[(user + round_number) % len(QUESTIONS)]
                    pushed[chat_id] = time.monotonic()
                    fake.push({"message": private_message(chat_id, text)})
                calls = await asyncio.to_thread(fake.wait_for, "sendMessage", users, 60.0, since)
                latencies += [call.at - pushed[call.params["chat_id"]] for call in calls]
                failures += sum("🔎" not in call.params["text"] for call in calls)
                await asyncio.sleep(pause)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
    return latencies, failures


def main() -> int:
    """Print latency percentiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--pause", type=float, default=1.5, help="seconds between rounds (0: back to back)"
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    began = time.monotonic()
    latencies, failures = asyncio.run(measure(args.users, args.rounds, args.pause, args.corpus))
    latencies.sort()
    elapsed = time.monotonic() - began

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"{len(latencies)} replies ({failures} not answers) to {args.users} users at once "
        f"× {args.rounds} rounds, {args.pause} s apart, in {elapsed:.1f} s"
    )
    print(
        f"latency ms: p50 {pct(0.50):.0f}, p95 {pct(0.95):.0f}, max {latencies[-1] * 1000:.0f},"
        f" mean {statistics.mean(latencies) * 1000:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
