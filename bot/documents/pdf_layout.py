"""A PDF page's glyphs → lines → the document's paragraphs, by their geometry alone
(no PDF library here: bot.documents.pdf reads the glyphs).

* **Lines** are a page's glyphs grouped by their vertical position and read left to
  right. A space stands where the file draws one, or where a gap is wider than the
  script needs (wide between Chinese characters, narrow between Latin words), so
  justified Chinese text gets no spaces.
* **Running headers and footers** are found by what they are: a line at the top or the
  bottom of the page (its outermost lines, in the outer fifth of its height) that stands
  there, at the same height and size, on many pages, compared with digits and Chinese
  numerals normalised (so a changing page or issue number still matches; odd and even
  pages may carry different ones; a nearly equal line counts too), or one that is a
  page number in any common form (`- 3 -`, `第 3 页 共 20 页`, `3/20`, `Page 3`, `iv` …).
  A single page has no repetition: only its page number goes.
* **Paragraphs**: a line that reaches the right margin of the text block (its next
  line's first character or word would not have fitted) goes on in the next line,
  across a page break too; an indented line, a line of another size, a line after a
  wider gap, a bullet, or a line after one that ends short of the margin (a heading, a
  title, a date, a paragraph's end) starts a new paragraph, and so does a numbered line
  (第二条, 三、) after a sentence's end where paragraphs are not indented. Lines are
  joined without a space, except between two Latin words.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.chars import CLAUSE_END, SENTENCE_END
from bot.documents.outline import ARTICLE, heading_style
from bot.measure import percentile

MARGIN_BAND = 0.2  # headers and footers stand in the top and bottom fifth of the page
MARGIN_LINES = 3  # at most this many header (and footer) lines per page
RUNNING_SHARE = 0.3  # a line on this share of the pages (at least 2) is a running line
SIMILAR = 0.8  # a line this similar to a running line is one too
MAX_LABEL = 4  # glyphs of a list item's label (•, 1., (a), iv.) before its text
INDENT_EMS = 1.0  # a line starting this far right of the text block's left is indented
HANG_SLACK_EMS = 0.3  # a line starting this close to where a list item's text does hangs
REACH_SLACK_EMS = 0.5  # a line this close to fitting its next line's first word reaches
GAP_LEADINGS = 1.5  # a gap this many times the line spacing separates paragraphs
SIZE_CHANGE = 0.15  # a line this much larger or smaller than the previous one is apart
SPACE_GAP_EMS = {  # a gap this wide between two glyphs is a space, by whether they are wide
    (True, True): 0.9,  # two wide (Chinese) glyphs: only a letter-spaced heading's gap
    (True, False): 0.5,
    (False, True): 0.5,
    (False, False): 0.12,  # two narrow (Latin) glyphs: a word space
}
CJK_FROM = 0x2E80  # radicals, CJK punctuation, kana, ideographs, full-width forms …
GENERAL_PUNCTUATION = (0x2010, 0x206F)  # “ ” ‘ ’ — … : full width in a Chinese font
WIDE_GLYPH = 0.75  # a glyph at least this many ems wide is a full-width one
BULLETS = set("•●○◦▪■□◆◇►▶➢✓✔")
CONTENTS_ENTRY = re.compile(r"(?:\.{3,}|…+|·{3,}|\s{2,})\s*\d{1,4}$")  # leader, page number
OPENING = set("“‘（《「『【〔(")
LINE_END = SENTENCE_END + CLAUSE_END  # a line that may end a paragraph
NUMBERED_STYLES = {"part", "chapter", "named", "section", "cn", "paren_cn"}
CN_NUMERALS = re.compile("[零〇一二三四五六七八九十百千两]+")
DIGITS = re.compile(r"\d+")
ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
DECORATION = r"[-‐‑–—―－~～·•.\[\]()（）【】〔〕<>〈〉《》|｜\s]*"
PAGE_NUMBERS = (  # 3, - 3 -, — 3 —, [3], iv, 3/20; 第3页, 第 3 页 共 20 页; Page 3 of 20
    rf"{DECORATION}(?:\d{{1,4}}|{ROMAN})(?:\s*(?:/|of)\s*\d{{1,4}})?{DECORATION}",
    r"第\s*(?:\d{1,4}|[零〇一二三四五六七八九十百千两]{1,6})\s*页(?:\s*[,，、/]?\s*共\s*\d{1,4}\s*页)?",
    r"共\s*\d{1,4}\s*页\s*[,，、/]?\s*第\s*\d{1,4}\s*页",
    r"(?:page|p\.?|pp\.?|pg\.?)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?",
)
PAGE_NUMBER = re.compile("|".join(f"^(?:{form})$" for form in PAGE_NUMBERS), re.IGNORECASE)


@dataclass(frozen=True)
class Glyph:
    """One printed character: its text and its box in the page's coordinates (y up)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float

    @property
    def wide(self) -> bool:
        """A full-width glyph: a Chinese character or punctuation mark, or a quote or
        dash printed full width (as Chinese fonts print “ ” — …)."""
        code = ord(self.text[0])
        if code >= CJK_FROM:
            return True
        return GENERAL_PUNCTUATION[0] <= code <= GENERAL_PUNCTUATION[1] and (
            self.x1 - self.x0 >= WIDE_GLYPH * self.size
        )


