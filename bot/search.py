"""Question → Answer: ranking, the no-result rule, de-duplication and highlights.

The no-result rule: a passage is returned only when the question words it contains
(in its text, headings or title) carry at least `min_coverage` of the question's total
idf weight. Words the corpus never uses carry the highest idf, so a question about
something else ("如何申请美国签证") finds nothing instead of a random passage.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot import tokens
from bot.chunking import chunk_corpus
from bot.config import Settings
from bot.corpus import Corpus
from bot.index import BM25Index
from bot.models import Answer, Chunk, Hit

CANDIDATES = 100  # passages scored for the relevance rule and paging
MAX_QUERY_CHARS = 1000


def index_text(chunk: Chunk) -> str:
    """What is indexed for a passage: its title and heading path count toward a match."""
    return "\n".join((chunk.title, *chunk.headings, chunk.text))


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping union of spans (touching spans are joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def highlights(text: str, query_terms: set[str]) -> tuple[tuple[int, int], ...]:
    """Spans of `text` whose words are among the question's terms."""
    return merge_spans(
        [(t.start, t.end) for t in tokens.tokenize_with_spans(text) if t.word in query_terms]
    )


@dataclass
class Searcher:
    """Answers questions over one indexed set of passages."""

    chunks: list[Chunk]
    index: BM25Index
    min_coverage: float = 0.35
    built_at: float = 0.0

    @classmethod
    def from_chunks(cls, chunks: list[Chunk], settings: Settings) -> Searcher:
        """Index passages with the settings' BM25 parameters."""
        token_lists = [tokens.tokenize(index_text(chunk)) for chunk in chunks]
        index = BM25Index(token_lists, settings.bm25_k1, settings.bm25_b, settings.bm25_epsilon)
        return cls(chunks, index, settings.min_coverage, time.time())

    @classmethod
    def from_corpus(cls, corpus: Corpus, settings: Settings) -> Searcher:
        """Load the corpus's domain terms into the tokenizer, chunk and index it."""
        if corpus.user_dict is not None:
            tokens.load_user_dict(corpus.user_dict)
        terms: set[str] = set()
        for doc in corpus.documents:
            terms |= tokens.quoted_terms(doc.text)
        tokens.add_words(sorted(terms))
        return cls.from_chunks(chunk_corpus(corpus.documents, settings.max_chunk_chars), settings)

    def __post_init__(self) -> None:
        self._by_id = {chunk.id: chunk for chunk in self.chunks}

    def by_id(self, chunk_id: str) -> Chunk | None:
        """The passage with this id, if the corpus still has it."""
        return self._by_id.get(chunk_id)

    def coverage(self, query_words: Sequence[str], position: int) -> float:
        """Share of the question words' idf weight that one passage contains."""
        weights = {term: self.index.idf(term) for term in query_words}
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        present = self.index.terms(position)
        return sum(w for term, w in weights.items() if term in present) / total

    def search(self, query: str, top_k: int = 3, offset: int = 0) -> Answer:
        """The passages that answer `query`, best first: `top_k` of them from `offset`."""
        query = query[:MAX_QUERY_CHARS]
        query_terms = list(dict.fromkeys(tokens.tokenize(query)))
        query_words = [term for term in query_terms if tokens.is_word(term)]
        if not query_words:
            return Answer(query)
        relevant: list[tuple[int, float]] = []
        for position, score in self.index.top(query_terms, CANDIDATES):
            if self.coverage(query_words, position) < self.min_coverage:
                continue
            chunk = self.chunks[position]
            if any(overlaps(chunk, self.chunks[other]) for other, _ in relevant):
                continue
            relevant.append((position, score))
        term_set = set(query_words)
        page = relevant[max(0, offset) : max(0, offset) + max(0, top_k)]
        hits = tuple(
            Hit(self.chunks[p], s, highlights(self.chunks[p].text, term_set)) for p, s in page
        )
        return Answer(query, hits, total=len(relevant))


def overlaps(a: Chunk, b: Chunk) -> bool:
    """True when two passages share text of the same document."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end
