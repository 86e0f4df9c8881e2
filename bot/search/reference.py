"""rank-bm25 as a ranking engine (`BM25_ENGINE=rank-bm25`): its BM25Okapi over the
index's own token lists, for a small corpus or for checking a result.

It ranks as the fast engine does (the same BM25Okapi with the same k1, b and epsilon;
`tests/test_index.py` holds them side by side), except in rank-bm25's two gaps that the
fast engine guards (a term in exactly half of the passages weighs 0; the epsilon floor
goes negative when the average idf is). It keeps a dict per passage and scores every
passage for every question, so it costs memory and time in proportion to the corpus:
at 100,000 passages about 3 GB and 0.4 s a question (README, "Speed").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi


class RankBM25Engine:
    """`top` and `scores_at` (the ranking calls the searcher makes) from rank-bm25."""

    def __init__(
        self, token_lists: Sequence[Sequence[str]], k1: float, b: float, epsilon: float
    ) -> None:
        self.size = len(token_lists)
        self._bm25 = BM25Okapi(token_lists, k1=k1, b=b, epsilon=epsilon) if self.size else None

    def top(
        self,
        query_terms: Sequence[str],
        k: int,
        allowed: np.ndarray | None = None,
        floor: float = 0.0,
    ) -> list[tuple[int, float]]:
        """The best k passages with a positive score, best first, ties by position
        (those under `floor` × the best left out)."""
        if self._bm25 is None or k <= 0 or not query_terms:
            return []
        scores = self._bm25.get_scores(list(dict.fromkeys(query_terms)))
        if allowed is not None:
            scores = np.where(allowed.astype(bool), scores, 0.0)
        positive = np.flatnonzero((scores > 0) & (scores >= floor * scores.max()))
        order = np.lexsort((positive, -scores[positive]))[:k]
        return [(int(p), float(scores[p])) for p in positive[order]]

    def scores_at(self, query_terms: Sequence[str], positions: np.ndarray) -> np.ndarray:
        """The scores of the passages at `positions`."""
        if self._bm25 is None or not len(positions):
            return np.zeros(len(positions))
        terms = list(dict.fromkeys(query_terms))
        return np.asarray(self._bm25.get_batch_scores(terms, [int(p) for p in positions]))
