"""Reading PDFs: library documents printed as official documents are (make_pdf) — running
headers, page-number footers, lines wrapped at the page width — read back into the
paragraphs of the .txt version, with every passage knowing its pages, and found by the
same questions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("reportlab", reason="reportlab (a dev dependency) makes the test PDFs")
pytest.importorskip("pdfminer", reason="pdfminer.six reads PDFs")

from bot.config import Settings
from bot.documents import pdf
from bot.documents.corpus import Corpus, load_corpus, load_document
from bot.documents.outline import ARTICLE, heading_style
from bot.documents.pdf_layout import Page
from bot.documents.reading import ReadLimits, UnreadableFile
from bot.models import Chunk, Document
from bot.passages import chunk_document
from bot.search.build import build_searcher
from tests.auxil.make_pdf import FOOTERS, MadePdf, make_pdf, scanned_pdf, source_lines

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "library"
QUESTIONS = (ROOT / "questions" / "dev.jsonl", ROOT / "questions" / "test.jsonl")
SPEECH = "在全市组织系统干部培训专班上的讲话.txt"
SENTENCE_END = "。！？；：”"


@dataclass(frozen=True)
class Printed:
    """How one library document is printed for the tests."""

    source: str
    headers: tuple[str, ...]
    footer: str
    options: dict[str, object]


PRINTED = (
    Printed(  # a gazette: its issue in the header, — 3 — below, lines justified
        "13_监察法.txt",
        ("全国人民代表大会常务委员会公报 2024年第6号",),
        "emdash",
        {},
    ),
    Printed(  # odd and even pages differ, mirrored margins, ragged lines, 第 3 页 共 10 页
        SPEECH,
        ("中共某某市委组织部 内部资料", "学习材料汇编（2024年第3辑）"),
        "cn_total",
        {"title_at": 15, "justify": False, "gutter": 18.0, "width_chars": 30},
    ),
    Printed(  # ~20 pages, no title line, a blank page, roman page numbers
        "01_党的十九大报告.txt",
        ("党的十九大文件汇编",),
        "roman",
        {"title_at": -1, "blank_pages": (4,)},
    ),
    Printed(  # the title is the odd pages' header; 3/18 at the foot; 28 characters a line
        "11_信访工作条例.txt",
        ("信访工作条例", "某某省人民政府公报 2022年第7期"),
        "slash",
        {"width_chars": 28, "lines_per_page": 24},
    ),
)


@dataclass(frozen=True)
class Library:
    """The PDFs and the .txt originals, loaded, cut and searched."""

    pdfs: Corpus
    texts: Corpus
    made: dict[str, MadePdf]  # by the PDF's name
    chunks: dict[str, list[Chunk]]  # by the PDF's name
    text_chunks: dict[str, list[Chunk]]  # by the PDF's name
    hits: dict[str, tuple[float, float, int]]  # PDF's name: hit@3 on PDF, on .txt, questions


def pdf_name(source: str) -> str:
    """The PDF's file name for a .txt document."""
    return Path(source).with_suffix(".pdf").name


def questions_of(source: str) -> list[dict[str, str]]:
    """The question set's questions about one document (with an expected phrase)."""
    rows = [json.loads(line) for path in QUESTIONS for line in path.open(encoding="utf-8")]
    return [row for row in rows if row["doc"] == source and row["expect"]]


def squash(text: str) -> str:
    """Text without white space, as answers are compared."""
    return re.sub(r"\s+", "", text)


