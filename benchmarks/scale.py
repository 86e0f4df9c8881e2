"""Scale: build, size, load, memory and query latency at 1k … 1M passages, next to rank-bm25.

Usage: python -m benchmarks.scale [--sizes 1000,10000,100000,1000000] [--work /tmp/docbot-scale]
                                  [--rank-bm25-max 100000] [--questions 200]
       python -m benchmarks.scale --table results.jsonl   (the table of saved result lines;
                                  each size's result line is printed to stderr as it ends)

For each size it writes a synthetic corpus (tests/auxil/synthetic.py), then, each in a
fresh process so memory figures are clean:
  build   `python -m bot index` (tokenizing in worker processes): wall time, index size
  engine  load the index file, resident memory, then 200 questions through the engine
          (`BM25Index.top`, 10 results) and through the whole search (tokenizing, the
          relevance rule, highlights): p50/p95
  rank-bm25  BM25Okapi over the same tokens: build time, resident memory, p50/p95 of
          get_scores + top 10 (skipped above --rank-bm25-max: its per-passage dicts
          outgrow this machine's memory long before 1M)
and prints one Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.auxil.process import percentiles, rss_mb

ROOT = Path(__file__).resolve().parent.parent


def questions(corpus: Path, count: int) -> list[str]:
    """Half random dictionary words, half fragments of passages (questions that match)."""
    from tests.auxil import synthetic

    rng = random.Random(5)
    files = sorted(corpus.glob("*.txt"))
    fragments = []
    while len(fragments) < count - count // 2:
        lines = rng.choice(files).read_text(encoding="utf-8").splitlines()[2:]
        line = rng.choice([line for line in lines if len(line) > 20])
        start = rng.randrange(0, len(line) - 12)
        fragments.append(line[start : start + rng.randint(6, 12)])
    return synthetic.questions(count // 2) + fragments


def measure_engine(corpus: Path, index_dir: Path, count: int) -> dict:
    """Load the stored index and time questions through the engine and the whole search."""
    from bot.config import Settings
    from bot.search import indexfile
    from bot.search.build import open_searcher

    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    began = time.perf_counter()
    indexfile.load(index_dir, settings)  # the index alone: verify and memory-map
    index_load = time.perf_counter() - began
    began = time.perf_counter()
    opened = open_searcher(settings)  # again, now with the tokenizer made ready too
    load = time.perf_counter() - began
    if not opened.loaded:
        raise SystemExit(f"expected a stored index: {opened.reason}")
    rss_loaded = rss_mb()
    asked = questions(corpus, count)
    tokenize = opened.searcher.tokenizer.tokenize
    term_lists = [list(dict.fromkeys(tokenize(q))) for q in asked]
    engine, search = [], []
    for terms, question in zip(term_lists, asked, strict=True):
        began = time.perf_counter()
        opened.searcher.index.top(terms, 10)
        engine.append(time.perf_counter() - began)
        began = time.perf_counter()
        opened.searcher.search(question)
        search.append(time.perf_counter() - began)
    return {
        "index_load_s": index_load,
        "load_s": load,
        "rss_loaded_mb": rss_loaded,
        "rss_end_mb": rss_mb(),
        "rss_end_anon_mb": rss_mb("RssAnon"),
        "rss_end_file_mb": rss_mb("RssFile"),
        "engine_ms": percentiles(engine),
        "search_ms": percentiles(search),
        "vocabulary": opened.searcher.index.vocabulary_size,
    }


def measure_rank_bm25(corpus: Path, count: int) -> dict:
    """rank-bm25 over the same tokens the engine indexes."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from bot.config import Settings
    from bot.documents.corpus import load_corpus
    from bot.passages import chunk_corpus
    from bot.search import tokens
    from bot.search.searcher import index_text

    settings = Settings(corpus_dir=corpus)
    documents = load_corpus(corpus).documents
    texts = [index_text(c) for c in chunk_corpus(documents, settings.max_chunk_chars)]
    tokenizer = tokens.Tokenizer()  # the synthetic corpus quotes no terms
    token_lists = [tokenizer.tokenize(text) for text in texts]
    began = time.perf_counter()
    bm25 = BM25Okapi(token_lists, k1=settings.bm25_k1, b=settings.bm25_b)
    build = time.perf_counter() - began
    del token_lists, texts, documents
    asked = questions(corpus, count)
    latencies = []
    for question in asked:
        terms = list(dict.fromkeys(tokenizer.tokenize(question)))
        began = time.perf_counter()
        scores = bm25.get_scores(terms)
        top = np.argpartition(-scores, 10)[:10]
        sorted(top, key=lambda i: -scores[i])
        latencies.append(time.perf_counter() - began)
    return {"build_s": build, "rss_mb": rss_mb(), "query_ms": percentiles(latencies)}


