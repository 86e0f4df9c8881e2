"""One tokenizer for documents and questions: normalize, segment with jieba, drop stopwords.

Normalization is NFKC (full-width → half-width), lower-case, and traditional →
simplified (OpenCC t2s). Each token keeps its offsets in the *original* text, so
matches can be bolded in what the user sees.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import jieba
import opencc

QUOTED_TERM = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,8})[”\"」』]")
WORD_CHAR = re.compile(r"\w", re.UNICODE)
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
BIGRAM_MARK = "\x02"
QUOTED_TERM_FREQ = 2000

jieba.setLogLevel(logging.WARNING)


TOKENIZER_VERSION = 2  # bump when tokenization changes in a way the data files don't show


def fingerprint() -> str:
    """A digest of everything that decides how text becomes terms (for index freshness)."""
    digest = hashlib.sha256(f"{TOKENIZER_VERSION}|{jieba.__version__}|".encode())
    for name in ("stopwords.txt", "boilerplate.txt"):
        digest.update(resources.files("bot").joinpath(f"data/{name}").read_bytes())
    digest.update(_t2s().convert("漢字與詞語").encode())
    return digest.hexdigest()[:16]


class Token(NamedTuple):
    """A word of the normalized text, with its span in the original text."""

    word: str
    start: int
    end: int


_cache_folder: Path | None = None  # set from Settings.cache_dir before the first tokenize


def use_cache_dir(path: Path | None) -> None:
    """Keep jieba's dictionary cache in `path` (takes effect before the first tokenize)."""
    global _cache_folder
    _cache_folder = path


def cache_dir() -> Path:
    """A writable folder for jieba's dictionary cache: the one set with use_cache_dir,
    else ~/.cache/docbot; the system's temporary folder when that cannot be created."""
    path = _cache_folder or Path.home() / ".cache" / "docbot"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return path


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    segmenter = jieba.dt
    segmenter.tmp_dir = str(cache_dir())
    segmenter.initialize()
    return segmenter


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The shipped stopword list (data/stopwords.txt)."""
    raw = resources.files("bot").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalize `text`; return it with, for each normalized character, its original index."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char) if not char.isascii() else char.lower()
        pieces.append(folded)
        origin.extend([index] * len(folded))
    folded_text = "".join(pieces)
    simplified = _t2s().convert(folded_text)
    if len(simplified) != len(folded_text):  # a phrase conversion changed length: go by char
        simplified = "".join(_t2s().convert(char) or char for char in folded_text)
        if len(simplified) != len(folded_text):
            simplified = folded_text
    return simplified, origin


COMMON_WORD_FREQ = 100  # a word this frequent in jieba's dictionary is everyday Chinese


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """The shipped list of words too general to make an answer alone (data/generic.txt)."""
    raw = resources.files("bot").joinpath("data/generic.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def is_generic(word: str) -> bool:
    """Whether `word` is too general to make an answer on its own (要求, 防止, 工作)."""
    return word in generic_words()


def is_common_word(word: str) -> bool:
    """Whether jieba's dictionary knows `word` as an everyday word (老师, 司机)."""
    return _segmenter().FREQ.get(word, 0) >= COMMON_WORD_FREQ


def add_words(words: Iterable[str]) -> None:
    """Add domain terms to the segmenter's dictionary so they stay whole."""
    segmenter = _segmenter()
    for word in words:
        normalized, _ = normalize(word)
        if normalized.strip():
            segmenter.add_word(normalized, freq=QUOTED_TERM_FREQ)


def load_user_dict(path: Path) -> None:
    """Load a jieba-format user dictionary (word [freq] [tag] per line)."""
    _segmenter().load_userdict(str(path))


def prepare(user_dict: Path | None, words: Iterable[str]) -> None:
    """Teach the segmenter a corpus's domain terms: its user dictionary and quoted terms."""
    if user_dict is not None:
        load_user_dict(user_dict)
    add_words(words)


def quoted_terms(text: str) -> list[str]:
    """Short Chinese terms the text puts in quotation marks (“两个维护”, “灯下黑”), in order."""
    return list(dict.fromkeys(QUOTED_TERM.findall(text)))


def _words(normalized: str, origin: list[int]) -> list[Token]:
    stop = stopwords()
    found = []
    for word, start, end in _segmenter().tokenize(normalized, mode="search"):
        if word not in stop and WORD_CHAR.search(word):
            found.append(Token(word, origin[start], origin[end - 1] + 1))
    return found


def tokenize_with_spans(text: str) -> list[Token]:
    """Content words of `text` with their original spans (jieba search mode: long words
    also yield their dictionary sub-words). Stopwords, punctuation and space are dropped.
    """
    return _words(*normalize(text))


def cjk_bigrams(normalized: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters, stopwords left out.

    They let a question match a passage that jieba segmented differently.
    """
    stop = stopwords()
    pairs = []
    for run in CJK_RUN.findall(normalized):
        pairs += [BIGRAM_MARK + run[i : i + 2] for i in range(len(run) - 1)]
    return [p for p in pairs if p[1:] not in stop and not (p[1] in stop and p[2] in stop)]


def is_word(term: str) -> bool:
    """True for a word term, False for a character-pair term."""
    return not term.startswith(BIGRAM_MARK)


def tokenize(text: str) -> list[str]:
    """The terms of `text`, for indexing and for questions alike: content words, then
    character pairs (marked, so they never collide with words).
    """
    return tokenize_both(text)[0]


def tokenize_both(text: str) -> tuple[list[str], list[Token]]:
    """`tokenize(text)` and `tokenize_with_spans(text)` from one pass of the segmenter."""
    normalized, origin = normalize(text)
    spans = _words(normalized, origin)
    return [token.word for token in spans] + cjk_bigrams(normalized), spans


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping union of spans (touching spans are joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
