"""A corpus folder → decoded Documents (and the files skipped, with why).

Each file is read by the reader its suffix names (bot.documents.readers), then outlined.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from bot.documents.outline import read_outline
from bot.documents.reading import ReadLimits, UnreadableFile
from bot.models import Document, SkippedFile

USER_DICT_NAME = "userdict.txt"
FILE_NUMBERING = re.compile(r"^\d{1,4}[_\-、\s]+")
FILE_DATE = re.compile(r"[(（]\d{4}[-.年]\d{1,2}[-.月]\d{1,2}日?[)）]$")


class CorpusError(Exception):
    """The corpus cannot be served at all (missing folder, no readable documents)."""


@dataclass(frozen=True)
class Corpus:
    """The loaded documents, the files skipped, and the user dictionary if present."""

    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]
    user_dict: Path | None = None


MAX_DOCUMENT_TITLE = 120  # characters; a longer title (a styled paragraph) is cut


def load_document(
    path: Path, relative: str, limits: ReadLimits | None = None, file_name: str = ""
) -> Document:
    """Read, decode and outline one corpus file. Raises UnreadableFile or OSError.

    `file_name` is the name the file goes by when it is not its path's (an upload waiting
    under a token): a document with no title line is titled by it.
    """
    from bot.documents.readers import reader_for, refusal  # (only reading needs the formats)

    limits = limits or ReadLimits()
    stem = Path(file_name).stem if file_name else path.stem
    reader = reader_for(path)
    if reader is None:
        raise UnreadableFile(refusal(path))
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UnreadableFile(
            f"too large ({size / 2**20:.1f} MB; the limit is {limits.max_bytes / 2**20:.0f} MB,"
            " set by MAX_FILE_MB)"
        )
    extracted = reader(path, limits)
    if not extracted.text.strip():
        raise UnreadableFile("empty file")
    parsed = read_outline(
        extracted.text, extracted.levels, markdown=extracted.markdown, file_name=stem
    )
    title, blocks = parsed.title, parsed.blocks
    if not blocks:
        raise UnreadableFile("no text besides a title and boilerplate")
    title = title or title_from_file_name(stem)
    if len(title) > MAX_DOCUMENT_TITLE:
        title = title[: MAX_DOCUMENT_TITLE - 1] + "…"
    return Document(
        path=relative,
        title=title,
        text=extracted.text,
        blocks=blocks,
        pages=extracted.pages,
        start=parsed.start,
    )


def collection_of(relative: str) -> str:
    """The collection a corpus file belongs to: the subfolder of the corpus it sits in
    ("" for a file at the top)."""
    return relative.split("/", 1)[0] if "/" in relative else ""


def title_from_file_name(stem: str) -> str:
    """A title for a document with no title line: its file name without numbering
    (01_, 3-, 12.) and without a trailing date in brackets."""
    name = FILE_NUMBERING.sub("", stem)
    name = FILE_DATE.sub("", name).strip(" _-")
    return name or stem


def corpus_files(root: Path) -> list[Path]:
    """Every non-hidden file below `root` in a stable order, and every link to a folder
    (listed, not followed, so a link loop cannot trap the walk)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        names = sorted([*files, *links])
        found.extend(Path(folder) / name for name in names if not name.startswith("."))
    return found


PARALLEL_FROM_MB = 32  # corpus files in all: below this, starting workers costs more than it saves


def load_corpus(root: Path, limits: ReadLimits | None = None, workers: int = 1) -> Corpus:
    """Load every supported file below `root`; unreadable files are skipped with a reason.

    `limits` bounds each file's size and what an archive may unpack to. A corpus of
    PARALLEL_FROM_MB or more is read in `workers` processes (in order all the same).
    Raises CorpusError when `root` is missing or holds no readable document.
    """
    if not root.is_dir():
        raise CorpusError(f"corpus folder {str(root)!r} does not exist; set CORPUS_DIR")
    user_dict = root / USER_DICT_NAME
    paths = [path for path in corpus_files(root) if path != user_dict]
    relative = [path.relative_to(root).as_posix() for path in paths]
    if workers > 1 and _megabytes(paths) >= PARALLEL_FROM_MB:
        # spawn: safe beside threads (the bot); a worker that dies (out of memory on a
        # huge file) raises BrokenProcessPool here instead of leaving the read hanging
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunk = max(1, len(paths) // (8 * workers))
            read = list(pool.map(_read_or_skip, paths, relative, repeat(limits), chunksize=chunk))
    else:
        read = [_read_or_skip(*job) for job in zip(paths, relative, repeat(limits))]
    documents = [entry for entry in read if isinstance(entry, Document)]
    skipped = [entry for entry in read if isinstance(entry, SkippedFile)]
    if not documents:
        from bot.documents.readers import described

        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "the folder is empty"
        raise CorpusError(
            f"no readable documents in {str(root)!r} ({reasons}); add {described()} files"
        )
    return Corpus(
        documents=tuple(documents),
        skipped=tuple(skipped),
        user_dict=user_dict if user_dict.is_file() else None,
    )


def _read_or_skip(path: Path, relative: str, limits: ReadLimits | None) -> Document | SkippedFile:
    """One corpus file's document, or why it is skipped."""
    if path.is_symlink() and path.is_dir():
        return SkippedFile(relative, "link to a folder (not followed)")
    try:
        return load_document(path, relative, limits)
    except UnreadableFile as error:
        return SkippedFile(relative, str(error))
    except OSError as error:
        return SkippedFile(relative, f"cannot read: {error.strerror or error}")


def _megabytes(paths: list[Path]) -> float:
    """The files' size in all (a file that cannot be read counts nothing)."""
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total / 2**20
