"""The BM25 index: BM25Okapi scores from precomputed sparse term → passage weights.

The scores are rank-bm25's BM25Okapi (same idf with its epsilon floor, same k1 and b),
with two of its gaps guarded: a term in exactly half of the passages gets the floor
instead of idf 0, and the floor stays positive when the average idf is not (a tiny
corpus of common words). Each term's weight in each passage,

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len)),

is computed once at build time (bot/search/postings.py) and stored by term (CSR:
indptr/postings/weights), so a question costs the length of its terms' posting lists,
not the size of the corpus.
Terms are looked up by a 64-bit hash in a sorted array: nothing to build at load time.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
import xxhash

ARRAYS = (
    "term_hashes", "presence", "idf", "max_weights", "indptr", "postings", "weights",
    "scan_weights",
)  # fmt: skip
# From this many passages, questions are scored by the compiled kernel (numba): below
# it, NumPy answers a question in well under a millisecond and a one-shot command
# would spend more on importing numba (~0.5 s) than it saves.
COMPILED_FROM = 50_000
# From this many passages, the kernel adds float32 weights into a float32 accumulator
# (see bot/search/kernel.py): 8 bytes read a posting, not 12, and half the accumulator to
# keep in the CPU's caches (8 MB in float64 at 1M passages); then scoring the finalists
# again exactly costs less than it saves. Measured on the peers questions: p95 -10 % at
# 100k passages and -23 % at 1M, no gain at 50k.
FLOAT32_FROM = 1 << 16
BLOCK = 1 << 22  # weights are computed this many at a time
MEMO_TERMS = 1 << 16  # terms whose rows an index remembers (emptied when full)
PRESENCE_BITS = 16  # bits of the presence map per term (see BM25Index._search)

log = logging.getLogger(__name__)


def term_hash(term: str) -> int:
    """A stable 64-bit id for a term (the same in every process and on every machine):
    XXH3-64 of its UTF-8 bytes."""
    return xxhash.xxh3_64_intdigest(term.encode())


def term_hashes(terms: Sequence[str]) -> np.ndarray:
    """`term_hash` of many terms at once (uint64): what a build worker hashes a batch's
    vocabulary with, and a question its terms."""
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter(map(digest, map(str.encode, terms)), dtype=np.uint64, count=len(terms))


def presence_map(hashes: np.ndarray) -> np.ndarray:
    """A bit for each of the 2^n equal parts of the hash space (PRESENCE_BITS bits or
    more per term), set where a term's hash falls; bytes in order, bits from the lowest.
    A hash the index lacks finds its bit set about once in PRESENCE_BITS times."""
    bits = max(10, (len(hashes) * PRESENCE_BITS - 1).bit_length())
    places = (np.asarray(hashes) >> np.uint64(64 - bits)).astype(np.int64)
    bitmap = np.zeros(1 << (bits - 3), dtype=np.uint8)
    if len(places):  # ascending, as the hashes are: each byte's bits ORed together
        starts = np.flatnonzero(np.diff(places >> 3, prepend=-1))
        masks = np.left_shift(1, places & 7).astype(np.uint8)
        bitmap[places[starts] >> 3] = np.bitwise_or.reduceat(masks, starts)
    return bitmap


def guarded_idf(document_frequency: np.ndarray, size: int, epsilon: float) -> np.ndarray:
    """rank-bm25's BM25Okapi idf, floored at epsilon × the average idf where ≤ 0."""
    idf = np.log(size - document_frequency + 0.5) - np.log(document_frequency + 0.5)
    average = float(idf.mean()) if len(idf) else 0.0
    floor = epsilon * max(average, math.log(2))
    return np.where(idf <= 0, floor, idf)


class Scratch(NamedTuple):
    """The compiled kernel's working arrays: one per index and thread, reused."""

    accumulator: np.ndarray  # float64 or float32, the index's size, zeros between questions
    touched: np.ndarray  # int32, the passages met so far


@lru_cache(maxsize=1)
def compiled_kernel() -> ModuleType | None:
    """bot.search.kernel, or None when numba cannot be imported (NumPy then scores)."""
    try:
        from bot.search import kernel
    except ImportError as error:  # numba missing or broken on this machine
        log.warning("Scoring with NumPy: the compiled kernel is unavailable (%s)", error)
        return None
    return kernel