def in_child(mode: str, *args: str) -> dict:
    """Run one measurement in a fresh Python process and return its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{Path(__file__).stem}", f"--{mode}", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(size: int, work: Path, count: int, rank_bm25_max: int) -> dict:
    """Every figure for one corpus size."""
    from tests.auxil import synthetic

    corpus = work / f"corpus-{size}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        synthetic.write_corpus(corpus, size)
        (corpus / ".complete").write_text("", encoding="utf-8")
    index_dir = work / f"index-{size}"
    shutil.rmtree(index_dir, ignore_errors=True)
    env = {**os.environ, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus)}
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "index"],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    build = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest child so far
    disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    result = {"size": size, "build_s": build, "build_peak_mb": peak, "disk_mb": disk / 2**20}
    result["engine"] = in_child("engine", str(corpus), str(index_dir), str(count))
    if size <= rank_bm25_max:
        result["rank_bm25"] = in_child("rank-bm25", str(corpus), str(count))
    return result


def table(results: list[dict]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| passages | build s | build peak MB | index MB | load s (index / + tokenizer) "
        "| RSS MB (private + index pages) | engine p50/p95 ms "
        "| search p50/p95 ms | rank-bm25 build s | rank-bm25 RSS MB | rank-bm25 p50/p95 ms "
        "| speed-up (p50) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        e = r["engine"]
        cells = [
            f"{r['size']:,}",
            f"{r['build_s']:.1f}",
            f"{r.get('build_peak_mb', 0):.0f}",
            f"{r['disk_mb']:.1f}",
            f"{e.get('index_load_s', float('nan')):.2f} / {e['load_s']:.2f}",
            f"{e['rss_end_mb']:.0f} ({e.get('rss_end_anon_mb', 0):.0f} + "
            f"{e.get('rss_end_file_mb', 0):.0f})",
            "{:.2f} / {:.2f}".format(*e["engine_ms"]),
            "{:.2f} / {:.2f}".format(*e["search_ms"]),
        ]
        if "rank_bm25" in r:
            b = r["rank_bm25"]
            speedup = b["query_ms"][0] / max(e["engine_ms"][0], 1e-6)
            cells += [
                f"{b['build_s']:.1f}",
                f"{b['rss_mb']:.0f}",
                "{:.1f} / {:.1f}".format(*b["query_ms"]),
                f"{speedup:.0f}×",
            ]
        else:
            cells += ["not run", "not run", "not run", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    """Measure every size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbot-scale"))
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rank-bm25-max", type=int, default=100_000)
    parser.add_argument("--engine", nargs=3, metavar=("CORPUS", "INDEX", "COUNT"))
    parser.add_argument("--rank-bm25", nargs=2, metavar=("CORPUS", "COUNT"))
    parser.add_argument(
        "--table", type=Path, metavar="JSONL", help="print the table of saved result lines"
    )
    args = parser.parse_args()
    if args.table:
        lines = args.table.read_text(encoding="utf-8").splitlines()
        print(table([json.loads(line) for line in lines if line.startswith("{")]))
        return 0
    if args.engine:
        corpus, index_dir, count = args.engine
        print(json.dumps(measure_engine(Path(corpus), Path(index_dir), int(count))))
        return 0
    if args.rank_bm25:
        corpus, count = args.rank_bm25
        print(json.dumps(measure_rank_bm25(Path(corpus), int(count))))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(run_size(size, args.work, args.questions, args.rank_bm25_max))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
