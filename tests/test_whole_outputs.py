"""The canonical replies and outputs, asserted whole (as sqlite-utils asserts whole CLI
outputs): an answer with its buttons, no result, a rate-limit notice, /about, /toc, the
quote check, and the CLI's `index` and `chunks`. Each golden file under tests/data/golden/
is what a user sees; a change to any of them shows in review."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.cli import main
from bot.search.searcher import Searcher
from tests.auxil.fake_bot_api import Call, FakeBotAPI
from tests.auxil.golden import assert_golden
from tests.auxil.telegram_harness import ask, message, stop_bot, with_bot
from tests.conftest import SEED_CORPUS


def shown(call: Call) -> str:
    """A sent message as the Bot API got it: its HTML text, then its buttons."""
    text = str(call.params.get("text"))
    markup = call.params.get("reply_markup")
    if not markup:
        return text + "\n"
    keyboard = markup if isinstance(markup, dict) else json.loads(markup)
    rows = [
        " | ".join(f"[{b['text']}] {b.get('callback_data') or b.get('url')}" for b in row)
        for row in keyboard["inline_keyboard"]
    ]
    return text + "\n---\n" + "\n".join(rows) + "\n"


async def test_an_answer_with_its_buttons(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("年轻干部应该去哪里历练？")})
    assert_golden("answer.txt", shown(call))


async def test_no_result(fake: FakeBotAPI, bot: Application) -> None:
    call = await ask(fake, {"message": message("今天天气怎么样")})
    assert shown(call) == (
        "🔎 今天天气怎么样\n\n没有找到相关内容。换个说法试试，或发送 /toc 查看目录。\n"
    )


async def test_a_rate_limit_notice(fake: FakeBotAPI, seed_searcher: Searcher) -> None:
    application = await with_bot(fake, seed_searcher, user_rate_limit=1)
    try:
        await ask(fake, {"message": message("灯下黑")})
        notice = await ask(fake, {"message": message("五提四晋")})
    finally:
        await stop_bot(application)
    assert re.fullmatch(r"提问太快了，请稍等 (59|60) 秒再试。\n", shown(notice)), shown(notice)


@pytest.mark.parametrize("command", ["/about", "/toc"])
async def test_about_and_contents(fake: FakeBotAPI, bot: Application, command: str) -> None:
    call = await ask(fake, {"message": message(command)})
    built = r"(索引建立于：)\d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d"
    assert_golden(f"{command[1:]}.txt", re.sub(built, r"\1<time>", shown(call)))


async def test_a_quote_check(fake: FakeBotAPI, bot: Application) -> None:
    found = await ask(fake, {"message": message("/quote 花盆里栽不出万年松")})
    closest = await ask(
        fake, {"message": message("/quote 花盆里栽不出万年松，马棚里跑不出千里驴")}
    )
    assert_golden("quote.txt", shown(found) + "\n" + shown(closest))


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


def test_the_index_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    output = run("index", "--corpus", str(SEED_CORPUS))
    output = re.sub(r"Time: [0-9.]+ s", "Time: … s", output)
    output = output.replace(str(tmp_path), "<tmp>").replace(str(SEED_CORPUS), "<corpus>")
    assert_golden("index.txt", output)


def test_the_passages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_golden("chunks.txt", run("chunks", "--corpus", str(SEED_CORPUS)))
