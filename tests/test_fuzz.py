"""Whatever a user types, the whole path question → tokens → search → Telegram HTML holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.search.question import clean_question
from bot.search.searcher import Searcher
from bot.telegram.callbacks import CALLBACK_LIMIT, compact_question, parse
from bot.telegram.handlers import inline_articles
from bot.telegram.views import answer_keyboard, answer_text
from tests.auxil.fake_bot_api import check_markup, check_text

AWKWARD = [
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "👍🏽",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\ud800",
    "\udfff",
    "<b>",
    "</b>",
    "<script>",
    "&amp;",
    "&",
    "&#0;",
    "<a href='x'>",
    "**粗体**",
    "__",
    "`code`",
    "[链接](http://x)",
    "干部",
    "灯下黑",
    "年轻干部",
    "的",
    "了吗",
    "？！。，",
    "1234567890",
    "ＡＢＣ",
    "İ",
    "ß",
    "\n",
    "\t",
    " ",
]
pieces = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.builds(
        lambda word, n: word * n,
        st.sampled_from(["干部", "的", "a", "😀", "&"]),
        st.integers(1, 2100),
    ),
)
questions = st.lists(pieces, max_size=12).map("".join)


def assert_sendable(searcher: Searcher, question: str) -> None:
    answer = searcher.search(question)
    for lang in ("zh", "en"):
        check_text({"text": answer_text(answer, lang, private=True), "parse_mode": "HTML"})
        keyboard = answer_keyboard(answer, 0, lang, 3, searcher)
        if keyboard is not None:
            check_markup(keyboard.to_dict())
            for row in keyboard.inline_keyboard:
                for button in row:
                    assert len(button.callback_data.encode()) <= CALLBACK_LIMIT
                    assert parse(button.callback_data) is not None
    for article in inline_articles(searcher, answer.hits):
        content = article.input_message_content.to_dict()
        check_text({**content, "parse_mode": "HTML"}, "message_text")
    compact = compact_question(question, 60, searcher.tokenizer)
    assert len(compact.encode()) <= 60
    cleaned = clean_question(question)
    assert all(word in cleaned for word in compact.split())  # whole words, never cut


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions)
def test_any_question_gives_a_message_telegram_accepts(
    seed_searcher: Searcher, question: str
) -> None:
    assert_sendable(seed_searcher, question)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=300))
def test_the_tokenizer_never_raises_and_spans_stay_inside(
    seed_searcher: Searcher, text: str
) -> None:
    for token in seed_searcher.tokenizer.tokenize_with_spans(
        text.encode("utf-8", "replace").decode()
    ):
        assert 0 <= token.start < token.end <= len(text)


def test_the_longest_telegram_message_is_handled(seed_searcher: Searcher) -> None:
    assert_sendable(seed_searcher, "干部" * 2048)
    assert_sendable(seed_searcher, "年轻干部历练" + "😀" * 2000)
    assert_sendable(seed_searcher, "\ud800" * 4096)


def test_questions_of_nothing_but_noise_find_nothing(seed_searcher: Searcher) -> None:
    for question in ("？？？！！！", "的了吗呢吧", "1234567890", "\u200b\u200d\u202e", "<b></b>"):
        assert seed_searcher.search(question).hits == ()
