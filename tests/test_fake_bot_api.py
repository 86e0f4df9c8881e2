"""The fake Bot API must refuse what Telegram refuses, or the bot tests prove nothing."""

from __future__ import annotations

import pytest

from tests.auxil.fake_bot_api import BadRequest, FakeBotAPI, check_markup, check_text, parse_html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "a < b",
        "Tom & Jerry",
        "<b>bold",
        "<b><i>crossed</b></i>",
        "<br>",
        '<span class="big">x</span>',
        "<blockquote><blockquote>x</blockquote></blockquote>",
        "&nbsp;",
    ],
)
def test_html_telegram_rejects_is_rejected(text: str) -> None:
    with pytest.raises(BadRequest):
        parse_html(text)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<b>粗</b> &amp; &lt;i&gt;", "粗 & <i>"),
        ("<blockquote expandable>x</blockquote>", "x"),
        ('<a href="https://t.me">link</a>', "link"),
        ("<tg-spoiler>s</tg-spoiler> &#20013;", "s ?"),
    ],
)
def test_html_telegram_accepts_is_accepted(text: str, plain: str) -> None:
    assert parse_html(text) == plain


def test_length_is_counted_in_utf16_units_after_parsing() -> None:
    check_text({"text": "<b>" + "字" * 4096 + "</b>", "parse_mode": "HTML"})
    with pytest.raises(BadRequest, match="too long"):
        check_text({"text": "字" * 4097})
    with pytest.raises(BadRequest, match="too long"):
        check_text({"text": "😀" * 2049})  # 2 UTF-16 units each
    with pytest.raises(BadRequest, match="empty"):
        check_text({"text": "<b> </b>", "parse_mode": "HTML"})


def test_callback_data_over_64_bytes_is_rejected() -> None:
    check_markup({"inline_keyboard": [[{"text": "ok", "callback_data": "x" * 64}]]})
    with pytest.raises(BadRequest, match="BUTTON_DATA_INVALID"):
        check_markup({"inline_keyboard": [[{"text": "no", "callback_data": "字" * 22}]]})


def test_inline_answers_are_checked() -> None:
    fake = FakeBotAPI("1:x")
    article = {
        "type": "article",
        "title": "t",
        "input_message_content": {"message_text": "ok", "parse_mode": "HTML"},
    }
    fake.api_answerInlineQuery({"results": [{**article, "id": str(i)} for i in range(50)]})
    with pytest.raises(BadRequest, match="RESULTS_TOO_MUCH"):
        fake.api_answerInlineQuery({"results": [{**article, "id": str(i)} for i in range(51)]})
    with pytest.raises(BadRequest, match="DUPLICATE"):
        fake.api_answerInlineQuery({"results": [{**article, "id": "a"}, {**article, "id": "a"}]})
    with pytest.raises(BadRequest, match="RESULT_ID_INVALID"):
        fake.api_answerInlineQuery({"results": [{**article, "id": "i" * 65}]})
    bad_html = {
        **article,
        "id": "b",
        "input_message_content": {"message_text": "<p>x</p>", "parse_mode": "HTML"},
    }
    with pytest.raises(BadRequest, match="unsupported start tag"):
        fake.api_answerInlineQuery({"results": [bad_html]})
