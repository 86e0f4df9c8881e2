"""Make PDFs the way official documents are printed, with the truth about each character.

`make_pdf` lays out a document's paragraphs (one source line = one paragraph) on A4 pages
with reportlab and the CID font STSong-Light (no font file needed): the title centred in a
larger size, short headings (第一章 总则) centred, every other paragraph wrapped at the
text width with its first line indented by two characters, a running header and a page
number footer on every page. It returns the PDF and, for every character it printed in
the text block, the page it stands on: the ground truth a reader's text and page offsets
are checked against.

Run it to write sample PDFs: `python -m tests.auxil.make_pdf OUT_DIR`.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_SIZE = 12.0
TITLE_SIZE = 18.0
MARGIN_SIZE = 9.0  # header and footer
LEADING = 1.45  # line height over font size
TOP = PAGE_HEIGHT - 90  # the first text line's baseline
HEADER_Y = PAGE_HEIGHT - 50
FOOTER_Y = 42
CN_NUM = "零〇一二三四五六七八九十百千两"
CENTRED = re.compile(
    rf"^(?:第[{CN_NUM}\d]+(?:编|章|节|部分)|总则|总纲|附则|序言|前言)(?:[\s\u3000]|$|[\u4e00-\u9fff])"
)
NO_LINE_START = set("。，、；：？！”’）》」』】…,.;:?!%)")  # hangs past the margin instead
NO_LINE_END = set("“‘（《「『【(")  # moves to the next line instead
# STSong-Light's Unicode CMap (UniGB-UCS2-H) has no 00B7: the GB middle dot is 30FB, which
# readers map back to 00B7
PRINTED_AS = str.maketrans({"·": "・"})
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%/\-]*")
ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def roman(number: int) -> str:
    """A page number in lower-case roman numerals (xiv)."""
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


FOOTERS: dict[str, Callable[[int, int], str]] = {
    "plain": lambda page, total: f"{page}",
    "dash": lambda page, total: f"- {page} -",
    "emdash": lambda page, total: f"— {page} —",
    "cn": lambda page, total: f"第{page}页",
    "cn_total": lambda page, total: f"第 {page} 页 共 {total} 页",
    "slash": lambda page, total: f"{page}/{total}",
    "page": lambda page, total: f"Page {page} of {total}",
    "roman": lambda page, total: roman(page),
}


@dataclass(frozen=True)
class MadePdf:
    """A generated PDF, its page count, and each printed text character with its page
    (from 1), in reading order: the body only, never the header or the footer."""

    data: bytes
    pages: int
    chars: tuple[tuple[str, int], ...]
    headers: tuple[str, ...]  # the running header texts used (odd pages first)

    def body_text(self) -> str:
        """The printed body characters, without any white space."""
        return "".join(char for char, _ in self.chars)

    def pages_of(self, first: int, last: int) -> tuple[int, ...]:
        """The pages the body characters chars[first..last] (inclusive) are printed on."""
        return tuple(range(self.chars[first][1], self.chars[last][1] + 1))


@dataclass
class _Line:
    text: str
    x: float
    size: float
    spacing: float = 0.0  # extra space after each character (justified lines)
    gap_before: float = 0.0  # extra space above the line, in points


def register_font() -> None:
    """Register the document font with reportlab (once)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def width(text: str, size: float = BODY_SIZE) -> float:
    """The printed width of `text` in the document font."""
    return pdfmetrics.stringWidth(text, FONT, size)


def units(text: str) -> list[str]:
    """What a line may be broken between: each CJK character, each Latin word or number
    (with its trailing punctuation), each space."""
    out: list[str] = []
    position = 0
    while position < len(text):
        match = LATIN_RUN.match(text, position)
        end = match.end() if match else position + 1
        out.append(text[position:end])
        position = end
    return out


