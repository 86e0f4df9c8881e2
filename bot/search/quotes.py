"""Quote check (原文核对): does a quotation stand in the documents word for word, and where
(every place); if not, the closest wording, how close it is and what differs.

* **Normalisation.** Both the documents and the quote are folded one character at a time
  (`fold_char`): NFKC (full-width letters, digits and punctuation → half-width), lower
  case, traditional → simplified (OpenCC, as `tokens.normalize` does), and only letters,
  digits and symbols kept: punctuation, spaces, line breaks and control characters are
  ignored. Folding by character makes the fold of a piece of text the piece of the
  folded text, so a verbatim quote is always found. A quote is also tried as OpenCC
  converts it phrase by phrase (著 → 着 in 看著, with VARIANTS), which a traditional
  quote of a simplified text needs. What is checked is each document from its title
  line on (`Document.start`): the front matter before it is not the document.
* **Exact.** A suffix array (libdivsufsort, through pydivsufsort) over the folded text of
  all documents, each followed by a separator. The folded characters are numbered by
  code point (0 is the separator) and stored big-endian, so comparing bytes compares
  text, and two binary searches give the range of suffixes that start with the quote:
  every occurrence. Each maps back through the fold's offsets to the original text,
  `document.text[start:end]` running from the first to the last matched character.
* **Closest.** Candidate stretches are the BM25 passages for the quote's rarest terms
  (each with its neighbours and the quote's length around it, so a quote crossing
  passages is whole in one), and the places where the pieces of the quote found word
  for word (the longest from its start, then from past each edit) stand, when they are
  rare. Each is screened with rapidfuzz's `partial_ratio_alignment` (C, ~0.07 ms for a
  120-character quote in a 900-character stretch; difflib takes ~0.4 ms for its longest
  block alone); the best few are aligned exactly (edit distance with free ends in the
  text, `closest_stretch`). `similarity` is 1 − edit distance / the folded quote's
  length (changing, dropping or adding a character costs 1): 1 is the same wording,
  0.9 a tenth of the characters differ. Above SIMILAR it is reported, with the edits
  (rapidfuzz's Levenshtein opcodes on the stretch).
* **Spliced.** A quote not found whole whose pieces each are: its clauses (cut at its
  punctuation, joined while the join is found) or else two parts cut where both are
  found. Parts that all lie in the closest stretch are an altered quote, not a splice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pydivsufsort
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.models import Closest, Document, Edit, Part, Place, QuoteCheck
from bot.search import tokens, typos
from bot.search.folding import CharTable, code_points, text_of
from bot.search.store import ChunkStore

ARRAYS = ("quote_text", "quote_suffixes", "quote_origin", "quote_doc_starts", "quote_alphabet")
KEPT = frozenset("LNS")  # Unicode categories that count: letters, numbers, symbols
SEPARATOR = 0  # the number between documents; characters are numbered from 1
SIMILAR = 0.8  # a closest wording must be more similar than this to be reported
MAX_PLACES = 1000  # places listed for one wording (all are counted)
QUOTE_CANDIDATES = 10  # BM25 passages whose stretches are screened
QUOTE_TERMS = 32  # the quote's rarest terms they are ranked by
ANCHOR_PLACES = 5  # a found piece of the quote in at most this many places adds candidates
MIN_ANCHOR = 4  # …when it is at least this many characters long
MAX_PIECES = 8  # found pieces looked for in one quote
SCREENED = 3  # screened stretches aligned exactly
MAX_ALIGNED = 600  # a longer quote (folded) gets no closest wording: aligning costs its square
MIN_PART = 4  # folded characters in each part of a spliced quote
MAX_PARTS = 6  # a quote pieced from more places is no quotation (中国特色社会主义，×450)
# Traditional characters OpenCC's s2t writes for a simplified one (违背 → 違揹, 明了 →
# 明瞭) that neither its t2s by character nor by phrase turns back (measured over
# jieba's dictionary words); read as that simplified one in a quote's phrase form only,
# so the documents' own 覆盖 or 瞭望 stay themselves. Left out: pairs of two simplified
# words (座/坐, 像/象, 俱/具, 哩/里), a misquote worth catching, and rare variant forms.
VARIANTS = str.maketrans("揹瞭藉覆伕暱薰澂濬甯蘗拏鎗燄唚斲", "背了借复夫昵熏澄浚宁檗拿枪焰吣斫")


@lru_cache(maxsize=1 << 16)
def fold_char(char: str) -> str:
    """What one character counts as: NFKC, lower case, simplified, and nothing for
    punctuation, space and control characters (see the module docstring)."""
    return "".join(c for c in tokens.normalize(char)[0] if unicodedata.category(c)[0] in KEPT)


def kept(char: str) -> str:
    """A character of already normalised text as it counts: itself, or nothing for
    punctuation, space and control characters."""
    return char if unicodedata.category(char)[0] in KEPT else ""


def phrase_fold(text: str) -> tuple[str, list[int]]:
    """A quote normalised as a whole (OpenCC converts by phrase: 乾坤 stays 乾坤, 乾淨
    becomes 干净) with VARIANTS read, then without punctuation; and for each character
    the offset in `text` it comes from. Documents are folded by phrase too (without
    VARIANTS), so that a standard simplified character (乾, 於, 徵) is never taken for
    another (干, 于, 征)."""
    phrased, origin = tokens.normalize(text)
    phrased = phrased.translate(VARIANTS)
    pieces = [(char, origin[at]) for at, char in enumerate(phrased) if kept(char)]
    return "".join(char for char, _ in pieces), [at for _, at in pieces]


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the offset it comes from."""
    pieces: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        folded = fold_char(char)
        pieces.append(folded)
        origin.extend([offset] * len(folded))
    return "".join(pieces), origin


