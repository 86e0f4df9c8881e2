"""Documents added and removed from Telegram by an admin, and groups bound to
collections, through the real Application and the strict fake Bot API (getFile and the
file download included)."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from bot.search.build import open_searcher
from tests.auxil.fake_bot_api import Call, FakeBotAPI
from tests.auxil.telegram_harness import (
    GROUP,
    USER,
    ask,
    bot_settings,
    inline,
    message,
    plain,
    press,
    quiet,
    start_bot,
    stop_bot,
)
from tests.conftest import LIBRARY, SPEECH

ADMIN = {"id": 4242, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"}
ADMIN_CHAT = {"id": ADMIN["id"], "type": "private", "first_name": "Wang"}
LAW = "13_监察法.txt"
PETITIONS = "11_信访工作条例.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The speech at the top and the supervision law in the collection 法律."""
    root = tmp_path / "corpus"
    (root / "法律").mkdir(parents=True)
    shutil.copy(LIBRARY / SPEECH, root / SPEECH)
    shutil.copy(LIBRARY / LAW, root / "法律" / LAW)
    return root


async def running(fake: FakeBotAPI, corpus: Path, **changes: Any) -> Any:
    """A started bot over `corpus` (its index and database in the temp folder)."""
    from bot.telegram.app import build_application

    settings = bot_settings(
        fake,
        corpus_dir=corpus,
        index_dir=corpus.parent / "index",
        admin_ids=frozenset({ADMIN["id"]}),
        reload_interval=0,
        **changes,
    )
    opened = await asyncio.to_thread(open_searcher, settings)
    application = build_application(settings, opened.searcher, opened.corpus)
    await start_bot(application)
    return application


def sent_file(fake: FakeBotAPI, data: bytes, name: str, size: int | None = None, **extra: Any):
    """An admin's private message carrying a file."""
    document = fake.add_file(data, name, size)
    return {"message": message(None, ADMIN_CHAT, ADMIN, document=document, **extra)}


