"""Adding documents to the corpus folder and taking them out, safely.

An added file waits in the corpus's hidden `.uploads/` folder (same file system, so
putting it in place is one atomic rename) under a random token; its name in the corpus
is made from the title read out of it, never from the name it was sent under. A removed
or replaced file goes to `.removed/`, so nothing is lost.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.documents.corpus import load_document
from bot.documents.reading import ReadLimits
from bot.models import Document

STAGING = ".uploads"
REMOVED = ".removed"
TOKEN = re.compile(r"^[0-9a-f]{12}$")
NAME_CHARS = re.compile(r"[^\w\u3400-\u9fff（）()《》·-]+")
MAX_NAME_CHARS = 60
STAGED_SECONDS = 86400  # a staged file nobody confirmed is dropped after a day


@dataclass(frozen=True)
class Staged:
    """A file read and waiting to be put in the corpus: where it waits, where it would
    go (relative to the corpus), and what was read from it."""

    token: str
    path: Path
    target: str
    document: Document


def safe_name(text: str, fallback: str = "document") -> str:
    """A file or folder name made from `text`: its letters, digits and CJK characters
    (anything else, separators and dots included, becomes _), at most MAX_NAME_CHARS."""
    name = NAME_CHARS.sub("_", text).strip("_.")[:MAX_NAME_CHARS].strip("_")
    return name or fallback


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, refusing anything that would leave `root`."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or path == root.resolve():
        raise ValueError(f"{relative!r} is outside the corpus")
    return path


def new_staging(corpus: Path, suffix: str) -> tuple[str, Path]:
    """A fresh token and the staging path a download for it goes to."""
    folder = corpus / STAGING
    folder.mkdir(parents=True, exist_ok=True)
    drop_stale(folder)
    token = secrets.token_hex(6)
    return token, folder / f"{token}{suffix}"


def drop_stale(folder: Path, now: float | None = None) -> None:
    """Forget staged files older than STAGED_SECONDS."""
    now = time.time() if now is None else now
    for path in folder.iterdir():
        if path.is_file() and now - path.stat().st_mtime > STAGED_SECONDS:
            path.unlink(missing_ok=True)


def stage(corpus: Path, token: str, path: Path, collection: str, limits: ReadLimits) -> Staged:
    """Read a downloaded file (raises UnreadableFile, leaving the corpus as it was) and
    note where it would go: `collection`/<its title>.<suffix>."""
    suffix = path.suffix.lower()
    document = load_document(path, path.name, limits)
    folder = safe_name(collection, "") if collection else ""
    name = safe_name(document.title) + suffix
    target = f"{folder}/{name}" if folder else name
    inside(corpus, target)
    note = {"target": target, "title": document.title, "suffix": suffix}
    (path.parent / f"{token}.json").write_text(json.dumps(note, ensure_ascii=False))
    return Staged(token, path, target, document)


def staged(corpus: Path, token: str) -> tuple[Path, str, str] | None:
    """A staged file by its token: (its path, its target, its title), or None when it is
    gone (put in place, cancelled, or dropped as stale)."""
    if not TOKEN.match(token):
        return None
    folder = corpus / STAGING
    try:
        note = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    path = folder / f"{token}{note.get('suffix', '')}"
    return (path, note["target"], note["title"]) if path.is_file() else None


def install(corpus: Path, token: str, replaces: Sequence[str] = ()) -> str:
    """Put a staged file in place (first moving `replaces`, documents it supersedes, to
    .removed/); returns its path relative to the corpus."""
    found = staged(corpus, token)
    if found is None:
        raise FileNotFoundError(f"nothing staged under {token}")
    path, target, _ = found
    for relative in replaces:
        remove(corpus, relative)
    destination = inside(corpus, target)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        remove(corpus, target)
    path.replace(destination)
    discard(corpus, token)
    return target


def discard(corpus: Path, token: str) -> None:
    """Drop a staged file and its note."""
    if not TOKEN.match(token):
        return
    for path in (corpus / STAGING).glob(f"{token}*"):
        path.unlink(missing_ok=True)


def remove(corpus: Path, relative: str) -> Path:
    """Take a document out of the corpus: it moves to .removed/ (with the time in its
    name), so it can be put back by hand. Returns where it went."""
    source = inside(corpus, relative)
    folder = corpus / REMOVED
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    destination = folder / f"{stamp}_{secrets.token_hex(2)}_{source.name}"
    source.replace(destination)
    return destination
