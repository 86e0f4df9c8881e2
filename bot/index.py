"""The BM25 index: the only module that talks to the ranking engine (rank-bm25).

rank-bm25's gaps are guarded here: an empty corpus (BM25Okapi([]) divides by zero),
a term in exactly half of the passages (idf 0 instead of the epsilon floor), zero
scores (never returned as matches) and k larger than the corpus (clamped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi


class GuardedBM25Okapi(BM25Okapi):
    """BM25Okapi whose epsilon floor also covers terms with idf exactly 0, and stays
    positive when the average idf is not (a tiny corpus whose words are all common).
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        idf_sum = 0.0
        low_terms = []
        for word, freq in nd.items():
            idf = math.log(self.corpus_size - freq + 0.5) - math.log(freq + 0.5)
            self.idf[word] = idf
            idf_sum += idf
            if idf <= 0:
                low_terms.append(word)
        self.average_idf = idf_sum / len(self.idf) if self.idf else 0.0
        floor = self.epsilon * max(self.average_idf, math.log(2))
        for word in low_terms:
            self.idf[word] = floor


class BM25Index:
    """BM25Okapi over token lists, with idf look-ups and top-k selection."""

    def __init__(
        self,
        token_lists: Sequence[Sequence[str]],
        k1: float = 0.8,
        b: float = 0.4,
        epsilon: float = 0.25,
    ) -> None:
        """Index one token list per passage. An empty list of passages is allowed."""
        self.size = len(token_lists)
        self._terms = [frozenset(tokens) for tokens in token_lists]
        self._bm25 = (
            GuardedBM25Okapi([list(t) for t in token_lists], k1=k1, b=b, epsilon=epsilon)
            if self.size and any(token_lists)
            else None
        )
        self.vocabulary_size = len(self._bm25.idf) if self._bm25 else 0

    def idf(self, term: str) -> float:
        """The term's idf; an unseen term gets the idf of a term in no passage."""
        if self._bm25 is not None and term in self._bm25.idf:
            return float(self._bm25.idf[term])
        return math.log(2 * self.size + 1) if self.size else 0.0

    def terms(self, position: int) -> frozenset[str]:
        """The distinct terms of one passage."""
        return self._terms[position]

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for the query terms (zeros when nothing matches)."""
        if self._bm25 is None or not query_terms:
            return np.zeros(self.size)
        known = [term for term in query_terms if term in self._bm25.idf]
        if not known:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(known), dtype=float)

    def top(self, query_terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The best k passages with a positive score, best first: (position, score)."""
        scores = self.scores(query_terms)
        k = max(0, min(k, self.size))
        if k == 0:
            return []
        candidates = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        ranked = sorted(candidates, key=lambda i: (-scores[i], i))
        return [(int(i), float(scores[i])) for i in ranked if scores[i] > 0]
