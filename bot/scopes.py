"""Which collections each group or channel searches, and which collections are private
to the chats bound to them, kept in the bot's SQLite database.

A collection is a subfolder of the corpus ("" is its top folder). A chat bound to no
collection searches every collection that is not private; a chat bound to some searches
those. A private collection is seen only in the chats bound to it, and by their members
in private chats and inline.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Iterable
from pathlib import Path

from bot import database

SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_collections (
    chat_id INTEGER NOT NULL, collection TEXT NOT NULL, PRIMARY KEY (chat_id, collection)
);
CREATE TABLE IF NOT EXISTS private_collections (collection TEXT PRIMARY KEY);
"""


class Scopes:
    """Chat → collections bindings and the private collections, read fresh on every
    call (another process may have changed them) and written in one transaction."""

    def __init__(self, path: Path) -> None:
        """Remember where the database lives; it is opened on first use."""
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = database.connect(self.path, SCHEMA)
        return self._conn

    def _rows(self, query: str, *args: object) -> list[tuple]:
        with self._lock:
            return self._connection().execute(query, args).fetchall()

    def _write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        with self._lock, (connection := self._connection()):
            for query, args in statements:
                connection.execute(query, args)

    def bound(self, chat_id: int) -> frozenset[str]:
        """The collections a chat is bound to (empty: none, it searches the public ones)."""
        rows = self._rows("SELECT collection FROM chat_collections WHERE chat_id = ?", chat_id)
        return frozenset(row[0] for row in rows)

    def bind(self, chat_id: int, collections: Collection[str]) -> None:
        """Bind a chat to exactly these collections (none: unbind it)."""
        statements: list[tuple[str, tuple[int | str, ...]]] = [
            ("DELETE FROM chat_collections WHERE chat_id = ?", (chat_id,))
        ]
        statements += [
            ("INSERT INTO chat_collections VALUES (?, ?)", (chat_id, name))
            for name in sorted(collections)
        ]
        self._write(statements)

    def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """Carry a chat's bindings over to its new id (a group that became a supergroup)."""
        self.bind(new_chat_id, self.bound(old_chat_id) | self.bound(new_chat_id))
        self.bind(old_chat_id, ())

    def private(self) -> frozenset[str]:
        """The collections marked private."""
        return frozenset(
            row[0] for row in self._rows("SELECT collection FROM private_collections")
        )

    def set_private(self, collection: str, private: bool) -> None:
        """Mark a collection private to its chats, or public again."""
        if private:
            query = "INSERT OR IGNORE INTO private_collections VALUES (?)"
        else:
            query = "DELETE FROM private_collections WHERE collection = ?"
        self._write([(query, (collection,))])

    def chats_of(self, collection: str) -> list[int]:
        """The chats bound to a collection."""
        rows = self._rows(
            "SELECT chat_id FROM chat_collections WHERE collection = ? ORDER BY chat_id",
            collection,
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        """Close the database; the next call opens it again."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def chat_scope(
    collections: Collection[str], bound: Collection[str], private: Collection[str]
) -> frozenset[str]:
    """What a group or channel searches: the collections it is bound to that exist, or,
    bound to none, every collection that is not private."""
    if bound:
        return frozenset(bound) & frozenset(collections)
    return frozenset(collections) - frozenset(private)


def reader_scope(
    collections: Collection[str], private: Collection[str], member_of: Collection[str]
) -> frozenset[str]:
    """What a person searches in a private chat or inline: every public collection, and
    the private ones `member_of` holds (those bound to a chat they are a member of)."""
    public = frozenset(collections) - frozenset(private)
    return public | (frozenset(member_of) & frozenset(private) & frozenset(collections))
