"""Plain text files (.txt, .md): bytes → text in UTF-8, UTF-16 or GB18030/GBK."""

from __future__ import annotations

import codecs
from pathlib import Path

from bot.documents.reading import Extracted, ReadLimits, UnreadableFile

SUFFIXES = (".txt", ".text", ".md", ".markdown")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_text(path: Path, limits: ReadLimits) -> Extracted:
    """A text or Markdown file's decoded text (see decode_text)."""
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    return Extracted(decode_text(path.read_bytes()), markdown=markdown)


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
