"""The command line: `python -m bot [ask|quote|chunks|index|chat|eval|run]`.

A thin layer: it parses arguments, calls the core, prints, and turns the core's
errors into `Error: …` on stderr with exit code 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import stat
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from dotenv import dotenv_values

from bot import redaction
from bot.config import (
    INTS,
    ConfigError,
    Settings,
    StartupError,
    load_settings,
    require_token,
)
from bot.documents.corpus import CorpusError
from bot.evaluation import DatasetError, evaluate_beir, evaluate_questions, read_jsonl
from bot.passages import chunk_corpus
from bot.render import (
    answer_dict,
    chunk_dict,
    quote_dict,
    terminal_answer,
    terminal_chunk,
    terminal_quote,
)
from bot.search import indexfile, tokens
from bot.search.build import Opened, corpus_of, open_searcher

log = logging.getLogger("bot")
MAX_LISTED = 50  # documents listed by `index`


class UsageError(Exception):
    """The command was given arguments it cannot use."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command (long on purpose: one flat list of the
    commands and their options, as `--help` shows them)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions from a folder of Chinese documents (BM25 passage search).",
    )
    commands = parser.add_subparsers(dest="command")

    ask = commands.add_parser("ask", help="answer questions and print the best passages")
    ask.add_argument("question", nargs="*", help="a question (several are answered in order)")
    ask.add_argument("--file", type=Path, help="read questions from a file, one per line")
    ask.add_argument("--top-k", type=int, help="passages per question (default: TOP_K or 3)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question per line")
    ask.add_argument("--corpus", type=Path, help="corpus folder (default: CORPUS_DIR or corpus)")

    quote = commands.add_parser(
        "quote", help="check quotations word for word against the documents (原文核对)"
    )
    quote.add_argument(
        "quote", nargs="*", help="a quotation (several are checked in order; none: stdin)"
    )
    quote.add_argument("--file", type=Path, help="read quotations from a file, one per line")
    quote.add_argument(
        "--json", action="store_true", help="one JSON object per quotation per line"
    )
    quote.add_argument("--corpus", type=Path, help="corpus folder (default: CORPUS_DIR or corpus)")

    chunks = commands.add_parser("chunks", help="print every passage as indexed")
    chunks.add_argument("--json", action="store_true", help="one JSON object per passage per line")
    chunks.add_argument("--corpus", type=Path, help="corpus folder")

    index = commands.add_parser("index", help="build the index and print what went in")
    index.add_argument("--corpus", type=Path, help="corpus folder")

    chat = commands.add_parser("chat", help="ask questions interactively in the terminal")
    chat.add_argument("--corpus", type=Path, help="corpus folder")

    run = commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--corpus", type=Path, help="corpus folder")

    check = commands.add_parser(
        "check", help="check settings, corpus, index and the token (getMe); exit 0 or 1"
    )
    check.add_argument("--corpus", type=Path, help="corpus folder")

    evaluate = commands.add_parser(
        "eval", help="score ranking on a BEIR folder or on a question set (.jsonl) of the corpus"
    )
    evaluate.add_argument("dataset", type=Path, help="BEIR folder, or questions .jsonl file")
    evaluate.add_argument("--top-k", type=int, help="passages per question (default 10)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--corpus", type=Path, help="corpus folder (question sets)")
    evaluate.add_argument(
        "--no-titles", action="store_true", help="index BEIR passages without their titles"
    )
    return parser