def quote_forms(quote: str) -> list[tuple[str, list[int]]]:
    """The quote folded by character, then folded after OpenCC's phrase conversion (and
    VARIANTS) when that differs; each with the offsets in the quote its characters come
    from."""
    forms = [phrase_fold(quote)]
    by_char = fold(quote)
    if by_char[0] != forms[0][0]:
        forms.append(by_char)
    return [form for form in forms if form[0]]


def quote_terms(
    quote: str,
    tokenizer: tokens.Tokenizer,
    frequencies: typos.PassageCounts,
) -> list[str]:
    """The quote's index terms (its words and character pairs, as passages are indexed)
    that passages hold, the QUOTE_TERMS rarest: a long quote's BM25 candidates cost its
    rarest terms' posting lists, not all of them. (Not the question path: a quote is
    looked for as written, without mending typos or expanding abbreviations.)"""
    terms = list(dict.fromkeys(tokenizer.tokenize(quote)))
    counts = frequencies(terms)
    known = sorted((int(n), at) for at, n in enumerate(counts) if n)
    return [terms[at] for _, at in known[:QUOTE_TERMS]]


@dataclass
class QuoteIndex:
    """The folded text of every document with its suffix array (see the module docstring)."""

    text: np.ndarray  # >u2 (or >u4): each folded character's number, SEPARATOR after a document
    suffixes: np.ndarray  # int32 (int64 past 2 GB): the suffix array of `text`
    origin: np.ndarray  # int32: each folded character's offset in its document (-1: separator)
    doc_starts: np.ndarray  # int64: where each document's folded text starts (plus the end)
    alphabet: np.ndarray  # uint32: the folded characters, by code point (number = index + 1)

    @classmethod
    def build(cls, documents: Sequence[Document]) -> QuoteIndex:
        """Fold every document from its title line on and sort the suffixes. Each
        document is folded straight into the whole text's arrays and let go, so the
        build holds the documents' normal forms and the arrays, not their copies too."""
        normalised: list[tuple[str, Sequence[int]] | None] = [
            tokens.normalize(doc.text[doc.start :]) for doc in documents
        ]
        bodies = [entry[0] for entry in normalised if entry is not None]
        table = CharTable.of_texts(
            bodies, kept
        )  # by phrase first (see phrase_fold), then by character
        alphabet = np.unique(table.flat).astype(np.uint32)
        dtype = np.dtype(">u2") if len(alphabet) + 2 <= np.iinfo(np.uint16).max else ">u4"
        lengths = np.array([table.folded_length(body) + 1 for body in bodies], dtype=np.int64)
        del bodies
        doc_starts = np.zeros(len(documents) + 1, dtype=np.int64)
        np.cumsum(lengths, out=doc_starts[1:])
        text = np.full(int(doc_starts[-1]), SEPARATOR, dtype=dtype)
        origin = np.full(len(text), -1, dtype=np.int32)
        for number, doc in enumerate(documents):
            entry = normalised[number]
            assert entry is not None
            normalised[number] = None  # let this document's normal form go
            codes, within = table.fold(entry[0])
            at = int(doc_starts[number])
            text[at : at + len(codes)] = np.searchsorted(alphabet, codes) + 1
            offsets = np.asarray(entry[1], dtype=np.int32)[within] + np.int32(doc.start)
            origin[at : at + len(codes)] = offsets
        return cls(text, suffix_array(text), origin, doc_starts, alphabet)

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store on disk."""
        return {
            "quote_text": self.text,
            "quote_suffixes": self.suffixes,
            "quote_origin": self.origin,
            "quote_doc_starts": self.doc_starts,
            "quote_alphabet": self.alphabet,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, Any]) -> QuoteIndex:
        """The index from its stored (memory-mapped) arrays."""
        return cls(*(arrays[name] for name in ARRAYS))

    @cached_property
    def _raw(self) -> memoryview:
        return np.ascontiguousarray(self.text).view(np.uint8).data

    @cached_property
    def _suffixes(self) -> np.ndarray:
        return np.asarray(self.suffixes)  # a plain view: indexing a np.memmap costs more

    @cached_property
    def _text(self) -> np.ndarray:
        return np.asarray(self.text)

    @cached_property
    def _doc_starts(self) -> np.ndarray:
        return np.asarray(self.doc_starts)

    @cached_property
    def _origin(self) -> np.ndarray:
        return np.asarray(self.origin)

    def numbers(self, codes: np.ndarray) -> np.ndarray | None:
        """The folded characters' numbers, or None when one is in no document."""
        if len(self.alphabet) == 0:
            return None
        at = np.minimum(np.searchsorted(self.alphabet, codes), len(self.alphabet) - 1)
        if not np.array_equal(self.alphabet[at], codes):
            return None
        return (at + 1).astype(self.text.dtype)

    def _bound(self, key: bytes, upper: bool) -> int:
        """The first suffix whose beginning sorts after `key` (upper) or not before it."""
        raw, suffixes, width = self._raw, self._suffixes, self.text.dtype.itemsize
        low, high = 0, len(suffixes)
        while low < high:
            middle = (low + high) // 2
            at = int(suffixes[middle]) * width
            head = raw[at : at + len(key)].tobytes()
            if head < key or (upper and head == key):
                low = middle + 1
            else:
                high = middle
        return low

    def span(self, numbers: np.ndarray) -> tuple[int, int]:
        """The range of suffixes that start with the folded text `numbers`."""
        key = numbers.tobytes()
        return self._bound(key, upper=False), self._bound(key, upper=True)

    def found(self, numbers: np.ndarray) -> bool:
        """Whether the folded text `numbers` stands somewhere."""
        low, high = self.span(numbers)
        return high > low

    def occurrences(self, numbers: np.ndarray) -> np.ndarray:
        """Where the folded text `numbers` starts, every time, ascending."""
        return np.sort(self.starting(*self.span(numbers)))

    def starting(self, low: int, high: int) -> np.ndarray:
        """Where the suffixes low..high of the suffix array start (int64)."""
        return self._suffixes[low:high].astype(np.int64)

    def longest_prefix(self, numbers: np.ndarray) -> int:
        """How many of the first folded characters stand together somewhere: the suffix
        sharing the longest beginning with them sorts next to where they would."""
        at = self._bound(numbers.tobytes(), upper=False)
        longest = 0
        for neighbour in (at - 1, at):
            if 0 <= neighbour < len(self._suffixes):
                start = int(self._suffixes[neighbour])
                head = self._text[start : start + len(numbers)]
                differ = np.flatnonzero(head != numbers[: len(head)])
                longest = max(longest, int(differ[0]) if len(differ) else len(head))
        return longest

    def shortest_suffix(self, numbers: np.ndarray) -> int:
        """Where the longest found ending of the folded text begins (len: none found)."""
        low, high = 0, len(numbers)
        while low < high:  # an ending found means every shorter one is found too
            middle = (low + high) // 2
            if self.found(numbers[middle:]):
                high = middle
            else:
                low = middle + 1
        return low

    def doc_of(self, position: int) -> int:
        """The document the folded position is in."""
        return int(np.searchsorted(self._doc_starts, position, side="right")) - 1

    def folded_at(self, doc: int, offset: int) -> int:
        """The first folded position of a document at or after its original `offset`."""
        low, high = self.doc_bounds(doc)
        return low + int(np.searchsorted(self._origin[low:high], offset, side="left"))

    def doc_bounds(self, doc: int) -> tuple[int, int]:
        """The folded positions of one document (its separator excluded)."""
        return int(self._doc_starts[doc]), int(self._doc_starts[doc + 1]) - 1

    def codes(self, low: int, high: int) -> np.ndarray:
        """The folded characters (code points) of positions low..high of one document."""
        return self.alphabet[self._text[low:high].astype(np.int64) - 1]


