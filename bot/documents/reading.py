"""What every format reader shares: the limits it reads within, what it hands back, and
the error that says why a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_FILE_BYTES = 20 * 2**20  # a speech or report is far smaller; anything bigger is a mistake
MAX_INFLATED_BYTES = 100 * 2**20  # a .docx's parts, unpacked (MAX_INFLATED_MB's default)
MAX_ARCHIVE_ENTRIES = 1000  # parts in a .docx (MAX_ARCHIVE_ENTRIES's default)
MAX_INFLATE_RATIO = 100  # unpacked size over file size (MAX_INFLATE_RATIO's default)


class UnreadableFile(Exception):
    """A single corpus file cannot be read; the message says why."""


@dataclass(frozen=True)
class ReadLimits:
    """How much a file may hold: its size on disk, and what an archive (.docx) may
    unpack to, in bytes, parts and times its own size."""

    max_bytes: int = MAX_FILE_BYTES
    max_inflated_bytes: int = MAX_INFLATED_BYTES
    max_entries: int = MAX_ARCHIVE_ENTRIES
    max_ratio: int = MAX_INFLATE_RATIO


@dataclass(frozen=True)
class Extracted:
    """A file's text as its format reader gives it, before the outline is parsed.

    `levels` maps line numbers to heading levels the format itself marks (a .docx's
    heading styles; 0 = the title). `pages` holds the offset into `text` where each
    physical page starts (the first is 0), for formats that have pages. A title the
    format marks (a web page's <h1>, a .docx's Title style) is a line of `text` with
    level 0, so the outline treats it as it treats a title found in the text.
    """

    text: str
    levels: dict[int, int] = field(default_factory=dict)
    pages: tuple[int, ...] = ()
    markdown: bool = False
