"""Which part of the library an update searches: a group's or channel's collections, or
for a person (private chat, inline) the public collections and the private ones of the
groups they are a member of (asked of Telegram with getChatMember, kept for minutes)."""

from __future__ import annotations

import html
import logging
import time
from functools import partial

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.scopes import chat_scope, reader_scope
from bot.search.searcher import Searcher
from bot.telegram.messages import say
from bot.telegram.replies import Services, is_private, services, with_retries
from bot.telegram.views import library_name

log = logging.getLogger(__name__)

MEMBERSHIP_SECONDS = 300.0  # how long a getChatMember answer is trusted
MEMBER = {ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER}


async def searcher_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Searcher:
    """The library as this update's chat (or, in a private chat and inline, its sender)
    may search it."""
    service = services(context)
    library = service.searcher
    private = service.scopes.private()
    query = update.callback_query
    chat = query.message.chat if query is not None and query.message else update.effective_chat
    collections = library.collections()
    if chat is not None and not is_private(chat):
        bound = service.scopes.bound(chat.id)
        if not bound and not private:
            return library
        return library.scoped(chat_scope(collections, bound, private))
    if not private:
        return library
    user = update.effective_user
    member_of = set()
    for collection in private & set(collections):
        chats = service.scopes.chats_of(collection)
        if user is not None and await member_of_any(context, service, chats, user.id):
            member_of.add(collection)
    return library.scoped(reader_scope(collections, private, member_of))


def public_library(service: Services) -> Searcher:
    """The library as anyone may see it: every collection that is not private (what the
    bot's public description names)."""
    library = service.searcher
    return library.scoped(set(library.collections()) - service.scopes.private())


async def publish_description(application: Application) -> None:
    """Set the bot's public description (Chinese, and English for English-speaking users)
    from what anyone may see: called at start, after a re-index and whenever a collection
    turns private or public, so a private collection's titles never stay in it."""
    service: Services = application.bot_data["services"]
    library = public_library(service)
    for lang, code in (("zh", None), ("en", "en")):
        named = html.unescape(library_name(library, lang))
        text = say(lang, "description", library=named)[:512]
        try:
            await with_retries(partial(application.bot.set_my_description, text, code))
        except TelegramError as error:
            log.warning("Could not set the bot's description: %s", error)


async def member_of_any(
    context: ContextTypes.DEFAULT_TYPE, service: Services, chats: list[int], user_id: int
) -> bool:
    """Whether the user is a member of one of the chats."""
    for chat_id in chats:
        if await is_member(context, service, chat_id, user_id):
            return True
    return False


async def is_member(
    context: ContextTypes.DEFAULT_TYPE, service: Services, chat_id: int, user_id: int
) -> bool:
    """Whether the user is a member of the chat, as Telegram said within the last
    MEMBERSHIP_SECONDS; a chat the bot cannot see counts as not."""
    now = time.monotonic()
    known = service.memberships.get((chat_id, user_id))
    if known is not None and now - known[1] < MEMBERSHIP_SECONDS:
        return known[0]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
        belongs = member.status in MEMBER or (
            member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
        )
    except TelegramError as error:
        log.info("Could not check membership of chat %s: %s", service.pseudonym(chat_id), error)
        belongs = False
    service.memberships[(chat_id, user_id)] = (belongs, now)
    return belongs
