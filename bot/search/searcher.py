"""Question → Answer: ranking, the no-result rule, de-duplication and highlights.

The no-result rule: a passage is returned only when the question words it contains
(in its text, headings or title) carry at least `min_coverage` of the question's total
idf weight, or three-quarters of that when it also shares a three-character phrase
with the question. A word the corpus never uses weighs as much as the question's most
specific known word, so a question about something else ("如何申请美国签证") finds
nothing instead of a random passage, while one unfamiliar word (留住 where the text says
留不住) does not silence a good match. Beside a strong match, passages scoring under half
of it are left out too. When nothing passes, the best weak matches are kept apart in
`Answer.related`.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Protocol

import numpy as np

from bot.config import FLOATS, INTS
from bot.documents.corpus import collection_of
from bot.models import Answer, Chunk, DocumentSummary, Hit, IndexSummary
from bot.search import tokens, typos
from bot.search.contents import Contents
from bot.search.index import BM25Index
from bot.search.lookup import (
    DocumentNames,
    Reference,
    article_number,
    numerals,
    part_number,
)
from bot.search.question import Terms, clean_question, list_nouns, list_pattern, question_terms
from bot.search.quotes import (
    QUOTE_CANDIDATES,
    QuoteCheck,
    QuoteIndex,
    check_quote,
    quote_terms,
)
from bot.search.store import ChunkStore

CANDIDATES = 100  # passages scored for the relevance rule and paging
RELATED = 2  # weak matches shown (apart, marked weak) when nothing answers…
RELATED_WORDS = 2  # …if they share at least this many of the question's longer words
RELATIVE_FLOOR = 0.5
# A passage sharing a phrase of PHRASE_CHARS characters with the question needs only
# PHRASE_COVERAGE of the coverage rule's share (measured on the dev sets).
PHRASE_CHARS = 3
PHRASE_COVERAGE = 0.75
LIST_BONUS = 0.5  # a passage listing what a question asks for scores this much more


def index_text(chunk: Chunk) -> str:
    """What is indexed for a passage: its title, heading path, article label and the topic
    sentence it continues count toward a match."""
    return indexed(chunk.title, chunk.headings, chunk.article, chunk.context, chunk.text)


def indexed(title: str, headings: Sequence[str], article: str, context: str, text: str) -> str:
    """`index_text` from a passage's parts."""
    return "\n".join(filter(None, (heading_part(title, headings, article, context, text), text)))


def heading_part(
    title: str, headings: Sequence[str], article: str, context: str, text: str
) -> str:
    """What is indexed with a passage's text, before it: its title, headings, article label
    (only where the text lacks it) and the topic sentence it continues."""
    label = article if article and not text.startswith(article) else ""
    return "\n".join(filter(None, (title, *headings, label, context)))


def index_parts(chunk: Chunk) -> tuple[str, str]:
    """`index_text(chunk)` as its heading part and its text: what a build worker
    tokenizes (the heading part once for the passages of a section)."""
    heading = heading_part(chunk.title, chunk.headings, chunk.article, chunk.context, chunk.text)
    return heading, chunk.text


def question_phrases(question: str) -> dict[str, list[str]]:
    """Every PHRASE_CHARS consecutive Chinese characters of the (normalized) question,
    each with those of its character pairs the index holds (`tokens.indexes_pair`); but
    not those of stopwords alone (为什么, 是不是: no pair of them is indexed), which share
    a way of asking, not wording."""
    phrases: dict[str, list[str]] = {}
    for run in tokens.CJK_RUN.findall(tokens.normalize(question)[0]):
        indexed = [pair if tokens.indexes_pair(pair) else "" for pair in pairs(run)]
        for at in range(len(run) - PHRASE_CHARS + 1):
            if found := list(filter(None, indexed[at : at + PHRASE_CHARS - 1])):
                phrases[run[at : at + PHRASE_CHARS]] = found
    return phrases


