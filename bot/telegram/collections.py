"""/scope: which collections a group or channel searches, and which collections are
private. The menu goes to the admin's private chat (its names are for admins' eyes, not
a group's), its buttons carry the chat they set, and every press is checked against
ADMIN_IDS."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.render import shorten_middle
from bot.telegram.admin import delete_later
from bot.telegram.library import admin_press, collection_label, edit, tag
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

NOTICE_SECONDS = 60  # a /scope notice in a group or channel is deleted after this long
BINDINGS = ("b", "p", "a", "d")  # s:<action>: bind one, make private, unbind all, done


def chat_id_of(text: str) -> int | None:
    """A chat id as /id shows it (-1001234567890, 1001), else None."""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdecimal()) or not 1 <= len(digits) <= 16:
        return None
    return -int(digits) if text.startswith("-") else int(digits)


def scope_keyboard(service: Services, chat_id: int, lang: str) -> InlineKeyboardMarkup:
    """The collections as toggles (✅: this chat searches it), each with 🔒/🌐 (private or
    not, for every chat), then 不限 and 完成."""
    bound, private = service.scopes.bound(chat_id), service.scopes.private()
    rows = []
    for name in service.searcher.collections():
        label = shorten_middle(collection_label(name, lang), 20)
        rows.append(
            [
                InlineKeyboardButton(
                    f"{'✅' if name in bound else '▫️'} {label}",
                    callback_data=f"s:b:{chat_id}:{tag(name)}",
                ),
                InlineKeyboardButton(
                    "🔒" if name in private else "🌐", callback_data=f"s:p:{chat_id}:{tag(name)}"
                ),
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(say(lang, "scope_clear"), callback_data=f"s:a:{chat_id}"),
            InlineKeyboardButton(say(lang, "scope_done"), callback_data=f"s:d:{chat_id}"),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def scope_text(
    context: ContextTypes.DEFAULT_TYPE, service: Services, chat_id: int, lang: str
) -> str:
    """The menu's text: which chat it sets, and what that chat searches now."""
    try:
        chat = await with_retries(lambda: context.bot.get_chat(chat_id))
        name = chat.title or chat.username or str(chat_id)
    except TelegramError:
        name = str(chat_id)
    return say(
        lang,
        "scope_title",
        chat=html.escape(name),
        chat_id=chat_id,
        state=scope_state(service, chat_id, lang),
    )


def scope_state(service: Services, chat_id: int, lang: str) -> str:
    """What the chat searches, in one line."""
    bound = sorted(service.scopes.bound(chat_id))
    if not bound:
        return say(lang, "scope_unbound")
    names = "、".join(html.escape(collection_label(name, lang)) for name in bound)
    return say(lang, "scope_bound", names=names)


async def scope_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/scope in a group: the menu for it, sent to the admin privately (others get
    silence). In a channel (whose posts name no sender): a notice to send
    `/scope <chat id>` privately. In a private chat: `/scope <chat id>` opens that chat's
    menu."""
    service, lang, chat = services(context), lang_of(update), update.effective_chat
    user = update.effective_user
    if chat is None:
        return
    if chat.type == ChatType.CHANNEL:
        await notice(update, context, say(lang, "scope_channel", chat_id=chat.id))
        return
    if not is_admin(service.settings, user):
        if is_private(chat):
            await send(update, context, say(lang, "admins_only"))
        return
    assert user is not None
    target = chat.id
    if is_private(chat):
        target_id = chat_id_of((context.args or [""])[0])
        if target_id is None:
            await send(update, context, say(lang, "scope_private"))
            return
        target = target_id
    if service.searcher.collections() == [""]:
        await send_to(context, user.id, say(lang, "scope_no_collections"))
        return
    text = await scope_text(context, service, target, lang)
    keyboard = scope_keyboard(service, target, lang)
    if is_private(chat):
        await send(update, context, text, keyboard)
        return
    try:
        await send_to(context, user.id, text, keyboard)
    except (Forbidden, BadRequest):
        url = f"https://t.me/{context.bot.username}?start=scope"
        await notice(update, context, say(lang, "scope_open_private", url=url))


async def send_to(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Send a message to one chat (an admin's private chat)."""
    await with_retries(lambda: context.bot.send_message(chat_id, text, reply_markup=keyboard))


async def notice(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A reply in a group or channel that the bot deletes a minute later."""
    sent = await send(update, context, text)
    if sent is not None:
        asyncio.get_running_loop().create_task(delete_later(sent, NOTICE_SECONDS))


async def chat_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup (a new chat id): its collections go with it."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    service = services(context)
    await asyncio.to_thread(service.scopes.move, message.chat.id, message.migrate_to_chat_id)
    log.info(
        "Chat %s moved to a new id; its collections went with it",
        service.pseudonym(message.chat.id),
    )


async def scope_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on the menu: s:b:<chat>:<tag> has the chat search a collection or not,
    s:p:<chat>:<tag> makes a collection private or public, s:a:<chat> unbinds the chat,
    s:d:<chat> closes the menu."""
    pressed = await admin_press(update, context)
    if pressed is None:
        return
    query, service, lang, message = pressed
    parts = (query.data or "").split(":")
    chat_id = int(parts[2]) if len(parts) >= 3 and parts[2].lstrip("-").isdigit() else None
    names = {tag(name): name for name in service.searcher.collections()}
    name = names.get(parts[3]) if len(parts) == 4 else None
    action = parts[1] if len(parts) > 1 else ""
    if chat_id is None or (action in ("b", "p") and name is None) or action not in BINDINGS:
        await with_retries(lambda: query.answer(say(lang, "stale_button")))
        return
    await with_retries(query.answer)
    if action == "d":
        state = scope_state(service, chat_id, lang)
        await edit(context, message, say(lang, "scope_saved", state=state))
        return
    if action == "a":
        await asyncio.to_thread(service.scopes.bind, chat_id, ())
    elif action == "b" and name is not None:
        bound = set(service.scopes.bound(chat_id)) ^ {name}
        await asyncio.to_thread(service.scopes.bind, chat_id, bound)
    elif name is not None:
        private = name not in service.scopes.private()
        await asyncio.to_thread(service.scopes.set_private, name, private)
        await publish_description(context.application)
    log.info(
        "Scope of chat %s changed by admin %s: %s",
        service.pseudonym(chat_id), query.from_user.id, query.data,
    )  # fmt: skip
    text = await scope_text(context, service, chat_id, lang)
    await edit(context, message, text, scope_keyboard(service, chat_id, lang))