@dataclass(frozen=True)
class Page:
    """One physical page: its box, its lines top to bottom and how many characters it
    prints (and how many of them could not be read)."""

    x0: float
    y0: float
    x1: float
    y1: float
    lines: tuple[TextLine, ...]
    printed: int
    unmapped: int = 0  # characters whose font gives no Unicode value


@dataclass(frozen=True)
class TextLine:
    """One printed line: its text and its ink's extent on the page."""

    page: int  # from 0
    text: str
    x0: float
    x1: float
    y0: float  # the bottom of its glyphs
    y1: float  # the top of its glyphs
    size: float
    lead: float  # the width of its first unit: a Chinese character or a Latin word
    hang: float | None  # where its text starts after a label (•, 1., (a)), if it has one


@dataclass(frozen=True)
class TextBlock:
    """The text block's geometry on a kind of page (odd or even): its margins, the line
    spacing and the body text size, and whether paragraphs start indented."""

    left: float
    right: float
    leading: float
    em: float
    indents: bool


def page_lines(glyphs: Sequence[Glyph], number: int) -> list[TextLine]:
    """A page's glyphs as lines, top to bottom: glyphs whose vertical middles lie within
    half a character of each other are one line."""
    rows: list[list[Glyph]] = []
    middle = 0.0
    for glyph in sorted(glyphs, key=lambda g: -(g.y0 + g.y1) / 2):
        centre = (glyph.y0 + glyph.y1) / 2
        if rows and middle - centre <= glyph.size / 2:
            rows[-1].append(glyph)
            continue
        rows.append([glyph])
        middle = centre
    lines = (text_line(sorted(row, key=lambda g: g.x0), number) for row in rows)
    return [line for line in lines if line is not None]


def text_line(glyphs: Sequence[Glyph], page: int) -> TextLine | None:
    """One line from its glyphs in reading order; None for a line of spaces. The spaces
    the file draws between two ink glyphs stand as they are (一　总则), and a space
    where the gap is wider than their script leaves (SPACE_GAP_EMS)."""
    ink: list[Glyph] = []
    pieces: list[str] = []
    space = ""  # the spaces drawn since the last ink glyph
    hang: float | None = None
    for glyph in glyphs:
        if glyph.text.isspace():
            space += glyph.text if ink else ""
            continue
        if ink:
            previous = ink[-1]
            if glyph.text == previous.text and glyph.x0 - previous.x0 < 0.2 * glyph.size:
                continue  # drawn twice over itself (a bold imitation)
            em = max(previous.size, glyph.size)
            if space or glyph.x0 - previous.x1 > SPACE_GAP_EMS[previous.wide, glyph.wide] * em:
                pieces.append(space or " ")
                if hang is None and len(ink) <= MAX_LABEL:
                    hang = glyph.x0
        pieces.append(glyph.text)
        ink.append(glyph)
        space = ""
    if not ink:
        return None
    return TextLine(
        page,
        "".join(pieces),
        ink[0].x0,
        max(glyph.x1 for glyph in ink),
        min(glyph.y0 for glyph in ink),
        max(glyph.y1 for glyph in ink),
        statistics.median(glyph.size for glyph in ink),
        lead_width(ink),
        hang,
    )


def lead_width(ink: Sequence[Glyph]) -> float:
    """The width of a line's first unit: its first full-width character (with the next
    one after an opening bracket or quote), or its first Latin word or number."""
    first = ink[0]
    if first.wide:
        if first.text in OPENING and len(ink) > 1:
            return ink[1].x1 - first.x0
        return first.x1 - first.x0
    end = first.x1
    for glyph in ink[1:]:
        if glyph.wide or glyph.x0 - end > SPACE_GAP_EMS[False, False] * glyph.size:
            break
        end = glyph.x1
    return end - first.x0


def margin_key(text: str) -> str:
    """A header or footer line as compared across pages: without spaces, every number
    (Arabic or Chinese) replaced by 0."""
    key = re.sub(r"\s+", "", text)
    return CN_NUMERALS.sub("0", DIGITS.sub("0", key))


