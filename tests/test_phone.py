"""What a phone user meets: one-screen answers, buttons that edit in place, group and
channel manners, replies read in context, edited questions, the table of contents, the
welcome. The real Application, over HTTP, against the strict fake Bot API."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.search.searcher import Searcher
from bot.telegram.callbacks import CALLBACK_LIMIT
from bot.telegram.handlers import inline_articles
from tests.auxil.fake_bot_api import Call, FakeBotAPI
from tests.auxil.phone_screen import answer_screens, figures
from tests.auxil.telegram_harness import (
    CHANNEL,
    GROUP,
    USER,
    ask,
    message,
    press,
    quiet,
    stop_bot,
    with_bot,
)

MEMBER = {"id": 2002, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"}
ROOT = Path(__file__).resolve().parent.parent
SPEECH = "《在全市组织系统干部培训专班上的讲话》"


@pytest.fixture
async def library_bot(fake: FakeBotAPI, library_searcher: Searcher) -> AsyncIterator[Application]:
    application = await with_bot(fake, library_searcher)
    yield application
    await stop_bot(application)


def group_ask(text: str, user: dict[str, Any] = USER) -> dict[str, Any]:
    return {"message": message(text, chat=GROUP, user=user)}


def buttons(call: Call) -> list[dict[str, Any]]:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


def data_of(call: Call, text: str) -> str:
    return next(b["callback_data"] for b in buttons(call) if b["text"] == text)


def mention(text: str) -> dict[str, Any]:
    update = message(f"@docs_test_bot {text}", chat=GROUP)
    update["entities"] = [{"type": "mention", "offset": 0, "length": 14}]
    return update


# --- one screen -------------------------------------------------------------------------
@pytest.mark.parametrize("corpus", ["corpus", "library"])
def test_answers_fit_one_screen(corpus: str) -> None:
    screens, expected = answer_screens(ROOT / corpus, ROOT / "questions" / "dev.jsonl")
    measured = figures(screens, expected)
    assert measured["answers"] >= 40
    assert measured["mean_visible"] <= 500
    assert measured["first_highlight_visible"] >= 0.95
    assert measured["single_character_highlights"] <= 0.10
    assert measured["answer_visible_when_found"] >= 0.90


# --- buttons in groups and channels ----------------------------------------------------
async def test_the_askers_press_edits_the_answer_in_place(
    fake: FakeBotAPI, bot: Application
) -> None:
    answer = await ask(fake, group_ask("/ask 干部"))
    since = len(fake.calls)
    page = await ask(fake, press(answer, data_of(answer, "更多结果 ▶")), "editMessageText")
    assert page.params["chat_id"] == GROUP["id"]
    assert page.params["message_id"] == answer.result["message_id"]
    full = await ask(fake, press(answer, data_of(answer, "全文 ①")))
    assert full.params["chat_id"] == GROUP["id"]  # 全文 comes as a reply to the answer
    assert full.params["reply_parameters"]["message_id"] == answer.result["message_id"]
    assert full.params["text"].startswith("🔎 干部\n\n📄 全文 · <b>")
    await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", 2, 10.0, since)
    again = await ask(fake, press(answer, data_of(answer, "全文 ①")), "answerCallbackQuery")
    assert again.params["text"] == "全文已经发在群里了，就在这条回答下面。"
    assert len(fake.posts(GROUP["id"], since)) == 1


async def test_others_presses_never_post_in_the_group(fake: FakeBotAPI, bot: Application) -> None:
    answer = await ask(fake, group_ask("/ask 干部"))
    since = len(fake.calls)
    for label in ("更多结果 ▶", "全文 ①", "全文 ②"):
        sent = await ask(fake, press(answer, data_of(answer, label), user=MEMBER))
        assert sent.params["chat_id"] == MEMBER["id"]  # to them, in their private chat
    toasts = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", 3, 10.0, since)
    assert [t.params.get("text") for t in toasts] == ["已私信发给你。"] * 3
    fake.strangers.add(MEMBER["id"])
    toast = await ask(
        fake, press(answer, data_of(answer, "全文 ①"), user=MEMBER), "answerCallbackQuery"
    )
    passage = data_of(answer, "全文 ①").split(":")[1]
    assert toast.params["url"] == f"https://t.me/docs_test_bot?start=c_{passage}"
    assert fake.posts(GROUP["id"], since) == []
    assert not fake.sent("editMessageText", since)
    fake.strangers.clear()  # the deep link then opens the section in the private chat
    opened = await ask(fake, {"message": message(f"/start c_{passage}")})
    assert opened.params["text"].startswith("📄 全文 · <b>")
    fake.strangers.add(MEMBER["id"])
    toast = await ask(
        fake, press(answer, data_of(answer, "更多结果 ▶"), user=MEMBER), "answerCallbackQuery"
    )
    assert toast.params["url"] == "https://t.me/docs_test_bot?start=again"
    fake.strangers.clear()
    opened = await ask(fake, {"message": message("/start again")})
    assert (
        opened.params["text"] == "好了！现在回到群里，再点一次刚才的按钮，结果就会私信发到这里。"
    )


async def test_a_channel_post_is_answered_and_presses_stay_private(
    fake: FakeBotAPI, bot: Application
) -> None:
    post = message("/ask 一岗双责", chat=CHANNEL, user=None)
    answer = await ask(fake, {"channel_post": post})
    assert answer.params["chat_id"] == CHANNEL["id"]
    assert answer.params["reply_parameters"]["message_id"] == post["message_id"]
    assert "<b>一岗双责</b>" in answer.params["text"]
    since = len(fake.calls)
    sent = await ask(fake, press(answer, data_of(answer, "全文"), user=MEMBER))
    assert sent.params["chat_id"] == MEMBER["id"]
    assert fake.posts(CHANNEL["id"], since) == [] and not fake.sent("editMessageText", since)


async def test_stale_forged_and_repeated_presses_get_an_answer(
    fake: FakeBotAPI, bot: Application
) -> None:
    answer = await ask(fake, {"message": message("灯下黑")})
    forged = ("c:000000000000", "t:0:ffff", "t:9:0000:1", "r:zz", "m:x:y", "m:²:干部")
    for data in (*forged, "c:0123456789ab:x:q", "t:²:abcd", "t:0:1:2:3:4", "m:9999999999999:a"):
        toast = await ask(fake, press(answer, data), "answerCallbackQuery")
        assert toast.params["text"] == "这个按钮已过期，请重新提问。"
    full = data_of(answer, "全文")
    shown = await ask(fake, press(answer, full), "editMessageText")
    await asyncio.sleep(0.3)  # its press is answered just after the edit
    toast = await ask(fake, press(shown, full), "answerCallbackQuery")  # shown already
    assert toast.params["text"] == "已经是这一页了。"
    assert fake.refusals == []  # nothing Telegram would refuse, not even an empty edit


async def test_buttons_keep_the_whole_question_and_its_context(
    fake: FakeBotAPI, library_bot: Application
) -> None:
    long_question = (
        "我想请问一下，作为一名在基层工作了三年的年轻干部，想要提高自己的能力，"
        "按照讲话的要求应该去哪些地方锻炼自己？"
    )
    answer = await ask(fake, {"message": message(long_question)})
    assert answer.params["text"].startswith(f"🔎 {long_question}\n\n")
    page = await ask(fake, press(answer, data_of(answer, "更多结果 ▶")), "editMessageText")
    assert page.params["text"].startswith(f"🔎 {long_question}\n\n")
    full = await ask(fake, press(page, data_of(page, "全文 ④")), "editMessageText")
    back = await ask(fake, press(full, data_of(full, "◀ 返回结果")), "editMessageText")
    assert back.params["text"] == page.params["text"]
    first = await ask(fake, press(back, data_of(back, "◀ 上一页")), "editMessageText")
    assert first.params["text"] == answer.params["text"]
    article = await ask(fake, group_ask("/ask 监察法第十四条"))
    reply = message("那第十五条呢？", chat=GROUP, reply_to_message=article.result)
    follow_up = await ask(fake, {"message": reply})
    assert follow_up.params["text"].startswith("🔎 《中华人民共和国监察法》那第十五条呢？\n\n")
    full = await ask(fake, press(follow_up, data_of(follow_up, "全文")), "sendMessage")
    assert "第十五条" in full.params["text"] and "监察法" in full.params["text"]


# --- group manners ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["谢谢", "收到", "好的", "👍", "哈哈哈", "谢谢你的解答！", "OK", "好的，谢谢", "收到，谢谢！"],
)
async def test_acknowledgements_get_nothing(fake: FakeBotAPI, bot: Application, text: str) -> None:
    answer = await ask(fake, group_ask("/ask 灯下黑"))
    reply = message(text, chat=GROUP, reply_to_message=answer.result)
    assert await quiet(fake, {"message": reply}, 0.6) == []
    assert await quiet(fake, {"message": message(text)}, 0.6) == []  # in private too


async def test_thanks_inside_a_question_is_a_question(fake: FakeBotAPI, bot: Application) -> None:
    for text in ("感谢信怎么写", "❓"):
        call = await ask(fake, {"message": message(text)})
        assert call.params["text"].startswith(f"🔎 {text}\n\n")


async def test_anonymous_admins_are_people_and_bots_are_not(
    fake: FakeBotAPI, bot: Application
) -> None:
    anonymous = {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    update = mention("灯下黑")
    update["from"], update["sender_chat"] = anonymous, GROUP
    call = await ask(fake, {"message": update})
    assert "<b>灯下黑</b>" in call.params["text"]
    other_bot = {"id": 777, "is_bot": True, "first_name": "Other", "username": "other_bot"}
    assert await quiet(fake, group_ask("/ask 灯下黑", user=other_bot), 0.6) == []
    forward = message("/ask 灯下黑", chat=GROUP, user=None, is_automatic_forward=True)
    forward["sender_chat"] = CHANNEL  # a channel's post copied into its discussion group
    assert await quiet(fake, {"message": forward}, 0.6) == []


async def test_other_bots_and_stickers_get_nothing(fake: FakeBotAPI, bot: Application) -> None:
    answer = await ask(fake, group_ask("/ask 灯下黑"))
    other_bot = {"id": 777, "is_bot": True, "first_name": "Other", "username": "other_bot"}
    from_bot = message("灯下黑是什么", chat=GROUP, user=other_bot, reply_to_message=answer.result)
    sticker = {"file_id": "s", "file_unique_id": "t", "type": "regular", "width": 1}
    sticker |= {"height": 1, "is_animated": False, "is_video": False}
    in_reply = message(None, chat=GROUP, sticker=sticker, reply_to_message=answer.result)
    for update in (from_bot, in_reply):
        assert await quiet(fake, {"message": update}, 0.6) == []


async def test_a_reply_asking_for_the_source_gets_the_citation(
    fake: FakeBotAPI, bot: Application
) -> None:
    answer = await ask(fake, group_ask("/ask 灯下黑"))
    for text in ("这段话出自哪里", "出处？"):
        reply = message(text, chat=GROUP, reply_to_message=answer.result)
        source = await ask(fake, {"message": reply})
        assert source.params["text"] == f"📎 <b>出处</b>\n<code>{SPEECH}二、（二）</code>"
        assert source.params["reply_parameters"]["message_id"] == reply["message_id"]


async def test_a_follow_up_article_stays_in_the_same_document(
    fake: FakeBotAPI, library_bot: Application
) -> None:
    answer = await ask(fake, group_ask("/ask 监察法第十四条"))
    assert answer.params["text"].endswith("<code>《中华人民共和国监察法》第十四条</code>")
    reply = message("那第十五条呢？", chat=GROUP, reply_to_message=answer.result)
    follow_up = await ask(fake, {"message": reply})
    text = follow_up.params["text"]
    assert "第十五条　监察机关对下列公职人员和有关人员进行监察" in text.replace(" ", "　")
    assert text.endswith("<code>《中华人民共和国监察法》第十五条</code>")
    rights = await ask(fake, {"message": message("党员有哪些权利")})  # a list, shown open
    opened = rights.params["text"].split("<blockquote>", 1)[1].split("</blockquote>")[0]
    assert opened.startswith("① 第四条　<b>党员</b>享有下列<b>权利</b>：") and "（四）" in opened
    whole = await ask(fake, {"message": message("个保法第13条")})  # one article, one passage
    assert (
        "②" not in whole.params["text"]
        and "（七）法律、行政法规规定的其他情形。" in whole.params["text"]
    )


async def test_greetings_and_other_languages_get_a_short_line(
    fake: FakeBotAPI, bot: Application
) -> None:
    hello = await ask(fake, {"message": message("你好")})
    assert hello.params["text"] == (
        "👋 你好！直接把问题发给我就行，比如：什么是“组织路线”？\n发送 /toc 浏览目录。"
    )
    in_group = await ask(fake, {"message": mention("你好")})
    assert in_group.params["text"] == (
        "👋 你好！在群里请用 <code>/ask 问题</code> 或 @docs_test_bot 加上问题来提问。"
    )
    english = await ask(fake, {"message": message("Where should young cadres gain experience?")})
    assert english.params["text"] == (
        "📄 The documents are in Chinese: please ask in Chinese.\n资料是中文的，请用中文提问。"
    )
    bare = await ask(fake, {"message": mention("")})
    assert bare.params["text"].startswith("请在 @docs_test_bot 后面写上问题")


async def test_a_mention_in_a_private_chat_is_dropped(fake: FakeBotAPI, bot: Application) -> None:
    update = message("@docs_test_bot 灯下黑")
    update["entities"] = [{"type": "mention", "offset": 0, "length": 14}]
    call = await ask(fake, {"message": update})
    assert call.params["text"].startswith("🔎 灯下黑\n\n")


async def test_group_welcome_fits_a_group(fake: FakeBotAPI, library_bot: Application) -> None:
    call = await ask(fake, group_ask("/start"))
    text = call.params["text"]
    assert text.startswith("👋 大家好！我可以在这 11 篇文档（《")
    assert "等）里找答案" in text and "直接把问题发给我" not in text
    assert text.count("\n<code>/ask ") == 4 and "reply_markup" not in call.params


# --- edited questions ---------------------------------------------------------------------
async def test_an_edited_question_replaces_its_answer(fake: FakeBotAPI, bot: Application) -> None:
    question = message("灯下黑")
    first = await ask(fake, {"message": question})
    await asyncio.sleep(0.3)  # the handler notes its answer just after sending it
    edited = {**question, "text": "瓷器活", "edit_date": question["date"] + 5}
    again = await ask(fake, {"edited_message": edited}, "editMessageText")
    assert again.params["message_id"] == first.result["message_id"]
    assert (
        again.params["text"].startswith("🔎 瓷器活\n\n")
        and "<b>瓷器活</b>" in again.params["text"]
    )
    in_group = message("/ask 灯下黑", chat=GROUP)
    first = await ask(fake, {"message": in_group})
    await asyncio.sleep(0.3)  # the handler notes its answer just after sending it
    edited = {**in_group, "text": "/ask 瓷器活", "edit_date": in_group["date"] + 5}
    again = await ask(fake, {"edited_message": edited}, "editMessageText")
    assert again.params["message_id"] == first.result["message_id"]
    unchanged = {**edited, "edit_date": edited["edit_date"] + 5}  # an edit that changes nothing
    assert await quiet(fake, {"edited_message": unchanged}, 0.6) == []
    assert not fake.refusals


# --- the table of contents -------------------------------------------------------------------
async def test_contents_browse_documents_sections_and_passages(
    fake: FakeBotAPI, library_bot: Application
) -> None:
    toc = await ask(fake, {"message": message("/toc")})
    assert toc.params["text"] == "📚 <b>目录</b>：11 篇文档，点一篇查看它的结构。"
    documents = buttons(toc)
    assert len(documents) == 11
    report = next(b for b in documents if b["text"] == "党的十九大报告")
    outline = await ask(fake, press(toc, report["callback_data"]), "editMessageText")
    assert outline.params["text"].startswith("📄 <b>《党的十九大报告》</b>\n• 一、过去五年的工作")
    sections = [b for b in buttons(outline) if b["text"][0] in "一二三四五六七八九十"]
    assert len(sections) == 13
    eighth = await ask(fake, press(outline, sections[7]["callback_data"]), "editMessageText")
    assert "› 八、提高保障和改善民生水平" in eighth.params["text"]
    subsections = [b for b in buttons(eighth) if b["text"].startswith("（")]
    assert len(subsections) >= 3
    passage = await ask(fake, press(eighth, subsections[0]["callback_data"]), "editMessageText")
    assert passage.params["text"].startswith("<b>（一）优先发展教育事业。</b>")
    assert "📎 <code>《党的十九大报告》八、（一）</code>" in passage.params["text"]
    following = await ask(fake, press(passage, data_of(passage, "下一段 ▶")), "editMessageText")
    assert following.params["text"] != passage.params["text"]
    back = await ask(fake, press(following, data_of(following, "◀ 上一段")), "editMessageText")
    assert back.params["text"] == passage.params["text"]
    up = await ask(fake, press(back, data_of(back, "⬆ 目录")), "editMessageText")
    assert up.params["text"] == eighth.params["text"]
    every = [b for call in (toc, outline, eighth, passage, following) for b in buttons(call)]
    assert all(len(b["callback_data"].encode()) <= CALLBACK_LIMIT for b in every)
    assert not fake.sent("sendMessage", since=fake.calls.index(toc) + 1)  # one message


async def test_contents_open_at_a_named_document(
    fake: FakeBotAPI, library_bot: Application
) -> None:
    toc = await ask(fake, {"message": message("/toc 监察法")})
    assert toc.params["text"].startswith(
        "📄 <b>《中华人民共和国监察法》</b>\n• 第一章 总 则\n• 第二章"
    )
    chapter = await ask(fake, press(toc, buttons(toc)[0]["callback_data"]), "editMessageText")
    assert "<blockquote expandable>" not in chapter.params["text"]  # read open, page by page
    up = await ask(fake, press(chapter, data_of(chapter, "⬆ 目录")), "editMessageText")
    assert up.params["text"] == toc.params["text"]  # a chapter of articles: up is the outline


async def test_one_document_opens_at_its_outline(fake: FakeBotAPI, bot: Application) -> None:
    toc = await ask(fake, {"message": message("/toc")})
    assert toc.params["text"].startswith(f"📄 <b>{SPEECH}</b>\n• 一、深刻领会")
    assert len([b for b in buttons(toc) if b["text"][0] in "一二三"]) == 3


# --- start-up, welcome, odd messages -----------------------------------------------------
async def test_descriptions_are_set_in_chinese_and_english(
    fake: FakeBotAPI, bot: Application
) -> None:
    long, short = fake.sent("setMyDescription"), fake.sent("setMyShortDescription")
    assert [c.params.get("language_code") for c in long] == [None, "en"]
    assert long[0].params["description"].startswith(f"我在{SPEECH}里找答案")
    assert short[1].params["short_description"].startswith("Answers from documents")


async def test_about_gives_its_time_zone(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("/about")})
    assert re.search(
        r"索引建立于：\d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d\n", call.params["text"]
    )


async def test_voice_and_files_get_one_line(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    admin = {"id": 9001, "is_bot": False, "first_name": "Admin"}
    application = await with_bot(fake, seed_searcher, admin_ids=frozenset({admin["id"]}))
    voice = {"file_id": "v", "file_unique_id": "w", "duration": 3}
    document = {"file_id": "d", "file_unique_id": "e", "file_name": "新文件.docx"}
    try:
        said = await ask(fake, {"message": message(None, voice=voice)})
        assert said.params["text"] == "我只能回答文字问题，请把问题打成文字发给我。"
        said = await ask(fake, {"message": message(None, document=document)})
        assert said.params["text"] == "我只能回答文字问题；文档由管理员添加。"
        assert fake.sent("getFile") == []  # a non-admin's file is never downloaded
        in_group = message(None, chat=GROUP, voice=voice)
        assert await quiet(fake, {"message": in_group}, 0.6) == []
    finally:
        await stop_bot(application)


async def test_no_promotional_header_reaches_a_message(fake: FakeBotAPI, bot: Application) -> None:
    for text in ("/start", "/help", "/toc", "/about", "会员群", "订阅", "年轻干部"):
        fake.push({"message": message(text)})
    await asyncio.to_thread(fake.wait_for, "sendMessage", 7, 10.0)
    sent = " ".join(str(c.params) for c in fake.calls if c.method != "getUpdates")
    for promotion in ("酷乐文行", "自建平台", "倒卖会员", "免费QQ群", "订阅立享", "仅供学习"):
        assert promotion not in sent


# --- owners -------------------------------------------------------------------------------
async def test_stats_stays_out_of_groups(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    admin = {"id": 9001, "is_bot": False, "first_name": "Admin"}
    application = await with_bot(fake, seed_searcher, admin_ids=frozenset({admin["id"]}))
    try:
        for user in (admin, USER):  # what users asked is not for a group's eyes
            assert await quiet(fake, group_ask("/stats", user=user), 0.6) == []
    finally:
        await stop_bot(application)


async def test_a_long_question_still_fits_the_full_text_view(
    fake: FakeBotAPI, library_bot: Application
) -> None:
    question = "干部" + "😀" * 290
    answer = await ask(fake, {"message": message(question)})
    for label in ("全文 ①", "全文 ②", "全文 ③"):
        await ask(fake, press(answer, data_of(answer, label)), "editMessageText")
    assert fake.refusals == []


async def test_stats_lists_unanswered_questions_without_ids(
    fake: FakeBotAPI, seed_searcher: Searcher, tmp_path: Path
) -> None:
    admin = {"id": 9001, "is_bot": False, "first_name": "Admin"}
    application = await with_bot(
        fake,
        seed_searcher,
        admin_ids=frozenset({admin["id"]}),
        log_unanswered=True,
        index_dir=tmp_path / "index",
    )
    try:
        for text in ("如何申请美国签证", "如何申请美国签证？", "灯下黑", "火星移民政策"):
            await ask(fake, {"message": message(text)})
        admin_chat = {"id": admin["id"], "type": "private", "first_name": "Admin"}
        stats = await ask(fake, {"message": message("/stats", admin_chat, admin)})
    finally:
        await stop_bot(application)
    assert stats.params["text"].endswith(
        "<b>近 7 天没有答案的问题</b>\n2 × 如何申请美国签证\n1 × 火星移民政策"
    )
    database = (tmp_path / "index" / "bot.sqlite3").read_bytes()
    assert str(USER["id"]).encode() not in database


@pytest.mark.parametrize("word", ["干部", "发展", "工作", "建设", "组织", "要求"])
def test_inline_titles_are_distinct_for_frequent_words(
    seed_searcher: Searcher, library_searcher: Searcher, word: str
) -> None:
    for searcher in (seed_searcher, library_searcher):
        titles = [r.title for r in inline_articles(searcher, searcher.search(word, 20).hits)]
        assert len(titles) == 20 and len(set(titles)) == 20, titles
