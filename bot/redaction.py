"""Secrets (the bot token) kept out of every output: log records, their tracebacks,
warnings, and uncaught exceptions (in threads too), wherever the logging is configured."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType

REDACTED = "[REDACTED]"
MIN_SECRET = 8  # shorter "secrets" would blank ordinary words in the logs
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    """`text` with every known secret replaced."""
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def install(secrets: Iterable[str | None]) -> None:
    """Redact these secrets from every log record created from now on (message, arguments
    and traceback) and from uncaught exceptions. Safe to call more than once."""
    global _installed
    _secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET)
    if _installed:
        return
    _installed = True
    _redact_log_records()
    _redact_uncaught()
    logging.captureWarnings(True)  # warnings become log records, redacted like the rest


def _redact_log_records() -> None:
    """Every log record made from now on: its message, arguments and traceback."""
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # bad format arguments: the handler reports them, as ever
            return record
        if redact(message) != message:
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            if redact(text) != text:
                record.exc_text = redact(text).rstrip("\n")
        return record

    logging.setLogRecordFactory(redacting_record)


def _redact_uncaught() -> None:
    """Uncaught exceptions, in the main thread and in others."""
    shown = sys.excepthook

    def redacting_hook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, trace))
        if redact(text) == text:
            shown(kind, error, trace)
        else:
            sys.stderr.write(redact(text))

    sys.excepthook = redacting_hook
    shown_in_thread = threading.excepthook

    def redacting_thread_hook(failure: threading.ExceptHookArgs) -> None:
        text = "".join(
            traceback.format_exception(failure.exc_type, failure.exc_value, failure.exc_traceback)
        )
        if redact(text) == text:
            shown_in_thread(failure)
        else:
            sys.stderr.write(redact(text))

    threading.excepthook = redacting_thread_hook
