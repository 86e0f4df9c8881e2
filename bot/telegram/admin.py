"""Access and operations in Telegram: the allow-list gate, /stats, /reload and the
corpus watcher that swaps in a new index without downtime."""

from __future__ import annotations

import asyncio
import html
import logging
import time
from pathlib import Path

from telegram import Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.config import Settings
from bot.measure import percentile
from bot.render import shorten_middle
from bot.search import indexfile
from bot.search.build import corpus_changed, open_searcher
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
from bot.telegram.scope import publish_description

log = logging.getLogger(__name__)


def allowed(settings: Settings, update: Update) -> bool:
    """Whether the allow-lists (if any) admit this update's user or chat; admins always."""
    users, chats = settings.allowed_user_ids, settings.allowed_chat_ids
    user, chat = update.effective_user, update.effective_chat
    if (not users and not chats) or is_admin(settings, user):
        return True
    return bool((user and user.id in users) or (chat and chat.id in chats))


def asks_own_id(update: Update) -> bool:
    """/id in a private chat: anyone may learn their own id, to ask the owner for access."""
    message, chat = update.message, update.effective_chat
    text = message.text if message is not None and message.text else ""
    return is_private(chat) and text.split(" ")[0] == "/id"


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: counts updates, and stops those the allow-lists refuse
    (each refused user or chat is told once, politely, then ignored)."""
    service = services(context)
    service.stats["updates"] += 1
    if service.stats["updates"] % 1000 == 0:
        service.forget_idle()
    if allowed(service.settings, update) or asks_own_id(update):
        return
    service.stats["refused"] += 1
    user, chat = update.effective_user, update.effective_chat
    key = user.id if user else (chat.id if chat else 0)
    if key not in service.told_not_allowed and (update.message or update.callback_query):
        service.told_not_allowed.add(key)
        if (query := update.callback_query) is not None:
            notice = say(lang_of(update), "not_allowed")
            await with_retries(lambda: query.answer(notice))
        else:
            await send(update, context, say(lang_of(update), "not_allowed"))
    raise ApplicationHandlerStop


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins only, in a private chat): what the bot has done since it started,
    and the questions that found no answer."""
    service = services(context)
    lang = lang_of(update)
    user = update.effective_user
    if not is_private(update.effective_chat):
        return  # what users asked is for the owner's eyes, not a group's
    if not is_admin(service.settings, user):
        await send(update, context, say(lang, "admins_only"))
        return
    up = int(time.time() - service.started_at)
    latencies = list(service.latencies)
    text = say(
        lang,
        "stats",
        uptime=f"{up // 86400}d {up % 86400 // 3600}h {up % 3600 // 60}m",
        passages=len(service.searcher),
        p50=percentile(latencies, 0.5) * 1000,
        p95=percentile(latencies, 0.95) * 1000,
        **{
            k: service.stats[k]
            for k in ("updates", "answered", "empty", "inline", "limited", "refused", "errors")
        },
    )
    await send(update, context, text + await unanswered_text(service, lang))


UNANSWERED_SHOWN = 10


async def unanswered_text(service: Services, lang: str) -> str:
    """The most frequent questions of the last 7 days that got no answer, counted."""
    if service.unanswered is None:
        return say(lang, "unanswered_off")
    top = await asyncio.to_thread(service.unanswered.top, UNANSWERED_SHOWN)
    if not top:
        return say(lang, "unanswered_none")
    lines = "\n".join(f"{count} × {html.escape(shorten_middle(q, 40))}" for q, count in top)
    return say(lang, "unanswered", lines=lines)


ID_REPLY_SECONDS = 60  # an /id reply in a group is deleted after this long


