"""One tokenizer for documents and questions: normalize, segment with jieba, drop stopwords.

Normalization is NFKC (full-width → half-width), lower-case, and traditional →
simplified (OpenCC t2s). Each token keeps its offsets in the *original* text, so
matches can be bolded in what the user sees.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import marshal
import os
import re
import tempfile
import threading
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
import opencc

from bot.config import default_cache_dir
from bot.search import folding
from bot.search import segmenter as segmenting
from bot.search.quickfold import BMP, QuickFold

QUOTED_TERM = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,8})[”\"」』]")
WORD_CHAR = re.compile(r"\w", re.UNICODE)
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
BIGRAM_MARK = "\x02"
QUOTED_TERM_FREQ = 2000

TOKENIZER_VERSION = 3  # bump when tokenization changes in a way the data files don't show


def fingerprint() -> str:
    """A digest of everything that decides how text becomes terms (for index freshness)."""
    versions = f"{TOKENIZER_VERSION}|{metadata.version('rjieba')}|{JIEBA_VERSION}|"
    digest = hashlib.sha256(versions.encode())
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
    """Keep the tokenizer's cached tables in `path` (set before the first tokenize)."""
    global _cache_folder
    _cache_folder = path


def cache_dir() -> Path:
    """A writable folder for the tokenizer's cached tables: the one set with use_cache_dir,
    else the settings' default (config.default_cache_dir); the system's temporary folder
    when that cannot be created."""
    path = _cache_folder or default_cache_dir(os.environ)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return path


# Characters NFKC turns into other Chinese characters (radicals, compatibility ideographs)
COMPATIBILITY_HAN = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def folded(text: str) -> str:
    """`normalize(text)[0]` where only its Chinese characters matter (a phrase check):
    traditional → simplified, NFKC only where a character needs it, no offsets kept."""
    if COMPATIBILITY_HAN.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _t2s().convert(text) if _quick_fold().may_simplify(text) else text


COMMON_WORD_FREQ = 100  # a word this frequent in jieba's dictionary is everyday Chinese
JIEBA_VERSION = metadata.version("jieba")


def jieba_dictionary() -> Path:
    """jieba's dict.txt (found without importing jieba, which loads its HMM tables)."""
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None, "jieba is a dependency"
    return Path(spec.origin).parent / "dict.txt"


# what cached_table keeps: word lists, and the homophone tables (typos.Homophones)
Table = TypeVar(
    "Table",
    list[str],
    tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]],
)


def cached_table(name: str, make: Callable[[], Table]) -> Table:
    """A table made from a dependency's data (`make`), kept in `cache_dir()` under
    `name` (which must change with whatever the table is made from), so later processes
    load it in milliseconds. Tables are plain values: marshal stores them."""
    cached = cache_dir() / f"{name}.marshal"
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    table = make()
    temporary = cached.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_bytes(marshal.dumps(table))
        os.replace(temporary, cached)
    except (OSError, ValueError):
        pass  # a read-only cache: make it again next time
    return table


def load_tables() -> None:
    """Load now the tables questions need only at times: the everyday words (is a word
    a typo?) and the folding tables (for long texts, and the quick ways)."""
    common_words()
    _quick_fold()


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words (and characters) jieba's dictionary gives COMMON_WORD_FREQ or more."""

    def read() -> list[str]:
        text = jieba_dictionary().read_text(encoding="utf-8")
        rows = (line.split(" ") for line in text.splitlines())
        return [row[0] for row in rows if int(row[1]) >= COMMON_WORD_FREQ]

    return frozenset(cached_table(f"common-words-{JIEBA_VERSION}-{COMMON_WORD_FREQ}", read))


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


T2S_PHRASES_FROM = "1.4.2"  # the OpenCC whose phrase table data/t2s_phrases.txt lists


@lru_cache(maxsize=1)
def _quick_fold() -> QuickFold:
    """The quick ways through normalization (bot/search/quickfold.py), with the
    characters of the Basic Multilingual Plane t2s changes on their own (found once,
    ~0.2 s, then read from the cache); none with another OpenCC than the one
    data/t2s_phrases.txt was made from (its phrase table may differ)."""
    if opencc.__version__ != T2S_PHRASES_FROM:
        return QuickFold.none()

    def simplified_alone() -> list[str]:
        convert = _t2s().convert
        chars = [chr(code) for code in range(BMP) if not 0xD800 <= code < 0xE000]
        return ["".join(char for char in chars if convert(char) != char)]

    name = f"t2s-changes-{opencc.__version__}"
    raw = resources.files("bot").joinpath("data/t2s_phrases.txt").read_text(encoding="utf-8")
    phrases = [line for line in raw.splitlines() if line and not line.startswith("#")]
    alone = cached_table(name, simplified_alone)[0]
    return QuickFold(_plane_folding(), alone, phrases, _t2s().convert)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The shipped stopword list (data/stopwords.txt)."""
    raw = resources.files("bot").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


class _Folding(dict[int, str]):
    """str.translate's table for NFKC + lower-case, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        self[code] = folded
        return folded


