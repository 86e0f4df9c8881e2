"""Quote check (原文核对): build time with and without the quote index, memory, and check
latency and accuracy on verbatim, altered and made-up quotes.

Usage: python -m benchmarks.quotes [--passages 100000] [--corpus DIR] [--work /tmp/docbot-quotes]
                                   [--quotes 300] [--runs 1]

The corpus is a folder (--corpus library) or a synthetic one of about --passages
paragraphs (tests/auxil/synthetic.py, written once into --work). Each measurement runs in
a fresh process, so memory figures are clean:
  build    read, chunk, tokenize (worker processes), index and save, without the quote
           index and with it (--runs times each, alternating; the fastest of each is kept):
           wall time, peak memory of the building process, the quote index's own build
           time and its size on disk
  check    load the saved index (memory-mapped), resident memory, then --quotes quotes of
           each kind through `Searcher.quote`: verbatim stretches of 8–120 characters
           (found?), the same with 1–3 characters changed, dropped or added (the closest
           wording where they came from?), and words the corpus lacks (nothing?); p50/p95
           of each kind and of all, and resident memory after
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
from typing import TYPE_CHECKING

from tests.auxil.process import percentiles, rss_mb
from tests.auxil.quote_variants import altered, made_up

if TYPE_CHECKING:
    from bot.search.store import ChunkStore

ROOT = Path(__file__).resolve().parent.parent
Source = tuple[str, int, str]  # a verbatim quote: its document's path, start and text


def build(corpus: Path, index_dir: Path, with_quotes: bool) -> dict:
    """Build and save the index of `corpus` (with or without the quote index)."""
    from bot.config import Settings
    from bot.search import indexfile
    from bot.search.build import build_searcher, corpus_of
    from bot.search.quotes import QuoteIndex

    shutil.rmtree(index_dir, ignore_errors=True)
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    began = time.perf_counter()
    state = indexfile.corpus_state(corpus)
    documents = corpus_of(settings)
    searcher = build_searcher(documents, settings, quote_index=with_quotes)
    indexfile.save(index_dir, searcher, settings, state, documents.skipped)
    seconds = time.perf_counter() - began
    result = {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "passages": len(searcher.store),
        "disk_mb": sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20,
    }
    if with_quotes:
        began = time.perf_counter()
        quotes = QuoteIndex.build(documents.documents)
        result["quote_build_s"] = time.perf_counter() - began
        result["quote_mb"] = sum(a.nbytes for a in quotes.arrays().values()) / 2**20
        result["characters"] = len(quotes.text)
    return result


def verbatim_quotes(store: ChunkStore, count: int, rng: random.Random) -> list[Source]:
    """`count` stretches of 8–120 characters (6 or more that count) taken from the
    documents' bodies at random: (path, start, text)."""
    from bot.search import quotes

    sources: list[Source] = []
    while len(sources) < count:
        doc = rng.randrange(len(store.docs))
        text = store.document_text(doc)
        length = rng.randint(8, 120)
        first = int(store.starts[store.doc_range(doc)[0]])
        if len(text) - first <= length:
            continue
        start = rng.randrange(first, len(text) - length)
        if len(quotes.fold(text[start : start + length])[0]) >= 6:
            sources.append((store.docs[doc]["path"], start, text[start : start + length]))
    return sources


def check(corpus: Path, index_dir: Path, count: int) -> dict:
    """Load the index and time quote checks of each kind; their accuracy too."""
    from bot.config import Settings
    from bot.search import quotes
    from bot.search.build import open_searcher

    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    opened = open_searcher(settings)
    if not opened.loaded:
        raise SystemExit(f"expected a stored index: {opened.reason}")
    searcher, store = opened.searcher, opened.searcher.store
    rss_loaded = rss_mb()
    rng = random.Random(5)
    sources = verbatim_quotes(store, count, rng)
    kinds = {
        "verbatim": [source for _, _, source in sources],
        "altered": [altered(rng, source, store.characters) for _, _, source in sources],
        "made-up": made_up(searcher, count, rng),
    }
    searcher.quote(kinds["altered"][0])  # the homophone tables load on first use
    timings: dict[str, list[float]] = {}
    checks: dict[str, list] = {}
    for kind, asked in kinds.items():
        for quote in asked:
            began = time.perf_counter()
            checks.setdefault(kind, []).append(searcher.quote(quote))
            timings.setdefault(kind, []).append(time.perf_counter() - began)

    def came_from(result: quotes.QuoteCheck, source: tuple[str, int, str]) -> bool:
        path, start, text = source
        place = result.closest.place if result.closest else None
        if place is None:
            return False
        near = place.doc == path and place.start < start + len(text) and start < place.end
        return near or quotes.fold(place.text)[0] == quotes.fold(text)[0]

    def verbatim(result: quotes.QuoteCheck) -> bool:  # every place is the quote, folded
        folded = quotes.fold(result.quote)[0]
        return all(quotes.fold(place.text)[0] == folded for place in result.places)

    pairs = list(zip(checks["altered"], sources, strict=True))
    standing = [c for c, _ in pairs if c.exact]  # an alteration that stands elsewhere
    altered_found = [(c, s) for c, s in pairs if not c.exact]
    return {
        "passages": len(store),
        "rss_loaded_mb": rss_loaded,
        "rss_end_mb": rss_mb(),
        "rss_end_anon_mb": rss_mb("RssAnon"),
        "rss_end_file_mb": rss_mb("RssFile"),
        "ms": {kind: percentiles(seconds) for kind, seconds in timings.items()},
        "all_ms": percentiles([s for seconds in timings.values() for s in seconds]),
        "verbatim_exact": sum(c.exact and verbatim(c) for c in checks["verbatim"]) / count,
        "altered_standing": len(standing),
        "false_exact": sum(not verbatim(c) for c in standing),
        "altered_right": sum(came_from(c, s) for c, s in altered_found) / len(altered_found),
        "made_up_nothing": sum(
            not c.exact and c.closest is None and not c.parts for c in checks["made-up"]
        )
        / count,
    }


