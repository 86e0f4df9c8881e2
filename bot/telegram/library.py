"""Managing the library from Telegram: admins add documents by sending them, /docs lists
them, /remove takes one out.

Every button carries what it needs (a staged file's token, a document's or collection's
tag), so it keeps working after a restart.
"""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram import Document as TelegramDocument
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import library
from bot.documents.corpus import collection_of
from bot.documents.readers import REFUSED, described, reader_for
from bot.documents.reading import UnreadableFile
from bot.render import shorten_middle
from bot.search.build import read_limits
from bot.search.searcher import Searcher
from bot.telegram.admin import reload_index
from bot.telegram.callbacks import digest_tag
from bot.telegram.messages import reason_in, say
from bot.telegram.replies import (
    Services,
    is_admin,
    is_private,
    lang_of,
    send,
    services,
    with_retries,
)
from bot.telegram.scope import searcher_for

log = logging.getLogger(__name__)

DOWNLOAD_LIMIT = 20 * 2**20  # bytes: the largest file a bot may download from Telegram
OUTLINE_SHOWN = 12  # top-level headings listed after an upload
TITLE_SHOWN = 60  # characters of a title in the messages about an upload
DOCS_SHOWN = 40  # documents listed by /docs and offered by /remove
DOCS_BUDGET = 3500  # characters of a /docs listing (Telegram takes 4096)
CAPTION_COLLECTION = ("文集：", "文集:", "文集 ", "collection:", "collection：", "collection ")
TAG_BYTES = 4


def tag(text: str) -> str:
    """Eight hex digits naming a document path or a collection in a button."""
    return digest_tag(text, TAG_BYTES)


async def admin_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[CallbackQuery, Services, str, Message] | None:
    """A press on one of the admins' buttons: the query, services, language and pressed
    message; None (the presser told so) when the presser is no admin."""
    query = update.callback_query
    if query is None:
        return None
    service, lang = services(context), lang_of(update)
    message = query.message if isinstance(query.message, Message) else None
    if not is_admin(service.settings, query.from_user) or message is None:
        await with_retries(lambda: query.answer(say(lang, "admins_only")))
        return None
    return query, service, lang, message


def file_tag(service: Services, path: str) -> str:
    """A document file's tag: its path and when it last changed, so a confirmation made
    for one version never removes the next."""
    try:
        changed = library.inside(service.settings.corpus_dir, path).stat().st_mtime_ns
    except (OSError, ValueError):
        changed = 0
    return tag(f"{path}\x00{changed}")


def collection_label(name: str, lang: str) -> str:
    """A collection as users see it ("" is the corpus's top folder)."""
    return name or say(lang, "top_folder")


def button(text: str, data: str) -> InlineKeyboardButton:
    """An inline button."""
    return InlineKeyboardButton(text, callback_data=data)


