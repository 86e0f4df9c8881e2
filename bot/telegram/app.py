"""The Telegram adapter's wiring: the Application, its handlers in order, start-up and
shutdown hooks, and running by long polling or webhook."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
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

from bot.config import Settings
from bot.search.searcher import Searcher
from bot.telegram.admin import gate, reload_command, stats_command, watch_corpus
from bot.telegram.handlers import (
    about,
    ask,
    button,
    group_text,
    help_command,
    inline_query,
    library_name,
    not_text,
    on_error,
    private_text,
    start,
    toc,
    unknown_command,
)
from bot.telegram.messages import say
from bot.telegram.replies import Services

COMMANDS = ("start", "help", "ask", "toc", "about")


# --- wiring -----------------------------------------------------------------------------
async def post_init(application: Application) -> None:
    """Publish the command menu and the bot's descriptions (Chinese, and English for
    English-speaking users), check the welcome's examples, and start the corpus watcher."""
    service: Services = application.bot_data["services"]
    bot = application.bot
    for lang, code in (("zh", None), ("en", "en")):
        commands = [BotCommand(name, say(lang, f"cmd_{name}")) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=code)
        library = html.unescape(library_name(service.searcher, lang))
        await bot.set_my_description(say(lang, "description", library=library)[:512], code)
        await bot.set_my_short_description(say(lang, "short_description"), code)
    service.examples()  # chosen and checked now, so the first /start is quick
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
    channel = filters.UpdateType.CHANNEL_POST | filters.UpdateType.EDITED_CHANNEL_POST
    application.add_handler(CommandHandler("ask", ask, filters=asked | channel))
    # 2. plain text: every message in private chats; mentions and replies in groups
    private = filters.ChatType.PRIVATE
    application.add_handler(
        MessageHandler(private & asked & filters.TEXT & ~filters.COMMAND, private_text)
    )
    application.add_handler(MessageHandler(private & messages & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & messages & ~filters.TEXT, not_text))
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & asked & filters.TEXT & ~filters.COMMAND, group_text
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
