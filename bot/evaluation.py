"""Ranking quality: BEIR-format sets (Recall@k, MRR@10, nDCG@10) and the seed question set."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import INTS, Settings
from bot.models import Chunk, Document
from bot.search.build import searcher_from_chunks


class DatasetError(Exception):
    """An evaluation set is missing files or is malformed."""


@dataclass(frozen=True)
class BeirSet:
    """Passages, questions and relevance judgements of one BEIR-format folder."""

    passages: list[dict[str, str]]
    queries: list[tuple[str, str]]
    qrels: dict[str, dict[str, int]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every JSON object of a .jsonl file (blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DatasetError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return [json.loads(line) for line in lines if line.strip()]
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path} is not JSON lines: {error}") from None


def load_beir(folder: Path) -> BeirSet:
    """Read corpus.jsonl, queries.jsonl and qrels/*.tsv (test.tsv preferred)."""
    qrel_files = sorted((folder / "qrels").glob("*.tsv"))
    if not (folder / "corpus.jsonl").is_file() or not qrel_files:
        raise DatasetError(f"{folder} is not a BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
    qrel_file = next((f for f in qrel_files if f.stem == "test"), qrel_files[0])
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(qrel_file.read_text(encoding="utf-8").splitlines()):
        fields = line.split("\t")
        if number == 0 and not fields[-1].strip().lstrip("-").isdigit():
            continue  # header
        if len(fields) >= 3 and int(fields[2]) > 0:
            qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    passages = [
        {"id": str(p["_id"]), "title": p.get("title", ""), "text": p["text"]}
        for p in read_jsonl(folder / "corpus.jsonl")
    ]
    queries = [
        (str(q["_id"]), q["text"])
        for q in read_jsonl(folder / "queries.jsonl")
        if str(q["_id"]) in qrels
    ]
    return BeirSet(passages, queries, qrels)


def ranking_metrics(
    ranked: Sequence[Sequence[str]], relevant: Sequence[dict[str, int]]
) -> dict[str, float]:
    """Mean Recall@1/3/10, MRR@10 and nDCG@10 of ranked ids against graded judgements."""
    totals = {"recall@1": 0.0, "recall@3": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}
    for ids, judged in zip(ranked, relevant, strict=True):
        for k in (1, 3, 10):
            totals[f"recall@{k}"] += len(set(ids[:k]) & judged.keys()) / len(judged)
        first = next((rank for rank, i in enumerate(ids[:10], 1) if i in judged), None)
        totals["mrr@10"] += 1 / first if first else 0.0
        dcg = sum(judged.get(i, 0) / math.log2(rank + 1) for rank, i in enumerate(ids[:10], 1))
        ideal = sorted(judged.values(), reverse=True)[:10]
        totals["ndcg@10"] += dcg / sum(g / math.log2(r + 1) for r, g in enumerate(ideal, 1))
    count = max(1, len(ranked))
    return {key: value / count for key, value in totals.items()}


def evaluate_beir(
    folder: Path,
    settings: Settings,
    top_k: int = 10,
    use_titles: bool = True,
) -> dict[str, float]:
    """Index each passage of a BEIR set as one chunk and score every judged question.

    A passage's title is indexed as its document title, as the product does, unless
    `use_titles` is False. The no-result rule is off: this measures ranking alone.
    """
    data = load_beir(folder)
    documents = [
        Document(p["id"], p["title"] if use_titles else "", p["text"]) for p in data.passages
    ]
    chunks = [
        Chunk(f"{n:012x}", d.path, d.title, (), d.text, 0, len(d.text))
        for n, d in enumerate(documents)
    ]
    searcher = searcher_from_chunks(chunks, documents, settings)
    ranked = []
    for _, text in data.queries:
        answer = searcher.search(text, max(top_k, 10), with_highlights=False, relevance_rule=False)
        ranked.append([hit.chunk.doc for hit in answer.hits])
    metrics = ranking_metrics(ranked, [data.qrels[qid] for qid, _ in data.queries])
    return {"queries": len(data.queries), **metrics}


SILENT_KINDS = {"ooc", "missing_doc"}  # kinds whose right answer is no passage


@dataclass(frozen=True)
class QuestionResult:
    """How one question of a question set fared."""

    question: str
    kind: str
    expected: str  # "" for a question the documents do not answer
    rank: int | None  # 1-based rank of the first passage holding the expected phrase
    returned: int
    headings_ok: bool  # the found passage's heading path is the expected one
    top_heading_ok: bool  # its outermost heading is the expected one
    passage_chars: tuple[int, ...] = ()


def headings_match(found: Sequence[str], expected: Sequence[str]) -> tuple[bool, bool]:
    """(whole path right, top heading right): each expected heading is given by the start
    of its line, so a heading matches when one of the two starts with the other."""

    def same(a: str, b: str) -> bool:
        a, b = "".join(a.split()), "".join(b.split())
        return a.startswith(b) or b.startswith(a)

    top = (not expected and not found) or bool(expected and found and same(found[0], expected[0]))
    whole = len(found) == len(expected) and all(
        same(a, b) for a, b in zip(found, expected, strict=True)
    )
    return whole, top


def judge(
    item: dict[str, Any], found: Sequence[dict[str, Any]], texts: dict[str, str]
) -> QuestionResult:
    """Score one question against its ranked passages (dicts as `ask --json` gives them)."""
    expected: str = item.get("expect") or ""
    doc = item.get("doc")
    kind = item.get("kind") or ("ooc" if not expected else "natural")
    rank, whole, top = None, False, False
    occurrences: list[int] = []
    if expected and doc in texts:
        text = texts[doc]
        at = text.find(expected)
        while at >= 0:
            occurrences.append(at)
            at = text.find(expected, at + 1)
    for position, passage in enumerate(found, 1):
        if passage["doc"] != doc:
            continue
        if any(
            passage["start"] < at + len(expected) and at < passage["end"] for at in occurrences
        ):
            rank = position
            whole, top = headings_match(passage["headings"], item.get("headings") or [])
            break
    return QuestionResult(
        item["question"], kind, expected, rank, len(found), whole, top,
        tuple(len(p["text"]) for p in found),
    )  # fmt: skip


def summarize(
    results: Sequence[QuestionResult], top_k: int = INTS["top_k"].default
) -> dict[str, float]:
    """hit@1, hit@3, MRR@10, out-of-corpus silence, passage length and headings of results."""
    answerable = [r for r in results if r.expected]
    silent = [r for r in results if not r.expected]
    hits = [r for r in answerable if r.rank]
    ranks = [r.rank for r in hits if r.rank]
    lengths = [n for r in results for n in r.passage_chars[:top_k]]
    count = max(1, len(answerable))
    return {
        "questions": len(results),
        "hit@1": sum(r.rank == 1 for r in answerable) / count,
        "hit@3": sum(bool(r.rank and r.rank <= 3) for r in answerable) / count,
        "mrr@10": sum(1 / rank for rank in ranks if rank <= 10) / count,
        "out_of_corpus_silent": sum(r.returned == 0 for r in silent) / max(1, len(silent)),
        "mean_passage_chars": sum(lengths) / max(1, len(lengths)),
        "headings_ok": sum(r.headings_ok for r in hits) / max(1, len(hits)),
        "top_heading_ok": sum(r.top_heading_ok for r in hits) / max(1, len(hits)),
    }


def evaluate_questions(
    questions: Iterable[dict[str, Any]],
    search: Callable[[str], list[dict[str, Any]]],
    texts: dict[str, str],
    top_k: int = INTS["top_k"].default,
) -> tuple[dict[str, float], dict[str, dict[str, float]], list[QuestionResult]]:
    """Score a question set: overall, per kind of question, and each question.

    Each question names `expect`, a phrase quoted from the document `doc` (null for a
    question the corpus cannot answer), and `headings`, the starts of the heading lines
    the answer sits under. `search` returns a question's ranked passages as `ask --json`
    gives them; `texts` maps each document's path to its text.
    """
    results = [judge(item, search(item["question"]), texts) for item in questions]
    kinds = sorted({r.kind for r in results})
    per_kind = {kind: summarize([r for r in results if r.kind == kind], top_k) for kind in kinds}
    return summarize(results, top_k), per_kind, results
