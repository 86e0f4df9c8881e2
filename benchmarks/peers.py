"""Peers: our BM25 engine next to bm25s, tantivy and rank-bm25, on the same tokens and questions.

Usage: python -m benchmarks.peers [--sizes 10000,100000,1000000] [--questions 500]
                                  [--engines ours,bm25s-numba,bm25s-numpy,tantivy,rank-bm25]
                                  [--work /tmp/docbot-peers] [--rank-bm25-max 100000]
                                  [--rank-bm25-questions 50] [--timeout 900] [--max-rss-gb 12]
       python -m benchmarks.peers --table results.jsonl   (the table of saved result lines;
                                  each size's line is printed to stderr as it ends and
                                  added to --work/results.jsonl)

The peers are not runtime dependencies: pip install bm25s==0.3.16 tantivy==0.27.0
(numba and rank-bm25 come with the dev extra).

For each size, once (cached under --work): token lists from tests/auxil/synthetic.py, one
passage a line, tokens joined by a space; questions: half synthetic.questions segmented
by jieba (its Chinese words only, each once), half 2-3 words drawn uniformly from the
words in at most 10 passages of that corpus (short posting lists). Then for each engine,
each step in a fresh process (this script with --child; one JSON line on stdout):
  build  read the token lists, index them (timed), save the index (timed apart); peak
         memory (the tokens held by every engine included; their share is shown)
  query  load the saved index (timed), 5 warm-up questions (the first call, which loads
         or compiles numba code, reported apart), then every question one after another
         on one thread, top 10: p50/p95 overall and for each half; resident memory after
         the load and after the questions, private (RssAnon) and file-backed (RssFile)
Engines:
  ours         bot.search.index.BM25Index (k1 0.8, b 0.4, epsilon 0.25): .npy arrays,
               loaded memory-mapped; numba kernel from 50,000 passages (by its own rule)
  bm25s-numba  bm25s.BM25(method="robertson", backend="numba"): BM25Okapi's idf (clipped
               at 0 instead of floored at epsilon × the average idf) and tf part
               (without the constant factor k1 + 1), float32;
               retrieve(..., backend_selection="numba"), one question a call; load(mmap=True)
  bm25s-numpy  the same with backend="numpy" (scores summed by np.add.at, top 10 by
               argpartition, both over every passage)
  tantivy      one text field, tokenizer "whitespace", frequencies without positions; a
               SHOULD query of term queries, search(query, 10, count=False); passage
               positions from a fast field. Its own BM25: k1 1.2, b 0.75, idf
               ln(1 + (N - df + 0.5) / (df + 0.5)), lengths stored in one byte
  rank-bm25    BM25Okapi, no saved form: built and asked in one process; only
               --rank-bm25-questions questions from 50,000 passages, none above --rank-bm25-max
Each engine's top 10 (positive scores only) is compared with ours: the same list (equal
scores in position order, ours' rule), the same set, and the same scores under ours (the
passages differ only among equal scores). Peak memory is VmHWM: a child's ru_maxrss
starts from its parent's resident size (Linux carries it across exec).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.config import FLOATS
from tests.auxil.process import percentiles, rss_mb

ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from bot.search.index import BM25Index

ENGINES = ("ours", "bm25s-numba", "bm25s-numpy", "tantivy", "rank-bm25")
K1, B, EPSILON = (FLOATS[name].default for name in ("bm25_k1", "bm25_b", "bm25_epsilon"))
TOP = 10
WARM_UP = 5
RARE_DF = 10  # a rare word is in at most this many passages
FEW_FROM = 50_000  # rank-bm25 gets --rank-bm25-questions questions from this size
TANTIVY_HEAP = 1_000_000_000  # one indexing thread, flushing a segment at 1 GB
CHINESE = re.compile(r"[\u4e00-\u9fff]+")

Hit = tuple[int, float]  # (passage position, score)


class Engine:
    """One BM25 engine: build from token lists, save, load, answer with its top 10."""

    modules: tuple[str, ...] = ()
    saves = True

    def build(self, token_lists: list[list[str]], folder: Path) -> None:
        """Index the passages (`folder`: for an engine that indexes on disk)."""
        raise NotImplementedError

    def save(self, folder: Path) -> None:
        """Write the index into `folder`."""

    def load(self, folder: Path) -> None:
        """Open the index saved in `folder`."""
        raise NotImplementedError

    def top(self, terms: list[str]) -> list[Hit]:
        """The best 10 passages with a positive score, best first."""
        raise NotImplementedError


def positive(positions: np.ndarray, scores: np.ndarray) -> list[Hit]:
    """(position, score) pairs with a score above 0, in the order given."""
    return [(int(p), float(s)) for p, s in zip(positions, scores, strict=True) if s > 0]


def load_ours(folder: Path) -> BM25Index:
    """Our index from its saved arrays as the bot loads them: memory-mapped, each checked
    against its recorded checksum through its own map."""
    from bot.search.index import BM25Index
    from bot.search.npyfile import checked_arrays

    saved = json.loads((folder / "size.json").read_text(encoding="utf-8"))
    return BM25Index.from_arrays(saved["size"], checked_arrays(folder, saved["arrays"]))


class Ours(Engine):
    """bot.search.index.BM25Index."""

    modules = ("bot.search.index",)

    def build(self, token_lists: list[list[str]], folder: Path) -> None:
        """Index the token lists."""
        from bot.search.postings import index_tokens

        self.index = index_tokens(token_lists, k1=K1, b=B, epsilon=EPSILON)

    def save(self, folder: Path) -> None:
        """One .npy file per array, and the size and each array's checksum."""
        from bot.search.npyfile import ArrayWriter

        writer = ArrayWriter(folder)
        for name, values in self.index.arrays().items():
            writer.save(name, values)
        saved = {"size": self.index.size, "arrays": writer.recorded}
        (folder / "size.json").write_text(json.dumps(saved), "utf-8")

    def load(self, folder: Path) -> None:
        """The arrays, memory-mapped."""
        self.index = load_ours(folder)

    def top(self, terms: list[str]) -> list[Hit]:
        """BM25Index.top."""
        return self.index.top(terms, TOP)


