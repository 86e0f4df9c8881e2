"""Which extractor finds a saved page's article: candidates measured on pages made from the
library's documents in the shape of government sites (tests/auxil/make_webpage.py: five
templates, each document whole and as a short notice, 110 pages).

Usage: python -m benchmarks.webpage [--markdown]

For each candidate, alone and followed by the reader's line filter
(bot.documents.webpage.article_lines), it prints: the share of the strings a page puts
around its article (menus, breadcrumb, toolbar, source/time and editor lines, share
buttons, related links, sidebars, footers, scripts) found in the text; the share of the
article's paragraphs found whole as a line (all pages, then the short ones); the share
of a table's rows found as a line; the extractor's own title right; and milliseconds per
page. Then the reader itself (read_webpage through load_document and chunk_document):
the same figures, its title rule, and site text found in passages.

Candidates that are not installed are left out: `pip install trafilatura gne selectolax`
measures them all (only readability-lxml is a dependency of the bot).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from bot.documents.corpus import load_document
from bot.documents.webpage import article_lines, decode_html, element_lines
from bot.passages import chunk_document
from tests.auxil.make_webpage import Page, all_pages

ROOT = Path(__file__).resolve().parent.parent

Lines = list[tuple[str, float]]  # (line, share of its words in links)
Extractor = Callable[[str], tuple[str, Lines]]  # html -> (its own title, lines)
SPACE = re.compile(r"[\s\u3000\xa0|]+")  # "|": trafilatura writes table cells so
SENTENCE_MARKS = set("，。；！？、")
CONTAINERS = {"div", "td", "article", "section", "main", "body", "center", "table", "tbody"}


def squeezed(text: str) -> str:
    return SPACE.sub("", text)


def fragment_lines(fragment: str) -> Lines:
    """The lines of an HTML fragment, by the reader's own line builder."""
    return element_lines(lxml.html.fragment_fromstring(fragment, create_parent="div"))


def trafilatura_with(**options: bool) -> Extractor:
    def extract(html: str) -> tuple[str, Lines]:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html, with_metadata=False, include_comments=False, deduplicate=False, **options
        )
        if doc is None or not doc.text:
            return "", []
        return doc.title or "", [(line, 0.0) for line in doc.text.splitlines() if line.strip()]

    return extract


def readability_summary(html: str) -> tuple[str, Lines]:
    from readability import Document

    document = Document(html)
    title = document.short_title()
    return title, fragment_lines(document.summary(html_partial=True))


def gne_body(html: str) -> tuple[str, Lines]:
    from gne import GeneralNewsExtractor

    try:
        found = GeneralNewsExtractor().extract(html, with_body_html=True)
    except Exception:
        return "", []
    return found["title"], fragment_lines(found["body_html"])