def in_child(*args: str) -> dict:
    """Run one measurement in a fresh Python process and return its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{Path(__file__).stem}", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(corpus: Path, builds: dict[str, dict], checked: dict) -> str:
    """The figures as Markdown."""
    without, with_quotes = builds["without"], builds["with"]
    overhead = with_quotes["seconds"] / without["seconds"] - 1
    lines = [
        f"Corpus {corpus}: {with_quotes['passages']:,} passages, "
        f"{with_quotes['characters']:,} folded characters",
        "",
        "| build | seconds | peak MB | index MB |",
        "| --- | --- | --- | --- |",
        f"| without the quote index | {without['seconds']:.1f} | {without['peak_mb']:.0f} "
        f"| {without['disk_mb']:.1f} |",
        f"| with it | {with_quotes['seconds']:.1f} | {with_quotes['peak_mb']:.0f} "
        f"| {with_quotes['disk_mb']:.1f} |",
        "",
        f"Overhead {overhead:+.1%}; the quote index alone builds in "
        f"{with_quotes['quote_build_s']:.2f} s and holds {with_quotes['quote_mb']:.1f} MB.",
        "",
        "| quotes | p50 ms | p95 ms |",
        "| --- | --- | --- |",
    ]
    for kind, (p50, p95) in checked["ms"].items():
        lines.append(f"| {kind} | {p50:.2f} | {p95:.2f} |")
    lines.append("| all | {:.2f} | {:.2f} |".format(*checked["all_ms"]))
    lines += [
        "",
        f"RSS after loading {checked['rss_loaded_mb']:.0f} MB, after the checks "
        f"{checked['rss_end_mb']:.0f} MB ({checked['rss_end_anon_mb']:.0f} private + "
        f"{checked['rss_end_file_mb']:.0f} mapped index pages).",
        f"Verbatim found exact: {checked['verbatim_exact']:.1%}. Altered: "
        f"{checked['altered_standing']} stand verbatim elsewhere (false exact: "
        f"{checked['false_exact']}); of the others the closest wording is where the quote "
        f"came from for {checked['altered_right']:.1%}. Made-up with nothing: "
        f"{checked['made_up_nothing']:.1%}.",
    ]
    return "\n".join(lines)


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, help="a corpus folder instead of a synthetic one")
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbot-quotes"))
    parser.add_argument("--quotes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--build", nargs=3, metavar=("CORPUS", "INDEX", "WITH"))
    parser.add_argument("--check", nargs=3, metavar=("CORPUS", "INDEX", "COUNT"))
    args = parser.parse_args()
    if args.build:
        corpus, index_dir, with_quotes = args.build
        print(json.dumps(build(Path(corpus), Path(index_dir), with_quotes == "with")))
        return 0
    if args.check:
        corpus, index_dir, count = args.check
        print(json.dumps(check(Path(corpus), Path(index_dir), int(count))))
        return 0
    corpus = args.corpus
    if corpus is None:
        from tests.auxil import synthetic

        corpus = args.work / f"corpus-{args.passages}"
        if not (corpus / ".complete").exists():
            shutil.rmtree(corpus, ignore_errors=True)
            synthetic.write_corpus(corpus, args.passages)
            (corpus / ".complete").write_text("", encoding="utf-8")
    corpus = corpus.resolve()
    index_dir = args.work / f"index-{corpus.name}"
    os.makedirs(args.work, exist_ok=True)
    builds: dict[str, dict] = {}
    for _ in range(args.runs):
        for kind in ("without", "with"):
            result = in_child("--build", str(corpus), str(index_dir), kind)
            if kind not in builds or result["seconds"] < builds[kind]["seconds"]:
                builds[kind] = result
    checked = in_child("--check", str(corpus), str(index_dir), str(args.quotes))
    print(json.dumps({"builds": builds, "check": checked}), file=sys.stderr)
    print(report(corpus, builds, checked))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