def hit_at_3(corpus: Corpus, questions: dict[str, list[dict[str, str]]]) -> dict[str, float]:
    """Each document's share of questions whose phrase is in one of the top 3 passages."""
    searcher = build_searcher(corpus, Settings())
    shares = {}
    for name, rows in questions.items():
        hits = 0
        for row in rows:
            answer = searcher.search(row["question"], 3)
            hits += any(squash(row["expect"]) in squash(h.chunk.text) for h in answer.hits)
        shares[name] = hits / len(rows)
    return shares


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """Every PRINTED document as a PDF in one corpus, with a scan and a damaged PDF, and
    the same documents as .txt in another; both loaded, cut and searched once."""
    pdf_root = tmp_path_factory.mktemp("pdfs")
    text_root = tmp_path_factory.mktemp("texts")
    made = {}
    for printed in PRINTED:
        lines = source_lines(LIBRARY / printed.source)
        made[pdf_name(printed.source)] = make_pdf(
            lines, printed.headers, printed.footer, **printed.options
        )
        (pdf_root / pdf_name(printed.source)).write_bytes(made[pdf_name(printed.source)].data)
        shutil.copy(LIBRARY / printed.source, text_root / printed.source)
    (pdf_root / "scan.pdf").write_bytes(scanned_pdf())
    damaged = made[pdf_name(PRINTED[0].source)].data
    (pdf_root / "damaged.pdf").write_bytes(damaged[: len(damaged) // 2])
    pdfs, texts = load_corpus(pdf_root), load_corpus(text_root)
    by_name = {doc.path: doc for doc in pdfs.documents}
    text_by_name = {pdf_name(doc.path): doc for doc in texts.documents}
    questions = {pdf_name(p.source): questions_of(p.source) for p in PRINTED}
    hits_pdf, hits_text = hit_at_3(pdfs, questions), hit_at_3(texts, questions)
    return Library(
        pdfs,
        texts,
        made,
        {name: chunk_document(doc) for name, doc in by_name.items()},
        {name: chunk_document(doc) for name, doc in text_by_name.items()},
        {name: (hits_pdf[name], hits_text[name], len(questions[name])) for name in questions},
    )


def document(library: Library, name: str) -> Document:
    """The loaded PDF document of that name."""
    return next(doc for doc in library.pdfs.documents if doc.path == name)


NAMES = [pdf_name(printed.source) for printed in PRINTED]


def test_the_pdfs_are_read_and_the_scan_and_the_damaged_file_skipped(library: Library) -> None:
    assert sorted(doc.path for doc in library.pdfs.documents) == sorted(NAMES)
    reasons = {skipped.path: skipped.reason for skipped in library.pdfs.skipped}
    assert set(reasons) == {"scan.pdf", "damaged.pdf"}
    assert "no text layer; OCR it first" in reasons["scan.pdf"]
    assert "damaged" in reasons["damaged.pdf"]


@pytest.mark.parametrize("name", NAMES)
def test_the_title_is_the_documents_title(library: Library, name: str) -> None:
    text = next(d for d in library.texts.documents if pdf_name(d.path) == name)
    assert document(library, name).title == text.title


@pytest.mark.parametrize("name", NAMES)
def test_the_text_is_the_printed_body_and_nothing_else(library: Library, name: str) -> None:
    """Every character of the text block, in order; no header, footer or page number."""
    assert squash(document(library, name).text) == library.made[name].body_text()


@pytest.mark.parametrize("printed", PRINTED, ids=NAMES)
def test_headers_and_footers_are_in_no_passage(library: Library, printed: Printed) -> None:
    name = pdf_name(printed.source)
    made = library.made[name]
    margins = [squash(header) for header in made.headers if header != "信访工作条例"]
    margins += [squash(FOOTERS[printed.footer](page, made.pages)) for page in (2, 3, 7)]
    assert margins
    for chunk in library.chunks[name]:
        assert not any(margin in squash(chunk.text) for margin in margins), chunk.text


def in_sentence_breaks(chunk: Chunk) -> int:
    """Line breaks in a passage inside a sentence: not after a sentence end, nor after a
    heading or an article's first line."""
    lines = chunk.text.split("\n")
    return sum(
        1
        for line in lines[:-1]
        if line
        and line[-1] not in SENTENCE_END
        and not heading_style(line)
        and not ARTICLE.match(line)
    )


@pytest.mark.parametrize("name", NAMES)
def test_lines_are_joined_into_paragraphs(library: Library, name: str) -> None:
    chunks = library.chunks[name]
    broken = sum(1 for chunk in chunks if in_sentence_breaks(chunk))
    assert broken <= 0.1 * len(chunks)
    paragraphs = document(library, name).text.count("\n") + 1
    source = [
        line for line in source_lines(LIBRARY / name.replace(".pdf", ".txt")) if line.strip()
    ]
    assert abs(paragraphs - len(source)) <= 0.02 * len(source)


@pytest.mark.parametrize("name", NAMES)
def test_every_expected_phrase_found_in_the_txt_is_found_in_the_pdf(
    library: Library, name: str
) -> None:
    source = name.replace(".pdf", ".txt")
    text_passages = [chunk.text for chunk in library.text_chunks[name]]
    pdf_passages = [chunk.text for chunk in library.chunks[name]]
    phrases = [row["expect"] for row in questions_of(source)]
    whole = [p for p in phrases if any(p in passage for passage in text_passages)]
    assert len(whole) >= len(phrases) // 2  # the check has teeth
    missing = [p for p in whole if not any(p in passage for passage in pdf_passages)]
    assert not missing


@pytest.mark.parametrize("name", NAMES)
def test_passages_are_those_of_the_txt_version(library: Library, name: str) -> None:
    """Paragraph by paragraph as the .txt has them: the same passages, headings and all."""
    pdf_passages = [(chunk.headings, chunk.text) for chunk in library.chunks[name]]
    text_passages = [(chunk.headings, chunk.text) for chunk in library.text_chunks[name]]
    assert pdf_passages == text_passages


def printed_pages(made: MadePdf, chunks: Sequence[Chunk]) -> list[tuple[int, ...]]:
    """The pages each passage is printed on, by finding its characters in the printed
    body, passage after passage."""
    body = made.body_text()
    found: list[tuple[int, ...]] = []
    cursor = 0
    for chunk in chunks:
        text = squash(chunk.text)
        at = body.find(text, cursor)
        if at < 0:
            at = body.find(text)
        found.append(made.pages_of(at, at + len(text) - 1) if at >= 0 and text else ())
        cursor = max(cursor, at)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_passages_carry_the_pages_they_are_printed_on(library: Library, name: str) -> None:
    chunks = library.chunks[name]
    truth = printed_pages(library.made[name], chunks)
    right = sum(1 for chunk, pages in zip(chunks, truth, strict=True) if chunk.pages == pages)
    assert right >= 0.9 * len(chunks)


@pytest.mark.parametrize("name", NAMES)
def test_page_offsets_cover_every_page(library: Library, name: str) -> None:
    doc, made = document(library, name), library.made[name]
    assert len(doc.pages) == made.pages
    assert doc.pages[0] == 0
    assert list(doc.pages) == sorted(doc.pages)
    assert doc.pages[-1] < len(doc.text)


def test_a_blank_page_holds_no_text(library: Library) -> None:
    doc = document(library, pdf_name("01_党的十九大报告.txt"))
    assert doc.pages[3] == doc.pages[4]  # page 4 is blank
    assert 4 not in {page for chunk in library.chunks[doc.path] for page in chunk.pages}


@pytest.mark.parametrize("name", NAMES)
def test_questions_find_the_pdf_as_well_as_the_txt(library: Library, name: str) -> None:
    on_pdf, on_text, count = library.hits[name]
    assert count >= 10
    assert on_pdf >= on_text - 0.1


SHORT = source_lines(LIBRARY / "16_教育法.txt")[:40]


@pytest.mark.parametrize("footer", sorted(FOOTERS))
def test_page_numbers_in_every_form_are_dropped(tmp_path: Path, footer: str) -> None:
    made = make_pdf(SHORT, ("某某市教育局文件",), footer, lines_per_page=20)
    assert made.pages >= 3
    path = tmp_path / "law.pdf"
    path.write_bytes(made.data)
    doc = load_document(path, path.name)
    assert squash(doc.text) == made.body_text()


@pytest.mark.parametrize(
    ("headers", "first_page_header"),
    [
        (("某某省人民政府公报 第{page}期",), True),  # a changing number
        (("中华人民共和国教育法", "全国人民代表大会常务委员会公报"), True),  # odd and even pages
        (("某某县人民政府办公室 — {page} —", "某某县人民政府办公室 2024年 — {page} —"), True),
        (("某某市教育局",), False),  # none on the first page, above the title
    ],
)
def test_running_headers_are_found_by_repetition(
    tmp_path: Path, headers: tuple[str, ...], first_page_header: bool
) -> None:
    made = make_pdf(
        SHORT, headers, "plain", lines_per_page=14, first_page_header=first_page_header
    )
    path = tmp_path / "law.pdf"
    path.write_bytes(made.data)
    doc = load_document(path, path.name)
    assert squash(doc.text) == made.body_text()
    assert doc.title == "中华人民共和国教育法"


def test_a_single_page_loses_only_its_page_number(tmp_path: Path) -> None:
    made = make_pdf(SHORT[:8], ("某某市教育局文件",), "dash")
    assert made.pages == 1
    path = tmp_path / "notice.pdf"
    path.write_bytes(made.data)
    text = load_document(path, path.name).text
    assert text.startswith("某某市教育局文件\n")  # no repetition: a header cannot be told
    assert squash(text) == "某某市教育局文件" + made.body_text()


def test_paragraphs_without_indent_start_at_their_numbers(tmp_path: Path) -> None:
    made = make_pdf(SHORT, (), "plain", indent_chars=0, justify=False)
    path = tmp_path / "law.pdf"
    path.write_bytes(made.data)
    lines = load_document(path, path.name).text.split("\n")
    articles = [match.group(0) for line in SHORT if (match := ARTICLE.match(line))]
    assert len(articles) >= 10
    found = [match.group(0) for line in lines if (match := ARTICLE.match(line))]
    assert found == articles


def test_a_password_protected_pdf_is_refused_and_an_owner_locked_one_read(
    tmp_path: Path,
) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(make_pdf(SHORT, encrypt=StandardEncryption("secret", "owner")).data)
    with pytest.raises(UnreadableFile, match="encrypted PDF; save it without a password"):
        pdf.read_pdf(locked, ReadLimits())
    # "no copying" with an empty user password: any viewer opens it, and so does the bot.
    # (Latin text: reportlab garbles an encrypted CID font's CIDSystemInfo, so no reader
    # can map STSong-Light's glyphs back in such a file.)
    no_copy = tmp_path / "no-copy.pdf"
    page = canvas.Canvas(str(no_copy), encrypt=StandardEncryption("", "owner", canCopy=0))
    page.drawString(72, 700, "Article 1. This Law is formulated to protect personal data.")
    page.save()
    text = pdf.read_pdf(no_copy, ReadLimits()).text
    assert text == "Article 1. This Law is formulated to protect personal data."


def test_page_contents_that_would_inflate_past_the_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "law.pdf"
    path.write_bytes(make_pdf(SHORT, lines_per_page=10).data)
    assert pdf.read_pdf(path, ReadLimits()).text
    with pytest.raises(UnreadableFile, match="would inflate"):
        pdf.read_pdf(path, ReadLimits(max_inflated_bytes=5000))


def test_text_its_fonts_cannot_map_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mapless.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    pages = [Page(0, 0, 595, 842, (), printed=0, unmapped=900)] * 2
    monkeypatch.setattr(pdf, "read_pages", lambda path, limits: pages)
    with pytest.raises(UnreadableFile, match=r"map no characters to Unicode.*OCR it first"):
        pdf.read_pdf(path, ReadLimits())


def test_too_many_pages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(SHORT, lines_per_page=10).data)
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    with pytest.raises(UnreadableFile, match="too many pages"):
        pdf.read_pdf(path, ReadLimits())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n%%EOF\n", "damaged PDF"),
        (b"<html>not a pdf</html>", "not a PDF file"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "cut short"),
    ],
)
def test_broken_files_are_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason):
        pdf.read_pdf(path, ReadLimits())


def test_plain_text_corpora_do_not_import_the_pdf_library() -> None:
    code = (
        "import sys; from pathlib import Path; from bot.documents.corpus import load_document; "
        f"load_document(Path({str(LIBRARY / SPEECH)!r}), 'speech.txt'); "
        "print('pdfminer' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.strip() == "False", run.stderr
