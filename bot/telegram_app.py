"""The Telegram adapter: updates → questions → the search core → HTML replies.

The only module that imports `telegram`. Handlers hold no search logic; buttons carry
everything they need in their callback data, so they work after a restart and on
any replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import indexfile
from bot.build import corpus_changed, open_searcher
from bot.config import Settings
from bot.messages import language, say
from bot.models import Answer, Hit
from bot.ratelimit import RateLimiter
from bot.render import (
    TELEGRAM_TEXT_LIMIT,
    html_heading_path,
    html_quote,
    shorten_middle,
    telegram_passages,
    utf16_len,
)
from bot.search import Searcher, compact_question

log = logging.getLogger(__name__)

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
INLINE_PAGE = 20  # results per inline answer (Telegram allows 50)
SNIPPET_CHARS = 80
QUESTION_ECHO_CHARS = 120
COMMANDS = ("start", "help", "ask", "toc", "about")
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


def answer_html(answer: Answer, lang: str, offset: int = 0) -> str:
    """The reply to a question: the question echoed, then the passages, or a short no."""
    echo = html.escape(shorten_middle(answer.query.strip(), QUESTION_ECHO_CHARS))
    header = say(lang, "question", question=echo)
    if not answer.hits:
        return f"{header}\n\n{say(lang, 'no_result' if offset == 0 else 'no_more')}"
    return telegram_passages(answer.hits, header, first_rank=offset + 1)


# --- replying ---------------------------------------------------------------------------
async def reply_with_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, offset: int = 0
) -> None:
    """Search, render and send the answer where the question was asked."""
    service = services(context)
    lang = lang_of(update)
    chat = update.effective_chat
    user = update.effective_user
    checks = [(service.limiter, user.id if user else (chat.id if chat else 0))]
    if chat is not None and chat.type != ChatType.PRIVATE:
        checks.append((service.chat_limiter, chat.id))
    for limiter, key in checks:
        verdict = limiter.check(key)
        if verdict != "allow":
            service.stats["limited"] += 1
            if verdict == "warn":
                seconds = limiter.retry_after(key)
                await send(update, context, say(lang, "rate_limited", seconds=seconds))
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
    await send(
        update, context, answer_html(answer, lang, offset), answer_keyboard(answer, offset, lang)
    )


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


def allowed(settings: Settings, update: Update) -> bool:
    """Whether the allow-lists (if any) admit this update's user or chat."""
    users, chats = settings.allowed_user_ids, settings.allowed_chat_ids
    if not users and not chats:
        return True
    user, chat = update.effective_user, update.effective_chat
    return bool((user and user.id in users) or (chat and chat.id in chats))


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: counts updates, and stops those the allow-lists refuse
    (each refused user or chat is told once, politely, then ignored)."""
    service = services(context)
    service.stats["updates"] += 1
    if service.stats["updates"] % 1000 == 0:
        service.forget_idle()
    if allowed(service.settings, update):
        return
    service.stats["refused"] += 1
    user, chat = update.effective_user, update.effective_chat
    key = user.id if user else (chat.id if chat else 0)
    if key not in service.told_not_allowed and (update.message or update.callback_query):
        service.told_not_allowed.add(key)
        if update.callback_query:
            notice = say(lang_of(update), "not_allowed")
            await with_retries(lambda: update.callback_query.answer(notice))
        else:
            await send(update, context, say(lang_of(update), "not_allowed"))
    raise ApplicationHandlerStop


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0-1) of the sorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins only): what the bot has done since it started."""
    service = services(context)
    lang = lang_of(update)
    user = update.effective_user
    if user is None or user.id not in service.settings.admin_ids:
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
    await send(update, context, text)


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins in ADMIN_IDS only): re-read the corpus and swap in the new index."""
    lang = lang_of(update)
    user = update.effective_user
    if user is None or user.id not in services(context).settings.admin_ids:
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
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
    """Every RELOAD_INTERVAL seconds, re-index when a corpus file was added, changed or removed."""
    service: Services = application.bot_data["services"]
    while True:
        await asyncio.sleep(service.settings.reload_interval)
        try:
            if service.corpus is None:
                service.corpus = await asyncio.to_thread(
                    indexfile.corpus_state, service.settings.corpus_dir
                )
                continue
            changed = await asyncio.to_thread(corpus_changed, service.settings, service.corpus)
        except OSError as error:
            log.warning("Could not check the corpus for changes: %s", error)
            continue
        if changed:
            log.info("The corpus changed; re-indexing")
            await reload_index(application)


# --- wiring -----------------------------------------------------------------------------
async def post_init(application: Application) -> None:
    """Publish the command menu (Chinese, and English for English-speaking users) and
    start the corpus watcher."""
    for lang, code in (("zh", None), ("en", "en")):
        commands = [BotCommand(name, say(lang, f"cmd_{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=code)
    service: Services = application.bot_data["services"]
    if service.settings.reload_interval > 0:
        service.watcher = asyncio.create_task(watch_corpus(application))


async def post_stop(application: Application) -> None:
    """Stop the corpus watcher."""
    watcher = application.bot_data["services"].watcher
    if watcher is not None:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


def build_application(
    settings: Settings, searcher: Searcher, corpus: dict[str, Any] | None = None
) -> Application:
    """The configured Application: handlers wired in order, services in bot_data.

    `corpus` is the corpus state the searcher reflects (for the change watcher).
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_stop(post_stop)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base if base.endswith("/bot") else base + "/bot")
    application = builder.build()
    application.bot_data["services"] = Services(settings, searcher, corpus)

    messages = filters.UpdateType.MESSAGE
    # 0. before everything: count the update, apply the allow-lists
    application.add_handler(TypeHandler(Update, gate), group=-1)
    # 1. commands, in private chats, groups (/cmd@this_bot) and, for /ask, channels
    application.add_handler(CommandHandler("start", start, filters=messages))
    application.add_handler(CommandHandler("help", help_command, filters=messages))
    application.add_handler(CommandHandler("toc", toc, filters=messages))
    application.add_handler(CommandHandler("about", about, filters=messages))
    application.add_handler(CommandHandler("reload", reload_command, filters=messages))
    application.add_handler(CommandHandler("stats", stats_command, filters=messages))
    application.add_handler(
        CommandHandler("ask", ask, filters=messages | filters.UpdateType.CHANNEL_POST)
    )
    # 2. plain text: every message in private chats; mentions and replies in groups
    private = filters.ChatType.PRIVATE & messages
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, private_text)
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & ~filters.TEXT, not_text))
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & messages & filters.TEXT & ~filters.COMMAND, group_text
        )
    )
    # 3. buttons and inline mode
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(InlineQueryHandler(inline_query))
    # 4. one error handler
    application.add_error_handler(on_error)
    return application


class WithholdRequestData(logging.Filter):
    """Keeps what a webhook request carried out of the logs (python-telegram-bot's webhook
    handler logs bodies and wrong secret tokens)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop or rewrite the webhook handler's records; leave the rest alone."""
        if not record.pathname.endswith("webhookhandler.py"):
            return True
        if record.levelno < logging.WARNING:
            return False
        record.msg, record.args = "Webhook request refused or not processed (data withheld)", None
        return True


def harden_webhook(max_body: int) -> None:
    """Cap webhook request bodies and keep request data out of the logs."""
    from tornado.httpserver import HTTPServer  # python-telegram-bot's webhook server

    HTTPServer.configure(None, max_body_size=max_body)
    logging.getLogger("telegram.ext.Updater").addFilter(WithholdRequestData())
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


def run(settings: Settings, searcher: Searcher, corpus: dict[str, Any] | None = None) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set."""
    application = build_application(settings, searcher, corpus)
    if settings.webhook_url:
        harden_webhook(settings.webhook_max_body)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
