"""Known questions find known passages; questions about anything else find nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import tokens
from bot.build import build_searcher, searcher_from_chunks
from bot.config import Settings
from bot.corpus import load_corpus
from bot.evaluation import evaluate_questions
from bot.models import Chunk, Document
from bot.search import Searcher, merge_spans
from tests.conftest import ROOT

OUT_OF_CORPUS = [
    "今天天气怎么样",
    "如何申请美国签证",
    "hello",
    "推薦一部好看的電影",
    "？？？",
    "的了吗",
]


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("年轻干部应该去哪里历练？", "离不开艰苦环境的磨砺和复杂局面的历练"),
        ("年輕幹部應該去哪裡歷練？", "离不开艰苦环境的磨砺和复杂局面的历练"),
        ("什么是“五提四晋”", "五提四晋"),
        ("如何防止灯下黑", "灯下黑"),
        ("ＰＯＬＩＴＩＣＳ 一岗双责", "一岗双责"),
    ],
)
def test_known_questions_find_their_passage(
    seed_searcher: Searcher, question: str, phrase: str
) -> None:
    best = seed_searcher.search(question).hits[0]
    assert phrase in best.chunk.text


def test_hits_carry_title_headings_offsets_and_highlights(seed_searcher: Searcher) -> None:
    hit = seed_searcher.search("年轻干部应该去哪里历练").hits[0]
    assert hit.chunk.title == "在全市组织系统干部培训专班上的讲话"
    assert hit.chunk.headings[0].startswith("二、")
    assert hit.chunk.headings[1].startswith("（二）坚持在实践中锻炼培养干部")
    marked = {hit.chunk.text[s:e] for s, e in hit.highlights}
    assert {"年轻干部", "历练"} <= marked
    assert hit.score > 0


@pytest.mark.parametrize("question", OUT_OF_CORPUS)
def test_out_of_corpus_questions_find_nothing(seed_searcher: Searcher, question: str) -> None:
    assert seed_searcher.search(question).hits == ()


def test_results_never_overlap_and_paging_continues(seed_searcher: Searcher) -> None:
    first = seed_searcher.search("干部", 3)
    second = seed_searcher.search("干部", 3, offset=3)
    assert first.total == second.total >= 6
    chunks = [h.chunk for h in first.hits + second.hits]
    assert len({c.id for c in chunks}) == len(chunks)
    scores = [h.score for h in first.hits + second.hits]
    assert scores == sorted(scores, reverse=True)


def test_k_larger_than_the_corpus_and_empty_questions(seed_searcher: Searcher) -> None:
    assert len(seed_searcher.search("干部", 1000).hits) <= len(seed_searcher)
    assert seed_searcher.search("").hits == ()
    assert seed_searcher.search("   ").hits == ()


def test_merge_spans() -> None:
    assert merge_spans([(5, 7), (0, 2), (1, 3), (7, 9)]) == ((0, 3), (5, 9))


def test_a_tiny_corpus_of_common_words_still_ranks() -> None:
    doc = Document("d", "", "干部培训干部作风")
    chunks = [
        Chunk("00000000000a", "d", "", (), "干部培训", 0, 4),
        Chunk("00000000000b", "d", "", (), "干部作风", 4, 8),
    ]
    searcher = searcher_from_chunks(chunks, [doc], Settings())
    assert [h.chunk.id for h in searcher.search("干部作风").hits][:1] == ["00000000000b"]


def load_questions(name: str) -> list[dict]:
    path = ROOT / "questions" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["dev.jsonl", "fresh.jsonl"])
def test_question_sets_reach_the_quality_bar(seed_searcher: Searcher, name: str) -> None:
    texts = {
        doc["path"]: (ROOT / "corpus" / doc["path"]).read_text(encoding="utf-8")
        for doc in seed_searcher.store.docs
    }

    def search(question: str) -> list[tuple[Chunk, str]]:
        return [(h.chunk, texts[h.chunk.doc]) for h in seed_searcher.search(question, 3).hits]

    questions = load_questions(name)
    summary, results = evaluate_questions(questions, search, 3)
    misses = [r.question for r in results if r.expected and r.rank != 1]
    assert summary["hit@1"] >= 0.90, misses
    assert summary["hit@3"] >= 0.98, misses
    assert summary["out_of_corpus_silent"] == 1.0
    assert summary["mean_passage_chars"] <= 300
    assert summary["headings_ok"] == 1.0


def test_dev_set_has_the_required_shape() -> None:
    questions = load_questions("dev.jsonl")
    assert len(questions) >= 40
    assert sum(q["expect"] is None for q in questions) >= 6
    traditional = "這為們麼應該個來時說對會幹職級晉組織"
    assert sum(any(c in traditional for c in q["question"]) for q in questions) >= 3
    corpus_text = Path(ROOT / "corpus" / "sample-speech.txt").read_text(encoding="utf-8")
    for q in questions:
        assert q["expect"] is None or q["expect"] in corpus_text, q


def test_user_dictionary_keeps_domain_terms_whole(write_corpus) -> None:
    root = write_corpus(
        {
            "a.txt": "干部管理办法\n一、要求\n要严格落实三龄两历认定工作。\n",
            "userdict.txt": "三龄两历 100 n\n",
        }
    )
    searcher = build_searcher(load_corpus(root), Settings())
    hit = searcher.search("三龄两历怎么认定").hits[0]
    assert [hit.chunk.text[s:e] for s, e in hit.highlights] == ["三龄两历认定"]
    assert "三龄两历" in tokens.tokenize("三龄两历")
