"""Known questions find known passages; questions about anything else find nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from bot.config import Settings
from bot.documents.corpus import load_corpus
from bot.evaluation import evaluate_questions
from bot.models import Chunk, Document
from bot.render import answer_dict
from bot.search.build import build_searcher, searcher_from_chunks
from bot.search.index import BM25Index
from bot.search.searcher import Searcher
from bot.search.tokens import merge_spans
from tests.conftest import LIBRARY, ROOT, SPEECH

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
        ("年轻干部应该去哪里历练？", "基层实践是培养锻炼干部的练兵场"),
        ("年輕幹部應該去哪裡歷練？", "基层实践是培养锻炼干部的练兵场"),
        ("鼓励年轻干部到哪些地方墩苗立练", "墩苗"),  # 立练: a homophone typo of 历练
        ("什么是“灯下黑”", "灯下黑"),
        ("ＰＯＬＩＴＩＣＳ 瓷器活", "瓷器活"),
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
    assert hit.chunk.headings[1].startswith("（五）着眼于事业长远发展，高度重视年轻干部工作")
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


def scored(searcher: Searcher, questions: list[dict]) -> tuple[dict, dict, list]:
    store = searcher.store
    texts = {doc["path"]: store.document_text(n) for n, doc in enumerate(store.docs)}

    def search(question: str) -> list[dict]:
        return answer_dict(searcher.search(question, 10))["results"]

    return evaluate_questions(questions, search, texts)


def test_dev_set_reaches_the_quality_bar_on_the_library(library_searcher: Searcher) -> None:
    summary, kinds, results = scored(library_searcher, load_questions("dev.jsonl"))
    misses = [r.question for r in results if r.expected and r.rank != 1]
    assert summary["hit@1"] >= 0.82, misses  # measured 0.840
    assert summary["hit@3"] >= 0.92, misses  # measured 0.928
    assert kinds["article"]["hit@1"] >= 0.95  # measured 1.000
    assert summary["out_of_corpus_silent"] >= 0.95  # measured 25/26
    assert summary["mean_passage_chars"] <= 300
    assert summary["top_heading_ok"] >= 0.95


def test_speech_questions_on_the_speech_alone(seed_searcher: Searcher) -> None:
    speech = [q for q in load_questions("dev.jsonl") if q["doc"] in (None, SPEECH)]
    summary, _, results = scored(seed_searcher, speech)
    misses = [r.question for r in results if r.expected and r.rank != 1]
    assert summary["hit@1"] >= 0.82, misses  # measured 0.837
    assert summary["out_of_corpus_silent"] == 1.0
    assert summary["headings_ok"] == 1.0


@pytest.mark.parametrize("name", ["dev.jsonl", "test.jsonl"])
def test_question_sets_have_the_required_shape(name: str) -> None:
    questions = load_questions(name)
    texts = {path.name: path.read_text(encoding="utf-8") for path in LIBRARY.glob("*.txt")}
    kinds = {q["kind"] for q in questions}
    assert {"natural", "keyword", "traditional", "typo", "article", "scoped", "ooc"} <= kinds
    for q in questions:
        assert q["expect"] is None or q["expect"] in texts[q["doc"]], q
    if name == "dev.jsonl":
        assert len(questions) >= 150
        assert sum(q["kind"] == "ooc" for q in questions) >= 20


def test_a_chapter_asked_for_by_number_is_every_passage_under_it_in_order(
    library_searcher: Searcher,
) -> None:
    from bot.search.lookup import part_number

    store = library_searcher.store
    asked = 0
    for doc, info in enumerate(store.docs):
        first, last = store.doc_range(doc)
        under: dict[tuple[str, int], list[int]] = {}
        for position in range(first, last):
            headings = store.heading_paths[int(store.headings_of[position])]
            for part in dict.fromkeys(filter(None, map(part_number, headings))):
                under.setdefault(part, []).append(position)
        for (kind, value), positions in list(under.items())[:3]:
            hits = library_searcher.search(f"《{info['title']}》第{value}{kind}", 20).hits
            expected = [(int(store.starts[p]), int(store.ends[p])) for p in positions]
            covered = [(h.chunk.start, h.chunk.end) for h in hits]
            assert {h.chunk.doc for h in hits} == {info["path"]}
            assert [start for start, _ in covered] == sorted(start for start, _ in covered)
            assert all(  # each passage under it, within a hit (an article's parts joined)
                any(s <= start and end <= e for s, e in covered)
                for start, end in expected
                if start < covered[-1][1]
            ), (info["title"], kind, value)
            assert {start for start, _ in covered} <= {start for start, _ in expected}
            asked += 1
    assert asked >= 10


def test_article_and_document_lookup(library_searcher: Searcher) -> None:
    def first(question: str) -> tuple[str, str]:
        hit = library_searcher.search(question).hits[0]
        return hit.chunk.doc, hit.chunk.text[:5]

    assert first("监察法第十四条") == first("监察法第14条") == ("13_监察法.txt", "第十四条 ")
    assert first("《中华人民共和国个人信息保护法》第二十八条")[0] == "14_个人信息保护法.txt"
    assert first("个保法第13条") == ("14_个人信息保护法.txt", "第十三条 ")
    assert first("党章第八条") == ("06_中国共产党章程.txt", "第八条　每")
    assert first("信访工作条例 第二十条是怎么规定的") == ("11_信访工作条例.txt", "第二十条 ")
    chapter = library_searcher.search("教育法第二章").hits[0].chunk
    assert chapter.doc == "16_教育法.txt" and chapter.headings[0].startswith("第二章")
    assert {h.chunk.doc for h in library_searcher.search("第十四条", 20).hits} >= {
        "13_监察法.txt", "14_个人信息保护法.txt", "16_教育法.txt",
    }  # fmt: skip
    assert first("监察法14条") == ("13_监察法.txt", "第十四条 ")
    missing = library_searcher.search("民法典第三条")
    assert missing.hits == () and missing.missing == "《民法典》"
    unnamed = library_searcher.search("网络安全法对个人信息有什么规定")
    assert unnamed.hits == () and unnamed.missing == "《网络安全法》"
    no_article = library_searcher.search("监察法第一百条")
    assert no_article.hits == () and no_article.missing == "《中华人民共和国监察法》第100条"
    assert library_searcher.search("依法治国的要求").missing == ""  # 依法 names no law
    assert library_searcher.search("刑法里盗窃怎么判").missing == "《刑法》"
    scoped = library_searcher.search("十九大报告里关于乡村振兴").hits[0].chunk
    assert scoped.doc == "01_党的十九大报告.txt"


def test_an_article_is_whole_with_its_items(library_searcher: Searcher) -> None:
    hits = library_searcher.search("党章第四条", 5).hits
    assert hits[0].chunk.text.startswith("第四条　党员享有下列权利：")
    text = "".join(hit.chunk.text for hit in hits if hit.chunk.article == "第四条")
    for item in ("（一）", "（二）", "（八）", "无权剥夺党员的上述权利"):
        assert item in text
    assert all(hit.chunk.article == "第四条" for hit in hits[:2])


def test_a_weak_match_is_apart_from_the_answer(library_searcher: Searcher) -> None:
    weather = library_searcher.search("明天北京会下雨吗")
    assert weather.hits == () and weather.related == ()  # one shared word is no match at all
    weak = library_searcher.search("村支书岁数大、没人接班的问题讲话里咋说的")
    assert weak.hits == ()
    assert weak.related and weak.related[0].chunk.doc == SPEECH
    line = answer_dict(weak)
    assert line["results"] == [] and all(hit["weak"] is True for hit in line["related"])


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
    assert "三龄两历" in searcher.tokenizer.tokenize("三龄两历")


def test_an_abbreviation_meets_its_full_form(library_searcher: Searcher) -> None:
    hit = library_searcher.search("2020年政府工作报告 为什么不提GDP增长目标").hits[0]
    assert hit.chunk.doc == "03_2020年政府工作报告.txt"
    assert "国内生产总值" in hit.chunk.text
    assert "生产总值" in {hit.chunk.text[s:e] for s, e in hit.highlights}


def test_a_homophone_typo_is_mended_only_into_a_known_word(
    seed_searcher: Searcher, library_searcher: Searcher
) -> None:
    _, words = seed_searcher.query_terms("年轻干部去哪里立练")
    assert "历练" in words
    _, words = library_searcher.query_terms("检举材料会不会被透漏")  # 漏 lòu, 露 lù/lòu
    assert "透露" in words
    _, words = seed_searcher.query_terms("纪委多久开一次会")
    assert "纪委" in words  # a known word is never "mended"


def test_a_question_for_a_list_finds_the_passage_that_lists(library_searcher: Searcher) -> None:
    hit = library_searcher.search("党员有哪些权利").hits[0]
    assert hit.chunk.text.startswith("第四条　党员享有下列权利：")


def test_the_section_of_an_article_passage_is_the_whole_article(
    library_searcher: Searcher,
) -> None:
    first = library_searcher.search("党章第四条").hits[0].chunk
    section = library_searcher.section(first.id)
    assert section is not None
    assert section.text.startswith("第四条　党员享有下列权利：")
    assert section.text.endswith("党的任何一级组织直至中央都无权剥夺党员的上述权利。")


def test_names_in_traditional_characters_and_names_that_are_no_law(
    library_searcher: Searcher,
) -> None:
    def first_doc(question: str) -> str:
        return library_searcher.search(question).hits[0].chunk.doc

    assert first_doc("黨章第八條") == "06_中国共产党章程.txt"
    assert first_doc("上海政府工作报告里关于科技创新") == "04_2026年上海市政府工作报告.txt"
    assert first_doc("人民法院如何采纳量刑建议") == "17_认罪认罚从宽制度指导意见.txt"
    for question in ("党内法规制度建设", "国家法律法规", "违反党纪国法怎么处理", "国家安全法治"):
        assert library_searcher.search(question).missing == "", question
    assert library_searcher.names.refer("提出了3条建议").article is None  # a count, no article
    assert library_searcher.names.refer("监察法14条").article == 14


@pytest.mark.parametrize(
    "question", ["养猫的要求", "怎么防止近视", "iPhone多少钱", "网约车司机的要求"]
)
def test_one_general_word_in_common_is_no_answer(
    library_searcher: Searcher, question: str
) -> None:
    assert library_searcher.search(question).hits == ()


def test_everyday_words_are_not_taken_for_typos(library_searcher: Searcher) -> None:
    for word in ("老师", "司机"):
        _, words = library_searcher.query_terms(f"教育法对{word}有什么规定")
        assert word in words


def test_a_law_cited_with_its_rule_is_still_a_law(library_searcher: Searcher) -> None:
    assert library_searcher.search("劳动法规定每天工作几个小时").missing == "《劳动法》"
    assert library_searcher.search("党内法规制度建设").missing == ""


def test_a_passage_sharing_text_with_a_better_one_is_left_out() -> None:
    """Passages that overlap in their document (as a joined article and its parts can)
    are given once: the best of them; apart ones all come back, in score order."""
    text = "干部培训很重要。干部培训讲方法。干部培训见成效。"
    doc = Document("d", "", text)
    spans = [(0, 8), (0, 16), (8, 16), (16, 24), (4, 12)]
    chunks = [
        Chunk(f"{n:012x}", "d", "", (), text[start:end], start, end)
        for n, (start, end) in enumerate(spans)
    ]
    searcher = searcher_from_chunks(chunks, [doc], Settings())
    hits = searcher.search("干部培训", 10, with_highlights=False, relevance_rule=False).hits
    kept = [(h.chunk.start, h.chunk.end) for h in hits]
    assert len(kept) >= 2
    for i, (start, end) in enumerate(kept):
        assert all(end <= s or e <= start for s, e in kept[:i])
    ranked = searcher.engine.top(searcher.query_terms("干部培训").terms, 10)
    best = ranked[0][0]
    assert (chunks[best].start, chunks[best].end) == kept[0]


class EveryCandidate:
    """The index's ranking with every candidate returned: the floor ignored."""

    def __init__(self, index: BM25Index) -> None:
        self.index = index

    def top(
        self,
        query_terms: Sequence[str],
        k: int,
        allowed: np.ndarray | None = None,
        floor: float = 0.0,
    ) -> list[tuple[int, float]]:
        return self.index.top(query_terms, k, allowed)

    def scores_at(self, query_terms: Sequence[str], positions: np.ndarray) -> np.ndarray:
        return self.index.scores_at(query_terms, positions)


