"""What a button carries: self-contained callback data of at most 64 bytes, so buttons
keep working after a restart and on any replica.

    m:<offset>:<question>              a page of an answer
    c:<passage>[:<offset>:<question>]  the section around a passage (and the page to go back to)
    q:<question>                       an example question
    t[:<doc>:<tag>[:<i>[:<j>]]]        the table of contents, down to a section
    r:<passage>                        one passage of the contents, with paging

A `<tag>` is four hex digits of the document's title, so a button made for a document
that has since gone or moved says it is stale instead of opening another one.
Deep links (t.me/bot?start=…) carry `c_<passage>` or `r_<passage>`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.search.question import compact_question
from bot.search.tokens import Tokenizer

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
PASSAGE_ID = re.compile(r"^[0-9a-f]{12}$")
DEEP_LINK = re.compile(r"^([cr])_([0-9a-f]{12})$")


@dataclass(frozen=True)
class Press:
    """A decoded button: its kind (m, c, q, t, r) and what it carries."""

    kind: str
    question: str = ""
    offset: int = 0
    passage: str = ""
    doc: int = -1
    tag: str = ""
    path: tuple[int, ...] = ()


def digest_tag(text: str, size: int = 2) -> str:
    """`2 × size` hex digits naming `text` (a title, a path, a collection) in a button."""
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()


def title_tag(title: str) -> str:
    """Four hex digits naming a document's title in a button."""
    return digest_tag(title)


def page_data(question: str, offset: int, tokenizer: Tokenizer) -> str:
    """A page of the answer to `question`, from `offset` (a long question compacted at
    the words `tokenizer` cuts)."""
    prefix = f"m:{offset}:"
    return prefix + compact_question(question, CALLBACK_LIMIT - len(prefix), tokenizer)


def section_data(passage: str, tokenizer: Tokenizer, question: str = "", offset: int = 0) -> str:
    """The section around a passage; with the answer page to return to when it fits."""
    prefix = f"c:{passage}:{offset}:"
    back = compact_question(question, CALLBACK_LIMIT - len(prefix), tokenizer) if question else ""
    return prefix + back if back else f"c:{passage}"


def question_data(question: str, tokenizer: Tokenizer) -> str:
    """An example question."""
    return "q:" + compact_question(question, CALLBACK_LIMIT - 2, tokenizer)


def contents_data(doc: int | None = None, title: str = "", path: tuple[int, ...] = ()) -> str:
    """A view of the table of contents: the documents, one document, or a section."""
    if doc is None:
        return "t"
    return ":".join(["t", str(doc), title_tag(title), *map(str, path)])


def passage_data(passage: str) -> str:
    """One passage of the contents, with paging."""
    return f"r:{passage}"


def number(text: str) -> int | None:
    """A small whole number written in ASCII digits (not ², not ٣), else None."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 6 else None


def parse(data: str) -> Press | None:
    """The button behind callback data, or None for data no button of ours carries."""
    kind, _, rest = data.partition(":")
    if kind == "m":
        offset, _, question = rest.partition(":")
        if number(offset) is not None and question.strip():
            return Press("m", question=question, offset=int(offset))
    elif kind == "c":
        passage, _, back = rest.partition(":")
        offset, _, question = back.partition(":")
        start = number(offset) if offset else 0
        if PASSAGE_ID.match(passage) and start is not None:
            return Press("c", passage=passage, offset=start, question=question)
    elif kind == "q" and rest.strip():
        return Press("q", question=rest)
    elif kind == "r" and PASSAGE_ID.match(rest):
        return Press("r", passage=rest)
    elif kind == "t":
        return parse_contents(rest)
    return None


def parse_contents(rest: str) -> Press | None:
    """The contents view behind `t:…` data."""
    if not rest:
        return Press("t")
    parts = rest.split(":")
    numbers = [number(p) for p in [parts[0], *parts[2:]]]
    if not 2 <= len(parts) <= 4 or None in numbers:
        return None
    return Press("t", doc=int(parts[0]), tag=parts[1], path=tuple(int(p) for p in parts[2:]))


def deep_link(press: Press) -> str:
    """The start parameter that opens this press in a private chat ("" if none fits)."""
    return f"{press.kind}_{press.passage}" if press.kind in ("c", "r") and press.passage else ""


def from_deep_link(payload: str) -> Press | None:
    """The press a /start parameter stands for, or None."""
    match = DEEP_LINK.match(payload)
    return Press(match.group(1), passage=match.group(2)) if match else None