def is_page_number(text: str) -> bool:
    """Whether a line is a page number: 3, - 3 -, — 3 —, 第3页, 第 3 页 共 20 页, 3/20,
    Page 3 of 20, iv …"""
    stripped = text.strip()
    return bool(stripped) and bool(PAGE_NUMBER.match(stripped))


@dataclass(frozen=True)
class Running:
    """A line that runs in a page's top or bottom band: its key (margin_key), and its
    usual distance from that edge of the page and size."""

    band: str  # "top" or "bottom"
    key: str
    offset: float
    size: float


def edge_offset(band: str, line: TextLine, page: Page) -> float:
    """How far a line stands from the page's top (its baseline) or bottom (its top)."""
    return page.y1 - line.y0 if band == "top" else line.y1 - page.y0


def margin_candidates(page: Page) -> Iterator[tuple[str, TextLine]]:
    """The outermost lines of a page that stand in its top or bottom band, with the band:
    the lines a header or footer could be."""
    band = (page.y1 - page.y0) * MARGIN_BAND
    for line in page.lines[:MARGIN_LINES]:
        if edge_offset("top", line, page) <= band:
            yield "top", line
    for line in page.lines[-MARGIN_LINES:]:
        if edge_offset("bottom", line, page) <= band:
            yield "bottom", line


def running_lines(pages: Sequence[Page]) -> list[Running]:
    """The header and footer lines that repeat: every key that stands in the same band
    on RUNNING_SHARE of the pages with text, and on two at least."""
    found: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    for number, page in enumerate(pages):
        for band, line in margin_candidates(page):
            on_pages = found.setdefault((band, margin_key(line.text)), {})
            on_pages.setdefault(number, (edge_offset(band, line, page), line.size))
    needed = max(2, math.ceil(RUNNING_SHARE * sum(1 for page in pages if page.lines)))
    return [
        Running(
            band,
            key,
            statistics.median(offset for offset, _ in on_pages.values()),
            statistics.median(size for _, size in on_pages.values()),
        )
        for (band, key), on_pages in found.items()
        if len(on_pages) >= needed
    ]


def is_running(band: str, line: TextLine, page: Page, running: Sequence[Running]) -> bool:
    """Whether a line is a running line: the same key (or nearly: a word more or less,
    a changed name) in the same band, at the same height and size (so that a title the
    same as the running header stays)."""
    key = margin_key(line.text)
    offset = edge_offset(band, line, page)
    for other in running:
        if other.band != band or abs(other.size - line.size) > SIZE_CHANGE * other.size:
            continue
        if abs(other.offset - offset) > max(2.0, other.size / 2):
            continue
        if other.key == key:
            return True
        matcher = difflib.SequenceMatcher(None, key, other.key)
        if matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR:
            return True
    return False


def strip_margins(pages: Sequence[Page]) -> list[list[TextLine]]:
    """Each page's lines without its running headers, footers and page numbers, taken
    from the top and the bottom inwards."""
    running = running_lines(pages)
    out = []
    for page in pages:
        lines = page.lines
        band = (page.y1 - page.y0) * MARGIN_BAND
        first, last = 0, len(lines)
        while first < min(last, MARGIN_LINES) and edge_offset("top", lines[first], page) <= band:
            if not is_margin_line("top", lines[first], page, running):
                break
            first += 1
        lowest = max(first, len(lines) - MARGIN_LINES)
        while last > lowest and edge_offset("bottom", lines[last - 1], page) <= band:
            if not is_margin_line("bottom", lines[last - 1], page, running):
                break
            last -= 1
        out.append(list(lines[first:last]))
    return out


def is_margin_line(band: str, line: TextLine, page: Page, running: Sequence[Running]) -> bool:
    """Whether a line in a page's top or bottom band is a header, footer or page number."""
    return is_page_number(line.text) or is_running(band, line, page, running)


def text_blocks(pages_lines: Sequence[Sequence[TextLine]]) -> tuple[TextBlock, TextBlock]:
    """The text block of odd and of even pages (the same unless their margins differ),
    measured on the lines of body text size."""
    lines = [line for page in pages_lines for line in page]
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    em = max(weights, key=lambda size: weights[size]) if weights else 12.0
    body = [line for line in lines if abs(line.size - em) <= SIZE_CHANGE * em]
    leading = line_spacing(pages_lines, em)
    blocks = []
    for parity in (0, 1):
        side = [line for line in body if line.page % 2 == parity]
        side = side if len(side) >= 10 else body
        left = percentile([line.x0 for line in side], 0.1)
        right = percentile([line.x1 for line in side], 0.9)
        blocks.append(TextBlock(left, right, leading, em, False))
    indents = starts_indented(pages_lines, blocks)
    odd, even = (TextBlock(b.left, b.right, b.leading, b.em, indents) for b in blocks)
    return odd, even


