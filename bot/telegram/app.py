"""The Telegram adapter's wiring: the Application, its handlers in order, start-up and
shutdown hooks, and running by long polling or webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from typing import Any
from urllib.parse import urlparse

from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import redaction
from bot.config import Settings, StartupError, check_webhook, require_token
from bot.search.searcher import Searcher
from bot.telegram.admin import gate, id_command, reload_command, stats_command, watch_corpus
from bot.telegram.collections import chat_migrated, scope_button, scope_command
from bot.telegram.handlers import (
    about,
    ask,
    button,
    group_text,
    help_command,
    inline_query,
    not_text,
    on_error,
    private_text,
    quote_command,
    start,
    toc,
    unknown_command,
)
from bot.telegram.library import (
    docs_command,
    remove_button,
    remove_command,
    upload,
    upload_button,
)
from bot.telegram.messages import say
from bot.telegram.replies import Services
from bot.telegram.scope import public_library, publish_description

COMMANDS = ("start", "help", "ask", "quote", "toc", "docs", "about")
log = logging.getLogger(__name__)


# --- wiring -----------------------------------------------------------------------------
async def post_init(application: Application) -> None:
    """Publish the command menu and the bot's descriptions (Chinese, and English for
    English-speaking users), check the welcome's examples, and start the corpus watcher."""
    service: Services = application.bot_data["services"]
    bot = application.bot
    for lang, code in (("zh", None), ("en", "en")):
        commands = [BotCommand(name, say(lang, f"cmd_{name}")) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=code)
        await bot.set_my_short_description(say(lang, "short_description"), code)
    await publish_description(application)
    service.examples(public_library(service))  # chosen now, so the first /start is quick
    if service.settings.reload_interval > 0:
        service.watcher = asyncio.create_task(watch_corpus(application))


async def post_stop(application: Application) -> None:
    """Stop the corpus watcher."""
    watcher = application.bot_data["services"].watcher
    if watcher is not None:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


def api_base_url(settings: Settings) -> str:
    """The Bot API base URL python-telegram-bot expects (…/bot, the token appended)."""
    base = (settings.telegram_api_base_url or "https://api.telegram.org").rstrip("/")
    return base if base.endswith("/bot") else base + "/bot"


def api_file_url(settings: Settings) -> str:
    """Where files are downloaded from, on the same Bot API server (…/file/bot, the token
    appended), so a self-hosted server serves its files too."""
    base = api_base_url(settings).removesuffix("/bot")
    return f"{base}/file/bot"


