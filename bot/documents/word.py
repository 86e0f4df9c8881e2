"""Word files (.docx): paragraphs, heading styles and tables, after checking the archive
so that a zip bomb or a password-protected file is refused before python-docx opens it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.documents.reading import Extracted, ReadLimits, UnreadableFile

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

SUFFIXES = (".docx",)
RATIO_FROM = 10 * 2**20  # archives smaller than this unpacked are not held to the ratio
INFLATE_CHUNK = 1 << 20  # bytes unpacked at a time while checking a .docx
ZIP_ENCRYPTED = 0x1  # the general-purpose flag bit of an encrypted zip entry
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # what Word wraps a protected .docx in
OLE_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
ENCRYPTED_REASON = "encrypted .docx; save it without a password"
DOCX_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read_word(path: Path, limits: ReadLimits) -> Extracted:
    """A .docx file's lines and heading levels, once its archive passed the limits."""
    check_docx_archive(path, limits.max_inflated_bytes, limits.max_entries, limits.max_ratio)
    text, levels = read_docx(path)
    return Extracted(text, levels)


def check_docx_archive(
    path: Path,
    max_inflated_bytes: int,
    max_entries: int,
    max_ratio: int,
) -> None:
    """Refuse a .docx that is password-protected, has too many parts, unpacks to more
    than `max_inflated_bytes`, or (past 10 MB) to more than `max_ratio` times its own
    size, before python-docx unpacks and parses it.

    The declared sizes are checked first (instant, whatever the file claims), then every
    part is unpacked in chunks against a running budget, so a file whose sizes lie is
    stopped at the limit too. Raises UnreadableFile with the reason.
    """
    if is_encrypted_ole(path):
        raise UnreadableFile(ENCRYPTED_REASON)
    try:
        with zipfile.ZipFile(path) as archive:
            check_entries(archive.infolist(), max_inflated_bytes, max_entries)
            check_ratio(archive.infolist(), path.stat().st_size, max_ratio)
            inflate_within(archive, max_inflated_bytes)
    except UnreadableFile:
        raise
    except Exception as error:  # zipfile, zlib, lzma, bz2 raise many types on a bad archive
        raise UnreadableFile(f"not a valid .docx file ({type(error).__name__})") from None


def is_encrypted_ole(path: Path) -> bool:
    """Whether the file is what Word saves for a password-protected .docx: an OLE
    compound file holding an EncryptedPackage stream, not a zip."""
    with path.open("rb") as handle:
        if handle.read(len(OLE_SIGNATURE)) != OLE_SIGNATURE:
            return False
        return OLE_ENCRYPTED_STREAM in handle.read()  # the file is within MAX_FILE_MB


def check_entries(
    entries: list[zipfile.ZipInfo], max_inflated_bytes: int, max_entries: int
) -> None:
    """Refuse an archive by its directory: too many entries, an encrypted entry, or
    declared sizes that add up to more than `max_inflated_bytes`."""
    if len(entries) > max_entries:
        raise UnreadableFile(
            f"too many parts in the archive ({len(entries)} > {max_entries},"
            " set by MAX_ARCHIVE_ENTRIES)"
        )
    if any(entry.flag_bits & ZIP_ENCRYPTED for entry in entries):
        raise UnreadableFile(ENCRYPTED_REASON)
    declared = sum(entry.file_size for entry in entries)
    if declared > max_inflated_bytes:
        raise UnreadableFile(inflate_reason(f"{declared / 2**20:.1f}", max_inflated_bytes))


def check_ratio(entries: list[zipfile.ZipInfo], file_size: int, max_ratio: int) -> None:
    """Refuse an archive whose declared contents are more than `max_ratio` times the
    file (a text .docx unpacks to some 10 times its size; a bomb to hundreds)."""
    declared = sum(entry.file_size for entry in entries)
    if declared > RATIO_FROM and declared > max_ratio * max(file_size, 1):
        raise UnreadableFile(
            f"would inflate {declared / max(file_size, 1):.0f} times, to "
            f"{declared / 2**20:.1f} MB (> {max_ratio} times, set by MAX_INFLATE_RATIO); "
            "a zip bomb?"
        )


