"""Answer → what a reader sees: terminal text, JSON, and (in telegram_html) Telegram HTML."""

from __future__ import annotations

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
    """One line of `ask --json`."""
    return {"query": answer.query, "results": [hit_dict(hit) for hit in answer.hits]}


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
        return "没有找到相关段落。换个说法试试，或用更具体的关键词。"
    blocks = []
    for rank, hit in enumerate(answer.hits, 1):
        chunk = hit.chunk
        where = f"{chunk.doc}:{chunk.start}-{chunk.end}  score {hit.score:.2f}"
        head = f"[{rank}] {heading_path(chunk)}"
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
