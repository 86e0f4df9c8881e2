"""Questions that found no answer, counted in SQLite so owners can see what the documents miss.

Only the normalised question and the time it was asked are stored, never a user or chat id.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

MAX_CHARS = 200
PRUNE_EVERY = 3600.0  # seconds between prunes on `record`
_TRAILING = "？?。.!！，,、；;：:…~～ \t\r\n\u3000"
_SCHEMA = "CREATE TABLE IF NOT EXISTS unanswered (question TEXT NOT NULL, asked REAL NOT NULL)"
_TOP = (
    "SELECT question, COUNT(*) AS n FROM unanswered WHERE asked >= ?"
    " GROUP BY question ORDER BY n DESC, MAX(asked) DESC, question LIMIT ?"
)


def normalise(question: str) -> str:
    """The question as counted: trimmed, whitespace collapsed, capped, no trailing punctuation."""
    return " ".join(question.split())[:MAX_CHARS].rstrip(_TRAILING)


class UnansweredLog:
    """How often each unanswered question was asked over the last `keep_days`, in a SQLite file.
    A failing database never raises: it is warned about once and the log reads as empty."""

    def __init__(self, path: Path, keep_days: float = 7.0) -> None:
        """Remember where the database lives; nothing is opened or created until first use."""
        self.path = Path(path)
        self.keep_days = keep_days
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pruned = float("-inf")
        self._warned = False

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                conn.commit()
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _prune(self, conn: sqlite3.Connection, now: float) -> float:
        cutoff = now - self.keep_days * 86400
        conn.execute("DELETE FROM unanswered WHERE asked < ?", (cutoff,))
        self._pruned = now
        return cutoff

    def _fail(self, error: Exception) -> None:
        if not self._warned:
            self._warned = True
            log.warning("Unanswered-question log %s is unavailable: %s", self.path, error)

    def record(self, question: str, now: float | None = None) -> None:
        """Count one unanswered question (normalised); never raises."""
        now = time.time() if now is None else now
        if not (text := normalise(question)):
            return
        with self._lock:
            try:
                with (conn := self._connect()):
                    if now - self._pruned >= PRUNE_EVERY:
                        self._prune(conn, now)
                    conn.execute("INSERT INTO unanswered VALUES (?, ?)", (text, now))
            except (sqlite3.Error, OSError) as error:
                self._fail(error)

    def top(self, limit: int = 10, now: float | None = None) -> list[tuple[str, int]]:
        """The most asked questions of the last `keep_days` with their counts, most asked first
        (ties: most recently asked first, then by text); [] if the database is unavailable."""
        now = time.time() if now is None else now
        with self._lock:
            try:
                with (conn := self._connect()):
                    rows = conn.execute(_TOP, (self._prune(conn, now), limit)).fetchall()
            except (sqlite3.Error, OSError) as error:
                self._fail(error)
                return []
        return [(question, count) for question, count in rows]

    def close(self) -> None:
        """Close the database; a later `record` or `top` opens it again."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