@dataclass
class BM25Index:
    """Term-major BM25 weights; built from term frequencies or loaded from arrays."""

    size: int
    term_hashes: np.ndarray  # uint64, sorted
    presence: np.ndarray  # uint8: presence_map(term_hashes)
    idf: np.ndarray  # float64, one per term
    indptr: np.ndarray  # int64, len(terms) + 1
    postings: np.ndarray  # int32, passage positions, ascending within a term
    weights: np.ndarray  # float64, BM25 weight of the term in that passage
    scan_weights: np.ndarray  # float32, the weights rounded: what a float32 kernel adds
    max_weights: np.ndarray  # float64, each term's largest weight (its score's bound)
    compiled: bool | None = None  # score with the compiled kernel (None: by size)
    float32: bool | None = None  # the kernel's accumulator float32 (None: by size)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _memo: dict[str, int] = field(default_factory=dict, repr=False)  # term → row (-1: none)

    @property
    def vocabulary_size(self) -> int:
        """How many distinct terms the index holds."""
        return len(self.term_hashes)

    def _row(self, term: str) -> int | None:
        row = self._rows_known([term])[0]
        return None if row < 0 else row

    def _rows_known(self, terms: Sequence[str]) -> list[int]:
        """Each term's row (-1: the index lacks it), remembered for the next questions:
        a question's terms are looked up several times while it is answered, and a
        binary search of a large index's hashes misses the CPU's caches."""
        if not len(self.term_hashes):
            return [-1] * len(terms)
        memo = self._memo
        rows = [memo.get(term, -2) for term in terms]
        if -2 in rows:
            missing = [term for term, row in zip(terms, rows, strict=True) if row == -2]
            looked_up = self._search(term_hashes(missing)).tolist()
            if len(memo) + len(missing) > MEMO_TERMS:
                memo.clear()
            found = dict(zip(missing, looked_up, strict=True))
            memo.update(found)
            rows = [found.get(term, row) for term, row in zip(terms, rows, strict=True)]
        return rows

    def _search(self, keys: np.ndarray) -> np.ndarray:
        """The row of each hash (-1 where the index has none). Hashes the presence map
        rules out are not searched for: most of a typo's candidates are no term, and a
        binary search misses the caches at most of its steps, where the map costs one."""
        shift = 64 - (len(self.presence) * 8).bit_length() + 1
        kernel = self._kernel()
        if kernel is not None:
            return kernel.find_rows(self.term_hashes, self.presence, np.uint64(shift), keys)
        rows = np.full(len(keys), -1, dtype=np.int64)
        places = (keys >> np.uint64(shift)).astype(np.int64)
        bits = self.presence[places >> 3] >> (places & 7).astype(np.uint8)
        maybe = np.flatnonzero(bits & 1)
        if len(maybe):
            wanted = keys[maybe]
            at = np.minimum(np.searchsorted(self.term_hashes, wanted), len(self.term_hashes) - 1)
            rows[maybe] = np.where(self.term_hashes[at] == wanted, at, -1)
        return rows

    def idf_of(self, term: str) -> float:
        """The term's idf; an unseen term gets the idf of a term in no passage."""
        row = self._row(term)
        if row is not None:
            return float(self.idf[row])
        return math.log(2 * self.size + 1) if self.size else 0.0

    def document_frequency(self, term: str) -> int:
        """How many passages hold `term` (0 for a term the index has never seen)."""
        row = self._row(term)
        return 0 if row is None else int(self.indptr[row + 1] - self.indptr[row])

    def document_frequencies(self, terms: Sequence[str]) -> np.ndarray:
        """How many passages hold each term, for many terms in one look-up."""
        return self._counts(*self._lookup(terms))

    def candidate_frequencies(self, terms: Sequence[str]) -> np.ndarray:
        """`document_frequencies` of terms asked about once (a typo's hundreds of
        candidates): looked up without being remembered, so they neither cost the
        remembering nor push the question's own terms out."""
        if not len(self.term_hashes) or not terms:
            return np.zeros(len(terms), dtype=np.int64)
        rows = self._search(term_hashes(terms))
        return self._counts(np.maximum(rows, 0), rows >= 0)

    def _counts(self, rows: np.ndarray, found: np.ndarray) -> np.ndarray:
        """How many passages hold the terms of these rows (0 where not `found`)."""
        if not found.any():
            return np.zeros(len(rows), dtype=np.int64)
        return np.where(found, self.indptr[rows + 1] - self.indptr[rows], 0)

    def _lookup(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each term's row and whether the index has it, in one vectorized look-up."""
        if not len(self.term_hashes) or not terms:
            return np.zeros(len(terms), dtype=np.int64), np.zeros(len(terms), dtype=bool)
        rows = np.array(self._rows_known(terms), dtype=np.int64)
        found = rows >= 0
        return np.where(found, rows, 0), found

    def idfs(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """`idf_of` of many terms at once, and whether the index holds each."""
        rows, found = self._lookup(terms)
        unseen = math.log(2 * self.size + 1) if self.size else 0.0
        return np.where(found, self.idf[rows] if len(self.idf) else 0.0, unseen), found

    def holds(self, terms: Sequence[str], positions: np.ndarray) -> np.ndarray:
        """For each term (row) and passage (column), whether the passage holds the term."""
        rows, found = self._lookup(terms)
        kernel = self._kernel()
        if kernel is not None:
            wanted = np.asarray(positions, dtype=np.int64)
            return kernel.holds(self.indptr, self.postings, rows.astype(np.int64), found, wanted)
        held = np.zeros((len(terms), len(positions)), dtype=bool)
        for at in np.flatnonzero(found):
            postings = self.postings[self.indptr[rows[at]] : self.indptr[rows[at] + 1]]
            near = np.minimum(np.searchsorted(postings, positions), len(postings) - 1)
            held[at] = postings[near] == positions
        return held

    def passages_with(self, term: str) -> np.ndarray:
        """Positions of the passages that contain `term` (ascending)."""
        row = self._row(term)
        if row is None:
            return np.empty(0, dtype=np.int32)
        return self.postings[self.indptr[row] : self.indptr[row + 1]]

    def rows_of(self, terms: Sequence[str]) -> np.ndarray:
        """The index rows of the terms it knows (each once), most weighty first."""
        rows, found = self._lookup(list(dict.fromkeys(terms)))
        rows = rows[found].astype(np.int64)
        return rows[np.argsort(-self.max_weights[rows], kind="stable")]

    def scores_at(self, query_terms: Sequence[str], positions: np.ndarray) -> np.ndarray:
        """BM25 scores of the passages at `positions` (ascending) for the query terms:
        each term's postings are searched for them, so the cost follows the passages
        asked about, not the corpus."""
        positions = np.asarray(positions, dtype=np.int64)
        scores = np.zeros(len(positions), dtype=np.float64)
        for row in self.rows_of(query_terms):
            span = slice(self.indptr[row], self.indptr[row + 1])
            postings = self.postings[span]
            at = np.minimum(np.searchsorted(postings, positions), len(postings) - 1)
            found = postings[at] == positions
            scores[found] += self.weights[span][at[found]]
        return scores

    def top(
        self,
        query_terms: Sequence[str],
        k: int,
        allowed: np.ndarray | None = None,
        floor: float = 0.0,
    ) -> list[tuple[int, float]]:
        """The best k passages with a positive score, best first: (position, score);
        equal scores are ordered by position. `allowed` (a 0/1 mask of the passages)
        limits the results to some passages; passages scoring under `floor` × the best
        are not wanted (some may still be returned), so their postings may be skipped.

        Only the postings of the question's terms are read: by the compiled kernel
        (bot/search/kernel.py), which also skips postings that cannot reach the top k,
        for an index of COMPILED_FROM passages or more, else with NumPy.
        """
        k = max(0, min(k, self.size))
        rows = self.rows_of(query_terms)
        if k == 0 or not len(rows):
            return []
        mask = np.empty(0, dtype=np.uint8) if allowed is None else allowed
        kernel = self._kernel()
        if kernel is not None:
            scratch = self._scratch()
            positions, scores = kernel.top_k(
                self.indptr, self.postings, self.weights, self._added(scratch), rows,
                self.max_weights[rows], k, floor, mask, scratch.accumulator, scratch.touched,
            )  # fmt: skip
            return list(zip(positions.tolist(), scores.tolist(), strict=True))
        return self._top_numpy(rows, k, mask, floor)

    def warm(self) -> None:
        """Load the compiled kernel now (from numba's cache, or compiling it once, some
        20 s on a fresh machine), so that the first question does not wait for it."""
        kernel = self._kernel()
        if kernel is not None and len(self.term_hashes):
            rows = np.zeros(1, dtype=np.int64)
            scratch = self._scratch()
            kernel.top_k(
                self.indptr, self.postings, self.weights, self._added(scratch), rows,
                self.max_weights[rows], 1, 0.0, np.empty(0, dtype=np.uint8),
                scratch.accumulator, scratch.touched,
            )  # fmt: skip
            kernel.holds(self.indptr, self.postings, rows, np.ones(1, dtype=bool), rows)
            self._search(term_hashes([""]))

    def _top_numpy(
        self, rows: np.ndarray, k: int, mask: np.ndarray, floor: float
    ) -> list[tuple[int, float]]:
        """`top` with NumPy: the terms' postings gathered, summed per passage, selected
        (those under `floor` × the best left out)."""
        spans = [slice(self.indptr[row], self.indptr[row + 1]) for row in rows]
        postings = np.concatenate([self.postings[span] for span in spans])
        weights = np.concatenate([self.weights[span] for span in spans])
        if len(mask):
            keep = mask[postings].astype(bool)
            postings, weights = postings[keep], weights[keep]
        if len(spans) == 1:
            positions, scores = postings.astype(np.int64), weights
        else:
            positions, inverse = np.unique(postings, return_inverse=True)
            scores = np.bincount(inverse, weights=weights, minlength=len(positions))
        positive = scores > 0  # as the kernel: a passage scoring nothing is no match
        if floor > 0 and len(scores):
            positive &= scores >= floor * scores.max()
        positions, scores = positions[positive], scores[positive]
        if k < len(positions):
            kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
            chosen = np.flatnonzero(scores >= kth)
            positions, scores = positions[chosen], scores[chosen]
        order = np.lexsort((positions, -scores))[:k]
        return list(zip(positions[order].tolist(), scores[order].tolist(), strict=True))

    @property
    def compiled_scoring(self) -> bool:
        """Whether this index scores with the compiled kernel (a large index)."""
        return self._kernel() is not None

    def _kernel(self) -> ModuleType | None:
        """The compiled kernel when it pays for this index (and numba imports)."""
        wanted = self.compiled if self.compiled is not None else self.size >= COMPILED_FROM
        return compiled_kernel() if wanted else None

    def _scratch(self) -> Scratch:
        """This thread's accumulator for the compiled kernel (made once per thread, and
        again if `float32` is changed)."""
        use_float32 = self.float32 if self.float32 is not None else self.size >= FLOAT32_FROM
        dtype = np.dtype(np.float32 if use_float32 else np.float64)
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch.accumulator.dtype != dtype:
            # touched has one spare entry: the kernel writes before it counts
            touched = np.zeros(self.size + 1, dtype=np.int32)
            scratch = Scratch(np.zeros(self.size, dtype=dtype), touched)
            self._local.scratch = scratch
        return scratch

    def _added(self, scratch: Scratch) -> np.ndarray:
        """The weights the kernel adds into this accumulator: float32 ones into a float32
        accumulator (8 bytes read a posting, not 12), else the exact ones."""
        return self.scan_weights if scratch.accumulator.itemsize == 4 else self.weights

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store on disk (with `size`, they are the whole index)."""
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, size: int, arrays: dict[str, np.ndarray]) -> BM25Index:
        """The index from stored arrays (memory-mapped or not)."""
        stored: dict[str, Any] = {name: arrays[name] for name in ARRAYS}
        return cls(size=size, **stored)
