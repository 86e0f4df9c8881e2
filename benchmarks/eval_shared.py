"""Ranking quality on the shared BEIR sets: this engine next to the naive baseline.

Usage: python -m benchmarks.eval_shared [SET ...] [--eval-dir ../shared/eval]

For each set it prints Recall@1/3/10, MRR@10 and nDCG@10 for
  ours          python -m bot eval (titles indexed as the product indexes them)
  ours-notitle  the same without titles (the README baselines are text only)
  naive         rank-bm25 BM25Okapi defaults over plain jieba.lcut, text only
all measured in the same run. Exits quietly (status 0) when the sets are not there.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.evaluation import evaluate_beir, load_beir, ranking_metrics

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
KEYS = ("recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10")


def naive(folder: Path) -> dict[str, float]:
    """The README's naive baseline: rank-bm25 defaults over jieba.lcut of the text."""
    data = load_beir(folder)
    ids = [p["id"] for p in data.passages]
    bm25 = BM25Okapi([jieba.lcut(p["text"]) for p in data.passages])
    ranked = []
    for _, question in data.queries:
        scores = bm25.get_scores(jieba.lcut(question))
        ranked.append([ids[i] for i in scores.argsort()[::-1][:10]])
    return ranking_metrics(ranked, [data.qrels[qid] for qid, _ in data.queries])


def main() -> int:
    """Print one table row per set and method."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="set names (default: every folder)")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    if not args.eval_dir.is_dir():
        print(f"No evaluation sets at {args.eval_dir}; nothing to measure.")
        return 0
    names = args.sets or sorted(p.name for p in args.eval_dir.iterdir() if p.is_dir())
    settings = Settings()
    print("| set | method | queries | R@1 | R@3 | R@10 | MRR@10 | nDCG@10 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        folder = args.eval_dir / name
        runs = {
            "ours": lambda f=folder: evaluate_beir(f, settings),
            "ours-notitle": lambda f=folder: evaluate_beir(f, settings, use_titles=False),
            "naive": lambda f=folder: naive(f),
        }
        for method, measure in runs.items():
            began = time.perf_counter()
            metrics = measure()
            seconds = time.perf_counter() - began
            queries = int(metrics.get("queries", len(load_beir(folder).queries)))
            cells = " | ".join(f"{metrics[k]:.3f}" for k in KEYS)
            print(f"| {name} | {method} | {queries} | {cells} | {seconds:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
