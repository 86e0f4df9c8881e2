"""The small value types that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A stretch of a document's decoded text: `text == document.text[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """One unit of a document's outline walk: a heading or a stretch of body text.

    `depth` is the heading's nesting level (0 = outermost); body and article blocks
    carry the heading path they sit under as texts, outermost first.
    """

    kind: str  # "heading", "body" or "article" (a 第X条 with all its items)
    start: int
    end: int
    depth: int = 0
    headings: tuple[str, ...] = ()
    label: str = ""  # an article's label as it stands (第十四条), else ""


@dataclass(frozen=True)
class Document:
    """A decoded corpus file: its full text, title, and outline blocks."""

    path: str  # relative to the corpus directory, with forward slashes
    title: str
    text: str
    blocks: tuple[Block, ...] = ()
    pages: tuple[int, ...] = ()  # where each physical page starts in `text` (PDF), else ()
    start: int = 0  # where the document proper begins (its title line): before it, front matter


@dataclass(frozen=True)
class DocumentSummary:
    """One indexed document: its file, title, length and passages."""

    path: str
    title: str
    characters: int
    passages: int


@dataclass(frozen=True)
class IndexSummary:
    """What an index holds: its documents (in corpus order), passages and vocabulary."""

    documents: tuple[DocumentSummary, ...]
    passages: int
    vocabulary: int


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that was not loaded, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Chunk:
    """A passage as indexed: `text == document.text[start:end]`."""

    id: str
    doc: str
    title: str
    headings: tuple[str, ...]
    text: str
    start: int
    end: int
    article: str = ""  # the article this passage belongs to (第十四条), else ""
    context: str = ""  # the topic sentence a continuing passage belongs to (indexed, not shown)
    pages: tuple[int, ...] = ()  # the physical pages (from 1) the passage is printed on


@dataclass(frozen=True)
class Hit:
    """A ranked passage with its score and the spans (within `chunk.text`) that matched."""

    chunk: Chunk
    score: float
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Answer:
    """The passages found for one question (possibly none)."""

    query: str
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    total: int = 0  # how many passages passed the relevance rule, before paging
    missing: str = ""  # what the question names that the library lacks: 《民法典》, 第九十条
    related: tuple[Hit, ...] = ()  # weak matches, shown apart from an answer, never as one
    exact: bool = False  # the passages are what the question named (an article, a chapter)
    listing: bool = False  # the question asks for a list (党员有哪些权利)
    narrowed: bool = False  # `missing` is missing here: the chat searches part of the library


# --- Quote check (原文核对): bot/search/quotes.py ----------------------------------


@dataclass(frozen=True)
class Place:
    """Where a wording stands: `text == document.text[start:end]`, from the first to the
    last matched character; the heading path, article and pages of the passage holding
    its start (a heading line: the passage after it), the pages up to its end."""

    doc: str
    title: str
    headings: tuple[str, ...]
    article: str
    start: int
    end: int
    text: str
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One difference between the quote and the document's wording.

    `op` is "replace" (the quote's `quote` where the document has `text`), "delete"
    (`quote` is in the quote, not in the document) or "insert" (the document's `text` is
    missing from the quote). `at` is the offset in the quote, `text_at` in the closest
    place's text, where it happens."""

    op: str
    quote: str
    text: str
    at: int
    text_at: int


@dataclass(frozen=True)
class Closest:
    """The wording nearest to a quote that is not in the documents: where it is, how
    similar (1 − edit distance / the folded quote's length, in 0–1) and what differs,
    in order."""

    place: Place
    similarity: float
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Part:
    """One piece of a spliced quote (`quote[start:end]`) and every place it stands."""

    text: str
    start: int
    end: int
    places: tuple[Place, ...]
    count: int  # how many places in all (`places` lists the first quotes.MAX_PLACES)


@dataclass(frozen=True)
class QuoteCheck:
    """What the documents say to a quotation.

    `exact`: it stands word for word (punctuation, width, script, space and case aside)
    in `places`, every one in corpus order (`count` of them, the first
    quotes.MAX_PLACES listed). Otherwise `closest` is the nearest wording (None when
    nothing is more than quotes.SIMILAR alike) and `parts`, when it is spliced, the
    pieces that stand elsewhere."""

    quote: str
    exact: bool = False
    places: tuple[Place, ...] = ()
    count: int = 0
    closest: Closest | None = None
    parts: tuple[Part, ...] = ()

    @property
    def spliced(self) -> bool:
        """Whether the quote is pieced together from wordings found in different places."""
        return bool(self.parts)
