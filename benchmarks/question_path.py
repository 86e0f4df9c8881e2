"""The whole question path, black-box, next to the leanest peer: jieba + bm25s (numba).

Usage: python -m benchmarks.question_path [--passages 100000] [--questions 1000]
                                          [--work /tmp/docbot-question-path] [--runs 5]

On one synthetic corpus (tests/auxil/synthetic.py) it times, per question, questions
answered one after another as the bot answers them:
  ours   `python -m bot ask --json --top-k 10 --file F`: the run with every question minus
         the run with the first alone, just before it, divided by the rest (start-up and
         loading cancel); the best of --runs such pairs
  peer   in this process: `jieba.lcut(question)` and bm25s's `retrieve(..., k=10)` with
         its numba backend over the same passages, cut by jieba (jieba-rs, the same
         words); the mean over the questions after a warm-up, the best of --runs
for questions of common words (synthetic.questions) and of rare ones (two or three words
each in at most 10 passages), and prints the ratios: best to best, and the median of the
ratios of each run, where the two are timed one right after the other. The runs of the
two alternate, so a spell of this machine running slower (it can halve its speed for
minutes) falls on both. Needs the bench extra (bm25s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.config import FLOATS

ROOT = Path(__file__).resolve().parent.parent


def ask_seconds(questions: list[str], env: dict[str, str], work: Path) -> float:
    """Wall seconds of one `ask --json --top-k 10 --file` run over the questions."""
    path = work / "questions.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--top-k", "10", "--file", str(path)],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def ours_seconds(questions: list[str], env: dict[str, str], work: Path) -> tuple[float, float]:
    """The seconds of the whole `ask` path with the first question alone, and right
    after it with every question."""
    return ask_seconds(questions[:1], env, work), ask_seconds(questions, env, work)


class Peer:
    """jieba + bm25s (numba) over the passages, indexed once."""

    def __init__(self, passages: list[str]) -> None:
        import bm25s
        import jieba
        import rjieba

        jieba.setLogLevel(60)
        jieba.initialize()
        cutter = rjieba.Jieba()
        k1, b = FLOATS["bm25_k1"].default, FLOATS["bm25_b"].default
        self.retriever = bm25s.BM25(k1=k1, b=b, method="robertson", backend="numba")
        self.retriever.index([cutter.cut(text) for text in passages], show_progress=False)
        self.cut = jieba.lcut

    def ms(self, questions: list[str]) -> float:
        """Milliseconds per question: cut and retrieve k=10, after a warm-up."""
        for question in questions[:5]:  # numba compiles on the first call
            self.retriever.retrieve([self.cut(question)], k=10, show_progress=False)
        began = time.perf_counter()
        for question in questions:
            self.retriever.retrieve([self.cut(question)], k=10, show_progress=False)
        return (time.perf_counter() - began) / len(questions) * 1000


def rare_questions(count: int, env: dict[str, str]) -> list[str]:
    """Questions of two or three words, each in 1-10 passages of the corpus."""
    from bot.config import load_settings
    from bot.search.build import open_searcher
    from tests.auxil import synthetic

    searcher = open_searcher(load_settings(env)).searcher
    words, _ = synthetic.dictionary()
    rng = random.Random(13)
    rare: list[str] = []
    for word in rng.sample(words, 60_000):
        if 1 <= searcher.index.document_frequency(word) <= 10:
            rare.append(word)
        if len(rare) >= 3 * count:
            break
    return ["".join(rng.sample(rare, rng.randint(2, 3))) for _ in range(count)]


def main() -> int:
    """Print both paths' cost per question, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbot-question-path"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from tests.auxil import synthetic

    corpus = args.work / f"corpus-{args.passages}"
    if not (corpus / ".complete").exists():
        synthetic.write_corpus(corpus, args.passages)
        (corpus / ".complete").write_text("", encoding="utf-8")
    env = {**os.environ, "CORPUS_DIR": str(corpus), "INDEX_DIR": str(args.work / "index")}
    subprocess.run([sys.executable, "-m", "bot", "index"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    sets = {
        "common words": synthetic.questions(args.questions, seed=21),
        "rare words": rare_questions(args.questions, env),
    }
    from bot.config import load_settings
    from bot.search.build import open_searcher
    from bot.search.searcher import index_text

    searcher = open_searcher(load_settings(env)).searcher
    peer = Peer([index_text(chunk) for chunk in searcher.store])
    del searcher
    theirs: dict[str, list[float]] = {name: [] for name in sets}
    ours: dict[str, list[float]] = {name: [] for name in sets}
    for _ in range(args.runs):  # alternating: a slow spell of the machine falls on both
        for name, questions in sets.items():
            theirs[name].append(peer.ms(questions))
            first, whole = ours_seconds(questions, env, args.work)  # back to back
            ours[name].append((whole - first) / (len(questions) - 1) * 1000)
    for name, questions in sets.items():
        best, peer_best = min(ours[name]), min(theirs[name])
        runs = list(zip(ours[name], theirs[name], strict=True))
        ratios = [mine / peer for mine, peer in runs]
        print(
            f"{name}: ours {best:.3f} ms a question, jieba + bm25s-numba {peer_best:.3f} ms "
            f"({best / peer_best:.1f}× best to best; {statistics.median(ratios):.1f}× the "
            f"median of each run's ratio), {len(questions)} questions, {args.passages:,} "
            f"passages (runs, ours / peer: "
            f"{', '.join(f'{mine:.2f} / {peer:.2f}' for mine, peer in runs)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
