"""The quote check (原文核对) in chats: a quotation in a private chat, /quote in a group,
and inline, through the real Application and the strict fake Bot API; replies asserted
whole."""

from __future__ import annotations

import asyncio

from telegram.ext import Application

from bot.documents.corpus import Corpus
from bot.search.searcher import Searcher
from tests.auxil.fake_bot_api import FakeBotAPI
from tests.auxil.telegram_harness import GROUP, ask, inline, message, quiet, stop_bot, with_bot

SPEECH = "《在全市组织系统干部培训专班上的讲话》"
VERBATIM = "花盆里栽不出万年松，马棚里跑不出千里马"
VERBATIM_REPLY = (
    f"🔎 「{VERBATIM}」\n\n✅ <b>原文一致</b>：共 1 处\n📎 <code>{SPEECH}二、（五）</code>"
)
ALTERED = "把政治标准摆在首位，注重从具体事例中考察考核年轻干部"
ALTERED_REPLY = (
    f"🔎 「{ALTERED}」\n\n⚠️ <b>原文不一致</b>。最接近的原文（相似度 84%），不同处已标出：\n"
    "<blockquote expandable>把政治标准摆在首位，注重从具体事例、<b><u>点滴行为</u></b>"
    "中考察考核年轻干部</blockquote>\n• 少了“点滴行为”\n"
    f"📎 <code>{SPEECH}二、（五）</code>"
)
MADE_UP = "火星移民政策的具体规定是什么呢"
MADE_UP_REPLY = (
    f"🔎 「{MADE_UP}」\n\n❌ <b>资料库中没有这段文字</b>，也没有相近的原文。请核对出处。"
)
REPEATED_REPLY = (
    "🔎 「忠诚干净担当」\n\n✅ <b>原文一致</b>：共 7 处\n"
    f"📎 <code>{SPEECH}一、</code>（2 处）\n"
    f"📎 <code>{SPEECH}二、（三）</code>（4 处）\n"
    f"📎 <code>{SPEECH}二、（五）</code>"
)


async def test_a_quotation_in_a_private_chat_is_checked(
    fake: FakeBotAPI, bot: Application
) -> None:
    replies = []
    for text in (f"“{VERBATIM}”", f"「{ALTERED}」", f'"{MADE_UP}"'):
        replies.append((await ask(fake, {"message": message(text)})).params)
    assert [r["text"] for r in replies] == [VERBATIM_REPLY, ALTERED_REPLY, MADE_UP_REPLY]
    assert all("reply_markup" not in r for r in replies)
    repeated = await ask(fake, {"message": message("“忠诚干净担当”")})
    assert repeated.params["text"] == REPEATED_REPLY  # one line per citation, counted
    question = await ask(fake, {"message": message("“灯下黑”是什么意思")})  # a question
    assert "原文一致" not in question.params["text"] and "灯下黑" in question.params["text"]
    assert fake.refusals == []


async def test_quote_in_a_group_checks_and_plain_quotes_stay_silent(
    fake: FakeBotAPI, bot: Application
) -> None:
    checked = []
    for text in (VERBATIM, f"“{ALTERED}”", MADE_UP):
        call = await ask(fake, {"message": message(f"/quote {text}", chat=GROUP)})
        checked.append(call.params["text"])
    assert checked == [VERBATIM_REPLY, ALTERED_REPLY, MADE_UP_REPLY]
    assert await quiet(fake, {"message": message(f"“{VERBATIM}”", chat=GROUP)}) == []
    empty = await ask(fake, {"message": message("/quote", chat=GROUP)})
    assert empty.params["text"] == (
        "请在 /quote 后面写上要核对的原文，例如：<code>/quote 忠诚干净担当</code>"
    )
    assert fake.refusals == []


async def test_inline_offers_the_wording_or_the_article_as_a_card(
    fake: FakeBotAPI, bot: Application
) -> None:
    since = len(fake.calls)
    queries = [inline(f"“{text}”") for text in (VERBATIM, ALTERED, MADE_UP)]
    for query in queries:
        fake.push(query)
    calls = await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 3, 10.0, since)
    by_id = {call.params["inline_query_id"]: call.params for call in calls}  # any order
    found, closest, nothing = (by_id[query["inline_query"]["id"]] for query in queries)
    [card] = found["results"]
    assert card["title"] == f"✅ 原文一致 · {SPEECH}二、（五）"
    assert card["input_message_content"]["message_text"] == (
        f"<blockquote expandable>{VERBATIM}</blockquote>\n📎 <code>{SPEECH}二、（五）</code>"
    )
    [near] = closest["results"]
    assert near["title"] == f"⚠️ 原文不一致 · 最接近：{SPEECH}二、（五）"
    assert near["input_message_content"]["message_text"] == (
        "<blockquote expandable>把政治标准摆在首位，注重从具体事例、点滴行为中考察考核年轻干部"
        f"</blockquote>\n📎 <code>{SPEECH}二、（五）</code>"
    )
    assert nothing["results"] == [] and nothing["button"]["start_parameter"] == "inline"
    assert all(params["is_personal"] for params in by_id.values())
    assert fake.refusals == []


async def test_inline_offers_a_named_article_as_a_card(
    fake: FakeBotAPI, library_searcher: Searcher
) -> None:
    application = await with_bot(fake, library_searcher)
    try:
        since = len(fake.calls)
        fake.push(inline("监察法第14条"))
        [call] = await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 1, 10.0, since)
    finally:
        await stop_bot(application)
    first = call.params["results"][0]["input_message_content"]["message_text"]
    article = library_searcher.search("监察法第十四条", 1).hits[0].chunk
    assert first == (
        f"<blockquote expandable>{article.text}</blockquote>\n"
        "📎 <code>《中华人民共和国监察法》第十四条</code>"
    )  # the article, then its citation line; nothing else


async def test_a_quote_pieced_from_two_places_says_so(fake: FakeBotAPI, bot: Application) -> None:
    first = "花盆里栽不出万年松，马棚里跑不出千里马"
    second = "践行新时代组织路线，做好新时代组织工作，任务艰巨，使命光荣"
    call = await ask(fake, {"message": message(f"“{first}。{second}。”")})
    assert call.params["text"] == (
        "🔎 「花盆里栽不出万年松，马棚里跑不出千里马。践行新时代组…工作，任务艰巨，使命光荣。」"
        "\n\n✂️ <b>不是一处原文</b>：由 2 处原文拼接而成\n"
        f"1. 「{first}」\n📎 <code>{SPEECH}二、（五）</code>\n"
        f"2. 「{second}」\n📎 <code>{SPEECH}</code>"
    )


async def test_a_quote_of_no_words_or_too_long_is_said_so(
    fake: FakeBotAPI, bot: Application, seed_corpus: Corpus
) -> None:
    empty = await ask(fake, {"message": message("/quote “，。”", chat=GROUP)})
    assert empty.params["text"].startswith("请在 /quote 后面写上要核对的原文")
    speech = seed_corpus.documents[0].text
    start = speech.index("花盆里")
    long = speech[start : start + 700].replace("万年松", "万年柏")  # one word changed
    call = await ask(fake, {"message": message(f"「{long}」")})
    assert "无法逐字比对" in call.params["text"] and "没有这段文字" not in call.params["text"]