async def edit(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Change one of the bot's messages; a change to nothing new is no error."""
    try:
        await with_retries(
            lambda: context.bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=message.message_id, reply_markup=keyboard
            )
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


# --- adding a document ------------------------------------------------------------------
def collection_from_caption(caption: str | None, collections: list[str]) -> str:
    """The collection a sent file goes to: one its caption names exactly, or after
    文集： (a new one then); else the corpus's top folder."""
    text = (caption or "").strip()
    for prefix in CAPTION_COLLECTION:
        if text.lower().startswith(prefix):
            return text[len(prefix) :].strip()  # made safe, or refused, by library.stage
    return text if text and text in collections else ""


def refusal_of(name: str, size: int, max_bytes: int, lang: str) -> str | None:
    """Why a sent file is refused before it is downloaded, or None to take it."""
    suffix = Path(name).suffix.lower()
    shown = html.escape(shorten_middle(name, 40))
    if suffix in REFUSED:
        return say(lang, "upload_old_word", name=shown)
    if reader_for(Path(f"x{suffix}")) is None:
        return say(lang, "upload_unsupported", name=shown, types=described())
    if size > DOWNLOAD_LIMIT:
        return say(lang, "upload_too_big", size=f"{size / 2**20:.1f}")
    if size > max_bytes:
        return say(lang, "upload_over_limit", size=f"{size / 2**20:.1f}", limit=max_bytes >> 20)
    return None


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent in a private chat: an admin's is checked by type and size, downloaded,
    read, and (after a confirmation when it replaces a document) added and indexed; anyone
    else's is refused politely and never downloaded."""
    service, lang, user = services(context), lang_of(update), update.effective_user
    message = update.effective_message
    document = message.document if message is not None else None
    if document is None or user is None or message is None:
        return
    if not is_admin(service.settings, user):
        await send(update, context, say(lang, "file_not_admin"))
        return
    name = document.file_name or "file"
    max_bytes = service.settings.max_file_mb * 2**20
    refused = refusal_of(name, document.file_size or 0, max_bytes, lang)
    if refused is not None:
        await send(update, context, refused)
        return
    shown = html.escape(shorten_middle(name, 40))
    status = await send(update, context, say(lang, "upload_reading", name=shown))
    if status is None:
        return
    corpus = service.settings.corpus_dir
    token = ""
    try:
        token, path = await asyncio.to_thread(
            library.new_staging, corpus, Path(name).suffix.lower()
        )
        staged = await download_and_stage(context, message, document, token, path, lang)
    except Exception as error:  # whatever failed, the corpus is as it was and the admin told
        if token:
            library.discard(corpus, token)
        log.info("Upload by admin %s not taken: %r (%s)", user.id, name, error)
        await edit(context, status, upload_failure(error, shown, lang))
        return
    log.info(
        "Upload by admin %s: %r, %d bytes, read as %r",
        user.id, name, document.file_size or 0, staged.document.title,
    )  # fmt: skip
    async with service.upload_lock:
        replaces = supersedes(service, staged.target, staged.document.title)
        others = same_title_elsewhere(service, staged.target, staged.document.title)
        if not replaces and not others:
            await add_staged(context, status, token, lang)
            return
    await ask_to_replace(context, status, staged.document.title, replaces, others, token, lang)


async def download_and_stage(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    document: TelegramDocument,
    token: str,
    path: Path,
    lang: str,
) -> library.Staged:
    """Download an admin's file into its staging `path` (refused when the Bot API gives
    it as too large) and read it into the collection its caption names."""
    service = services(context)
    name = document.file_name or "file"
    file = await with_retries(lambda: context.bot.get_file(document.file_id))
    max_bytes = service.settings.max_file_mb * 2**20
    refused = refusal_of(name, file.file_size or 0, max_bytes, lang)  # as the server says
    if refused is not None:
        raise Refused(refused)
    await file.download_to_drive(path)
    collection = collection_from_caption(message.caption, service.searcher.collections())
    corpus, limits = service.settings.corpus_dir, read_limits(service.settings)
    return await asyncio.to_thread(library.stage, corpus, token, path, collection, limits, name)


async def ask_to_replace(
    context: ContextTypes.DEFAULT_TYPE,
    status: Message,
    title: str,
    replaces: list[str],
    others: list[str],
    token: str,
    lang: str,
) -> None:
    """Ask the admin whether the staged document replaces the ones with its title (or,
    when those are in other collections only, whether to keep both)."""
    choices = [button(say(lang, "replace"), f"u:y:{token}")]
    if not replaces:  # the same document in another collection: keep both if wanted
        choices.append(button(say(lang, "keep_both"), f"u:k:{token}"))
    choices.append(button(say(lang, "cancel"), f"u:n:{token}"))
    shown = html.escape(shorten_middle(title, TITLE_SHOWN))
    where = html.escape(shorten_middle(", ".join(replaces + others), 120))
    text = say(lang, "upload_replace", title=shown, path=where)
    await edit(context, status, text, InlineKeyboardMarkup([choices]))


class Refused(Exception):
    """An upload refused with a message for the admin."""


def upload_failure(error: Exception, shown: str, lang: str) -> str:
    """What the admin is told when a sent file is not taken in."""
    if isinstance(error, Refused):
        return str(error)
    if isinstance(error, TelegramError):
        return say(lang, "upload_download_failed", name=shown)
    if isinstance(error, UnreadableFile | ValueError):
        reason = html.escape(shorten_middle(reason_in(lang, str(error)), 300))
        return say(lang, "upload_unreadable", name=shown, reason=reason)
    if isinstance(error, OSError):
        return say(lang, "upload_not_writable")
    return say(lang, "upload_unreadable", name=shown, reason=type(error).__name__)


def same_title_elsewhere(service: Services, target: str, title: str) -> list[str]:
    """The documents of the same title in other collections (the same document kept
    twice would answer every question twice)."""
    here = collection_of(target)
    return [
        doc["path"]
        for doc in service.searcher.store.docs
        if doc["title"] == title and collection_of(doc["path"]) != here
    ]


def supersedes(service: Services, target: str, title: str) -> list[str]:
    """What a new file would replace: the document at its path, any in the same
    collection with the same title, and any other file at its path."""
    here = collection_of(target)
    found = []
    for doc in service.searcher.store.docs:
        path = doc["path"]
        if path == target or (collection_of(path) == here and doc["title"] == title):
            found.append(path)
    if target not in found and library.occupied(service.settings.corpus_dir, target):
        found.append(target)
    return found


async def add_staged(
    context: ContextTypes.DEFAULT_TYPE,
    status: Message,
    token: str,
    lang: str,
    everywhere: bool = False,
) -> None:
    """Put a staged file in the corpus, re-index (the old index answers meanwhile) and
    say what was added: title, passages, pages, and the top-level outline. It replaces
    what stands at its path or has its title in its collection, and with `everywhere`
    the documents of its title in other collections too. Call it holding the upload
    lock, so what it replaces is what was confirmed."""
    service: Services = context.application.bot_data["services"]
    corpus = service.settings.corpus_dir
    found = library.staged(corpus, token)
    if found is None:
        return  # a second press: the first put it in place and says so
    _, target, title = found
    replaces = supersedes(service, target, title)
    if everywhere:
        replaces += same_title_elsewhere(service, target, title)
    shown = html.escape(shorten_middle(title, TITLE_SHOWN))
    await edit(context, status, say(lang, "upload_indexing", title=shown))
    try:
        target = await asyncio.to_thread(library.install, corpus, token, replaces)
    except FileNotFoundError:
        return  # another press put it in place meanwhile, and says so
    except (OSError, ValueError) as error:
        log.error("Could not put an upload in the corpus: %s", error)
        await edit(context, status, say(lang, "upload_not_writable"))
        return
    log.info("Added %s to the corpus (replacing %s)", target, replaces or "nothing")
    outcome = await reload_index(context.application, lang, rebuild=False)
    text = added_text(service.searcher, target, lang)
    if text is None:  # saved, but the index lacks it: the rebuild failed or skipped it
        where = html.escape(target)
        text = say(lang, "upload_saved_not_indexed", path=where, outcome=outcome)
    await edit(context, status, text)


def added_text(searcher: Searcher, path: str, lang: str) -> str | None:
    """What an admin is told once a document answers: its title, passages, pages and
    top-level headings (None when the index lacks it)."""
    store = searcher.store
    doc = next((i for i, meta in enumerate(store.docs) if meta["path"] == path), None)
    if doc is None:
        return None
    begin, end = store.doc_range(doc)
    pages = int(store.last_pages[begin:end].max()) if end > begin else 0
    root = searcher.contents.roots[doc]
    headings = [f"• {html.escape(shorten_middle(c.heading, 30))}" for c in root.children]
    if len(headings) > OUTLINE_SHOWN:
        headings = [*headings[:OUTLINE_SHOWN], "…"]
    folder = collection_of(path)
    return say(
        lang,
        "upload_done",
        title=html.escape(shorten_middle(root.heading, TITLE_SHOWN)),
        passages=end - begin,
        pages=say(lang, "upload_pages", pages=pages) if pages else "",
        path=html.escape(path),
        outline="\n".join(headings) or say(lang, "upload_no_outline"),
    ) + (
        say(lang, "upload_collection", name=html.escape(folder))
        if folder
        else say(lang, "upload_top_folder")
    )


async def upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """替换 / 取消 on a file that would replace a document (u:y:<token>, u:n:<token>)."""
    pressed = await admin_press(update, context)
    if pressed is None:
        return
    query, service, lang, message = pressed
    _, choice, token = (query.data or "").split(":", 2)
    corpus = service.settings.corpus_dir
    if library.staged(corpus, token) is None:  # done, cancelled, expired, or being done
        await with_retries(lambda: query.answer(say(lang, "upload_gone")))
        return
    await with_retries(query.answer)
    if choice == "n":
        library.discard(corpus, token)
        await edit(context, message, say(lang, "upload_cancelled"))
        return
    async with service.upload_lock:
        await add_staged(context, message, token, lang, everywhere=choice == "y")


# --- listing and removing ---------------------------------------------------------------
async def docs_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/docs: the documents this chat searches, by collection; an admin in a private chat
    also sees each file and its passage count."""
    service, lang = services(context), lang_of(update)
    detailed = is_private(update.effective_chat) and is_admin(
        service.settings, update.effective_user
    )
    searcher = service.searcher if detailed else await searcher_for(update, context)
    documents = searcher.contents.documents()
    if not documents:
        await send(update, context, say(lang, "docs_none"))
        return
    lines = [say(lang, "docs_title", count=len(documents))]
    current, shown = None, 0
    for doc, root in documents:
        if shown == DOCS_SHOWN or sum(len(line) + 1 for line in lines) > DOCS_BUDGET:
            break
        path = searcher.store.docs[doc]["path"]
        folder = collection_of(path)
        if folder != current and len(searcher.collections()) > 1:
            lines.append(f"\n📁 <b>{html.escape(collection_label(folder, lang))}</b>")
            current = folder
        line = f"• 《{html.escape(shorten_middle(root.heading, TITLE_SHOWN))}》"
        if detailed:
            begin, end = searcher.store.doc_range(doc)
            count = say(lang, "docs_passages", count=end - begin)
            line += f"\n  <code>{html.escape(shorten_middle(path, 80))}</code> · {count}"
        lines.append(line)
        shown += 1
    if shown < len(documents):
        lines.append(say(lang, "docs_more", count=len(documents) - shown))
    await send(update, context, "\n".join(lines))


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove [words] (admins, private chat): a button per document (those whose title
    holds the words), then a confirmation."""
    service, lang = services(context), lang_of(update)
    if not is_private(update.effective_chat):
        return
    if not is_admin(service.settings, update.effective_user):
        await send(update, context, say(lang, "admins_only"))
        return
    words = " ".join(context.args or []).strip()
    docs = [meta for meta in service.searcher.store.docs if not words or words in meta["title"]]
    if not docs:
        await send(update, context, say(lang, "remove_none"))
        return
    rows = [
        [button(shorten_middle(meta["title"], 30), f"x:{file_tag(service, meta['path'])}")]
        for meta in docs[:DOCS_SHOWN]
    ]
    more = say(lang, "remove_more", count=len(docs) - DOCS_SHOWN) if len(docs) > DOCS_SHOWN else ""
    await send(update, context, say(lang, "remove_pick") + more, InlineKeyboardMarkup(rows))


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document picked for removal (x:<tag>), confirmed (x:y:<tag>) or not (x:n)."""
    pressed = await admin_press(update, context)
    if pressed is None:
        return
    query, service, lang, message = pressed
    parts = (query.data or "").split(":")
    await with_retries(query.answer)
    if parts[1] == "n":
        await edit(context, message, say(lang, "remove_cancelled"))
        return
    wanted = parts[-1]
    docs = service.searcher.store.docs
    meta = next((m for m in docs if file_tag(service, m["path"]) == wanted), None)
    if meta is None:
        await edit(context, message, say(lang, "remove_gone"))
        return
    title, path = html.escape(meta["title"]), html.escape(meta["path"])
    if parts[1] != "y":
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(say(lang, "remove_yes"), f"x:y:{wanted}"),
                    button(say(lang, "cancel"), "x:n"),
                ]
            ]
        )
        await edit(context, message, say(lang, "remove_confirm", title=title, path=path), keyboard)
        return
    try:
        await asyncio.to_thread(library.remove, service.settings.corpus_dir, meta["path"])
    except (OSError, ValueError) as error:
        await edit(context, message, say(lang, "remove_failed", reason=html.escape(str(error))))
        return
    log.info("Removed %s from the corpus (by admin %s)", meta["path"], query.from_user.id)
    outcome = await reload_index(context.application, lang, rebuild=False)
    await edit(context, message, say(lang, "removed", title=title, outcome=outcome))
