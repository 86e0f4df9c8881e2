"""The bot's one SQLite file beside the index: unanswered-question counts and which
collections each chat searches. Safe for several processes on one host (WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

DATABASE_FILE = "bot.sqlite3"
OLD_DATABASE_FILE = "unanswered.sqlite3"  # its name before it held anything else
BUSY_TIMEOUT_S = 5.0  # another process writing: wait this long for its lock


def database_path(folder: Path) -> Path:
    """Where the database lives in `folder` (the index's), taking over the file an
    older version kept the unanswered questions in."""
    path, old = folder / DATABASE_FILE, folder / OLD_DATABASE_FILE
    if old.exists() and not path.exists():
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{old}{suffix}").exists():
                Path(f"{old}{suffix}").rename(f"{path}{suffix}")
    return path


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to the database at `path` (created with its folder if missing) in
    WAL mode, with `schema` applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(schema)
    return connection