def build_application(
    settings: Settings, searcher: Searcher, corpus: dict[str, Any] | None = None
) -> Application:
    """The configured Application: handlers wired in order, services in bot_data, and
    the token redacted from every log record from now on.

    `corpus` is the corpus state the searcher reflects (for the change watcher).

    (Long on purpose: the handlers in the order they are tried, read as one list.)
    """
    token = require_token(settings)
    redaction.install([token, settings.webhook_secret])
    builder = (
        ApplicationBuilder()
        .token(token)
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
        builder = builder.base_url(api_base_url(settings)).base_file_url(api_file_url(settings))
    application = builder.build()
    application.bot_data["services"] = Services(settings, searcher, corpus)

    messages = filters.UpdateType.MESSAGE
    asked = filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE  # edits re-ask
    # 0. before everything: count the update, apply the allow-lists
    application.add_handler(TypeHandler(Update, gate), group=-1)
    # 1. commands, in private chats, groups (/cmd@this_bot) and, for /ask, channels
    application.add_handler(CommandHandler("start", start, filters=messages))
    application.add_handler(CommandHandler("help", help_command, filters=messages))
    application.add_handler(CommandHandler("toc", toc, filters=messages))
    application.add_handler(CommandHandler("about", about, filters=messages))
    application.add_handler(CommandHandler("reload", reload_command, filters=messages))
    application.add_handler(CommandHandler("stats", stats_command, filters=messages))
    application.add_handler(CommandHandler("id", id_command, filters=messages))
    application.add_handler(CommandHandler("docs", docs_command, filters=messages))
    application.add_handler(CommandHandler("remove", remove_command, filters=messages))
    channel = filters.UpdateType.CHANNEL_POST | filters.UpdateType.EDITED_CHANNEL_POST
    posts = messages | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler("scope", scope_command, filters=posts))
    application.add_handler(CommandHandler("ask", ask, filters=asked | channel))
    application.add_handler(CommandHandler("quote", quote_command, filters=asked | channel))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
    # 2. plain text: every message in private chats; mentions and replies in groups
    private = filters.ChatType.PRIVATE
    application.add_handler(
        MessageHandler(private & asked & filters.TEXT & ~filters.COMMAND, private_text)
    )
    application.add_handler(MessageHandler(private & messages & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & messages & filters.Document.ALL, upload))
    application.add_handler(MessageHandler(private & messages & ~filters.TEXT, not_text))
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & asked & filters.TEXT & ~filters.COMMAND, group_text
        )
    )
    # 3. buttons and inline mode
    application.add_handler(CallbackQueryHandler(upload_button, pattern=r"^u:[ykn]:"))
    application.add_handler(CallbackQueryHandler(remove_button, pattern=r"^x:"))
    application.add_handler(CallbackQueryHandler(scope_button, pattern=r"^s:"))
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
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set.

    Raises StartupError, with one line an owner can act on, when Telegram rejects the
    token, the Bot API stays unreachable for STARTUP_TIMEOUT, or the webhook port is taken.
    """
    check_webhook(settings)
    redaction.install([settings.telegram_bot_token, settings.webhook_secret])
    asyncio.run(verify_token(settings))
    application = build_application(settings, searcher, corpus)
    if settings.webhook_url:
        check_port_free(settings.webhook_listen, settings.webhook_port)
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


async def verify_token(settings: Settings) -> str:
    """Ask Telegram who the bot is (getMe) and return its username: a rejected token stops
    start-up at once; an unreachable Bot API is retried with back-off (1, 2, 4 … 30 s) for
    STARTUP_TIMEOUT. Raises StartupError."""
    bot = Bot(settings.telegram_bot_token or "", base_url=api_base_url(settings))
    deadline = time.monotonic() + settings.startup_timeout
    delay = 1.0
    while True:
        try:
            await bot.initialize()  # asks getMe
            return bot.username
        except InvalidToken:
            raise StartupError(
                "Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized): copy the token again "
                "from @BotFather (/mybots → API Token); it may have been revoked"
            ) from None
        except TelegramError as error:  # unreachable (NetworkError), 429, a proxy's HTML
            reason = redaction.redact(str(error)) or type(error).__name__
            left = deadline - time.monotonic()
            if left <= 0:
                where = settings.telegram_api_base_url or "api.telegram.org"
                raise StartupError(
                    f"cannot reach the Telegram Bot API at {where} ({reason}) after "
                    f"{settings.startup_timeout:.0f} s; check the network, a proxy, or "
                    "TELEGRAM_API_BASE_URL"
                ) from None
            wait = min(delay, left)
            log.warning("The Bot API cannot be reached (%s); retrying in %.0f s", reason, wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, 30.0)
        finally:
            with contextlib.suppress(Exception):
                await bot.shutdown()


def check_port_free(listen: str, port: int) -> None:
    """Raise StartupError when the webhook's address is taken, before setWebhook is sent."""
    family = socket.AF_INET6 if ":" in listen else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado binds
        if family == socket.AF_INET6:
            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # as tornado does
        try:
            probe.bind((listen, port))
        except OSError as error:
            raise StartupError(
                f"WEBHOOK_PORT {port} is in use on {listen} ({error.strerror}); stop what "
                "holds it or set another WEBHOOK_PORT"
            ) from None
