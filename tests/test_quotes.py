"""Quote check (原文核对) through the real index: verbatim quotes are found with every place
they stand, altered ones get the closest wording, made-up ones nothing, spliced ones
their parts; the truth comes from a brute-force scan of the folded documents."""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import opencc
import pytest
from rapidfuzz.distance import Levenshtein

from bot.cli import main
from bot.config import Settings
from bot.documents.corpus import load_corpus
from bot.models import Closest, Document, Edit, Place, QuoteCheck
from bot.render import diff_pieces, marked_diff, quote_dict, terminal_quote
from bot.search import quotes
from bot.search.build import build_searcher, open_searcher
from bot.search.folding import code_points
from bot.search.searcher import Searcher
from tests.auxil.process import is_memory_mapped
from tests.auxil.quote_variants import altered, made_up
from tests.conftest import LIBRARY, ROOT, SPEECH

UNSEEN = ROOT / "benchmarks" / "unseen" / "docs"
BLIND = ROOT / "benchmarks" / "blind" / "docs"
FOLDERS = {"library": LIBRARY, "unseen": UNSEEN, "blind": BLIND}
VERBATIM = 150  # quotes per corpus and per way of quoting
ALTERED = 600  # altered quotes per corpus
WIDER = str.maketrans(
    ",.:;!?()" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "，。：；！？（）" + "".join(chr(0xFF10 + n) for n in range(10))
    + "".join(chr(0xFF41 + n) for n in range(26)) + "".join(chr(0xFF21 + n) for n in range(26)),
)  # fmt: skip
NARROWER = {value: key for key, value in WIDER.items()}
PLACE_KEYS = {"doc", "title", "headings", "article", "start", "end", "text", "pages"}
QUOTE_KEYS = {"quote", "exact", "places", "count", "closest", "parts"}
Where = tuple[str, int, int]  # (doc, start, end) of a place


@dataclass
class Library:
    """A corpus as the tests see it: its documents, their folded texts, its searcher."""

    documents: list[Document]
    folded: list[tuple[str, list[int]]]  # each document's fold from its title line on
    searcher: Searcher

    def truth(self, quote: str) -> set[Where]:
        """Every place the quote stands, by scanning every folded document."""
        found = set()
        for needle, _ in quotes.quote_forms(quote):
            for doc, (text, origin) in zip(self.documents, self.folded, strict=True):
                at = text.find(needle)
                while at >= 0:
                    found.add((doc.path, origin[at], origin[at + len(needle) - 1] + 1))
                    at = text.find(needle, at + 1)
        return found

    def text_of(self, path: str) -> str:
        """A document's text by its path."""
        return next(doc.text for doc in self.documents if doc.path == path)

    def check(self, quote: str) -> QuoteCheck:
        """The searcher's check, every place's text checked against the document's."""
        check = self.searcher.quote(quote)
        every = [*check.places, *(p for part in check.parts for p in part.places)]
        if check.closest:
            every.append(check.closest.place)
        for place in every:
            assert self.text_of(place.doc)[place.start : place.end] == place.text
        return check


def library_of(folder: Path, searcher: Searcher | None = None) -> Library:
    """The documents of a folder, folded, with a real searcher over them."""
    corpus = load_corpus(folder)
    folded = []
    for doc in corpus.documents:
        text, origin = quotes.fold(doc.text[doc.start :])
        folded.append((text, [offset + doc.start for offset in origin]))
    searcher = searcher or build_searcher(corpus, Settings())
    return Library(list(corpus.documents), folded, searcher)


@pytest.fixture(scope="module")
def libraries(library_searcher: Searcher) -> dict[str, Library]:
    """The shipped library and the two folders of documents tuning never saw."""
    return {
        "library": library_of(LIBRARY, library_searcher),
        "unseen": library_of(UNSEEN),
        "blind": library_of(BLIND),
    }


def where(place: Place) -> Where:
    return place.doc, place.start, place.end


def overlaps(place: Place, truth: set[Where]) -> bool:
    return any(
        doc == place.doc and start < place.end and place.start < end for doc, start, end in truth
    )


