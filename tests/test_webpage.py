"""Saved web pages: the article's title and text, none of the site around it, in any
encoding Chinese sites use. Pages are made from the library's documents in the shape of
real government sites (tests/auxil/make_webpage.py) and read through load_corpus and
chunk_document, as the bot reads them."""

from __future__ import annotations

import codecs
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.documents.corpus import Corpus, load_corpus
from bot.documents.webpage import decode_html
from bot.models import Chunk, Document
from bot.passages import chunk_document
from tests.auxil.make_webpage import (
    PAGE_TITLES,
    TEMPLATES,
    Page,
    make_page,
    navigation_page,
    planned_pages,
)

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "library"
QUESTION_SETS = ("dev.jsonl", "test.jsonl")
NAVIGATION = "政策文件列表.html"
OUTLINE_KEPT = 0.9  # share of the .txt passages' heading paths the page's passages have
WriteCorpus = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    """Every library document as a page, in the templates and encodings of the plan."""
    return planned_pages()


@pytest.fixture(scope="module")
def page_corpus(pages: list[Page], tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The pages and a page without an article, loaded as a corpus."""
    root = tmp_path_factory.mktemp("pages")
    for page in pages:
        (root / page.name).write_bytes(page.data)
    (root / NAVIGATION).write_bytes(navigation_page())
    return load_corpus(root)


@pytest.fixture(scope="module")
def library() -> dict[str, Document]:
    """The library's .txt documents by file name."""
    return {doc.path: doc for doc in load_corpus(LIBRARY).documents}


def page_document(corpus: Corpus, page: Page) -> Document:
    return next(doc for doc in corpus.documents if doc.path == page.name)


def squeezed(text: str) -> str:
    return "".join(text.split())


def expected_phrases(source: str) -> list[str]:
    """The `expect` phrases of the questions about one library document."""
    phrases = []
    for name in QUESTION_SETS:
        for line in (ROOT / "questions" / name).read_text(encoding="utf-8").splitlines():
            question = json.loads(line)
            if question["doc"] == source and question.get("expect"):
                phrases.append(question["expect"])
    return phrases


def test_the_plan_covers_every_template_and_encoding(pages: list[Page]) -> None:
    names = [page.name for page in pages]
    assert {name.split(".")[1] for name in names} >= set(TEMPLATES) - {"county"}
    assert {name.split(".")[2] for name in names} == {"gbk", "gb18030", "utf-8", "utf-8-sig"}
    assert any(name.endswith(".none.html") for name in names)  # no meta charset
    assert "14_个人信息保护法.gov.gbk.utf-8.html" in names  # a GBK page that says utf-8


def test_every_page_is_read_with_its_article_title(
    pages: list[Page], page_corpus: Corpus, library: dict[str, Document]
) -> None:
    for page in pages:
        doc = page_document(page_corpus, page)
        # the article's own title, a periodic one with its year as for the .txt file
        expected = page.title if page.source in PAGE_TITLES else library[page.source].title
        assert doc.title == expected, page.name
        assert page.title in doc.title
        assert "首页" not in doc.title and "网" not in doc.title.replace("网络", "")


def test_no_site_text_in_any_passage(pages: list[Page], page_corpus: Corpus) -> None:
    for page in pages:
        assert len(page.cruft) >= 25, page.name  # the check has teeth
        doc = page_document(page_corpus, page)
        chunks = chunk_document(doc)
        for cruft in page.cruft:
            assert not [c.text for c in chunks if cruft in c.text], (page.name, cruft)
            assert cruft not in doc.title


def test_no_site_text_in_the_document_text(pages: list[Page], page_corpus: Corpus) -> None:
    """Beyond passages: menus, footers and scripts are not in the text at all."""
    for page in pages:
        text = squeezed(page_document(page_corpus, page).text)
        assert [c for c in page.cruft if squeezed(c) in text] == [], page.name


def test_every_answer_of_the_txt_version_is_in_a_passage_of_the_page(
    pages: list[Page], page_corpus: Corpus, library: dict[str, Document]
) -> None:
    for page in pages:
        txt_chunks = chunk_document(library[page.source])
        page_chunks = chunk_document(page_document(page_corpus, page))
        phrases = [p for p in expected_phrases(page.source) if in_some(p, txt_chunks)]
        assert len(phrases) >= 10, page.source  # the check has teeth
        missing = [p for p in phrases if not in_some(p, page_chunks)]
        assert missing == [], page.name


def in_some(phrase: str, chunks: list[Chunk]) -> bool:
    return any(phrase in chunk.text for chunk in chunks)


def test_the_outline_survives(
    pages: list[Page], page_corpus: Corpus, library: dict[str, Document]
) -> None:
    for page in pages:
        txt_paths = [heading_path(c) for c in chunk_document(library[page.source])]
        page_paths = {heading_path(c) for c in chunk_document(page_document(page_corpus, page))}
        assert len(set(txt_paths)) >= 5, page.source  # the documents have outlines
        kept = sum(path in page_paths for path in txt_paths) / len(txt_paths)
        assert kept >= OUTLINE_KEPT, (page.name, kept)


def heading_path(chunk: Chunk) -> tuple[str, ...]:
    return tuple(squeezed(heading) for heading in chunk.headings)


def test_a_page_has_the_passages_of_its_txt_version(
    pages: list[Page], page_corpus: Corpus, library: dict[str, Document]
) -> None:
    """Same headings, same texts: the page's article is the document, nothing more."""
    for page in pages:
        txt = [(c.headings, c.text) for c in chunk_document(library[page.source])]
        html = [(c.headings, c.text) for c in chunk_document(page_document(page_corpus, page))]
        if page.table:  # a table after the text: the last passage differs
            txt, html = txt[:-1], html[:-1]
        assert html == txt, page.name


def test_plain_text_corpora_do_not_import_the_html_library() -> None:
    code = (
        "import sys; from pathlib import Path; from bot.documents.corpus import load_corpus; "
        "load_corpus(Path('library')); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('readability', 'lxml')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_paragraphs_stay_whole_one_a_line(pages: list[Page], page_corpus: Corpus) -> None:
    """Each <p>, each <br>-separated line and each heading of the article is a line."""
    for page in pages:
        lines = set(page_document(page_corpus, page).text.splitlines())
        assert [line for line in page.lines if line not in lines] == [], page.name


def test_a_table_has_a_line_per_row(write_corpus: WriteCorpus) -> None:
    page = make_page("11_信访工作条例.txt", "gov", short=True)
    doc = load_corpus(write_corpus({"a.html": page.data})).documents[0]
    assert page.table and all(row in doc.text.splitlines() for row in page.table)


def test_a_page_without_an_article_is_skipped_and_the_others_load(
    pages: list[Page], page_corpus: Corpus
) -> None:
    assert [doc.path for doc in page_corpus.documents] == sorted(page.name for page in pages)
    reasons = {skipped.path: skipped.reason for skipped in page_corpus.skipped}
    assert reasons == {NAVIGATION: "no article text on the page (only menus, links or a footer)"}


@pytest.mark.parametrize(
    ("encoding", "declared", "http_equiv"),
    [
        ("gbk", "gbk", False),
        ("gbk", "gb2312", True),
        ("gbk", None, False),
        ("gbk", "utf-8", False),  # a wrong declaration
        ("gb18030", "gb18030", False),
        ("gb18030", None, False),
        ("utf-8", "utf-8", False),
        ("utf-8", None, False),
        ("utf-8-sig", None, False),
        ("utf-8", "gbk", True),  # a wrong declaration the other way
    ],
)
def test_pages_decode_in_every_encoding(
    write_corpus: WriteCorpus, encoding: str, declared: str | None, http_equiv: bool
) -> None:
    page = make_page("13_监察法.txt", "npc", encoding, declared, http_equiv, short=True)
    assert "第一章 总 则" in decode_html(page.data)
    doc = load_corpus(write_corpus({"page.html": page.data})).documents[0]
    assert doc.title == "中华人民共和国监察法"
    assert all(line in doc.text for line in page.lines)


def test_gb18030_characters_beyond_gbk_decode(write_corpus: WriteCorpus) -> None:
    text = "第一条 䶮字和𠀀字只有GB18030能写，欧元符号€也是。"
    html = f"<html><head><title>测试办法_某网</title></head><body><p>{text}</p></body></html>"
    root = write_corpus({"a.htm": html.encode("gb18030"), "b.htm": html.encode("utf-8")})
    docs = load_corpus(root).documents
    assert [doc.title for doc in docs] == ["测试办法", "测试办法"]
    assert all(text in doc.text for doc in docs)


def test_short_lines_of_the_article_are_kept(write_corpus: WriteCorpus) -> None:
    body = [
        "第一章　总　　则",
        "第一条 为了规范工作，制定本办法。",
        "附件：1.申请表",
        "某某省人民政府办公厅",
        "2024年3月1日",
    ]
    paragraphs = "".join(f"<p>{line}</p>" for line in body)
    html = (
        "<html><head><title>某某省工作办法_某某省人民政府门户网站</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>'
        f'<div class="content"><h1>某某省工作办法</h1>{paragraphs}</div></body></html>'
    )
    doc = load_corpus(write_corpus({"a.html": html})).documents[0]
    assert doc.title == "某某省工作办法"
    assert doc.text.splitlines() == ["某某省工作办法", *body]
    assert doc.blocks[0].kind == "heading"
    assert doc.text[doc.blocks[0].start : doc.blocks[0].end] == "第一章　总　　则"


def test_broken_pages_are_skipped_with_a_reason_and_no_traceback(
    write_corpus: WriteCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_corpus(
        {
            "good.html": "<html><body><p>正文第一段，讲的是工作。</p></body></html>",
            "empty.html": "",
            "blank.htm": "  \n",
            "bare.html": "<html></html>",
            "binary.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "garbage.htm": codecs.BOM_UTF8 + bytes(range(128, 256)) * 40,
        }
    )
    with caplog.at_level(logging.DEBUG):
        corpus = load_corpus(root)
    assert [doc.path for doc in corpus.documents] == ["good.html"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert reasons["empty.html"] == "empty file"
    assert reasons["blank.htm"] == "empty file"
    assert "binary" in reasons["binary.html"]
    assert reasons["bare.html"].startswith(("no article text", "not a readable web page"))
    assert reasons["garbage.htm"].startswith(("no article text", "not a readable web page"))
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


ARTICLE = "<p>第一条 为了规范工作，制定本办法。</p><p>第二条 本办法自发布之日起施行。</p>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # the site's logo is an <h1> too
        (
            "<title>某某办法_某某县人民政府</title>",
            "<h1>某某县人民政府</h1><h1>某某办法</h1>",
            "某某办法",
        ),
        # a title with a subtitle, the separator kept
        (
            "<title>坚持人民至上——写在新规实施之际_新华网</title>",
            "<h1>坚持人民至上——写在新规实施之际</h1>",
            "坚持人民至上——写在新规实施之际",
        ),
        # title_column_site, and the CMS's ArticleTitle meta
        (
            "<title>某某办法_滚动新闻_中国政府网</title>"
            '<meta name="ArticleTitle" content="某某办法">',
            "<div class='pages-title'>某某办法</div>",
            "某某办法",
        ),
        # the <title> is only the site's name: the title is the article's first line
        (
            "<title>某某县人民政府</title>",
            "<div class='side'><h3 class='title'>热点推荐</h3></div><div class='xl'>"
            "<div class='xl-bt'>某某办法</div>",
            "某某办法",
        ),
        # no element names the title: the <title> without the site's name
        ("<title>某某办法 - 某某市人民政府门户网站</title>", "", "某某办法"),
        ("<title>某某网 | 某某办法</title>", "", "某某办法"),
    ],
)
def test_the_title_is_the_articles_not_the_sites(
    write_corpus: WriteCorpus, head: str, body: str, title: str
) -> None:
    html = f"<html><head>{head}</head><body>{body}{ARTICLE}</body></html>"
    doc = load_corpus(write_corpus({"a.html": html})).documents[0]
    assert doc.title == title
    assert doc.text.splitlines()[0] == title
    assert doc.text.count(title) == 1
