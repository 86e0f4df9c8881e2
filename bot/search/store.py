"""The passages of an index as flat arrays: cheap to save, memory-map and load.

A Chunk is materialized only when asked for, so a million passages cost their arrays,
not a million Python objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.models import Chunk, Document
from bot.search.folding import characters_of, text_of

ARRAYS = (
    "chunk_ids", "id_order", "doc_of", "headings_of", "label_of", "context_of", "starts", "ends",
    "first_pages", "last_pages", "text_offsets", "text_blob", "doc_offsets", "doc_blob",
)  # fmt: skip


def encode_blob(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of all texts, and the byte offset where each starts (plus the end)."""
    encoded = [text.encode() for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def chinese_characters(texts: Iterable[str]) -> str:
    """The Chinese characters the texts use, each once, in code point order."""
    used = characters_of(texts)
    return text_of(used[(used >= 0x3400) & (used <= 0x9FFF)])


@dataclass
class ChunkStore:
    """Every passage's id, document, heading path, offsets and text."""

    docs: list[dict[str, str]]  # {"path", "title"} per document
    heading_paths: list[tuple[str, ...]]
    labels: list[str]  # article labels (第十四条); labels[0] is "" (no article)
    contexts: list[str]  # topic sentences passages continue; contexts[0] is "" (none)
    characters: str  # every Chinese character of the passages (and their headings), once
    chunk_ids: np.ndarray  # uint64: the 12-hex-digit id as a number
    id_order: np.ndarray  # int64: positions sorted by id, for look-ups
    doc_of: np.ndarray  # int32
    headings_of: np.ndarray  # int32, into heading_paths
    label_of: np.ndarray  # int32, into labels
    context_of: np.ndarray  # int32, into contexts
    starts: np.ndarray  # int64, character offsets into the document
    ends: np.ndarray
    first_pages: np.ndarray  # int32, the first and last page a passage is on (0: no pages)
    last_pages: np.ndarray
    text_offsets: np.ndarray  # int64, byte offsets into text_blob
    text_blob: np.ndarray  # uint8, UTF-8 passage texts
    doc_offsets: np.ndarray  # int64, byte offsets into doc_blob
    doc_blob: np.ndarray  # uint8, UTF-8 document texts

    @classmethod
    def build(cls, chunks: Sequence[Chunk], documents: Sequence[Document]) -> ChunkStore:
        """Flatten passages (and the documents they come from) into arrays."""
        doc_index = {doc.path: i for i, doc in enumerate(documents)}
        paths: dict[tuple[str, ...], int] = {}
        headings_of = [paths.setdefault(c.headings, len(paths)) for c in chunks]
        labels: dict[str, int] = {"": 0}
        label_of = [labels.setdefault(c.article, len(labels)) for c in chunks]
        contexts: dict[str, int] = {"": 0}
        context_of = [contexts.setdefault(c.context, len(contexts)) for c in chunks]
        ids = np.array([int(c.id, 16) for c in chunks], dtype=np.uint64)
        text_blob, text_offsets = encode_blob([c.text for c in chunks])
        doc_blob, doc_offsets = encode_blob([d.text for d in documents])
        return cls(
            docs=[{"path": d.path, "title": d.title} for d in documents],
            heading_paths=list(paths),
            labels=list(labels),
            contexts=list(contexts),
            characters=chinese_characters(c.title + "".join(c.headings) + c.text for c in chunks),
            chunk_ids=ids,
            id_order=np.argsort(ids, kind="stable"),
            doc_of=np.array([doc_index[c.doc] for c in chunks], dtype=np.int32),
            headings_of=np.array(headings_of, dtype=np.int32),
            label_of=np.array(label_of, dtype=np.int32),
            context_of=np.array(context_of, dtype=np.int32),
            starts=np.array([c.start for c in chunks], dtype=np.int64),
            ends=np.array([c.end for c in chunks], dtype=np.int64),
            first_pages=np.array([c.pages[0] if c.pages else 0 for c in chunks], dtype=np.int32),
            last_pages=np.array([c.pages[-1] if c.pages else 0 for c in chunks], dtype=np.int32),
            text_offsets=text_offsets,
            text_blob=text_blob,
            doc_offsets=doc_offsets,
            doc_blob=doc_blob,
        )

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def __getitem__(self, position: int) -> Chunk:
        doc = self.docs[int(self.doc_of[position])]
        return Chunk(
            id=f"{int(self.chunk_ids[position]):012x}",
            doc=doc["path"],
            title=doc["title"],
            headings=self.heading_paths[int(self.headings_of[position])],
            text=self.text(position),
            start=int(self.starts[position]),
            end=int(self.ends[position]),
            article=self.labels[int(self.label_of[position])],
            context=self.contexts[int(self.context_of[position])],
            pages=self.pages(position),
        )

    def text(self, position: int) -> str:
        """The text of the passage at `position` (without making the whole Chunk)."""
        low, high = self.text_offsets[position], self.text_offsets[position + 1]
        return self.text_blob[low:high].tobytes().decode()

    def pages(self, position: int) -> tuple[int, ...]:
        """The physical pages a passage is printed on (() for a document without pages)."""
        first, last = int(self.first_pages[position]), int(self.last_pages[position])
        return tuple(range(first, last + 1)) if first else ()

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def position(self, chunk_id: str) -> int | None:
        """Where the passage with this id is, if the store has it."""
        try:
            key = np.uint64(int(chunk_id, 16))
        except (ValueError, OverflowError):
            return None
        at = int(np.searchsorted(self.chunk_ids, key, sorter=self.id_order))
        if at < len(self.id_order) and self.chunk_ids[self.id_order[at]] == key:
            return int(self.id_order[at])
        return None

    def same_section(self, a: int, b: int) -> bool:
        """True when two passages share a document, heading path and article (the passages
        of one 第X条 are its section, not its whole chapter)."""
        return bool(
            self.doc_of[a] == self.doc_of[b]
            and self.headings_of[a] == self.headings_of[b]
            and self.label_of[a] == self.label_of[b]
        )

    def document_text(self, doc: int) -> str:
        """The decoded text of one document."""
        return self.doc_blob[self.doc_offsets[doc] : self.doc_offsets[doc + 1]].tobytes().decode()

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store on disk."""
        return {name: getattr(self, name) for name in ARRAYS}

    def tables(self) -> dict[str, Any]:
        """The small tables (documents, heading paths), ready for JSON."""
        return {
            "docs": self.docs,
            "heading_paths": [list(p) for p in self.heading_paths],
            "labels": self.labels,
            "contexts": self.contexts,
            "characters": self.characters,
        }

    @classmethod
    def from_stored(cls, tables: dict[str, Any], arrays: dict[str, np.ndarray]) -> ChunkStore:
        """The store from its tables (as read back from JSON) and (memory-mapped) arrays."""
        paths = [tuple(path) for path in tables["heading_paths"]]
        return cls(
            docs=tables["docs"],
            heading_paths=paths,
            labels=tables["labels"],
            contexts=tables["contexts"],
            characters=tables["characters"],
            **{n: arrays[n] for n in ARRAYS},
        )

    def doc_range(self, doc: int) -> tuple[int, int]:
        """The positions [first, last) of one document's passages (stored in corpus order)."""
        first = int(np.searchsorted(self.doc_of, doc, side="left"))
        return first, int(np.searchsorted(self.doc_of, doc, side="right"))