def random_quote(rng: random.Random, library: Library, across_lines: bool = False) -> str:
    """A verbatim stretch of 8–120 characters of a document (from its title on) with at
    least six that count, optionally crossing a line break."""
    while True:
        doc = rng.choice(library.documents)
        length = rng.randint(8, 120)
        if across_lines:
            breaks = [m.start() for m in re.finditer("\n", doc.text) if m.start() > doc.start]
            if not breaks:
                continue
            middle = rng.choice(breaks)
            start = max(doc.start, middle - rng.randint(1, length - 1))
        else:
            start = rng.randrange(doc.start, max(doc.start + 1, len(doc.text) - length))
        quote = doc.text[start : start + length]
        if len(quotes.fold(quote)[0]) >= 6 and (not across_lines or "\n" in quote.strip()):
            return quote


def switch_width(rng: random.Random, quote: str) -> str:
    """Punctuation, digits and letters switched between full and half width, at random."""
    switched = []
    for char in quote:
        if rng.random() < 0.8 and ord(char) in WIDER:
            char = chr(WIDER[ord(char)])
        elif rng.random() < 0.8 and char in NARROWER:
            char = chr(NARROWER[char])
        switched.append(char)
    return "".join(switched)


TRADITIONAL = opencc.OpenCC("s2t")
WAYS: dict[str, Callable[[random.Random, str], str]] = {
    "verbatim": lambda rng, quote: quote,
    "traditional": lambda rng, quote: TRADITIONAL.convert(quote),
    "width": switch_width,
}


@pytest.mark.parametrize("way", [*WAYS, "across lines"])
@pytest.mark.parametrize("name", FOLDERS)
def test_every_verbatim_quote_is_found_with_every_place(
    libraries: dict[str, Library], name: str, way: str
) -> None:
    library = libraries[name]
    rng = random.Random(f"{name}-{way}")
    misses = []
    for _ in range(VERBATIM):
        source = random_quote(rng, library, across_lines=way == "across lines")
        quote = WAYS.get(way, WAYS["verbatim"])(rng, source)
        truth = library.truth(source)
        assert truth, source
        check = library.check(quote)
        places = {where(place) for place in check.places}
        if not (check.exact and places == truth and check.count == len(truth)):
            misses.append((quote, sorted(truth), sorted(places)))
    assert not misses, f"{len(misses)} of {VERBATIM} missed: {misses[:3]}"


