"""Shared fixtures: the real corpus and index, and a helper to write small corpora."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.documents.corpus import Corpus, load_corpus
from bot.search.build import build_searcher
from bot.search.searcher import Searcher
from tests.auxil.offline import offline
from tests.auxil.telegram_harness import bot, fake  # noqa: F401  (fixtures for every module)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_CORPUS = ROOT / "corpus"
LIBRARY = ROOT / "library"
SPEECH = "在全市组织系统干部培训专班上的讲话.txt"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session", autouse=True)
def no_network() -> Iterator[None]:
    """Every test runs offline: reaching beyond 127.0.0.1 fails it (tests/auxil/offline.py)."""
    with offline():
        yield


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    """The corpus the product ships."""
    return load_corpus(SEED_CORPUS)


@pytest.fixture(scope="session")
def seed_searcher(seed_corpus: Corpus) -> Searcher:
    """The real index over the shipped corpus, with default settings."""
    return build_searcher(seed_corpus, Settings())


@pytest.fixture(scope="session")
def library_searcher() -> Searcher:
    """The real index over the shipped library (the speech and ten official documents)."""
    return build_searcher(load_corpus(LIBRARY), Settings())


@pytest.fixture
def write_corpus(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write {relative path: text or bytes} into a fresh corpus folder and return it."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "corpus"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return write
