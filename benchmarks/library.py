"""Answers found the way people ask: the question sets over the speech, the library and
documents tuning never saw, beside a naive baseline measured in the same run.

Usage: python -m benchmarks.library [--json]

Corpora and question sets (`questions/…`, `benchmarks/unseen/…`):
  speech          corpus/ (the speech alone): the speech's questions of dev and test
  speech-in-library  library/: the same questions among all the documents
  library-dev     library/: questions/dev.jsonl (used for tuning)
  library-test    library/: questions/test.jsonl (frozen before tuning)
  unseen          library/ + benchmarks/unseen/docs/: benchmarks/unseen/questions.jsonl
  blind           library/ + unseen + benchmarks/blind/docs/: benchmarks/blind/questions.jsonl
                  (written last, measured once, never tuned on)
For each it prints hit@1, hit@3, MRR@10, out-of-corpus silenced, heading paths right and
top heading right, for this project (`Searcher.search`, as `ask --json --top-k 10`) and for
the naive baseline: rank-bm25's BM25Okapi over `jieba.lcut` of each non-empty line, a
line being a passage (it answers every question that shares a word with some line).
Then per kind of question for this project, titles right, offset mismatches (passages
whose text is not their slice of the file) and front-matter text found in passages.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jieba
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.documents.corpus import Corpus, load_corpus
from bot.evaluation import evaluate_questions, read_jsonl
from bot.passages import chunk_corpus
from bot.render import answer_dict
from bot.search.build import build_searcher
from bot.search.searcher import Searcher

ROOT = Path(__file__).resolve().parent.parent
SPEECH = "在全市组织系统干部培训专班上的讲话.txt"
UNSEEN = ROOT / "benchmarks" / "unseen"
BLIND = ROOT / "benchmarks" / "blind"
COLUMNS = ("hit@1", "hit@3", "mrr@10", "out_of_corpus_silent", "headings_ok", "top_heading_ok")


class NaiveLines:
    """The naive baseline: BM25Okapi over jieba.lcut of every non-empty line."""

    def __init__(self, corpus: Corpus) -> None:
        self.lines: list[dict[str, Any]] = []
        for doc in corpus.documents:
            offset = 0
            for raw in doc.text.splitlines(keepends=True):
                text = raw.strip()
                if text:
                    start = offset + raw.index(text[0])
                    self.lines.append(
                        {"doc": doc.path, "start": start, "end": start + len(text),
                         "text": text, "headings": []}
                    )  # fmt: skip
                offset += len(raw)
        self.bm25 = BM25Okapi([jieba.lcut(line["text"]) for line in self.lines])

    def search(self, question: str) -> list[dict[str, Any]]:
        """The ten best lines with a positive score."""
        scores = self.bm25.get_scores(jieba.lcut(question))
        best = scores.argsort()[::-1][:10]
        return [self.lines[i] for i in best if scores[i] > 0]


def ours(searcher: Searcher) -> Callable[[str], list[dict[str, Any]]]:
    """This project's answers, as `ask --json --top-k 10` gives them."""
    return lambda question: answer_dict(searcher.search(question, 10))["results"]


def texts_of(corpus: Corpus) -> dict[str, str]:
    """Each document's decoded text by its path."""
    return {doc.path: doc.text for doc in corpus.documents}


def document_checks(corpus: Corpus, titles_file: Path) -> dict[str, Any]:
    """Titles right, offset mismatches and front matter in passages, for one corpus."""
    expected = {}
    for folder_file in [titles_file]:
        with folder_file.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                expected[row["doc"]] = row
    chunks = chunk_corpus(corpus.documents)
    texts = texts_of(corpus)
    wrong_titles = [
        f"{doc.path}: {doc.title!r}"
        for doc in corpus.documents
        if doc.path in expected and doc.title != expected[doc.path]["title"]
    ]
    mismatches = sum(chunk.text != texts[chunk.doc][chunk.start : chunk.end] for chunk in chunks)
    front = 0
    for chunk in chunks:
        first_line = expected.get(chunk.doc, {}).get("first_line")
        if first_line:  # everything before the document's first line is front matter
            front += chunk.start < texts[chunk.doc].index(first_line)
    titled = [doc for doc in corpus.documents if doc.path in expected]
    return {
        "titles_right": f"{len(titled) - len(wrong_titles)}/{len(titled)}",
        "wrong_titles": wrong_titles,
        "offset_mismatches": mismatches,
        "front_matter_passages": front,
        "passages": len(chunks),
    }