def selectolax_density(html: str) -> tuple[str, Lines]:
    """Generic rules on selectolax's tree: text outside links weighs its length (a quarter
    without a sentence mark); the deepest container holding 60% of the page's weight."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script,style,noscript,template,iframe,select,button,input,head"):
        node.decompose()
    if tree.body is None:
        return "", []
    weights: dict[int, float] = {}

    def weigh(node, in_link: bool) -> float:
        total = 0.0
        for child in node.iter(include_text=True):
            if child.tag == "-text":
                text = child.text(deep=False).strip()
                if text and not in_link:
                    total += len(text) if SENTENCE_MARKS & set(text) else len(text) / 4
            else:
                total += weigh(child, in_link or child.tag == "a")
        weights[node.mem_id] = total
        return total

    full = weigh(tree.body, False)
    best, node = tree.body, tree.body
    while True:
        heavy = [c for c in node.iter() if weights.get(c.mem_id, 0) >= 0.6 * full]
        if not heavy:
            break
        node = heavy[0]
        if node.tag in CONTAINERS:
            best = node
    h1 = tree.css_first("h1")
    return (h1.text(strip=True) if h1 else ""), fragment_lines(best.html or "")


CANDIDATES: dict[str, tuple[str, Extractor]] = {
    "trafilatura (include_tables)": ("trafilatura", trafilatura_with(include_tables=True)),
    "trafilatura": ("trafilatura", trafilatura_with(include_tables=False)),
    "trafilatura favor_recall": (
        "trafilatura",
        trafilatura_with(include_tables=False, favor_recall=True),
    ),
    "trafilatura favor_precision": (
        "trafilatura",
        trafilatura_with(include_tables=False, favor_precision=True),
    ),
    "readability-lxml": ("readability", readability_summary),
    "gne": ("gne", gne_body),
    "selectolax + density rules": ("selectolax", selectolax_density),
}


@dataclass
class Tally:
    """Counts over the pages, and the figures made of them."""

    leaked: int = 0
    cruft: int = 0
    kept: int = 0
    paragraphs: int = 0
    short_kept: int = 0
    short_paragraphs: int = 0
    rows_kept: int = 0
    rows: int = 0
    titles: int = 0
    pages: int = 0
    seconds: float = 0.0
    passage_leaks: int = 0
    by_template: dict[str, list[int]] = field(default_factory=dict)

    def add(self, page: Page, title: str, lines: list[str], seconds: float) -> None:
        found = {squeezed(line) for line in lines}
        text = squeezed("\n".join(lines))
        kept = sum(squeezed(line) in found for line in page.lines)
        leaked = sum(squeezed(c) in text for c in page.cruft)
        short = page.name.endswith(".short.html")
        self.leaked += leaked
        self.cruft += len(page.cruft)
        self.kept += kept
        self.paragraphs += len(page.lines)
        self.short_kept += kept if short else 0
        self.short_paragraphs += len(page.lines) if short else 0
        self.rows_kept += sum(squeezed(row) in found for row in page.table)
        self.rows += len(page.table)
        self.titles += title == page.title
        self.pages += 1
        self.seconds += seconds
        counts = self.by_template.setdefault(page.name.split(".")[1], [0, 0, 0, 0])
        for index, value in enumerate((kept, len(page.lines), leaked, len(page.cruft))):
            counts[index] += value

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.leaked / self.cruft:.1%} | {self.kept / self.paragraphs:.1%}"
            f" | {self.short_kept / self.short_paragraphs:.1%} | {self.rows_kept / self.rows:.0%}"
            f" | {self.titles / self.pages:.0%} | {1000 * self.seconds / self.pages:.1f} |"
        )

    def templates(self) -> str:
        return ", ".join(
            f"{name} {k / n:.0%} kept / {leak / c:.0%} leaked"
            for name, (k, n, leak, c) in sorted(self.by_template.items())
        )


def measure(pages: list[Page], extract: Extractor, filtered: bool) -> Tally:
    tally = Tally()
    for page in pages:
        html = decode_html(page.data)
        start = time.perf_counter()
        title, lines = extract(html)
        seconds = time.perf_counter() - start
        kept = article_lines(lines) if filtered else [line for line, _ in lines]
        tally.add(page, title, kept, seconds)
    return tally


def measure_reader(pages: list[Page]) -> Tally:
    """The reader end to end: read_webpage through load_document, then passages."""
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder:
        for page in pages:
            path = Path(folder) / page.name
            path.write_bytes(page.data)
            start = time.perf_counter()
            doc = load_document(path, page.name)
            seconds = time.perf_counter() - start
            lines = doc.text.splitlines()
            tally.add(page, lines[0], lines[1:], seconds)
            passages = squeezed("\n".join(c.text for c in chunk_document(doc)))
            tally.passage_leaks += sum(squeezed(c) in passages for c in page.cruft)
    return tally


HEADER = (
    "| candidate | site text leaked | paragraphs kept whole | of short pages | table rows"
    " | own title right | ms/page |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="only the Markdown table")
    args = parser.parse_args()
    pages = all_pages()
    rows, notes = [HEADER], []
    for label, (module, extract) in CANDIDATES.items():
        if importlib.util.find_spec(module) is None:
            notes.append(f"{label}: not installed, left out")
            continue
        extract(decode_html(pages[0].data))  # imports and first-call set-up, not timed
        for filtered in (False, True):
            tally = measure(pages, extract, filtered)
            name = f"{label} + line filter" if filtered else label
            rows.append(tally.row(name))
            notes.append(f"{name}: {tally.templates()}")
    measure_reader(pages[:1])  # imports and first-call set-up, not counted
    reader = measure_reader(pages)
    rows.append(reader.row("**the reader** (readability-lxml + line filter + title rule)"))
    print("\n".join(rows))
    print(
        f"\n{reader.pages} pages; the reader's title right on {reader.titles / reader.pages:.0%},"
        f" site text in its passages {reader.passage_leaks / reader.cruft:.1%}"
        f" (its ms/page is the whole load_document: decoding, parsing, extraction, outline)."
    )
    if not args.markdown:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
