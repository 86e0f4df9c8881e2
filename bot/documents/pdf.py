"""PDF files (.pdf): the text layer, read glyph by glyph with pdfminer.six, then put
back into the document's paragraphs, one a line, with the offset where each physical
page starts (bot.documents.pdf_layout: lines, running headers and footers, paragraphs).

Rotated glyphs (a watermark's) and glyphs without a Unicode value are left out; Kangxi
radicals and compatibility ideographs some fonts map Chinese characters to are read as
the characters. `read_pdf` raises UnreadableFile for a file that is not a PDF, is cut
short or damaged, needs a password, has more than MAX_PAGES pages or page contents that
inflate past the limit, or has no text layer (a scan to OCR first).
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.documents.pdf_layout import Glyph, Page, join_paragraphs, page_lines, strip_margins
from bot.documents.reading import Extracted, ReadLimits, UnreadableFile

if TYPE_CHECKING:
    from pdfminer.layout import LTItem
    from pdfminer.pdfpage import PDFPage

SUFFIXES = (".pdf",)
MAX_PAGES = 2000  # a book of regulations has a few hundred; more is a mistake or a bomb
MIN_CHARS_PER_PAGE = 20  # fewer printed characters per page on average: a scan
NO_TEXT_LAYER = "no text layer; OCR it first"
NO_UNICODE = "its fonts map no characters to Unicode (text cannot be copied out); OCR it first"
END_MARKER_WINDOW = 2048  # %%EOF must stand within this many bytes of the end
ROTATED = 0.1  # a glyph turned more than this (sin of the angle) is a watermark's
NORMALISED = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\ufb00-\ufb06]")  # radicals, ligatures


def read_pdf(path: Path, limits: ReadLimits) -> Extracted:
    """A PDF's text as paragraphs (one a line, headers, footers and page numbers left
    out) and the offset where each physical page starts; see the module docstring.

    Raises UnreadableFile for a damaged, protected, over-long or scanned file.
    """
    check_complete(path)
    pages = read_pages(path, limits)
    printed = sum(page.printed for page in pages)
    if printed < MIN_CHARS_PER_PAGE * len(pages):
        if sum(page.unmapped for page in pages) > printed:
            raise UnreadableFile(NO_UNICODE)
        raise UnreadableFile(NO_TEXT_LAYER)
    body = strip_margins(pages)
    if not any(body):
        raise UnreadableFile(NO_TEXT_LAYER)  # a scan with a typed header or page number
    text, starts = join_paragraphs(body, len(pages))
    return Extracted(text, pages=starts)


def check_complete(path: Path) -> None:
    """Refuse a file that is not a PDF, or one cut short (a PDF ends with %%EOF)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - END_MARKER_WINDOW))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise UnreadableFile("not a PDF file (no %PDF header)")
    if b"%%EOF" not in tail:
        raise UnreadableFile("damaged PDF: the file is cut short (no %%EOF at its end)")


def read_pages(path: Path, limits: ReadLimits) -> list[Page]:
    """Every page's box and lines, read with pdfminer.six (imported here so that
    plain-text corpora don't pay for it). Raises UnreadableFile."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings on damaged files
    try:
        return list(iterate_pages(path, limits))
    except UnreadableFile:
        raise
    except PDFPasswordIncorrect:
        raise UnreadableFile("encrypted PDF; save it without a password") from None
    except PDFEncryptionError:
        raise UnreadableFile("encrypted PDF of a kind that cannot be opened") from None
    except RecursionError:
        raise UnreadableFile("damaged PDF (objects nested without end)") from None
    except Exception as error:  # pdfminer raises many types on a malformed file
        raise UnreadableFile(f"damaged PDF ({type(error).__name__})") from None


def iterate_pages(path: Path, limits: ReadLimits) -> Iterator[Page]:
    """The pages of the file one at a time, within MAX_PAGES and, for the page contents
    pdfminer inflates, `limits.max_inflated_bytes`."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with path.open("rb") as handle:
        document = PDFDocument(PDFParser(handle))
        declared = resolve1(resolve1(document.catalog.get("Pages")) or {}).get("Count")
        if isinstance(declared, int) and declared > MAX_PAGES:
            raise UnreadableFile(too_many_pages(f"{declared}"))
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=None)
        interpreter = PDFPageInterpreter(resources, device)
        budget = limits.max_inflated_bytes
        for number, page in enumerate(PDFPage.create_pages(document), 1):
            if number > MAX_PAGES:
                raise UnreadableFile(too_many_pages(f"over {MAX_PAGES}"))
            budget -= inflated_size(page, budget)
            if budget < 0:
                raise UnreadableFile(inflate_reason(limits.max_inflated_bytes))
            interpreter.process_page(page)
            layout = device.get_result()
            glyphs, unmapped = page_glyphs(layout)
            printed = sum(1 for glyph in glyphs if not glyph.text.isspace())
            yield Page(*layout.bbox, tuple(page_lines(glyphs, number - 1)), printed, unmapped)


