"""Building the BM25 arrays within bounded memory: counted in batches, spilled to disk
by term, then laid out term by term.

Batches of passages are counted where they are tokenized (in the build's worker
processes): a batch comes back as arrays of term hashes, passages and counts, never as
Python strings. The postings go to bucket files by the top bits of their term's hash,
so each bucket holds whole terms, and buckets in order are terms in hash order. Each
bucket is then read alone, sorted by term (passages stay ascending: they were added in
order) and written out as posting lists with their BM25 weights. The largest thing in
memory is one bucket (about BUCKET_POSTINGS postings), whatever the corpus's size.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from bot.config import FLOATS
from bot.search.index import ARRAYS, BLOCK, BM25Index, guarded_idf, presence_map, term_hashes
from bot.search.npyfile import ArrayWriter

POSTING = np.dtype([("hash", "<u8"), ("passage", "<i4"), ("count", "<i4")])
BUCKET_POSTINGS = 1 << 22  # postings a bucket is sized for (64 MB)
MAX_BUCKET_BITS = 8  # 256 files: well within the usual limit of 1,024 open files
POSTINGS_PER_PASSAGE = 250  # a guess, to size the buckets before counting
TOKEN_BATCH = 4096  # token lists counted at a time by index_tokens


@dataclass(frozen=True)
class Batch:
    """The term counts of consecutive passages, as arrays."""

    hashes: np.ndarray  # uint64: each distinct term of the batch
    rows: np.ndarray  # int32: per posting, its term (into `hashes`)
    passages: np.ndarray  # int32: per posting, its passage (within the batch)
    counts: np.ndarray  # int32: per posting, how often the term occurs there
    lengths: np.ndarray  # int64: per passage, its number of terms


def count_batch(term_lists: Iterable[Sequence[str]]) -> Batch:
    """One batch of passages' terms (a list each, repeats counted) as arrays: what a
    build worker returns. The terms are hashed once, then counted by sorting.

    Terms are known by their 64-bit hash alone: two terms of a corpus of n distinct
    terms share one with odds of about n² / 2⁶⁵ (1 in 750,000 at 7 million terms), and
    would then share their postings; nothing checks for it (a check would cost the
    build a tenth of its time for a merge of two rare terms' passages)."""
    flat: list[str] = []
    lengths = array("q")
    for terms in term_lists:
        flat += terms
        lengths.append(len(terms))
    vocabulary, rows = np.unique(term_hashes(flat), return_inverse=True)
    passage_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    pairs, counts = np.unique(passage_of * len(vocabulary) + rows, return_counts=True)
    return Batch(
        vocabulary,
        (pairs % max(1, len(vocabulary))).astype(np.int32),
        (pairs // max(1, len(vocabulary))).astype(np.int32),
        counts.astype(np.int32),
        np.frombuffer(lengths, dtype=np.int64),
    )


def index_tokens(
    token_lists: Sequence[Sequence[str]],
    k1: float = FLOATS["bm25_k1"].default,
    b: float = FLOATS["bm25_b"].default,
    epsilon: float = FLOATS["bm25_epsilon"].default,
) -> BM25Index:
    """The index of one token list per passage (tests and benchmarks)."""
    batches = (
        count_batch(token_lists[low : low + TOKEN_BATCH])
        for low in range(0, len(token_lists), TOKEN_BATCH)
    )
    return build_index(batches, len(token_lists), None, k1, b, epsilon)


class PostingsBuilder:
    """Takes batches in passage order; `finish` writes the index's arrays."""

    def __init__(self, passages: int, spill: Path) -> None:
        expected = max(1, passages * POSTINGS_PER_PASSAGE)
        wanted = max(0, int(np.ceil(np.log2(expected / BUCKET_POSTINGS))))
        self.bits = min(wanted, MAX_BUCKET_BITS)  # each bucket is an open file while adding
        self.spill = spill
        spill.mkdir(parents=True, exist_ok=True)
        self._files: list[BinaryIO] = [
            (spill / f"bucket-{b:04d}").open("wb") for b in range(1 << self.bits)
        ]
        self._lengths: list[np.ndarray] = []
        self.size = 0

    def add(self, batch: Batch) -> None:
        """Spill one batch's postings into the buckets of their terms."""
        postings = np.empty(len(batch.rows), dtype=POSTING)
        postings["hash"] = batch.hashes[batch.rows]
        postings["passage"] = batch.passages + self.size
        postings["count"] = batch.counts
        if self.bits:  # (at most MAX_BUCKET_BITS: a byte, which NumPy radix-sorts)
            bucket = (postings["hash"] >> np.uint64(64 - self.bits)).astype(np.uint8)
            postings = postings[np.argsort(bucket, kind="stable")]  # passages stay ascending
            bounds = np.zeros(len(self._files) + 1, dtype=np.int64)
            np.cumsum(np.bincount(bucket, minlength=len(self._files)), out=bounds[1:])
            for number, handle in enumerate(self._files):
                handle.write(postings[bounds[number] : bounds[number + 1]].tobytes())
        else:
            self._files[0].write(postings.tobytes())
        self._lengths.append(batch.lengths)
        self.size += len(batch.lengths)

    def finish(self, writer: ArrayWriter, k1: float, b: float, epsilon: float) -> BM25Index:
        """Write term_hashes, idf, max_weights, indptr, postings, weights and
        scan_weights through `writer`, and the index over them (memory-mapped)."""
        for handle in self._files:
            handle.close()
        buckets = [self.spill / f"bucket-{b:04d}" for b in range(len(self._files))]
        lengths = (
            np.concatenate(self._lengths).astype(np.float64)
            if self._lengths
            else np.empty(0, dtype=np.float64)
        )
        terms, document_frequency = bucket_terms(buckets)
        idf = guarded_idf(document_frequency, self.size, epsilon)
        hashes = np.concatenate(terms) if terms else np.empty(0, np.uint64)
        writer.save("term_hashes", hashes)
        writer.save("presence", presence_map(hashes))
        del hashes
        writer.save("idf", idf)
        indptr = np.zeros(len(document_frequency) + 1, dtype=np.int64)
        np.cumsum(document_frequency.astype(np.int64), out=indptr[1:])
        writer.save("indptr", indptr)
        average_length = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        total = int(indptr[-1])
        maxima = []
        with (
            writer.stream("postings", np.dtype(np.int32), total) as postings_out,
            writer.stream("weights", np.dtype(np.float64), total) as weights_out,
            writer.stream("scan_weights", np.dtype(np.float32), total) as scan_weights_out,
        ):
            first_row = 0
            for path, found in zip(buckets, terms, strict=True):
                bucket = np.fromfile(path, dtype=POSTING)
                path.unlink()
                bucket = bucket[term_order(bucket["hash"], self.bits)]
                rows = first_row + np.concatenate(
                    ([0], np.cumsum(bucket["hash"][1:] != bucket["hash"][:-1]))
                )
                weights = bm25_weights(
                    bucket["count"], idf, rows, lengths, bucket["passage"], average_length, k1, b
                )
                postings_out.write(bucket["passage"].astype(np.int32))
                weights_out.write(weights)
                scan_weights_out.write(weights.astype(np.float32))
                starts = indptr[first_row : first_row + len(found)] - indptr[first_row]
                if len(found):
                    maxima.append(np.maximum.reduceat(weights, starts))
                first_row += len(found)
        max_weights = np.concatenate(maxima) if maxima else np.empty(0, dtype=np.float64)
        writer.save("max_weights", max_weights)
        self.spill.rmdir()
        return BM25Index.from_arrays(self.size, writer.mapped(ARRAYS))


def term_order(hashes: np.ndarray, shared_bits: int) -> np.ndarray:
    """The positions of `hashes` in hash order, equal hashes' positions ascending (what a
    stable argsort gives, at a fraction of its cost): one sort of 64-bit keys, each the
    hash's bits after the `shared_bits` they all share above its position, then each run
    of keys whose bits were the same for different hashes sorted by the whole hash."""
    size = len(hashes)
    position_bits = max(1, int(size).bit_length())
    kept_bits = 64 - position_bits
    if size < 2 or kept_bits < 32:  # a bucket far above its size: the plain way
        return np.argsort(hashes, kind="stable")
    top = (hashes << np.uint64(shared_bits)) >> np.uint64(64 - kept_bits)
    keys = (top << np.uint64(position_bits)) | np.arange(size, dtype=np.uint64)
    keys.sort()
    order = (keys & np.uint64((1 << position_bits) - 1)).astype(np.int64)
    ordered = hashes[order]
    runs = keys >> np.uint64(position_bits)
    end = 0
    for at in np.flatnonzero(ordered[1:] < ordered[:-1]).tolist():
        if at < end:
            continue
        start = int(np.searchsorted(runs, runs[at], side="left"))
        end = int(np.searchsorted(runs, runs[at], side="right"))
        run = order[start:end]
        order[start:end] = run[np.argsort(hashes[run], kind="stable")]
    return order


def bucket_terms(buckets: list[Path]) -> tuple[list[np.ndarray], np.ndarray]:
    """Each bucket's term hashes (sorted), and every term's document frequency in the
    buckets' order: the index's rows."""
    counted = [
        np.unique(np.fromfile(path, dtype=POSTING)["hash"], return_counts=True) for path in buckets
    ]
    terms = [found for found, _ in counted]
    frequencies = [frequency for _, frequency in counted]
    return terms, np.concatenate(frequencies).astype(np.float64) if frequencies else np.empty(0)


def bm25_weights(
    counts: np.ndarray,
    idf: np.ndarray,
    rows: np.ndarray,
    lengths: np.ndarray,
    passages: np.ndarray,
    average_length: float,
    k1: float,
    b: float,
) -> np.ndarray:
    """BM25Okapi's weight of each posting (a term's `rows`, a passage, a count): the
    term's idf × its saturated count in a passage of that length; computed a BLOCK at a
    time, so a bucket costs one array of weights."""
    weights = np.empty(len(counts), dtype=np.float64)
    for low in range(0, len(counts), BLOCK):
        part = slice(low, low + BLOCK)
        tf = counts[part].astype(np.float64)
        # The same operations in the same order as rank-bm25: scores agree to the bit.
        norm = k1 * (1 - b + b * lengths[passages[part]] / average_length)
        weights[part] = idf[rows[part]] * (tf * (k1 + 1) / (tf + norm))
    return weights


def build_index(
    batches: Iterable[Batch],
    passages: int,
    writer: ArrayWriter | None,
    k1: float,
    b: float,
    epsilon: float,
) -> BM25Index:
    """The BM25 index of the batches (in passage order; `passages` in all, to size the
    buckets). Its arrays are written through `writer`, or, without one, into a
    temporary folder that is gone once they are mapped."""
    if writer is None:
        with tempfile.TemporaryDirectory(prefix="docbot-index-") as folder:
            return build_index(batches, passages, ArrayWriter(Path(folder)), k1, b, epsilon)
    builder = PostingsBuilder(passages, writer.folder / ".spill")
    for batch in batches:
        builder.add(batch)
    return builder.finish(writer, k1, b, epsilon)
