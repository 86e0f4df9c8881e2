"""Which reader reads which file: one module per format, chosen by the file's suffix.

Adding a format is one module with a `read_…(path, limits) -> Extracted` function and a
line here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.documents import pdf, plaintext, webpage, word
from bot.documents.reading import Extracted, ReadLimits

Reader = Callable[[Path, ReadLimits], Extracted]

READERS: dict[str, Reader] = {
    **dict.fromkeys(plaintext.SUFFIXES, plaintext.read_text),
    **dict.fromkeys(word.SUFFIXES, word.read_word),
    **dict.fromkeys(webpage.SUFFIXES, webpage.read_webpage),
    **dict.fromkeys(pdf.SUFFIXES, pdf.read_pdf),
}
REFUSED: dict[str, str] = {  # formats users have that no reader can take, and what to do
    ".doc": "an old Word or WPS file; open it and save it as .docx",
    ".wps": "an old Word or WPS file; open it and save it as .docx",
}


def supported_suffixes() -> tuple[str, ...]:
    """The suffixes a reader takes, in the order they are listed to users."""
    return tuple(READERS)


def reader_for(path: Path) -> Reader | None:
    """The reader of a file by its suffix, or None when no reader takes it."""
    return READERS.get(path.suffix.lower())


def refusal(path: Path) -> str:
    """Why a file no reader takes is skipped, with what to do about it."""
    known = REFUSED.get(path.suffix.lower())
    if known:
        return known
    return f"unsupported file type (use {described()})"


def described() -> str:
    """The usual suffixes readers take, for messages: .txt, .md, .docx…"""
    return ", ".join(suffix for suffix in READERS if len(suffix) <= 5 and suffix != ".text")
