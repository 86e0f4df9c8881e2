"""The compiled top-k kernel (numba): the best k passages from the question terms'
posting lists alone, skipping what cannot reach the top k.

Terms are taken most weighty first (term at a time) into an accumulator that belongs
to the index, not to the question. Once the terms still to come cannot lift a passage
the accumulator has not met above the k-th best score so far (MaxScore's bound, as
Lucene and tantivy use it), they only add to the passages already met that can still
reach it: each looked up in their posting lists by binary search when few are left,
else by reading the postings and skipping the passages not met.
The accumulator is left all zeros again before returning, so the cost of a question
follows its postings, never the size of the corpus.

This module imports numba; `bot.search.index` imports it only for an index large
enough to pay for it (see `COMPILED_FROM` there) and falls back to NumPy without it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SLACK = 1e-9  # relative margin on score bounds (floating-point sums in another order)
SAMPLE = 4096  # passages the k-th score's lower bound is taken from (the first met)


@njit(cache=True, nogil=True)
def _kth_largest(accumulator, touched, count, k):  # pragma: no cover - compiled
    """The k-th largest score among the passages touched[:count] (k <= count)."""
    values = np.empty(count, dtype=np.float64)
    for i in range(count):
        values[i] = accumulator[touched[i]]
    return np.partition(values, count - k)[count - k]


@njit(cache=True, nogil=True)
def _add_to_met(indptr, postings, weights, row, accumulator, met, count):  # pragma: no cover
    """Add one term's weights to the passages `met[:count]` (ascending) that hold it."""
    low, high = indptr[row], indptr[row + 1]
    for i in range(count):
        d = met[i]
        at = low + np.searchsorted(postings[low:high], d)
        if at < high and postings[at] == d:
            accumulator[d] += weights[at]


@njit(cache=True, nogil=True)
def top_k(
    indptr, postings, weights, rows, bounds, k, allowed, accumulator, touched
):  # pragma: no cover - compiled
    """The best `k` passages (positions, scores), best first, ties by position.

    `rows` are the question's term rows, sorted by `bounds` (each term's largest
    weight) descending; `allowed` is a 0/1 mask of the passages that may be returned
    (empty: all); `accumulator` (float64) and `touched` (int32) are scratch arrays of the
    index's size (the accumulator all zeros in and out).
    """
    filtered = allowed.shape[0] > 0
    terms = rows.shape[0]
    rest = np.zeros(terms + 1)  # the most that terms i.. can add to a passage
    for i in range(terms - 1, -1, -1):
        rest[i] = rest[i + 1] + bounds[i]
    count = 0
    best = 0.0
    threshold = 0.0  # a lower bound of the k-th best score
    i = 0
    while i < terms:
        if count >= k and rest[i] * (1 + SLACK) < best:
            # The k-th best of a subset is at most the k-th best of all: the passages
            # met first (by the weightiest terms) give a bound at a bounded cost.
            sample = min(count, max(SAMPLE, k))
            threshold = max(threshold, _kth_largest(accumulator, touched, sample, k))
            if rest[i] * (1 + SLACK) < threshold:
                break  # no passage not met yet can reach the top k
        row = rows[i]
        for j in range(indptr[row], indptr[row + 1]):
            d = postings[j]
            if filtered and allowed[d] == 0:
                continue
            if accumulator[d] == 0.0:
                touched[count] = d
                count += 1
            score = accumulator[d] + weights[j]
            accumulator[d] = score
            if score > best:
                best = score
        i += 1
    if i < terms:  # the rest only add to passages already met that can still make it
        kept = 0
        for at in range(count):
            d = touched[at]
            if (accumulator[d] + rest[i]) * (1 + SLACK) >= threshold:
                touched[kept] = d
                kept += 1
            else:
                accumulator[d] = 0.0
        count = kept
        ordered = False
        for row_at in range(i, terms):
            row = rows[row_at]
            low, high = indptr[row], indptr[row + 1]
            if count * np.log2(high - low + 1) < high - low:  # few met: look each one up
                if not ordered:
                    touched[:count].sort()
                    ordered = True
                _add_to_met(indptr, postings, weights, row, accumulator, touched, count)
            else:  # many: read the postings, adding to the passages met (non-zero)
                for j in range(low, high):
                    d = postings[j]
                    if accumulator[d] != 0.0:
                        accumulator[d] += weights[j]
    taken = min(k, count)
    positions = np.empty(taken, dtype=np.int64)
    scores = np.empty(taken, dtype=np.float64)
    if taken > 0:
        cut = _kth_largest(accumulator, touched, count, taken)
        chosen = 0
        for at in range(count):
            if accumulator[touched[at]] >= cut:
                chosen += 1
        keys = np.empty(chosen, dtype=np.int64)
        values = np.empty(chosen, dtype=np.float64)
        chosen = 0
        for at in range(count):
            d = touched[at]
            if accumulator[d] >= cut:
                keys[chosen] = d
                values[chosen] = accumulator[d]
                chosen += 1
        order = np.argsort(keys)  # by position, then a stable sort by score
        keys, values = keys[order], values[order]
        order = np.argsort(-values, kind="mergesort")[:taken]
        positions[:] = keys[order]
        scores[:] = values[order]
    for at in range(count):
        accumulator[touched[at]] = 0.0
    return positions, scores
