"""The welcome screen's example questions: taken from the corpus (its quoted terms and its
headings), each checked to be answered with a passage before it is offered."""

from __future__ import annotations

import itertools
import logging
import re

from bot.documents.outline import heading_numbering
from bot.search.searcher import Searcher

log = logging.getLogger(__name__)

EXAMPLES = 4
TOPIC_CHARS = (4, 14)  # a heading's topic this long makes a button that reads well


def heading_topic(heading: str) -> str:
    """The topic of a heading without its numbering and after its first clause
    (（三）坚持在基层一线历练干部，… → 坚持在基层一线历练干部)."""
    topic = heading[len(heading_numbering(heading)) :].strip()
    return re.split(r"[，。；：,;:]", topic)[0].strip()


def candidates(searcher: Searcher) -> list[str]:
    """Example questions worth checking, most telling first: what a quoted term means,
    then the topics of sections, taking documents in turn."""
    asked = [f"什么是“{term}”？" for term in searcher.quoted_terms[:1]]
    per_document = []
    for _, root in searcher.contents.documents():
        topics = [
            heading_topic(sub.heading)
            for section in root.children
            for sub in (section.children or [section])
        ]
        per_document.append([t for t in topics if TOPIC_CHARS[0] <= len(t) <= TOPIC_CHARS[1]])
    for group in itertools.zip_longest(*per_document):
        asked += [topic for topic in group if topic]
    return list(dict.fromkeys(asked))


def example_questions(searcher: Searcher, count: int = EXAMPLES) -> list[str]:
    """Up to `count` example questions this corpus answers with a passage."""
    examples = []
    for question in candidates(searcher):
        if searcher.search(question, 1, with_highlights=False).hits:
            examples.append(question)
        if len(examples) == count:
            break
    if searcher.visible is None:  # a scope's examples may come from a private collection
        log.info("Welcome examples, each checked to find a passage: %s", " | ".join(examples))
    return examples