def suffix_array(text: np.ndarray) -> np.ndarray:
    """The suffix array of a text of character numbers (libdivsufsort sorts them as
    fixed-width big-endian bytes and keeps the suffixes that start on a character)."""
    if len(text) == 0:
        return np.zeros(0, dtype=np.int32)
    return pydivsufsort.divsufsort(np.ascontiguousarray(text, dtype=text.dtype.newbyteorder("=")))


def closest_stretch(quote: np.ndarray, text: np.ndarray) -> tuple[int, int, int]:
    """The stretch text[start:end] nearest the whole quote: (start, end, edit distance),
    the text's ends free (edit distance of the quote to its best substring).

    Row by row over the quote: D[i][j] = min(D[i-1][j-1] + differs, D[i-1][j] + 1,
    D[i][j-1] + 1), the last term as a running minimum (np.minimum.accumulate), so each
    row is a few array operations; the start is found by walking back from the end. Ties
    go to a changed character over a dropped one (千里驴 is 千里马 with 驴 for 马)."""
    m, n = len(quote), len(text)
    differs = (quote[:, None] != text[None, :]).astype(np.int32)
    rows = np.zeros((m + 1, n + 1), dtype=np.int32)
    columns = np.arange(n + 1, dtype=np.int32)
    best = np.empty(n + 1, dtype=np.int32)
    for i in range(1, m + 1):
        previous, row = rows[i - 1], rows[i]
        best[0] = i
        np.add(previous[:-1], differs[i - 1], out=best[1:])
        np.minimum(best[1:], previous[1:] + 1, out=best[1:])
        best -= columns
        np.minimum.accumulate(best, out=row)
        row += columns
    end, last = int(np.argmin(rows[m])), rows[m]
    while end < n and last[end + 1] == last[end]:
        end += 1  # of equally near ends, the one that keeps the quote's last character
    i, j = m, end
    while i > 0:
        if j > 0 and rows[i, j] == rows[i - 1, j - 1] + differs[i - 1, j - 1]:
            i, j = i - 1, j - 1
        elif rows[i, j] == rows[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return j, end, int(rows[m, end])


@dataclass
class _Stretch:
    """A candidate stretch of one document's folded text, and how early it was proposed."""

    doc: int
    low: int
    high: int
    rank: int


class _Checker:
    """One check's look-ups: places from folded positions, each document's passages and
    text found once. Arrays are read through plain views of the memory maps (indexing a
    np.memmap costs several times more)."""

    def __init__(
        self, index: QuoteIndex, store: ChunkStore, visible: Collection[int] | None
    ) -> None:
        self.index, self.store, self.visible = index, store, visible
        self.starts, self.ends = np.asarray(store.starts), np.asarray(store.ends)
        self.doc_of = np.asarray(store.doc_of)
        self.origin = np.asarray(index.origin)
        self.texts: dict[int, str] = {}
        self.ranges: dict[int, tuple[int, int]] = {}

    def document(self, doc: int) -> str:
        """A document's decoded text."""
        if doc not in self.texts:
            self.texts[doc] = self.store.document_text(doc)
        return self.texts[doc]

    def doc_range(self, doc: int) -> tuple[int, int]:
        """The positions [first, last) of a document's passages."""
        if doc not in self.ranges:  # ChunkStore.doc_range, on the plain view
            first = int(np.searchsorted(self.doc_of, doc, side="left"))
            self.ranges[doc] = first, int(np.searchsorted(self.doc_of, doc, side="right"))
        return self.ranges[doc]

    def sees(self, doc: int) -> bool:
        """Whether the check looks at this document."""
        return self.visible is None or doc in self.visible

    def passage_at(self, doc: int, offset: int) -> int | None:
        """The passage holding `offset`; in a heading line (or the title), the next one."""
        first, last = self.doc_range(doc)
        if first == last:
            return None
        at = first + int(np.searchsorted(self.starts[first:last], offset, side="right")) - 1
        if at >= first and offset < int(self.ends[at]):
            return at
        return min(at + 1, last - 1)

    def place(self, position: int, length: int) -> Place:
        """The place of the folded positions position..position+length."""
        doc = self.index.doc_of(position)
        start = int(self.origin[position])
        end = int(self.origin[position + length - 1]) + 1
        meta = self.store.docs[doc]
        first, last = self.passage_at(doc, start), self.passage_at(doc, end - 1)
        headings: tuple[str, ...] = ()
        pages: tuple[int, ...] = ()
        article = ""
        if first is not None and last is not None:
            store = self.store
            headings = store.heading_paths[int(store.headings_of[first])]
            article = store.labels[int(store.label_of[first])]
            low, high = int(store.first_pages[first]), int(store.last_pages[last])
            pages = tuple(range(low, max(low, high) + 1)) if low else ()
        text = self.document(doc)[start:end]
        return Place(meta["path"], meta["title"], headings, article, start, end, text, pages)

    def positions(self, numbers: np.ndarray) -> list[int]:
        """Every folded position where `numbers` starts, in the documents looked at."""
        found = self.index.occurrences(numbers)
        if self.visible is None:
            return found.tolist()
        docs = np.searchsorted(np.asarray(self.index.doc_starts), found, side="right") - 1
        return [int(p) for p, doc in zip(found, docs, strict=True) if doc in self.visible]


@dataclass(frozen=True)
class _Form:
    """One folded form of the quote: its code points, their offsets in the quote, their
    numbers (None: a character no document has), how long a beginning of it is found
    and where the longest found ending starts."""

    codes: np.ndarray
    origin: np.ndarray
    numbers: np.ndarray | None
    prefix: int
    suffix: int

    @classmethod
    def of(cls, index: QuoteIndex, text: str, origin: list[int]) -> _Form:
        """The form of a folded text, its found beginning and ending measured."""
        codes = code_points(text)
        numbers = index.numbers(codes)
        if numbers is None:
            return cls(codes, np.array(origin), None, 0, len(codes))
        prefix, suffix = index.longest_prefix(numbers), index.shortest_suffix(numbers)
        return cls(codes, np.array(origin), numbers, prefix, suffix)


def check_quote(
    quote: str,
    index: QuoteIndex,
    store: ChunkStore,
    candidates: Callable[[], Sequence[int]],
    visible: Collection[int] | None = None,
) -> QuoteCheck:
    """Check one quotation (see the module docstring): `candidates` gives the BM25
    passages for it, asked only when it is not found word for word; `visible` limits
    the check to those documents."""
    checker = _Checker(index, store, visible)
    texts = quote_forms(quote)
    found: dict[int, int] = {}
    for text, _ in texts:
        numbers = index.numbers(code_points(text))
        if numbers is not None:
            found.update((p, len(numbers)) for p in checker.positions(numbers))
    if found:
        ordered = sorted(found)
        places = tuple(checker.place(p, found[p]) for p in ordered[:MAX_PLACES])
        return QuoteCheck(quote, True, places, len(ordered))
    if not texts:
        return QuoteCheck(quote)
    forms = [_Form.of(index, text, origin) for text, origin in texts]
    ranked = list(candidates())
    nearest = [
        _closest(checker, quote, form, ranked) for form in forms if len(form.codes) <= MAX_ALIGNED
    ]
    closest, window = max(
        (near for near in nearest if near), key=lambda n: n[0].similarity, default=(None, None)
    )
    parts: tuple[Part, ...] = ()
    for form in forms:
        parts = parts or _parts(checker, quote, form, window)
    return QuoteCheck(quote, closest=closest, parts=parts)


def _anchor_stretches(checker: _Checker, form: _Form) -> list[_Stretch]:
    """Stretches around the places where the quote's found pieces stand: walking the
    quote, the longest found beginning from each point, the walk going on past the
    character after it (an edit). A piece long and rare enough points somewhere."""
    index, numbers = checker.index, form.numbers
    if numbers is None:
        return []
    m, pad = len(numbers), len(numbers) // 4 + MIN_ANCHOR
    stretches, at = [], 0
    for _ in range(MAX_PIECES):
        if at >= m:
            break
        length = form.prefix if at == 0 else index.longest_prefix(numbers[at:])
        low, high = index.span(numbers[at : at + length])
        if length >= MIN_ANCHOR and high - low <= ANCHOR_PLACES:
            for position in index.starting(low, high).tolist():
                doc = index.doc_of(position)
                if checker.sees(doc):
                    begin, finish = index.doc_bounds(doc)
                    start = position - at
                    low_end, high_end = max(begin, start - pad), min(finish, start + m + pad)
                    stretches.append(_Stretch(doc, low_end, high_end, -1))
        at += length + 1
    return stretches


def _passage_stretches(checker: _Checker, positions: Sequence[int], m: int) -> list[_Stretch]:
    """For each candidate passage: from its previous passage's start to its next one's
    end (the document's ends for its first and last), and at least the quote's length
    beyond it each way."""
    index, starts, ends = checker.index, checker.starts, checker.ends
    stretches = []
    for rank, position in enumerate(positions):
        doc = int(checker.doc_of[position])
        first, last = checker.doc_range(doc)
        begin, finish = index.doc_bounds(doc)
        low, high = begin, finish
        if position > first:
            low = index.folded_at(doc, int(starts[position - 1]))
        if position + 1 < last:
            high = index.folded_at(doc, int(ends[position + 1]))
        low = min(low, index.folded_at(doc, int(starts[position])) - m)
        high = max(high, index.folded_at(doc, int(ends[position])) + m)
        stretches.append(_Stretch(doc, max(begin, low), min(finish, high), rank))
    return stretches


def _closest(
    checker: _Checker, quote: str, form: _Form, ranked: Sequence[int]
) -> tuple[Closest, tuple[int, int]] | None:
    """The nearest wording among the candidate stretches, if more than SIMILAR alike,
    with its folded positions (low, high). Every stretch is screened; the best ones at
    SCREENED different spots (where the screening aligned the quote) are aligned
    exactly, whole."""
    codes, m = form.codes, len(form.codes)
    visible = [p for p in ranked if checker.sees(int(checker.doc_of[p]))]
    stretches = _anchor_stretches(checker, form) + _passage_stretches(checker, visible, m)
    needle, screened, seen = text_of(codes), [], set()
    for stretch in stretches:
        if (stretch.low, stretch.high) not in seen:
            seen.add((stretch.low, stretch.high))
            haystack = checker.index.codes(stretch.low, stretch.high)
            aligned = fuzz.partial_ratio_alignment(needle, text_of(haystack))
            if aligned is None:  # (only with a score cutoff, which this call has none of)
                continue
            spot = stretch.low + aligned.dest_start
            screened.append((-aligned.score, stretch.rank, spot, stretch, haystack))
    screened.sort(key=lambda entry: entry[:2])
    best: tuple[int, int, _Stretch, np.ndarray, int, int] | None = None
    spots: list[int] = []
    for _, rank, spot, stretch, haystack in screened:
        if len(spots) == SCREENED:
            break
        if any(abs(spot - other) < m for other in spots):
            continue
        spots.append(spot)
        start, end, cost = closest_stretch(codes, haystack)
        if end > start and (best is None or (cost, rank) < best[:2]):
            best = (cost, rank, stretch, haystack, start, end)
    if best is None:
        return None
    cost, _, stretch, haystack, start, end = best
    similarity = max(0.0, 1 - cost / m)
    if similarity <= SIMILAR:
        return None
    position = stretch.low + start
    place = checker.place(position, end - start)
    origins = checker.origin[position : stretch.low + end] - place.start
    edits = edit_list(quote, place.text, codes, form.origin, haystack[start:end], origins)
    return Closest(place, similarity, edits), (position, stretch.low + end)


def edit_list(
    quote: str,
    text: str,
    quote_codes: np.ndarray,
    quote_origin: np.ndarray,
    text_codes: np.ndarray,
    text_origin: np.ndarray,
) -> tuple[Edit, ...]:
    """The differences between the folded quote and the folded text, as Edits on the
    original quote and text (offsets through each one's fold origins)."""

    def span(origin: np.ndarray, low: int, high: int, length: int) -> tuple[int, int]:
        if high > low:
            return int(origin[low]), int(origin[high - 1]) + 1
        at = int(origin[low - 1]) + 1 if low > 0 else 0
        return min(at, length), min(at, length)

    edits = []
    ops = Levenshtein.opcodes(text_of(quote_codes), text_of(text_codes))
    for op in ops:
        if op.tag == "equal":
            continue
        q_low, q_high = span(quote_origin, op.src_start, op.src_end, len(quote))
        t_low, t_high = span(text_origin, op.dest_start, op.dest_end, len(text))
        edits.append(Edit(op.tag, quote[q_low:q_high], text[t_low:t_high], q_low, t_low))
    return tuple(edits)


def _parts(
    checker: _Checker, quote: str, form: _Form, window: tuple[int, int] | None
) -> tuple[Part, ...]:
    """The pieces of a spliced quote, each found (none when it is not spliced, or when
    every piece stands in the closest wording `window`: then it is that wording altered)."""
    numbers = form.numbers
    if numbers is None:
        return ()
    cuts = clause_parts(checker.index, numbers, form.origin) or split_parts(
        len(numbers), form.prefix, form.suffix
    )
    found = [checker.positions(numbers[low:high]) for low, high in cuts]
    if not cuts or not all(found):
        return ()
    if window is not None and all(
        any(p < window[1] and window[0] < p + high - low for p in positions)
        for (low, high), positions in zip(cuts, found, strict=True)
    ):
        return ()
    parts = []
    for (low, high), positions in zip(cuts, found, strict=True):
        start, end = int(form.origin[low]), int(form.origin[high - 1]) + 1
        places = tuple(checker.place(p, high - low) for p in positions[:MAX_PLACES])
        parts.append(Part(quote[start:end], start, end, places, len(positions)))
    return tuple(parts)


def clause_parts(
    index: QuoteIndex, numbers: np.ndarray, origin: np.ndarray
) -> list[tuple[int, int]]:
    """The quote cut at its punctuation (where its folded characters skip some of the
    original), consecutive clauses kept together while together they are found; [] when
    a piece is not found, is shorter than MIN_PART, or the quote is one piece."""
    ends = [at for at in range(1, len(numbers)) if origin[at] > origin[at - 1] + 1]
    ends.append(len(numbers))
    cuts: list[tuple[int, int]] = []
    low = 0
    while low < len(numbers):
        reach = low + index.longest_prefix(numbers[low:])
        high = max((end for end in ends if low < end <= reach), default=low)
        if high - low < MIN_PART or len(cuts) == MAX_PARTS:
            return []  # a piece not found, or a text pieced from too many to be one quote
        cuts.append((low, high))
        low = high
    return cuts if len(cuts) > 1 else []


def split_parts(m: int, prefix: int, suffix: int) -> list[tuple[int, int]]:
    """Two parts of a folded quote of `m` characters, cut where both are found (its
    beginning up to `prefix` characters is, and its ending from `suffix`), as even as
    can be; [] when there is no such cut."""
    low, high = max(suffix, MIN_PART), min(prefix, m - MIN_PART)
    if low > high:
        return []
    cut = min(max(m // 2, low), high)
    return [(0, cut), (cut, m)]
