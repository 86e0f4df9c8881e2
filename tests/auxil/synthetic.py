"""Realistic synthetic Chinese documents for benchmarks and the engine's differential test.

Words are drawn with the frequencies of jieba's own dictionary; documents have a title,
一、/（一） headings, and paragraphs of sentences ending in 。 like the seed speech.
Everything is seeded, so the same arguments give the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def dictionary() -> tuple[list[str], list[float]]:
    """Chinese words of jieba's dictionary and their cumulative frequencies."""
    words, cumulative, total = [], [], 0.0
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, freq, *_ = line.split(" ")
        if all("\u4e00" <= char <= "\u9fff" for char in word):
            total += int(freq)
            words.append(word)
            cumulative.append(total)
    return words, cumulative


def token_lists(passages: int, seed: int = 7, words_per_passage: int = 60) -> list[list[str]]:
    """Token lists (as a tokenizer would give) for `passages` passages."""
    words, cumulative = dictionary()
    rng = random.Random(seed)
    return [
        rng.choices(words, cum_weights=cumulative, k=rng.randint(5, 2 * words_per_passage))
        for _ in range(passages)
    ]


def sentence(rng: random.Random, words: list[str], cumulative: list[float]) -> str:
    """One sentence of 6-24 words with a comma or two."""
    picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 24))
    for _ in range(rng.randint(0, 2)):
        picked.insert(rng.randint(1, len(picked) - 1), "，")
    return "".join(picked) + "。"


def documents(passages: int, per_document: int = 200, seed: int = 7) -> Iterator[tuple[str, str]]:
    """(file name, text) of documents holding about `passages` paragraphs in all."""
    words, cumulative = dictionary()
    rng = random.Random(seed)
    made = 0
    number = 0
    while made < passages:
        number += 1
        count = min(per_document, passages - made)
        lines = [f"关于{''.join(rng.choices(words, cum_weights=cumulative, k=3))}的讲话", ""]
        for paragraph in range(count):
            if paragraph % 20 == 0:
                lines.append(
                    f"{NUMERALS[(paragraph // 20) % 10]}、{sentence(rng, words, cumulative)[:-1]}"
                )
            if paragraph % 5 == 0:
                lead = sentence(rng, words, cumulative)
                lines.append(f"（{NUMERALS[(paragraph // 5) % 4]}）{lead}")
            lines.append(
                "".join(sentence(rng, words, cumulative) for _ in range(rng.randint(2, 6)))
            )
        made += count
        yield f"doc{number:06d}.txt", "\n".join(lines) + "\n"


def write_corpus(folder: Path, passages: int, seed: int = 7) -> Path:
    """Write a synthetic corpus of about `passages` paragraphs into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents(passages, seed=seed):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def questions(count: int, seed: int = 11) -> list[str]:
    """Questions: a few dictionary words (common and rare) with question words around."""
    words, cumulative = dictionary()
    rng = random.Random(seed)
    shapes = ["{}是什么", "如何{}", "{}有哪些要求", "为什么要{}", "{}"]
    picked = []
    for _ in range(count):
        terms = "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(2, 4)))
        picked.append(rng.choice(shapes).format(terms))
    return picked