async def reply_saying(fake: FakeBotAPI, words: str, since: int, timeout: float = 60.0) -> Call:
    """The first message the bot sent or edited (after call `since`) whose text holds
    `words`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.calls[since:]:
            delivered = call.method in ("sendMessage", "editMessageText") and call.status == 200
            if delivered and words in plain(call.params.get("text", "")):
                return call
        await asyncio.sleep(0.05)
    texts = [
        plain(c.params.get("text", ""))[:60] for c in fake.calls[since:] if "text" in c.params
    ]
    raise AssertionError(f"nothing saying {words!r} in {timeout}s: {texts}")


def corpus_files(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())


async def test_an_admins_text_file_is_added_and_answers_at_once(
    fake: FakeBotAPI,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import bot.telegram.admin as admin

    def slow_build(*args: Any, **kwargs: Any) -> Any:  # a large library takes a while
        time.sleep(2)
        return open_searcher(*args, **kwargs)

    monkeypatch.setattr(admin, "open_searcher", slow_build)
    caplog.set_level(logging.INFO)
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        began = time.monotonic()
        fake.push(sent_file(fake, (LIBRARY / PETITIONS).read_bytes(), "../../escape.txt"))
        await reply_saying(fake, "正在建立索引", since)
        meanwhile = await ask(fake, {"message": message("年轻干部应该去哪里历练", user=USER)})
        done = await reply_saying(fake, "已加入《信访工作条例》", since)
        took = time.monotonic() - began
        answer = await ask(fake, {"message": message("信访工作条例第十条", user=USER)})
    finally:
        await stop_bot(application)
    text = plain(done.params["text"])
    assert "个段落" in text and "第一章 总则" in text, text
    assert fake.calls.index(meanwhile) < fake.calls.index(done)  # answered while indexing
    assert "在全市组织系统干部培训专班上的讲话" in plain(meanwhile.params["text"])
    assert "信访工作条例" in plain(answer.params["text"])
    assert took < 60
    assert len(fake.downloads()) == 1
    assert not (corpus.parent.parent / "escape.txt").exists()
    assert not (corpus.parent / "escape.txt").exists()
    added = [name for name in corpus_files(corpus) if "信访" in name]
    assert added == ["信访工作条例.txt"]  # named by its title, not by what it was sent as
    logged = caplog.text
    assert "Upload by admin 4242: '../../escape.txt'" in logged  # who, what (and when)
    assert "信访工作条例.txt" in logged and "信访工作坚持" not in logged  # never the content
    assert fake.refusals == []


async def test_files_are_refused_before_any_download(fake: FakeBotAPI, corpus: Path) -> None:
    before = corpus_files(corpus)
    application = await running(fake, corpus)
    try:
        stranger = await ask(
            fake,
            {"message": message(None, document=fake.add_file(b"hello", "notes.txt"), user=USER)},
        )
        big = await ask(fake, sent_file(fake, b"x" * 100, "report.docx", size=25 * 2**20))
        program = await ask(fake, sent_file(fake, b"MZ\x90\x00", "setup.exe"))
        old_word = await ask(fake, sent_file(fake, b"\xd0\xcf\x11\xe0", "通知.doc"))
    finally:
        await stop_bot(application)
    assert plain(stranger.params["text"]) == "我只能回答文字问题；文档由管理员添加。"
    assert "20 MB" in plain(big.params["text"])
    assert "不能添加 setup.exe" in plain(program.params["text"])
    assert ".txt" in plain(program.params["text"]) and ".docx" in plain(program.params["text"])
    assert "另存为 .docx" in plain(old_word.params["text"])
    assert fake.sent("getFile") == [] and fake.downloads() == []
    assert corpus_files(corpus) == before
    assert fake.refusals == []


async def test_a_file_that_cannot_be_read_changes_nothing(fake: FakeBotAPI, corpus: Path) -> None:
    before = corpus_files(corpus)
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(sent_file(fake, b"\x00\x01\x02binary" * 50, "讲话.txt"))
        refused = await reply_saying(fake, "无法读取", since)
        answer = await ask(fake, {"message": message("年轻干部应该去哪里历练", user=USER)})
    finally:
        await stop_bot(application)
    assert "资料库没有改变" in plain(refused.params["text"])
    assert "在全市组织系统干部培训专班上的讲话" in plain(answer.params["text"])
    assert corpus_files(corpus) == before  # the staged download is gone too
    assert fake.refusals == []


async def test_a_document_is_replaced_only_after_a_confirmation(
    fake: FakeBotAPI, corpus: Path
) -> None:
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(
            sent_file(fake, (LIBRARY / LAW).read_bytes(), "监察法（新）.txt", caption="法律")
        )
        asked = await reply_saying(fake, "已在资料库中", since)
        assert corpus_files(corpus).count(f"法律/{LAW}") == 1  # nothing replaced yet
        since = len(fake.calls)
        fake.push(press(asked, "u:y:" + button_data(asked, "替换").split(":")[2], ADMIN))
        await reply_saying(fake, "已加入《中华人民共和国监察法》", since)
    finally:
        await stop_bot(application)
    files = corpus_files(corpus)
    assert "法律/中华人民共和国监察法.txt" in files and f"法律/{LAW}" not in files
    assert any(name.startswith(".removed/") and name.endswith(LAW) for name in files)
    assert fake.refusals == []


def button_data(call: Call, label: str) -> str:
    """The callback data of the button labelled `label` on a sent or edited message."""
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in keyboard for b in row if b["text"] == label)


async def test_docs_lists_and_remove_takes_a_document_out(fake: FakeBotAPI, corpus: Path) -> None:
    application = await running(fake, corpus)
    try:
        listed = await ask(fake, {"message": message("/docs", ADMIN_CHAT, ADMIN)})
        picker = await ask(fake, {"message": message("/remove 监察", ADMIN_CHAT, ADMIN)})
        data = button_data(picker, "中华人民共和国监察法")
        since = len(fake.calls)
        fake.push(press(picker, data, ADMIN))
        confirm = await reply_saying(fake, "确定删除", since)
        since = len(fake.calls)
        fake.push(press(confirm, button_data(confirm, "确认删除"), ADMIN))
        await reply_saying(fake, "已删除《中华人民共和国监察法》", since)
        answer = await ask(fake, {"message": message("监察法第十四条", user=USER)})
        not_admin = await ask(fake, {"message": message("/remove", user=USER)})
    finally:
        await stop_bot(application)
    text = plain(listed.params["text"])
    assert "《在全市组织系统干部培训专班上的讲话》" in text and "《中华人民共和国监察法》" in text
    assert f"法律/{LAW}" in text  # an admin in private sees the files
    assert "没有" in plain(answer.params["text"])
    assert plain(not_admin.params["text"]) == "这个命令只有管理员可以使用。"
    assert f"法律/{LAW}" not in corpus_files(corpus)
    assert fake.refusals == []


def row_data(call: Call, label: str) -> list[str]:
    """The callback data of the buttons in the row of the button labelled `label`."""
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    row = next(row for row in keyboard if any(b["text"] == label for b in row))
    return [b["callback_data"] for b in row]


def group_message(text: str, user: dict[str, Any] = USER) -> dict[str, Any]:
    return {"message": message(text, GROUP, user)}


async def test_a_bound_group_searches_only_its_collections_across_a_restart(
    fake: FakeBotAPI, corpus: Path
) -> None:
    application = await running(fake, corpus)
    try:
        menu = await ask(fake, group_message("/scope", ADMIN))
        assert await quiet(fake, group_message("/scope")) == []  # not an admin: silence
        since = len(fake.calls)
        fake.push(press(menu, button_data(menu, "▫️ 法律"), USER))  # not an admin
        refused = await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", 1, 10.0, since)
        assert refused[0].params.get("text") == "这个命令只有管理员可以使用。"
        since = len(fake.calls)
        fake.push(press(menu, button_data(menu, "▫️ 法律"), ADMIN))
        edited = await reply_saying(fake, "只检索：法律", since)
        assert button_data(edited, "✅ 法律")
    finally:
        await stop_bot(application)
    application = await running(fake, corpus)  # a restart: the binding is in SQLite
    try:
        speech = await ask(fake, group_message("/ask 年轻干部应该去哪里历练"))
        law = await ask(fake, group_message("/ask 监察委员会履行哪些职责"))
        toc = await ask(fake, group_message("/toc"))
        welcome = await ask(fake, group_message("/start"))
        private = await ask(fake, {"message": message("年轻干部应该去哪里历练", user=USER)})
    finally:
        await stop_bot(application)
    assert "在全市组织系统干部培训专班上的讲话" not in plain(speech.params["text"])
    assert "监察法" in plain(law.params["text"])
    assert "在全市组织系统干部培训专班上的讲话" not in plain(toc.params["text"])
    assert "监察法" in plain(welcome.params["text"])
    assert "在全市组织系统干部培训专班上的讲话" not in plain(welcome.params["text"])
    assert "在全市组织系统干部培训专班上的讲话" in plain(private.params["text"])  # unbound
    assert fake.refusals == []


async def test_a_private_collection_reaches_only_its_groups_members(
    fake: FakeBotAPI, corpus: Path
) -> None:
    fake.members[GROUP["id"]] = {ADMIN["id"]}
    application = await running(fake, corpus)
    try:
        menu = await ask(fake, group_message("/scope", ADMIN))
        since = len(fake.calls)
        fake.push(press(menu, button_data(menu, "▫️ 法律"), ADMIN))
        bound = await reply_saying(fake, "只检索：法律", since)
        since = len(fake.calls)
        fake.push(press(bound, row_data(bound, "✅ 法律")[1], ADMIN))  # its 🌐 → 🔒
        await reply_saying(fake, "只检索：法律", since)
        outsider = await outsider_views(fake)
        fake.members[GROUP["id"]].add(USER["id"])
    finally:
        await stop_bot(application)
    for name, view in outsider.items():
        for secret in ("中华人民共和国监察法", "监察机关", "监察官", "法律"):  # title, text, name
            assert secret not in view, (name, secret)
    application = await running(fake, corpus)  # a fresh process: membership asked again
    try:
        member = await ask(fake, {"message": message("监察委员会履行哪些职责", user=USER)})
        in_group = await ask(fake, group_message("/ask 监察委员会履行哪些职责"))
    finally:
        await stop_bot(application)
    assert "监察法" in plain(member.params["text"])
    assert "监察法" in plain(in_group.params["text"])
    assert fake.refusals == []


async def outsider_views(fake: FakeBotAPI) -> dict[str, str]:
    """What someone outside the group sees: a question, inline, /toc, /docs, /start."""
    views = {}
    for name, text in (
        ("question", "监察委员会履行哪些职责"),
        ("article", "监察法第十四条"),
        ("toc", "/toc"),
        ("docs", "/docs"),
        ("start", "/start"),
        ("about", "/about"),
    ):
        call = await ask(fake, {"message": message(text, user=USER)})
        views[name] = plain(call.params["text"]) + str(call.params.get("reply_markup", ""))
    since = len(fake.calls)
    fake.push(inline("监察委员会 职责"))
    answered = await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 1, 10.0, since)
    views["inline"] = str(answered[0].params.get("results"))
    return views


async def test_the_scope_menu_goes_to_the_admin_never_to_the_group(
    fake: FakeBotAPI, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.telegram.collections as collections

    monkeypatch.setattr(collections, "NOTICE_SECONDS", 0.3)
    channel = {"id": -100777, "type": "channel", "title": "学习频道"}
    fake.members[GROUP["id"]] = {ADMIN["id"]}
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        menu = await ask(fake, group_message("/scope", ADMIN))
        assert menu.params["chat_id"] == ADMIN["id"]
        assert "学习群" in plain(menu.params["text"])  # it says which chat it sets
        assert fake.posts(GROUP["id"], since) == []
        fake.strangers.add(ADMIN["id"])  # an admin who never opened a private chat
        notice = await ask(fake, group_message("/scope", ADMIN))
        fake.strangers.clear()
        post = await ask(fake, {"channel_post": message("/scope", channel, None)})
        deleted = await asyncio.to_thread(fake.wait_for, "deleteMessage", 2, 10.0, since)
        assert {c.params["message_id"] for c in deleted} == {
            notice.result["message_id"],
            post.result["message_id"],
        }  # the notices go a moment later
        opened = await ask(fake, {"message": message("/scope -100777", ADMIN_CHAT, ADMIN)})
        since = len(fake.calls)
        fake.push(press(opened, row_data(opened, "▫️ 法律")[1], ADMIN))  # 法律 private
        await reply_saying(fake, "未绑定", since)
        await asyncio.to_thread(fake.wait_for, "setMyDescription", 2, 10.0, since)
    finally:
        await stop_bot(application)
    for call in (notice, post):
        assert call.params["chat_id"] in (GROUP["id"], channel["id"])
        assert "法律" not in plain(call.params["text"]) and "reply_markup" not in call.params
    assert "/scope -100777" in plain(post.params["text"])
    assert "学习频道" in plain(opened.params["text"])
    described = fake.sent("setMyDescription", since)[-2:]
    assert all("监察法" not in c.params["description"] for c in described)
    assert "监察法" in fake.sent("setMyDescription")[0].params["description"]  # before
    # the one refused call: the menu to an admin who never opened a private chat (Telegram
    # says so only by refusing it)
    assert fake.refusals == [("sendMessage", "bot can't initiate conversation with a user")]


async def test_inline_answers_are_personal(fake: FakeBotAPI, corpus: Path) -> None:
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(inline("监察委员会 职责"))
        found = await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 1, 10.0, since)
        fake.push(inline("火星移民政策"))
        empty = await asyncio.to_thread(fake.wait_for, "answerInlineQuery", 2, 10.0, since)
    finally:
        await stop_bot(application)
    assert found[0].params["results"] and found[0].params["is_personal"] is True
    assert empty[1].params["is_personal"] is True  # what a query finds depends on who asks


async def test_odd_uploads_are_named_and_placed_safely(fake: FakeBotAPI, corpus: Path) -> None:
    (corpus / "法律 法规").mkdir()
    shutil.copy(LIBRARY / PETITIONS, corpus / "法律 法规" / PETITIONS)
    (corpus / "userdict.txt").write_text("一岗双责 100 n\n", encoding="utf-8")
    untitled = "党员要坚定理想信念，牢记初心使命，自觉做共产主义远大理想的坚定信仰者。" * 3
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(sent_file(fake, untitled.encode(), "2024年学习要点.txt"))
        first = await reply_saying(fake, "已加入《2024年学习要点》", since)
        since = len(fake.calls)
        body = "# userdict\n\n" + "各级党组织要认真学习贯彻，抓好落实。" * 5
        fake.push(sent_file(fake, body.encode(), "x.md", caption="法律 法规"))
        second = await reply_saying(fake, "已加入《userdict》", since)
        since = len(fake.calls)
        fake.push(
            sent_file(fake, b"# " + "很长的标题".encode() * 900 + b"\n\n" + body.encode(), "y.md")
        )
        third = await reply_saying(fake, "已加入", since)
    finally:
        await stop_bot(application)
    files = corpus_files(corpus)
    assert "2024年学习要点.txt" in files  # titled by the name it was sent under
    assert "法律 法规/userdict.md" in files  # into the existing folder, as it is named
    assert (corpus / "userdict.txt").read_text(encoding="utf-8") == "一岗双责 100 n\n"
    assert "文集：法律 法规" in plain(second.params["text"])
    assert len(third.params["text"]) < 4096 and "…" in plain(third.params["text"])
    assert "2024年学习要点" in plain(first.params["text"])
    assert not [name for name in files if name.startswith(".uploads/")]
    assert fake.refusals == []


async def test_a_double_press_on_replace_adds_the_file_once(
    fake: FakeBotAPI, corpus: Path
) -> None:
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(sent_file(fake, (LIBRARY / LAW).read_bytes(), "监察法.txt", caption="法律"))
        asked = await reply_saying(fake, "已在资料库中", since)
        data = button_data(asked, "替换")
        since = len(fake.calls)
        fake.push(press(asked, data, ADMIN))
        fake.push(press(asked, data, ADMIN))
        await reply_saying(fake, "已加入《中华人民共和国监察法》", since)
        await asyncio.to_thread(fake.wait_for, "answerCallbackQuery", 2, 10.0, since)
        await asyncio.sleep(0.5)
    finally:
        await stop_bot(application)
    texts = [plain(c.params["text"]) for c in fake.sent("editMessageText", since)]
    assert not any("不可写" in text for text in texts), texts
    files = corpus_files(corpus)
    assert files.count("法律/中华人民共和国监察法.txt") == 1
    assert len([name for name in files if name.startswith(".removed/")]) == 1
    assert fake.refusals == []


async def test_an_admins_pdf_is_added_and_its_answers_name_their_page(
    fake: FakeBotAPI, corpus: Path
) -> None:
    pytest.importorskip("reportlab")
    from tests.auxil.make_pdf import make_pdf, source_lines

    made = make_pdf(source_lines(LIBRARY / PETITIONS), headers=("国务院公报 2022年第7号",))
    assert made.pages >= 10
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        began = time.monotonic()
        fake.push(sent_file(fake, made.data, "信访工作条例（公报版）.pdf"))
        done = await reply_saying(fake, "已加入《信访工作条例》", since)
        took = time.monotonic() - began
        answer = await ask(fake, {"message": message("信访工作条例第三十条", user=USER)})
    finally:
        await stop_bot(application)
    assert f"共 {made.pages} 页" in plain(done.params["text"])
    assert took < 60
    text = plain(answer.params["text"])
    assert "第三十条" in text and "页" in text
    assert re.search(r"《信访工作条例》第三十条 第 \d+(–\d+)? 页", text), text
    assert "信访工作条例.pdf" in corpus_files(corpus)
    assert fake.refusals == []


async def test_the_same_document_in_another_collection_is_not_kept_twice_unasked(
    fake: FakeBotAPI, corpus: Path
) -> None:
    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(sent_file(fake, (LIBRARY / LAW).read_bytes(), "监察法.txt"))  # no caption
        asked = await reply_saying(fake, "已在资料库中", since)
        since = len(fake.calls)
        fake.push(press(asked, button_data(asked, "另存一份"), ADMIN))
        kept = await reply_saying(fake, "已加入《中华人民共和国监察法》", since)
    finally:
        await stop_bot(application)
    assert f"法律/{LAW}" in plain(asked.params["text"])
    assert "未分类" in plain(kept.params["text"])  # where it went, and how to file it
    files = corpus_files(corpus)
    assert f"法律/{LAW}" in files and "中华人民共和国监察法.txt" in files
    assert fake.refusals == []


async def test_why_a_file_cannot_be_read_is_said_in_chinese(
    fake: FakeBotAPI, corpus: Path
) -> None:
    pytest.importorskip("reportlab")
    from tests.auxil.make_pdf import scanned_pdf

    application = await running(fake, corpus)
    try:
        since = len(fake.calls)
        fake.push(sent_file(fake, scanned_pdf(), "扫描件.pdf"))
        scan = await reply_saying(fake, "无法读取", since)
        since = len(fake.calls)
        fake.push(sent_file(fake, b"", "空.txt"))
        empty = await reply_saying(fake, "无法读取", since)
    finally:
        await stop_bot(application)
    assert plain(scan.params["text"]) == (
        "❌ 无法读取 扫描件.pdf：这是扫描件，没有文字层：请先做文字识别（OCR），再发送"
        "\n资料库没有改变。"
    )
    assert plain(empty.params["text"]) == "❌ 无法读取 空.txt：文件是空的\n资料库没有改变。"
    assert fake.refusals == []


@pytest.mark.parametrize("data", ["s:ad:-100777", "s:pd:-100777", "s:x:-100777", "s:b:-100777"])
async def test_a_forged_scope_button_is_stale_and_changes_nothing(
    fake: FakeBotAPI, corpus: Path, data: str
) -> None:
    application = await running(fake, corpus)
    try:
        opened = await ask(fake, {"message": message("/scope -100777", ADMIN_CHAT, ADMIN)})
        since = len(fake.calls)
        answer = await ask(fake, press(opened, data, ADMIN), "answerCallbackQuery")
        await asyncio.sleep(0.3)
    finally:
        await stop_bot(application)
    assert answer.params["text"] == "这个按钮已过期，请重新提问。"
    assert application.bot_data["services"].stats["errors"] == 0
    assert not fake.sent("setMyDescription", since)  # no collection turned private or public
    assert not fake.sent("editMessageText", since)
