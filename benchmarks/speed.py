"""Speed on the shipped corpus: one-shot `ask` wall time and per-question cost in a batch.

Usage: python -m benchmarks.speed [--runs 5] [--corpus corpus]

It runs `python -m bot ask` as a user would (a new process each time, jieba's
dictionary cache warm after the first run), then `ask --file` with 1 and with 100
questions; the difference divided by 99 is the cost of one more question.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "年轻干部应该去哪里历练",
    "什么是五提四晋",
    "如何防止灯下黑",
    "一岗双责",
    "怎样考核干部的实绩",
    "今天天气怎么样",
    "職級晉升要堅持哪些原則",
    "容错纠错机制",
    "组织部门为什么要打铁自身硬",
    "怎么关心关爱基层干部",
]


def wall(argv: list[str]) -> float:
    """Seconds one command takes from start to exit."""
    began = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - began


def main() -> int:
    """Print the measured figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", default="corpus")
    args = parser.parse_args()
    ask = [sys.executable, "-m", "bot", "ask", "--corpus", args.corpus]
    wall([*ask, "干部"])  # warm jieba's dictionary cache and the OS file cache
    one_shot = [wall([*ask, "年轻干部应该去哪里历练"]) for _ in range(args.runs)]
    with tempfile.TemporaryDirectory() as folder:
        one, hundred = Path(folder) / "1.txt", Path(folder) / "100.txt"
        one.write_text(QUESTIONS[0] + "\n", encoding="utf-8")
        hundred.write_text("\n".join(QUESTIONS * 10) + "\n", encoding="utf-8")
        batch_1 = min(wall([*ask, "--json", "--file", str(one)]) for _ in range(args.runs))
        batch_100 = min(wall([*ask, "--json", "--file", str(hundred)]) for _ in range(args.runs))
    print(
        f"one-shot ask, wall: median {statistics.median(one_shot):.3f} s, "
        f"max {max(one_shot):.3f} s over {args.runs} runs"
    )
    print(f"ask --file, 1 question: {batch_1:.3f} s; 100 questions: {batch_100:.3f} s")
    print(f"per question in a batch of 100: {(batch_100 - batch_1) / 99 * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
