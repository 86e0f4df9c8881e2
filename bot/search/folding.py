"""Folding text a character at a time at NumPy speed: a table of what each character
becomes (itself, another, several or none), applied to a whole text at once.

`str.translate` with a dictionary costs some 60 ns a character; a whole document or
passage looked up in the table costs a few nanoseconds a character, plus a few
microseconds a text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

CODE_POINTS = 0x110000
NONE = np.iinfo(np.uint32).max  # no one character (a table's mark)
BATCH_CHARS = 1 << 22  # characters of several texts looked at together (see `characters_of`)


def code_points(text: str) -> np.ndarray:
    """The code points of `text` (uint32; a lone surrogate as its own number)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def text_of(codes: np.ndarray) -> str:
    """The text of code points."""
    return np.ascontiguousarray(codes, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")


def characters_of(texts: Iterable[str]) -> np.ndarray:
    """The code points the texts use, each once, ascending."""
    seen = np.zeros(CODE_POINTS, dtype=bool)
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= BATCH_CHARS:
            seen[code_points("".join(batch))] = True
            batch, size = [], 0
    seen[code_points("".join(batch))] = True
    return np.flatnonzero(seen).astype(np.uint32)


class Folded(NamedTuple):
    """A folded text's code points, and for each the offset of the character it came from
    (None when each character folded to exactly one: the offsets are the positions)."""

    codes: np.ndarray
    origin: np.ndarray | None


class CharTable:
    """What each of some characters folds to, for folding whole texts at once."""

    def __init__(self, codes: np.ndarray, lengths: np.ndarray, flat: np.ndarray) -> None:
        """The table of the characters `codes`, the i-th folding to `lengths[i]` code
        points of `flat` (the folds one after another)."""
        codes = codes.astype(np.int64)
        self.slot = np.full(int(codes.max(initial=-1)) + 1, -1, dtype=np.int32)
        self.slot[codes] = np.arange(len(codes), dtype=np.int32)
        self.lengths = lengths.astype(np.int64)
        self.offsets = np.cumsum(self.lengths) - self.lengths
        self.flat = flat
        # each character's one folded character; NONE where it has none or several
        self.single = np.full(len(self.slot), NONE, dtype=np.uint32)
        ones = self.lengths[self.slot[codes]] == 1
        self.single[codes[ones]] = self.flat[self.offsets[self.slot[codes[ones]]]]

    @classmethod
    def of_texts(cls, texts: Iterable[str], fold_one: Callable[[str], str]) -> CharTable:
        """The table of every character the texts use, each folded by `fold_one`."""
        codes = characters_of(texts)
        folds = [fold_one(chr(code)) for code in codes.tolist()]
        return cls.of_folds(codes, folds)

    @classmethod
    def of_folds(cls, codes: np.ndarray, folds: Sequence[str]) -> CharTable:
        """The table of the characters `codes`, each folding to its text of `folds`."""
        lengths = np.fromiter(map(len, folds), dtype=np.int64, count=len(folds))
        return cls(codes, lengths, code_points("".join(folds)))

    def folded_length(self, text: str) -> int:
        """How many characters `fold(text)` gives."""
        return int(self.lengths[self.slot[code_points(text)]].sum())

    def fold_codes(self, codes: np.ndarray) -> Folded | None:
        """The folded code points of a text, and their origins; None when the table
        lacks one of its characters."""
        if len(codes) == 0:
            return Folded(codes, None)
        if codes.max() >= len(self.slot):
            return None
        if (single := self.single[codes]).max() != NONE:
            return Folded(single, None)  # (the common case, in the fewest steps)
        rows = self.slot[codes]
        if rows.min() < 0:
            return None
        per = self.lengths[rows]
        origin = np.repeat(np.arange(len(rows), dtype=np.int32), per)
        within = np.arange(len(origin)) - np.repeat(np.cumsum(per) - per, per)
        return Folded(self.flat[np.repeat(self.offsets[rows], per) + within], origin)

    def fold(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The folded code points of `text` (whose characters the table holds), and
        the offset each comes from."""
        folded = self.fold_codes(code_points(text))
        if folded is None:
            raise ValueError("a character the folding table lacks")
        if folded.origin is None:
            return folded.codes, np.arange(len(folded.codes), dtype=np.int32)
        return folded.codes, folded.origin
