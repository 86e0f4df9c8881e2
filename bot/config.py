"""Settings: read once from the environment and `.env`, typed and validated at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlparse

from dotenv import dotenv_values

TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting and the fix."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key


class StartupError(Exception):
    """Start-up failed for a reason the owner can act on; the message names it and the
    setting involved."""


N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Bounded(Generic[N]):
    """A numeric setting: the variable that sets it, its default and the range accepted."""

    key: str
    default: N
    low: N
    high: N


# The numeric settings, each defined once: Settings' defaults, load_settings' checks and
# the command line's ranges (--top-k) all come from here; .env.example documents each.
INTS: dict[str, Bounded[int]] = {
    "top_k": Bounded("TOP_K", 3, 1, 20),  # passages per answer
    "max_chunk_chars": Bounded("MAX_CHUNK_CHARS", 300, 50, 3000),  # longest passage
    "webhook_port": Bounded("WEBHOOK_PORT", 8443, 1, 65535),
    "user_rate_limit": Bounded("USER_RATE_LIMIT", 20, 1, 10000),  # questions a user a minute
    "max_file_mb": Bounded("MAX_FILE_MB", 20, 1, 2048),  # a larger corpus file is skipped
    # a .docx whose parts inflate past this, or with more parts, is skipped (a zip bomb)
    "max_inflated_mb": Bounded("MAX_INFLATED_MB", 100, 1, 4096),
    "max_archive_entries": Bounded("MAX_ARCHIVE_ENTRIES", 1000, 10, 100_000),
    # …or one that unpacks (past 10 MB) to this many times its size
    "max_inflate_ratio": Bounded("MAX_INFLATE_RATIO", 100, 10, 100_000),
    "build_workers": Bounded("BUILD_WORKERS", os.cpu_count() or 1, 1, 256),  # one per core
    # per group or channel a minute (Telegram allows 20, notices included)
    "chat_rate_limit": Bounded("CHAT_RATE_LIMIT", 15, 1, 100_000),
    "inline_rate_limit": Bounded("INLINE_RATE_LIMIT", 60, 1, 100_000),  # per user a minute
    "webhook_max_body": Bounded("WEBHOOK_MAX_BODY", 1_048_576, 1024, 100 * 2**20),  # bytes
}
FLOATS: dict[str, Bounded[float]] = {
    "bm25_k1": Bounded("BM25_K1", 0.8, 0.0, 10.0),
    "bm25_b": Bounded("BM25_B", 0.4, 0.0, 1.0),
    # above 0: the floor keeps every term's weight positive (0 would weigh some at 0)
    "bm25_epsilon": Bounded("BM25_EPSILON", 0.25, 0.001, 1.0),
    "min_coverage": Bounded("MIN_COVERAGE", 0.4, 0.0, 1.0),  # the no-result rule
    # seconds between corpus checks; 0 turns the watcher off
    "reload_interval": Bounded("RELOAD_INTERVAL", 60.0, 0.0, 86400.0),
    # seconds to keep retrying an unreachable Bot API at start
    "startup_timeout": Bounded("STARTUP_TIMEOUT", 120.0, 0.0, 3600.0),
}
# What ranks passages: the index's own engine, or rank-bm25's BM25Okapi (the reference:
# scores every passage for every question, for a small corpus or for checking a result).
ENGINES = ("fast", "rank-bm25")
LOG_LEVELS = ("INFO", "DEBUG", "WARNING", "ERROR")


@dataclass(frozen=True)
class Settings:
    """Everything the bot and the command line can be configured with (the numeric ones'
    defaults and ranges: INTS and FLOATS)."""

    corpus_dir: Path = Path("corpus")
    top_k: int = INTS["top_k"].default
    max_chunk_chars: int = INTS["max_chunk_chars"].default
    bm25_k1: float = FLOATS["bm25_k1"].default
    bm25_b: float = FLOATS["bm25_b"].default
    bm25_epsilon: float = FLOATS["bm25_epsilon"].default
    bm25_engine: str = ENGINES[0]
    min_coverage: float = FLOATS["min_coverage"].default
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = INTS["webhook_port"].default
    user_rate_limit: int = INTS["user_rate_limit"].default
    max_file_mb: int = INTS["max_file_mb"].default
    max_inflated_mb: int = INTS["max_inflated_mb"].default
    max_archive_entries: int = INTS["max_archive_entries"].default
    max_inflate_ratio: int = INTS["max_inflate_ratio"].default
    index_dir: Path | None = None  # default: <corpus_dir>/.index
    build_workers: int = INTS["build_workers"].default
    admin_ids: frozenset[int] = frozenset()
    allowed_user_ids: frozenset[int] = frozenset()  # empty: everyone
    allowed_chat_ids: frozenset[int] = frozenset()  # empty: every chat
    chat_rate_limit: int = INTS["chat_rate_limit"].default
    inline_rate_limit: int = INTS["inline_rate_limit"].default
    webhook_max_body: int = INTS["webhook_max_body"].default
    reload_interval: float = FLOATS["reload_interval"].default
    log_level: str = LOG_LEVELS[0]
    cache_dir: Path | None = None  # the tokenizer's cache; None: ~/.cache/docbot
    log_unanswered: bool = False  # keep questions that got no answer (no ids) for /stats
    startup_timeout: float = FLOATS["startup_timeout"].default

    def __repr__(self) -> str:
        token = "set" if self.telegram_bot_token else "unset"
        return f"Settings(corpus_dir={str(self.corpus_dir)!r}, top_k={self.top_k}, token={token})"


def _number(env: Mapping[str, str], setting: Bounded[N], kind: type[N]) -> N:
    """The setting's value from `env` (its default when unset), checked against its range."""
    raw = env.get(setting.key, "").strip()
    if not raw:
        return setting.default
    try:
        value = kind(raw)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise ConfigError(setting.key, f"expected {expected}, got {raw!r}") from None
    if not setting.low <= value <= setting.high:
        raise ConfigError(
            setting.key, f"must be between {setting.low} and {setting.high}, got {value}"
        )
    return value