_FOLDING = _Folding()


CACHED_CHARS = 200  # a question is normalized several times while it is answered: the
# last few questions keep their normal form (a bounded cache: 256 short texts)


def normalize(text: str) -> tuple[str, Sequence[int]]:
    """Normalize `text`; return it with, for each normalized character, its original index."""
    return _normalize_cached(text) if len(text) <= CACHED_CHARS else _normalize(text)


@lru_cache(maxsize=256)
def _normalize_cached(text: str) -> tuple[str, Sequence[int]]:
    return _normalize(text)


@lru_cache(maxsize=4096)  # the passages last highlighted (a few MB): popular ones return
def _passage_form(text: str) -> tuple[str, Sequence[int]]:
    return _normalize(text)


FAST_FOLD_FROM = 64  # characters: a shorter text folds faster with str.translate


@lru_cache(maxsize=1)
def _plane_folding() -> folding.CharTable:
    """NFKC + lower-case of every character of the Basic Multilingual Plane but the
    surrogates, as a folding table (made once, then read from the cache as two strings:
    the folds one after another, and each one's length as a character)."""
    codes = np.concatenate([np.arange(0xD800), np.arange(0xE000, BMP)]).astype(np.uint32)

    def fold() -> list[str]:
        folds = [unicodedata.normalize("NFKC", chr(code)).lower() for code in codes.tolist()]
        return ["".join(folds), "".join(map(chr, map(len, folds)))]

    joined, lengths = cached_table(f"folding-{unicodedata.unidata_version}-2", fold)
    return folding.CharTable(codes, folding.code_points(lengths), folding.code_points(joined))


def _fold(text: str) -> tuple[str, Sequence[int]]:
    """NFKC + lower-case, a character at a time, and each folded character's origin (4
    bytes a character, not a list's 36: whole documents come through here)."""
    if len(text) >= FAST_FOLD_FROM:
        folded = _plane_folding().fold_codes(folding.code_points(text))
        if folded is not None:
            if folded.origin is None:  # each character folded to one: the same places
                return folding.text_of(folded.codes), range(len(text))
            return folding.text_of(folded.codes), array("i", folded.origin.tobytes())
    folded_text = text.translate(_FOLDING)
    if len(folded_text) == len(text):  # no character folds to none: each folded to one
        return folded_text, range(len(text))
    return folded_text, array(
        "i", (at for at, char in enumerate(text) for _ in _FOLDING[ord(char)])
    )


