"""The BM25 index: its guards, and its scores against rank-bm25, the reference."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.config import FLOATS, Settings
from bot.evaluation import read_jsonl
from bot.search import postings
from bot.search.build import with_engine
from bot.search.index import BM25Index, term_hash, term_hashes
from bot.search.postings import index_tokens
from bot.search.reference import RankBM25Engine
from bot.search.searcher import Searcher, index_text
from tests.auxil import synthetic
from tests.conftest import ROOT


class GuardedBM25Okapi(BM25Okapi):
    """rank-bm25's BM25Okapi with the two documented guards: the epsilon floor also
    covers idf == 0, and it stays positive when the average idf is not."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        super()._calc_idf(nd)
        raw = {w: math.log(self.corpus_size - f + 0.5) - math.log(f + 0.5) for w, f in nd.items()}
        floor = self.epsilon * max(self.average_idf, math.log(2))
        self.idf = {w: floor if value <= 0 else value for w, value in raw.items()}


DEFAULTS = {k: FLOATS[f"bm25_{k}"].default for k in ("k1", "b", "epsilon")}


def assert_same_ranking(index: BM25Index, reference: BM25Okapi, queries: list[list[str]]) -> None:
    for query in queries:
        expected = reference.get_scores(query)
        top = index.top(query, 10)
        order = sorted(range(len(expected)), key=lambda i: (-expected[i], i))
        expected_top = [(i, expected[i]) for i in order[:10] if expected[i] > 0]
        assert [i for i, _ in top] == [i for i, _ in expected_top], query
        for (_, score), (_, want) in zip(top, expected_top, strict=True):
            assert math.isclose(score, want, rel_tol=1e-6), (query, score, want)


def test_same_scores_as_rank_bm25_on_the_seed_corpus(seed_searcher: Searcher) -> None:
    tokenize = seed_searcher.tokenizer.tokenize
    token_lists = [tokenize(index_text(chunk)) for chunk in seed_searcher.store]
    index = index_tokens(token_lists)
    reference = GuardedBM25Okapi(token_lists, **DEFAULTS)
    queries = [
        list(dict.fromkeys(tokenize(q)))
        for q in [
            "年轻干部应该去哪里历练",
            "灯下黑",
            "干部",
            "组织部门 政治 监督",
            "五提四晋 职级",
        ]
    ]
    assert_same_ranking(index, reference, queries)


# the three ways of scoring, whatever the index's size: NumPy, the compiled kernel with
# a float64 accumulator, and with a float32 one (a large index's)
SCORING = pytest.mark.parametrize(
    ("compiled", "float32"),
    [(False, False), (True, False), (True, True)],
    ids=["numpy", "compiled", "compiled-float32"],
)


@SCORING
@pytest.mark.parametrize(("k1", "b"), [(0.8, 0.4), (1.5, 0.75)])
def test_same_scores_as_rank_bm25_on_10k_generated_passages(
    k1: float, b: float, compiled: bool, float32: bool
) -> None:
    token_lists = synthetic.token_lists(10_000)
    index = index_tokens(token_lists, k1=k1, b=b, epsilon=0.25)
    index.compiled, index.float32 = compiled, float32
    reference = GuardedBM25Okapi(token_lists, k1=k1, b=b, epsilon=0.25)
    rng = random.Random(3)
    queries = [list(dict.fromkeys(rng.choice(token_lists)[:6])) for _ in range(15)]
    queries += [list(dict.fromkeys(rng.sample(rng.choice(token_lists), 3))) for _ in range(15)]
    # common words (了, 是: in over half the passages, where the kernel adds every
    # posting and scans) with rare ones (where it stops adding passages it has not met)
    queries += [["了", "是", word] for word in rng.sample(token_lists[7], 5)]
    assert_same_ranking(index, reference, queries)
    # what a float32 kernel adds: the exact weights rounded (its bounds allow for it)
    assert index.scan_weights.dtype == np.float32
    assert np.array_equal(index.scan_weights, index.weights.astype(np.float32))


