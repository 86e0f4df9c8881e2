"""Answer → what a reader sees: terminal text, JSON, and (in telegram_html) Telegram HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from bot.models import Answer, Chunk, Hit

BOLD, RESET, DIM = "\033[1m", "\033[0m", "\033[2m"
PATH_SEPARATOR = " › "


def heading_path(chunk: Chunk) -> str:
    """Document title and section path, outermost first."""
    return PATH_SEPARATOR.join((chunk.title, *chunk.headings))


def chunk_dict(chunk: Chunk) -> dict[str, Any]:
    """A passage as the JSON contract describes it."""
    return {
        "id": chunk.id,
        "doc": chunk.doc,
        "title": chunk.title,
        "headings": list(chunk.headings),
        "article": chunk.article,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
    }


def hit_dict(hit: Hit) -> dict[str, Any]:
    """A ranked passage for `ask --json`: the passage, its score and highlight spans."""
    return {
        **chunk_dict(hit.chunk),
        "score": round(hit.score, 6),
        "highlights": [list(span) for span in hit.highlights],
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    """One line of `ask --json`: `results` answer; `missing` names what the library
    lacks; `related` holds weak matches (each `weak: true`), never an answer."""
    line: dict[str, Any] = {"query": answer.query, "results": [hit_dict(h) for h in answer.hits]}
    if answer.missing:
        line["missing"] = answer.missing
    if answer.related:
        line["related"] = [{**hit_dict(hit), "weak": True} for hit in answer.related]
    return line


def missing_text(answer: Answer) -> str:
    """What to say when the question names what the library lacks (资料库中没有《民法典》)."""
    return f"资料库中没有{answer.missing}。" if answer.missing else ""


def mark(text: str, spans: Sequence[tuple[int, int]], before: str, after: str) -> str:
    """`text` with `before`/`after` around each span (spans sorted, non-overlapping)."""
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], before, text[start:end], after]
        position = end
    out.append(text[position:])
    return "".join(out)


def terminal_answer(answer: Answer, color: bool = False) -> str:
    """A readable answer for a terminal; matched words in bold when `color`."""
    if not answer.hits:
        said = missing_text(answer) or "没有找到相关段落。换个说法试试，或用更具体的关键词。"
        if not answer.related:
            return said
        return f"{said}\n\n可能相关（匹配较弱）：\n\n" + terminal_hits(answer.related, color)
    return terminal_hits(answer.hits, color)


def terminal_hits(hits: Sequence[Hit], color: bool) -> str:
    """Ranked passages for a terminal, each under its heading path."""
    blocks = []
    for rank, hit in enumerate(hits, 1):
        chunk = hit.chunk
        where = f"{chunk.doc}:{chunk.start}-{chunk.end}"
        if hit.score > 0:  # an article looked up by its number has no score
            where += f"  score {hit.score:.2f}"
        head = f"[{rank}] {heading_path(chunk)}"
        if chunk.article and not chunk.text.startswith(chunk.article):
            head += f" › {chunk.article}（续）"
        body = mark(chunk.text, hit.highlights, BOLD, RESET) if color else chunk.text
        if color:
            head, where = f"{BOLD}{head}{RESET}", f"{DIM}{where}{RESET}"
        blocks.append(f"{head}\n{where}\n{body}")
    return "\n\n".join(blocks)


def terminal_chunk(chunk: Chunk) -> str:
    """One passage as `chunks` prints it."""
    return (
        f"[{chunk.id}] {chunk.doc}:{chunk.start}-{chunk.end} {heading_path(chunk)}\n{chunk.text}"
    )


# --- Telegram HTML ------------------------------------------------------------------
TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units, Telegram's limit for a message
HEADING_CHARS = 26
EXPANDABLE_FROM = 200
SENTENCE_ENDS = "。！？；!?;\n"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def shorten_middle(text: str, limit: int = HEADING_CHARS) -> str:
    """`text` cut to `limit` characters by dropping its middle (一、提高政治站…重大意义)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


def html_heading_path(chunk: Chunk) -> str:
    """Escaped `title › heading › …` with long headings shortened in the middle; a
    passage that continues an article says which (第二十八条（续）)."""
    parts = [shorten_middle(h) for h in (chunk.title, *chunk.headings)]
    if chunk.article and not chunk.text.startswith(chunk.article):
        parts.append(f"{chunk.article}（续）")
    return html.escape(PATH_SEPARATOR.join(parts))


def html_marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped `text` with each span in <b>…</b>."""
    out, position = [], 0
    for start, end in spans:
        out += [html.escape(text[position:start]), "<b>", html.escape(text[start:end]), "</b>"]
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def trim_passage(
    text: str, spans: Sequence[tuple[int, int]], budget: int
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The longest start of `text` ending at a sentence end whose marked HTML fits `budget`.

    Falls back to a hard cut (then "…") only when not even one sentence fits.
    """
    if utf16_len(html_marked(text, spans)) <= budget:
        return text, tuple(spans)

    def cut(end: int, suffix: str = "") -> tuple[str, tuple[tuple[int, int], ...]]:
        kept = tuple((s, min(e, end)) for s, e in spans if s < end)
        return text[:end].rstrip() + suffix, kept

    ends = [i + 1 for i, char in enumerate(text) if char in SENTENCE_ENDS]
    for end in reversed(ends):
        candidate, kept = cut(end, "…")
        if utf16_len(html_marked(candidate, kept)) <= budget:
            return candidate, kept
    end = len(text)
    while end > 0:
        end = end * 3 // 4
        candidate, kept = cut(end, "…")
        if utf16_len(html_marked(candidate, kept)) <= budget:
            return candidate, kept
    return "…", ()


def html_quote(text: str, spans: Sequence[tuple[int, int]], budget: int) -> str:
    """A passage as a blockquote (expandable when long) within `budget` UTF-16 units."""
    opening = "<blockquote expandable>" if len(text) > EXPANDABLE_FROM else "<blockquote>"
    closing = "</blockquote>"
    inner_budget = budget - utf16_len(opening) - utf16_len(closing)
    trimmed, kept = trim_passage(text, spans, max(1, inner_budget))
    return f"{opening}{html_marked(trimmed, kept)}{closing}"


def telegram_passages(
    hits: Sequence[Hit], header: str, first_rank: int = 1, limit: int = TELEGRAM_TEXT_LIMIT
) -> str:
    """Telegram HTML for ranked passages under an (already escaped) header, within `limit`.

    Each passage gets a heading line and a blockquote; passages share what is left
    of the limit and are trimmed at sentence ends.
    """
    heads = [
        f"<b>{rank}.</b> {html_heading_path(hit.chunk)}"
        for rank, hit in enumerate(hits, first_rank)
    ]
    fixed = utf16_len(header) + sum(utf16_len(h) + 2 for h in heads) + 2 * len(hits)
    share = (limit - fixed) // max(1, len(hits))
    blocks = [header] if header else []
    for head, hit in zip(heads, hits, strict=True):
        blocks.append(f"{head}\n{html_quote(hit.chunk.text, hit.highlights, share)}")
    return "\n\n".join(blocks)
