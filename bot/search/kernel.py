"""The compiled top-k kernel (numba): the best k passages from the question terms'
posting lists alone, skipping what cannot reach the top k.

Terms are taken most weighty first (term at a time) into an accumulator that belongs
to the index, not to the question. Once the terms still to come cannot lift a passage
the accumulator has not met above the k-th best score so far, or above a floor the
caller sets (a share of the best score so far: what it would leave out anyway), which
is MaxScore's bound as Lucene and tantivy use it, they only add to the passages already
met that can still reach it: each looked up in their posting lists by binary search
when few are left, else by reading the postings and skipping the passages not met.
The accumulator is left all zeros again before returning, so the cost of a question
follows its postings, never the size of the corpus. A large index's kernel adds float32
weights into a float32 accumulator, which halves the memory its questions sweep and the
bytes a posting costs (8, not 12): the bounds then allow for the rounding (of BM25
weights, which are well inside float32's range), and the passages that may be among
the k best are scored again exactly from the float64 weights, so the results are those
of a float64 accumulator to the bit; with a floor, to the bit above floor × the best (below
it, where passages may or may not be returned, the two may return different ones).

This module imports numba; `bot.search.index` imports it only for an index large
enough to pay for it (see `COMPILED_FROM` there) and falls back to NumPy without it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SLACK = 1e-9  # relative margin on score bounds (floating-point sums in another order)
# A float32 weight is the float64 one rounded, and a float32 accumulator rounds each sum
# it stores (a relative error under 2^-24 each): this much relative error per term
# bounds a passage's score kept there.
ROUNDING = 2.0**-23
DENSE = 4  # a term in over a quarter of the passages: no bookkeeping of which were met
GALLOP = 8  # look the passages met up in a term's postings when they hold this many times more
# The k-th score's first lower bound is taken from the first passages met, this share of
# the corpus (1/256): gathering and partitioning them costs a fixed time, a bound too low
# costs a share of the long posting lists, which grow with the corpus. At 1M passages it
# is about the 4,096 it used to be (1,024 and 256 were slower there); at 100k (390), p95
# -9 % against 4,096 on the peers' questions, and -6 % at 50k.
# A small index samples at least SAMPLE_LEAST (all it has met, as often as not).
SAMPLE_SHIFT = 8
SAMPLE_LEAST = 256


@njit(cache=True, nogil=True)
def _kth_largest(accumulator, touched, count, k):  # pragma: no cover - compiled
    """The k-th largest score among the passages touched[:count] (k <= count)."""
    values = np.empty(count, dtype=np.float64)
    for i in range(count):
        values[i] = accumulator[touched[i]]
    return np.partition(values, count - k)[count - k]


@njit(cache=True, nogil=True)
def _worse(score_a, position_a, score_b, position_b):  # pragma: no cover - compiled
    """Whether passage a ranks below passage b (lower score; equal: later position)."""
    return score_a < score_b or (score_a == score_b and position_a > position_b)


@njit(cache=True, nogil=True)
def _push(heap_scores, heap_positions, kept, score, d):  # pragma: no cover - compiled
    """Keep passage d in the heap of the k best so far (its root the worst kept);
    returns how many it keeps."""
    k = heap_scores.shape[0]
    if kept < k:
        i = kept
        while i > 0:  # sift up: the worse passage toward the root
            parent = (i - 1) // 2
            if not _worse(score, d, heap_scores[parent], heap_positions[parent]):
                break
            heap_scores[i], heap_positions[i] = heap_scores[parent], heap_positions[parent]
            i = parent
        heap_scores[i], heap_positions[i] = score, d
        return kept + 1
    if not _worse(heap_scores[0], heap_positions[0], score, d):
        return kept
    i = 0
    while True:  # sift down from the root, which the new passage replaces
        child = 2 * i + 1
        if child >= k:
            break
        if child + 1 < k and _worse(
            heap_scores[child + 1], heap_positions[child + 1],
            heap_scores[child], heap_positions[child],
        ):  # fmt: skip
            child += 1
        if not _worse(heap_scores[child], heap_positions[child], score, d):
            break
        heap_scores[i], heap_positions[i] = heap_scores[child], heap_positions[child]
        i = child
    heap_scores[i], heap_positions[i] = score, d
    return kept


@njit(cache=True, nogil=True)
def _ranked(heap_scores, heap_positions, kept):  # pragma: no cover - compiled
    """The heap's passages best first (ties by position)."""
    order = np.argsort(heap_positions[:kept])  # by position, then a stable sort by score
    positions, scores = heap_positions[:kept][order], heap_scores[:kept][order]
    order = np.argsort(-scores, kind="mergesort")
    return positions[order], scores[order]