@pytest.mark.parametrize("k", [1, 10, 100])
def test_the_kernel_and_numpy_agree_within_a_mask_and_on_ties(k: int) -> None:
    token_lists = synthetic.token_lists(3_000, seed=5) + [["同一", "平局"]] * 40
    index = index_tokens(token_lists)
    allowed = np.zeros(index.size, dtype=np.uint8)
    allowed[1000:2500] = allowed[3010:] = 1
    rng = random.Random(8)
    queries = [list(dict.fromkeys(rng.choice(token_lists)[:5])) for _ in range(20)]
    queries += [["平局"], ["同一", "平局", "了"]]
    for query in queries:
        for mask in (None, allowed):
            index.compiled = False
            expected = index.top(query, k, mask)
            index.compiled = True
            for index.float32 in (False, True):  # the same to the bit
                assert index.top(query, k, mask) == expected, query
            if mask is not None:
                assert all(allowed[p] for p, _ in expected)
    for index.float32 in (False, True):
        ties = index.top(["平局"], k)
        assert [p for p, _ in ties] == list(range(3000, 3000 + min(k, 40)))  # by position


@pytest.mark.parametrize("k", [1, 10, 100])
def test_a_float32_accumulator_ranks_scores_it_cannot_tell_apart_exactly(k: int) -> None:
    """Scores a float32 cannot tell apart (relative differences of 1e-9, where it
    resolves 6e-8) come out in their exact order and to the bit, as NumPy's float64
    gives them; common terms take the kernel down its add-everything path, rare ones
    down the one that adds to the passages met."""
    token_lists = [["甲", "乙", "丙"]] * 300 + [["甲", "乙"]] * 300 + [["丁"]] * 900
    index = index_tokens(token_lists)  # 甲 and 乙 in 40 % of the passages, 丙 in 20 %
    rng = np.random.default_rng(11)
    index.weights = index.weights * (1 + rng.integers(0, 1000, len(index.weights)) * 1e-9)
    index.scan_weights = index.weights.astype(np.float32)
    index.max_weights = np.maximum.reduceat(index.weights, index.indptr[:-1])
    for query in (["丙"], ["甲", "乙"], ["乙", "丙"], ["甲", "乙", "丙"], ["丙", "乙", "甲"]):
        index.compiled, index.float32 = False, False
        scores = [score for _, score in index.top(query, 100)]
        assert len(set(scores)) > 1 and len({np.float32(s) for s in scores}) < len(scores)
        expected = index.top(query, k)
        index.compiled = index.float32 = True
        assert index.top(query, k) == expected, query


def test_a_float32_accumulator_does_not_round_a_passage_out_of_the_top_k() -> None:
    """The second best passage met by the weightier term scores a hair under 3, which a
    float32 rounds to 3.0; the other term can still lift a passage above it (to a
    hair less under 3), so the kernel must go on to that term."""
    index = index_tokens([["甲"], ["甲"], ["乙"]] + [["丁"]] * 20)
    weights = {"甲": [5.0, 3.0 - 1e-7], "乙": [3.0 - 0.5e-7]}
    index.weights = index.weights.copy()
    for term, values in weights.items():
        row = index.rows_of([term])[0]
        index.weights[index.indptr[row] : index.indptr[row + 1]] = values
    index.scan_weights = index.weights.astype(np.float32)
    index.max_weights = np.maximum.reduceat(index.weights, index.indptr[:-1])
    assert float(np.float32(weights["甲"][1])) > weights["乙"][0]
    index.compiled = False
    expected = index.top(["甲", "乙"], 2)
    assert [p for p, _ in expected] == [0, 2]
    index.compiled = index.float32 = True
    assert index.top(["甲", "乙"], 2) == expected


@SCORING
def test_passages_under_the_floor_may_be_skipped_and_the_others_are_the_same(
    compiled: bool, float32: bool
) -> None:
    token_lists = synthetic.token_lists(3_000, seed=5)
    index = index_tokens(token_lists)
    index.compiled, index.float32 = compiled, float32
    rng = random.Random(4)
    queries = [list(dict.fromkeys(rng.choice(token_lists)[:6])) for _ in range(20)]
    queries += [["了", "是", word] for word in rng.sample(token_lists[9], 5)]
    for query in queries:
        every = index.top(query, 100)
        floored = index.top(query, 100, floor=0.5)
        assert every and floored[0] == every[0], query
        best = every[0][1]
        assert [h for h in floored if h[1] >= 0.5 * best] == [
            h for h in every if h[1] >= 0.5 * best
        ], query
    # a weighty word and a slight one: what holds only the slight one is not read
    lists = [["稀有", "常见"]] + [["常见"]] * 100 + [["别的"]] * 1000
    index = index_tokens(lists)
    index.compiled, index.float32 = compiled, float32
    assert len(index.top(["稀有", "常见"], 10)) == 10
    assert [p for p, _ in index.top(["稀有", "常见"], 10, floor=0.5)] == [0]