def wrap(text: str, first_width: float, line_width: float, size: float) -> list[str]:
    """Break a paragraph into lines no wider than the text block, the first `first_width`
    wide (after its indent): closing punctuation hangs past the margin rather than start
    a line, opening punctuation moves down rather than end one."""
    lines: list[list[str]] = [[]]
    used, limit = 0.0, first_width
    for unit in units(text):
        unit_width = width(unit, size)
        if used + unit_width > limit + 0.01 and lines[-1] and unit not in NO_LINE_START:
            line = lines[-1]
            carried = []
            while line and line[-1] in NO_LINE_END:
                carried.insert(0, line.pop())
            while line and line[-1] == " ":
                line.pop()
            lines.append(carried)
            used, limit = sum(width(u, size) for u in carried), line_width
            if unit == " ":
                continue
        lines[-1].append(unit)
        used += unit_width
    return ["".join(line) for line in lines if line]


def paragraph_lines(
    text: str, style: str, line_width: float, left: float, justify: bool, indent_chars: int
) -> list[_Line]:
    """The printed lines of one paragraph in one style (title, centred, plain or body)."""
    if style in ("title", "centred"):
        size = TITLE_SIZE if style == "title" else BODY_SIZE
        pieces = wrap(text, line_width, line_width, size)
        return [_Line(p, left + (line_width - width(p, size)) / 2, size) for p in pieces]
    indent = indent_chars * BODY_SIZE if style == "body" else 0.0
    pieces = wrap(text, line_width - indent, line_width, BODY_SIZE)
    out = []
    for index, piece in enumerate(pieces):
        x = left + (indent if index == 0 else 0.0)
        spacing = 0.0
        room = left + line_width - x - width(piece)
        if justify and index < len(pieces) - 1 and room > 0 and len(piece) > 1:
            spacing = room / (len(piece) - 1)
        out.append(_Line(piece, x, BODY_SIZE, spacing))
    return out


def style_of(index: int, text: str, title_at: int) -> str:
    """How a source line is printed: the title, a centred heading, a plain line (front
    matter before the title), or a body paragraph."""
    if index == title_at:
        return "title"
    if index < title_at:
        return "plain"
    if CENTRED.match(text) and len(text) <= 30:
        return "centred"
    return "body"


def header_text(headers: Sequence[str], page: int, total: int) -> str:
    """The running header of a page: odd and even pages may differ; `{page}` and
    `{total}` in a header are filled in."""
    template = headers[(page - 1) % len(headers)]
    return template.format(page=page, total=total)


def make_pdf(
    lines: Sequence[str],
    headers: Sequence[str] = ("某某省人民政府公报",),
    footer: str = "emdash",
    width_chars: int = 36,
    lines_per_page: int = 38,
    title_at: int = 0,
    justify: bool = True,
    blank_pages: Sequence[int] = (),
    first_page_header: bool = True,
    indent_chars: int = 2,
    gutter: float = 0.0,
    encrypt: object = None,
) -> MadePdf:
    """Print `lines` (one paragraph each) as a PDF; see the module docstring.

    `headers` are the running headers (two: odd and even pages differ; empty: none),
    `footer` a FOOTERS form for the page number, `title_at` the line that is the title
    (lines before it are front matter, printed plain), `blank_pages` pages (from 1) left
    empty after the text that precedes them, `first_page_header` whether the first page
    has the header too, `indent_chars` the first-line indent of body paragraphs, `gutter`
    how far (in points) odd pages are shifted right and even pages left (mirrored margins),
    `encrypt` a reportlab StandardEncryption to protect the file with.
    """
    register_font()
    line_width = width_chars * BODY_SIZE
    left = (PAGE_WIDTH - line_width) / 2
    printed: list[_Line] = []
    for index, raw in enumerate(lines):
        text = raw.strip(" \t\u3000\ufeff")
        if not text:
            continue
        style = style_of(index, text, title_at)
        block = paragraph_lines(text, style, line_width, left, justify, indent_chars)
        if style in ("title", "centred") and printed:
            block[0].gap_before = BODY_SIZE * 0.8
        printed += block
    pages = paginate(printed, lines_per_page, blank_pages)
    total = len(pages)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True, encrypt=encrypt)
    chars: list[tuple[str, int]] = []
    for number, page_lines in enumerate(pages, 1):
        shift = gutter if number % 2 else -gutter
        if headers and (number > 1 or first_page_header):
            header = header_text(headers, number, total)
            draw_header(pdf, header, number, left + shift, line_width)
        draw_footer(pdf, FOOTERS[footer](number, total), number, left + shift, line_width)
        pdf.translate(shift, 0)
        y = TOP
        for line in page_lines:
            y -= line.gap_before
            draw_line(pdf, line, y)
            chars += [(char, number) for char in line.text if not char.isspace()]
            y -= line.size * LEADING
        pdf.showPage()
    pdf.save()
    shown = tuple(header_text(headers, n, total) for n in (1, 2)[: len(headers)])
    return MadePdf(buffer.getvalue(), total, tuple(chars), shown)


