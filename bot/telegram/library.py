"""Managing the library from Telegram: admins add documents by sending them (/docs lists
them, /remove takes one out) and bind a group or channel to collections (/scope).

Every button carries what it needs (a staged file's token, a document's or collection's
tag), so it keeps working after a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import library
from bot.documents.readers import REFUSED, described, reader_for
from bot.documents.reading import UnreadableFile
from bot.render import shorten_middle
from bot.search.build import read_limits
from bot.search.searcher import Searcher
from bot.telegram.admin import reload_index
from bot.telegram.messages import say
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
DOCS_SHOWN = 40  # documents listed by /docs and offered by /remove
CAPTION_COLLECTION = ("文集：", "文集:", "collection:", "collection：")
TAG_BYTES = 4


def tag(text: str) -> str:
    """Eight hex digits naming a document path or a collection in a button."""
    return hashlib.blake2b(text.encode(), digest_size=TAG_BYTES).hexdigest()


def collection_label(name: str, lang: str) -> str:
    """A collection as users see it ("" is the corpus's top folder)."""
    return name or say(lang, "top_folder")


def collection_button(name: str, lang: str) -> str:
    """A collection's name on a button."""
    return shorten_middle(collection_label(name, lang), 20)


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
            return library.safe_name(text[len(prefix) :].strip(), "")
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
    if document is None or user is None:
        return
    if not is_admin(service, user):
        await send(update, context, say(lang, "file_not_admin"))
        return
    name = document.file_name or "file"
    settings = service.settings
    refused = refusal_of(name, document.file_size or 0, settings.max_file_mb * 2**20, lang)
    if refused is not None:
        await send(update, context, refused)
        return
    shown = html.escape(shorten_middle(name, 40))
    status = await send(update, context, say(lang, "upload_reading", name=shown))
    if status is None:
        return
    corpus = settings.corpus_dir
    try:
        suffix = Path(name).suffix.lower()
        token, path = await asyncio.to_thread(library.new_staging, corpus, suffix)
    except OSError as error:
        log.error("Cannot store uploads in the corpus folder %s: %s", corpus, error)
        await edit(context, status, say(lang, "upload_not_writable"))
        return
    try:
        file = await with_retries(lambda: context.bot.get_file(document.file_id))
        await file.download_to_drive(path)
    except TelegramError as error:
        library.discard(corpus, token)
        log.warning("Could not download an upload: %s", error)
        await edit(context, status, say(lang, "upload_download_failed", name=shown))
        return
    collection = collection_from_caption(message.caption, service.searcher.collections())
    try:
        staged = await asyncio.to_thread(
            library.stage, corpus, token, path, collection, read_limits(settings)
        )
    except (UnreadableFile, OSError, ValueError) as error:
        library.discard(corpus, token)
        log.info("Upload by admin %s refused: %s (%s)", user.id, name, error)
        reason = html.escape(str(error))
        await edit(context, status, say(lang, "upload_unreadable", name=shown, reason=reason))
        return
    log.info(
        "Upload by admin %s: %r, %d bytes, read as %r",
        user.id, name, document.file_size or 0, staged.document.title,
    )  # fmt: skip
    replaces = superseded(service.searcher, staged.target, staged.document.title)
    if replaces:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(say(lang, "replace"), f"u:y:{token}"),
                    button(say(lang, "cancel"), f"u:n:{token}"),
                ]
            ]
        )
        title = html.escape(staged.document.title)
        where = html.escape(", ".join(replaces))
        await edit(context, status, say(lang, "upload_replace", title=title, path=where), keyboard)
        return
    await add_staged(context, status, token, lang)


def superseded(searcher: Searcher, target: str, title: str) -> list[str]:
    """The documents a new file would replace: the one at its path, and any in the same
    collection with the same title."""
    folder = target.rsplit("/", 1)[0] if "/" in target else ""
    found = []
    for doc in searcher.store.docs:
        path = doc["path"]
        same_folder = (path.rsplit("/", 1)[0] if "/" in path else "") == folder
        if path == target or (same_folder and doc["title"] == title):
            found.append(path)
    return found


