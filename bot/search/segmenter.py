"""jieba's search-mode segmentation, computed by jieba-rs (the rjieba binding) 5–8× faster.

jieba-rs holds jieba's own dictionary and HMM and cuts Chinese text as jieba 0.42 does;
it differs where letters and digits meet (`55-58`, `pm2.5`) and on CJK characters
outside U+4E00–U+9FD5. Those parts of the text are cut here the way jieba cuts them
(its `re_han_default` blocks, its `finalseg` rule for runs of letters and digits, its
search-mode sub-words), so the tokens are jieba's: on every passage of the shipped
library and on the question sets (`tests/test_tokens.py` compares the two). The one
difference left is in exact ties after `add_word` of a word the dictionary already has:
jieba adds the new frequency to its total without removing the old one, jieba-rs
removes it; on the library's passages this changes nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import rjieba

Piece = tuple[str, int, int]  # a word and its start and end (in characters)
Segmenter = rjieba.Jieba  # one dictionary (jieba's, and the words added to it)

# jieba 0.42 takes only U+4E00–U+9FD5 as Han; jieba-rs also takes these CJK ranges into
# its blocks, so they are cut out and given one character each, as jieba gives them.
_RS_ONLY_CJK = (
    "\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
    "\U0002a700-\U0002ebef\U0002f800-\U0002fa1f"
)
_ASCII_BLOCK_CHAR = r"a-zA-Z0-9+#&._%\-"  # the non-Han part of jieba's re_han_default
# A jieba block from its first ASCII character on, or one jieba-rs-only CJK character.
# (The block's Han characters before it are found backwards, see `_special`: a pattern
# starting with them would retry at each of them, quadratic in a long run of Han.)
_SPECIAL = re.compile(
    rf"[{_ASCII_BLOCK_CHAR}][\u4e00-\u9fd5{_ASCII_BLOCK_CHAR}]*|[{_RS_ONLY_CJK}]"
)
_RS_ONLY_CJK_CHAR = re.compile(rf"[{_RS_ONLY_CJK}]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fd5]*")
_HAN = re.compile(r"[\u4e00-\u9fd5]")
_SKIP_DETAIL = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip
_USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")  # jieba.re_userdict


# rjieba makes a segmenter when it is imported, for its module-level functions, which
# nothing here calls: the first segmenter asked for is that one (0.1 s saved at start).
_spare: list[Segmenter] = [made] if (made := getattr(rjieba, "_DEFAULT_JIEBA", None)) else []
_spare_lock = threading.Lock()


def new_segmenter() -> Segmenter:
    """A segmenter with its own copy of jieba's dictionary (about 0.1 s and 25 MB)."""
    with _spare_lock:
        if _spare:
            return _spare.pop()
    return rjieba.Jieba()


def segment(segmenter: Segmenter, text: str) -> list[Piece]:
    """(word, start, end) as `jieba.Tokenizer().tokenize(text, mode="search")` gives them."""
    special = _special(text)
    if not special:  # no letters, digits or rare CJK: jieba-rs alone cuts as jieba does
        return segmenter.tokenize(text, "search", True)
    pieces: list[Piece] = []
    at = 0
    for start, end in special:
        if start > at:
            pieces += _search(segmenter, text[at:start], at)
        if _RS_ONLY_CJK_CHAR.match(text, start):
            pieces.append((text[start:end], start, end))
        else:
            _mixed_block(segmenter, text[start:end], start, pieces)
        at = end
    if at < len(text):
        pieces += _search(segmenter, text[at:], at)
    return pieces


def segment_words(segmenter: Segmenter, text: str) -> list[str]:
    """The words of `segment(segmenter, text)`, in order, without their places (what
    indexing needs, and about twice as fast where jieba-rs alone cuts the text)."""
    if not _SPECIAL.search(text):
        return segmenter.cut_for_search(text, True)
    return [word for word, _, _ in segment(segmenter, text)]


def _special(text: str) -> list[tuple[int, int]]:
    """The spans of jieba's blocks holding an ASCII character, and of each jieba-rs-only
    CJK character, in order: a block's Han characters before its first ASCII character
    are found by matching backwards, on the reversed text."""
    spans = []
    backwards = ""
    for match in _SPECIAL.finditer(text):
        start, end = match.span()
        if not _RS_ONLY_CJK_CHAR.match(text, start):
            backwards = backwards or text[::-1]
            before = _HAN_RUN.match(backwards, len(text) - start)
            assert before is not None  # (the pattern matches the empty string too)
            start -= before.end() - before.start()
        spans.append((start, end))
    return spans


def _search(segmenter: Segmenter, text: str, base: int) -> list[Piece]:
    return [(w, s + base, e + base) for w, s, e in segmenter.tokenize(text, "search", True)]


def _mixed_block(segmenter: Segmenter, block: str, base: int, pieces: list[Piece]) -> None:
    """A block with ASCII in it: jieba-rs's default cut, its runs of unknown non-Han
    pieces cut again by jieba's finalseg rule, then jieba's search-mode sub-words."""
    words: list[Piece] = []
    run_start: int | None = None  # where a run of non-Han pieces the dictionary lacks began
    for word, start, end in segmenter.tokenize(block, mode="default", hmm=True):
        loose = not _HAN.search(word) and (end - start == 1 or not segmenter.has_word(word))
        if loose:
            if run_start is None:
                run_start = start
            continue
        if run_start is not None:
            words += _split_run(block, run_start, start)
            run_start = None
        words.append((word, start, end))
    if run_start is not None:
        words += _split_run(block, run_start, len(block))
    _search_grams(segmenter, words, base, pieces)


def _split_run(block: str, start: int, end: int) -> list[Piece]:
    """A run of letters, digits and signs cut as jieba's finalseg cuts it."""
    found, at = [], start
    for piece in _SKIP_DETAIL.split(block[start:end]):
        if piece:
            found.append((piece, at, at + len(piece)))
            at += len(piece)
    return found


def _search_grams(
    segmenter: Segmenter, words: list[Piece], base: int, pieces: list[Piece]
) -> None:
    """jieba's search mode over default-mode words: its known 2- and 3-grams, then the word."""
    for word, start, end in words:
        for size in (2, 3):
            if end - start > size:
                for i in range(end - start - size + 1):
                    gram = word[i : i + size]
                    if segmenter.has_word(gram):
                        pieces.append((gram, base + start + i, base + start + i + size))
        pieces.append((word, base + start, base + end))


def user_dictionary(path: Path) -> Iterator[tuple[str, int | None, str | None]]:
    """(word, frequency or None, tag or None) of a jieba user dictionary (`word [freq]
    [tag]` a line), read as jieba's `load_userdict` reads it."""
    with path.open("rb") as handle:
        for raw in handle:
            line = raw.strip().decode("utf-8").lstrip("\ufeff")
            if line and (match := _USERDICT_LINE.match(line)):
                word, frequency, tag = match.groups()
                yield word, int(frequency) if frequency else None, tag.strip() if tag else None