def paginate(
    printed: Sequence[_Line], lines_per_page: int, blank_pages: Sequence[int]
) -> list[list[_Line]]:
    """The lines of each page, `lines_per_page` body lines' height to a page (a title's
    and a heading's extra height counted), with the blank pages asked for."""
    room = lines_per_page * BODY_SIZE * LEADING
    pages: list[list[_Line]] = [[]]
    used = 0.0
    for line in printed:
        height = line.gap_before + line.size * LEADING
        if used + height > room + 0.01 and pages[-1]:
            pages.append([])
            used = 0.0
            while len(pages) in blank_pages:
                pages.append([])
        pages[-1].append(line)
        used += height
    return pages


def draw_line(pdf: canvas.Canvas, line: _Line, y: float) -> None:
    """One text line at its place, spaced out when justified."""
    text = pdf.beginText(line.x, y)
    text.setFont(FONT, line.size)
    text.setCharSpace(line.spacing)
    text.textOut(line.text.translate(PRINTED_AS))
    pdf.drawText(text)


def draw_header(pdf: canvas.Canvas, text: str, page: int, left: float, line_width: float) -> None:
    """The running header above a rule: at the outer corner (right on odd pages, left on
    even ones)."""
    pdf.setFont(FONT, MARGIN_SIZE)
    if page % 2:
        pdf.drawRightString(left + line_width, HEADER_Y, text)
    else:
        pdf.drawString(left, HEADER_Y, text)
    pdf.setLineWidth(0.5)
    pdf.line(left, HEADER_Y - 4, left + line_width, HEADER_Y - 4)


def draw_footer(pdf: canvas.Canvas, text: str, page: int, left: float, line_width: float) -> None:
    """The page number, centred at the foot of the page."""
    pdf.setFont(FONT, MARGIN_SIZE)
    pdf.drawCentredString(left + line_width / 2, FOOTER_Y, text)


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF like a scan without OCR: every page a drawn picture, no text at all."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(pages):
        pdf.setFillGray(0.85)
        pdf.rect(60, 80, PAGE_WIDTH - 120, PAGE_HEIGHT - 160, fill=1, stroke=0)
        pdf.setFillGray(0.2)
        for row in range(30):
            pdf.rect(80, PAGE_HEIGHT - 120 - row * 20, 400 - (row % 3) * 60, 8, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def source_lines(path: Path) -> list[str]:
    """A library document's lines, as make_pdf takes them."""
    return path.read_text(encoding="utf-8").splitlines()


def title_line(lines: Sequence[str]) -> int:
    """Where a library document's title stands, for the samples: the line before its
    salutation (同志们：) when one opens it, else the first line; -1 for none."""
    for index, line in enumerate(lines[:30]):
        if line.startswith("同志们"):
            titled = [i for i in range(index) if lines[i].strip()]
            return titled[-1] if titled else -1
    return 0


def main(argv: Sequence[str]) -> None:
    """Write a sample PDF of every library document into the folder named."""
    out = Path(argv[0] if argv else "pdf-samples")
    out.mkdir(parents=True, exist_ok=True)
    library = Path(__file__).resolve().parents[2] / "library"
    for path in sorted(library.glob("*.txt")):
        lines = source_lines(path)
        made = make_pdf(lines, ("某某省人民政府公报 2024年第5期",), title_at=title_line(lines))
        (out / f"{path.stem}.pdf").write_bytes(made.data)
        print(f"{path.stem}.pdf: {made.pages} pages")


if __name__ == "__main__":
    main(sys.argv[1:])
