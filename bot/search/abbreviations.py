"""Abbreviations and their full forms (GDP ↔ 国内生产总值, 纪委 ↔ 纪律检查委员会).

The shipped list, `data/abbreviations.txt`, is one line per abbreviation with its full
forms; a question using the abbreviation also searches the full forms, and one using a
full form also searches the abbreviation.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def entries() -> tuple[tuple[str, ...], ...]:
    """Every line of the list, normalized to lower case: (abbreviation, full form, …)."""
    raw = resources.files("bot").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    lines = (line.split() for line in raw.splitlines() if line.strip() and line[0] != "#")
    return tuple(tuple(word.lower() for word in line) for line in lines if len(line) > 1)


def expansions(normalized_question: str, words: Container[str] = ()) -> list[str]:
    """For each abbreviation the (normalized) question holds as one of its `words` (or,
    for a Latin one, as a whole word), its full forms; for each full form it holds, its
    abbreviation (公安机关 brings 公检法, not 人民法院; 外国企业 does not hold 国企)."""
    found: list[str] = []
    held = normalized_question.__contains__
    for abbreviation, full_forms, latin in _entries():
        if abbreviation in words or (
            latin and held(abbreviation) and _latin_word(abbreviation, normalized_question)
        ):
            found += [form for form in full_forms if not held(form)]
        elif any(map(held, full_forms)):
            found.append(abbreviation)
    return found


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """`entries()` as (abbreviation, its full forms, whether it is Latin), for the loop
    every question goes through."""
    return tuple((line[0], line[1:], line[0].isascii()) for line in entries())


def _latin_word(word: str, text: str) -> bool:
    """Whether `word` stands in `text` as a word of its own (ai in 人工智能ai, not in apple)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
