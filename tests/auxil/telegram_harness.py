"""The harness for Telegram tests: a bot built as in production, started against the
fake Bot API, and the updates Telegram would send it."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.search.searcher import Searcher
from bot.telegram.app import build_application
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI, parse_html

USER = {"id": 1001, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"}
ENGLISH_USER = {"id": 1002, "is_bot": False, "first_name": "Ann", "language_code": "en-GB"}
GROUP = {"id": -100123, "type": "supergroup", "title": "学习群"}
CHANNEL = {"id": -100777, "type": "channel", "title": "学习频道"}
_message_ids = itertools.count(1)


def message(
    text: str | None,
    chat: dict[str, Any] | None = None,
    user: dict[str, Any] | None = USER,
    **extra: Any,
) -> dict[str, Any]:
    """A Bot API Message object as Telegram sends it."""
    chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
    }
    if user is not None:
        body["from"] = user
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    body.update(extra)
    return body


def plain(call_text: str) -> str:
    return parse_html(call_text)


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as server:
        yield server


def bot_settings(fake: FakeBotAPI, **changes: Any) -> Settings:
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url)
    return replace(settings, **changes)


async def start_bot(application: Application) -> None:
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=1)


async def with_bot(fake: FakeBotAPI, searcher: Searcher, **changes: Any) -> Application:
    """A started bot over `searcher`, talking to `fake`, with these settings changed."""
    application = build_application(bot_settings(fake, **changes), searcher)
    await start_bot(application)
    return application


async def stop_bot(application: Application) -> None:
    await application.updater.stop()
    await application.stop()
    if application.post_stop:
        await application.post_stop(application)
    await application.shutdown()


@pytest.fixture
async def bot(fake: FakeBotAPI, seed_searcher: Searcher) -> AsyncIterator[Application]:
    application = await with_bot(fake, seed_searcher)
    yield application
    await stop_bot(application)


async def ask(fake: FakeBotAPI, update: dict[str, Any], method: str = "sendMessage") -> Any:
    """Push an update and wait for the bot's next call of `method`."""
    since = len(fake.calls)
    fake.push(update)
    calls = await asyncio.to_thread(fake.wait_for, method, 1, 10.0, since)
    return calls[0]


async def quiet(fake: FakeBotAPI, update: dict[str, Any], seconds: float = 1.0) -> list[Any]:
    """Push an update and return whatever the bot sent within `seconds` of receiving it
    (expected: nothing)."""
    since = len(fake.calls)
    update_id = fake.push(update)
    await asyncio.to_thread(fake.wait_received, update_id)
    await asyncio.sleep(seconds)
    return [c for c in fake.calls[since:] if c.method != "getUpdates"]


def press(call: Any, data: str, user: dict[str, Any] = USER) -> dict[str, Any]:
    """A press, by `user`, of the button carrying `data` on the message `call` sent."""
    return {
        "callback_query": {
            "id": f"cb{next(_message_ids)}",
            "from": user,
            "chat_instance": "1",
            "message": call.result,
            "data": data,
        }
    }


def private_chat(user: dict[str, Any] = USER) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def callback(data: str, user: dict[str, Any] = USER, chat: dict[str, Any] | None = None) -> dict:
    return {
        "id": f"cb{next(_message_ids)}",
        "from": user,
        "chat_instance": "1",
        "message": message("answer", user=None, chat=chat or private_chat(user)),
        "data": data,
    }


def inline(query: str, offset: str = "", user: dict[str, Any] = USER) -> dict[str, Any]:
    return {
        "inline_query": {
            "id": f"iq{next(_message_ids)}",
            "from": user,
            "query": query,
            "offset": offset,
        }
    }