@njit(cache=True, nogil=True)
def _best(accumulator, touched, count, k):  # pragma: no cover - compiled
    """The k best of touched[:count], best first, their scores set back to zero."""
    heap_scores = np.empty(k, dtype=np.float64)
    heap_positions = np.empty(k, dtype=np.int64)
    kept = 0
    floor = np.nextafter(0.0, 1.0)  # the least a passage must score to be considered
    for at in range(count):
        d = touched[at]
        score = accumulator[d]
        if score >= floor:  # rarely true once k are kept: a branch the CPU predicts
            kept = _push(heap_scores, heap_positions, kept, score, d)
            if kept == k:
                floor = heap_scores[0]
        accumulator[d] = 0.0
    return _ranked(heap_scores, heap_positions, kept)


@njit(cache=True, nogil=True)
def _best_of_all(accumulator, k):  # pragma: no cover - compiled
    """The k best passages of the whole accumulator in one pass, zeroing it on the way."""
    heap_scores = np.empty(k, dtype=np.float64)
    heap_positions = np.empty(k, dtype=np.int64)
    kept = 0
    floor = np.nextafter(0.0, 1.0)  # the least a passage must score to be considered
    for d in range(accumulator.shape[0]):
        score = accumulator[d]
        if score >= floor:  # rarely true once k are kept: a branch the CPU predicts
            kept = _push(heap_scores, heap_positions, kept, score, d)
            if kept == k:
                floor = heap_scores[0]
        accumulator[d] = 0.0
    return _ranked(heap_scores, heap_positions, kept)


@njit(cache=True, nogil=True)
def _candidates(accumulator, touched, count, every, k, margin):  # pragma: no cover
    """With approximate scores (relative error under margin / 2): the passages of
    touched[:count] (`every`: positions 0..count-1) that may be among the k best, those
    within `margin` of the k-th best score; the accumulator left all zeros.
    They are kept in touched[:found] on the way (never ahead of what is read)."""
    heap_scores = np.empty(k, dtype=np.float64)
    heap_positions = np.empty(k, dtype=np.int64)
    kept = 0
    floor = np.nextafter(0.0, 1.0)  # the least a passage must score to be considered
    near = floor  # the least a candidate must score
    found = 0
    for at in range(count):
        d = at if every else touched[at]
        score = accumulator[d]
        if score >= near:  # rarely true once k are kept: a branch the CPU predicts
            touched[found] = d  # its score kept, to be looked at once the k-th is known
            found += 1
            if score >= floor:
                kept = _push(heap_scores, heap_positions, kept, score, d)
                if kept == k:
                    floor = heap_scores[0]
                    near = floor * (1 - margin)
        else:
            accumulator[d] = 0.0
    positions = np.empty(found, dtype=np.int64)
    wanted = 0
    for at in range(found):
        d = touched[at]
        if accumulator[d] >= near:
            positions[wanted] = d
            wanted += 1
        accumulator[d] = 0.0
    return positions[:wanted]


@njit(cache=True, nogil=True)
def _first_at_least(values, low, high, d):  # pragma: no cover - compiled
    """The first place in values[low:high] (ascending) holding d or more; high: none."""
    while low < high:
        middle = (low + high) // 2
        if values[middle] < d:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True, nogil=True)
def _gallop(values, at, high, d):  # pragma: no cover - compiled
    """The first place in values[at:high] (ascending) holding d or more (high: none),
    galloping forward from `at` (steps doubling, then a binary search), so that looking
    up ascending values one after another costs about log(gap) each and reads near."""
    step = 1
    while at + step < high and values[at + step] < d:
        step *= 2
    low = at + step // 2 + 1 if step > 1 else at  # values[at + step // 2] < d
    return _first_at_least(values, low, min(at + step + 1, high), d)