async def id_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/id: the sender's user id and the chat's id, for ADMIN_IDS and the allow-lists.
    In a private chat anyone may ask; in a group only an admin, who gets them privately
    (or, before opening a private chat, as a reply the bot deletes a minute later)."""
    user, chat, lang = update.effective_user, update.effective_chat, lang_of(update)
    if user is None or chat is None:
        return
    text = say(lang, "ids", user_id=user.id, chat_id=chat.id, chat_type=chat.type)
    if is_private(chat):
        await send(update, context, text)
        return
    if not is_admin(services(context).settings, user):
        return
    try:
        await with_retries(lambda: context.bot.send_message(user.id, text))
    except Forbidden:
        sent = await send(update, context, text)
        if sent is not None:
            asyncio.get_running_loop().create_task(delete_later(sent, ID_REPLY_SECONDS))


async def delete_later(message: Message, seconds: float) -> None:
    """Delete one of the bot's messages after `seconds`."""
    await asyncio.sleep(seconds)
    try:
        await message.delete()
    except TelegramError as error:
        log.info("Could not delete the /id reply: %s", error)


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins in ADMIN_IDS only): re-read the corpus and swap in the new index."""
    lang = lang_of(update)
    user = update.effective_user
    if not is_admin(services(context).settings, user):
        if is_private(update.effective_chat):
            await send(update, context, say(lang, "admins_only"))
        return
    await send(update, context, say(lang, "reloading"))
    await send(update, context, await reload_index(context.application, lang, rebuild=True))


async def reload_index(application: Application, lang: str = "zh", rebuild: bool = False) -> str:
    """Load or rebuild the index in a worker thread and swap it in; questions are answered
    from the old one meanwhile, and a failed rebuild leaves the old one in place.
    Returns a line for the admin.
    """
    service: Services = application.bot_data["services"]
    async with service.reload_lock:
        began = time.perf_counter()
        try:
            opened = await asyncio.to_thread(open_searcher, service.settings, False, rebuild)
        except Exception as error:  # whatever broke, the old index keeps serving
            log.error("Reload failed; keeping the previous index", exc_info=error)
            return say(lang, "reload_failed", reason=html.escape(str(error)[:300]))
        service.searcher, service.corpus = opened.searcher, opened.corpus
        seconds = time.perf_counter() - began
        await publish_description(application)  # the titles anyone may see have changed
        log.info("Swapped in the index (%s) in %.1f s", opened.reason, seconds)
        return say(
            lang,
            "reloaded",
            documents=len(opened.searcher.store.docs),
            passages=len(opened.searcher),
            how=say(lang, "how_loaded" if opened.loaded else "how_built"),
            seconds=seconds,
        )


async def watch_corpus(application: Application) -> None:
    """Every RELOAD_INTERVAL seconds, re-index when a corpus file was added, changed or
    removed. A corpus folder that is gone or emptied is one warning when that happens
    (the index in memory keeps serving), not a failed rebuild a minute."""
    service: Services = application.bot_data["services"]
    missing = False
    while True:
        await asyncio.sleep(service.settings.reload_interval)
        folder = service.settings.corpus_dir
        gone = not await asyncio.to_thread(has_files, folder)
        if gone:
            if not missing:
                log.warning(
                    "The corpus folder %s is missing or empty (CORPUS_DIR); still serving "
                    "the index in memory",
                    folder,
                )
            missing = True
            continue
        if missing:
            log.info("The corpus folder %s is back; checking it for changes", folder)
            missing = False
        try:
            if service.corpus is None:
                service.corpus = await asyncio.to_thread(indexfile.corpus_state, folder)
                continue
            changed = await asyncio.to_thread(corpus_changed, service.settings, service.corpus)
        except OSError as error:
            log.warning("Could not check the corpus for changes: %s", error)
            continue
        if changed:
            log.info("The corpus changed; re-indexing")
            await reload_index(application)


def hidden(relative: Path) -> bool:
    """Whether a path inside the corpus is hidden (it or a folder above it starts with .)."""
    return any(part.startswith(".") for part in relative.parts)


def has_files(folder: Path) -> bool:
    """Whether `folder` exists and holds a document: a file, in any subfolder, that is
    not hidden (the default index lives in `<corpus>/.index`)."""
    try:
        return folder.is_dir() and any(
            path.is_file()
            and not any(part.startswith(".") for part in path.relative_to(folder).parts)
            for path in folder.rglob("*")
        )
    except OSError:
        return False