def test_empty_corpus_has_no_results() -> None:
    index = index_tokens([])
    assert index.top(["干部"], 3) == []
    assert index.scores_at(["干部"], np.array([], dtype=np.int64)).shape == (0,)


def test_passages_without_terms_are_allowed() -> None:
    index = index_tokens([[], []])
    assert index.top(["干部"], 3) == []


def test_zero_scores_are_not_matches_and_k_is_clamped() -> None:
    index = index_tokens([["干部", "培训"], ["基层"], ["作风"]])
    assert [position for position, _ in index.top(["培训"], 50)] == [0]
    assert index.top(["没有"], 2) == []
    assert index.top(["培训"], 0) == []


def test_term_in_exactly_half_of_the_passages_still_counts() -> None:
    lists = [["干部", "培训"], ["干部"], ["基层"], ["作风"]]
    assert BM25Okapi(lists).idf["干部"] == 0  # the gap: rank-bm25 gives it no weight
    index = index_tokens(lists)
    assert index.idf_of("干部") > 0
    assert [p for p, _ in index.top(["干部"], 4)] == [1, 0]


def test_unseen_terms_weigh_the_most_and_postings_are_found() -> None:
    index = index_tokens([["a"], ["b"], ["a", "b"]])
    assert index.idf_of("zzz") > max(index.idf_of("a"), index.idf_of("b"))
    assert index.passages_with("a").tolist() == [0, 2]
    assert index.passages_with("zzz").tolist() == []


def test_round_trip_through_arrays() -> None:
    index = index_tokens(synthetic.token_lists(500))
    copy = BM25Index.from_arrays(index.size, {k: np.array(v) for k, v in index.arrays().items()})
    query = synthetic.token_lists(1, seed=99)[0][:5]
    assert copy.top(query, 10) == index.top(query, 10)


def test_bm25_engine_rank_bm25_answers_as_the_fast_engine(library_searcher: Searcher) -> None:
    reference = with_engine(library_searcher, Settings(bm25_engine="rank-bm25"))
    assert isinstance(reference.engine, RankBM25Engine)
    questions = [q["question"] for q in read_jsonl(ROOT / "questions" / "dev.jsonl")]
    differing = []
    for question in questions:
        fast = [hit.chunk.id for hit in library_searcher.search(question, 10).hits]
        slow = [hit.chunk.id for hit in reference.search(question, 10).hits]
        if fast != slow:
            differing.append(question)
    assert len(questions) >= 100
    assert differing == []


def test_spilling_by_term_bucket_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build spills postings to one file per range of term hashes; with many small
    buckets (as a million passages get) the arrays are those of one bucket."""
    token_lists = synthetic.token_lists(2_000, seed=4)
    whole = index_tokens(token_lists)
    monkeypatch.setattr(postings, "BUCKET_POSTINGS", 500)  # 256 buckets (the cap)
    monkeypatch.setattr(postings, "TOKEN_BATCH", 300)  # batches that straddle passages
    spilled = index_tokens(token_lists)
    for name, array in whole.arrays().items():
        assert np.array_equal(spilled.arrays()[name], array), name


def test_a_batch_hashes_its_terms_as_the_index_looks_them_up() -> None:
    terms = ["", "a", "干部", "\x02灯下", "年轻干部应该去哪里历练" * 3, "ﬁ", "😀", "python"]
    assert term_hashes(terms).tolist() == [term_hash(t) for t in terms]
    assert len(set(term_hashes(synthetic.dictionary()[0][:50_000]).tolist())) == 50_000


@pytest.mark.parametrize("shared_bits", [0, 6, 8])
def test_postings_are_put_in_term_order_as_a_stable_sort_puts_them(shared_bits: int) -> None:
    """The build's sort of a bucket by term: hashes that agree in the bits the sort key
    keeps (forced here, a few in every bucket of a large corpus) still come out whole,
    in hash order, each one's postings in passage order."""
    rng = np.random.default_rng(shared_bits)
    terms = rng.integers(0, 2**63, size=5_000, dtype=np.uint64)
    terms[1::2] = (terms[0::2] & ~np.uint64(0xFFFF)) | (terms[1::2] & np.uint64(0xFFFF))
    if shared_bits:
        terms = (terms >> np.uint64(shared_bits)) | (np.uint64(1) << np.uint64(64 - shared_bits))
    hashes = terms[rng.integers(0, len(terms), size=200_000)]
    assert np.array_equal(
        postings.term_order(hashes, shared_bits), np.argsort(hashes, kind="stable")
    )


