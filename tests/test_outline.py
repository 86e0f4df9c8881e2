"""Outline parsing: titles, numbering styles, lead-sentence headings, boilerplate."""

from __future__ import annotations

from bot.documents.corpus import Corpus
from bot.documents.outline import is_boilerplate, parse_outline, read_outline


def body_paths(text: str, markdown: bool = False) -> list[tuple[tuple[str, ...], str]]:
    _, blocks = parse_outline(text, markdown=markdown)
    return [(b.headings, text[b.start : b.end]) for b in blocks if b.kind == "body"]


def test_seed_title_and_front_matter(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    assert doc.title == "在全市组织系统干部培训专班上的讲话"
    first_block = doc.text[doc.blocks[0].start : doc.blocks[0].end]
    assert first_block == "同志们："
    front = doc.text[: doc.text.index("在全市组织系统干部培训专班上的讲话")]
    assert "酷乐文行" in front and "举报倒卖" in front  # the check has teeth
    for block in doc.blocks:
        assert block.start > len(front)


def test_another_brand_header_is_front_matter_too() -> None:
    """Front matter is found by where it stands: notices no pattern knows go too."""
    header = "内部资料 请勿外泄\n星河公文\n每周三更新 持续迭代\n\n【福利】\n邀请好友得季卡！\n\n"
    body = "关于做好基层减负工作的讲话\n同志们：\n" + "今天我们专题研究基层减负工作，" * 5 + "。\n"
    title, blocks = parse_outline(header + body)
    text = header + body
    assert title == "关于做好基层减负工作的讲话"
    assert all(block.start >= len(header) for block in blocks)
    assert text[blocks[0].start : blocks[0].end] == "同志们："


def test_the_document_proper_begins_at_its_title_line(seed_corpus: Corpus) -> None:
    """The title is no block, yet it is the document's: it begins where the front matter
    ends (the quote check reads from there); with no title, the first block begins it."""
    header = "内部资料 请勿外泄\n星河公文\n\n"
    body = "关于做好基层减负工作的讲话\n同志们：\n" + "今天我们专题研究基层减负工作，" * 5 + "。\n"
    assert read_outline(header + body).start == len(header)
    untitled = "一、总体要求\n" + "要深刻认识基层减负工作的重要意义，" * 5 + "。\n"
    parsed = read_outline(untitled)
    assert parsed.title is None and parsed.start == parsed.blocks[0].start == 0
    doc = seed_corpus.documents[0]
    assert doc.text[doc.start :].startswith(doc.title + "\n")


def test_seed_outline_has_three_levels(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    headings = [(b.depth, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "heading"]
    top = [text for depth, text in headings if depth == 0]
    assert [t[:2] for t in top] == ["一、", "二、", "三、"]
    assert (1, "一要提高政治站位。") in headings
    lead = "（三）坚持事业为上，崇尚苦干实干，着力锻造堪当重任的忠诚干净担当的干部队伍。"
    assert (1, lead) in headings
    body = next(b for b in doc.blocks if b.kind == "body" and b.headings[-1:] == (lead,))
    assert doc.text[body.start :].startswith("为政之要，惟在得人。")


def test_closing_salutation_leaves_the_last_section(seed_corpus: Corpus) -> None:
    doc = seed_corpus.documents[0]
    last = doc.blocks[-1]
    assert doc.text[last.start :].startswith("同志们，践行新时代组织路线")
    assert last.headings == ()


def test_title_block_subtitle_byline_and_year() -> None:
    text = (
        "政府工作报告（文字实录）\n——2020年5月22日在第十三届全国人民代表大会第三次会议上\n"
        "国务院总理 李克强\n来源：中国政府网\n各位代表：\n"
        "现在，我代表国务院，向大会报告政府工作，请予审议。\n"
        "一、2019年和今年以来工作回顾\n过去一年，经济运行总体平稳。\n"
    )
    title, blocks = parse_outline(text)
    assert title == "2020年政府工作报告（文字实录）"  # a periodic title takes its year
    headings = [text[b.start : b.end] for b in blocks if b.kind == "heading"]
    assert headings == ["一、2019年和今年以来工作回顾"]  # a digit after 一、 is a heading still


def test_a_title_over_two_lines_is_joined() -> None:
    text = "中共中央 国务院\n关于加强基层治理的意见\n" + "基层治理是国家治理的基石。" * 6 + "\n"
    assert parse_outline(text)[0] == "中共中央 国务院关于加强基层治理的意见"


def test_restarted_numbering_nests_under_its_own_parent() -> None:
    text = (
        "标题\n一、甲\n（一）甲一\n正文甲一。\n1．细目\n正文细目。\n"
        "二、乙\n（一）乙一\n正文乙一。\n"
    )
    paths = body_paths(text)
    assert paths == [
        (("一、甲", "（一）甲一"), "正文甲一。"),
        (("一、甲", "（一）甲一", "1．细目"), "正文细目。"),
        (("二、乙", "（一）乙一"), "正文乙一。"),
    ]


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


def test_articles_are_whole_with_their_items() -> None:
    text = (
        "某某市干部教育培训办法\n"
        "第一章 总则\n"
        "第一条 为了规范干部教育培训工作，制定本办法。本办法适用于全市各级机关。\n"
        "第二章 培训内容\n"
        "第一节 理论教育\n"
        "第二条 干部教育培训包括下列内容：\n（一）理论教育；\n（二）党性教育。\n"
        "前款规定的内容应当统筹安排。\n"
        "第三条 培训应当注重实效。\n"
    )
    _, blocks = parse_outline(text)
    articles = [
        (b.headings, b.label, text[b.start : b.end]) for b in blocks if b.kind == "article"
    ]
    assert articles == [
        (
            ("第一章 总则",),
            "第一条",
            "第一条 为了规范干部教育培训工作，制定本办法。本办法适用于全市各级机关。",
        ),
        (
            ("第二章 培训内容", "第一节 理论教育"),
            "第二条",
            "第二条 干部教育培训包括下列内容：\n（一）理论教育；\n（二）党性教育。\n"
            "前款规定的内容应当统筹安排。",
        ),
        (("第二章 培训内容", "第一节 理论教育"), "第三条", "第三条 培训应当注重实效。"),
    ]
    assert all(b.kind != "heading" or not text[b.start :].startswith("第") or "条" not in
               text[b.start : b.end] for b in blocks)  # fmt: skip


def test_list_items_stay_with_the_line_that_introduces_them() -> None:
    text = (
        "标题\n一、任务\n主要做好以下工作：\n（一）加强学习。\n（二）改进作风。\n"
        "二、保障\n保障正文。\n"
    )
    assert body_paths(text) == [
        (("一、任务",), "主要做好以下工作：\n（一）加强学习。\n（二）改进作风。"),
        (("二、保障",), "保障正文。"),
    ]


def test_markdown_list_markers_and_web_metadata() -> None:
    text = "# 某某意见\n\n- #### 一、总体要求\n\n  坚持稳中求进。\n"
    assert body_paths(text, markdown=True) == [(("一、总体要求",), "坚持稳中求进。")]


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


def test_a_web_pages_toolbar_metadata_and_related_links_are_not_text() -> None:
    text = (
        "下载\n打印\n【字号：加大 还原 减小】\n2026年某省政府工作报告\n"
        "——2026年1月14日在某省第十四届人民代表大会第四次会议上\n来源：某省日报\n"
        "时间：2026-01-22\n各位代表：\n现在，我代表省人民政府，向大会报告工作，请予审议。\n"
        "一、2025年工作回顾\n过去一年，经济运行总体平稳。\n（来源：某省日报）\n"
        "责任编辑：张三\n相关报道：\n某省召开全省经济工作会议\n【打印本页】【关闭窗口】\n"
    )
    title, blocks = parse_outline(text)
    kept = "".join(text[b.start : b.end] for b in blocks)
    assert title == "2026年某省政府工作报告"
    assert "过去一年，经济运行总体平稳。" in kept
    for cruft in ("下载", "来源", "责任编辑", "全省经济工作会议", "打印本页"):
        assert cruft not in kept


def test_a_long_notice_before_the_title_is_front_matter_too() -> None:
    header = (
        "本资料由某某文库精心整理，只供会员内部交流使用，任何个人和单位不得用于商业用途，"
        "发现侵权行为我们将依法追究责任并保留诉讼权利，敬请广大用户理解和支持！\n"
        "某某文库 每日更新\n\n"
    )
    body = (
        "在全市安全生产工作会议上的讲话\n同志们：\n"
        + "今天召开全市安全生产工作会议，" * 4
        + "。\n"
    )
    title, blocks = parse_outline(header + body)
    assert title == "在全市安全生产工作会议上的讲话"
    assert all(block.start >= len(header) for block in blocks)


def test_paragraph_indents_inside_one_line_start_paragraphs() -> None:
    """Text copied from a web page often loses its line breaks but keeps its indents."""
    opening, success, effort = "今天开会。" * 20, "我们取得了成就。" * 10, "要继续努力。" * 10
    parts = ["同志们：", opening, "一、形势", success, "二、任务", effort]
    text = "\u3000\u3000".join(parts)
    assert body_paths(text) == [
        ((), "同志们："),
        ((), opening),
        (("一、形势",), success),
        (("二、任务",), effort),
    ]
    short_heading = "某某法\n第一章\u3000总\u3000\u3000则\n第一条\u3000为了规范某某，制定本法。\n"
    _, blocks = parse_outline(short_heading)
    assert short_heading[blocks[0].start : blocks[0].end] == "第一章\u3000总\u3000\u3000则"


def test_title_blocks_as_they_come() -> None:
    def title(text: str, markdown: bool = False) -> str | None:
        return parse_outline(text, markdown=markdown)[0]

    body = "一、总体要求\n加强基层治理。\n"
    assert title("关注公众号获取更多\n关于加强基层治理的意见\n" + body) == "关于加强基层治理的意见"
    assert title("每日更新\n关于加强基层治理的意见\n" + body) == "关于加强基层治理的意见"
    assert title("国务院办公厅关于\n进一步优化营商环境的通知\n" + body) == (
        "国务院办公厅关于进一步优化营商环境的通知"
    )
    assert (
        title(
            "中共中央 国务院\n关于加快建设农业强国的意见\n（2025年1月1日）\n\n"
            "农业强国是社会主义现代化强国的根基。\n" + body
        )
        == "中共中央 国务院关于加快建设农业强国的意见"
    )
    assert title("中华人民共和国数据安全法\n\n第一条 为了规范数据处理活动。\n") == (
        "中华人民共和国数据安全法"
    )
    meeting = (
        "3月5日，市委召开常委会议，传达学习全国两会精神，研究部署我市贯彻落实工作。\n"
        "会议精神摘要\n市委书记强调：\n要认真学习贯彻全国两会精神，推动各项工作落实落细。\n"
    )
    assert title(meeting) is None  # a paragraph of text is never front matter


def test_short_articles_and_markdown_bold_labels_are_articles() -> None:
    text = (
        "某某市文明行为促进条例\n第一条 为了促进文明行为，制定本条例。\n"
        "第二条 本条例适用于本市行政区域。\n第三条 任何单位和个人不得倒卖车票。\n"
    )
    _, blocks = parse_outline(text)
    assert [b.label for b in blocks] == ["第一条", "第二条", "第三条"]  # 倒卖 in an article stays
    md = "# 某某办法\n\n**第一条** 为了规范某某，制定本办法。\n"
    assert [b.label for b in parse_outline(md, markdown=True)[1]] == ["第一条"]
