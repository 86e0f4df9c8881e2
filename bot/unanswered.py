"""Questions no document answered, counted in SQLite: text and time only, never a user id."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from bot import database

log = logging.getLogger(__name__)

_TRAILING = "？?。.!！，,、；;：:…~～ \t\r\n\u3000"
_SCHEMA = "CREATE TABLE IF NOT EXISTS unanswered (question TEXT NOT NULL, asked REAL NOT NULL);"
_TOP = (
    "SELECT question, COUNT(*) AS n FROM unanswered WHERE asked >= ?"
    " GROUP BY question ORDER BY n DESC, MAX(asked) DESC, question LIMIT ?"
)


def normalise(question: str) -> str:
    """The question as counted: trimmed, whitespace collapsed, capped, no trailing punctuation."""
    return " ".join(question.split())[:200].rstrip(_TRAILING)


class UnansweredLog:
    """How often each unanswered question was asked over the last `keep_days`, in SQLite."""

    def __init__(self, path: Path, keep_days: float = 7.0) -> None:
        """Remember where the database lives; nothing is opened or created until first use."""
        self.path = Path(path)
        self.keep_days = keep_days
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pruned, self._warned = float("-inf"), False

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = database.connect(self.path, _SCHEMA)
        return self._conn

    def _prune(self, conn: sqlite3.Connection, now: float) -> float:
        self._pruned, cutoff = now, now - self.keep_days * 86400
        conn.execute("DELETE FROM unanswered WHERE asked < ?", (cutoff,))
        return cutoff

    def _fail(self, error: Exception) -> None:  # warn once; the next call reconnects
        if not self._warned:
            self._warned = True
            log.warning("Unanswered-question log %s is unavailable: %s", self.path, error)
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def record(self, question: str, now: float | None = None) -> None:
        """Count one unanswered question (normalised), pruning at most hourly; never raises."""
        now = time.time() if now is None else now
        if not (text := normalise(question)):
            return
        with self._lock:
            try:
                with (conn := self._connect()):
                    if now - self._pruned >= 3600:
                        self._prune(conn, now)
                    conn.execute("INSERT INTO unanswered VALUES (?, ?)", (text, now))
            except (sqlite3.Error, OSError) as error:
                self._fail(error)

    def top(self, limit: int = 10, now: float | None = None) -> list[tuple[str, int]]:
        """Most asked in the last `keep_days` with counts; ties: latest, then text; [] on error."""
        now = time.time() if now is None else now
        with self._lock:
            try:
                with (conn := self._connect()):
                    return conn.execute(_TOP, (self._prune(conn, now), limit)).fetchall()
            except (sqlite3.Error, OSError) as error:
                self._fail(error)
                return []

    def close(self) -> None:
        """Close the database; a later `record` or `top` opens it again."""
        with self._lock:
            self._close()
