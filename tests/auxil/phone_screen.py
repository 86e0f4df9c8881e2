"""What a phone shows of a Telegram HTML message, measured: text outside quotes is
visible, an expandable blockquote shows its first three lines (~51 Chinese characters)
until tapped, and a highlight is a bold span inside a quote (a passage).

`python -m tests.auxil.phone_screen [corpus] [questions.jsonl]` prints the figures for the
answers to every question of the set that is about a document of the corpus.
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.auxil.fake_bot_api import parse_html_entities

FOLDED_VISIBLE = 51  # three phone lines of 17 characters


@dataclass(frozen=True)
class Screen:
    """What one message shows before anything is tapped."""

    visible: int  # characters
    highlights: tuple[tuple[str, bool], ...]  # each bold span in a passage, and if visible
    text: str
    shown: str  # the text the screen shows, folded parts left out


def screen(html: str) -> Screen:
    """Measure one message as a phone shows it."""
    plain, entities = parse_html_entities(html)
    units = [len(char.encode("utf-16-le")) // 2 for char in plain]
    offsets = [sum(units[:i]) for i in range(len(plain) + 1)]
    at = {offset: index for index, offset in enumerate(offsets)}
    hidden = [False] * len(plain)
    quotes = []
    for entity in entities:
        start, end = at[entity["offset"]], at[entity["offset"] + entity["length"]]
        if entity["type"] in ("blockquote", "expandable_blockquote"):
            quotes.append((start, end))
        if entity["type"] == "expandable_blockquote":
            for index in range(start + FOLDED_VISIBLE, end):
                hidden[index] = True
    highlights = []
    for entity in entities:
        start, end = at[entity["offset"]], at[entity["offset"] + entity["length"]]
        if entity["type"] == "bold" and any(s <= start and end <= e for s, e in quotes):
            highlights.append((plain[start:end], not hidden[start]))
    visible = sum(not h and not c.isspace() for h, c in zip(hidden, plain, strict=True))
    shown = "".join(c for h, c in zip(hidden, plain, strict=True) if not h)
    return Screen(visible, tuple(highlights), plain, shown)


def figures(screens: list[Screen], expected: list[str] | None = None) -> dict[str, float]:
    """Mean visible characters, the share of answers whose first highlight is visible,
    the share of highlights that are single characters, and (given each answer's
    expected wording) the share of answers that show it without a tap."""
    lit = [s for s in screens if s.highlights]
    found = [(s, e) for s, e in zip(screens, expected or [], strict=False) if e in s.text]
    spans = [text for s in screens for text, _ in s.highlights]
    return {
        "answers": len(screens),
        "mean_visible": statistics.mean(s.visible for s in screens) if screens else 0.0,
        "first_highlight_visible": (
            sum(s.highlights[0][1] for s in lit) / len(lit) if lit else 1.0
        ),
        "single_character_highlights": (
            sum(len(t) == 1 for t in spans) / len(spans) if spans else 0.0
        ),
        "answer_found": len(found),
        "answer_visible_when_found": (
            sum(e in s.shown for s, e in found) / len(found) if found else 1.0
        ),
    }


def answer_screens(corpus: Path, questions: Path) -> tuple[list[Screen], list[str]]:
    """The screens of the private-chat answers to the set's questions about the corpus."""
    from bot.config import Settings
    from bot.documents.corpus import load_corpus
    from bot.search.build import build_searcher
    from bot.telegram.views import answer_text

    searcher = build_searcher(load_corpus(corpus), Settings())
    docs = {doc["path"] for doc in searcher.store.docs}
    screens, expected = [], []
    for line in questions.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("doc") in docs:
            answer = searcher.search(item["question"], Settings().top_k)
            if answer.hits:
                screens.append(screen(answer_text(answer, "zh", private=True)))
                expected.append(item.get("expect") or "")
    return screens, expected


if __name__ == "__main__":
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    questions = Path(sys.argv[2] if len(sys.argv) > 2 else "questions/dev.jsonl")
    for key, value in figures(*answer_screens(corpus, questions)).items():
        print(f"{key:>28}: {value:.3f}" if isinstance(value, float) else f"{key:>28}: {value}")
