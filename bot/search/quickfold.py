"""The quick way through normalization, for the texts that need little of it.

Normalizing (bot/search/tokens.py) folds each character (NFKC, lower case) and then
converts traditional characters to simplified ones with OpenCC. Most Chinese text
folds only in its full-width punctuation (，（）；：), each mark to one ASCII character,
and holds no character OpenCC changes. For such a text the normal form is a few
`str.replace`s, in the same places; for a text with other characters that fold but
none OpenCC changes, the conversion can be skipped. Both are decided by one regular
expression search each, and give exactly what the whole way gives (tests/test_tokens.py
checks every character, and the library).

What OpenCC changes is known from OpenCC itself, character by character, and from the
phrases of its phrase table (TSPhrases) it changes though it changes none of their
characters alone (藉 alone stays, 藉此 → 借此): bot/data/t2s_phrases.txt, which the
tests check against the installed dictionary. (A phrase holding a character t2s changes
alone, 憑藉, can only be in a text that holds that character.)
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable

import numpy as np

from bot.search.folding import CharTable

# Full-width punctuation Chinese text is full of, and its ideographic space: each folds
# to one ASCII character, and OpenCC changes none of them.
COMMON_WIDE = "，（）；：！？％．\u3000"
BMP = 0x10000


def char_class(codes: Iterable[int]) -> str:
    """A regular expression's character class of the code points (and everything past
    the Basic Multilingual Plane), as ranges of literal characters."""
    ranges: list[list[int]] = []
    for code in sorted(set(codes)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = [
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    ]
    return f"[{''.join(parts)}{re.escape(chr(BMP))}-{re.escape(chr(0x10FFFF))}]"


def first_change(text: str, changed: str) -> int:
    """Where the first character that differs is (0 when none does, or the lengths do)."""
    if len(text) != len(changed):
        return 0
    return next((at for at, (a, b) in enumerate(zip(text, changed, strict=True)) if a != b), 0)


class QuickFold:
    """Which texts the quick ways fit, and their normal form."""

    def __init__(
        self,
        folding: CharTable,
        simplified_alone: str,
        simplified_phrases: Iterable[str],
        simplify: Callable[[str], str],
    ) -> None:
        """`folding`: what each character of the Basic Multilingual Plane folds to;
        `simplified_alone`: every character of it OpenCC's t2s changes on its own;
        `simplified_phrases`: the phrases it changes, though none of their characters
        alone; `simplify`: t2s itself."""
        codes = np.arange(BMP, dtype=np.uint32)
        single = np.full(BMP, np.iinfo(np.uint32).max, dtype=np.uint32)
        covered = min(BMP, len(folding.single))
        single[:covered] = folding.single[:covered]
        folds = set(np.flatnonzero(single != codes).tolist())  # surrogates, too
        converts = {ord(char) for char in simplified_alone}
        allowed = {ord(char) for char in COMMON_WIDE + string.ascii_uppercase}
        self._other = re.compile(char_class((folds - allowed) | converts))
        self._converts = re.compile(char_class(converts | set(range(0xD800, 0xE000))))
        # a character each phrase changes → (the phrase, where that character is in it)
        self._phrases: dict[str, list[tuple[str, int]]] = {}
        for phrase in simplified_phrases:
            at = first_change(phrase, simplify(phrase))
            self._phrases.setdefault(phrase[at], []).append((phrase, at))
        marks = "".join(map(re.escape, self._phrases))
        self._marks = re.compile(f"[{marks}]") if marks else None
        self._common = [(wide, unicodedata.normalize("NFKC", wide)) for wide in COMMON_WIDE]

    @classmethod
    def none(cls) -> QuickFold:
        """One that takes no quick way: every text but the empty one goes the whole way
        (for an OpenCC whose tables these were not made from)."""
        quick = cls.__new__(cls)
        quick._other = quick._converts = re.compile(r"[\s\S]")
        quick._phrases, quick._marks, quick._common = {}, None, []
        return quick

    def normal_form(self, text: str) -> str | None:
        """The normal form of `text` when all that changes in it is the common
        full-width punctuation and ASCII capitals (each character to one, so the places
        stay); None when it needs the whole way. (No phrase t2s changes holds a common
        full-width mark, a capital or what they fold to, so a phrase is in `text` where
        it is in its folded form: it is looked for in `text` as is.)"""
        if self._other.search(text) is not None or self._holds_phrase(text):
            return None
        folded = text.lower()
        for wide, narrow in self._common:
            if wide in folded:
                folded = folded.replace(wide, narrow)
        return folded

    def may_simplify(self, folded: str) -> bool:
        """Whether OpenCC's t2s may change the folded text (False: it surely leaves it)."""
        return self._converts.search(folded) is not None or self._holds_phrase(folded)

    def _holds_phrase(self, text: str) -> bool:
        """Whether `text` holds one of the phrases t2s changes though none of their
        characters alone (looked for around each of their characters the text holds)."""
        if self._marks is None:
            return False
        for found in self._marks.finditer(text):
            at = found.start()
            for phrase, offset in self._phrases[found.group()]:
                if at >= offset and text.startswith(phrase, at - offset):
                    return True
        return False
