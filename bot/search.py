"""Question → Answer: ranking, the no-result rule, de-duplication and highlights.

The no-result rule: a passage is returned only when the question words it contains
(in its text, headings or title) carry at least `min_coverage` of the question's total
idf weight. Words the corpus never uses carry the highest idf, so a question about
something else ("如何申请美国签证") finds nothing instead of a random passage. Beside a
strong match, passages scoring under half of it are left out too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot import tokens
from bot.chunking import chunk_corpus
from bot.config import Settings
from bot.corpus import Corpus
from bot.index import BM25Index
from bot.models import Answer, Chunk, Hit

CANDIDATES = 100  # passages scored for the relevance rule and paging
RELATIVE_FLOOR = 0.5  # a passage scoring under half the best one is noise beside it
MAX_QUERY_CHARS = 1000
EXAMPLE_TOPIC = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、])"
)


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
    texts: dict[str, str] = field(default_factory=dict)  # document path → decoded text

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
        for doc in corpus.documents:
            tokens.add_words(tokens.quoted_terms(doc.text))
        searcher = cls.from_chunks(
            chunk_corpus(corpus.documents, settings.max_chunk_chars), settings
        )
        searcher.texts = {doc.path: doc.text for doc in corpus.documents}
        return searcher

    def __post_init__(self) -> None:
        self._by_id = {chunk.id: chunk for chunk in self.chunks}
        self._position = {chunk.id: position for position, chunk in enumerate(self.chunks)}

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

    def search(
        self,
        query: str,
        top_k: int = 3,
        offset: int = 0,
        with_highlights: bool = True,
        relevance_rule: bool = True,
    ) -> Answer:
        """The passages that answer `query`, best first: `top_k` of them from `offset`.

        `with_highlights=False` skips finding the matched words, and
        `relevance_rule=False` returns the plain BM25 ranking (both for evaluation).
        """
        query = query[:MAX_QUERY_CHARS]
        query_terms = list(dict.fromkeys(tokens.tokenize(query)))
        query_words = [term for term in query_terms if tokens.is_word(term)]
        if not query_words:
            return Answer(query)
        relevant: list[tuple[int, float]] = []
        ranked = self.index.top(query_terms, CANDIDATES)
        best = ranked[0][1] if ranked else 0.0
        for position, score in ranked:
            if relevance_rule and score < RELATIVE_FLOOR * best:
                break
            if relevance_rule and self.coverage(query_words, position) < self.min_coverage:
                continue
            chunk = self.chunks[position]
            if any(overlaps(chunk, self.chunks[other]) for other, _ in relevant):
                continue
            relevant.append((position, score))
        term_set = set(query_words)
        page = relevant[max(0, offset) : max(0, offset) + max(0, top_k)]
        hits = tuple(
            Hit(
                self.chunks[p],
                s,
                highlights(self.chunks[p].text, term_set) if with_highlights else (),
            )
            for p, s in page
        )
        return Answer(query, hits, total=len(relevant))

    def section(self, chunk_id: str) -> Chunk | None:
        """The whole section (consecutive passages under the same headings) around a passage.

        The result keeps the passage's id; its text is the document's text from the
        section's first passage to its last.
        """
        position = self._position.get(chunk_id)
        if position is None:
            return None
        chunk = self.chunks[position]

        def same(other: Chunk) -> bool:
            return other.doc == chunk.doc and other.headings == chunk.headings

        first = last = position
        while first > 0 and same(self.chunks[first - 1]):
            first -= 1
        while last + 1 < len(self.chunks) and same(self.chunks[last + 1]):
            last += 1
        start, end = self.chunks[first].start, self.chunks[last].end
        text = self.texts.get(chunk.doc)
        if text is None:
            return chunk
        return replace(chunk, text=text[start:end], start=start, end=end)

    def outline(self) -> list[tuple[str, list[str]]]:
        """Each document's title with its top-level headings, in corpus order."""
        toc: dict[tuple[str, str], list[str]] = {}
        for chunk in self.chunks:
            headings = toc.setdefault((chunk.doc, chunk.title), [])
            if chunk.headings and chunk.headings[0] not in headings:
                headings.append(chunk.headings[0])
        return [(title, headings) for (_, title), headings in toc.items()]

    def example_questions(self, count: int = 3) -> list[str]:
        """Questions this corpus answers, for a welcome screen: about its quoted terms first,
        then about its top-level sections.
        """
        candidates: list[str] = []
        for text in self.texts.values():
            candidates += [f"什么是“{term}”？" for term in tokens.quoted_terms(text)[:5]]
        for _, headings in self.outline():
            for heading in headings:
                topic = EXAMPLE_TOPIC.sub("", heading).split("，")[0].rstrip("。")
                if 2 <= len(topic) <= 16:
                    candidates.append(topic)
        examples = []
        for candidate in dict.fromkeys(candidates):
            if self.search(candidate, 1, with_highlights=False).hits:
                examples.append(candidate)
            if len(examples) == count:
                break
        return examples


def compact_question(question: str, max_bytes: int) -> str:
    """The question's content words (stopwords and punctuation dropped), at most `max_bytes`
    of UTF-8: small enough for a button, and it searches the same.
    """
    if len(question.encode()) <= max_bytes:
        return question
    spans = merge_spans([(t.start, t.end) for t in tokens.tokenize_with_spans(question)])
    compact = " ".join(question[start:end] for start, end in spans)
    encoded = compact.encode()[:max_bytes]
    return encoded.decode("utf-8", errors="ignore").strip()


def overlaps(a: Chunk, b: Chunk) -> bool:
    """True when two passages share text of the same document."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end
