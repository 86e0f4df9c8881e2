"""The index on disk: .npy arrays (memory-mapped at load) in a versioned folder, and a
manifest that says what they were built from.

The manifest records the format version, the settings that shape reading (the file
limits), tokenization and ranking, and the size, modification time and SHA-256 of every
corpus file; the index is used only while all of them still match. Each array's size and
checksum (XXH3-64: about 8 GB/s a core, 3× zlib's CRC-32) are recorded too, so a truncated
or damaged file is noticed and the index rebuilt.
Writes are atomic: the arrays go to a new folder, then the manifest is replaced in one
rename, so a crash mid-write leaves the previous index in force.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xxhash

from bot.config import Settings
from bot.documents.corpus import USER_DICT_NAME, corpus_files
from bot.models import SkippedFile
from bot.search import npyfile, tokens
from bot.search.index import BM25Index
from bot.search.npyfile import ArrayWriter
from bot.search.quotes import QuoteIndex
from bot.search.searcher import Searcher
from bot.search.store import ChunkStore

log = logging.getLogger(__name__)

# Raise it whenever what is stored changes, including how documents are read and cut
# (2: .docx tables are read; 3: front matter, whole articles and their labels; 5: the
# quote index; 6: each term's largest weight; 7: FNV-1a term hashes; 8: XXH3 checksums;
# 9: XXH3 term hashes; 10: the terms' presence map; 11: float32 weights to scan),
# so every stored index is rebuilt once.
FORMAT_VERSION = 11
MANIFEST = "manifest.json"
FOLDER_PREFIX = f"index-v{FORMAT_VERSION}-"
BLOCK = 8 << 20


@dataclass(frozen=True)
class Loaded:
    """An index read from disk."""

    searcher: Searcher
    skipped: tuple[SkippedFile, ...]
    corpus: dict[str, Any]  # the corpus state it was built from


@dataclass(frozen=True)
class Stale:
    """Why the stored index cannot be used (it is rebuilt)."""

    reason: str


def location(settings: Settings) -> Path:
    """Where the index of the settings' corpus lives: INDEX_DIR, else `<corpus>/.index`."""
    if settings.index_dir is not None:
        return settings.index_dir
    return settings.corpus_dir / ".index"


def settings_fingerprint(settings: Settings) -> dict[str, Any]:
    """Everything besides the corpus that decides the index's content."""
    return {
        "format": FORMAT_VERSION,
        "max_chunk_chars": settings.max_chunk_chars,
        "bm25": [settings.bm25_k1, settings.bm25_b, settings.bm25_epsilon],
        "tokenizer": tokens.fingerprint(),
        # the file limits decide which files are read: a file skipped under the old
        # limits is taken in (or one read before is left out) after a rebuild
        "limits": [
            settings.max_file_mb,
            settings.max_inflated_mb,
            settings.max_archive_entries,
            settings.max_inflate_ratio,
        ],
    }


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def file_checksum(path: Path) -> int:
    """XXH3-64 of a file's bytes (as npyfile records it), read through a memory map (no
    copies, no buffers)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return xxhash.xxh3_64_intdigest(b"")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return xxhash.xxh3_64_intdigest(mapped)


def corpus_state(root: Path, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Size, modification time and SHA-256 of every file below `root`.

    A file whose size and time match `known` keeps its recorded digest unread.
    """
    known = known or {}
    state = {}
    for path in corpus_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
        except OSError:
            continue  # a dangling link or a file that just vanished: the reader reports it
        entry: dict[str, int | str] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        previous = known.get(relative)
        if previous and all(previous.get(k) == v for k, v in entry.items()):
            entry["sha256"] = previous["sha256"]
        else:
            try:
                entry["sha256"] = file_digest(path)
            except OSError:
                continue
        state[relative] = entry
    return state


def digests(state: dict[str, Any]) -> dict[str, str]:
    """Each file's content digest: what decides whether the corpus changed."""
    return {path: entry["sha256"] for path, entry in state.items()}