def too_many_pages(count: str) -> str:
    """Why a PDF with too many pages is skipped."""
    return f"too many pages ({count}; the limit is {MAX_PAGES}); split the file"


def inflate_reason(limit: int) -> str:
    """Why a PDF whose page contents inflate past the limit is skipped."""
    return (
        f"page contents would inflate to over {limit / 2**20:.0f} MB"
        " (set by MAX_INFLATED_MB); a zip bomb?"
    )


def inflated_size(page: PDFPage, budget: int) -> int:
    """How many bytes the page's compressed content streams inflate to, counted (up to
    `budget` and one more) before pdfminer inflates them in one piece."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode

    total = 0
    for stream in getattr(page, "contents", None) or ():
        data = stream.rawdata or b""
        for name, _ in stream.get_filters():
            name = getattr(name, "name", name)
            try:
                if name in ("ASCII85Decode", "A85"):
                    data = ascii85decode(data)  # 5 bytes to 4: no bomb
                elif name in ("ASCIIHexDecode", "AHx"):
                    data = asciihexdecode(data)
                elif name in ("FlateDecode", "Fl"):
                    total += len(zlib.decompressobj().decompress(data, budget - total + 1))
                    break
                else:
                    break  # another filter (LZW, an image's): not counted
            except (ValueError, zlib.error):
                break  # damaged: pdfminer recovers what it can
        if total > budget:
            break
    return total


def page_glyphs(item: LTItem) -> tuple[list[Glyph], int]:
    """The upright glyphs of a laid-out page, figures included, in drawing order, and how
    many characters could not be mapped to Unicode."""
    glyphs: list[Glyph] = []
    unmapped = 0
    for char in characters(item):
        text = char.get_text()
        if text.startswith("(cid:"):  # pdfminer's text for a character it cannot map
            unmapped += 1
        elif glyph := glyph_of(char, text):
            glyphs.append(glyph)
    return glyphs, unmapped


def characters(item: LTItem) -> Iterator[Any]:
    """The characters (LTChar) of a laid-out page or figure, in drawing order."""
    from pdfminer.layout import LTChar, LTContainer

    # (pdfminer types a page's items as LTItem, which declares no __iter__; the page and
    # figure containers this is called with iterate)
    for child in item:  # type: ignore[attr-defined]
        if isinstance(child, LTChar):
            yield child
        elif isinstance(child, LTContainer):
            yield from characters(child)


def glyph_of(char: Any, text: str) -> Glyph | None:
    """A pdfminer character as a Glyph; None for a turned or mirrored one (a
    watermark's) or a control character."""
    a, b, c, d, _, _ = char.matrix
    if a * d <= 0 or abs(b) > ROTATED * abs(a) or abs(c) > ROTATED * abs(d):
        return None
    if not text or unicodedata.category(text[0]) == "Cc":
        return None
    if NORMALISED.search(text):
        text = NORMALISED.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return Glyph(text, char.x0, char.x1, char.y0, char.y1, char.size or 1.0)