class BM25S(Engine):
    """bm25s with its numba or its numpy backend."""

    modules = ("bm25s",)

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def build(self, token_lists: list[list[str]], folder: Path) -> None:
        """Index the token lists as they are (no bm25s tokenizer, stemmer or stopwords)."""
        import bm25s

        self.retriever = bm25s.BM25(k1=K1, b=B, method="robertson", backend=self.backend)
        self.retriever.index(token_lists, show_progress=False)

    def save(self, folder: Path) -> None:
        """bm25s's own files."""
        self.retriever.save(folder, show_progress=False)

    def load(self, folder: Path) -> None:
        """bm25s's own files, memory-mapped (the backend is stored with them)."""
        import bm25s

        self.retriever = bm25s.BM25.load(folder, mmap=True, show_progress=False)
        if self.retriever.backend != self.backend:
            raise SystemExit(f"loaded backend {self.retriever.backend}, not {self.backend}")

    def top(self, terms: list[str]) -> list[Hit]:
        """One question per retrieve call, on this thread."""
        found = self.retriever.retrieve(
            [terms], k=TOP, show_progress=False, n_threads=0, backend_selection=self.backend
        )
        return positive(found.documents[0], found.scores[0])


class Tantivy(Engine):
    """tantivy's Python binding; the index lives on disk from the start."""

    modules = ("tantivy",)

    def build(self, token_lists: list[list[str]], folder: Path) -> None:
        """Add one document per passage (tokens joined by spaces) and commit: the commit
        writes the index, so building includes saving."""
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        schema = (
            tantivy.SchemaBuilder()
            .add_text_field("body", tokenizer_name="whitespace", index_option="freq")
            .add_integer_field("pos", fast=True)
            .build()
        )
        writer = tantivy.Index(schema, path=str(folder)).writer(TANTIVY_HEAP, num_threads=1)
        for position, tokens in enumerate(token_lists):
            writer.add_document(tantivy.Document(body=" ".join(tokens), pos=position))
        writer.commit()
        writer.wait_merging_threads()

    def load(self, folder: Path) -> None:
        """Open the index and a searcher."""
        import tantivy

        self.tantivy = tantivy
        index = tantivy.Index.open(str(folder))
        self.schema = index.schema
        self.searcher = index.searcher()

    def top(self, terms: list[str]) -> list[Hit]:
        """A SHOULD query of term queries (no query parser); positions from the fast field."""
        should, term_query = self.tantivy.Occur.Should, self.tantivy.Query.term_query
        query = self.tantivy.Query.boolean_query(
            [(should, term_query(self.schema, "body", t, index_option="freq")) for t in terms]
        )
        hits = self.searcher.search(query, TOP, count=False).hits
        if not hits:
            return []
        positions = self.searcher.fast_field_values("pos", [address for _, address in hits])
        return positive(np.array(positions), np.array([score for score, _ in hits]))