def line_spacing(pages_lines: Sequence[Sequence[TextLine]], em: float) -> float:
    """The usual distance between two body lines' baselines on a page."""
    steps = [
        above.y0 - below.y0
        for page in pages_lines
        for above, below in pairwise(page)
        if abs(above.size - em) <= SIZE_CHANGE * em and above.y0 > below.y0
    ]
    return statistics.median(steps) if steps else 1.5 * em


def starts_indented(
    pages_lines: Sequence[Sequence[TextLine]], blocks: Sequence[TextBlock]
) -> bool:
    """Whether the document indents its paragraphs' first lines: most lines that follow
    a line ending short of the margin start indented."""
    starts = indented = 0
    for page in pages_lines:
        for above, below in pairwise(page):
            block = blocks[below.page % 2]
            if above.x1 < block.right - 3 * block.em and below.x1 >= block.right - block.em:
                starts += 1
                indented += below.x0 >= block.left + INDENT_EMS * block.em
    return starts > 0 and indented * 2 >= starts


def continues(
    above: TextLine, below: TextLine, blocks: tuple[TextBlock, TextBlock], hang: float | None
) -> bool:
    """Whether `below` goes on with the paragraph of `above` (see the module docstring).

    `hang` is where, from the text block's left, the paragraph's lines after its first
    start when it hangs them under its text after a label (• item, 1. item), if it does.
    """
    block, block_above = blocks[below.page % 2], blocks[above.page % 2]
    em = block.em
    if abs(above.size - below.size) > SIZE_CHANGE * max(above.size, below.size):
        return False
    hanging = hang is not None and abs(below.x0 - block.left - hang) <= HANG_SLACK_EMS * em
    if not block.indents and abs(below.x0 - above.x0) <= HANG_SLACK_EMS * em:
        hanging = True  # an indented block (a quotation, a definition) goes on
    if below.x0 >= block.left + INDENT_EMS * em and not hanging:
        return False  # an indented first line, a centred heading
    if above.page == below.page and above.y0 - below.y0 > GAP_LEADINGS * block.leading:
        return False
    if above.x1 + below.lead < block_above.right - REACH_SLACK_EMS * em:
        return False  # the next line's first word would have fitted: the paragraph ended
    if below.text[0] in BULLETS and not hanging:
        return False  # a list item
    if CONTENTS_ENTRY.search(above.text):
        return False  # a table of contents' entry: 第一章 总则……1
    # 第二条 at the margin after a sentence, where nothing is indented, starts anew
    return block.indents or above.text[-1] not in LINE_END or not numbered(below.text)


def numbered(text: str) -> bool:
    """Whether a line starts with a heading's or an article's numbering."""
    style = heading_style(text)
    return bool(ARTICLE.match(text)) or (style is not None and style[0] in NUMBERED_STYLES)


def joiner(above: str, below: str) -> str:
    """What joins two lines of one paragraph: a space between Latin words, else nothing."""
    last, first = above[-1], below[0]
    latin_end = last.isascii() and (last.isalnum() or last in ",.;:!?%)")
    return " " if latin_end and first.isascii() and first.isalnum() else ""


def join_paragraphs(
    pages_lines: Sequence[Sequence[TextLine]], page_count: int
) -> tuple[str, tuple[int, ...]]:
    """The lines as paragraphs, one a line, and the offset where each page's text starts
    (a page without text starts where the next text does)."""
    blocks = text_blocks(pages_lines)
    pieces: list[str] = []
    length = 0
    starts: list[int] = []
    previous: TextLine | None = None
    hang: float | None = None  # where the paragraph's next line starts if it hangs
    for page in pages_lines:
        for index, line in enumerate(page):
            left = blocks[line.page % 2].left
            if previous is not None and continues(previous, line, blocks, hang):
                separator = joiner(previous.text, line.text)
                hang = line.x0 - left
            else:
                separator = "\n" if previous is not None else ""
                hang = None if line.hang is None else line.hang - left
            pieces.append(separator)
            length += len(separator)
            if index == 0:
                starts += [length] * (line.page + 1 - len(starts))
            pieces.append(line.text)
            length += len(line.text)
            previous = line
    starts += [length] * (page_count - len(starts))
    if starts:
        starts[0] = 0
    return "".join(pieces), tuple(starts)