@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
def test_skipping_what_the_no_answer_rule_leaves_out_changes_no_answer(
    library_searcher: Searcher, compiled: bool
) -> None:
    index = replace(library_searcher.index, compiled=compiled)
    skipping = replace(library_searcher, index=index)
    reading_all = replace(library_searcher, index=index, ranking=EveryCandidate(index))
    asked = [
        json.loads(line)["question"]
        for name in ("dev", "test")
        for line in (ROOT / "questions" / f"{name}.jsonl").read_text("utf-8").splitlines()
    ]
    asked += ["党员有哪些权利", "纪律处分有哪几种", *OUT_OF_CORPUS]  # lists lifted; no answer
    for question in asked:
        expected = answer_dict(reading_all.search(question, 10))
        assert answer_dict(skipping.search(question, 10)) == expected, question


def test_a_listing_passage_lifted_over_the_floor_is_not_skipped() -> None:
    """A passage listing what the question asks for scores 1 + LIST_BONUS times more, so
    one scoring under half the best before the lift is still read, and can answer."""
    filler = "支部按期开展学习活动并认真记录在案，" * 3
    texts = [
        "党员权利要保障，党员权利不容侵犯，党员的权利受到党章保护。",
        f"党员享有下列权利：{filler}",
        *["其他工作安排。"] * 30,
    ]
    starts = [sum(map(len, texts[:n])) for n in range(len(texts))]
    chunks = [
        Chunk(f"{n:012x}", "d", "", (), text, start, start + len(text))
        for n, (text, start) in enumerate(zip(texts, starts, strict=True))
    ]
    searcher = searcher_from_chunks(chunks, [Document("d", "", "".join(texts))], Settings())
    ranked = searcher.engine.top(searcher.query_terms("党员有哪些权利").terms, 10)
    assert [p for p, _ in ranked[:2]] == [0, 1] and ranked[1][1] < 0.5 * ranked[0][1]
    hits = searcher.search("党员有哪些权利").hits
    assert hits[0].chunk.text == texts[0] and hits[1].chunk.text == texts[1]


def test_homophones_are_those_sharing_a_reading_usual_to_one_of_the_two() -> None:
    """typos.alternatives from its table against the rule itself, for every 7th
    character with a reading: a shared reading must be the usual one of one of them."""
    from bot.search import typos

    readings, chars, _ = typos.homophones()
    for char in sorted(readings)[::7]:
        expected = {
            other: None
            for syllable in readings[char]
            for other in chars.get(syllable, ())
            if other != char and syllable in (readings[char][0], readings[other][0])
        }
        assert typos.alternatives(char) == tuple(expected), char
