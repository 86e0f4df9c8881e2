"""Reading the corpus folder: encodings, .docx, subfolders, and files that must be skipped."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from bot.documents.corpus import CorpusError, corpus_files, load_corpus

SPEECH = "学习讲话\n一、总体要求\n（一）提高认识。要深刻认识学习的重要意义。\n"
WriteCorpus = Callable[[dict[str, str | bytes]], Path]


def test_utf8_bom_and_gb18030_are_decoded(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {
            "a.txt": SPEECH,
            "b.txt": codecs.BOM_UTF8 + SPEECH.encode("utf-8"),
            "c.txt": SPEECH.encode("gb18030"),
            "d.txt": codecs.BOM_UTF16_LE + SPEECH.encode("utf-16-le"),
        }
    )
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert {d.text for d in corpus.documents} == {SPEECH}
    assert {d.title for d in corpus.documents} == {"学习讲话"}


def test_bad_files_are_reported_by_name_and_skipped(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {
            "good.txt": SPEECH,
            "empty.txt": "",
            "blank.md": "  \n\n",
            "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "broken.docx": b"PK\x03\x04 not really a zip",
            "notes.pdf": b"%PDF-1.4",
            "only-ads.txt": "关注公众号“材料库”\n加入QQ群 123456\n",
        }
    )
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "not a valid .docx" in reasons["broken.docx"]
    assert "unsupported file type" in reasons["notes.pdf"]
    assert "no text besides" in reasons["only-ads.txt"]


def test_undecodable_bytes_are_reported(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"good.txt": SPEECH, "bad.txt": b"\xff\xfe\xfd" * 3 + b"\x81\x30"})
    corpus = load_corpus(root)
    assert [s.path for s in corpus.skipped] == ["bad.txt"]


def test_unreadable_file_is_skipped(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"good.txt": SPEECH})
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].path == "dangling.txt"
    assert corpus.skipped[0].reason.startswith("cannot read")


def test_subfolders_hidden_files_and_user_dict(write_corpus: WriteCorpus) -> None:
    root = write_corpus(
        {
            "2024/march/speech.md": "# 三月讲话\n\n正文。\n",
            ".hidden.txt": SPEECH,
            "userdict.txt": "五提四晋 100 n\n",
        }
    )
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["2024/march/speech.md"]
    assert corpus.documents[0].title == "三月讲话"
    assert corpus.user_dict == root / "userdict.txt"


def test_docx_heading_styles_count_as_headings(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    document = docx.Document()
    document.add_heading("年度工作报告", level=0)
    document.add_heading("过去一年的工作", level=1)
    document.add_paragraph("全年完成各项任务。")
    document.add_heading("重点项目", level=2)
    document.add_paragraph("项目进展顺利。")
    document.add_heading("明年安排", level=1)
    document.add_paragraph("继续努力。")
    document.save(str(root / "report.docx"))
    doc = load_corpus(root).documents[0]
    assert doc.title == "年度工作报告"
    bodies = [(b.headings, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "body"]
    assert bodies == [
        (("过去一年的工作",), "全年完成各项任务。"),
        (("过去一年的工作", "重点项目"), "项目进展顺利。"),
        (("明年安排",), "继续努力。"),
    ]


def test_title_falls_back_to_file_name(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"工作要点.txt": "一、加强学习。\n认真学习。\n"})
    assert load_corpus(root).documents[0].title == "工作要点"


def test_empty_or_missing_corpus_stops_with_a_clear_message(
    write_corpus: WriteCorpus, tmp_path: Path
) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusError, match="the folder is empty"):
        load_corpus(write_corpus({}))
    with pytest.raises(CorpusError, match=r"empty\.txt: empty file"):
        load_corpus(write_corpus({"empty.txt": ""}))


def test_a_huge_single_line_file_is_skipped(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"good.txt": SPEECH})
    with (root / "huge.txt").open("w", encoding="utf-8") as handle:
        handle.write("干部" * (50 * 2**20 // 6) + "\n")  # 50 MB of one line
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].path == "huge.txt"
    assert corpus.skipped[0].reason.startswith("too large (50.0 MB; the limit is 20 MB")


def test_links_to_folders_are_listed_not_followed(write_corpus: WriteCorpus) -> None:
    root = write_corpus({"good.txt": SPEECH, "sub/inner.txt": SPEECH})
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "a.txt").symlink_to(root / "b.txt")
    (root / "b.txt").symlink_to(root / "a.txt")  # a file link loop
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt", "sub/inner.txt"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert reasons["sub/loop"] == "link to a folder (not followed)"
    assert reasons["a.txt"].startswith("cannot read") and reasons["b.txt"].startswith("cannot")


def test_a_file_without_permission_is_skipped(
    write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_corpus({"good.txt": SPEECH, "secret.txt": SPEECH})
    real = Path.read_bytes

    def guarded(self: Path) -> bytes:
        if self.name == "secret.txt":  # the tests run as root, which chmod cannot stop
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].reason == "cannot read: Permission denied"


def test_a_file_that_vanishes_while_loading_is_skipped(
    write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_corpus({"good.txt": SPEECH, "gone.txt": SPEECH})
    listed = corpus_files(root)
    (root / "gone.txt").unlink()
    monkeypatch.setattr("bot.documents.corpus.corpus_files", lambda _: listed)
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].reason == "cannot read: No such file or directory"


def test_a_truncated_docx_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    document = docx.Document()
    document.add_paragraph("全年完成各项任务。" * 50)
    document.save(str(root / "whole.docx"))
    data = (root / "whole.docx").read_bytes()
    (root / "cut.docx").write_bytes(data[: len(data) // 2])
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["whole.docx"]
    assert corpus.skipped[0].path == "cut.docx"
    assert corpus.skipped[0].reason.startswith("not a valid .docx file")


def test_docx_tables_are_read_in_place_with_their_headers(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    document = docx.Document()
    document.add_heading("经费安排", level=1)
    document.add_paragraph("各项经费安排如下。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["项目", "2023年", "2024年"], ["干部培训", "120", "150"], ["基层调研", "0", "0"]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = document.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并标题"
    merged.cell(1, 0).text, merged.cell(1, 1).text = "甲", "乙"
    document.add_paragraph("以上安排请遵照执行。")
    document.save(str(root / "budget.docx"))
    doc = load_corpus(root).documents[0]
    assert doc.text.split("\n")[1:] == [
        "各项经费安排如下。",
        "项目｜2023年｜2024年",
        "项目：干部培训；2023年：120；2024年：150。",
        "项目：基层调研；2023年：0；2024年：0。",
        "合并标题",
        "甲｜乙",
        "以上安排请遵照执行。",
    ]
    bodies = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "body"]
    assert any("干部培训" in body for body in bodies)
    assert all(b.headings == ("经费安排",) for b in doc.blocks if b.kind == "body")
