"""The BM25 index and the rank-bm25 gaps it guards."""

from __future__ import annotations

import math

from rank_bm25 import BM25Okapi

from bot.index import BM25Index


def test_empty_corpus_has_no_results() -> None:
    index = BM25Index([])
    assert index.top(["干部"], 3) == []
    assert index.scores(["干部"]).shape == (0,)


def test_passages_without_terms_are_allowed() -> None:
    index = BM25Index([[], []])
    assert index.top(["干部"], 3) == []


def test_zero_scores_are_not_matches_and_k_is_clamped() -> None:
    index = BM25Index([["干部", "培训"], ["基层"], ["作风"]])
    assert [position for position, _ in index.top(["培训"], 50)] == [0]
    assert index.top(["没有"], 2) == []
    assert index.top(["培训"], 0) == []


def test_term_in_exactly_half_of_the_passages_still_counts() -> None:
    lists = [["干部", "培训"], ["干部"], ["基层"], ["作风"]]
    assert BM25Okapi(lists).idf["干部"] == 0  # the gap: rank-bm25 gives it no weight
    index = BM25Index(lists)
    assert index.idf("干部") > 0
    assert [p for p, _ in index.top(["干部"], 4)] == [1, 0]


def test_matches_rank_bm25_where_it_has_no_gap() -> None:
    lists = [["a", "b", "c"], ["a", "d"], ["e", "f", "g", "a"], ["h"], ["b", "i"], ["j"]]
    reference = BM25Okapi(lists, k1=0.8, b=0.4)
    index = BM25Index(lists, k1=0.8, b=0.4)
    for query in (["b"], ["b", "d"], ["h", "i", "j"]):
        expected = reference.get_scores(query)
        assert all(math.isclose(x, y) for x, y in zip(index.scores(query), expected, strict=True))


def test_unseen_terms_weigh_the_most() -> None:
    index = BM25Index([["a"], ["b"], ["a", "b"]])
    assert index.idf("zzz") > max(index.idf("a"), index.idf("b"))
