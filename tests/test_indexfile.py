"""The index on disk: reused while current, rebuilt when anything changed or broke."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import docx
import numpy as np
import pytest

from bot.config import Settings
from bot.search import indexfile, npyfile
from bot.search.build import open_searcher
from tests.auxil.process import is_memory_mapped, rss_mb
from tests.conftest import SEED_CORPUS

WriteCorpus = Callable[[dict[str, str | bytes]], Path]
SPEECH = (
    "学习讲话\n一、总体要求\n（一）提高认识。要深刻认识“灯下黑”问题。\n"
    "二、工作安排\n按计划推进。\n"
)


@pytest.fixture
def settings(write_corpus: WriteCorpus, tmp_path: Path) -> Settings:
    root = write_corpus({"a.txt": SPEECH, "b.md": "# 第二篇\n\n正文内容在此。\n"})
    return Settings(corpus_dir=root, index_dir=tmp_path / "index")


def test_built_once_then_loaded_with_the_same_answers(settings: Settings) -> None:
    first = open_searcher(settings)
    assert not first.loaded and first.reason.startswith("no index")
    second = open_searcher(settings)
    assert second.loaded
    for question in ("灯下黑", "按计划推进", "正文"):
        a, b = first.searcher.search(question), second.searcher.search(question)
        assert [(h.chunk, h.score, h.highlights) for h in a.hits] == [
            (h.chunk, h.score, h.highlights) for h in b.hits
        ]
    assert second.searcher.contents.roots == first.searcher.contents.roots
    chunk = first.searcher.search("灯下黑").hits[0].chunk
    assert second.searcher.section(chunk.id) == first.searcher.section(chunk.id)
    assert is_memory_mapped(second.searcher.index.weights)


def test_the_default_place_is_a_hidden_folder_in_the_corpus(settings: Settings) -> None:
    settings = replace(settings, index_dir=None)
    open_searcher(settings)
    assert (settings.corpus_dir / ".index" / "manifest.json").is_file()
    again = open_searcher(settings)
    assert again.loaded and not again.skipped  # the index folder is not read as a document


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "a.txt").write_text(SPEECH + "三、新增内容。\n", encoding="utf-8"),
        lambda root: (root / "c.txt").write_text("新文件\n内容。\n", encoding="utf-8"),
        lambda root: (root / "b.md").unlink(),
        lambda root: (root / "userdict.txt").write_text("灯下黑 100 n\n", encoding="utf-8"),
    ],
    ids=["edited", "added", "removed", "user dictionary"],
)
def test_a_corpus_change_triggers_a_rebuild(
    settings: Settings, change: Callable[[Path], object]
) -> None:
    open_searcher(settings)
    change(settings.corpus_dir)
    again = open_searcher(settings)
    assert not again.loaded and again.reason.startswith("corpus changed")
    assert open_searcher(settings).loaded


def test_touching_a_file_without_changing_it_keeps_the_index(settings: Settings) -> None:
    open_searcher(settings)
    os.utime(settings.corpus_dir / "a.txt", (1, 1))
    assert open_searcher(settings).loaded


@pytest.mark.parametrize(
    "changes",
    [
        {"max_chunk_chars": 120},
        {"bm25_k1": 1.5},
        {"bm25_b": 0.9},
        {"bm25_epsilon": 0.5},
        {"max_file_mb": 5},
        {"max_inflated_mb": 50},
        {"max_archive_entries": 500},
    ],
)
def test_a_settings_change_triggers_a_rebuild(settings: Settings, changes: dict) -> None:
    open_searcher(settings)
    again = open_searcher(replace(settings, **changes))
    assert not again.loaded and again.reason == "settings or tokenizer changed"


def test_raising_a_file_limit_takes_in_a_file_skipped_before(settings: Settings) -> None:
    path = settings.corpus_dir / "report.docx"
    document = docx.Document()
    document.add_paragraph("年度报告：全年完成各项任务。")
    document.save(str(path))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("extra/padding.bin", bytes(3 * 2**20))  # unpacks to over 3 MB
    strict = replace(settings, max_inflated_mb=2)
    assert [s.path for s in open_searcher(strict).skipped] == ["report.docx"]
    stored = open_searcher(strict)
    assert stored.loaded and [s.path for s in stored.skipped] == ["report.docx"]
    relaxed = open_searcher(replace(settings, max_inflated_mb=4))
    assert not relaxed.loaded and relaxed.reason == "settings or tokenizer changed"
    assert not relaxed.skipped
    assert relaxed.searcher.search("年度报告").hits


def index_folder(settings: Settings) -> Path:
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    return settings.index_dir / manifest["folder"]


def flip_bit(path: Path, at: int, bit: int) -> None:
    """Flip one bit of a file in place (its size unchanged)."""
    data = bytearray(path.read_bytes())
    data[at] ^= 1 << bit
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "weights.npy").write_bytes(
            (folder / "weights.npy").read_bytes()[:-16]
        ),
        lambda folder: (folder / "postings.npy").write_bytes(
            bytearray((folder / "postings.npy").read_bytes()[:-1]) + b"\xff"
        ),
        lambda folder: flip_bit(folder / "postings.npy", 21, 4),  # '<i8' → ',i8'
        lambda folder: flip_bit(folder / "postings.npy", 8, 6),  # the header's length
        lambda folder: (folder / "tables.json").write_text("{", encoding="utf-8"),
        lambda folder: (folder / "indptr.npy").unlink(),
        lambda folder: shutil.rmtree(folder),
    ],
    ids=[
        "truncated",
        "flipped byte",
        "flipped header type",
        "flipped header length",
        "bad tables",
        "missing array",
        "missing folder",
    ],
)
def test_a_damaged_index_is_detected_and_rebuilt(
    settings: Settings, damage: Callable[[Path], object]
) -> None:
    open_searcher(settings)
    damage(index_folder(settings))
    again = open_searcher(settings)
    assert not again.loaded
    assert again.searcher.search("灯下黑").hits
    assert open_searcher(settings).loaded


def test_checking_an_array_leaves_its_pages_mapped_and_a_damaged_one_is_named(
    tmp_path: Path,
) -> None:
    writer = npyfile.ArrayWriter(tmp_path)
    values = np.arange(16 << 20, dtype=np.int32)  # 64 MB
    writer.save("big", values)
    writer.save("empty", np.empty(0, dtype=np.float64))

    def mapped_mb() -> float:  # file pages (a file on tmpfs counts as shared memory)
        return rss_mb("RssFile") + rss_mb("RssShmem")

    before = mapped_mb()
    arrays = npyfile.checked_arrays(tmp_path, writer.recorded)
    mapped = mapped_mb() - before  # the check read the pages the array then uses
    assert mapped > 0.9 * values.nbytes / 2**20
    assert np.array_equal(arrays["big"], values) and len(arrays["empty"]) == 0
    assert not arrays["big"].flags.writeable
    del arrays
    with (tmp_path / "big.npy").open("r+b") as handle:
        handle.seek(-1, os.SEEK_END)
        handle.write(b"\x01")
    with pytest.raises(npyfile.DamagedFile, match=r"big\.npy"):
        npyfile.checked_arrays(tmp_path, writer.recorded)
    (tmp_path / "empty.npy").write_bytes(b"not an array")
    garbled = {"empty": {**writer.recorded["empty"], "size": 12}}  # the size recorded: no array
    with pytest.raises(npyfile.DamagedFile, match=r"empty\.npy"):
        npyfile.checked_arrays(tmp_path, garbled)


def test_a_garbled_manifest_is_rebuilt(settings: Settings) -> None:
    open_searcher(settings)
    (settings.index_dir / "manifest.json").write_text("not json", encoding="utf-8")
    again = open_searcher(settings)
    assert not again.loaded and again.reason.startswith("unreadable manifest")


def test_a_crash_mid_write_leaves_the_previous_index_in_force(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_searcher(settings)
    before = index_folder(settings)

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(indexfile.os, "replace", crash)
    (settings.corpus_dir / "c.txt").write_text("新文件\n内容。\n", encoding="utf-8")
    rebuilt = open_searcher(settings)  # builds, fails to save, still serves
    assert rebuilt.searcher.search("新文件").hits
    monkeypatch.undo()
    assert index_folder(settings) == before  # the manifest still names the old arrays
    (settings.corpus_dir / "c.txt").unlink()
    assert open_searcher(settings).loaded


def test_the_seed_corpus_index_stays_small(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=SEED_CORPUS, index_dir=tmp_path / "index")
    open_searcher(settings)
    size = sum(p.stat().st_size for p in (tmp_path / "index").rglob("*") if p.is_file())
    assert size < 2_000_000


def test_raising_max_file_mb_takes_in_a_large_file(settings: Settings) -> None:
    big = settings.corpus_dir / "big.txt"
    big.write_text(
        "大文件\n一、要求\n" + "要认真学习大文件里的要求。\n" * 50_000, encoding="utf-8"
    )
    assert 2**20 < big.stat().st_size < 3 * 2**20
    strict = open_searcher(replace(settings, max_file_mb=1))
    assert [s.path for s in strict.skipped] == ["big.txt"]
    relaxed = open_searcher(replace(settings, max_file_mb=3))
    assert not relaxed.loaded and not relaxed.skipped
    assert relaxed.searcher.search("大文件").hits