async def add_staged(
    context: ContextTypes.DEFAULT_TYPE, status: Message, token: str, lang: str
) -> None:
    """Put a staged file in the corpus, re-index (the old index answers meanwhile) and
    say what was added: title, passages, pages, and the top-level outline."""
    service: Services = context.application.bot_data["services"]
    corpus = service.settings.corpus_dir
    found = library.staged(corpus, token)
    if found is None:
        await edit(context, status, say(lang, "upload_gone"))
        return
    _, target, title = found
    replaces = superseded(service.searcher, target, title)
    await edit(context, status, say(lang, "upload_indexing", title=html.escape(title)))
    try:
        target = await asyncio.to_thread(library.install, corpus, token, replaces)
    except (OSError, ValueError) as error:
        log.error("Could not put an upload in the corpus: %s", error)
        await edit(context, status, say(lang, "upload_not_writable"))
        return
    log.info("Added %s to the corpus (replacing %s)", target, replaces or "nothing")
    outcome = await reload_index(context.application, lang, rebuild=False)
    await edit(context, status, added_text(service.searcher, target, lang) or outcome)


def added_text(searcher: Searcher, path: str, lang: str) -> str | None:
    """What an admin is told once a document answers: its title, passages, pages and
    top-level headings (None when the index lacks it: its reload failed)."""
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
    return say(
        lang,
        "upload_done",
        title=html.escape(root.heading),
        passages=end - begin,
        pages=say(lang, "upload_pages", pages=pages) if pages else "",
        path=html.escape(path),
        outline="\n".join(headings) or say(lang, "upload_no_outline"),
    )


async def upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """替换 / 取消 on a file that would replace a document (u:y:<token>, u:n:<token>)."""
    query = update.callback_query
    service, lang = services(context), lang_of(update)
    if not is_admin(service, query.from_user):
        await with_retries(lambda: query.answer(say(lang, "admins_only")))
        return
    _, choice, token = (query.data or "").split(":", 2)
    message = query.message if isinstance(query.message, Message) else None
    await with_retries(query.answer)
    if message is None:
        return
    if choice == "n":
        library.discard(service.settings.corpus_dir, token)
        await edit(context, message, say(lang, "upload_cancelled"))
        return
    await add_staged(context, message, token, lang)


# --- listing and removing ---------------------------------------------------------------
async def docs_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/docs: the documents this chat searches, by collection; an admin in a private chat
    also sees each file and its passage count."""
    service, lang = services(context), lang_of(update)
    searcher = await searcher_for(update, context)
    detailed = is_private(update.effective_chat) and is_admin(service, update.effective_user)
    documents = searcher.contents.documents()
    if not documents:
        await send(update, context, say(lang, "docs_none"))
        return
    lines = [say(lang, "docs_title", count=len(documents))]
    current = None
    for doc, root in documents[:DOCS_SHOWN]:
        path = searcher.store.docs[doc]["path"]
        folder = path.rsplit("/", 1)[0].split("/")[0] if "/" in path else ""
        if folder != current and len(searcher.collections()) > 1:
            lines.append(f"\n📁 <b>{html.escape(collection_label(folder, lang))}</b>")
            current = folder
        line = f"• 《{html.escape(root.heading)}》"
        if detailed:
            begin, end = searcher.store.doc_range(doc)
            line += f"\n  <code>{html.escape(path)}</code> · {end - begin}"
        lines.append(line)
    if len(documents) > DOCS_SHOWN:
        lines.append(say(lang, "docs_more", count=len(documents) - DOCS_SHOWN))
    await send(update, context, "\n".join(lines))


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove [words] (admins, private chat): a button per document (those whose title
    holds the words), then a confirmation."""
    service, lang = services(context), lang_of(update)
    if not is_private(update.effective_chat):
        return
    if not is_admin(service, update.effective_user):
        await send(update, context, say(lang, "admins_only"))
        return
    words = " ".join(context.args or []).strip()
    docs = [meta for meta in service.searcher.store.docs if not words or words in meta["title"]]
    if not docs:
        await send(update, context, say(lang, "remove_none"))
        return
    rows = [
        [button(shorten_middle(meta["title"], 30), f"x:{tag(meta['path'])}")]
        for meta in docs[:DOCS_SHOWN]
    ]
    more = say(lang, "remove_more", count=len(docs) - DOCS_SHOWN) if len(docs) > DOCS_SHOWN else ""
    await send(update, context, say(lang, "remove_pick") + more, InlineKeyboardMarkup(rows))


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document picked for removal (x:<tag>), confirmed (x:y:<tag>) or not (x:n)."""
    query = update.callback_query
    service, lang = services(context), lang_of(update)
    message = query.message if isinstance(query.message, Message) else None
    if not is_admin(service, query.from_user) or message is None:
        await with_retries(lambda: query.answer(say(lang, "admins_only")))
        return
    parts = (query.data or "").split(":")
    await with_retries(query.answer)
    if parts[1] == "n":
        await edit(context, message, say(lang, "remove_cancelled"))
        return
    wanted = parts[-1]
    meta = next((m for m in service.searcher.store.docs if tag(m["path"]) == wanted), None)
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


# --- binding a chat to collections ------------------------------------------------------
def scope_view(service: Services, chat_id: int, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The chat's collections as toggles (✅ searched), each with 🔒/🌐 (private or not)."""
    collections = service.searcher.collections()
    bound, private = service.scopes.bound(chat_id), service.scopes.private()
    rows = [
        [
            button(
                f"{'✅' if name in bound else '▫️'} {collection_button(name, lang)}",
                f"s:b:{tag(name)}",
            ),
            button("🔒" if name in private else "🌐", f"s:p:{tag(name)}"),
        ]
        for name in collections
    ]
    rows.append([button(say(lang, "scope_clear"), "s:a"), button(say(lang, "scope_done"), "s:d")])
    return say(
        lang, "scope_title", state=scope_state(service, chat_id, lang)
    ), InlineKeyboardMarkup(rows)


