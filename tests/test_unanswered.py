"""The log of unanswered questions: counting, normalising, pruning, privacy and failures."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from bot.unanswered import UnansweredLog

DAY = 86400.0
T0 = 1_700_000_000.0


def rows(path: Path) -> list[tuple[str, float]]:
    """What the table holds, read with sqlite3 directly."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT question, asked FROM unanswered ORDER BY asked").fetchall()


def test_counts_most_frequent_first_then_most_recent_then_text(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "unanswered.sqlite")
    for i, question in enumerate(["甲", "乙", "甲", "丙", "甲", "乙", "丁", "戊", "b", "a"]):
        log.record(question, now=T0 + (i if question not in {"a", "b"} else 20))
    assert log.top(now=T0 + 30) == [
        ("甲", 3),
        ("乙", 2),
        ("a", 1),  # the latest single ones, tied on time, by text
        ("b", 1),
        ("戊", 1),
        ("丁", 1),
        ("丙", 1),
    ]
    assert log.top(limit=2, now=T0 + 30) == [("甲", 3), ("乙", 2)]
    log.close()


def test_questions_are_normalised_before_counting(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "unanswered.sqlite")
    for question in [
        "灯下黑？",
        " 灯下黑 ",
        "灯下黑?!！ 。",
        "什么  是\n灯下黑",
        "什么是 灯下黑",
        "  ？ ",
    ]:
        log.record(question, now=T0)
    log.record("长" * 500, now=T0)
    assert log.top(now=T0) == [
        ("灯下黑", 3),
        ("什么 是 灯下黑", 1),
        ("什么是 灯下黑", 1),
        ("长" * 200, 1),
    ]
    log.close()


def test_rows_older_than_keep_days_are_no_longer_counted_and_are_deleted(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.sqlite"
    log = UnansweredLog(path)
    log.record("旧问题", now=T0)
    log.record("新问题", now=T0 + 6 * DAY)
    log.record("新问题", now=T0 + 8 * DAY)
    assert [question for question, _ in rows(path)] == ["新问题", "新问题"]
    assert log.top(now=T0 + 8 * DAY) == [("新问题", 2)]
    assert log.top(now=T0 + 14 * DAY) == [("新问题", 1)]  # top prunes too
    assert rows(path) == [("新问题", T0 + 8 * DAY)]
    log.close()


def test_record_prunes_at_most_once_an_hour(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.sqlite"
    log = UnansweredLog(path)
    log.record("现在", now=T0 + 8 * DAY)  # the first record prunes
    log.record("很久以前", now=T0)  # inserted after that prune
    log.record("现在", now=T0 + 8 * DAY + 60)  # within the hour: no prune yet
    assert "很久以前" in {question for question, _ in rows(path)}
    log.record("现在", now=T0 + 8 * DAY + 3601)
    assert {question for question, _ in rows(path)} == {"现在"}
    log.close()


def test_the_database_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.sqlite"
    first = UnansweredLog(path)
    first.record("灯下黑", now=T0)
    first.record("灯下黑", now=T0 + 1)
    first.close()
    second = UnansweredLog(path)
    second.record("灯下黑", now=T0 + 2)
    assert second.top(now=T0 + 3) == [("灯下黑", 3)]
    second.close()


def test_nothing_is_created_until_first_use(tmp_path: Path) -> None:
    path = tmp_path / "state" / "unanswered.sqlite"
    log = UnansweredLog(path)
    assert not path.parent.exists()
    log.record("灯下黑", now=T0)
    assert path.is_file()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    log.close()


def test_the_table_can_hold_only_question_text_and_time(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.sqlite"
    log = UnansweredLog(path)
    log.record("灯下黑", now=T0)
    log.close()
    with sqlite3.connect(path) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        columns = conn.execute("PRAGMA table_info(unanswered)").fetchall()
    assert tables == [("unanswered",)]
    assert [(name, kind) for _, name, kind, *_ in columns] == [
        ("question", "TEXT"),
        ("asked", "REAL"),
    ]


def test_an_unwritable_location_never_raises_and_warns_once(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file", encoding="utf-8")
    log = UnansweredLog(blocker / "unanswered.sqlite")
    with caplog.at_level(logging.WARNING, logger="bot.unanswered"):
        log.record("灯下黑", now=T0)
        log.record("灯下黑", now=T0 + 1)
        assert log.top(now=T0 + 2) == []
    assert len([r for r in caplog.records if r.name == "bot.unanswered"]) == 1
    log.close()


def test_a_corrupt_database_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    log = UnansweredLog(path)
    log.record("灯下黑", now=T0)
    assert log.top(now=T0) == []
    log.close()


def test_records_from_many_threads_are_all_counted(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "unanswered.sqlite")

    def ask() -> None:
        for _ in range(25):
            log.record("灯下黑", now=T0)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.top(now=T0) == [("灯下黑", 200)]
    log.close()