def pairs(text: str) -> list[str]:
    """The overlapping character pairs of `text`."""
    return [text[at : at + 2] for at in range(len(text) - 1)]


def spanned(first: tuple[int, ...], last: tuple[int, ...]) -> tuple[int, ...]:
    """The pages from the first passage's first page to the last passage's last."""
    return tuple(range(first[0], last[-1] + 1)) if first and last else ()


NONE = np.empty(0, dtype=np.int64)


class Grouped:
    """The positions holding each key, ascending: one stable sort of the keys, sliced
    at a look-up (an array per key, as before, held 30 MB more at 1M passages)."""

    def __init__(self, keys: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.diff(ordered, prepend=ordered[:1] - 1))  # a new key's first
        self._order = order.astype(np.int32)  # (positions: a passage count fits)
        self.keys = ordered[starts]  # the keys some position holds, ascending
        self._bounds = np.append(starts, len(keys))

    def get(self, key: int) -> np.ndarray:
        """The positions holding `key` (none: an empty array)."""
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return NONE
        return self._order[self._bounds[at] : self._bounds[at + 1]]


class Ranking(Protocol):
    """The two calls that rank passages (BM25Index, or reference.RankBM25Engine)."""

    def top(
        self,
        query_terms: Sequence[str],
        k: int,
        allowed: np.ndarray | None = None,
        floor: float = 0.0,
    ) -> list[tuple[int, float]]: ...

    def scores_at(self, query_terms: Sequence[str], positions: np.ndarray) -> np.ndarray: ...


