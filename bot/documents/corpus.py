"""The only file reader: corpus folder → decoded Documents (and the files skipped, with why)."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.documents.outline import parse_outline
from bot.models import Document, SkippedFile

if TYPE_CHECKING:
    from docx.table import Table

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}
USER_DICT_NAME = "userdict.txt"
MAX_FILE_BYTES = 20 * 2**20  # a speech or report is far smaller; anything bigger is a mistake
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


def read_docx(path: Path) -> tuple[str, dict[int, int]]:
    """A .docx file's paragraphs and table rows as lines, in document order, and the
    heading level of each heading paragraph."""
    import docx  # python-docx; imported here so plain-text corpora don't pay for it
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        content = list(document.iter_inner_content())
    except Exception as error:  # python-docx raises many types on a malformed package
        raise UnreadableFile(f"not a valid .docx file ({type(error).__name__})") from None
    lines: list[str] = []
    levels: dict[int, int] = {}
    for item in content:
        if isinstance(item, Table):
            lines += table_lines(item)
            continue
        text = one_line(item.text)
        style = (item.style.name if item.style is not None else "") or ""
        if text.strip():
            if style.lower() == "title":
                levels[len(lines)] = 0
            elif match := DOCX_HEADING_STYLE.match(style):
                levels[len(lines)] = int(match.group(1))
        lines.append(text)
    return "\n".join(lines), levels


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


def load_document(path: Path, relative: str, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read, decode and outline one corpus file. Raises UnreadableFile or OSError."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(
            f"too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB,"
            " set by MAX_FILE_MB)"
        )
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
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


def load_corpus(root: Path, max_bytes: int = MAX_FILE_BYTES) -> Corpus:
    """Load every supported file below `root`; unreadable files are skipped with a reason.

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
        if path.suffix.lower() not in TEXT_SUFFIXES | DOCX_SUFFIXES:
            skipped.append(SkippedFile(relative, "unsupported file type (use .txt, .md or .docx)"))
            continue
        try:
            documents.append(load_document(path, relative, max_bytes))
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
