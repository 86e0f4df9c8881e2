"""Cutting documents into passages: offsets, size, headings, lead-sentence cuts, ids."""

from __future__ import annotations

from bot.documents.corpus import Corpus
from bot.documents.outline import parse_outline
from bot.models import Document, Span
from bot.passages import chunk_corpus, chunk_document, split_long


def make_doc(text: str, path: str = "t.txt") -> Document:
    title, blocks = parse_outline(text)
    return Document(path=path, title=title or "t", text=text, blocks=blocks)


def test_every_chunk_is_its_slice_of_the_document(seed_corpus: Corpus) -> None:
    texts = {doc.path: doc.text for doc in seed_corpus.documents}
    chunks = chunk_corpus(seed_corpus.documents)
    assert chunks
    for chunk in chunks:
        assert chunk.text == texts[chunk.doc][chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()


def test_passages_are_short_and_never_cut_a_sentence(seed_corpus: Corpus) -> None:
    for chunk in chunk_corpus(seed_corpus.documents):
        assert len(chunk.text) <= 300
        assert chunk.text[-1] in "。！？；：”!?", chunk.text[-20:]


def test_long_paragraph_is_cut_before_sub_point_leads(seed_corpus: Corpus) -> None:
    lead = "（三）坚持事业为上，崇尚苦干实干，着力锻造堪当重任的忠诚干净担当的干部队伍。"
    chunks = [c for c in chunk_corpus(seed_corpus.documents) if c.headings[-1:] == (lead,)]
    assert len(chunks) >= 3
    assert chunks[0].text.startswith("为政之要，惟在得人。")
    later_starts = [c.text.split("。")[0] + "。" for c in chunks[1:]]
    assert "选拔使用要坚持事业为上。" in later_starts
    assert "从严管理要重在日常经常。" in later_starts
    assert "正向激励要强化实干导向。" in later_starts


def test_chunks_never_cross_a_heading() -> None:
    text = "标题\n一、甲\n甲的正文。\n二、乙\n乙的正文。\n"
    chunks = chunk_document(make_doc(text))
    assert [(c.headings, c.text) for c in chunks] == [
        (("一、甲",), "甲的正文。"),
        (("二、乙",), "乙的正文。"),
    ]


def test_heading_without_body_is_its_own_passage() -> None:
    text = "标题\n一、总体要求\n（一）加强学习。\n（二）改进作风。\n二、保障\n保障正文。\n"
    chunks = chunk_document(make_doc(text))
    assert [(c.headings, c.text) for c in chunks] == [
        (("一、总体要求",), "（一）加强学习。"),
        (("一、总体要求",), "（二）改进作风。"),
        (("二、保障",), "保障正文。"),
    ]


def test_tiny_paragraph_joins_its_neighbour() -> None:
    text = "标题\n同志们：\n\n今天我们召开会议。\n"
    chunks = chunk_document(make_doc(text))
    assert [c.text for c in chunks] == ["同志们：\n\n今天我们召开会议。"]


def test_sentence_longer_than_the_limit_is_cut_at_clauses() -> None:
    sentence = "，".join(["加强干部队伍建设"] * 30) + "。"
    pieces = list(split_long(sentence, Span(0, len(sentence)), 100))
    assert all(p.end - p.start <= 100 for p in pieces)
    assert "".join(sentence[p.start : p.end] for p in pieces) == sentence
    assert all(sentence[p.end - 1] in "，。" for p in pieces)


def test_limit_is_configurable(seed_corpus: Corpus) -> None:
    short = chunk_corpus(seed_corpus.documents, max_chars=120)
    assert max(len(c.text) for c in short) <= 120
    assert len(short) > len(chunk_corpus(seed_corpus.documents))


def test_ids_are_deterministic_and_unique(seed_corpus: Corpus) -> None:
    first = [c.id for c in chunk_corpus(seed_corpus.documents)]
    second = [c.id for c in chunk_corpus(seed_corpus.documents)]
    assert first == second
    assert len(set(first)) == len(first)
    assert all(len(i) == 12 for i in first)