def open_index(settings: Settings, rebuild: bool = False) -> Opened:
    """The index (loaded, or built and saved), reporting skipped files on stderr."""
    opened = open_searcher(settings, progress=sys.stderr.isatty(), rebuild=rebuild)
    for skipped in opened.skipped:
        print(f"Skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    return opened


def read_lines(path: Path, what: str) -> list[str]:
    """The non-empty lines of a UTF-8 file, stripped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {what} from {path}: {error}") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_questions(args: argparse.Namespace) -> list[str]:
    """Questions from the command line, then from --file."""
    questions = [q for q in args.question if q.strip()]
    if args.file is not None:
        questions += read_lines(args.file, "questions")
    if not questions:
        raise UsageError("give a question, e.g. python -m bot ask 年轻干部应该去哪里历练")
    return questions


def read_quotes(args: argparse.Namespace, stdin: TextIO) -> list[str]:
    """Quotations from the command line, then from --file; with neither, stdin's lines."""
    quotes = [q.strip() for q in args.quote if q.strip()]
    if args.file is not None:
        quotes += read_lines(args.file, "quotations")
    elif not args.quote:
        if stdin.isatty():
            raise UsageError(
                "give a quotation, e.g. python -m bot quote 花盆里栽不出万年松，"
                "or --file, or pipe them in one per line"
            )
        quotes = [line.strip() for line in stdin if line.strip()]
    if not quotes:
        raise UsageError("no quotation to check")
    return quotes


def top_k(value: int | None, default: int) -> int:
    """A validated --top-k (the range TOP_K accepts)."""
    limits = INTS["top_k"]
    if value is None:
        return default
    if not limits.low <= value <= limits.high:
        raise UsageError(f"--top-k must be between {limits.low} and {limits.high}, got {value}")
    return value


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Answer each question in order."""
    questions = read_questions(args)
    k = top_k(args.top_k, settings.top_k)
    searcher = open_index(settings).searcher
    color = out.isatty()
    for number, question in enumerate(questions):
        answer = searcher.search(question, k)
        if args.json:
            write_result(out, number, answer_dict(answer))
        else:
            write_result(out, number, f"问：{question}\n\n{terminal_answer(answer, color)}")
    return 0


def cmd_quote(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Check each quotation in order: verbatim and where, or the closest wording."""
    quotes = read_quotes(args, sys.stdin)
    searcher = open_index(settings).searcher
    color = out.isatty()
    for number, quote in enumerate(quotes):
        check = searcher.quote(quote)
        write_result(out, number, quote_dict(check) if args.json else terminal_quote(check, color))
    return 0


def write_result(out: TextIO, number: int, result: dict[str, Any] | str) -> None:
    """One result of a batch: a JSON line for a dict, else its text after a blank line
    (but the first)."""
    if isinstance(result, dict):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        separator = "\n" if number else ""
        out.write(f"{separator}{result}\n")


def cmd_chunks(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Print every passage as indexed."""
    corpus = corpus_of(settings)
    for skipped in corpus.skipped:
        print(f"Skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    for chunk in chunk_corpus(corpus.documents, settings.max_chunk_chars):
        if args.json:
            out.write(json.dumps(chunk_dict(chunk), ensure_ascii=False) + "\n")
        else:
            out.write(terminal_chunk(chunk) + "\n\n")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Build the index and report documents, passages, vocabulary, time and skipped files."""
    began = time.perf_counter()
    opened = open_index(settings, rebuild=True)
    elapsed = time.perf_counter() - began
    summary = opened.searcher.summary()
    out.write(f"Corpus: {settings.corpus_dir}\n")
    for doc in summary.documents[:MAX_LISTED]:
        out.write(
            f"  {doc.path}: {doc.title} ({doc.characters} characters, {doc.passages} passages)\n"
        )
    if len(summary.documents) > MAX_LISTED:
        out.write(f"  … and {len(summary.documents) - MAX_LISTED} more\n")
    out.write(
        f"Documents: {len(summary.documents)}\nPassages: {summary.passages}\n"
        f"Vocabulary: {summary.vocabulary} terms\nTime: {elapsed:.2f} s\n"
        f"Index: {indexfile.location(settings)}\nSkipped files: {len(opened.skipped)}\n"
    )
    for skipped in opened.skipped:
        out.write(f"  {skipped.path}: {skipped.reason}\n")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """An interactive terminal chat over the same search."""
    searcher = open_index(settings).searcher
    docs = searcher.store.docs
    titles = "、".join(doc["title"] for doc in docs[:3])
    out.write(
        f"已载入 {len(docs)} 篇文档（{titles}），{len(searcher)} 个段落。\n"
        "输入问题回车即可；输入“更多”看下一批结果；Ctrl-D 或 /quit 退出。\n"
    )
    color = out.isatty()
    question, offset = "", 0
    while True:
        try:
            line = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if line in {"/quit", "/exit", "quit", "exit"}:
            return 0
        if not line:
            continue
        if line in {"更多", "/more", "more"} and question:
            offset += settings.top_k
        else:
            question, offset = line, 0
        answer = searcher.search(question, settings.top_k, offset)
        if line in {"更多", "/more", "more"} and not answer.hits:
            out.write("没有更多结果了。\n\n")
            continue
        out.write(terminal_answer(answer, color) + "\n\n")


def cmd_eval(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Score ranking quality on a BEIR folder or a question set of the corpus."""
    if args.dataset.is_dir():
        metrics = evaluate_beir(
            args.dataset, settings, top_k(args.top_k, 10), use_titles=not args.no_titles
        )
        if args.json:
            out.write(json.dumps(metrics) + "\n")
        else:
            out.write(f"{args.dataset}: {metrics['queries']} questions\n")
            for key, value in metrics.items():
                if key != "queries":
                    out.write(f"  {key:<10} {value:.3f}\n")
        return 0
    if not args.dataset.is_file():
        raise DatasetError(f"{args.dataset} is neither a BEIR folder nor a questions .jsonl file")
    searcher = open_index(settings).searcher
    store = searcher.store
    texts = {doc["path"]: store.document_text(n) for n, doc in enumerate(store.docs)}
    k = top_k(args.top_k, 10)

    def search(question: str) -> list[dict]:
        return answer_dict(searcher.search(question, k))["results"]

    summary, per_kind, results = evaluate_questions(read_jsonl(args.dataset), search, texts)
    if args.json:
        out.write(json.dumps({**summary, "kinds": per_kind}, ensure_ascii=False) + "\n")
        return 0
    for result in results:
        if (result.expected and result.rank != 1) or (not result.expected and result.returned):
            status = f"rank {result.rank}" if result.rank else f"miss ({result.returned} returned)"
            out.write(f"  {status:<16} [{result.kind}] {result.question}\n")
    out.write(f"{args.dataset}: {summary['questions']} questions\n")
    out.write(metrics_table({"all": summary, **per_kind}) + "\n")
    return 0


def metrics_table(rows: dict[str, dict[str, float]]) -> str:
    """Question-set metrics as an aligned table, one row per kind of question."""
    columns = ["questions", "hit@1", "hit@3", "mrr@10", "out_of_corpus_silent",
               "mean_passage_chars", "headings_ok", "top_heading_ok"]  # fmt: skip
    names = ["n", "hit@1", "hit@3", "MRR", "silent", "chars", "heads", "top"]
    lines = [f"  {'kind':<12}" + "".join(f"{name:>8}" for name in names)]
    for kind, metrics in rows.items():
        cells = [
            f"{metrics[c]:>8.0f}"
            if c in {"questions", "mean_passage_chars"}
            else f"{metrics[c]:>8.3f}"
            for c in columns
        ]
        lines.append(f"  {kind:<12}" + "".join(cells))
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Check what the bot needs, one line each, for monitoring: 0 when all is well."""
    failures = 0

    def report(ok: bool, line: str) -> None:
        nonlocal failures
        failures += not ok
        out.write(f"{'ok  ' if ok else 'FAIL'} {line}\n")

    report(True, f"settings: {settings!r}")
    try:
        opened = open_index(settings)
    except CorpusError as error:
        report(False, f"corpus: {error}")
    else:
        docs = len(opened.searcher.store.docs)
        how = "loaded" if opened.loaded else f"built ({opened.reason})"
        report(
            True, f"corpus {settings.corpus_dir}: {docs} documents, {len(opened.skipped)} skipped"
        )
        report(True, f"index: {len(opened.searcher)} passages, {how}")
    if settings.telegram_bot_token:
        from bot.telegram import app as telegram_app  # imported here: search commands start fast

        try:
            import asyncio  # only here: the terminal commands do without it

            name = asyncio.run(telegram_app.verify_token(replace(settings, startup_timeout=0)))
            report(True, f"Telegram: the token is accepted (@{name})")
        except StartupError as error:
            report(False, f"Telegram: {error}")
    else:
        report(True, "Telegram: TELEGRAM_BOT_TOKEN is not set (the terminal chat runs)")
    return 1 if failures else 0


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run the Telegram bot until it is stopped."""
    require_token(settings)
    from bot.telegram import app as telegram_app  # imported here: search commands start fast

    opened = open_index(settings)
    log.info("Serving %d passages from %s", len(opened.searcher), settings.corpus_dir)
    return telegram_app.run(settings, opened.searcher, opened.corpus)


def configure_logging(settings: Settings, command: str) -> None:
    """Log to stderr: the bot at LOG_LEVEL, other commands only warnings (unless DEBUG).

    HTTP client request lines (they hold the token) are off, and the token and the
    webhook secret are redacted from every record.
    """
    redaction.install([settings.telegram_bot_token, settings.webhook_secret])
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    quiet = command != "run" and settings.log_level != "DEBUG"
    root.setLevel(logging.WARNING if quiet else settings.log_level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


COMMANDS = {
    "run": cmd_run,
    "check": cmd_check,
    "ask": cmd_ask,
    "quote": cmd_quote,
    "chunks": cmd_chunks,
    "index": cmd_index,
    "chat": cmd_chat,
    "eval": cmd_eval,
}


def raw_token() -> str | None:
    """TELEGRAM_BOT_TOKEN as given (the environment, else .env), before any validation."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if token is None:
        token = dotenv_values(".env").get("TELEGRAM_BOT_TOKEN")
    return token.strip() if token else None


def warn_if_readable(path: Path) -> None:
    """Warn when the file holding the token can be read by every user of the machine."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & stat.S_IROTH:
        print(
            f"Warning: {path} is readable by every user of this machine "
            f"(mode {stat.S_IMODE(mode):o}); it holds the bot token: chmod 600 {path}",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; returns the process exit code."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        warn_if_readable(Path(".env"))
        redaction.install([raw_token()])  # before settings load: their errors quote values
        settings = load_settings()
        if getattr(args, "corpus", None) is not None:
            settings = replace(settings, corpus_dir=args.corpus)
        tokens.use_cache_dir(settings.cache_dir)
        command = args.command
        if command is None:
            command = "run" if settings.telegram_bot_token else "chat"
        configure_logging(settings, command)
        if args.command is None and command == "chat":
            print("TELEGRAM_BOT_TOKEN is not set: starting the terminal chat.", file=sys.stderr)
        return COMMANDS[command](args, settings, out)
    except (ConfigError, CorpusError, DatasetError, UsageError, StartupError) as error:
        print(f"Error: {redaction.redact(str(error))}", file=sys.stderr)
        return 1
