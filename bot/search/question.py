"""A question → the terms it is searched with: its words, a homophone typo mended,
abbreviations met by their full forms, and the noun it asks a list of.

The index decides what is mended and expanded (only into words it knows), so this
module takes the index's document-frequency look-ups and the corpus's characters.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from bot.search import abbreviations, tokens, typos

MAX_QUERY_CHARS = 1000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_question(text: str) -> str:
    """A question as the pipeline takes it: lone surrogates (which JSON allows and UTF-8
    does not) replaced, control characters blanked, at most MAX_QUERY_CHARS long."""
    text = text[:MAX_QUERY_CHARS].encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub(" ", text)


# A question asking for a list, and the noun it asks for: 有哪些权利, 哪几种处分, 处分有哪些.
LIST_AFTER = re.compile(r"(?:哪些|哪几[种个项类]|几种|几项)([\u4e00-\u9fff]{2})")
LIST_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})(?:有|包括|分为)(?:哪些|哪几[种个项类]|几种)")


class Terms(NamedTuple):
    """What a question is searched with: every term (words and character pairs) for
    ranking, and its content words for the no-answer rule and highlights."""

    terms: list[str]
    words: list[str]


def question_terms(
    text: str,
    tokenizer: tokens.Tokenizer,
    frequency: Callable[[str], int],
    frequencies: typos.PassageCounts,
    characters: frozenset[str] | str = "",
) -> Terms:
    """The question's terms and content words, a homophone typo of a word mended
    (立练 → 历练) where the index knows the mended word and neither it nor everyday
    Chinese knows the typed one, and abbreviations met by their full forms (GDP →
    国内生产总值). `tokenizer` is the index's; `frequency`/`frequencies` are its passage
    counts of terms."""
    all_terms, spans = tokenizer.tokenize_both(text)
    terms = list(dict.fromkeys(all_terms))
    words = [term for term in terms if tokens.is_word(term)]
    typed = [t.word for t in spans if len(t.word) > 1]
    typed += [
        a.word + b.word
        for a, b in itertools.pairwise(spans)
        if len(a.word) == len(b.word) == 1 and a.end == b.start
    ]
    typed = list(dict.fromkeys(typed))
    for word, count in zip(typed, frequencies(typed) if typed else [], strict=True):
        if count or tokens.is_common_word(word):
            continue  # a word the index or everyday Chinese knows is no typo (老师)
        mended = typos.corrections(word, frequencies, characters)
        if mended:
            words = [w for w in words if w != word and w not in word] + [mended]
            normalized, _ = tokens.normalize(mended)
            terms += [mended, *tokens.cjk_bigrams(normalized)]
    normalized, _ = tokens.normalize(text)
    forms = abbreviations.expansions(normalized, {t.word for t in spans})
    expanded = [
        form for form, count in zip(forms, frequencies(forms) if forms else [], strict=True)
        if count
    ]  # fmt: skip
    if expanded:  # GDP → 国内生产总值: the known forms stand in for an unknown one
        words = [w for w in words if frequency(w)] + expanded
        for form in expanded:
            terms += tokenizer.tokenize(form)
    return Terms(list(dict.fromkeys(terms)), list(dict.fromkeys(words)))


def list_nouns(question: str) -> set[str]:
    """What a question asking for a list asks a list of (权利 in 党员有哪些权利); none for
    other questions."""
    normalized = tokens.normalize(question)[0]
    after = LIST_AFTER.findall(normalized)
    return set(after or LIST_BEFORE.findall(normalized)) - tokens.stopwords()


LIST_LEADS = ("下列", "以下", "如下")


class ListPattern(NamedTuple):
    """How a passage introduces a list of what a question asks for: a lead word shortly
    before the noun (享有下列权利), or the noun shortly before a colon (权利：)."""

    led: re.Pattern[str]
    colon: re.Pattern[str]

    def search(self, text: str) -> bool:
        """Whether `text` introduces such a list (the lead words looked for first: a
        pattern that starts with a choice of words costs far more to search for)."""
        if self.colon.search(text):
            return True
        return any(lead in text for lead in LIST_LEADS) and self.led.search(text) is not None


@lru_cache(maxsize=256)  # asked for by the engine's floor, the lift and the answer
def list_pattern(question: str) -> ListPattern | None:
    """For a question asking for a list (党员有哪些权利), how the passages that introduce
    a list of what it asks for do it (党员享有下列权利：); None for other questions.
    Only a passage holding one of its `list_nouns` can match."""
    nouns = "|".join(sorted(list_nouns(question)))
    if not nouns:
        return None
    leads = "|".join(LIST_LEADS)
    return ListPattern(
        re.compile(rf"(?:{leads})[^，。；：]{{0,6}}(?:{nouns})"),
        re.compile(rf"(?:{nouns})[^，。；]{{0,4}}[：:]"),
    )


def compact_question(question: str, max_bytes: int, tokenizer: tokens.Tokenizer) -> str:
    """The question within `max_bytes` of UTF-8: as asked when it fits, else its content
    words (stopwords and punctuation dropped) as long as whole words fit: it searches the
    same, and no word is cut in half (words as `tokenizer`, the index's, cuts them)."""
    question = clean_question(question).strip()
    if len(question.encode()) <= max_bytes:
        return question
    words = tokenizer.tokenize_with_spans(question)
    spans = tokens.merge_spans([(t.start, t.end) for t in words])
    kept = ""
    for start, end in spans:
        longer = f"{kept} {question[start:end]}".strip()
        if len(longer.encode()) > max_bytes:
            break
        kept = longer
    return kept