def altered_quotes(library: Library, seed: str, count: int) -> Iterator[tuple[str, str]]:
    """(source, altered) pairs whose altered quote stands nowhere in the corpus."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        source = random_quote(rng, library)
        quote = altered(rng, source, library.searcher.store.characters)
        if not library.truth(quote) and quotes.fold(quote)[0]:
            made += 1
            yield source, quote


@pytest.mark.parametrize("name", FOLDERS)
def test_altered_quotes_get_the_closest_wording_where_they_came_from(
    libraries: dict[str, Library], name: str
) -> None:
    library = libraries[name]
    right, false_exact, missed = 0, [], []
    for source, quote in altered_quotes(library, name, ALTERED):
        check = library.check(quote)
        if check.exact or check.places:
            false_exact.append(quote)
        closest = check.closest
        if closest and overlaps(closest.place, library.truth(source)):
            right += 1
            assert quotes.SIMILAR < closest.similarity < 1
            assert closest.edits
            continue
        folded, original = quotes.fold(quote)[0], quotes.fold(source)[0]
        alike = 1 - Levenshtein.distance(folded, original) / len(folded)
        if alike > quotes.SIMILAR:  # a miss the SIMILAR rule does not explain
            missed.append((quote, source, closest))
    assert not false_exact
    assert not missed
    # Measured: library 0.975, unseen 0.962, blind 0.955; every other quote is short and
    # has edits in more than a fifth of it, so its closest is None by the SIMILAR rule.
    assert right / ALTERED >= 0.95


def test_the_difference_is_given_as_edits_on_the_quote_and_the_text(
    libraries: dict[str, Library],
) -> None:
    library = libraries["library"]
    changed = library.check("花盆里栽不出万年松，马棚里跑不出千里驴。")
    assert not changed.exact and changed.closest is not None
    assert changed.closest.place.text == "花盆里栽不出万年松，马棚里跑不出千里马"
    assert changed.closest.edits == (Edit("replace", "驴", "马", 18, 18),)
    assert round(changed.closest.similarity, 3) == round(1 - 1 / 18, 3)
    dropped = library.check("花盆里栽不出万年松，马里跑不出千里马")
    assert dropped.closest is not None
    assert dropped.closest.edits == (Edit("insert", "", "棚", 11, 11),)
    added = library.check("花盆里栽不出万年青松，马棚里跑不出千里马")
    assert added.closest is not None
    assert added.closest.edits == (Edit("delete", "青", "", 8, 8),)
    assert marked_diff(added.closest) == "花盆里栽不出万年〔-青〕松，马棚里跑不出千里马"
    assert marked_diff(dropped.closest) == "花盆里栽不出万年松，马〔+棚〕里跑不出千里马"
    assert marked_diff(changed.closest) == "花盆里栽不出万年松，马棚里跑不出千里〔驴→马〕"


def test_pieces_rebuild_the_text_of_the_closest_place() -> None:
    place = Place("d", "t", (), "", 10, 17, "甲乙，丙丁戊己", ())
    closest = Closest(
        place,
        0.8,
        (
            Edit("replace", "子", "乙", 1, 1),
            Edit("delete", "午", "", 3, 4),
            Edit("insert", "", "己", 6, 6),
        ),
    )
    pieces = diff_pieces(closest)
    assert "".join(text for op, _, text in pieces) == place.text
    assert [op for op, _, _ in pieces] == [
        "equal",
        "replace",
        "equal",
        "delete",
        "equal",
        "insert",
    ]


@pytest.mark.parametrize("name", FOLDERS)
def test_quotes_of_words_the_corpus_lacks_find_nothing(
    libraries: dict[str, Library], name: str
) -> None:
    library = libraries[name]
    for quote in made_up(library.searcher, 40, random.Random(name)):
        check = library.check(quote)
        assert not check.exact and not check.places and check.count == 0, quote
        assert check.closest is None, (quote, check.closest)
        assert not check.parts, quote


def sentences(library: Library) -> list[tuple[str, Where]]:
    """Sentences (10–40 characters, ending in 。) that stand in one place only."""
    found = []
    for doc in library.documents:
        for match in re.finditer(r"[^。！？\n]{10,40}。", doc.text[doc.start :]):
            truth = library.truth(match.group())
            if len(truth) == 1:
                found.append((match.group(), truth.pop()))
    return found


@pytest.mark.parametrize("joined", ["with its full stop", "run together"])
def test_a_quote_spliced_from_two_places_gives_both(
    libraries: dict[str, Library], joined: str
) -> None:
    library = libraries["library"]
    rng = random.Random(joined)
    pool = sentences(library)
    for _ in range(30):
        (first, one), (second, two) = rng.sample(pool, 2)
        if one[0] == two[0] and abs(one[1] - two[1]) < 2000:
            continue  # two sentences of one stretch could be one altered quote
        quote = (first if joined == "with its full stop" else first[:-1]) + second
        assert not library.truth(quote)
        check = library.check(quote)
        assert not check.exact and check.spliced, quote
        assert len(check.parts) == 2
        assert any(overlaps(p, {one}) for p in check.parts[0].places), quote
        assert any(overlaps(p, {two}) for p in check.parts[1].places), quote
        if joined == "with its full stop":
            folded = [quotes.fold(part.text)[0] for part in check.parts]
            assert folded == [quotes.fold(first)[0], quotes.fold(second)[0]]
            assert one in {where(p) for p in check.parts[0].places}
        for part in check.parts:
            assert quote[part.start : part.end] == part.text


def test_an_altered_quote_is_not_called_spliced(libraries: dict[str, Library]) -> None:
    check = libraries["library"].check("花盆里栽不出万年松，马里跑不出千里马")
    assert check.closest is not None and not check.spliced  # 马 + 里跑… stand side by side


def test_the_title_counts_and_the_front_matter_does_not(libraries: dict[str, Library]) -> None:
    library = libraries["library"]
    speech = next(doc for doc in library.documents if doc.path == SPEECH)
    assert speech.start > 0  # the reseller's header comes first
    title = library.check("在全市组织系统干部培训专班上的讲话")
    assert title.exact and [p.start for p in title.places] == [speech.start]
    header = speech.text[: speech.start]
    line = max((line.strip() for line in header.splitlines()), key=len)
    assert len(quotes.fold(line)[0]) >= 4
    assert not library.check(line).exact, line


def test_places_carry_headings_article_and_the_heading_line_takes_the_next_passage(
    libraries: dict[str, Library],
) -> None:
    library = libraries["library"]
    check = library.check("花盆里栽不出万年松，马棚里跑不出千里马")
    (place,) = check.places
    assert place.title == "在全市组织系统干部培训专班上的讲话"
    assert place.headings[-1] == "（五）着眼于事业长远发展，高度重视年轻干部工作。"
    law = library.check("敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害")
    assert law.exact and law.places[0].article == "第二十八条"
    heading = library.check("着眼于事业长远发展，高度重视年轻干部工作")
    (place,) = heading.places
    assert place.headings[-1].startswith("（五）着眼于事业长远发展")


def test_a_scoped_searcher_checks_only_its_documents(
    write_corpus: Callable[[dict[str, str]], Path],
) -> None:
    text = "学习讲话\n一、总体要求\n要深刻认识灯下黑问题的严重性和危害性。\n"
    root = write_corpus({"a/one.txt": text, "b/two.txt": text.replace("学习讲话", "第二讲话")})
    searcher = build_searcher(load_corpus(root), Settings(corpus_dir=root))
    both = searcher.quote("要深刻认识灯下黑问题的严重性")
    assert [p.doc for p in both.places] == ["a/one.txt", "b/two.txt"]
    only = searcher.scoped(["b"]).quote("要深刻认识灯下黑问题的严重性")
    assert [p.doc for p in only.places] == ["b/two.txt"]
    assert not searcher.scoped(["b"]).quote("学习讲话").exact


def test_the_quote_index_is_saved_and_memory_mapped_with_the_index(
    write_corpus: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    root = write_corpus({"a.txt": (LIBRARY / "13_监察法.txt").read_text(encoding="utf-8")})
    settings = Settings(corpus_dir=root, index_dir=tmp_path / "index")
    built = open_searcher(settings)
    loaded = open_searcher(settings)
    assert not built.loaded and loaded.loaded
    assert loaded.searcher.quotes is not None
    assert is_memory_mapped(loaded.searcher.quotes.suffixes)
    for quote in ("监察机关应当依法公开监察工作信息", "监察机关应当依法公开检察工作信息", "量子"):
        assert loaded.searcher.quote(quote) == built.searcher.quote(quote)


def test_the_suffix_array_agrees_with_sorting_the_suffixes() -> None:
    rng = np.random.default_rng(1)
    text = rng.integers(0, 4, size=300).astype(">u2")
    expected = sorted(range(len(text)), key=lambda at: text[at:].tolist())
    assert quotes.suffix_array(text).tolist() == expected


@pytest.mark.parametrize(
    ("quote", "text"),
    [("abcd", "xxabxdyy"), ("abcde", "abcd"), ("ab", "xyz"), ("kitten", "sitting kitchen")],
)
def test_the_closest_stretch_is_the_nearest_substring(quote: str, text: str) -> None:
    q, t = code_points(quote), code_points(text)
    start, end, cost = quotes.closest_stretch(q, t)
    best = min(
        Levenshtein.distance(quote, text[s:e])
        for s in range(len(text) + 1)
        for e in range(s, len(text) + 1)
    )
    assert cost == best == Levenshtein.distance(quote, text[start:end])


def test_an_empty_or_punctuation_quote_is_not_found(libraries: dict[str, Library]) -> None:
    for quote in ("", "，。！", "   "):
        check = libraries["library"].check(quote)
        assert check == QuoteCheck(quote)


def test_terminal_text_says_found_closest_spliced_or_nothing(
    libraries: dict[str, Library],
) -> None:
    library = libraries["library"]
    found = terminal_quote(library.check("花盆里栽不出万年松"))
    assert "✓ 原文一致，共 1 处" in found and f"{SPEECH}:8691-8700" in found
    closest = terminal_quote(library.check("花盆里栽不出万年松，马棚里跑不出千里驴"))
    assert "最接近的原文（相似度 94%）" in closest and "〔驴→马〕" in closest
    spliced = terminal_quote(
        library.check("花盆里栽不出万年松，马棚里跑不出千里马。敏感个人信息是一旦泄露或者非法使用")
    )
    assert "这段话由 2 处原文拼接而成" in spliced
    nothing = terminal_quote(library.check("量子计算机的冷却系统需要液氦"))
    assert "资料库中没有这段话，也没有相近的表述" in nothing
    assert "\033[" not in found + closest + spliced + nothing


# --- python -m bot quote ------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env, no token, the index in a temporary folder."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "CORPUS_DIR", "TOP_K", "LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


QUOTES = [
    "花盆里栽不出万年松，马棚里跑不出千里马。",
    "花盆里栽不出万年松，马棚里跑不出千里驴。",
    "量子计算机的冷却系统需要液氦",
    "花盆里栽不出万年松，马棚里跑不出千里马。敏感个人信息是一旦泄露或者非法使用",
    "中国特色社会主义进入新时代",
]


def assert_contract(line: dict, quote: str) -> None:
    assert set(line) == QUOTE_KEYS and line["quote"] == quote
    places = [*line["places"], *(p for part in line["parts"] for p in part["places"])]
    if line["closest"]:
        assert set(line["closest"]) == PLACE_KEYS | {"similarity", "edits"}
        assert 0 <= line["closest"]["similarity"] <= 1
        for edit in line["closest"]["edits"]:
            assert set(edit) == {"op", "quote", "text", "at", "text_at"}
            assert edit["op"] in {"replace", "delete", "insert"}
        places.append({k: v for k, v in line["closest"].items() if k in PLACE_KEYS})
    for place in places:
        assert set(place) == PLACE_KEYS
        text = (LIBRARY / place["doc"]).read_text(encoding="utf-8")
        assert text[place["start"] : place["end"]] == place["text"]


@pytest.mark.usefixtures("clean_environment")
def test_quote_json_contract_in_input_order() -> None:
    code, output = run("quote", "--json", "--corpus", str(LIBRARY), *QUOTES)
    assert code == 0
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["quote"] for line in lines] == QUOTES
    for line, quote in zip(lines, QUOTES, strict=True):
        assert_contract(line, quote)
    exact, altered, made_up, spliced, many = lines
    assert exact["exact"] and exact["count"] == 1 and exact["closest"] is None
    assert not altered["exact"] and altered["places"] == []
    assert altered["closest"]["text"] == "花盆里栽不出万年松，马棚里跑不出千里马"
    assert altered["closest"]["edits"] == [
        {"op": "replace", "quote": "驴", "text": "马", "at": 18, "text_at": 18}
    ]
    assert made_up == {
        "quote": QUOTES[2], "exact": False, "places": [], "count": 0, "closest": None, "parts": []
    }  # fmt: skip
    assert [part["text"] for part in spliced["parts"]] == [
        "花盆里栽不出万年松，马棚里跑不出千里马",
        "敏感个人信息是一旦泄露或者非法使用",
    ]
    assert many["exact"] and many["count"] == len(many["places"]) == 5
    assert many == quote_dict(libraries_check(QUOTES[4]))


def libraries_check(quote: str) -> QuoteCheck:
    """The check from the index the command saved (INDEX_DIR)."""
    return open_searcher(Settings(corpus_dir=LIBRARY, index_dir=Path("index"))).searcher.quote(
        quote
    )


@pytest.mark.usefixtures("clean_environment")
def test_quote_reads_a_file_then_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = tmp_path / "quotes.txt"
    listed.write_text("\n".join([QUOTES[1], "", QUOTES[0]]) + "\n", encoding="utf-8")
    code, output = run("quote", "--json", "--corpus", str(LIBRARY), "--file", str(listed))
    assert code == 0
    assert [json.loads(line)["quote"] for line in output.splitlines()] == [QUOTES[1], QUOTES[0]]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{QUOTES[4]}\n\n{QUOTES[2]}\n"))
    code, output = run("quote", "--json", "--corpus", str(LIBRARY))
    assert code == 0
    assert [json.loads(line)["quote"] for line in output.splitlines()] == [QUOTES[4], QUOTES[2]]
    code, output = run("quote", "--corpus", str(LIBRARY), QUOTES[1])
    assert code == 0 and output.startswith(f"引文：{QUOTES[1]}\n")


@pytest.mark.usefixtures("clean_environment")
def test_quote_without_anything_to_check_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n\n"))
    code, _ = run("quote", "--corpus", str(LIBRARY))
    assert code == 1
    assert capsys.readouterr().err.startswith("Error: no quotation to check")


def test_a_simplified_character_is_never_read_as_another(library_searcher: Searcher) -> None:
    """乾, 於, 徵 are standard simplified characters too: 朗朗干坤 misquotes 朗朗乾坤,
    while 忠誠乾淨擔當 (traditional) is 忠诚干净担当."""
    assert library_searcher.quote("朗朗乾坤").exact
    assert not library_searcher.quote("朗朗干坤").exact
    assert (
        library_searcher.quote("忠誠乾淨擔當").count
        == library_searcher.quote("忠诚干净担当").count
    )
