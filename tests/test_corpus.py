"""Reading the corpus folder: encodings, .docx, subfolders, and files that must be skipped."""

from __future__ import annotations

import codecs
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import docx
import pytest

from bot.documents.corpus import CorpusError, corpus_files, load_corpus
from bot.documents.reading import ReadLimits, UnreadableFile
from bot.documents.word import inflate_within

SPEECH = "学习讲话\n一、总体要求\n（一）提高认识。要深刻认识学习的重要意义。\n"
WriteCorpus = Callable[[dict[str, str | bytes]], Path]
BOMB_PARAGRAPH = "<w:p><w:r><w:t>字</w:t></w:r></w:p>"
LONG_PARAGRAPH = "<w:p><w:r><w:t>" + "全年完成各项任务。" * 50 + "</w:t></w:r></w:p>"


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
            "slides.pptx": b"PK\x03\x04 a presentation",
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
    assert "damaged PDF" in reasons["notes.pdf"]
    assert "unsupported file type" in reasons["slides.pptx"]
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


def minimal_docx(path: Path) -> Path:
    """A valid one-paragraph .docx, as python-docx writes it."""
    document = docx.Document()
    document.add_paragraph("全年完成各项任务。")
    document.save(str(path))
    return path


def repeated(paragraph: str, megabytes: int) -> Iterator[bytes]:
    """`paragraph` repeated to `megabytes` MB of XML (to a few bytes), a megabyte at a time."""
    block = paragraph.encode() * (2**20 // len(paragraph.encode()))
    for _ in range(megabytes):
        yield block


def rewrite_docx(
    source: Path,
    target: Path,
    body: Iterable[bytes] = (),
    extra_parts: int = 0,
    encrypted: bool = False,
) -> Path:
    """A copy of the .docx `source` whose word/document.xml body also holds `body`
    (streamed in, compressed with ZIP_DEFLATED), with `extra_parts` tiny entries added,
    and with the encrypted flag set on word/document.xml if `encrypted`."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for entry in old.infolist():
            data = old.read(entry)
            if entry.filename != "word/document.xml":
                new.writestr(entry.filename, data)
                continue
            opening = data.index(b"<w:body>") + len(b"<w:body>")
            with new.open("word/document.xml", "w") as part:
                part.write(data[:opening])
                for block in body:
                    part.write(block)
                part.write(data[opening:])
        for number in range(extra_parts):
            new.writestr(f"extra/part{number}.xml", "<a/>")
        if encrypted:  # ZipFile clears the flag while writing; set it in the directory
            new.getinfo("word/document.xml").flag_bits |= 0x1
    return target


def test_a_zip_bomb_is_skipped_within_two_seconds(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(root / "good.docx")
    bomb = rewrite_docx(good, root / "bomb.docx", repeated(BOMB_PARAGRAPH, 120))
    assert bomb.stat().st_size < 600_000  # a small file...
    began = time.perf_counter()
    corpus = load_corpus(root)  # ...that inflates past the default 100 MB
    elapsed = time.perf_counter() - began
    assert [d.path for d in corpus.documents] == ["good.docx"]
    assert [s.path for s in corpus.skipped] == ["bomb.docx"]
    with zipfile.ZipFile(bomb) as archive:
        inflated = sum(entry.file_size for entry in archive.infolist()) / 2**20
    assert 120 < inflated < 121  # the XML, and python-docx's styles and theme
    assert corpus.skipped[0].reason == (
        f"would inflate to {inflated:.1f} MB (> 100 MB, set by MAX_INFLATED_MB); a zip bomb?"
    )
    assert elapsed < 2.0


def test_a_small_bomb_under_the_size_limit_is_skipped_by_its_ratio(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(tmp_path / "good.docx")
    bomb = rewrite_docx(good, root / "bomb.docx", repeated(BOMB_PARAGRAPH, 40))
    assert 100_000 < bomb.stat().st_size < 200_000  # the size of the file in the issue
    (root / "good.txt").write_text(SPEECH, encoding="utf-8")
    began = time.perf_counter()
    corpus = load_corpus(root)  # the default limits: 100 MB, and 100 times the file's size
    elapsed = time.perf_counter() - began
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].path == "bomb.docx"
    reason = corpus.skipped[0].reason
    assert re.fullmatch(
        r"would inflate \d{3} times, to 40\.8 MB \(> 100 times, set by MAX_INFLATE_RATIO\); "
        r"a zip bomb\?",
        reason,
    ), reason
    assert elapsed < 2.0
    lower = load_corpus(root, ReadLimits(max_inflated_bytes=30 * 2**20, max_ratio=1000))
    assert lower.skipped[0].reason.startswith("would inflate to 40.8 MB (> 30 MB")


def test_raising_the_inflate_limit_lets_a_large_docx_in(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(tmp_path / "good.docx")
    rewrite_docx(good, root / "long.docx", repeated(LONG_PARAGRAPH, 3))
    (root / "good.txt").write_text(SPEECH, encoding="utf-8")
    low = load_corpus(root, ReadLimits(max_inflated_bytes=2 * 2**20))
    assert [s.path for s in low.skipped] == ["long.docx"]
    assert low.skipped[0].reason.startswith("would inflate to 3.8 MB (> 2 MB")
    high = load_corpus(root, ReadLimits(max_inflated_bytes=5 * 2**20))
    assert [d.path for d in high.documents] == ["good.txt", "long.docx"]
    assert "全年完成各项任务。" * 50 in high.documents[1].text
    assert not high.skipped


def test_the_running_budget_stops_unpacking_at_the_limit(tmp_path: Path) -> None:
    long = rewrite_docx(
        minimal_docx(tmp_path / "good.docx"), tmp_path / "long.docx", repeated(LONG_PARAGRAPH, 3)
    )
    with zipfile.ZipFile(long) as archive:
        with pytest.raises(UnreadableFile, match=r"^would inflate to over 1 MB \(> 1 MB"):
            inflate_within(archive, 2**20)  # what stops an archive whose sizes lie
        inflate_within(archive, 5 * 2**20)


def test_a_docx_with_too_many_parts_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(root / "good.docx")
    rewrite_docx(good, root / "parts.docx", extra_parts=2000)
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.docx"]
    assert corpus.skipped[0].path == "parts.docx"
    with zipfile.ZipFile(root / "parts.docx") as archive:
        parts = len(archive.infolist())
    assert corpus.skipped[0].reason == (
        f"too many parts in the archive ({parts} > 1000, set by MAX_ARCHIVE_ENTRIES)"
    )
    assert [d.path for d in load_corpus(root, ReadLimits(max_entries=5000)).documents] == [
        "good.docx",
        "parts.docx",
    ]


def test_an_encrypted_docx_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(root / "good.docx")
    rewrite_docx(good, root / "locked.docx", encrypted=True)
    # what Word saves for a .docx with a password: an OLE file holding EncryptedPackage
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    stream_name = "EncryptedPackage".encode("utf-16-le")
    (root / "protected.docx").write_bytes(ole_header + stream_name + bytes(1024))
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.docx"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert reasons == {
        "locked.docx": "encrypted .docx; save it without a password",
        "protected.docx": "encrypted .docx; save it without a password",
    }


def test_a_docx_whose_sizes_lie_is_stopped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    good = minimal_docx(tmp_path / "good.docx")
    bomb = rewrite_docx(good, root / "liar.docx", repeated(BOMB_PARAGRAPH, 40))
    data = bytearray(bomb.read_bytes())
    record = data.index(b"PK\x01\x02")  # the central directory: what ZipFile believes
    while data[record + 46 : record + 63] != b"word/document.xml":
        record = data.index(b"PK\x01\x02", record + 4)
    data[record + 24 : record + 28] = (1000).to_bytes(4, "little")  # "inflates to 1000 bytes"
    bomb.write_bytes(bytes(data))
    (root / "good.txt").write_text(SPEECH, encoding="utf-8")
    began = time.perf_counter()
    corpus = load_corpus(root)
    elapsed = time.perf_counter() - began
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].reason == "not a valid .docx file (BadZipFile)"  # its CRC fails
    assert elapsed < 2.0


def test_a_corrupt_lzma_docx_is_skipped_and_a_typeless_style_is_read(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    source = minimal_docx(tmp_path / "source.docx")
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    lzma_file = root / "lzma.docx"
    with zipfile.ZipFile(lzma_file, "w", zipfile.ZIP_LZMA) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    raw = bytearray(lzma_file.read_bytes())
    middle = raw.index(b"word/document.xml") + 60  # inside that part's compressed bytes
    raw[middle : middle + 40] = b"\xff" * 40
    lzma_file.write_bytes(bytes(raw))
    styles = parts["word/styles.xml"].replace(
        b"</w:styles>", b'<w:style w:styleId="Extra"><w:name w:val="Extra"/></w:style></w:styles>'
    )
    with zipfile.ZipFile(root / "typeless.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, styles if name == "word/styles.xml" else data)
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["typeless.docx"]
    assert "全年完成各项任务。" in corpus.documents[0].text
    assert [s.path for s in corpus.skipped] == ["lzma.docx"]
    assert corpus.skipped[0].reason.startswith("not a valid .docx file (")


def test_old_word_and_wps_files_are_refused_with_a_hint(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "通知.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    (root / "讲话.WPS").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(512))
    (root / "good.txt").write_text(SPEECH, encoding="utf-8")
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert {(s.path, s.reason) for s in corpus.skipped} == {
        ("通知.doc", "an old Word or WPS file; open it and save it as .docx"),
        ("讲话.WPS", "an old Word or WPS file; open it and save it as .docx"),
    }


def test_a_large_corpus_read_in_worker_processes_is_read_the_same(
    write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_FROM_MB on, files are read in worker processes: the same documents
    in the same order, and the same files skipped with the same reasons."""
    from bot.documents import corpus as corpus_module
    from tests.conftest import LIBRARY

    one_by_one = load_corpus(LIBRARY)
    monkeypatch.setattr(corpus_module, "PARALLEL_FROM_MB", 0)
    assert load_corpus(LIBRARY, workers=2) == one_by_one
    root = write_corpus({"good.txt": SPEECH, "empty.txt": "", "notes.pdf": b"%PDF-1.4"})
    assert load_corpus(root, workers=2) == load_corpus(root)
    assert [s.path for s in load_corpus(root, workers=2).skipped] == ["empty.txt", "notes.pdf"]
