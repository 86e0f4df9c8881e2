"""What the Telegram handlers share: the services, answering a question, and sending
with retries."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import Chat, InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.database import database_path
from bot.ratelimit import RateLimiter, Verdict
from bot.scopes import Scopes
from bot.search import indexfile
from bot.search.searcher import Searcher
from bot.telegram.messages import language, say
from bot.telegram.quoting import quote_text
from bot.telegram.views import View, answer_keyboard, answer_text
from bot.telegram.welcome import example_questions
from bot.unanswered import UnansweredLog

log = logging.getLogger(__name__)

REMEMBERED_ANSWERS = 5000
T = TypeVar("T")
# seconds before each retry of a send that met a 5xx or a network error (19.5 s in all:
# a reply a few seconds late beats none); after the last, the error is reported
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0)


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
    upload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # check, then install
    watcher: asyncio.Task[None] | None = None
    # which message answered which question, for edited questions (lost on a restart:
    # an edit then gets a new answer)
    answers: OrderedDict[tuple[int, int], tuple[int, int]] = field(default_factory=OrderedDict)
    unanswered: UnansweredLog | None = None
    scopes: Scopes = field(init=False)  # which collections each chat searches
    # (chat, user) → (member, when checked), for private collections; kept for minutes
    memberships: dict[tuple[int, int], tuple[bool, float]] = field(default_factory=dict)
    sections_shown: set[tuple[int, int, str]] = field(default_factory=set)  # 全文 in groups
    _examples: dict[int, tuple[Searcher, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.user_rate_limit, 60.0)
        self.chat_limiter = RateLimiter(self.settings.chat_rate_limit, 60.0)
        self.inline_limiter = RateLimiter(self.settings.inline_rate_limit, 60.0)
        database = database_path(indexfile.location(self.settings))
        self.scopes = Scopes(database)
        if self.settings.log_unanswered:
            self.unanswered = UnansweredLog(database)

    def remember_answer(self, chat_id: int, question_id: int, answer_id: int, view: View) -> None:
        """Note which message answered a question, and what it shows (the last
        REMEMBERED_ANSWERS kept)."""
        self.answers[(chat_id, question_id)] = (answer_id, view.digest())
        self.answers.move_to_end((chat_id, question_id))
        while len(self.answers) > REMEMBERED_ANSWERS:
            self.answers.popitem(last=False)

    def answer_to(self, chat: Chat | None, message: Message | None) -> tuple[int, int] | None:
        """(message id, what it shows) of the answer a question got, if known."""
        if chat is None or message is None:
            return None
        return self.answers.get((chat.id, message.message_id))

    def examples(self, searcher: Searcher | None = None) -> list[str]:
        """The welcome screen's example questions for the index being served (as the
        chat sees it: `searcher`, by default the whole library)."""
        searcher = searcher or self.searcher
        known = self._examples.get(id(searcher))
        if known is None or known[0] is not searcher:
            if len(self._examples) > 100:
                self._examples.clear()
            known = self._examples[id(searcher)] = (searcher, example_questions(searcher))
        return known[1]

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
        if len(self.sections_shown) > REMEMBERED_ANSWERS:
            self.sections_shown.clear()
        if len(self.memberships) > 100_000:
            self.memberships.clear()


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of this application."""
    return context.application.bot_data["services"]


def lang_of(update: Update) -> str:
    """The UI language for whoever sent this update."""
    user = update.effective_user
    return language(user.language_code if user else None)


# --- replying ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Admission:
    """Whether a question is answered; when it is not, the seconds a rate-limit notice
    quotes (None: it is refused in silence)."""

    answered: bool
    notice_seconds: int | None = None


ANSWER = Admission(True)
SILENCE = Admission(False)


def admission(service: Services, user_id: int | None, chat: Chat | None) -> Admission:
    """Whether to answer a question from `user_id` in `chat`, or refuse it (with a notice,
    or silently).

    A user over their limit is dropped without touching the chat's budget, except for the
    one notice a minute they are owed. In a group or channel every message the bot sends,
    notices included, spends the chat's budget, so the chat stays within Telegram's
    20 messages a minute and nothing queues up behind it.
    """
    user_key = user_id if user_id is not None else (chat.id if chat else 0)
    verdict = service.limiter.check(user_key)
    if verdict is Verdict.DROP:
        return SILENCE
    if chat is not None and not is_private(chat):
        chat_verdict = service.chat_limiter.check(chat.id)
        if chat_verdict is Verdict.DROP:
            return SILENCE
        if chat_verdict is Verdict.WARN:
            return Admission(False, service.chat_limiter.retry_after(chat.id) or None)
    if verdict is Verdict.WARN:
        return Admission(False, max(1, service.limiter.retry_after(user_key)))
    return ANSWER


