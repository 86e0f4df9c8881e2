"""The Telegram handlers users meet: commands, questions in private chats, groups and
channels, buttons, inline mode, and the one error handler. No search logic here."""

from __future__ import annotations

import html
import logging
import time

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.models import Hit
from bot.render import (
    TELEGRAM_TEXT_LIMIT,
    html_heading_path,
    html_quote,
    shorten_middle,
    telegram_passages,
    utf16_len,
)
from bot.telegram.messages import say
from bot.telegram.replies import (
    lang_of,
    question_data,
    reply_with_answer,
    send,
    services,
    with_retries,
)

log = logging.getLogger(__name__)

INLINE_PAGE = 20  # results per inline answer (Telegram allows 50)
SNIPPET_CHARS = 80


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """In a group: the question of a message meant for this bot, else None.

    A message is meant for the bot when it mentions @username (the mention is removed
    from the question) or replies to one of the bot's messages.
    """
    text = message.text or ""
    for entity in message.entities:
        mentioned = (
            entity.type == MessageEntity.MENTION
            and message.parse_entity(entity).lower() == f"@{username.lower()}"
        ) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
        )
        if mentioned:
            return text.replace(message.parse_entity(entity), " ").strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return None


# --- handlers ---------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, with example questions as buttons."""
    lang = lang_of(update)
    examples = services(context).searcher.example_questions(3)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(q, callback_data=question_data(q))] for q in examples]
    )
    await send(update, context, say(lang, "welcome"), keyboard if examples else None)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot in private chats, groups, channels and inline."""
    await send(update, context, say(lang_of(update), "help", username=context.bot.username))


async def toc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The corpus outline: documents and their top-level headings."""
    lines = [say(lang_of(update), "toc_title")]
    for title, headings in services(context).searcher.outline():
        lines.append(f"\n📄 <b>{html.escape(title)}</b>")
        lines += [f"  {html.escape(shorten_middle(h, 40))}" for h in headings]
    text = "\n".join(lines)
    if len(text) > 4000:
        text = text[: text.rfind("\n", 0, 4000)] + "\n…"
    await send(update, context, text)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Documents, passages, and when the index was built."""
    searcher = services(context).searcher
    outline = searcher.outline()
    titles = "\n".join(f"• {html.escape(title)}" for title, _ in outline[:20])
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(searcher.built_at))
    text = say(
        lang_of(update),
        "about",
        documents=len(outline),
        passages=len(searcher),
        built_at=built,
        titles=titles,
    )
    await send(update, context, text)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 (private, group, channel); as a reply, the replied message is the question."""
    question = " ".join(context.args or [])
    message = update.effective_message
    if not question.strip() and message is not None and message.reply_to_message is not None:
        question = message.reply_to_message.text or ""
    await reply_with_answer(update, context, question)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat any text is a question."""
    await reply_with_answer(update, context, update.effective_message.text or "")


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: answer a mention of the bot or a reply to it; stay silent otherwise."""
    message = update.effective_message
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is not None:
        await reply_with_answer(update, context, question)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo or other non-text message in a private chat."""
    await send(update, context, say(lang_of(update), "not_text"))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command this bot does not have, in a private chat."""
    await help_command(update, context)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button press: full text of a section, more results, or an example question."""
    query = update.callback_query
    lang = lang_of(update)
    kind, _, rest = (query.data or "").partition(":")
    searcher = services(context).searcher
    if kind == "c" and (section := searcher.section(rest)) is not None:
        await with_retries(query.answer)
        header = f"{say(lang, 'context_title')}\n{html_heading_path(section)}"
        budget = TELEGRAM_TEXT_LIMIT - utf16_len(header) - 1
        await send(update, context, f"{header}\n{html_quote(section.text, (), budget)}")
    elif kind == "m" and (parts := rest.partition(":"))[0].isdigit() and parts[2]:
        await with_retries(query.answer)
        await reply_with_answer(update, context, parts[2], offset=int(parts[0]))
    elif kind == "q" and rest:
        await with_retries(query.answer)
        await reply_with_answer(update, context, rest)
    else:
        await with_retries(lambda: query.answer(say(lang, "stale_button")))


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 关键词: passages as articles, paged with next_offset; a hint for an empty query."""
    query = update.inline_query
    service = services(context)
    if service.inline_limiter.check(query.from_user.id) != "allow":
        service.stats["limited"] += 1
        return  # a storm of keystrokes: the client shows the last answer it got
    service.stats["inline"] += 1
    lang = lang_of(update)
    text = query.query.strip()
    username = context.bot.username
    if not text:
        hint = InlineQueryResultArticle(
            id="hint",
            title=say(lang, "inline_hint_title"),
            description=say(lang, "inline_hint", username=username),
            input_message_content=InputTextMessageContent(say(lang, "help", username=username)),
        )
        await with_retries(lambda: query.answer([hint], cache_time=300))
        return
    offset = int(query.offset) if query.offset.isdigit() else 0
    answer = service.searcher.search(text, INLINE_PAGE, offset)
    results = [inline_article(hit) for hit in answer.hits]
    if not results and offset == 0:
        results = [
            InlineQueryResultArticle(
                id="none",
                title=say(lang, "inline_none_title"),
                description=say(lang, "inline_none"),
                input_message_content=InputTextMessageContent(say(lang, "no_result")),
            )
        ]
    following = offset + len(answer.hits)
    # None, not "": python-telegram-bot 22 sends "" as "[]", which clients would send back.
    next_offset = str(following) if answer.hits and following < answer.total else None
    await with_retries(lambda: query.answer(results, next_offset=next_offset, cache_time=60))


def inline_article(hit: Hit) -> InlineQueryResultArticle:
    """One passage as an inline result: its section as title, a snippet, the passage."""
    chunk = hit.chunk
    section = chunk.headings[-1] if chunk.headings else chunk.title
    snippet = chunk.text[:SNIPPET_CHARS] + ("…" if len(chunk.text) > SNIPPET_CHARS else "")
    return InlineQueryResultArticle(
        id=chunk.id,
        title=shorten_middle(section, 60),
        description=snippet,
        input_message_content=InputTextMessageContent(telegram_passages([hit], "")),
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback with the update's context; tell a private-chat user in one line."""
    where = "no update"
    service = services(context)
    service.stats["errors"] += 1
    if update is None and isinstance(context.error, NetworkError):
        # getUpdates failed; python-telegram-bot retries it with back-off by itself
        log.warning("Polling hiccup (retried): %s", context.error)
        return
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f"update {update.update_id} in chat {service.pseudonym(chat.id if chat else None)}"
    log.error("Error handling %s", where, exc_info=context.error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    try:
        await context.bot.send_message(chat.id, say(lang_of(update), "error"))
    except TelegramError as error:
        log.warning("Could not tell the user about the error: %s", error)
