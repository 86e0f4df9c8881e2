"""Rendering answers: terminal, JSON and Telegram HTML within Telegram's limits."""

from __future__ import annotations

from dataclasses import replace

from bot.models import Answer, Chunk, Hit
from bot.render import (
    answer_dict,
    citation,
    focus,
    mark,
    shorten_middle,
    telegram_answer,
    telegram_passage,
    terminal_answer,
    utf16_len,
)
from tests.auxil.fake_bot_api import parse_html

CHUNK = Chunk(
    id="abc123abc123",
    doc="a.txt",
    title="在全市组织系统干部培训专班上的讲话",
    headings=("二、突出重点任务，着力锻造堪当时代重任的高素质干部队伍", "（一）坚持政治标准"),
    text="干部要讲政治。<b>不是标签</b> & 也要讲规矩。",
    start=10,
    end=35,
)


def test_shorten_middle_keeps_both_ends() -> None:
    long = "二、突出重点任务，着力锻造堪当时代重任的高素质干部队伍"
    short = shorten_middle(long, 16)
    assert len(short) == 16 and short.startswith("二、突出") and short.endswith("干部队伍")
    assert shorten_middle("短标题", 16) == "短标题"


def test_telegram_html_escapes_text_and_bolds_words() -> None:
    html = telegram_answer([Hit(CHUNK, 1.0, ((0, 2), (2, 3)))], "Q")
    assert html == (
        "Q\n\n<b>（一）坚持政治标准</b>\n"
        "<blockquote><b>干部</b>要讲政治。&lt;b&gt;不是标签&lt;/b&gt; &amp; 也要讲规矩。"
        "</blockquote>\n"
        "📎 <code>《在全市组织系统干部培训专班上的讲话》二、（一）</code>"
    )  # 要 alone is no highlight: words, not single characters
    assert parse_html(html)  # Telegram would accept it


def test_citations_name_the_numbering_or_the_article() -> None:
    law = Chunk(
        "l" * 12,
        "j.txt",
        "中华人民共和国监察法",
        ("第二章 监察机关及其职责",),
        "……",
        0,
        2,
        "第十四条",
    )
    assert citation(law) == "《中华人民共和国监察法》第十四条"
    assert citation(CHUNK) == "《在全市组织系统干部培训专班上的讲话》二、（一）"
    dash = Chunk("d" * 12, "r.txt", "报告", ("一、回顾", "——经济运行总体平稳。"), "……", 0, 2)
    assert citation(dash) == "《报告》一、"
    plain_heading = Chunk("p" * 12, "w.md", "网页", ("工作回顾",), "……", 0, 2)
    assert citation(plain_heading) == "《网页》 工作回顾"
    assert citation(CHUNK, 8) == "《在全市组…的讲话》二、（一）"


def test_the_best_passage_opens_at_its_best_sentence() -> None:
    filler = "这是一句与问题无关的很长的铺垫文字，用来把答案推到后面。" * 8
    text = filler + "年轻干部要到基层一线历练。" + filler
    at = text.index("年轻干部")
    spans = ((at, at + 4), (at + 9, at + 11))
    start, end = focus(text, spans, 160)
    assert start <= at < at + 13 <= end and end - start <= 160
    html = telegram_answer(
        [Hit(Chunk("x" * 12, "a", "t", ("一、要求",), text, 0, len(text)), 1.0, spans)], ""
    )
    visible = html.split("<blockquote>")[1].split("</blockquote>")[0]
    assert visible.startswith("…") and visible.endswith("…") and "<b>年轻干部</b>" in visible


def test_shared_headings_and_citations_are_printed_once() -> None:
    hits = [Hit(CHUNK, 1.0), Hit(replace(CHUNK, id="b" * 12, start=40, end=60), 0.9)]
    html = telegram_answer(hits, "Q")
    assert html.count("（一）坚持政治标准") == 1 and html.count("📎") == 1
    assert "<blockquote>① " in html and "<blockquote>② " in html  # short: nothing to fold


def test_long_passages_are_trimmed_to_fit() -> None:
    sentence = "要坚持把政治标准放在首位，选好用好干部。"
    long_chunk = Chunk("x" * 12, "a.txt", "标题", ("一、要求",), sentence * 400, 0, 0)
    hits = [
        Hit(replace(long_chunk, id=f"{i:012d}"), 1.0, ((i * 20, i * 20 + 2),)) for i in range(20)
    ]
    html = telegram_answer(hits, "<b>Q</b>")
    assert utf16_len(html) <= 4096
    assert parse_html(html)


def test_emoji_count_double_toward_the_limit() -> None:
    chunk = Chunk("e" * 12, "a.txt", "t", (), "😀。" * 3000, 0, 0)
    for html in (telegram_answer([Hit(chunk, 1.0)] * 8, ""), telegram_passage(chunk)):
        assert utf16_len(parse_html(html)) <= 4096


def test_terminal_and_json_forms() -> None:
    answer = Answer("问题", (Hit(CHUNK, 2.5, ((0, 2),)),), 1)
    plain = terminal_answer(answer)
    assert plain.startswith("[1] 在全市组织系统干部培训专班上的讲话 › 二、")
    assert "a.txt:10-35  score 2.50" in plain
    assert "\033[1m干部\033[0m" in terminal_answer(answer, color=True)
    assert answer_dict(answer)["results"][0]["highlights"] == [[0, 2]]
    assert terminal_answer(Answer("x")).startswith("没有找到")
    assert mark("abc", [(1, 2)], "[", "]") == "a[b]c"