class RankBM25(Engine):
    """rank-bm25's BM25Okapi: scores every passage for every question."""

    modules = ("rank_bm25",)
    saves = False

    def build(self, token_lists: list[list[str]], folder: Path) -> None:
        """BM25Okapi over the token lists."""
        from rank_bm25 import BM25Okapi

        self.bm25 = BM25Okapi(token_lists, k1=K1, b=B, epsilon=EPSILON)

    def top(self, terms: list[str]) -> list[Hit]:
        """get_scores, then the top 10 by argpartition, sorted."""
        scores = self.bm25.get_scores(terms)
        best = np.argpartition(-scores, TOP)[:TOP]
        best = best[np.argsort(-scores[best], kind="stable")]
        return positive(best, scores[best])


def make_engine(name: str) -> Engine:
    """The engine called `name`."""
    makers = {
        "ours": Ours,
        "bm25s-numba": lambda: BM25S("numba"),
        "bm25s-numpy": lambda: BM25S("numpy"),
        "tantivy": Tantivy,
        "rank-bm25": RankBM25,
    }
    return makers[name]()


def tokens_path(work: Path, size: int) -> Path:
    """The cached token lists of one size."""
    return work / f"tokens-{size}.txt"


def questions_path(work: Path, size: int, count: int) -> Path:
    """The cached questions of one size."""
    return work / f"questions-{size}-{count}.json"


def index_folder(work: Path, name: str, size: int) -> Path:
    """Where an engine saves its index of one size."""
    return work / f"{name}-{size}"


def hits_path(work: Path, name: str, size: int) -> Path:
    """Where an engine's answers to the questions are kept for the comparison."""
    return work / f"hits-{size}-{name}.json"


def memory() -> dict[str, float]:
    """Resident memory now, MB: all, private and file-backed."""
    return {"rss": rss_mb(), "anon": rss_mb("RssAnon"), "file": rss_mb("RssFile")}