@njit(cache=True, nogil=True)
def _rescored(indptr, postings, weights, rows, positions, k):  # pragma: no cover - compiled
    """The k best of these passages by their exact scores, best first (ties by
    position): each term's weight looked up in its postings and added in the terms'
    order, as a float64 accumulator adds them, so the scores are the same to the bit."""
    positions.sort()  # in order, so that many candidates (ties) gallop, near a scan
    exact = np.zeros(positions.shape[0], dtype=np.float64)
    for t in range(rows.shape[0]):
        at, end = indptr[rows[t]], indptr[rows[t] + 1]
        for i in range(positions.shape[0]):
            at = _gallop(postings, at, end, positions[i])
            if at >= end:
                break
            if postings[at] == positions[i]:
                exact[i] += weights[at]
    heap_scores = np.empty(k, dtype=np.float64)
    heap_positions = np.empty(k, dtype=np.int64)
    kept = 0
    for i in range(positions.shape[0]):
        kept = _push(heap_scores, heap_positions, kept, exact[i], positions[i])
    return _ranked(heap_scores, heap_positions, kept)


@njit(cache=True, nogil=True)
def _add_to_met(indptr, postings, weights, row, accumulator, met, count):  # pragma: no cover
    """Add one term's weights to the passages `met[:count]` (ascending) that hold it,
    galloping forward through its postings (exponential, then binary search), so the
    cost is about count × log(postings / count) and the reads stay near each other."""
    j, high = indptr[row], indptr[row + 1]
    for i in range(count):
        d = met[i]
        j = _gallop(postings, j, high, d)
        if j >= high:
            return
        if postings[j] == d:
            accumulator[d] += weights[j]


@njit(cache=True, nogil=True)
def top_k(
    indptr, postings, weights, added, rows, bounds, k, floor, allowed, accumulator, touched
):  # pragma: no cover - compiled
    """The best `k` passages (positions, scores), best first, ties by position.

    `added` are the weights summed into the accumulator: `weights` (float64) or, into a
    float32 accumulator, those weights as float32 (rescored from `weights`);
    `rows` are the question's term rows, sorted by `bounds` (each term's largest
    weight) descending; passages that cannot reach `floor` × the best score are not
    wanted (0: all are), so they are skipped like those below the k-th best, and some
    of those under it may still be returned; `allowed` is a 0/1 mask of the passages
    that may be returned (empty: all); `accumulator` (float64, or float32: scores
    kept approximately, ranked exactly) and `touched` (int32) are scratch arrays of the
    index's size (the accumulator all zeros in and out).

    (Long on purpose: one compiled loop nest, where a call per phase would cost numba a
    boundary per term.)
    """
    filtered = allowed.shape[0] > 0
    terms = rows.shape[0]
    # a float32 accumulator (half the memory a large index sweeps) holds scores to a
    # relative error under `error`: the bounds allow for it, and the passages that may
    # be among the k best are scored again exactly (3 × error: a bound or a score is
    # compared with an approximate k-th best, and both may err)
    error = terms * ROUNDING if accumulator.itemsize == 4 else 0.0
    slack = SLACK + 3 * error
    rest = np.zeros(terms + 1)  # the most that terms i.. can add to a passage
    for i in range(terms - 1, -1, -1):
        rest[i] = rest[i + 1] + bounds[i]
    count = 0
    best = 0.0
    threshold = 0.0  # what a passage must reach: at most the k-th best, or floor × the best
    size = accumulator.shape[0]
    i = 0
    while i < terms:
        if rest[i] * (1 + slack) < best:
            # The best so far is at most the best of all, so floor × it bounds what is
            # wanted; and the k-th best of a subset is at most the k-th best of all: the
            # passages met first (by the weightiest terms) give a bound at a bounded cost.
            threshold = max(threshold, floor * best)
            if count >= k and rest[i] * (1 + slack) >= threshold:
                sample = min(count, max(size >> SAMPLE_SHIFT, SAMPLE_LEAST, k))
                threshold = max(threshold, _kth_largest(accumulator, touched, sample, k))
            if rest[i] * (1 + slack) < threshold:
                break  # no passage not met yet can reach the top k, or the floor
        row = rows[i]
        if (indptr[row + 1] - indptr[row]) * DENSE >= size:
            # a term in a good part of the corpus that the bound did not stop before:
            # add it and the rest in full, then take the best in one pass over all
            for at in range(i, terms):
                row = rows[at]
                if filtered:
                    for j in range(indptr[row], indptr[row + 1]):
                        if allowed[postings[j]] != 0:
                            accumulator[postings[j]] += added[j]
                else:  # (a loop without the test: some 10 % faster at 1M passages)
                    for j in range(indptr[row], indptr[row + 1]):
                        accumulator[postings[j]] += added[j]
            if error:
                found = _candidates(accumulator, touched, size, True, k, 3 * error)
                return _rescored(indptr, postings, weights, rows, found, k)
            return _best_of_all(accumulator, k)
        for j in range(indptr[row], indptr[row + 1]):
            d = postings[j]
            if filtered and allowed[d] == 0:
                continue
            score = accumulator[d]
            touched[count] = d  # kept (count moves on) only if the passage is new
            count += score == 0.0
            score += added[j]
            accumulator[d] = score
            best = max(best, score)
        i += 1
    ordered = False
    for row_at in range(i, terms):  # the rest only add to the passages met that still can
        count = _still_possible(accumulator, touched, count, rest[row_at], threshold, slack)
        row = rows[row_at]
        low, high = indptr[row], indptr[row + 1]
        # few met: look each one up (once they are in order, which costs a sort)
        sorting = 0 if ordered else count * np.log2(count + 1)
        if count * GALLOP + sorting < high - low:
            if not ordered:
                touched[:count].sort()
                ordered = True
            _add_to_met(indptr, postings, added, row, accumulator, touched, count)
        else:  # many: read the postings, adding to the passages met (non-zero), without
            # a branch (a passage not met adds 0): 3× faster than testing each one first
            for j in range(low, high):
                d = postings[j]
                score = accumulator[d]
                accumulator[d] = score + added[j] * (score != 0.0)
    if error:
        found = _candidates(accumulator, touched, count, False, min(k, count), 3 * error)
        return _rescored(indptr, postings, weights, rows, found, k)
    return _best(accumulator, touched, count, min(k, count))