def inflate_within(archive: zipfile.ZipFile, max_inflated_bytes: int) -> None:
    """Unpack every entry in chunks, discarding the bytes, and stop as soon as the total
    passes `max_inflated_bytes` (so memory and time stay bounded whatever the archive
    declares). A damaged entry raises zipfile.BadZipFile (its CRC does not match)."""
    total = 0
    for entry in archive.infolist():
        with archive.open(entry) as stream:
            while chunk := stream.read(INFLATE_CHUNK):
                total += len(chunk)
                if total > max_inflated_bytes:
                    over = f"over {max_inflated_bytes / 2**20:.0f}"
                    raise UnreadableFile(inflate_reason(over, max_inflated_bytes))


def inflate_reason(size_mb: str, max_inflated_bytes: int) -> str:
    """Why a .docx that unpacks to more than the limit is skipped."""
    limit = f"{max_inflated_bytes / 2**20:.0f}"
    return f"would inflate to {size_mb} MB (> {limit} MB, set by MAX_INFLATED_MB); a zip bomb?"


def read_docx(path: Path) -> tuple[str, dict[int, int]]:
    """A .docx file's paragraphs and table rows as lines, in document order, and the
    heading level of each heading paragraph.

    Check the file with check_docx_archive first: python-docx unpacks it unguarded.
    """
    import docx  # python-docx; imported here so plain-text corpora don't pay for it
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        content = list(document.iter_inner_content())
        style_of, default_style = paragraph_styles(document)
    except Exception as error:  # python-docx raises many types on a malformed package
        raise UnreadableFile(f"not a valid .docx file ({type(error).__name__})") from None
    lines: list[str] = []
    levels: dict[int, int] = {}
    for item in content:
        if isinstance(item, Table):
            lines += table_lines(item)
            continue
        text = one_line(item.text)
        # item._p.style is the paragraph's style id (None: the default); python-docx's
        # item.style would search every style for the default, per paragraph
        style = style_of.get(item._p.style or "", default_style)
        if text.strip():
            if style.lower() == "title":
                levels[len(lines)] = 0
            elif match := DOCX_HEADING_STYLE.match(style):
                levels[len(lines)] = int(match.group(1))
        lines.append(text)
    return "\n".join(lines), levels


def paragraph_styles(document: DocxDocument) -> tuple[dict[str, str], str]:
    """The name of each paragraph style by its id, and the default paragraph style's
    name (what a paragraph naming no style, or an unknown one, has), as python-docx
    resolves them."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles import BabelFish

    names: dict[str, str] = {}
    default = ""
    for element in document.styles.element.style_lst:  # XML: a style may omit w:type
        if element.type not in (None, WD_STYLE_TYPE.PARAGRAPH) or element.styleId is None:
            continue
        name = BabelFish.internal2ui(element.name_val or "")
        names.setdefault(element.styleId, name)
        if element.default and not default:
            default = name
    return names, default


def one_line(text: str) -> str:
    """Text with its line breaks turned into spaces (a line is a paragraph here)."""
    return text.replace("\r", " ").replace("\n", " ")


def table_lines(table: Table) -> list[str]:
    """A .docx table as lines: the header row as it is, then each row as
    "header：value；header：value", so a row found alone still says what its values are."""
    rows = []
    for row in table.rows:
        cells = row.cells  # a merged cell appears once per column it spans: keep it once
        unique = [cell for i, cell in enumerate(cells) if i == 0 or cell is not cells[i - 1]]
        rows.append([one_line(cell.text).strip() for cell in unique])
    rows = [row for row in rows if any(row)]
    if len(rows) < 2 or len(rows[0]) < 2:
        return ["｜".join(row) for row in rows]
    header = rows[0]
    lines = ["｜".join(header)]
    for row in rows[1:]:
        if len(row) != len(header):
            lines.append("｜".join(row))
            continue
        cells = zip(header, row, strict=True)
        pairs = [f"{name}：{value}" if name else value for name, value in cells if value]
        lines.append("；".join(pairs) + "。" if pairs else "")
    return lines
