"""Text → title and outline blocks, from the numbering Chinese official documents use.

Recognised heading styles: Markdown `#`, 第X编/章, 第X节, 第X条, 一、, （一）, 1. / 1、,
（1）, ①, and enumerated paragraphs 一是…/一要…. Nesting follows the order in which
styles first appear (as in real documents, which skip and mix levels). A numbered
paragraph that carries a body after its lead sentence has that sentence as heading.
Promotional boilerplate lines (patterns in data/boilerplate.txt) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.models import Block

CN_NUM = "一二三四五六七八九十百零〇两"
SPACES = " \t\r\n\u3000\ufeff\xa0"
SENTENCE_END = "。！？!?"
MAX_BOILERPLATE_LINE = 120
MAX_TITLE_CHARS = 60

# (style, pattern); the pattern matches the numbering marker at the start of a line.
HEADING_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第[{CN_NUM}\d]+[编章部分]+(?=[\s\u3000:：、]|$)")),
    ("section", re.compile(rf"^第[{CN_NUM}\d]+节(?=[\s\u3000:：、]|$)")),
    ("article", re.compile(rf"^第[{CN_NUM}\d]+条(?=[\s\u3000:：、]|$)")),
    ("cn", re.compile(rf"^[{CN_NUM}]+[、，,．.](?![{CN_NUM}\d])")),
    ("paren_cn", re.compile(rf"^[（(][{CN_NUM}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,3}(?:[、．]|\.(?!\d))(?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,3}[）)]")),
    ("circled", re.compile(r"^[\u2460-\u2473\u3251-\u325f]")),
    ("enum", re.compile(rf"^[{CN_NUM}]{{1,3}}(?:是|要)(?=[^{SENTENCE_END}，,]{{2}})")),
)
MARKDOWN_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
# Styles whose scope ends with their own paragraph (一是…二是… enumerate within a section).
PARAGRAPH_SCOPED = {"enum"}
# A paragraph starting like this closes every open section (a speech's closing words).
OUTLINE_RESET = re.compile(r"^同志们[，,！!：:]")


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    """The editable list of boilerplate line patterns shipped in data/boilerplate.txt."""
    raw = resources.files("bot").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in raw.splitlines())
    return tuple(re.compile(line) for line in lines if line and not line.startswith("#"))


def is_boilerplate(line: str) -> bool:
    """True when a (stripped) line is a promotion/distribution notice, not document text."""
    if len(line) > MAX_BOILERPLATE_LINE:
        return False
    return any(pattern.search(line) for pattern in boilerplate_patterns())


@dataclass(frozen=True)
class Line:
    """A non-empty line of text: its stripped content and where it sits."""

    index: int
    start: int
    end: int
    text: str


def content_lines(text: str) -> list[Line]:
    """Non-empty lines with their stripped spans in `text`."""
    lines = []
    offset = 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        stripped = raw.strip(SPACES)
        if stripped:
            start = offset + raw.index(stripped[0])
            lines.append(Line(index, start, start + len(stripped), stripped))
        offset += len(raw)
    return lines


def heading_style(line: str) -> str | None:
    """The numbering style a line starts with, or None for body text."""
    for style, pattern in HEADING_STYLES:
        if pattern.match(line):
            return style
    return None


def looks_like_title(line: str) -> bool:
    """A short line that is not a sentence, not numbered and not a salutation."""
    return (
        2 <= len(line) <= MAX_TITLE_CHARS
        and line[-1] not in SENTENCE_END + "；;：:，,"
        and heading_style(line) is None
        and not OUTLINE_RESET.match(line)
        and not line.startswith("#")
    )


def lead_sentence_end(line: str) -> int | None:
    """Where the first sentence of `line` ends, if more text follows it."""
    for index, char in enumerate(line):
        if char in SENTENCE_END or (char in "：:" and index < len(line) - 1):
            end = index + 1
            while end < len(line) and line[end] in "”’」』）)":
                end += 1
            rest = line[end:].strip(SPACES)
            return end if rest else None
    return None


@dataclass
class _Open:
    style: str
    level: int  # explicit level for Markdown/docx headings, 0 for numbering styles
    text: str


def _open_heading(stack: list[_Open], style: str, level: int, text: str) -> None:
    if level:  # explicit levels: close every heading of the same kind at this level or deeper
        while stack and any(o.style == style and o.level >= level for o in stack):
            stack.pop()
    elif any(o.style == style for o in stack):
        while stack[-1].style != style:
            stack.pop()
        stack.pop()
    stack.append(_Open(style, level, text))


def parse_outline(
    text: str, line_levels: Mapping[int, int] | None = None, markdown: bool = False
) -> tuple[str | None, tuple[Block, ...]]:
    """Split `text` into (title, blocks): heading blocks and body blocks with their paths.

    `line_levels` maps line indexes to explicit heading levels (0 = title), as given
    by a .docx file's paragraph styles; `markdown` enables `#` headings.
    """
    line_levels = line_levels or {}
    lines = [line for line in content_lines(text) if not is_boilerplate(line.text)]
    title: str | None = None
    blocks: list[Block] = []
    stack: list[_Open] = []

    for position, line in enumerate(lines):
        explicit = line_levels.get(line.index)
        md = MARKDOWN_HEADING.match(line.text) if markdown else None
        if (
            title is None
            and position == 0
            and (
                explicit == 0
                or (md and len(md.group(1)) == 1)
                or (explicit is None and not md and looks_like_title(line.text))
            )
        ):
            title = md.group(2) if md else line.text
            continue
        if explicit == 0:
            continue  # a second Title-styled paragraph: not body, not a section
        if OUTLINE_RESET.match(line.text):
            stack.clear()

        start, end = line.start, line.end
        if explicit is not None or md:
            style, level = ("docx", explicit) if explicit is not None else ("md", 0)
            if md:
                level = len(md.group(1))
                start = line.start + md.start(2)
                end = line.start + md.end(2)
            _open_heading(stack, style, level or 1, text[start:end])
            blocks.append(Block("heading", start, end, len(stack) - 1))
            continue

        style = heading_style(line.text)
        if style is None:
            blocks.append(Block("body", start, end, len(stack), tuple(o.text for o in stack)))
            continue
        split = lead_sentence_end(line.text)
        head_end = start + split if split else end
        _open_heading(stack, style, 0, text[start:head_end])
        blocks.append(Block("heading", start, head_end, len(stack) - 1))
        if split:
            body_start = head_end + (
                len(text[head_end:end]) - len(text[head_end:end].lstrip(SPACES))
            )
            blocks.append(Block("body", body_start, end, len(stack), tuple(o.text for o in stack)))
        if style in PARAGRAPH_SCOPED:
            stack.pop()
    return title, tuple(blocks)