def peak() -> dict[str, float]:
    """Peak resident memory of this process, MB: VmHWM, and ru_maxrss for reference."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"hwm": rss_mb("VmHWM"), "ru_maxrss": maxrss}


def read_tokens(path: Path) -> list[list[str]]:
    """Token lists, one passage a line; each word one shared string, as a tokenizer's
    output would be (so the lists cost what they would in the bot's own build)."""
    words: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        return [[words.setdefault(word, word) for word in line.split()] for line in lines]


def jieba_questions(count: int) -> list[list[str]]:
    """synthetic.questions segmented by jieba: its Chinese words, each once."""
    import jieba

    from tests.auxil import synthetic

    made = []
    for question in synthetic.questions(2 * count):  # a prefix of questions(count)
        terms = [t for t in jieba.lcut(question) if CHINESE.fullmatch(t)]
        if terms:
            made.append(list(dict.fromkeys(terms)))
        if len(made) == count:
            break
    return made


def rare_questions(token_lists: list[list[str]], count: int, seed: int = 13) -> list[list[str]]:
    """2-3 words each, drawn uniformly from the words in at most RARE_DF passages."""
    frequency: Counter[str] = Counter()
    for tokens in token_lists:
        frequency.update(set(tokens))
    rare = sorted(word for word, df in frequency.items() if df <= RARE_DF)
    rng = random.Random(seed)
    return [rng.sample(rare, rng.randint(2, 3)) for _ in range(count)]


def prepare(work: Path, size: int, count: int) -> dict:
    """Write the token lists and the questions of one size, unless already there."""
    from tests.auxil import synthetic

    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    path = tokens_path(work, size)
    if path.exists():
        token_lists = read_tokens(path)
    else:
        token_lists = synthetic.token_lists(size, seed=7)
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            out.writelines(" ".join(tokens) + "\n" for tokens in token_lists)
        partial.replace(path)
    asked = [{"kind": "jieba", "terms": terms} for terms in jieba_questions(count // 2)]
    rare = rare_questions(token_lists, count - len(asked))
    asked += [{"kind": "rare", "terms": terms} for terms in rare]
    questions_path(work, size, count).write_text(json.dumps(asked, ensure_ascii=False), "utf-8")
    return {"prepare_s": time.perf_counter() - began, "tokens": sum(map(len, token_lists))}


def chosen(asked: list[dict], limit: int) -> list[int]:
    """The first limit/2 questions of each half (all of them when limit covers them)."""
    if limit >= len(asked):
        return list(range(len(asked)))
    kinds = Counter[str]()
    picked = []
    for number, question in enumerate(asked):
        kinds[question["kind"]] += 1
        if kinds[question["kind"]] <= limit // 2:
            picked.append(number)
    return picked


def ask(engine: Engine, asked: list[dict], picked: list[int], hits_file: Path) -> dict:
    """Warm up, then time every picked question; its hits go to `hits_file`."""
    warm_up = []
    for number in picked[:WARM_UP]:
        began = time.perf_counter()
        engine.top(asked[number]["terms"])
        warm_up.append((time.perf_counter() - began) * 1000)
    seconds: dict[str, list[float]] = {"all": [], "jieba": [], "rare": []}
    hits = []
    for number in picked:
        terms = asked[number]["terms"]
        began = time.perf_counter()
        found = engine.top(terms)
        took = time.perf_counter() - began
        seconds["all"].append(took)
        seconds[asked[number]["kind"]].append(took)
        hits.append(found)
    hits_file.write_text(json.dumps({"picked": picked, "hits": hits}), encoding="utf-8")
    return {
        "questions": len(picked),
        "first_call_ms": warm_up[0],
        "warm_up_ms": warm_up,
        "ms": {kind: percentiles(values) for kind, values in seconds.items() if values},
        "rss_end_mb": memory(),
        "peak_end_mb": peak(),
    }


def child_build(name: str, size: int, work: Path, count: int, limit: int) -> dict:
    """Build and save one engine's index (rank-bm25: build and ask, nothing to save)."""
    engine = make_engine(name)
    for module in engine.modules:
        importlib.import_module(module)
    began = time.perf_counter()
    token_lists = read_tokens(tokens_path(work, size))
    result: dict = {"read_s": time.perf_counter() - began, "rss_tokens_mb": memory()}
    folder = index_folder(work, name, size)
    shutil.rmtree(folder, ignore_errors=True)
    began = time.perf_counter()
    engine.build(token_lists, folder)
    result["build_s"] = time.perf_counter() - began
    result["peak_build_mb"] = peak()
    if engine.saves:
        began = time.perf_counter()
        engine.save(folder)
        result["save_s"] = time.perf_counter() - began
        result["peak_save_mb"] = peak()
        result["disk_mb"] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
        return result
    del token_lists
    result["rss_load_mb"] = memory()  # after the build, the token lists let go
    asked = json.loads(questions_path(work, size, count).read_text(encoding="utf-8"))
    result.update(ask(engine, asked, chosen(asked, limit), hits_path(work, name, size)))
    return result


def child_query(name: str, size: int, work: Path, count: int, limit: int) -> dict:
    """Load one engine's saved index and ask it the questions."""
    engine = make_engine(name)
    began = time.perf_counter()
    for module in engine.modules:
        importlib.import_module(module)
    result: dict = {"import_s": time.perf_counter() - began}
    asked = json.loads(questions_path(work, size, count).read_text(encoding="utf-8"))
    began = time.perf_counter()
    engine.load(index_folder(work, name, size))
    result["load_s"] = time.perf_counter() - began
    result["rss_load_mb"] = memory()
    if isinstance(engine, Tantivy):
        result["segments"] = engine.searcher.num_segments
    result.update(ask(engine, asked, chosen(asked, limit), hits_path(work, name, size)))
    return result


def in_child(arguments: list[str], timeout: float, max_rss_mb: float) -> dict:
    """Run this script in a fresh process and return its JSON line, or {"stopped": why}
    when it runs over `timeout` seconds or `max_rss_mb` of memory (it is then killed)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        began = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", f"benchmarks.{Path(__file__).stem}", *arguments],
            cwd=ROOT,
            stdout=out,
        )
        watched = 0.0
        while process.poll() is None:
            watched = max(watched, rss_mb(pid=process.pid))
            elapsed = time.monotonic() - began
            if elapsed > timeout or watched > max_rss_mb:
                process.kill()
                process.wait()
                return {"stopped": f"stopped after {elapsed:.0f} s at {watched:.0f} MB"}
            time.sleep(0.2)
        if process.returncode:
            return {"stopped": f"failed (exit status {process.returncode})"}
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    result["wall_s"] = time.monotonic() - began
    result["watched_peak_mb"] = watched
    return result


def run_engine(name: str, size: int, args: argparse.Namespace) -> dict:
    """Build, then load and ask, one engine, each in its own process."""
    limit = args.questions
    if name == "rank-bm25" and size >= FEW_FROM:
        limit = min(limit, args.rank_bm25_questions)
    common = [name, str(size), "--work", str(args.work), "--questions", str(args.questions)]
    common += ["--limit", str(limit)]
    limits = (args.timeout, args.max_rss_gb * 1024)
    began = time.monotonic()
    result: dict = {"questions": args.questions}
    result["build"] = in_child(["--child", "build", *common], *limits)
    if make_engine(name).saves and "stopped" not in result["build"]:
        result["query"] = in_child(["--child", "query", *common], *limits)
    result["wall_s"] = time.monotonic() - began
    print(f"{size:,} {name}: {result['wall_s']:.0f} s", file=sys.stderr, flush=True)
    return result


def ordered(hits: list[list]) -> list[int]:
    """Positions by score, equal scores in position order (ours' rule)."""
    return [position for position, _ in sorted(hits, key=lambda hit: (-hit[1], hit[0]))]


def same_scores(index: BM25Index, terms: list[str], theirs: list[int], ours: list[list]) -> bool:
    """Whether their passages score, under ours, what our top 10 scores (they differ at
    most among passages with equal scores)."""
    if len(theirs) != len(ours):
        return False
    if not theirs:
        return True
    positions = np.sort(np.array(theirs, dtype=np.int64))
    scored = np.sort(index.scores_at(terms, positions))[::-1]
    return bool(np.allclose(scored, [score for _, score in ours], rtol=1e-7, atol=0))


def agreement(work: Path, size: int, count: int, names: Sequence[str]) -> dict:
    """Each engine's top 10 against ours: shares of questions with the same list, the same
    set and the same scores under ours; overall and for each half."""
    ours_file = hits_path(work, "ours", size)
    if not ours_file.exists():
        return {}
    ours = json.loads(ours_file.read_text(encoding="utf-8"))
    ours_hits = dict(zip(ours["picked"], ours["hits"], strict=True))
    asked = json.loads(questions_path(work, size, count).read_text(encoding="utf-8"))
    index = load_ours(index_folder(work, "ours", size))
    shares = {}
    for name in names:
        path = hits_path(work, name, size)
        if name == "ours" or not path.exists():
            continue
        theirs = json.loads(path.read_text(encoding="utf-8"))
        tally: dict[str, Counter[str]] = {"all": Counter(), "jieba": Counter(), "rare": Counter()}
        for number, hits in zip(theirs["picked"], theirs["hits"], strict=True):
            mine = ours_hits[number]
            checks = {
                "questions": True,
                "raw_list": [p for p, _ in hits] == [p for p, _ in mine],
                "list": ordered(hits) == ordered(mine),
                "set": {p for p, _ in hits} == {p for p, _ in mine},
                "scores": same_scores(index, asked[number]["terms"], ordered(hits), mine),
            }
            for kind in ("all", asked[number]["kind"]):
                tally[kind].update(key for key, value in checks.items() if value)
        shares[name] = {
            kind: {key: counts[key] / counts["questions"] for key in counts}
            for kind, counts in tally.items()
        }
    return shares


def run_size(size: int, args: argparse.Namespace, names: Sequence[str]) -> dict:
    """Every engine's figures for one corpus size."""
    began = time.monotonic()
    result: dict = {"size": size, "engines": {}}
    if not questions_path(args.work, size, args.questions).exists():
        prepared = ["prepare", str(size), "--work", str(args.work)]
        result["prepare"] = in_child(
            ["--child", *prepared, "--questions", str(args.questions)], 3 * 3600, 1e9
        )
    for name in names:
        if name == "rank-bm25" and size > args.rank_bm25_max:
            result["engines"][name] = {"skipped": f"above --rank-bm25-max {args.rank_bm25_max}"}
            continue
        result["engines"][name] = run_engine(name, size, args)
    result["agreement"] = agreement(args.work, size, args.questions, names)
    result["wall_s"] = time.monotonic() - began
    return result


def pair(values: Sequence[float], digits: int = 2) -> str:
    """'a / b' with `digits` decimals."""
    return " / ".join(f"{value:.{digits}f}" for value in values)


def resident(figures: dict) -> str:
    """'total (private + file)' in MB."""
    return f"{figures['rss']:.0f} ({figures['anon']:.0f} + {figures['file']:.0f})"


def row(size: int, name: str, figures: dict, shares: dict) -> list[str]:
    """One engine's cells at one size."""
    if "skipped" in figures:
        return [f"{size:,}", name, figures["skipped"], *[""] * 10]
    build = figures["build"]
    if "stopped" in build:
        return [f"{size:,}", name, f"build {build['stopped']}", *[""] * 10]
    asked = figures.get("query", build)
    label = name
    if asked.get("questions", figures["questions"]) < figures["questions"]:
        label = f"{name} ({asked['questions']} questions)"
    build_peak = build.get("peak_save_mb", build["peak_build_mb"])["hwm"]
    cells = [
        f"{size:,}",
        label,
        f"{build['build_s']:.1f}",
        f"{build['rss_tokens_mb']['rss']:.0f} / {build_peak:.0f}",
        f"{build['disk_mb']:.0f}" if "disk_mb" in build else "n/a",
    ]
    if "stopped" in asked:
        return [*cells, f"query {asked['stopped']}", *[""] * 7]
    ms = asked["ms"]
    agree = shares.get("all")
    cells += [
        f"{asked['load_s']:.2f}" if "load_s" in asked else "n/a",
        resident(asked["rss_load_mb"]),
        resident(asked["rss_end_mb"]),
        f"{asked['first_call_ms']:.1f}",
        pair(ms["all"]),
        pair(ms["jieba"]),
        pair(ms["rare"]),
        "—" if not agree else f"{agree['list']:.0%} / {agree['set']:.0%} / {agree['scores']:.0%}",
    ]
    return cells


NOTE = """\
Passages: synthetic token lists (jieba dictionary frequencies, 5-120 words). Questions:
half jieba-segmented synthetic questions (common words, long posting lists), half 2-3
words from the words in at most 10 passages. Top 10, one question at a time, one thread.
Before build: RSS of the build process, engine imported and token lists read; build
peak: its VmHWM, saving included. RSS: total (private RssAnon + file-backed RssFile).
First call: the first warm-up question (numba loads or compiles its code there).
Agreement with ours: same list (equal scores put in position order) / same set / same
scores under ours (passages differing only among equal scores).
bm25s: method "robertson" (BM25Okapi's idf and tf part, float32), but a word in more
than half the passages (了 and 是 here) gets idf 0 where BM25Okapi (ours, rank-bm25)
gives it epsilon × the average idf: questions with such a word rank differently.
tantivy: k1 1.2, b 0.75 (not settable from Python), idf ln(1 + (N - df + 0.5)/(df + 0.5)),
passage lengths rounded to one byte: its top 10 is not expected to match ours. Build on
one indexing thread (1 GB heap); the build includes writing the index.
rank-bm25: no saved form (load n/a, RSS after load = after the build); at 50,000
passages and more it is asked fewer questions (flagged), above --rank-bm25-max none."""


def table(results: list[dict]) -> str:
    """The figures as a Markdown table, with its note."""
    lines = [
        "| passages | engine | build s | before build / build peak MB | index MB | load s "
        "| RSS after load MB | RSS after questions MB | first call ms | p50 / p95 ms "
        "| jieba half p50 / p95 | rare half p50 / p95 | top 10 = ours (list / set / scores) |",
        "| " + " | ".join(["---"] * 13) + " |",
    ]
    for result in results:
        for name, figures in result["engines"].items():
            shares = result.get("agreement", {}).get(name, {})
            lines.append("| " + " | ".join(row(result["size"], name, figures, shares)) + " |")
    return "\n".join(lines) + "\n\n" + NOTE


def child(args: argparse.Namespace) -> int:
    """One measurement in this (fresh) process: its JSON line on stdout."""
    mode, *rest = args.child
    if mode == "prepare":
        print(json.dumps(prepare(args.work, int(rest[0]), args.questions)))
        return 0
    name, size = rest[0], int(rest[1])
    run = child_build if mode == "build" else child_query
    print(json.dumps(run(name, size, args.work, args.questions, args.limit)))
    return 0


def main() -> int:
    """Measure every size and engine, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbot-peers"))
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--rank-bm25-max", type=int, default=100_000)
    parser.add_argument("--rank-bm25-questions", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per process")
    parser.add_argument("--max-rss-gb", type=float, default=12, help="memory per process")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--table", type=Path, metavar="JSONL", help="print the table of saved result lines"
    )
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.table:
        lines = args.table.read_text(encoding="utf-8").splitlines()
        print(table([json.loads(line) for line in lines if line.startswith("{")]))
        return 0
    names = [name for name in args.engines.split(",") if name]
    unknown = set(names) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}; known: {ENGINES}")
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(run_size(size, args, names))
        line = json.dumps(results[-1])
        print(line, file=sys.stderr, flush=True)
        with (args.work / "results.jsonl").open("a", encoding="utf-8") as saved:
            saved.write(line + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