def merged_library(folder: Path, *extra: Path) -> Path:
    """library/ and the documents of `extra` folders in one folder."""
    folder.mkdir(exist_ok=True)
    for source in [*(ROOT / "library").iterdir(), *(p for e in extra for p in e.iterdir())]:
        if source.is_file():
            shutil.copy(source, folder / source.name)
    return folder


def main() -> int:
    """Print (or emit as JSON) every set's figures. (Long on purpose: the options and the
    table's rows, in the order they print.)"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings(build_workers=1)
    speech_questions = [
        q
        for name in ("dev.jsonl", "test.jsonl")
        for q in read_jsonl(ROOT / "questions" / name)
        if q["doc"] in (None, SPEECH)
    ]
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        runs = [
            ("speech", ROOT / "corpus", speech_questions, ROOT / "questions" / "titles.tsv"),
            ("speech-in-library", ROOT / "library", speech_questions,
             ROOT / "questions" / "titles.tsv"),
            ("library-dev", ROOT / "library", read_jsonl(ROOT / "questions" / "dev.jsonl"),
             ROOT / "questions" / "titles.tsv"),
            ("library-test", ROOT / "library", read_jsonl(ROOT / "questions" / "test.jsonl"),
             ROOT / "questions" / "titles.tsv"),
            ("unseen", merged_library(Path(scratch) / "unseen", UNSEEN / "docs"),
             read_jsonl(UNSEEN / "questions.jsonl"), UNSEEN / "titles.tsv"),
            ("blind", merged_library(Path(scratch) / "blind", UNSEEN / "docs", BLIND / "docs"),
             read_jsonl(BLIND / "questions.jsonl"), BLIND / "titles.tsv"),
        ]  # fmt: skip
        built: dict[Path, tuple[Corpus, Searcher, NaiveLines]] = {}
        for name, folder, questions, titles in runs:
            if folder not in built:
                corpus = load_corpus(folder)
                built[folder] = (corpus, build_searcher(corpus, settings), NaiveLines(corpus))
            corpus, searcher, naive = built[folder]
            texts = texts_of(corpus)
            summary, kinds, _ = evaluate_questions(questions, ours(searcher), texts)
            baseline, _, _ = evaluate_questions(questions, naive.search, texts)
            report[name] = {
                "ours": summary,
                "naive": baseline,
                "kinds": kinds,
                "documents": document_checks(corpus, titles),
            }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print_tables(report)
    return 0


def print_tables(report: dict[str, Any]) -> None:
    """The README's tables."""
    head = "| set | questions | engine | " + " | ".join(COLUMNS) + " |"
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for name, run in report.items():
        for engine in ("ours", "naive"):
            row = run[engine]
            cells = " | ".join(f"{row[c]:.3f}" for c in COLUMNS)
            print(f"| {name} | {row['questions']} | {engine} | {cells} |")
    print()
    for name, run in report.items():
        print(f"{name}: per kind (ours)")
        print("| kind | n | hit@1 | hit@3 | silent |")
        print("| --- | --- | --- | --- | --- |")
        for kind, row in run["kinds"].items():
            print(
                f"| {kind} | {row['questions']} | {row['hit@1']:.3f} | {row['hit@3']:.3f} "
                f"| {row['out_of_corpus_silent']:.3f} |"
            )
        checks = run["documents"]
        print(
            f"titles right {checks['titles_right']} {checks['wrong_titles']}, "
            f"offset mismatches {checks['offset_mismatches']} of {checks['passages']}, "
            f"front-matter passages {checks['front_matter_passages']}, mean passage "
            f"{run['ours']['mean_passage_chars']:.0f} chars\n"
        )


if __name__ == "__main__":
    sys.exit(main())
