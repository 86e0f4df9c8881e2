"""The only file reader: corpus folder → decoded Documents (and the files skipped, with why)."""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.documents.outline import parse_outline
from bot.models import Document, SkippedFile

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}
OLD_WORD_SUFFIXES = {".doc", ".wps"}  # Word 97-2003 and WPS files: binary formats
OLD_WORD_REASON = "an old Word or WPS file; open it and save it as .docx"
USER_DICT_NAME = "userdict.txt"
MAX_FILE_BYTES = 20 * 2**20  # a speech or report is far smaller; anything bigger is a mistake
MAX_INFLATED_BYTES = 100 * 2**20  # a .docx's parts, unpacked (MAX_INFLATED_MB's default)
MAX_ARCHIVE_ENTRIES = 1000  # parts in a .docx (MAX_ARCHIVE_ENTRIES's default)
MAX_INFLATE_RATIO = 100  # unpacked size over file size (MAX_INFLATE_RATIO's default)
RATIO_FROM = 10 * 2**20  # archives smaller than this unpacked are not held to the ratio
INFLATE_CHUNK = 1 << 20  # bytes unpacked at a time while checking a .docx
ZIP_ENCRYPTED = 0x1  # the general-purpose flag bit of an encrypted zip entry
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # what Word wraps a protected .docx in
OLE_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
ENCRYPTED_REASON = "encrypted .docx; save it without a password"
DOCX_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
FILE_NUMBERING = re.compile(r"^\d{1,4}[_\-、\s]+")
FILE_DATE = re.compile(r"[(（]\d{4}[-.年]\d{1,2}[-.月]\d{1,2}日?[)）]$")


class CorpusError(Exception):
    """The corpus cannot be served at all (missing folder, no readable documents)."""


class UnreadableFile(Exception):
    """A single corpus file cannot be decoded; the message says why."""


@dataclass(frozen=True)
class Corpus:
    """The loaded documents, the files skipped, and the user dictionary if present."""

    root: Path
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]
    user_dict: Path | None = None


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

    Raises UnreadableFile for binary data or bytes no supported encoding accepts.
    """
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return (
                    data[len(bom) :].decode(encoding)
                    if encoding == "utf-8"
                    else data.decode(encoding)
                )
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    f"starts with a {encoding} BOM but is not {encoding} text ({error.reason})"
                ) from None
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes), not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for char in text if char < " " and char not in "\r\n\t\f")
        if controls > len(text) // 100:
            raise UnreadableFile("binary file (control characters), not text")
        return text
    raise UnreadableFile("not UTF-8 or GB18030 text (undecodable bytes)")


def check_docx_archive(
    path: Path,
    max_inflated_bytes: int = MAX_INFLATED_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
    max_ratio: int = MAX_INFLATE_RATIO,
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
        style = style_of.get(item._p.style, default_style)
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


def load_document(
    path: Path,
    relative: str,
    max_bytes: int = MAX_FILE_BYTES,
    *,
    max_inflated_bytes: int = MAX_INFLATED_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
    max_ratio: int = MAX_INFLATE_RATIO,
) -> Document:
    """Read, decode and outline one corpus file. Raises UnreadableFile or OSError.

    `max_inflated_bytes` and `max_entries` bound what a .docx may unpack to.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(
            f"too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB,"
            " set by MAX_FILE_MB)"
        )
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        check_docx_archive(path, max_inflated_bytes, max_entries, max_ratio)
        text, levels = read_docx(path)
    else:
        text, levels = decode_text(path.read_bytes()), {}
    if not text.strip():
        raise UnreadableFile("empty file")
    markdown = suffix in {".md", ".markdown"}
    title, blocks = parse_outline(text, levels, markdown=markdown, file_name=path.stem)
    if not blocks:
        raise UnreadableFile("no text besides a title and boilerplate")
    return Document(
        path=relative, title=title or title_from_file_name(path.stem), text=text, blocks=blocks
    )


def title_from_file_name(stem: str) -> str:
    """A title for a document with no title line: its file name without numbering
    (01_, 3-, 12.) and without a trailing date in brackets."""
    name = FILE_NUMBERING.sub("", stem)
    name = FILE_DATE.sub("", name).strip(" _-")
    return name or stem


def corpus_files(root: Path) -> list[Path]:
    """Every non-hidden file below `root` in a stable order, and every link to a folder
    (listed, not followed, so a link loop cannot trap the walk)."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        names = sorted([*files, *links])
        found.extend(Path(folder) / name for name in names if not name.startswith("."))
    return found


def load_corpus(
    root: Path,
    max_bytes: int = MAX_FILE_BYTES,
    *,
    max_inflated_bytes: int = MAX_INFLATED_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
    max_ratio: int = MAX_INFLATE_RATIO,
) -> Corpus:
    """Load every supported file below `root`; unreadable files are skipped with a reason.

    Files larger than `max_bytes` are skipped, and so is a .docx with more than
    `max_entries` parts or whose parts unpack to more than `max_inflated_bytes`.

    Raises CorpusError when `root` is missing or holds no readable document.
    """
    if not root.is_dir():
        raise CorpusError(f"corpus folder {str(root)!r} does not exist; set CORPUS_DIR")
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    user_dict = root / USER_DICT_NAME
    for path in corpus_files(root):
        relative = path.relative_to(root).as_posix()
        if path == user_dict:
            continue
        if path.is_symlink() and path.is_dir():
            skipped.append(SkippedFile(relative, "link to a folder (not followed)"))
            continue
        if path.suffix.lower() in OLD_WORD_SUFFIXES:
            skipped.append(SkippedFile(relative, OLD_WORD_REASON))
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES | DOCX_SUFFIXES:
            skipped.append(SkippedFile(relative, "unsupported file type (use .txt, .md or .docx)"))
            continue
        try:
            document = load_document(
                path,
                relative,
                max_bytes,
                max_inflated_bytes=max_inflated_bytes,
                max_entries=max_entries,
                max_ratio=max_ratio,
            )
            documents.append(document)
        except UnreadableFile as error:
            skipped.append(SkippedFile(relative, str(error)))
        except OSError as error:
            skipped.append(SkippedFile(relative, f"cannot read: {error.strerror or error}"))
    if not documents:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "the folder is empty"
        raise CorpusError(
            f"no readable documents in {str(root)!r} ({reasons}); add .txt, .md or .docx files"
        )
    return Corpus(
        root=root,
        documents=tuple(documents),
        skipped=tuple(skipped),
        user_dict=user_dict if user_dict.is_file() else None,
    )