@dataclass
class Searcher:
    """Answers questions over one indexed set of passages."""

    store: ChunkStore
    index: BM25Index
    tokenizer: tokens.Tokenizer
    min_coverage: float = FLOATS["min_coverage"].default
    built_at: float = 0.0
    quoted_terms: list[str] = field(default_factory=list)
    quotes: QuoteIndex | None = field(default=None, repr=False)  # for `quote` (原文核对)
    ranking: Ranking | None = field(default=None, repr=False)  # None: the index ranks
    visible: frozenset[int] | None = None  # the documents this searcher sees (None: all)
    _views: dict[frozenset[int], Searcher] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.store) if self.visible is None else len(self._visible_positions)

    def warm(self) -> None:
        """Make now what every question needs (the segmenter, and the compiled kernel of
        a large index), so the first question does not wait for it; for a large index
        (whose process answers many questions) the tables some questions need too: the
        typo and everyday-word tables and the numeral converter. (The passages of each
        article and chapter number are not: at 1M passages they take some 0.3 s, which
        the first question naming a number pays, and the start of every command would.)"""
        self.tokenizer.ready()
        self.index.warm()
        if self.index.compiled_scoring:
            tokens.load_tables()
            typos.homophones()
            numerals()

    @property
    def engine(self) -> Ranking:
        """What ranks passages: the index itself, or the engine BM25_ENGINE chose."""
        return self.index if self.ranking is None else self.ranking

    def scoped(self, collections: Collection[str] | None) -> Searcher:
        """This library seen through `collections` (subfolders of the corpus; "" is its
        top folder): questions, look-ups, passages and the contents see only their
        documents, as if the others were not there. None sees everything."""
        if collections is None:
            return self
        docs = frozenset(
            doc
            for doc, meta in enumerate(self.store.docs)
            if collection_of(meta["path"]) in collections
        )
        if len(docs) == len(self.store.docs):
            return self
        if docs not in self._views:
            quoted = [term for term in self.quoted_terms if self._used_in(term, docs)]
            self._views[docs] = replace(
                self, visible=docs, quoted_terms=quoted, _views=self._views
            )
        return self._views[docs]

    def summary(self) -> IndexSummary:
        """The index's documents (each with its length and passages), passages and
        vocabulary: what `python -m bot index` reports."""
        store = self.store
        per_doc = np.bincount(store.doc_of, minlength=len(store.docs))
        documents = tuple(
            DocumentSummary(
                doc["path"], doc["title"], len(store.document_text(n)), int(per_doc[n])
            )
            for n, doc in enumerate(store.docs)
        )
        return IndexSummary(documents, len(store), self.index.vocabulary_size)

    def collections(self) -> list[str]:
        """The library's collections (those this searcher sees), sorted; "" is the top."""
        return sorted({collection_of(self.store.docs[doc]["path"]) for doc in self._visible_docs})

    def _used_in(self, term: str, docs: frozenset[int]) -> bool:
        """Whether a passage of the documents holds the term."""
        positions = self.index.passages_with(term)
        return bool(np.isin(self.store.doc_of[positions], list(docs)).any())

    @cached_property
    def _library_names(self) -> DocumentNames:
        """The names of every document of the library, seen or not."""
        return DocumentNames([doc["title"] for doc in self.store.docs])

    def _named_elsewhere(self, question: str) -> str:
        """The name, as the question writes it, of a document it names that this
        searcher does not see ("" when it names none, or one this searcher sees)."""
        docs, written = self._library_names.naming(question)
        seen = self.visible or frozenset()
        return written if docs and not any(doc in seen for doc in docs) else ""

    def sees(self, position: int) -> bool:
        """Whether this searcher's documents hold the passage at `position`."""
        return self.visible is None or int(self.store.doc_of[position]) in self.visible

    @cached_property
    def _visible_positions(self) -> list[int]:
        """Every passage position of the visible documents, in order."""
        return self._doc_positions(self._visible_docs)

    @cached_property
    def _visible_docs(self) -> list[int]:
        """The documents this searcher sees, in corpus order."""
        every = range(len(self.store.docs))
        return list(every) if self.visible is None else sorted(self.visible)

    @cached_property
    def names(self) -> DocumentNames:
        """The library's document names, for questions that name a document (a document
        this searcher does not see has no name)."""
        titles = [doc["title"] for doc in self.store.docs]
        if self.visible is not None:
            titles = [title if doc in self.visible else "" for doc, title in enumerate(titles)]
        return DocumentNames(titles)

    @cached_property
    def _characters(self) -> frozenset[str]:
        """The Chinese characters the corpus uses (a typo is only mended into these)."""
        return frozenset(self.store.characters)

    @cached_property
    def _article_positions(self) -> Grouped:
        """The passages of each article number (第十四条 → 14), ascending."""
        numbers = np.array([article_number(label) or 0 for label in self.store.labels])
        return Grouped(numbers[self.store.label_of])

    @cached_property
    def _heading_positions(self) -> Grouped:
        """The passages under each heading path (by its index), ascending."""
        return Grouped(self.store.headings_of)

    def search(
        self,
        query: str,
        top_k: int = INTS["top_k"].default,
        offset: int = 0,
        with_highlights: bool = True,
        relevance_rule: bool = True,
    ) -> Answer:
        """The passages that answer `query`, best first: `top_k` of them from `offset`.

        A question naming an article or chapter (监察法第14条) gets it, in order; one
        naming a document gets that document's passages first; one naming a document
        the library lacks gets none, and says so in `missing`.
        `with_highlights=False` skips finding the matched words, and
        `relevance_rule=False` returns the ranking alone, without lookups, the
        no-answer rule or weak matches (both for evaluation).
        """
        query = clean_question(query)
        if not relevance_rule:
            terms, words = self.query_terms(query)
            ranked = self._candidates(query, terms, None) if words else []
            return self._page(query, ranked, words, top_k, offset, with_highlights)
        normal = tokens.normalize(query)[0]
        if self.visible is not None and (elsewhere := self._named_elsewhere(normal)):
            return Answer(query, missing=f"《{elsewhere}》", narrowed=True)
        ref = self.names.refer(normal)  # 黨章第八條 names 党章 too
        if ref.article or ref.part:
            return self._numbered(query, ref, top_k, offset, with_highlights)
        if ref.missing:
            return Answer(query, missing=f"《{ref.missing}》")
        if ref.docs:
            return self._named_first(query, ref, top_k, offset, with_highlights)
        terms, words = self.query_terms(query)
        if not words:
            return Answer(query)
        ranked = self._answering(
            query, words, self._candidates(query, terms, None, answering=True)
        )
        answer = self._page(query, ranked, words, top_k, offset, with_highlights)
        answer = replace(answer, listing=list_pattern(query) is not None)
        if answer.hits or offset:
            return answer
        candidates = self._candidates(query, terms, None)  # the weak ones too, this time
        return replace(
            answer, related=self._weak_matches(query, words, candidates, with_highlights)
        )

    def _named_first(
        self, query: str, ref: Reference, top_k: int, offset: int, with_highlights: bool
    ) -> Answer:
        """A question naming documents (ref.docs): their answering passages first, then
        the rest of the library's; all their passages, in order, when nothing else is
        asked."""
        terms, words = self.query_terms(ref.rest)
        if not words:
            inside = [(p, 0.0) for p in self._doc_positions(ref.docs)]
            return self._page(query, inside, words, top_k, offset, with_highlights)
        inside = self._answering(ref.rest, words, self._candidates(ref.rest, terms, ref.docs))
        outside = self._answering(
            ref.rest, words, self._candidates(ref.rest, terms, None, answering=True)
        )
        chosen = set(self._doc_positions(ref.docs))
        ranked = inside + [hit for hit in outside if hit[0] not in chosen]
        return self._page(query, ranked, words, top_k, offset, with_highlights)

    def _weak_matches(
        self,
        query: str,
        words: list[str],
        candidates: list[tuple[int, float]],
        with_highlights: bool,
    ) -> tuple[Hit, ...]:
        """For a question with no answer: the candidates sharing RELATED_WORDS of its
        longer words, at most RELATED, offered as related passages."""
        longer = [word for word in words if len(word) > 1]  # 人, 大: too slight to share
        shared = self.words_shared(longer, [p for p, _ in candidates])
        weak = [
            hit for hit, count in zip(candidates, shared, strict=True) if count >= RELATED_WORDS
        ]
        return self._page(query, weak[:RELATED], words, RELATED, 0, with_highlights).hits

    def quote(self, text: str) -> QuoteCheck:
        """Whether the quotation `text` stands in the documents word for word, and
        where, every place; if not, the closest wording and what differs, and the parts
        of a spliced quote (see bot/search/quotes.py). Raises ValueError for an index
        built without its quote index."""
        if self.quotes is None:
            raise ValueError("this index was built without its quote index")

        def candidates() -> list[int]:
            terms = quote_terms(text, self.tokenizer, self.index.document_frequencies)
            return [p for p, _ in self.engine.top(terms, QUOTE_CANDIDATES, self._visible_mask)]

        return check_quote(text, self.quotes, self.store, candidates, self.visible)

    def document_named(self, text: str) -> int | None:
        """The document `text` names (监察法, 《党章》), if it names one."""
        docs = self.names.refer(tokens.normalize(clean_question(text))[0]).docs
        return docs[0] if docs else None

    def highlight(self, text: str, question: str) -> tuple[tuple[int, int], ...]:
        """The spans of `text` holding the question's words."""
        return self.tokenizer.find(text, self.query_terms(clean_question(question)).words)

    def within(self, question: str, title: str) -> str:
        """`question` as asked after an answer from the document `title`: a follow-up
        naming an article or chapter but no document (那第十五条呢) is asked of that
        document (《title》那第十五条呢); any other question is left as it is."""
        ref = self.names.refer(tokens.normalize(clean_question(question))[0])
        if (ref.article or ref.part) and not ref.docs and not ref.missing and title:
            return f"《{title}》{question.strip()}"
        return question

    def words_shared(self, words: Sequence[str], positions: Sequence[int]) -> np.ndarray:
        """For each passage, how many of the question's words it holds."""
        at = np.array(positions, dtype=np.int64)
        return self.index.holds(words, at).sum(axis=0, dtype=np.int64)

    def _candidates(
        self, text: str, terms: Sequence[str], docs: Sequence[int] | None, answering: bool = False
    ) -> list[tuple[int, float]]:
        """The best CANDIDATES passages for the terms by BM25 (within `docs` if given),
        passages listing what a list question asks for lifted. `answering`: only those
        the no-answer rule can keep are wanted (it leaves out what scores under
        RELATIVE_FLOOR of the best, after the lift), so the engine may skip the rest."""
        if docs is not None:
            positions = np.array(self._doc_positions(docs), dtype=np.int64)
            scores = self.engine.scores_at(terms, positions)
            order = np.lexsort((positions, -scores))[:CANDIDATES]
            ranked = [(int(positions[i]), float(scores[i])) for i in order if scores[i] > 0]
        else:
            floor = 0.0
            if answering:  # a lifted passage may have scored a 1 + LIST_BONUS part less
                lifted = list_pattern(text) is not None
                floor = RELATIVE_FLOOR / (1 + LIST_BONUS) if lifted else RELATIVE_FLOOR
            ranked = self.engine.top(terms, CANDIDATES, self._visible_mask, floor)
        return self.favour_lists(text, ranked)

    @cached_property
    def _visible_mask(self) -> np.ndarray | None:
        """A 0/1 mask of the passages this searcher sees (None: it sees them all); made
        once per view, so a question in a scoped chat allocates nothing of the corpus's size."""
        if self.visible is None:
            return None
        mask = np.zeros(len(self.store), dtype=np.uint8)
        for doc in self.visible:
            first, last = self.store.doc_range(doc)
            mask[first:last] = 1
        return mask

    def _answering(
        self, text: str, words: Sequence[str], ranked: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """The candidates that pass the no-answer rule (see the module docstring)."""
        if not ranked:
            return ranked
        best = ranked[0][1]
        ranked = [(p, s) for p, s in ranked if s >= RELATIVE_FLOOR * best]
        positions = np.array([p for p, _ in ranked], dtype=np.int64)
        held = self.index.holds(words, positions)  # each word, each passage: held or not
        coverage = self.coverage(words, positions, held)
        phrase_floor = PHRASE_COVERAGE * self.min_coverage
        specific = [at for at, w in enumerate(words) if len(w) > 1 and not tokens.is_generic(w)]
        topical = held[specific].sum(axis=0) if specific else np.ones(len(ranked))
        near = (coverage < self.min_coverage) & (coverage >= phrase_floor)
        phrased = np.zeros(len(ranked), dtype=bool)
        phrases: dict[str, list[str]] = {}
        if near.any():  # phrases matter only to the passages near enough
            phrases = question_phrases(text)
            phrased[np.flatnonzero(near)[self.may_share_phrase(phrases, positions[near])]] = True
        return [
            hit
            for hit, share, on_topic, maybe in zip(ranked, coverage, topical, phrased, strict=True)
            if on_topic
            and (share >= self.min_coverage or (maybe and self.shares_phrase(phrases, hit[0])))
        ]

    def may_share_phrase(self, phrases: dict[str, list[str]], positions: np.ndarray) -> np.ndarray:
        """For each passage, whether it can hold one of the phrases (from
        `question_phrases`): it holds each of the phrase's indexed character pairs (from
        the postings; a pair the index leaves out, one of stopwords, is no evidence either
        way). Only these are read."""
        wanted = sorted({pair for found in phrases.values() for pair in found})
        if not wanted:
            return np.zeros(len(positions), dtype=bool)
        row = {pair: at for at, pair in enumerate(wanted)}
        held = self.index.holds([tokens.BIGRAM_MARK + pair for pair in wanted], positions)
        needs = np.zeros((len(phrases), len(wanted)), dtype=np.int64)  # phrase × its pairs
        for at, found in enumerate(phrases.values()):
            needs[at, [row[pair] for pair in found]] = 1
        held_by_phrase = needs @ held  # how many of its pairs each passage holds
        return (held_by_phrase == needs.sum(axis=1, keepdims=True)).any(axis=0)

    def shares_phrase(self, phrases: Collection[str], position: int) -> bool:
        """Whether the passage (with its headings) holds one of the question's phrases:
        a match of wording, not of scattered words."""
        if not phrases:
            return False
        store = self.store
        haystack = indexed(
            store.docs[int(store.doc_of[position])]["title"],
            store.heading_paths[int(store.headings_of[position])],
            store.labels[int(store.label_of[position])],
            store.contexts[int(store.context_of[position])],
            store.text(position),
        )
        if any(phrase in haystack for phrase in phrases):  # as written: no need to fold
            return True
        folded = tokens.folded(haystack)
        return folded != haystack and any(phrase in folded for phrase in phrases)

    def query_terms(self, text: str) -> Terms:
        """The question's terms and content words (see `question.question_terms`)."""
        index = self.index
        return question_terms(
            text,
            self.tokenizer,
            index.document_frequency,
            index.candidate_frequencies,
            self._characters,
        )

    def favour_lists(
        self, question: str, ranked: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """For a question that asks for a list (党员有哪些权利), passages that introduce a list
        of what it asks for (党员享有下列权利：) rank LIST_BONUS higher."""
        pattern = list_pattern(question)
        if pattern is None or not ranked:
            return ranked
        # Only a passage holding a noun can list it: one whose indexed character pairs
        # lack every noun (two characters each) is passed over without reading its text.
        nouns = list_nouns(question)
        positions = np.array([p for p, _ in ranked], dtype=np.int64)
        if all(tokens.indexes_pair(noun) for noun in nouns):
            marked = [tokens.BIGRAM_MARK + noun for noun in nouns]
            held = np.any(self.index.holds(marked, positions), axis=0)
            may_list = [bool(maybe) for maybe in np.atleast_1d(held)]
        else:
            may_list = [True] * len(ranked)
        boosted = [
            (p, s * (1 + LIST_BONUS) if maybe and pattern.search(self.store.text(p)) else s)
            for (p, s), maybe in zip(ranked, may_list, strict=True)
        ]
        return sorted(boosted, key=lambda hit: (-hit[1], hit[0]))

    def _doc_positions(self, docs: Sequence[int]) -> list[int]:
        """Every passage position of the given documents, in order."""
        return [p for doc in docs for p in range(*self.store.doc_range(doc))]

    def _numbered(
        self, query: str, ref: Reference, top_k: int, offset: int, with_highlights: bool
    ) -> Answer:
        """An article or chapter by number, from the named documents or from all."""
        if ref.missing:
            return Answer(query, missing=f"《{ref.missing}》")
        docs = list(ref.docs) or self._visible_docs
        if ref.article is not None:
            found = self._article_positions.get(ref.article)
            label = f"第{ref.article}条"
        else:
            assert ref.part is not None
            found = self._part_positions(ref.part)
            label = f"第{ref.part[1]}{ref.part[0]}"
        if ref.docs or self.visible is not None:
            found = found[np.isin(self.store.doc_of[found], docs)]
        chosen = found.tolist()
        if not chosen:
            named = "、".join(f"《{self.store.docs[d]['title']}》" for d in ref.docs)
            return Answer(query, missing=f"{named}{label}" if named else label)
        terms = list(dict.fromkeys(self.tokenizer.tokenize(ref.rest)))
        words = [term for term in terms if tokens.is_word(term)]
        scores = dict(zip(chosen, self.engine.scores_at(terms, found).tolist(), strict=True))
        if words and len(docs) > 1:  # the document whose article fits best first
            best: dict[int, float] = {}
            for p in chosen:
                doc = int(self.store.doc_of[p])
                best[doc] = max(best.get(doc, 0.0), scores[p])
            chosen.sort(key=lambda p: (-best[int(self.store.doc_of[p])], p))
        ranked, last_of = self._whole_articles(chosen, scores if words else {})
        answer = self._page(
            query, ranked, words, top_k, offset, with_highlights, dedupe=False, last_of=last_of
        )
        return replace(answer, exact=True)

    def _whole_articles(
        self, chosen: list[int], scores: dict[int, float]
    ) -> tuple[list[tuple[int, float]], dict[int, int]]:
        """The passages in order, an article cut into several passages given once, by its
        first (with its score, 0 without `scores`); and each such first passage's last."""
        ranked: list[tuple[int, float]] = []
        last_of: dict[int, int] = {}
        for p in chosen:
            previous = ranked[-1][0] if ranked else None
            if (
                previous is not None
                and last_of.get(previous, previous) + 1 == p
                and (self.store.label_of[p] == self.store.label_of[previous] != self._no_label)
            ):
                last_of[previous] = p
                continue
            ranked.append((p, scores.get(p, 0.0)))
        return ranked, last_of

    @cached_property
    def _no_label(self) -> int:
        """The label index of passages in no article (-1 when every passage is in one)."""
        return self.store.labels.index("") if "" in self.store.labels else -1

    def _joined(self, first: int, last: int) -> Chunk:
        """Passages first..last of one document as one passage (an article cut in parts)."""
        start, end = int(self.store.starts[first]), int(self.store.ends[last])
        text = self.store.document_text(int(self.store.doc_of[first]))[start:end]
        pages = spanned(self.store.pages(first), self.store.pages(last))
        return replace(self.store[first], text=text, start=start, end=end, pages=pages)

    def _part_positions(self, part: tuple[str, int]) -> np.ndarray:
        """The passages that sit in a 第N章 (节, 编) of that number, ascending."""
        paths = self._paths_in_part.get(part, ())
        found = [self._heading_positions.get(index) for index in paths]
        return np.sort(np.concatenate(found)) if found else NONE

    @cached_property
    def _paths_in_part(self) -> dict[tuple[str, int], list[int]]:
        """For each part (('章', 2): 第二章), the heading paths (by index) inside one, of
        passages this library holds: worked out once, not at each question (each
        heading read once, though many paths share it)."""
        part_of = lru_cache(maxsize=None)(part_number)
        inside: dict[tuple[str, int], list[int]] = {}
        for index in self._heading_positions.keys.tolist():
            for part in dict.fromkeys(filter(None, map(part_of, self.store.heading_paths[index]))):
                inside.setdefault(part, []).append(index)
        return inside

    def _page(
        self,
        query: str,
        ranked: list[tuple[int, float]],
        words: list[str],
        top_k: int,
        offset: int,
        with_highlights: bool,
        dedupe: bool = True,
        last_of: dict[int, int] | None = None,
    ) -> Answer:
        """One page of ranked passages (overlapping ones left out), with highlights;
        `last_of` joins a passage with those up to its last part."""
        relevant = self._apart(ranked) if dedupe else ranked
        page = relevant[max(0, offset) : max(0, offset) + max(0, top_k)]
        hits = []
        for position, score in page:
            last = (last_of or {}).get(position)
            chunk = self.store[position] if last is None else self._joined(position, last)
            marks = self.tokenizer.find(chunk.text, words) if with_highlights and words else ()
            hits.append(Hit(chunk, score, marks))
        return Answer(query, tuple(hits), total=len(relevant))

    def coverage(
        self, query_words: Sequence[str], positions: np.ndarray, held: np.ndarray | None = None
    ) -> np.ndarray:
        """For each passage, the share of the question words' idf weight it contains
        (`held`: `index.holds(query_words, positions)`, when already known).

        A word the corpus never uses weighs as much as the question's most specific known
        word: enough that a question about something else finds nothing, not so much
        that one unfamiliar word silences a question the corpus answers.
        """
        weights, known = self.index.idfs(query_words)
        if known.any() and not known.all():
            weights = np.where(known, weights, np.minimum(weights, weights[known].max()))
        total = weights.sum()
        if total <= 0 or len(positions) == 0:
            return np.zeros(len(positions))
        if held is None:
            held = self.index.holds(query_words, positions)
        return (weights @ held) / total

    def _apart(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The ranked passages, in order, leaving out each one that shares text of its
        document with one kept before it. The kept spans of a document are disjoint, so
        kept sorted by start only the two around a new span can overlap it."""
        positions = np.array([position for position, _ in ranked], dtype=np.int64)
        docs, starts, ends = (
            self.store.doc_of[positions],
            self.store.starts[positions],
            self.store.ends[positions],
        )
        order = np.lexsort((starts, docs))  # by document, then start: neighbours may overlap
        neighbours = docs[order][1:] == docs[order][:-1]
        if not (neighbours & (starts[order][1:] < ends[order][:-1])).any():
            return ranked  # (the usual case: no two overlap)
        spans = zip(docs.tolist(), starts.tolist(), ends.tolist(), strict=True)
        kept: dict[int, tuple[list[int], list[int]]] = {}  # per document: starts, ends
        apart = []
        for (doc, start, end), hit in zip(spans, ranked, strict=True):
            kept_starts, kept_ends = kept.setdefault(doc, ([], []))
            at = bisect.bisect_right(kept_starts, start)
            if (at and kept_ends[at - 1] > start) or (
                at < len(kept_starts) and kept_starts[at] < end
            ):
                continue
            kept_starts.insert(at, start)
            kept_ends.insert(at, end)
            apart.append(hit)
        return apart

    def section(self, chunk_id: str) -> Chunk | None:
        """The whole section (consecutive passages under the same headings) around a passage.

        The result keeps the passage's id; its text is the document's text from the
        section's first passage to its last.
        """
        position = self._position(chunk_id)
        if position is None:
            return None
        first, last = self._section_range(position)
        start, end = int(self.store.starts[first]), int(self.store.ends[last])
        text = self.store.document_text(int(self.store.doc_of[position]))[start:end]
        pages = spanned(self.store.pages(first), self.store.pages(last))
        return replace(self.store[position], text=text, start=start, end=end, pages=pages)

    def place_in_section(self, chunk_id: str) -> tuple[int, int]:
        """A passage's number within its section and the section's passage count (1, 1 for
        an unknown id)."""
        position = self._position(chunk_id)
        if position is None:
            return 1, 1
        first, last = self._section_range(position)
        return position - first + 1, last - first + 1

    def _section_range(self, position: int) -> tuple[int, int]:
        """The first and last position of the section (same headings) around `position`."""
        first = last = position
        while first > 0 and self.store.same_section(first - 1, position):
            first -= 1
        while last + 1 < len(self.store) and self.store.same_section(last + 1, position):
            last += 1
        return first, last

    @cached_property
    def contents(self) -> Contents:
        """The library's table of contents (of the documents this searcher sees)."""
        return Contents(self.store, self.visible)

    def passage(self, chunk_id: str) -> tuple[int, Chunk] | None:
        """The position and passage of an id, or None for an id this searcher lacks."""
        position = self._position(chunk_id)
        return None if position is None else (position, self.store[position])

    def _position(self, chunk_id: str) -> int | None:
        """Where the passage with this id is, if this searcher sees it."""
        position = self.store.position(chunk_id)
        return position if position is not None and self.sees(position) else None
