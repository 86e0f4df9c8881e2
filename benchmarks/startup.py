"""Time from `python -m bot run` to the bot's first answer, against the local fake Bot API.

Usage: python -m benchmarks.startup [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent


def one_run() -> tuple[float, float, float]:
    """Seconds to the command menu, to the first answer, and to exit after SIGTERM."""
    with FakeBotAPI(TOKEN) as fake:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "CORPUS_DIR": str(ROOT / "corpus"),
            "LOG_LEVEL": "WARNING",
        }
        began = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env)
        fake.push(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "灯下黑",
                    "from": {"id": 5, "is_bot": False, "first_name": "A"},
                    "chat": {"id": 5, "type": "private", "first_name": "A"},
                }
            }
        )
        ready = fake.wait_for("setMyCommands", 2, timeout=30)[-1].at - began
        answered = fake.wait_for("sendMessage", timeout=30)[0].at - began
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        if code != 0:
            raise SystemExit(f"bot exited with {code}")
        return ready, answered, time.monotonic() - stopping


def main() -> int:
    """Print median figures over several runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    ready, answered, stopped = (statistics.median(column) for column in zip(*runs, strict=True))
    print(
        f"command menu registered after {ready:.2f} s; first answer after {answered:.2f} s; "
        f"SIGTERM to exit 0 in {stopped:.2f} s (medians of {len(runs)} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
