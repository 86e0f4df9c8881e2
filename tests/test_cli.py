"""The command line, in-process: output contracts, exit codes and error messages."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import opencc
import pytest

from bot.cli import main
from tests.conftest import DATA, LIBRARY, ROOT, SEED_CORPUS, SPEECH

RESULT_KEYS = {
    "id", "doc", "title", "headings", "article", "text", "start", "end", "pages", "score",
    "highlights",
}  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env, no token: each test says what it needs."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "CORPUS_DIR", "TOP_K", "LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_ask_json_contract() -> None:
    questions = ["年轻干部应该去哪里历练", "今天天气怎么样", "什么是灯下黑"]
    code, output = run("ask", "--json", "--corpus", str(SEED_CORPUS), *questions)
    assert code == 0
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert lines[1]["results"] == []
    document = (SEED_CORPUS / SPEECH).read_text(encoding="utf-8")
    for line in (lines[0], lines[2]):
        assert 1 <= len(line["results"]) <= 3
        for result in line["results"]:
            assert set(result) == RESULT_KEYS
            assert result["doc"] == SPEECH
            assert document[result["start"] : result["end"]] == result["text"]
            for start, end in result["highlights"]:
                assert 0 <= start < end <= len(result["text"])
    assert "年轻干部" in [
        lines[0]["results"][0]["text"][s:e] for s, e in lines[0]["results"][0]["highlights"]
    ]


def test_ask_reads_a_file_in_order_and_honours_top_k(tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("干部\n\n灯下黑\n", encoding="utf-8")
    code, output = run(
        "ask", "--json", "--top-k", "1", "--file", str(questions), "--corpus", str(SEED_CORPUS)
    )
    lines = [json.loads(line) for line in output.splitlines()]
    assert code == 0
    assert [line["query"] for line in lines] == ["干部", "灯下黑"]
    assert [len(line["results"]) for line in lines] == [1, 1]


def test_ask_readable_output() -> None:
    code, output = run("ask", "--corpus", str(SEED_CORPUS), "灯下黑", "如何申请美国签证")
    assert code == 0
    assert "问：灯下黑" in output
    assert "[1] 在全市组织系统干部培训专班上的讲话 › 二、" in output
    assert f"{SPEECH}:" in output
    assert "没有找到相关段落" in output
    assert "\033[" not in output  # no colour when not on a terminal


def test_chunks_json_lists_every_passage() -> None:
    code, output = run("chunks", "--json", "--corpus", str(SEED_CORPUS))
    chunks = [json.loads(line) for line in output.splitlines()]
    assert code == 0 and len(chunks) >= 10
    assert set(chunks[0]) == RESULT_KEYS - {"score", "highlights"}
    assert len({c["id"] for c in chunks}) == len(chunks)


def test_index_reports_documents_and_skipped_files(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.txt").write_text("标题\n一、要求\n正文内容。\n", encoding="utf-8")
    (corpus / "b.txt").write_bytes(b"\x00\x01\x02")
    code, output = run("index", "--corpus", str(corpus))
    assert code == 0
    assert "Documents: 1" in output
    assert "Passages: 1" in output
    assert "Vocabulary:" in output
    assert "b.txt: binary file" in output


def test_eval_on_a_tiny_beir_set() -> None:
    code, output = run("eval", str(DATA / "beir-tiny"), "--json")
    metrics = json.loads(output)
    assert code == 0
    assert set(metrics) == {"queries", "recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10"}
    assert metrics["queries"] == 4
    assert metrics["recall@1"] == metrics["mrr@10"] == 1.0
    code, table = run("eval", str(DATA / "beir-tiny"))
    assert "recall@10" in table and "1.000" in table


def test_eval_on_the_question_set() -> None:
    code, output = run(
        "eval", str(ROOT / "questions" / "dev.jsonl"), "--json", "--corpus", str(LIBRARY)
    )
    summary = json.loads(output)
    assert code == 0
    assert summary["questions"] >= 150 and summary["hit@1"] >= 0.82
    assert summary["kinds"]["article"]["hit@1"] >= 0.9


def test_ask_names_a_missing_document_and_offers_no_other() -> None:
    code, output = run("ask", "--json", "--corpus", str(LIBRARY), "民法典第三条", "监察法第14条")
    missing, article = (json.loads(line) for line in output.splitlines())
    assert code == 0
    assert missing["results"] == [] and missing["missing"] == "《民法典》"
    assert article["results"][0]["doc"] == "13_监察法.txt"
    assert article["results"][0]["text"].startswith("第十四条")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "--corpus", "/no/such/folder", "问题"], "does not exist"),
        (["ask", "--corpus", str(SEED_CORPUS)], "give a question"),
        (["ask", "--corpus", str(SEED_CORPUS), "--top-k", "0", "干部"], "--top-k"),
        (["ask", "--corpus", str(SEED_CORPUS), "--top-k", "21", "干部"], "between 1 and 20"),
        (["ask", "--corpus", str(SEED_CORPUS), "--file", "/no/file", "干部"], "cannot read"),
        (["eval", "/no/such/set"], "neither a BEIR folder"),
    ],
)
def test_errors_go_to_stderr_with_exit_1(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(*argv)
    assert code == 1
    assert output == ""
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and message in error


def test_bad_setting_stops_with_its_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOP_K", "many")
    assert run("ask", "--corpus", str(SEED_CORPUS), "干部")[0] == 1
    assert "Error: TOP_K" in capsys.readouterr().err


def test_chat_answers_until_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("灯下黑\n更多\n/quit\n"))
    code, output = run("chat", "--corpus", str(SEED_CORPUS))
    assert code == 0
    assert "已载入 1 篇文档" in output
    assert "灯下黑" in output


def run_module(folder: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`python -m bot …` in a clean process: working folder and HOME in `folder`."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder / "home")}
    env |= {"CORPUS_DIR": str(SEED_CORPUS), "INDEX_DIR": str(folder / "index")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=60,
    )


def test_module_entry_point_runs_the_terminal_chat_without_a_token(tmp_path: Path) -> None:
    done = run_module(tmp_path, stdin="五提四晋\n")
    assert done.returncode == 0, done.stderr
    assert "TELEGRAM_BOT_TOKEN is not set" in done.stderr
    assert "五提四晋" in done.stdout


def test_the_tokenizer_cache_goes_where_dotenv_says(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BOT_CACHE_DIR={tmp_path / 'cache'}\n", encoding="utf-8")
    done = run_module(tmp_path, "ask", "火星移民签证")  # unknown words: is it everyday Chinese?
    assert done.returncode == 0, done.stderr
    cached = sorted(p.name for p in (tmp_path / "cache").iterdir())
    folding = f"folding-{unicodedata.unidata_version}-2.marshal"  # (to fold passages quickly)
    simplified = f"t2s-changes-{opencc.__version__}.marshal"  # (the quick fold's, too)
    assert cached == ["common-words-0.42.1-100.marshal", folding, simplified]
    assert not (tmp_path / "home" / ".cache" / "docbot").exists()


def test_a_one_shot_ask_on_a_small_corpus_imports_no_numba(tmp_path: Path) -> None:
    """The compiled kernel pays only on a large index; importing numba costs ~0.5 s. Nor
    does a current index pay for the document readers or the build's progress bar."""
    assert run_module(tmp_path, "index").returncode == 0
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "PYTHONPROFILEIMPORTTIME": "1"}
    env |= {"CORPUS_DIR": str(SEED_CORPUS), "INDEX_DIR": str(tmp_path / "index")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "年轻干部应该去哪里历练"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "rjieba" in imported  # the check sees imports at all
    assert not imported & {"numba", "asyncio", "telegram", "bot.documents.readers", "tqdm"}
