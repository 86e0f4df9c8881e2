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

from bot.documents.corpus import USER_DICT_NAME, load_document
from bot.documents.reading import ReadLimits
from bot.models import Document

STAGING = ".uploads"
REMOVED = ".removed"
TOKEN = re.compile(r"^[0-9a-f]{12}$")
NAME_CHARS = re.compile(r"[^\w\u3400-\u9fff（）()《》·-]+")
MAX_NAME_CHARS = 60
STAGED_SECONDS = 86400  # a staged file nobody confirmed is dropped after a day
RESERVED_NAMES = {USER_DICT_NAME}  # files at the corpus's top that are not documents


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
    """`root / relative`, refusing anything that would leave `root`. Only the folder is
    resolved, so a link in the corpus is the link itself (moved or replaced as a file),
    never the file it points to."""
    path = root / relative
    folder = path.parent.resolve()
    if not folder.is_relative_to(root.resolve()) or path.name in ("", ".", ".."):
        raise ValueError(f"{relative!r} is outside the corpus")
    return folder / path.name


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
        try:
            if path.is_file() and now - path.stat().st_mtime > STAGED_SECONDS:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # another upload took it meanwhile
            continue


def stage(
    corpus: Path,
    token: str,
    path: Path,
    collection: str,
    limits: ReadLimits,
    sent_name: str = "",
) -> Staged:
    """Read a downloaded file (raises UnreadableFile, leaving the corpus as it was) and
    note where it would go: `collection`/<its title>.<suffix>. `sent_name` (the name it
    was sent under) titles a document with no title line; it never names a path."""
    suffix = path.suffix.lower()
    document = load_document(path, path.name, limits, file_name=Path(sent_name).name)
    folder = collection_folder(corpus, collection)
    name = safe_name(document.title) + suffix
    if not folder and name.lower() in RESERVED_NAMES:
        name = f"{safe_name(document.title)}_文档{suffix}"
    target = f"{folder}/{name}" if folder else name
    inside(corpus, target)
    note = {"target": target, "title": document.title, "suffix": suffix}
    (path.parent / f"{token}.json").write_text(json.dumps(note, ensure_ascii=False))
    return Staged(token, path, target, document)


def collection_folder(corpus: Path, collection: str) -> str:
    """The folder of a collection: an existing one as it is named, a new one made safe.
    Raises ValueError for a name with nothing usable in it."""
    if not collection:
        return ""
    if "/" not in collection and (corpus / collection).is_dir() and collection[0] != ".":
        inside(corpus, collection)
        return collection
    folder = safe_name(collection, "")
    if not folder:
        raise ValueError(f"collection name {collection!r} has no letters or digits")
    return folder


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
    """Put a staged file in place (first moving `replaces`, the files it supersedes, to
    .removed/); returns its path relative to the corpus. The token is claimed first, so a
    second press on the same confirmation finds nothing (FileNotFoundError); a file at
    the target that is not among `replaces` is never overwritten (FileExistsError)."""
    found = staged(corpus, token)
    if found is None:
        raise FileNotFoundError(f"nothing staged under {token}")
    path, target, _ = found
    note = corpus / STAGING / f"{token}.json"
    claimed = note.with_suffix(".claimed")
    note.rename(claimed)  # atomic: of two presses, one wins
    destination = inside(corpus, target)
    for relative in replaces:
        if inside(corpus, relative).exists() or inside(corpus, relative).is_symlink():
            remove(corpus, relative)
    if destination.exists() or destination.is_symlink():
        claimed.rename(note)
        raise FileExistsError(f"{target} exists")
    destination.parent.mkdir(parents=True, exist_ok=True)
    path.replace(destination)
    discard(corpus, token)
    return target


def occupied(corpus: Path, target: str) -> bool:
    """Whether something is at the target path already (a document, or any file)."""
    path = inside(corpus, target)
    return path.exists() or path.is_symlink()


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