async def reply_with_answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    question: str,
    offset: int = 0,
    searcher: Searcher | None = None,
    quote: bool = False,
) -> None:
    """Search (`searcher`: the library as this chat sees it), render and send the answer
    where the question was asked (with `quote`, check it as a quotation instead); an
    edited question replaces the answer it got before, where that answer is known."""
    service = services(context)
    lang = lang_of(update)
    chat = update.effective_chat
    user = update.effective_user
    admitted = admission(service, user.id if user else None, chat)
    if not admitted.answered:
        service.stats["limited"] += 1
        if admitted.notice_seconds:
            await send(update, context, say(lang, "rate_limited", seconds=admitted.notice_seconds))
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
    library = searcher or service.searcher
    if quote:
        view = await quote_view(service, library, question, lang)
    else:
        view = await answer_view(service, library, question, offset, lang, is_private(chat))
    if await replaced_earlier_answer(update, context, view):
        return
    sent = await send(update, context, view.text, view.keyboard)
    message = update.effective_message
    if sent is not None and message is not None and chat is not None:
        service.remember_answer(chat.id, message.message_id, sent.message_id, view)


async def replaced_earlier_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, view: View
) -> bool:
    """For an edited question whose earlier answer is known: edit that answer to `view`
    (or leave it, when the edit changes nothing it shows). False when a new answer is to
    be sent instead."""
    service, chat, message = services(context), update.effective_chat, update.effective_message
    if not (update.edited_message or update.edited_channel_post) or not chat or not message:
        return False
    earlier = service.answer_to(chat, message)
    if earlier is None:
        return False
    answer_id, shown = earlier
    if shown == view.digest():
        return True  # the edit changed nothing the answer shows
    # noted before the edit is sent, so an edit arriving meanwhile compares with it
    service.remember_answer(chat.id, message.message_id, answer_id, view)
    try:
        await with_retries(
            lambda: context.bot.edit_message_text(
                view.text, chat_id=chat.id, message_id=answer_id, reply_markup=view.keyboard
            )
        )
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return True
        log.info("Could not edit the earlier answer (%s); sending a new one", error)
        return False
    return True


async def answer_view(
    service: Services, searcher: Searcher, question: str, offset: int, lang: str, private: bool
) -> View:
    """Search `searcher` and render one page of the answer to `question`, with its
    buttons; a question that found nothing is logged (text only) when LOG_UNANSWERED is on."""
    began = time.perf_counter()
    page = service.settings.top_k
    answer = searcher.search(question, page, offset)
    service.latencies.append(time.perf_counter() - began)
    service.stats["answered"] += 1
    service.stats["empty"] += not answer.hits
    if not answer.hits and offset == 0 and service.unanswered is not None:
        await asyncio.to_thread(service.unanswered.record, question)
    text = answer_text(answer, lang, offset, private)
    return View(text, answer_keyboard(answer, offset, lang, page, searcher))


async def quote_view(service: Services, searcher: Searcher, quote: str, lang: str) -> View:
    """Check a quotation against the documents `searcher` sees (in a worker thread: a
    long quote takes a while) and render the result."""
    began = time.perf_counter()
    check = await asyncio.to_thread(searcher.quote, quote)
    service.latencies.append(time.perf_counter() - began)
    service.stats["quotes"] += 1
    return View(quote_text(check, lang), None)


def is_admin(settings: Settings, user: User | None) -> bool:
    """Whether the user is one of the bot's admins (ADMIN_IDS)."""
    return user is not None and user.id in settings.admin_ids


def is_private(chat: Chat | None) -> bool:
    """Whether this is a private chat with the bot."""
    return chat is not None and chat.type == ChatType.PRIVATE


async def send(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message | None:
    """Send HTML to the update's chat: in groups and channels as a reply to the message
    it answers (`reply_to`, else the update's own message)."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    if reply_to is None and not is_private(chat) and update.callback_query is None and message:
        reply_to = message.message_id
    parameters = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    return await with_retries(
        lambda: context.bot.send_message(
            chat.id, text, reply_markup=keyboard, reply_parameters=parameters
        )
    )


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Make a Bot API call, again after a 5xx, a timeout or a dropped connection, waiting
    `RETRY_DELAYS` between attempts; a 400 is raised at once, as sending it again cannot
    help. (429s are waited out by the AIORateLimiter below this.)"""
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as error:
            log.warning("A Bot API call failed (%s); retrying in %.1f s", error, delay)
            await asyncio.sleep(delay)
    return await call()