def new_folder(directory: Path) -> Path:
    """A new, empty versioned folder for an index's arrays in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    folder = directory / f"{FOLDER_PREFIX}{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def save(
    directory: Path,
    searcher: Searcher,
    settings: Settings,
    state: dict[str, Any],
    skipped: tuple[SkippedFile, ...] = (),
    writer: ArrayWriter | None = None,
) -> None:
    """Write the index atomically: arrays in a new folder, then the manifest by rename.
    `writer` is the folder's when some arrays were written there as they were built
    (the BM25 arrays, see postings.py); the others are written now."""
    writer = writer or ArrayWriter(new_folder(directory))
    folder = writer.folder
    quotes = searcher.quotes.arrays() if searcher.quotes is not None else {}
    for name, array in {**searcher.index.arrays(), **searcher.store.arrays(), **quotes}.items():
        if name not in writer.recorded:
            writer.save(name, array)
    arrays = dict(writer.recorded)
    tables = {
        "store": searcher.store.tables(),
        "quoted_terms": searcher.quoted_terms,
    }
    (folder / "tables.json").write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    manifest = {
        "settings": settings_fingerprint(settings),
        "corpus": state,
        "skipped": [[s.path, s.reason] for s in skipped],
        "folder": folder.name,
        "arrays": arrays,
        "tables_checksum": file_checksum(folder / "tables.json"),
        "passages": searcher.index.size,
        "built_at": searcher.built_at,
    }
    temporary = directory / f".{MANIFEST}.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / MANIFEST)
    for old in directory.glob("index-v*"):
        if old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)


def outdated(manifest: dict[str, Any], settings: Settings) -> Stale | None:
    """Why an index with this manifest no longer fits: other settings, or a corpus file
    added, changed or removed since it was built (None: it fits)."""
    if manifest["settings"] != settings_fingerprint(settings):
        return Stale("settings or tokenizer changed")
    current = digests(corpus_state(settings.corpus_dir, manifest["corpus"]))
    recorded = digests(manifest["corpus"])
    if current != recorded:
        changed = sorted(p for p in {*current, *recorded} if current.get(p) != recorded.get(p))
        return Stale(f"corpus changed ({', '.join(changed[:5])})")
    return None


def load(directory: Path, settings: Settings) -> Loaded | Stale:
    """The stored index when it matches the corpus and settings, else why not."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Stale(f"no index at {directory}")
    except (OSError, ValueError) as error:
        return Stale(f"unreadable manifest ({error})")
    try:
        if (stale := outdated(manifest, settings)) is not None:
            return stale
        folder = directory / manifest["folder"]
        arrays = npyfile.checked_arrays(folder, manifest["arrays"])
        tables_path = folder / "tables.json"
        if file_checksum(tables_path) != manifest["tables_checksum"]:
            return Stale("damaged index file tables.json")
        tables = json.loads(tables_path.read_text(encoding="utf-8"))
        store = ChunkStore.from_stored(tables["store"], arrays)
        index = BM25Index.from_arrays(int(manifest["passages"]), arrays)
        quotes = QuoteIndex.from_arrays(arrays) if "quote_text" in arrays else None
    except npyfile.DamagedFile as damaged:
        return Stale(f"damaged index file {damaged}")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Stale(f"unreadable index ({type(error).__name__}: {error})")
    user_dict = settings.corpus_dir / USER_DICT_NAME
    tokenizer = tokens.Tokenizer(
        tables["quoted_terms"], user_dict if user_dict.is_file() else None
    )
    searcher = Searcher(
        store,
        index,
        tokenizer,
        settings.min_coverage,
        float(manifest["built_at"]),
        tables["quoted_terms"],
        quotes=quotes,
    )
    skipped = tuple(SkippedFile(path, reason) for path, reason in manifest["skipped"])
    return Loaded(searcher, skipped, manifest["corpus"])