def scope_state(service: Services, chat_id: int, lang: str) -> str:
    """What the chat searches, in one line."""
    bound = sorted(service.scopes.bound(chat_id))
    if not bound:
        return say(lang, "scope_unbound")
    names = "、".join(html.escape(collection_label(name, lang)) for name in bound)
    return say(lang, "scope_bound", names=names)


async def scope_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/scope in a group or channel: which collections it searches, as buttons. In a group
    only an admin gets them (others, silence); in a channel only admins can post, and
    every press is checked against ADMIN_IDS."""
    service, lang, chat = services(context), lang_of(update), update.effective_chat
    if chat is None:
        return
    if is_private(chat):
        await send(update, context, say(lang, "scope_private"))
        return
    if chat.type != ChatType.CHANNEL and not is_admin(service, update.effective_user):
        return
    if service.searcher.collections() == [""]:
        await send(update, context, say(lang, "scope_no_collections"))
        return
    text, keyboard = scope_view(service, chat.id, lang)
    await send(update, context, text, keyboard)


async def scope_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on /scope's buttons: s:b:<tag> searches a collection here or not,
    s:p:<tag> makes it private or not, s:a unbinds, s:d is done."""
    query = update.callback_query
    service, lang = services(context), lang_of(update)
    message = query.message if isinstance(query.message, Message) else None
    if not is_admin(service, query.from_user) or message is None:
        await with_retries(lambda: query.answer(say(lang, "admins_only")))
        return
    chat_id = message.chat.id
    parts = (query.data or "").split(":")
    names = {tag(name): name for name in service.searcher.collections()}
    name = names.get(parts[-1]) if len(parts) == 3 else None
    if parts[1] == "d":
        await with_retries(query.answer)
        await edit(
            context, message, say(lang, "scope_saved", state=scope_state(service, chat_id, lang))
        )
        return
    if parts[1] == "a":
        await asyncio.to_thread(service.scopes.bind, chat_id, ())
    elif parts[1] == "b" and name is not None:
        bound = set(service.scopes.bound(chat_id)) ^ {name}
        await asyncio.to_thread(service.scopes.bind, chat_id, bound)
    elif parts[1] == "p" and name is not None:
        private = name not in service.scopes.private()
        await asyncio.to_thread(service.scopes.set_private, name, private)
    else:
        await with_retries(lambda: query.answer(say(lang, "stale_button")))
        return
    log.info(
        "Scope of chat %s changed by admin %s: %s",
        service.pseudonym(chat_id),
        query.from_user.id,
        query.data,
    )
    await with_retries(query.answer)
    text, keyboard = scope_view(service, chat_id, lang)
    await edit(context, message, text, keyboard)
