"""Outline parsing: titles, numbering styles, lead-sentence headings, boilerplate."""

from __future__ import annotations

from bot.corpus import Corpus
from bot.outline import is_boilerplate, parse_outline


def body_paths(text: str, markdown: bool = False) -> list[tuple[tuple[str, ...], str]]:
    _, blocks = parse_outline(text, markdown=markdown)
    return [(b.headings, text[b.start : b.end]) for b in blocks if b.kind == "body"]


def test_seed_title_and_boilerplate(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    assert doc.title == "在全市组织系统干部培训专班上的讲话"
    first_block = doc.text[doc.blocks[0].start : doc.blocks[0].end]
    assert first_block == "同志们："
    for block in doc.blocks:
        text = doc.text[block.start : block.end]
        for word in ("禁止外传", "QQ群", "公众号", "扫码", "倒卖"):
            assert word not in text


def test_seed_outline_has_three_levels(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    headings = [(b.depth, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "heading"]
    top = [text for depth, text in headings if depth == 0]
    assert [t[:2] for t in top] == ["一、", "二、", "三、"]
    assert (1, "一要对党绝对忠诚，始终做到政治过硬。") in headings
    lead = "（三）坚持事业为上，树立正确用人导向，努力建设忠诚干净担当的高素质干部队伍。"
    assert (1, lead) in headings
    body = next(b for b in doc.blocks if b.kind == "body" and b.headings[-1:] == (lead,))
    assert doc.text[body.start :].startswith("为政之要，惟在得人。")


def test_closing_salutation_leaves_the_last_section(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    last = doc.blocks[-1]
    assert doc.text[last.start :].startswith("同志们，干部队伍建设")
    assert last.headings == ()


def test_every_numbering_style_nests() -> None:
    text = (
        "关于加强学习的通知\n"
        "一、总体要求\n"
        "（一）学习内容\n"
        "1. 理论学习\n"
        "（1）原著选读\n"
        "①第一单元\n"
        "读原著、学原文。\n"
        "②第二单元\n"
        "悟原理、强信念。\n"
        "2、实践学习\n"
        "到基层去。\n"
        "二、保障措施\n"
        "加强组织领导。\n"
    )
    title, _ = parse_outline(text)
    assert title == "关于加强学习的通知"
    paths = body_paths(text)
    assert paths[0] == (
        ("一、总体要求", "（一）学习内容", "1. 理论学习", "（1）原著选读", "①第一单元"),
        "读原著、学原文。",
    )
    assert paths[1][0][-1] == "②第二单元" and len(paths[1][0]) == 5
    assert paths[2] == (("一、总体要求", "（一）学习内容", "2、实践学习"), "到基层去。")
    assert paths[3] == (("二、保障措施",), "加强组织领导。")


def test_chapters_sections_articles() -> None:
    text = (
        "某某市干部教育培训办法\n"
        "第一章 总则\n"
        "第一条 为了规范干部教育培训工作，制定本办法。本办法适用于全市各级机关。\n"
        "第二章 培训内容\n"
        "第一节 理论教育\n"
        "第二条 理论教育是干部教育培训的中心内容。应当系统学习党的创新理论。\n"
    )
    paths = body_paths(text)
    assert paths[0] == (
        ("第一章 总则", "第一条 为了规范干部教育培训工作，制定本办法。"),
        "本办法适用于全市各级机关。",
    )
    assert paths[1][0] == (
        "第二章 培训内容",
        "第一节 理论教育",
        "第二条 理论教育是干部教育培训的中心内容。",
    )


def test_enumerated_paragraphs_end_with_their_paragraph() -> None:
    text = (
        "标题在此\n"
        "一、工作要求\n"
        "一是提高站位。要把思想统一到部署上来。\n"
        "二是压实责任。各单位要明确分工。\n"
        "以上要求请认真落实。\n"
    )
    paths = body_paths(text)
    assert paths[0] == (("一、工作要求", "一是提高站位。"), "要把思想统一到部署上来。")
    assert paths[1] == (("一、工作要求", "二是压实责任。"), "各单位要明确分工。")
    assert paths[2] == (("一、工作要求",), "以上要求请认真落实。")


def test_markdown_headings() -> None:
    text = (
        "# 学习手册\n\n## 第一部分\n\n正文一。\n\n"
        "### 小节\n\n正文二。\n\n## 第二部分\n\n正文三。\n"
    )
    title, _ = parse_outline(text, markdown=True)
    assert title == "学习手册"
    paths = body_paths(text, markdown=True)
    assert paths == [
        (("第一部分",), "正文一。"),
        (("第一部分", "小节"), "正文二。"),
        (("第二部分",), "正文三。"),
    ]


def test_numbers_that_are_not_headings() -> None:
    text = "题目\n3.5亿元资金已经到位。\n2024年工作总结如下。\n一些同志认识不足。\n"
    _, blocks = parse_outline(text)
    assert all(block.kind == "body" for block in blocks)


def test_no_title_when_first_line_is_a_sentence() -> None:
    title, _ = parse_outline("这是一个完整的句子。\n第二句。\n")
    assert title is None


def test_boilerplate_patterns() -> None:
    assert is_boilerplate("关注公众号“笔杆子”，回复“讲话”领取")
    assert is_boilerplate("加入QQ群 123456 获取更多")
    assert is_boilerplate("仅供学习交流 禁止外传")
    assert not is_boilerplate("要加强对干部的日常管理监督。")
    long_paragraph = "通过微信公众号发布信息。" * 20
    assert not is_boilerplate(long_paragraph)