def _normalize(text: str) -> tuple[str, Sequence[int]]:
    quick = _quick_fold()
    if (normal := quick.normal_form(text)) is not None:  # (most Chinese text)
        return normal, range(len(text))
    folded_text, origin = _fold(text)
    if not quick.may_simplify(folded_text):
        return folded_text, origin
    simplified = _t2s().convert(folded_text)
    if len(simplified) != len(folded_text):  # a phrase conversion changed length: go by char
        simplified = "".join(_t2s().convert(char) or char for char in folded_text)
        if len(simplified) != len(folded_text):
            simplified = folded_text
    return simplified, origin


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """The shipped list of words too general to make an answer alone (data/generic.txt)."""
    raw = resources.files("bot").joinpath("data/generic.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def is_generic(word: str) -> bool:
    """Whether `word` is too general to make an answer on its own (要求, 防止, 工作)."""
    return word in generic_words()


def is_common_word(word: str) -> bool:
    """Whether jieba's dictionary knows `word` as an everyday word (老师, 司机, or a
    character in everyday use)."""
    return word in common_words()


def quoted_terms(text: str) -> list[str]:
    """Short Chinese terms the text puts in quotation marks (“两个维护”, “灯下黑”), in order."""
    return list(dict.fromkeys(QUOTED_TERM.findall(text)))


def cjk_bigrams(normalized: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters, stopwords left out.

    They let a question match a passage that jieba segmented differently.
    """
    pairs: list[str] = []
    for run in CJK_RUN.findall(normalized):
        pairs += map(str.__add__, run, run[1:])
    return list(
        map(BIGRAM_MARK.__add__, itertools.filterfalse(_dropped_pairs().__contains__, pairs))
    )


def indexes_pair(pair: str) -> bool:
    """Whether `cjk_bigrams` keeps this pair of Chinese characters (not stopwords)."""
    return pair not in _dropped_pairs()


@lru_cache(maxsize=1)
def _dropped_pairs() -> frozenset[str]:
    """The character pairs left out: stopwords, and pairs of two stopword characters."""
    single = [word for word in stopwords() if len(word) == 1]
    return stopwords() | {a + b for a in single for b in single}


def is_content(word: str) -> bool:
    """Whether a segmented word is kept: no stopword, and a letter or digit in it."""
    return _CONTENT[word]


class _Content(dict[str, bool]):
    """`is_content` of the words met, worked out on first sight; emptied when it holds
    CONTENT_CACHE words, so a large corpus's vocabulary does not pile up in it."""

    def __missing__(self, word: str) -> bool:
        if len(self) >= CONTENT_CACHE:
            self.clear()
        kept = word not in stopwords() and WORD_CHAR.search(word) is not None
        self[word] = kept
        return kept


CONTENT_CACHE = 1 << 18
_CONTENT = _Content()


def is_word(term: str) -> bool:
    """True for a word term, False for a character-pair term."""
    return not term.startswith(BIGRAM_MARK)


def _encodable(text: str) -> str:
    """`text` with lone surrogates (which no UTF-8 text holds) as "?", the same length."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


class Tokenizer:
    """Text → terms for one index: normalize, segment with jieba, drop stopwords.

    Segmenting is jieba's (search mode, HMM on), computed by jieba-rs
    (bot/search/segmenter.py). Each index owns one, with its own dictionary and the words its
    corpus adds (its quoted terms and `userdict.txt`), so two indexes in one process
    never share vocabulary and a reload replaces the index and its words together.
    The segmenter is made on first use; a Tokenizer pickles as its words alone, so
    build workers make their own.
    """

    def __init__(self, words: Sequence[str] = (), user_dict: Path | None = None) -> None:
        self.words = tuple(dict.fromkeys(words))
        self.user_dict = user_dict
        self._segmenter: segmenting.Segmenter | None = None
        # One question at a time through jieba-rs: its regular expressions keep a cache
        # per concurrent use, so letting every worker thread in grows memory by megabytes
        # a thread (a question takes well under a millisecond there).
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        return {"words": self.words, "user_dict": self.user_dict}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # (mypy forbids calling __init__ on an instance; unpickling is where it belongs)
        self.__init__(state["words"], state["user_dict"])  # type: ignore[misc]

    @property
    def segmenter(self) -> segmenting.Segmenter:
        """This tokenizer's segmenter, made with its words on first use (all of them are
        added before it is shared: jieba-rs refuses a word added while it segments)."""
        if self._segmenter is None:
            made = segmenting.new_segmenter()
            if self.user_dict is not None:
                for word, frequency, tag in segmenting.user_dictionary(self.user_dict):
                    made.add_word(word, frequency, tag)
            for word in self.words:
                normalized, _ = normalize(word)
                if normalized.strip():
                    made.add_word(normalized, QUOTED_TERM_FREQ, None)
            self._segmenter = made
        return self._segmenter

    def ready(self) -> None:
        """Make the segmenter now (with its dictionary and words), not at the first use."""
        _ = self.segmenter

    def knows(self, word: str) -> bool:
        """Whether the dictionary (with this index's words) holds `word` as a word."""
        return bool(self.segmenter.has_word(word))

    def _segment(self, normalized: str) -> list[segmenting.Piece]:
        with self._lock:
            return segmenting.segment(self.segmenter, _encodable(normalized))

    def _words(self, normalized: str, origin: Sequence[int]) -> list[Token]:
        return [
            Token(word, origin[start], origin[end - 1] + 1)
            for word, start, end in self._segment(normalized)
            if is_content(word)
        ]

    def tokenize_with_spans(self, text: str) -> list[Token]:
        """Content words of `text` with their original spans (jieba search mode: long
        words also yield their dictionary sub-words). Stopwords, punctuation and space
        are dropped."""
        return self._words(*normalize(text))

    def tokenize(self, text: str) -> list[str]:
        """The terms of `text`, for indexing and for questions alike: content words, then
        character pairs (marked, so they never collide with words). What
        `tokenize_both(text)[0]` is, without the words' places (the build's hot path)."""
        normalized, _ = normalize(text)
        with self._lock:
            words = segmenting.segment_words(self.segmenter, _encodable(normalized))
        return list(filter(_CONTENT.__getitem__, words)) + cjk_bigrams(normalized)

    def tokenize_both(self, text: str) -> tuple[list[str], list[Token]]:
        """`tokenize(text)` and `tokenize_with_spans(text)` from one pass of the segmenter."""
        normalized, origin = normalize(text)
        spans = self._words(normalized, origin)
        return [token.word for token in spans] + cjk_bigrams(normalized), spans

    def find(self, text: str, words: Iterable[str]) -> tuple[tuple[int, int], ...]:
        """The spans of `text` where the (normalized) words stand, for highlights: found
        in the text as it is, without segmenting it again. A one-character word counts
        only where it is no part of a two-character word the dictionary knows (党 in
        全党, not in 党员)."""
        normalized, origin = normalize(text) if len(text) <= CACHED_CHARS else _passage_form(text)
        spans = []
        for word in words:
            at = normalized.find(word)
            while at >= 0:
                end = at + len(word)
                if len(word) > 1 or not self._inside_word(normalized, at):
                    spans.append((origin[at], origin[end - 1] + 1))
                at = normalized.find(word, end)
        return merge_spans(spans)

    def _inside_word(self, normalized: str, at: int) -> bool:
        """Whether the character at `at` forms a known word with a neighbour."""
        before = normalized[at - 1 : at + 1] if at > 0 else ""
        after = normalized[at : at + 2]
        return any(len(pair) == 2 and self.knows(pair) for pair in (before, after))


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping union of spans (touching spans are joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
