"""A library seen through collections: a searcher scoped to some subfolders of the
corpus finds, looks up, lists and opens only their documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.database import database_path
from bot.documents.corpus import collection_of, load_corpus
from bot.scopes import Scopes, chat_scope, reader_scope
from bot.search.build import build_searcher
from bot.search.searcher import Searcher
from bot.unanswered import UnansweredLog
from tests.conftest import LIBRARY, SPEECH

LAW = "13_监察法.txt"
CHARTER = "06_中国共产党章程.txt"


@pytest.fixture(scope="module")
def collections(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The speech at the top, the law in 法律/ and the party charter in 党规/."""
    root = tmp_path_factory.mktemp("collections")
    shutil.copy(LIBRARY / SPEECH, root / SPEECH)
    for folder, name in (("法律", LAW), ("党规", CHARTER)):
        (root / folder).mkdir()
        shutil.copy(LIBRARY / name, root / folder / name)
    return build_searcher(load_corpus(root), Settings())


def docs_of(searcher: Searcher, question: str) -> set[str]:
    return {hit.chunk.doc for hit in searcher.search(question, 10).hits}


def test_a_file_belongs_to_the_folder_it_sits_in() -> None:
    assert collection_of("法律/13_监察法.txt") == "法律"
    assert collection_of("法律/旧/13_监察法.txt") == "法律"
    assert collection_of(SPEECH) == ""


def test_a_scoped_searcher_finds_only_its_collections(collections: Searcher) -> None:
    question = "监察委员会履行哪些职责"
    assert docs_of(collections, question) >= {f"法律/{LAW}"}
    party = collections.scoped({"党规"})
    assert all(doc.startswith("党规/") for doc in docs_of(party, "党员有哪些权利"))
    assert docs_of(party, "党员有哪些权利")
    assert not any(doc.startswith("法律/") for doc in docs_of(party, question))
    assert len(party) < len(collections)
    assert collections.scoped(None) is collections
    assert collections.scoped({"", "法律", "党规"}) is collections
    assert collections.scoped({"党规"}) is party  # one view per scope, kept


def test_a_hidden_document_cannot_be_named_or_looked_up(collections: Searcher) -> None:
    party = collections.scoped({"党规"})
    whole = collections.search("监察法第十四条", 3)
    assert whole.exact and whole.hits[0].chunk.doc == f"法律/{LAW}"
    hidden = party.search("监察法第十四条", 3)
    assert not any(hit.chunk.doc.startswith("法律/") for hit in hidden.hits)
    assert party.document_named("监察法") is None
    assert hidden.missing == "《监察法》" and hidden.narrowed  # not another law's 第十四条
    assert party.search("十九大报告讲了什么", 3).hits == ()  # named, but not here
    article = party.search("第十四条", 5)
    assert article.hits and all(hit.chunk.doc.startswith("党规/") for hit in article.hits)


def test_a_hidden_passage_cannot_be_opened_or_browsed(collections: Searcher) -> None:
    law = next(hit for hit in collections.search("监察法第十四条", 1).hits)
    party = collections.scoped({"党规"})
    assert collections.passage(law.chunk.id) is not None
    assert party.passage(law.chunk.id) is None
    assert party.section(law.chunk.id) is None
    titles = [root.heading for _, root in party.contents.documents()]
    assert titles == ["中国共产党章程"]
    doc = collections.document_named("监察法")
    assert doc is not None and party.contents.section(doc) is None


def test_an_empty_scope_finds_nothing(collections: Searcher) -> None:
    empty = collections.scoped(set())
    assert not empty.search("监察委员会履行哪些职责", 3).hits
    assert not empty.search("第十四条", 3).hits
    assert empty.contents.documents() == []
    assert len(empty) == 0


def test_collections_are_listed(collections: Searcher) -> None:
    assert collections.collections() == ["", "党规", "法律"]


def test_bindings_are_read_fresh_by_every_process_sharing_the_file(tmp_path: Path) -> None:
    one, other = Scopes(tmp_path / "bot.sqlite3"), Scopes(tmp_path / "bot.sqlite3")
    one.bind(-100, {"法律", "党规"})
    one.set_private("党规", True)
    assert other.bound(-100) == {"法律", "党规"} and other.private() == {"党规"}
    assert other.chats_of("党规") == [-100]
    other.bind(-100, ())
    other.set_private("党规", False)
    assert one.bound(-100) == frozenset() and one.private() == frozenset()
    one.close()
    other.close()


def test_the_older_unanswered_database_is_taken_over(tmp_path: Path) -> None:
    old = UnansweredLog(tmp_path / "unanswered.sqlite3")
    old.record("火星移民政策")
    old.close()
    path = database_path(tmp_path)
    assert path.name == "bot.sqlite3" and not (tmp_path / "unanswered.sqlite3").exists()
    assert UnansweredLog(path).top() == [("火星移民政策", 1)]


def test_what_a_chat_and_a_reader_may_search() -> None:
    every = ["", "党规", "法律"]
    assert chat_scope(every, (), ()) == set(every)
    assert chat_scope(every, (), {"党规"}) == {"", "法律"}
    assert chat_scope(every, {"党规", "旧"}, {"党规"}) == {"党规"}  # a gone folder drops out
    assert reader_scope(every, {"党规"}, ()) == {"", "法律"}
    assert reader_scope(every, {"党规"}, {"党规"}) == set(every)


def test_a_quote_is_checked_against_the_documents_in_scope(collections: Searcher) -> None:
    wording = "监察委员会依照本法和有关法律规定履行监督、调查、处置职责"
    assert collections.quote(wording).exact
    party = collections.scoped({"党规"})
    hidden = party.quote(wording)
    assert not hidden.exact and hidden.places == ()
    assert hidden.closest is None or not hidden.closest.place.doc.startswith("法律/")
