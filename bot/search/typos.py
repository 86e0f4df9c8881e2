"""One-character homophone typos (立练 → 历练, 透漏 → 透露): the pinyin of Chinese characters.

A question word the index has never seen (or, in a longer unknown word, each pair of its
characters) is tried with each character swapped for a character of the same pinyin
(tones ignored, and sounds many speakers merge taken as one: zh/z, n/l, -ng/-n; from
pypinyin's table; the shared reading must be the usual one of one of the two); a swap
that gives a word the index knows is taken, the one found in the most passages winning.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

MAX_WORD_CHARS = 4
TABLE_VERSION = 2  # bump when how the homophone table is made changes


def toneless(syllable: str) -> str:
    """A pinyin syllable without its tone marks, in the loose form that merges the sounds
    many speakers do not tell apart (zh/z, ch/c, sh/s, n/l, -ng/-n): lì → li, zhào → zao."""
    decomposed = unicodedata.normalize("NFD", syllable)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn" or c == "\u0308")
    plain = unicodedata.normalize("NFC", kept)
    for retroflex, flat in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if plain.startswith(retroflex):
            plain = flat + plain[2:]
    if plain.startswith("l"):
        plain = "n" + plain[1:]
    return plain[:-1] if plain.endswith("ng") else plain


# (character → its toneless readings, the usual one first; reading → the common
# characters with it; reading → those of them whose usual reading it is)
Homophones = tuple[
    dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]
]
# how many passages hold each of these terms (0: none), as BM25Index.document_frequencies
PassageCounts = Callable[[Sequence[str]], np.ndarray | Sequence[int]]


@lru_cache(maxsize=1)
def homophones() -> Homophones:
    """The homophone tables (see `Homophones`), made once (about 1 s) and then loaded
    from the tokenizer's cache."""
    from importlib import metadata

    from bot.search.tokens import JIEBA_VERSION, cached_table

    name = f"homophones-{metadata.version('pypinyin')}-{JIEBA_VERSION}-{TABLE_VERSION}"
    return cached_table(name, _make_homophones)


def _make_homophones() -> Homophones:
    from pypinyin.pinyin_dict import pinyin_dict  # imported here: only typos pay for it

    from bot.search.tokens import is_common_word

    readings: dict[str, tuple[str, ...]] = {}
    chars: defaultdict[str, list[str]] = defaultdict(list)
    for code, value in pinyin_dict.items():
        char = chr(code)
        syllables = tuple(dict.fromkeys(toneless(s) for s in value.split(",")))
        readings[char] = syllables
        if is_common_word(char):
            for syllable in syllables:
                chars[syllable].append(char)
    usual = {
        syllable: tuple(char for char in found if readings[char][0] == syllable)
        for syllable, found in chars.items()
    }
    return readings, {syllable: tuple(found) for syllable, found in chars.items()}, usual


def corrections(word: str, known: PassageCounts, used: frozenset[str] | str = "") -> str | None:
    """The word the index knows that `word` is one homophone away from, if any.

    `known(terms)` is how many passages hold each term (0 for an unknown one), asked once
    for every candidate; `used`, if given, holds the only characters worth trying (those
    the corpus uses; a set, hashed once).
    """
    if not 2 <= len(word) <= MAX_WORD_CHARS or not all("\u4e00" <= c <= "\u9fff" for c in word):
        return None
    if len(word) == 2:
        return _best(_swaps(word, used), known)
    # 苗立练: the typo may sit in a pair jieba glued to a neighbour
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    tried = [_swaps(word, used), *(_swaps(pair, used) for pair in pairs)]
    counts = iter(known([*pairs, *(c for candidates in tried for c in candidates)]))
    pair_counts = [next(counts) for _ in pairs]
    (whole, _), *mended = [_best_of(c, [next(counts) for _ in c]) for c in tried]
    if whole or any(pair_counts):
        return whole  # a word with a known part (中纪委) is a variant, not a typo
    found = [(count, m) for m, count in mended if m]
    return max(found)[1] if found else None


def _best(candidates: list[str], known: PassageCounts) -> str | None:
    """The candidate the most passages hold (the first of equals), if any holds it."""
    return _best_of(candidates, list(known(candidates)) if candidates else [])[0]


def _best_of(candidates: list[str], counts: Sequence[int]) -> tuple[str | None, int]:
    """The candidate with the largest count (the first of equals) and its count; None
    when no count is above 0."""
    if not candidates:
        return None, 0
    best = int(np.argmax(counts))
    return (candidates[best], int(counts[best])) if counts[best] > 0 else (None, 0)


def _swaps(word: str, used: frozenset[str] | str) -> list[str]:
    """Each word one homophone of a character away from `word` (in the corpus's characters)."""
    return [
        word[:position] + other + word[position + 1 :]
        for position, char in enumerate(word)
        for other in usable_alternatives(char, used)
    ]


@lru_cache(maxsize=1 << 14)
def usable_alternatives(char: str, used: frozenset[str] | str) -> tuple[str, ...]:
    """`alternatives(char)` that `used` holds (all of them when `used` is empty)."""
    return tuple(other for other in alternatives(char) if not used or other in used)


@lru_cache(maxsize=1 << 14)
def alternatives(char: str) -> tuple[str, ...]:
    """The common characters that sound like `char` (toneless, loosely), in the table's
    order: a reading the two share must be the usual one of one of them (two rare
    readings, 有 wěi and 机 wèi, don't count)."""
    readings, chars, usual = homophones()
    found: dict[str, None] = {}
    for syllable in readings.get(char, ()):
        # its own usual reading: every character with it; another: those whose usual it is
        table = chars if syllable == readings[char][0] else usual
        found.update(dict.fromkeys(table.get(syllable, ())))
    found.pop(char, None)
    return tuple(found)
