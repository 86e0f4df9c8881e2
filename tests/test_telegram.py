"""The real telegram.ext.Application, polling a local fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.documents.corpus import load_corpus
from bot.search.build import build_searcher
from bot.search.searcher import Searcher
from bot.telegram import replies
from bot.telegram.app import build_application
from tests.auxil.fake_bot_api import FakeBotAPI, Fault
from tests.auxil.telegram_harness import (
    CHANNEL,
    ENGLISH_USER,
    GROUP,
    USER,
    ask,
    bot_settings,
    callback,
    inline,
    message,
    plain,
    press,
    quiet,
    start_bot,
    stop_bot,
    with_bot,
)


# --- start-up -------------------------------------------------------------------------
async def test_start_registers_chinese_and_english_commands(
    fake: FakeBotAPI, bot: Application
) -> None:
    calls = fake.sent("setMyCommands")
    assert len(calls) == 2
    zh, en = calls
    assert [c["command"] for c in zh.params["commands"]] == [
        "start",
        "help",
        "ask",
        "quote",
        "toc",
        "docs",
        "about",
    ]
    assert "language_code" not in zh.params
    assert en.params["language_code"] == "en"
    assert zh.params["commands"][0]["description"] == "开始使用"


# --- private chats --------------------------------------------------------------------
async def test_private_question_gets_passages_with_headings_and_bold(
    fake: FakeBotAPI, bot: Application
) -> None:
    call = await ask(fake, {"message": message("年轻干部应该去哪里历练？")})
    text = call.params["text"]
    assert call.params["chat_id"] == USER["id"]
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert text.startswith(
        "🔎 年轻干部应该去哪里历练？\n\n<b>（五）着眼于事业长远发展，高度重视年轻干部工作。</b>\n"
        "<blockquote>① …基层实践是培养锻炼<b>干部</b>的练兵场，"
    )
    assert "墩苗<b>历练</b>" in text
    assert text.count("<blockquote expandable>② ") == text.count("<blockquote expandable>③ ") == 1
    assert text.endswith("\n📎 <code>《在全市组织系统干部培训专班上的讲话》二、（五）</code>")
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in keyboard[0]] == ["全文 ①", "全文 ②", "全文 ③"]
    assert keyboard[0][0]["callback_data"].startswith("c:")
    assert keyboard[0][0]["callback_data"].endswith(":0:年轻干部应该去哪里历练？")
    assert keyboard[1] == [{"text": "更多结果 ▶", "callback_data": "m:3:年轻干部应该去哪里历练？"}]


async def test_a_one_passage_answer_reads_in_full(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("灯下黑")})
    assert call.params["text"] == (
        "🔎 灯下黑\n\n<b>（二）以组织体系建设为重点</b>\n"
        "<blockquote>…目前，全市基层党组织建设方面，农村要好于社区，农村和企业党组织建设要好于机关党组织建设，党建在市直一级还存在“<b>灯下黑</b>”"
        "现象，机关支部建设还亟待加强。</blockquote>\n"
        "📎 <code>《在全市组织系统干部培训专班上的讲话》二、（二）</code>"
    )
    (only,) = call.params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in only] == ["全文"]  # one passage: no ▶, as there is no next page


async def test_question_with_html_is_shown_as_typed(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("<b>灯下黑</b> & <script>alert(1)</script>")})
    text = call.params["text"]
    assert "&lt;b&gt;灯下黑&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "<b>灯下黑</b> & <script>" in plain(text)


async def test_no_result_is_one_short_line(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("如何申请美国签证")})
    assert call.params["text"].endswith("没有找到相关内容。换个说法试试，或发送 /toc 查看目录。")
    assert "reply_markup" not in call.params


async def test_weak_matches_are_offered_apart_in_private_only(
    fake: FakeBotAPI, bot: Application
) -> None:
    question = "村支书岁数大、没人接班的问题讲话里咋说的"
    private = await ask(fake, {"message": message(question)})
    text = plain(private.params["text"])
    assert "没有找到直接回答这个问题的段落。下面的段落只是部分相关，仅供参考：" in text
    assert "📎 《在全市组织系统干部培训专班上的讲话》" in text
    group = await ask(fake, {"message": message(f"/ask {question}", chat=GROUP)})
    assert plain(group.params["text"]).endswith(
        "没有找到相关内容。换个说法试试，或发送 /toc 查看目录。"
    )


async def test_start_offers_example_questions_that_answer(
    fake: FakeBotAPI, bot: Application
) -> None:
    call = await ask(fake, {"message": message("/start")})
    assert call.params["text"] == (
        "👋 你好！我可以在《在全市组织系统干部培训专班上的讲话》里帮你找答案，"
        "告诉你原文在哪一部分，并附上可以直接引用的出处。\n\n直接把问题发给我，或者点下面的例子："
    )
    buttons = [row[0] for row in call.params["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == [
        "什么是“组织路线”？",
        "以党的政治建设为统领",
        "以组织体系建设为重点",
        "坚持事业为上",
    ]
    for example in buttons:  # each example is answered with a passage, as a new message
        pressed = await ask(fake, press(call, example["callback_data"]))
        assert pressed.params["text"].startswith(f"🔎 {example['text']}\n\n<b>")
        assert "📎 <code>《在全市组织系统干部培训专班上的讲话》" in pressed.params["text"]
    assert len(fake.sent("answerCallbackQuery")) == 4


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/help", "群组"),
        ("/toc", "一、深刻领会习近平总书记关于组织工作重要思想"),
        ("/about", "段落："),
        ("/ask 瓷器活", "<b>瓷器活</b>"),
        ("/ask", "请在命令后面写上问题"),
        ("/nosuchcommand", "怎么用"),
    ],
)
async def test_private_commands(
    fake: FakeBotAPI, bot: Application, command: str, expected: str
) -> None:
    call = await ask(fake, {"message": message(command)})
    assert expected in call.params["text"]


async def test_english_users_get_english(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("今天天气怎么样", user=ENGLISH_USER)})
    assert "Nothing found" in call.params["text"]
    help_call = await ask(fake, {"message": message("/help", user=ENGLISH_USER)})
    assert "How to use" in help_call.params["text"]


async def test_sticker_photo_and_edits_break_nothing(fake: FakeBotAPI, bot: Application) -> None:
    sticker = {
        "file_id": "x",
        "file_unique_id": "y",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    assert await quiet(fake, {"message": message(None, sticker=sticker)}) == []  # a 👍 in effect
    photo = [{"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}]
    call = await ask(fake, {"message": message(None, photo=photo)})
    assert call.params["text"] == "我只能回答文字问题，请用文字提问。"
    call = await ask(fake, {"message": message("灯下黑")})
    assert "<b>灯下黑</b>" in call.params["text"]


# --- long answers and paging ----------------------------------------------------------
async def test_every_answer_fits_telegram_limits(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(fake, seed_searcher, top_k=20)
    try:
        call = await ask(fake, {"message": message("干部 组织 部门 政治 工作 建设 基层 要求")})
    finally:
        await stop_bot(application)
    assert not fake.refusals
    text = plain(call.params["text"])
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert text.count("\n\n") >= 5


async def test_more_results_continue_where_the_answer_stopped(
    fake: FakeBotAPI, bot: Application
) -> None:
    first = await ask(fake, {"message": message("干部")})
    keyboard = first.params["reply_markup"]["inline_keyboard"]
    more = keyboard[-1][0]
    assert more == {"text": "更多结果 ▶", "callback_data": "m:3:干部"}
    page = await ask(fake, press(first, more["callback_data"]), "editMessageText")
    assert page.params["message_id"] == first.result["message_id"]  # in place, no new message
    assert "<blockquote expandable>④ " in page.params["text"]
    assert "<blockquote>" not in page.params["text"]  # a later page: every passage folded
    buttons = page.params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in buttons[0]] == ["全文 ④", "全文 ⑤", "全文 ⑥"]
    assert buttons[1][0] == {"text": "◀ 上一页", "callback_data": "m:0:干部"}
    assert not {b["callback_data"] for b in keyboard[0]} & {b["callback_data"] for b in buttons[0]}


async def test_full_text_button_shows_the_whole_section(
    fake: FakeBotAPI, bot: Application
) -> None:
    first = await ask(fake, {"message": message("选拔使用要坚持事业为上")})
    data = first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    full = await ask(fake, press(first, data), "editMessageText")
    text = plain(full.params["text"])
    assert text.startswith("🔎 选拔使用要坚持事业为上\n\n📄 全文 · ")
    assert "为政之要，惟在得人。" in text and "让扛事成事者受褒奖" in text
    assert full.params["text"].count("<blockquote>👉 ") == 1  # the tapped passage, open
    back = full.params["reply_markup"]["inline_keyboard"]
    assert back == [[{"text": "◀ 返回结果", "callback_data": "m:0:选拔使用要坚持事业为上"}]]
    again = await ask(fake, press(full, back[0][0]["callback_data"]), "editMessageText")
    assert again.params["text"] == first.params["text"]


async def test_buttons_survive_a_restart(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    application = build_application(bot_settings(fake), seed_searcher)
    await start_bot(application)
    first = await ask(fake, {"message": message("干部")})
    await stop_bot(application)
    restarted = build_application(bot_settings(fake), seed_searcher)
    await start_bot(restarted)
    try:
        keyboard = first.params["reply_markup"]["inline_keyboard"]
        full = await ask(fake, press(first, keyboard[0][1]["callback_data"]), "editMessageText")
        assert full.params["text"].startswith("🔎 干部\n\n📄 全文 · <b>")
        more = await ask(fake, press(first, keyboard[-1][0]["callback_data"]), "editMessageText")
        assert "④ " in more.params["text"]
    finally:
        await stop_bot(restarted)


async def test_unknown_or_stale_buttons_get_a_notice(fake: FakeBotAPI, bot: Application) -> None:
    for data in ("c:000000000000", "zzz", "m:x:y"):
        call = await ask(fake, {"callback_query": callback(data)}, "answerCallbackQuery")
        assert call.params["text"] == "这个按钮已过期，请重新提问。"


async def test_long_question_still_fits_callback_data(fake: FakeBotAPI, bot: Application) -> None:
    question = (
        "在干部选拔任用过程中，我们应该如何突出实绩导向，并且防止以票取人、以分取人的现象呢？"
    )
    call = await ask(fake, {"message": message(question)})
    assert not fake.refusals
    for row in call.params["reply_markup"]["inline_keyboard"]:
        for button in row:
            assert len(button["callback_data"].encode()) <= 64


# --- groups and channels --------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["/ask 灯下黑", "/ask@docs_test_bot 灯下黑", "@docs_test_bot 灯下黑是什么"],
)
async def test_group_answers_when_addressed(fake: FakeBotAPI, bot: Application, text: str) -> None:
    update = message(text, chat=GROUP)
    if text.startswith("@"):
        update["entities"] = [{"type": "mention", "offset": 0, "length": 14}]
    call = await ask(fake, {"message": update})
    assert call.params["chat_id"] == GROUP["id"]
    assert call.params["reply_parameters"]["message_id"] == update["message_id"]
    assert "<b>灯下黑</b>" in call.params["text"]


async def test_group_answers_a_reply_to_the_bot(fake: FakeBotAPI, bot: Application) -> None:
    bot_user = {"id": fake.bot_id, "is_bot": True, "first_name": "Docs", "username": fake.username}
    earlier = message("answer", chat=GROUP, user=bot_user)
    call = await ask(fake, {"message": message("瓷器活呢", chat=GROUP, reply_to_message=earlier)})
    assert "<b>瓷器活</b>" in call.params["text"]


@pytest.mark.parametrize("text", ["大家好，今天开会", "/ask@other_bot 灯下黑", "/start@other_bot"])
async def test_group_stays_silent_otherwise(fake: FakeBotAPI, bot: Application, text: str) -> None:
    assert await quiet(fake, {"message": message(text, chat=GROUP)}) == []


async def test_channel_post_with_ask_is_answered_in_the_channel(
    fake: FakeBotAPI, bot: Application
) -> None:
    call = await ask(fake, {"channel_post": message("/ask 一岗双责", chat=CHANNEL, user=None)})
    assert call.params["chat_id"] == CHANNEL["id"]
    assert "<b>一岗双责</b>" in call.params["text"]
    assert await quiet(fake, {"channel_post": message("普通公告", chat=CHANNEL, user=None)}) == []


# --- inline mode ----------------------------------------------------------------------
async def test_inline_query_returns_articles(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, inline("灯下黑"), "answerInlineQuery")
    (only,) = call.params["results"]
    assert only["type"] == "article"
    assert only["title"] == "《在全市组织系统…上的讲话》二、（二）以组织体系建设为重点"
    assert only["description"] == (
        "…农村要好于社区，农村和企业党组织建设要好于机关党组织建设，党建在市直一级还存在“灯下黑”现象，"
        "机关支部建设还亟待加强。"
    )
    shared = only["input_message_content"]["message_text"]  # the whole passage, folded
    assert shared.startswith(
        "<b>（二）以组织体系建设为重点</b>\n"
        "<blockquote expandable>认真贯彻执行刚刚颁布的《中国共产党"
    )
    assert shared.endswith(
        "党建在市直一级还存在“<b>灯下黑</b>”现象，机关支部建设还亟待加强。</blockquote>\n"
        "📎 <code>《在全市组织系统干部培训专班上的讲话》二、（二）</code>"
    )
    assert "next_offset" not in call.params  # one page holds every match


async def test_inline_titles_tell_results_apart(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, inline("干部"), "answerInlineQuery")
    titles = [r["title"] for r in call.params["results"]]
    assert len(titles) >= 10
    assert len(set(titles)) == len(titles)
    assert all(t.startswith("《在全市组织系统…上的讲话》") for t in titles)
    shared = [t for t in titles if re.search(r"（\d+/\d+）$", t)]  # place in a shared section
    assert shared and "《在全市组织系统…上的讲话》二、（三）坚持事业为上（1/9）" in titles
    texts = [r["input_message_content"]["message_text"] for r in call.params["results"]]
    assert all(text.count("📎 <code>《") == 1 and "①" not in text for text in texts)


@pytest.fixture(scope="module")
def large_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """A corpus with 80 passages that all mention the same words."""
    root = tmp_path_factory.mktemp("large")
    sections = [
        f"{n}. 第{n}项工作\n干部培训第{n}期安排在第{n}周，学员{n}人。" for n in range(1, 81)
    ]
    (root / "plan.txt").write_text("培训计划\n" + "\n".join(sections), encoding="utf-8")
    return build_searcher(load_corpus(root), Settings())


async def test_inline_paging_walks_every_result_once(
    fake: FakeBotAPI, large_searcher: Searcher
) -> None:
    application = await with_bot(fake, large_searcher)
    seen: list[str] = []
    offset = ""
    try:
        for _ in range(10):
            call = await ask(fake, inline("干部培训", offset), "answerInlineQuery")
            assert len(call.params["results"]) <= 50
            seen += [r["id"] for r in call.params["results"]]
            offset = call.params.get("next_offset")
            if not offset:
                break
            assert offset.isdigit()
    finally:
        await stop_bot(application)
    assert len(seen) == len(set(seen)) == 80
    assert not fake.refusals


async def test_inline_empty_and_unknown_queries_get_an_answer(
    fake: FakeBotAPI, bot: Application
) -> None:
    empty = await ask(fake, inline(""), "answerInlineQuery")
    assert empty.params["results"] == []  # nothing that could be sent into the chat
    assert empty.params["button"] == {"text": "在私聊中提问", "start_parameter": "inline"}
    none = await ask(fake, inline("hello world"), "answerInlineQuery")
    assert none.params["results"] == []
    assert none.params["button"]["text"] == "没有找到，换个关键词，或在私聊中提问"
    assert not fake.refusals


# --- on the wire: floods, faults ------------------------------------------------------
async def test_429_is_waited_out_and_the_answer_arrives(
    fake: FakeBotAPI, bot: Application
) -> None:
    fake.fail_next("sendMessage", Fault(status=429, retry_after=1))
    began = time.monotonic()
    call = await ask(fake, {"message": message("灯下黑")})
    assert "<b>灯下黑</b>" in call.params["text"]
    assert time.monotonic() - began >= 1.0
    assert [c.status for c in fake.calls if c.method == "sendMessage"][-2:] == [429, 200]


@pytest.mark.parametrize("fault", [Fault(status=500), Fault(drop=True), Fault(status=502)])
async def test_a_failed_send_is_retried(fake: FakeBotAPI, bot: Application, fault: Fault) -> None:
    fake.fail_next("sendMessage", fault)
    call = await ask(fake, {"message": message("灯下黑")})
    assert "<b>灯下黑</b>" in call.params["text"]


async def test_repeated_5xx_gets_an_apology_and_the_bot_goes_on(
    fake: FakeBotAPI, bot: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replies, "RETRY_DELAYS", (0.1,) * len(replies.RETRY_DELAYS))
    for _ in range(len(replies.RETRY_DELAYS) + 1):  # every attempt fails
        fake.fail_next("sendMessage", Fault(status=500))
    apology = await ask(fake, {"message": message("灯下黑")})
    assert apology.params["text"] == "抱歉，处理时出了点问题，请稍后再试。"
    call = await ask(fake, {"message": message("五提四晋")})
    assert "<b>五提四晋</b>" in call.params["text"]


async def test_a_flood_from_one_user_is_answered_politely(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(fake, seed_searcher, user_rate_limit=3)
    try:
        since = len(fake.calls)
        for _ in range(6):
            fake.push({"message": message("灯下黑")})
        await asyncio.to_thread(fake.wait_for, "sendMessage", 4, 10.0, since)
        await asyncio.sleep(0.5)
        texts = [c.params["text"] for c in fake.sent(since=since)]
    finally:
        await stop_bot(application)
    assert len(texts) == 4
    assert sum("提问太快了" in t for t in texts) == 1


async def test_forty_users_at_once_are_all_answered(fake: FakeBotAPI, bot: Application) -> None:
    since = len(fake.calls)
    users = [{"id": 5000 + i, "is_bot": False, "first_name": f"U{i}"} for i in range(40)]
    for user in users:
        fake.push({"message": message("年轻干部应该去哪里历练", user=user)})
    calls = await asyncio.to_thread(fake.wait_for, "sendMessage", 40, 20.0, since)
    assert {c.params["chat_id"] for c in calls} == {u["id"] for u in users}