def test_a_build_worker_counts_each_passage_as_its_whole_text(library_searcher: Searcher) -> None:
    """Workers tokenize a section's heading part once for all its passages: each
    passage still gets the terms of its whole indexed text, each as often."""
    from collections import Counter

    from bot.search.build import passage_terms
    from bot.search.searcher import index_parts

    tokenizer = library_searcher.tokenizer
    chunks = list(library_searcher.store)
    counted = passage_terms(tokenizer, [index_parts(chunk) for chunk in chunks])
    for chunk, terms in zip(chunks, counted, strict=True):
        assert Counter(terms) == Counter(tokenizer.tokenize_both(index_text(chunk))[0]), chunk.id


def test_the_kernel_and_numpy_find_the_same_terms_in_the_same_passages() -> None:
    token_lists = synthetic.token_lists(3_000, seed=6)
    index = index_tokens(token_lists)
    rng = np.random.default_rng(3)
    positions = rng.permutation(index.size)[:300]  # in rank order, not ascending
    terms = [*token_lists[17][:12], *token_lists[2_999][:3], "未见过的词", "了"]
    index.compiled = False
    expected = index.holds(terms, positions)
    index.compiled = True
    assert np.array_equal(index.holds(terms, positions), expected)
    assert expected[:15].any(axis=1).all()  # (each known term is held somewhere)
    assert not expected[15].any()


def test_the_kernel_and_numpy_look_terms_up_alike() -> None:
    token_lists = synthetic.token_lists(2_000, seed=9)
    known = sorted({term for tokens in token_lists for term in tokens})
    asked = [*known[::3], *(f"未见{n}" for n in range(5_000)), "", known[0], known[-1]]
    index = index_tokens(token_lists)
    index.compiled = False
    expected = index.candidate_frequencies(asked)
    index.compiled = True
    assert np.array_equal(index.candidate_frequencies(asked), expected)
    assert (expected[: len(known[::3])] > 0).all() and not expected[len(known[::3]) : -2].any()
    assert np.array_equal(index.document_frequencies(asked[:50]), expected[:50])
    edges = np.array([0, 1, 2**63, 2**64 - 1, *index.term_hashes[[0, -1]]], dtype=np.uint64)
    index.compiled = False
    rows = index._search(edges)
    index.compiled = True
    assert np.array_equal(index._search(edges), rows)
    assert rows[-2:].tolist() == [0, index.vocabulary_size - 1]


def test_the_presence_map_passes_every_term_the_index_has() -> None:
    """Look-ups skip the hashes the presence map rules out: each term of the index is
    still found, and of terms it lacks, only about one in PRESENCE_BITS is searched."""
    from bot.search.index import PRESENCE_BITS, presence_map

    token_lists = synthetic.token_lists(2_000, seed=9)
    index = index_tokens(token_lists)
    known = sorted({term for tokens in token_lists for term in tokens})
    expected = [sum(term in set(tokens) for tokens in token_lists) for term in known[:300]]
    assert index.document_frequencies(known[:300]).tolist() == expected
    assert (index.document_frequencies(known) > 0).all()
    unknown = term_hashes([f"未见{n}" for n in range(20_000)])
    bitmap = presence_map(index.term_hashes)
    shift = np.uint64(64 - (len(bitmap) * 8).bit_length() + 1)
    places = (unknown >> shift).astype(np.int64)
    passed = (bitmap[places >> 3] >> (places & 7).astype(np.uint8)) & 1
    assert passed.mean() < 1.5 / PRESENCE_BITS