def _flag(env: Mapping[str, str], key: str) -> bool:
    raw = env.get(key, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(key, f"expected 1 or 0, got {raw!r}")


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first when unset)."""
    raw = env.get(key, "").strip().lower() or choices[0]
    if raw not in choices:
        raise ConfigError(key, f"expected one of {', '.join(choices)}, got {raw!r}")
    return raw


def _optional(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key, "").strip()
    return value or None


def _token(env: Mapping[str, str]) -> str | None:
    token = _optional(env, "TELEGRAM_BOT_TOKEN")
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN",
            "does not look like a bot token (digits, a colon, then 30+ letters, digits, _ or -);"
            " copy it again from @BotFather",
        )
    return token


def _ids(env: Mapping[str, str], key: str) -> frozenset[int]:
    raw = env.get(key, "").replace(";", ",").replace(" ", ",")
    ids = set()
    for part in filter(None, raw.split(",")):
        try:
            ids.add(int(part))  # chat ids of groups and channels are negative
        except ValueError:
            raise ConfigError(
                key, f"expected Telegram user ids separated by commas, got {part!r}"
            ) from None
    return frozenset(ids)


def _url(env: Mapping[str, str], key: str) -> str | None:
    value = _optional(env, key)
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(key, f"expected an http:// or https:// URL, got {value!r}")
    return value


def require_token(settings: Settings) -> str:
    """The bot token, for running the bot; ConfigError when it is not set."""
    if not settings.telegram_bot_token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN", "is not set; put the token from @BotFather in .env"
        )
    return settings.telegram_bot_token


WEBHOOK_PORTS = (443, 80, 88, 8443)  # the ports Telegram posts webhooks to


def check_webhook(settings: Settings) -> None:
    """In webhook mode: an https:// URL on a port Telegram posts to, and a secret, without
    which anyone who finds the port could post forged updates. Raises ConfigError."""
    if not settings.webhook_url:
        return
    url = urlparse(settings.webhook_url)
    if url.scheme != "https":
        raise ConfigError(
            "WEBHOOK_URL",
            f"must be https:// (Telegram posts only there), got {settings.webhook_url!r}",
        )
    try:
        port = url.port or 443
    except ValueError:
        raise ConfigError("WEBHOOK_URL", f"has a bad port: {settings.webhook_url!r}") from None
    if port not in WEBHOOK_PORTS:
        ports = ", ".join(map(str, WEBHOOK_PORTS))
        raise ConfigError("WEBHOOK_URL", f"port {port} is not one Telegram posts to ({ports})")
    if not settings.webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET",
            "is required in webhook mode, or anyone could post forged updates to the port; "
            "set 1-256 characters from A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)",
        )


def _index_dir(env: Mapping[str, str]) -> Path | None:
    """INDEX_DIR; under systemd with StateDirectory= (and no INDEX_DIR), its folder's index."""
    raw = env.get("INDEX_DIR", "").strip()
    service = env.get("STATE_DIRECTORY", "").strip().split(":")[0]
    return Path(raw) if raw else Path(service) / "index" if service else None


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """The cache folder when BOT_CACHE_DIR is unset: systemd's CacheDirectory=, else
    $XDG_CACHE_HOME/docbot (~/.cache/docbot)."""
    service = env.get("CACHE_DIRECTORY", "").strip()  # set by systemd's CacheDirectory=
    base = env.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(service) if service else Path(base) / "docbot"


