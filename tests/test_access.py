"""Access and abuse: allow-lists, admin commands, per-chat and inline limits, logs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.search.searcher import Searcher
from tests.auxil.fake_bot_api import FakeBotAPI
from tests.auxil.telegram_harness import (
    GROUP,
    TOKEN,
    USER,
    ask,
    callback,
    inline,
    message,
    quiet,
    stop_bot,
    with_bot,
)

STRANGER = {"id": 666, "is_bot": False, "first_name": "X"}
ADMIN = {"id": 9001, "is_bot": False, "first_name": "Admin"}


async def test_allow_lists_refuse_once_then_stay_silent(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(
        fake,
        seed_searcher,
        allowed_user_ids=frozenset({USER["id"]}),
        allowed_chat_ids=frozenset({GROUP["id"]}),
    )
    try:
        refusal = await ask(fake, {"message": message("灯下黑", user=STRANGER)})
        assert refusal.params["text"] == "抱歉，这个机器人只对指定的用户和群组开放。"
        assert await quiet(fake, {"message": message("灯下黑", user=STRANGER)}) == []
        assert await quiet(fake, inline("灯下黑", user=STRANGER), 0.5) == []
        allowed_user = await ask(fake, {"message": message("灯下黑")})
        assert "<b>灯下黑</b>" in allowed_user.params["text"]
        in_allowed_group = await ask(
            fake, {"message": message("/ask 灯下黑", chat=GROUP, user=STRANGER)}
        )
        assert "<b>灯下黑</b>" in in_allowed_group.params["text"]
        inline_ok = await ask(fake, inline("灯下黑"), "answerInlineQuery")
        assert inline_ok.params["results"]
    finally:
        await stop_bot(application)


async def test_a_refused_button_press_gets_a_notice(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(fake, seed_searcher, allowed_user_ids=frozenset({USER["id"]}))
    try:
        call = await ask(
            fake, {"callback_query": callback("c:x", user=STRANGER)}, "answerCallbackQuery"
        )
        assert call.params["text"] == "抱歉，这个机器人只对指定的用户和群组开放。"
    finally:
        await stop_bot(application)


async def test_stats_for_admins_only(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    application = await with_bot(fake, seed_searcher, admin_ids=frozenset({ADMIN["id"]}))
    try:
        await ask(fake, {"message": message("灯下黑")})
        await ask(fake, {"message": message("如何申请美国签证")})
        denied = await ask(fake, {"message": message("/stats")})
        assert denied.params["text"] == "这个命令只有管理员可以使用。"
        stats = await ask(fake, {"message": message("/stats", user=ADMIN)})
        text = stats.params["text"]
        assert "回答问题：2（无结果 1）" in text
        assert "收到更新：4" in text
        assert "段落：" in text
    finally:
        await stop_bot(application)


async def test_a_busy_group_is_limited_as_a_chat(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(fake, seed_searcher, chat_rate_limit=2)
    try:
        since = len(fake.calls)
        for n in range(5):
            user = {"id": 3000 + n, "is_bot": False, "first_name": f"U{n}"}
            fake.push({"message": message("/ask 灯下黑", chat=GROUP, user=user)})
        await asyncio.to_thread(fake.wait_for, "sendMessage", 3, 10.0, since)
        await asyncio.sleep(0.5)
        texts = [c.params["text"] for c in fake.sent(since=since)]
    finally:
        await stop_bot(application)
    assert len(texts) == 3 and sum("提问太快了" in t for t in texts) == 1


async def test_notices_in_a_group_spend_the_groups_budget(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(fake, seed_searcher, chat_rate_limit=3, user_rate_limit=1)
    try:
        since = len(fake.calls)
        flooder = {"id": 4000, "is_bot": False, "first_name": "F"}
        for _ in range(5):  # answered, told once, then ignored
            fake.push({"message": message("/ask 灯下黑", chat=GROUP, user=flooder)})
        await asyncio.to_thread(fake.wait_for, "sendMessage", 2, 10.0, since)
        for n in range(2):  # the group has one message left in its budget, then a notice
            user = {"id": 4001 + n, "is_bot": False, "first_name": f"U{n}"}
            fake.push({"message": message("/ask 灯下黑", chat=GROUP, user=user)})
        await asyncio.to_thread(fake.wait_for, "sendMessage", 4, 10.0, since)
        await asyncio.sleep(0.5)
        texts = [c.params["text"] for c in fake.sent(since=since)]
    finally:
        await stop_bot(application)
    assert len(texts) == 4 and sum("提问太快了" in t for t in texts) == 2


async def test_an_inline_storm_is_throttled(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    application = await with_bot(fake, seed_searcher, inline_rate_limit=5)
    try:
        since = len(fake.calls)
        for n in range(20):
            fake.push(inline("灯下黑"[: 1 + n % 3]))
        await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 5, 10.0, since)
        await asyncio.sleep(0.5)
    finally:
        await stop_bot(application)
    assert len(fake.sent("answerInlineQuery", since)) == 5


async def test_query_logs_hold_no_ids_or_questions_below_debug(
    fake: FakeBotAPI, seed_searcher: Searcher, caplog: pytest.LogCaptureFixture
) -> None:
    application = await with_bot(fake, seed_searcher)
    try:
        with caplog.at_level(logging.DEBUG, logger="bot"):
            await ask(fake, {"message": message("灯下黑绝密问题")})
        debug = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
        assert "灯下黑绝密问题" in debug  # the question appears at DEBUG only …
        assert str(USER["id"]) not in debug  # … and never the user's id
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="bot"):
            await ask(fake, {"message": message("灯下黑绝密问题")})
        assert not [r for r in caplog.records if "绝密" in r.getMessage()]
    finally:
        await stop_bot(application)


async def test_admins_are_always_allowed_and_id_helps_the_owner(
    fake: FakeBotAPI, seed_searcher: Searcher
) -> None:
    application = await with_bot(
        fake,
        seed_searcher,
        admin_ids=frozenset({ADMIN["id"]}),
        allowed_user_ids=frozenset({USER["id"]}),
    )
    admin_chat = {"id": ADMIN["id"], "type": "private", "first_name": "Admin"}
    try:
        answer = await ask(fake, {"message": message("灯下黑", admin_chat, ADMIN)})
        assert "<b>灯下黑</b>" in answer.params["text"]  # not on the allow-list, but an admin
        stranger_chat = {"id": STRANGER["id"], "type": "private", "first_name": "X"}
        ids = await ask(fake, {"message": message("/id", stranger_chat, STRANGER)})
        assert ids.params["text"] == (
            "🆔 你的用户 ID：<code>666</code>\n这个聊天（private）的 ID：<code>666</code>"
        )  # anyone may learn their own id, to ask for access
        in_group = await ask(fake, {"message": message("/id", chat=GROUP, user=ADMIN)})
        assert in_group.params["chat_id"] == ADMIN["id"]  # the group's id, told privately
        assert "<code>-100123</code>" in in_group.params["text"]
        assert await quiet(fake, {"message": message("/id", chat=GROUP, user=USER)}, 0.6) == []
    finally:
        await stop_bot(application)


async def test_the_token_is_redacted_wherever_the_application_is_built(
    fake: FakeBotAPI, seed_searcher: Searcher, caplog: pytest.LogCaptureFixture
) -> None:
    application = await with_bot(fake, seed_searcher)
    try:
        logging.getLogger("somewhere.else").warning("calling https://x/bot%s/getMe", TOKEN)
        make = logging.getLogRecordFactory()  # a careless call is reported, never raised
        assert make("careless", logging.WARNING, "x.py", 1, "%d items", ("x",), None).msg
        try:
            raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logging.getLogger("another").exception("while sending")
    finally:
        await stop_bot(application)
    text = "\n".join(logging.Formatter("%(message)s").format(record) for record in caplog.records)
    assert "calling https://x/bot[REDACTED]/getMe" in text
    assert "failed at /bot[REDACTED]/sendMessage" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text


async def test_an_admins_id_in_a_group_is_deleted_when_it_could_not_go_privately(
    fake: FakeBotAPI, seed_searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.telegram import admin

    monkeypatch.setattr(admin, "ID_REPLY_SECONDS", 0.3)
    fake.strangers.add(ADMIN["id"])  # never opened a private chat with the bot
    application = await with_bot(fake, seed_searcher, admin_ids=frozenset({ADMIN["id"]}))
    try:
        reply = await ask(fake, {"message": message("/id", chat=GROUP, user=ADMIN)})
        assert reply.params["chat_id"] == GROUP["id"] and "-100123" in reply.params["text"]
        deleted = await ask(fake, {"message": message("灯下黑", chat=GROUP)}, "deleteMessage")
        assert deleted.params == {"chat_id": GROUP["id"], "message_id": reply.result["message_id"]}
    finally:
        await stop_bot(application)
