"""Documents → chunks: paragraph passages of at most `max_chars`, cut at sentence ends.

A long paragraph is cut where the cuts give passages of even size, preferring cuts
before a new sub-point's short lead sentence (要找准定位，抓牢扛稳职责。). A sentence is
cut only when it alone exceeds the limit. Chunks never cross a heading; a heading with
no text under it (a one-line point) is a chunk of its own so that it can be found.
An article (第X条) is one chunk with all its items when it fits, else chunks cut at
sentence and item ends, each knowing its article.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Iterator

from bot.chars import SPACES
from bot.config import INTS
from bot.models import Block, Chunk, Document, Span

SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")
CLAUSE_END = "，,、：:"
LEAD_MAX_CHARS = 30
LEAD = re.compile(
    r"^(?:要|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|首先|其次|再次|最后|同时"
    r"|[（(][一二三四五六七八九十\d]+[）)])"
    r"|^[^，,。]{2,10}要[^。]{2,20}。$"
)
LEAD_BONUS = 0.35
TINY_PARAGRAPH = 40
TOPIC_MAX_CHARS = 60  # a block's first sentence this short states its topic


def chunk_id(doc: str, start: int, end: int, text: str) -> str:
    """A short id that is the same for the same passage of the same corpus."""
    key = f"{doc}\x00{start}\x00{end}\x00{text}".encode()
    return hashlib.blake2b(key, digest_size=6).hexdigest()


def pages_of(page_starts: tuple[int, ...], start: int, end: int) -> tuple[int, ...]:
    """The physical pages (from 1) that text[start:end] is printed on, given where each
    page starts in the text; () for a document without pages."""
    if not page_starts:
        return ()
    first = bisect.bisect_right(page_starts, start)
    last = max(first, bisect.bisect_left(page_starts, end))
    return tuple(range(first, last + 1))


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentences of text[start:end] (ending at 。！？；), trimmed of surrounding space."""
    spans = []
    for match in SENTENCE.finditer(text, start, end):
        s, e = match.span()
        piece = text[s:e]
        if not piece.strip(SPACES):
            continue
        s += len(piece) - len(piece.lstrip(SPACES))
        e -= len(piece) - len(piece.rstrip(SPACES))
        spans.append(Span(s, e))
    return spans


def split_long(text: str, span: Span, max_chars: int) -> Iterator[Span]:
    """Cut one over-long sentence at clause ends (，、：), or hard at `max_chars`."""
    start = span.start
    while span.end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind(mark) for mark in CLAUSE_END) + 1
        if cut < max_chars // 3:
            cut = max_chars
        yield Span(start, start + cut)
        start += cut
        while start < span.end and text[start] in SPACES:
            start += 1
    if start < span.end:
        yield Span(start, span.end)


def is_lead(sentence: str) -> bool:
    """A short sentence that opens a new sub-point (要…。 / 教育培养要突出政治素质。)."""
    return len(sentence) <= LEAD_MAX_CHARS and bool(LEAD.match(sentence))


def pack(text: str, pieces: list[Span], max_chars: int) -> list[Span]:
    """Group consecutive pieces into passages ≤ max_chars of even size, cutting before leads.

    Dynamic programming over cut points: each passage costs its squared shortfall
    from `max_chars`; a passage that opens with a lead sentence earns a bonus.
    """
    n = len(pieces)
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            length = pieces[j - 1].end - pieces[i].start
            if length > max_chars and j - i > 1:
                break
            cost = ((max_chars - min(length, max_chars)) / max_chars) ** 2
            if i > 0 and is_lead(text[pieces[i].start : pieces[i].end]):
                cost -= LEAD_BONUS
            if best[i] + cost < best[j]:
                best[j], back[j] = best[i] + cost, i
    cuts = []
    j = n
    while j > 0:
        cuts.append(Span(pieces[back[j]].start, pieces[j - 1].end))
        j = back[j]
    return cuts[::-1]


def body_spans(doc: Document, block: Block, max_chars: int) -> list[Span]:
    """The passages of one body block."""
    if block.end - block.start <= max_chars:
        return [Span(block.start, block.end)]
    pieces: list[Span] = []
    for sentence in sentence_spans(doc.text, block.start, block.end):
        pieces.extend(split_long(doc.text, sentence, max_chars))
    return pack(doc.text, pieces, max_chars)


def topic_sentences(doc: Document, block: Block) -> list[Span]:
    """Sentences that state what follows them in a block: its first sentence when short,
    and each sub-point's lead sentence (教育培养要突出政治素质。)."""
    sentences = sentence_spans(doc.text, block.start, block.end)
    topics = []
    for number, span in enumerate(sentences):
        sentence = doc.text[span.start : span.end]
        if (number == 0 and len(sentence) <= TOPIC_MAX_CHARS) or is_lead(sentence):
            topics.append(span)
    return topics


def context_of(doc: Document, topics: list[Span], span: Span) -> str:
    """The topic sentence a passage continues (the last one before it starts), if any."""
    before = [topic for topic in topics if topic.start < span.start]
    return doc.text[before[-1].start : before[-1].end] if before else ""


def merge_tiny(blocks: Iterable[Block], max_chars: int) -> list[Block]:
    """Join a very short paragraph (同志们：, a date line) to its neighbour under the same path."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == block.kind == "body"
            and previous.headings == block.headings
            and block.end - previous.start <= max_chars
            and min(previous.end - previous.start, block.end - block.start) < TINY_PARAGRAPH
        ):
            merged[-1] = Block("body", previous.start, block.end, block.depth, block.headings)
        else:
            merged.append(block)
    return merged


def leaf_headings(blocks: list[Block]) -> set[int]:
    """Indexes of heading blocks with neither body text nor sub-headings under them."""
    leaves = set()
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == "heading" and (
            following is None or (following.kind == "heading" and following.depth <= block.depth)
        ):
            leaves.add(index)
    return leaves


def chunk_document(doc: Document, max_chars: int = INTS["max_chunk_chars"].default) -> list[Chunk]:
    """Cut one document into passages with their heading paths and offsets."""
    blocks = merge_tiny(doc.blocks, max_chars)
    leaves = leaf_headings(blocks)
    path: list[str] = []
    chunks = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            path[block.depth :] = [doc.text[block.start : block.end]]
            if index not in leaves:
                continue
            spans, headings = body_spans(doc, block, max_chars), tuple(path[: block.depth])
        else:
            spans, headings = body_spans(doc, block, max_chars), block.headings
        topics = topic_sentences(doc, block) if len(spans) > 1 else []
        for span in spans:
            text = doc.text[span.start : span.end]
            chunks.append(
                Chunk(
                    id=chunk_id(doc.path, span.start, span.end, text),
                    doc=doc.path,
                    title=doc.title,
                    headings=headings,
                    text=text,
                    start=span.start,
                    end=span.end,
                    article=block.label,
                    context=context_of(doc, topics, span),
                    pages=pages_of(doc.pages, span.start, span.end),
                )
            )
    return chunks


def chunk_corpus(
    documents: Iterable[Document], max_chars: int = INTS["max_chunk_chars"].default
) -> list[Chunk]:
    """Every chunk of every document, in corpus order."""
    return [chunk for doc in documents for chunk in chunk_document(doc, max_chars)]