def _cache_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("BOT_CACHE_DIR", "").strip()
    path = Path(raw) if raw else default_cache_dir(env)
    if path.exists() and not path.is_dir():
        raise ConfigError("BOT_CACHE_DIR", f"{path} exists and is not a folder")
    return path


def load_settings(
    env: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    """Build Settings from `env` (default: `.env` overlaid by the process environment).

    Raises ConfigError naming the first bad setting it checks. (Long on purpose: one line
    a setting.)
    """
    if env is None:
        file_values = dotenv_values(dotenv_path or Path(".env"))
        merged = {k: v for k, v in file_values.items() if v is not None}
        merged.update(os.environ)
        env = merged
    log_level = env.get("LOG_LEVEL", "").strip().upper() or LOG_LEVELS[0]
    if log_level not in LOG_LEVELS:
        raise ConfigError(
            "LOG_LEVEL", f"expected one of {', '.join(LOG_LEVELS)}, got {log_level!r}"
        )
    webhook_url = _url(env, "WEBHOOK_URL")
    webhook_secret = _optional(env, "WEBHOOK_SECRET")
    if webhook_secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret):
        raise ConfigError("WEBHOOK_SECRET", "use 1-256 characters from A-Z, a-z, 0-9, _ and -")
    numbers: dict[str, Any] = {name: _number(env, it, int) for name, it in INTS.items()}
    numbers |= {name: _number(env, it, float) for name, it in FLOATS.items()}
    settings = Settings(
        corpus_dir=Path(env.get("CORPUS_DIR", "").strip() or Settings.corpus_dir),
        bm25_engine=_choice(env, "BM25_ENGINE", ENGINES),
        telegram_bot_token=_token(env),
        telegram_api_base_url=_url(env, "TELEGRAM_API_BASE_URL"),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or Settings.webhook_listen,
        index_dir=_index_dir(env),
        admin_ids=_ids(env, "ADMIN_IDS"),
        allowed_user_ids=_ids(env, "ALLOWED_USER_IDS"),
        allowed_chat_ids=_ids(env, "ALLOWED_CHAT_IDS"),
        log_level=log_level,
        cache_dir=_cache_dir(env),
        log_unanswered=_flag(env, "LOG_UNANSWERED"),
        **numbers,
    )
    check_webhook(settings)
    return settings
