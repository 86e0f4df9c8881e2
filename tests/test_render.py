"""Rendering answers: terminal, JSON and Telegram HTML within Telegram's limits."""

from __future__ import annotations

from bot.models import Answer, Chunk, Hit
from bot.render import (
    answer_dict,
    mark,
    shorten_middle,
    telegram_passages,
    terminal_answer,
    trim_passage,
    utf16_len,
)
from tests.fake_bot_api import parse_html

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


def test_telegram_html_escapes_text_and_bolds_matches() -> None:
    html = telegram_passages([Hit(CHUNK, 1.0, ((0, 2),))], "<b>Q</b>")
    assert "<b>干部</b>要讲政治。&lt;b&gt;不是标签&lt;/b&gt; &amp; 也要讲规矩。" in html
    assert "<b>1.</b> 在全市组织系统干部培训专班上的讲话 › 二、突出重点任务" in html
    assert parse_html(html)  # Telegram would accept it


def test_long_passages_are_trimmed_at_sentence_ends_to_fit() -> None:
    sentence = "要坚持把政治标准放在首位，选好用好干部。"
    long_chunk = Chunk("x" * 12, "a.txt", "标题", ("一、要求",), sentence * 400, 0, 0)
    hits = [Hit(long_chunk, 1.0, ((i * 20, i * 20 + 2),)) for i in range(0, 400, 7)][:5]
    html = telegram_passages(hits, "<b>Q</b>")
    assert utf16_len(html) <= 4096
    text = parse_html(html)
    assert text.count("选好用好干部。…") == 5


def test_trim_never_cuts_inside_a_highlight_or_entity() -> None:
    text = "甲&乙。" * 100
    trimmed, spans = trim_passage(text, [(0, 1), (295, 299)], 100)
    assert trimmed.endswith("。…")
    assert all(end <= len(trimmed) for _, end in spans)


def test_emoji_count_double_toward_the_limit() -> None:
    chunk = Chunk("e" * 12, "a.txt", "t", (), "😀。" * 3000, 0, 0)
    html = telegram_passages([Hit(chunk, 1.0)], "")
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
