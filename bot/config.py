"""Settings: read once from the environment and `.env`, typed and validated at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
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


@dataclass(frozen=True)
class Settings:
    """Everything the bot and the command line can be configured with."""

    corpus_dir: Path = Path("corpus")
    top_k: int = 3
    max_chunk_chars: int = 300
    bm25_k1: float = 0.8
    bm25_b: float = 0.4
    bm25_epsilon: float = 0.25
    bm25_engine: str = "fast"  # or "rank-bm25" (see ENGINES)
    min_coverage: float = 0.4
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    user_rate_limit: int = 20  # questions per user (or chat) per minute
    max_file_mb: int = 20  # a corpus file larger than this is skipped
    max_inflated_mb: int = 100  # a .docx whose parts inflate past this is skipped (zip bomb)
    max_archive_entries: int = 1000  # a .docx with more parts than this is skipped
    max_inflate_ratio: int = 100  # …or that unpacks (past 10 MB) to this many times its size
    index_dir: Path | None = None  # default: <corpus_dir>/.index
    build_workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    admin_ids: frozenset[int] = frozenset()
    allowed_user_ids: frozenset[int] = frozenset()  # empty: everyone
    allowed_chat_ids: frozenset[int] = frozenset()  # empty: every chat
    chat_rate_limit: int = 15  # per group or channel per minute (Telegram: 20, notices included)
    inline_rate_limit: int = 60  # inline queries per user per minute
    webhook_max_body: int = 1_048_576  # bytes; Telegram's updates are far smaller
    reload_interval: float = 60.0  # seconds between corpus checks; 0 turns the watcher off
    log_level: str = "INFO"
    cache_dir: Path | None = None  # jieba's dictionary cache; None: ~/.cache/docbot
    log_unanswered: bool = False  # keep questions that got no answer (no ids) for /stats
    startup_timeout: float = 120.0  # seconds to keep retrying an unreachable Bot API at start

    def __repr__(self) -> str:
        token = "set" if self.telegram_bot_token else "unset"
        return f"Settings(corpus_dir={str(self.corpus_dir)!r}, top_k={self.top_k}, token={token})"


def _int(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(key, f"expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(key, f"must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], key: str, default: float, low: float, high: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(key, f"expected a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(key, f"must be between {low} and {high}, got {value}")
    return value


def _flag(env: Mapping[str, str], key: str) -> bool:
    raw = env.get(key, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(key, f"expected 1 or 0, got {raw!r}")


# What ranks passages: the index's own engine, or rank-bm25's BM25Okapi (the reference:
# scores every passage for every question, for a small corpus or for checking a result).
ENGINES = ("fast", "rank-bm25")


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


def _cache_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("BOT_CACHE_DIR", "").strip()
    service = env.get("CACHE_DIRECTORY", "").strip()  # set by systemd's CacheDirectory=
    base = env.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    path = Path(raw) if raw else Path(service) if service else Path(base) / "docbot"
    if path.exists() and not path.is_dir():
        raise ConfigError("BOT_CACHE_DIR", f"{path} exists and is not a folder")
    return path


def load_settings(
    env: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    """Build Settings from `env` (default: `.env` overlaid by the process environment).

    Raises ConfigError naming the first bad setting.
    """
    if env is None:
        file_values = dotenv_values(dotenv_path or Path(".env"))
        merged = {k: v for k, v in file_values.items() if v is not None}
        merged.update(os.environ)
        env = merged
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(
            "LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {log_level!r}"
        )
    webhook_url = _url(env, "WEBHOOK_URL")
    webhook_secret = _optional(env, "WEBHOOK_SECRET")
    if webhook_secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret):
        raise ConfigError("WEBHOOK_SECRET", "use 1-256 characters from A-Z, a-z, 0-9, _ and -")
    settings = Settings(
        corpus_dir=Path(env.get("CORPUS_DIR", "").strip() or "corpus"),
        top_k=_int(env, "TOP_K", 3, 1, 20),
        max_chunk_chars=_int(env, "MAX_CHUNK_CHARS", 300, 50, 3000),
        bm25_k1=_float(env, "BM25_K1", 0.8, 0.0, 10.0),
        bm25_b=_float(env, "BM25_B", 0.4, 0.0, 1.0),
        # above 0: the floor keeps every term's weight positive (0 would weigh some at 0)
        bm25_epsilon=_float(env, "BM25_EPSILON", 0.25, 0.001, 1.0),
        bm25_engine=_choice(env, "BM25_ENGINE", ENGINES),
        min_coverage=_float(env, "MIN_COVERAGE", 0.4, 0.0, 1.0),
        telegram_bot_token=_token(env),
        telegram_api_base_url=_url(env, "TELEGRAM_API_BASE_URL"),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        webhook_port=_int(env, "WEBHOOK_PORT", 8443, 1, 65535),
        user_rate_limit=_int(env, "USER_RATE_LIMIT", 20, 1, 10000),
        max_file_mb=_int(env, "MAX_FILE_MB", 20, 1, 2048),
        max_inflated_mb=_int(env, "MAX_INFLATED_MB", 100, 1, 4096),
        max_archive_entries=_int(env, "MAX_ARCHIVE_ENTRIES", 1000, 10, 100_000),
        max_inflate_ratio=_int(env, "MAX_INFLATE_RATIO", 100, 10, 100_000),
        index_dir=_index_dir(env),
        build_workers=_int(env, "BUILD_WORKERS", os.cpu_count() or 1, 1, 256),
        admin_ids=_ids(env, "ADMIN_IDS"),
        allowed_user_ids=_ids(env, "ALLOWED_USER_IDS"),
        allowed_chat_ids=_ids(env, "ALLOWED_CHAT_IDS"),
        chat_rate_limit=_int(env, "CHAT_RATE_LIMIT", 15, 1, 100000),
        inline_rate_limit=_int(env, "INLINE_RATE_LIMIT", 60, 1, 100000),
        webhook_max_body=_int(env, "WEBHOOK_MAX_BODY", 1_048_576, 1024, 100 * 2**20),
        reload_interval=_float(env, "RELOAD_INTERVAL", 60.0, 0.0, 86400.0),
        log_level=log_level,
        cache_dir=_cache_dir(env),
        log_unanswered=_flag(env, "LOG_UNANSWERED"),
        startup_timeout=_float(env, "STARTUP_TIMEOUT", 120.0, 0.0, 3600.0),
    )
    check_webhook(settings)
    return settings