@njit(cache=True, nogil=True)
def _still_possible(accumulator, touched, count, rest, threshold, slack):  # pragma: no cover
    """Keep in touched[:count] (in their order) the passages that the terms left, adding
    at most `rest`, can still lift to `threshold`; the others are set back to zero.
    Returns how many are kept."""
    kept = 0
    for at in range(count):
        d = touched[at]
        if (accumulator[d] + rest) * (1 + slack) >= threshold:
            touched[kept] = d
            kept += 1
        else:
            accumulator[d] = 0.0
    return kept


@njit(cache=True, nogil=True)
def holds(indptr, postings, rows, found, positions):  # pragma: no cover - compiled
    """For each term (its row, where `found`) and passage position, whether the term's
    postings hold the passage: a binary search each, in one compiled loop (NumPy's
    searchsorted costs microseconds a call, and a question asks for dozens)."""
    held = np.zeros((rows.shape[0], positions.shape[0]), dtype=np.bool_)
    for t in range(rows.shape[0]):
        if not found[t]:
            continue
        first, end = indptr[rows[t]], indptr[rows[t] + 1]
        for j in range(positions.shape[0]):
            at = _first_at_least(postings, first, end, positions[j])
            held[t, j] = at < end and postings[at] == positions[j]
    return held


@njit(cache=True, nogil=True)
def find_rows(term_hashes, presence, shift, keys):  # pragma: no cover - compiled
    """Each key's row in the sorted `term_hashes` (-1: none), the keys the presence map
    rules out (bit key >> shift clear) not searched for: `BM25Index._search` in one
    compiled loop, which costs a question microseconds where NumPy's dozen small calls
    cost tens."""
    rows = np.full(keys.shape[0], -1, dtype=np.int64)
    size = term_hashes.shape[0]
    for i in range(keys.shape[0]):
        key = keys[i]
        place = np.int64(key >> shift)
        if (presence[place >> 3] >> (place & 7)) & 1 == 0:
            continue
        at = _first_at_least(term_hashes, 0, size, key)
        if at < size and term_hashes[at] == key:
            rows[i] = at
    return rows
