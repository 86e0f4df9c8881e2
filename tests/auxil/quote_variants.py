"""Quotes as people get them wrong, for the quote check's tests and benchmark: a verbatim
quote with a few characters changed, dropped or added, and quotes of words no passage holds."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.search.searcher import Searcher


def altered(rng: random.Random, quote: str, characters: str) -> str:
    """The quote with 1–3 characters changed, dropped or added (never punctuation),
    the new ones drawn from `characters`."""
    from bot.search.quotes import fold_char

    chars = list(quote)
    for _ in range(rng.randint(1, 3)):
        counted = [at for at, char in enumerate(chars) if fold_char(char)]
        at, kind = rng.choice(counted), rng.choice(["change", "drop", "add"])
        if kind == "change":
            other = rng.choice(characters)
            while fold_char(other) == fold_char(chars[at]):
                other = rng.choice(characters)
            chars[at] = other
        elif kind == "drop":
            del chars[at]
        else:
            chars.insert(at, rng.choice(characters))
    return "".join(chars)


def made_up(searcher: Searcher, count: int, rng: random.Random) -> list[str]:
    """Quotes of dictionary words no passage holds (drawn evenly, so mostly rare ones;
    stopwords, which no passage is indexed by, left out), with a comma and a full stop."""
    from bot.search import tokens
    from tests.auxil import synthetic

    words, _ = synthetic.dictionary()
    stop = tokens.stopwords()
    made = []
    while len(made) < count:
        picked = rng.choices(words, k=rng.randint(4, 8))
        picked = [
            w
            for w in picked
            if len(w) > 1 and w not in stop and not searcher.index.document_frequency(w)
        ]
        if len(picked) >= 3:
            made.append("".join(picked[:2]) + "，" + "".join(picked[2:]) + "。")
    return made
