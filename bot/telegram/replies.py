"""What the Telegram handlers share: the services, callback data, answer rendering and
sending with retries.

Buttons carry everything they need in their callback data (≤ 64 bytes), so they work
after a restart and on any replica.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.models import Answer
from bot.ratelimit import RateLimiter
from bot.render import shorten_middle, telegram_passages
from bot.search.searcher import Searcher, compact_question
from bot.telegram.messages import language, say

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
QUESTION_ECHO_CHARS = 120
SEND_ATTEMPTS = 5  # a 5xx or network error on one send is retried, then reported
RETRY_DELAY = 0.5  # seconds before the first retry; doubled each time


@dataclass
class Services:
    """What the handlers share: built once, kept in application.bot_data."""

    settings: Settings
    searcher: Searcher  # replaced whole by a reload; handlers read it per update
    corpus: dict[str, Any] | None = None  # the corpus state the searcher reflects
    started_at: float = field(default_factory=time.time)
    limiter: RateLimiter = field(init=False)  # questions per user
    chat_limiter: RateLimiter = field(init=False)  # answers per group or channel
    inline_limiter: RateLimiter = field(init=False)  # inline queries per user
    stats: Counter[str] = field(default_factory=Counter)
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=2000))
    told_not_allowed: set[int] = field(default_factory=set)
    salt: bytes = field(default_factory=lambda: os.urandom(8))
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    watcher: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.user_rate_limit, 60.0)
        self.chat_limiter = RateLimiter(self.settings.chat_rate_limit, 60.0)
        self.inline_limiter = RateLimiter(self.settings.inline_rate_limit, 60.0)

    def pseudonym(self, value: int | None) -> str:
        """A stable stand-in for a user or chat id in logs (salted per process)."""
        if value is None:
            return "-"
        return hashlib.blake2b(str(value).encode(), key=self.salt, digest_size=4).hexdigest()

    def forget_idle(self) -> None:
        """Keep the per-user state small: drop what is idle."""
        for limiter in (self.limiter, self.chat_limiter, self.inline_limiter):
            limiter.forget_idle()
        if len(self.told_not_allowed) > 100_000:
            self.told_not_allowed.clear()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of this application."""
    return context.application.bot_data["services"]


def lang_of(update: Update) -> str:
    """The UI language for whoever sent this update."""
    user = update.effective_user
    return language(user.language_code if user else None)


# --- callback data: self-contained, ≤ 64 bytes ---------------------------------------
def more_data(question: str, offset: int) -> str:
    """Callback data for "more results": the offset and the (compacted) question."""
    prefix = f"m:{offset}:"
    return prefix + compact_question(question, CALLBACK_LIMIT - len(prefix.encode()))


def question_data(question: str) -> str:
    """Callback data for an example-question button."""
    return "q:" + compact_question(question, CALLBACK_LIMIT - 2)


def answer_keyboard(answer: Answer, offset: int, lang: str) -> InlineKeyboardMarkup | None:
    """ "Full text" buttons for each passage, and "more" when further passages exist."""
    rows = []
    context_buttons = [
        InlineKeyboardButton(say(lang, "context", rank=rank), callback_data=f"c:{hit.chunk.id}")
        for rank, hit in enumerate(answer.hits, offset + 1)
    ]
    if context_buttons:
        rows.append(context_buttons)
    following = offset + len(answer.hits)
    if following < answer.total:
        rows.append(
            [
                InlineKeyboardButton(
                    say(lang, "more"), callback_data=more_data(answer.query, following)
                )
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def answer_html(answer: Answer, lang: str, offset: int = 0, private: bool = False) -> str:
    """The reply to a question: the question echoed, then the passages, or a short no
    (in a private chat followed by the weak matches, marked as such)."""
    echo = html.escape(shorten_middle(answer.query.strip(), QUESTION_ECHO_CHARS))
    header = say(lang, "question", question=echo)
    if not answer.hits:
        if answer.missing and offset == 0:
            return f"{header}\n\n{say(lang, 'missing', missing=html.escape(answer.missing))}"
        if answer.related and offset == 0 and private:
            return telegram_passages(answer.related, f"{header}\n\n{say(lang, 'weak_only')}")
        return f"{header}\n\n{say(lang, 'no_result' if offset == 0 else 'no_more')}"
    return telegram_passages(answer.hits, header, first_rank=offset + 1)


# --- replying ---------------------------------------------------------------------------
def admission(service: Services, user_id: int | None, chat: Chat | None) -> int | None:
    """None to answer; else the seconds to quote in a rate-limit notice, or 0 for silence.

    A user over their limit is dropped without touching the chat's budget, except for the
    one notice a minute they are owed. In a group or channel every message the bot sends,
    notices included, spends the chat's budget, so the chat stays within Telegram's
    20 messages a minute and nothing queues up behind it.
    """
    user_key = user_id if user_id is not None else (chat.id if chat else 0)
    verdict = service.limiter.check(user_key)
    if verdict == "drop":
        return 0
    if chat is not None and chat.type != ChatType.PRIVATE:
        chat_verdict = service.chat_limiter.check(chat.id)
        if chat_verdict != "allow":
            return service.chat_limiter.retry_after(chat.id) if chat_verdict == "warn" else 0
    if verdict == "warn":
        return max(1, service.limiter.retry_after(user_key))
    return None


async def reply_with_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, offset: int = 0
) -> None:
    """Search, render and send the answer where the question was asked."""
    service = services(context)
    lang = lang_of(update)
    chat = update.effective_chat
    user = update.effective_user
    refusal = admission(service, user.id if user else None, chat)
    if refusal is not None:
        service.stats["limited"] += 1
        if refusal:
            await send(update, context, say(lang, "rate_limited", seconds=refusal))
        return
    question = question.strip()
    if not question:
        await send(update, context, say(lang, "empty_question"))
        return
    log.debug(
        "question from %s in %s: %r",
        service.pseudonym(user.id if user else None),
        service.pseudonym(chat.id if chat else None),
        question,
    )
    began = time.perf_counter()
    answer = service.searcher.search(question, service.settings.top_k, offset)
    service.latencies.append(time.perf_counter() - began)
    service.stats["answered"] += 1
    service.stats["empty"] += not answer.hits
    private = chat is not None and chat.type == ChatType.PRIVATE
    text = answer_html(answer, lang, offset, private)
    await send(update, context, text, answer_keyboard(answer, offset, lang))


async def send(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Send HTML to the update's chat; in groups, as a reply to the asker's message."""
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    in_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
    if in_group and message is not None and update.callback_query is None:
        await with_retries(lambda: message.reply_html(text, reply_markup=keyboard, do_quote=True))
    else:
        await with_retries(lambda: context.bot.send_message(chat.id, text, reply_markup=keyboard))


async def with_retries(call: Callable[[], Awaitable[object]]) -> None:
    """Make a Bot API call, again after a 5xx, a timeout or a dropped connection
    (back-off 0.5, 1, 2, 4 s); a 400 is raised at once, as sending it again cannot help.
    (429s are waited out by the AIORateLimiter below this.)"""
    for attempt in range(SEND_ATTEMPTS):
        try:
            await call()
            return
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt + 1 == SEND_ATTEMPTS:
                raise
            log.warning("A Bot API call failed (%s); retrying", error)
            await asyncio.sleep(RETRY_DELAY * 2**attempt)
