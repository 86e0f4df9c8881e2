"""Reloading the corpus while the bot runs: /reload, the watcher, and failed rebuilds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.search.build import open_searcher
from bot.telegram import admin as telegram_admin
from bot.telegram.app import build_application
from tests.auxil.fake_bot_api import FakeBotAPI
from tests.auxil.telegram_harness import TOKEN, USER, ask, message, start_bot, stop_bot

ADMIN = {"id": 9001, "is_bot": False, "first_name": "Admin"}
FIRST = "第一份材料\n一、学习要求\n要认真学习“灯下黑”的论述。\n"
SECOND = "第二份材料\n一、调研要求\n要深入基层开展蹲点调研。\n"
WriteCorpus = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def settings(fake: FakeBotAPI, write_corpus: WriteCorpus, tmp_path: Path) -> Settings:
    return Settings(
        corpus_dir=write_corpus({"first.txt": FIRST}),
        index_dir=tmp_path / "index",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        admin_ids=frozenset({ADMIN["id"]}),
        reload_interval=0,
        build_workers=1,
    )


async def running(settings: Settings) -> Application:
    opened = open_searcher(settings)
    application = build_application(settings, opened.searcher, opened.corpus)
    await start_bot(application)
    return application


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Application]:
    application = await running(settings)
    yield application
    await stop_bot(application)


def answers(call: object) -> bool:
    return "<blockquote" in call.params["text"]  # type: ignore[attr-defined]


async def test_admin_reload_swaps_in_the_new_corpus(
    fake: FakeBotAPI, bot: Application, settings: Settings
) -> None:
    assert not answers(await ask(fake, {"message": message("蹲点调研")}))
    (settings.corpus_dir / "second.txt").write_text(SECOND, encoding="utf-8")
    since = len(fake.calls)
    fake.push({"message": message("/reload", user=ADMIN)})
    replies = await asyncio.to_thread(fake.wait_for, "sendMessage", 2, 20.0, since)
    assert replies[0].params["text"] == "正在重新读取资料库…"
    assert replies[1].params["text"].startswith("✅ 已载入：2 篇文档")
    assert "重新建立索引" in replies[1].params["text"]
    assert answers(await ask(fake, {"message": message("蹲点调研")}))


async def test_reload_is_for_admins_only(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("/reload")})
    assert call.params["text"] == "这个命令只有管理员可以使用。"


async def test_a_failed_rebuild_keeps_the_old_index(
    fake: FakeBotAPI, bot: Application, settings: Settings
) -> None:
    (settings.corpus_dir / "first.txt").unlink()  # an empty corpus cannot be served
    since = len(fake.calls)
    fake.push({"message": message("/reload", user=ADMIN)})
    replies = await asyncio.to_thread(fake.wait_for, "sendMessage", 2, 20.0, since)
    assert replies[1].params["text"].startswith("❌ 重新载入失败，仍在使用原来的索引")
    assert "no readable documents" in replies[1].params["text"]
    assert answers(await ask(fake, {"message": message("灯下黑")}))


async def test_questions_are_answered_during_a_rebuild(
    fake: FakeBotAPI, bot: Application, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_open(*args: object) -> object:
        time.sleep(2.0)
        return open_searcher(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(telegram_admin, "open_searcher", slow_open)
    (settings.corpus_dir / "second.txt").write_text(SECOND, encoding="utf-8")
    since = len(fake.calls)
    fake.push({"message": message("/reload", user=ADMIN)})
    await asyncio.to_thread(fake.wait_for, "sendMessage", 1, 10.0, since)  # "reloading…"
    began = time.monotonic()
    during = await ask(fake, {"message": message("灯下黑")})
    assert answers(during) and time.monotonic() - began < 1.5  # the old index answered
    done = await asyncio.to_thread(fake.wait_for, "sendMessage", 3, 20.0, since)
    assert any(c.params["text"].startswith("✅") for c in done)
    assert answers(await ask(fake, {"message": message("蹲点调研")}))


async def test_the_watcher_notices_a_changed_corpus(fake: FakeBotAPI, settings: Settings) -> None:
    from dataclasses import replace

    application = await running(replace(settings, reload_interval=0.2))
    try:
        (settings.corpus_dir / "second.txt").write_text(SECOND, encoding="utf-8")
        for _ in range(50):
            await asyncio.sleep(0.2)
            if len(application.bot_data["services"].searcher.store.docs) == 2:
                break
        assert answers(await ask(fake, {"message": message("蹲点调研", user=USER)}))
    finally:
        await stop_bot(application)


async def test_a_vanished_corpus_is_one_warning_and_the_bot_goes_on(
    fake: FakeBotAPI, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil
    from dataclasses import replace

    application = await running(replace(settings, reload_interval=0.1))
    try:
        for document in settings.corpus_dir.glob("*.txt"):
            document.unlink()  # emptied, its hidden .index folder aside
        await asyncio.sleep(0.6)
        shutil.rmtree(settings.corpus_dir)  # …then gone: still the same one warning
        await asyncio.sleep(0.6)
        warnings = [r for r in caplog.records if "is missing or empty" in r.getMessage()]
        assert len(warnings) == 1 and not [r for r in caplog.records if r.exc_info]
        assert answers(await ask(fake, {"message": message("灯下黑", user=USER)}))
    finally:
        await stop_bot(application)
