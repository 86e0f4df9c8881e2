"""The data flows one way: only the adapters import front-end libraries."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0] if node.level == 0 else node.module)
    return names


def module_level_imports(path: Path) -> set[str]:
    """The packages a module imports when it is imported (not inside its functions)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


ADAPTER = BOT / "telegram"


def test_only_the_telegram_adapter_imports_telegram() -> None:
    adapter = set(ADAPTER.glob("*.py"))
    assert {ADAPTER / "app.py", ADAPTER / "handlers.py"} <= adapter  # the check has teeth
    assert any("telegram" in imported_modules(path) for path in adapter)
    for path in BOT.rglob("*.py"):
        if path not in adapter:
            assert "telegram" not in imported_modules(path), path.name


def test_the_search_core_never_imports_the_adapters() -> None:
    for path in BOT.rglob("*.py"):
        if ADAPTER not in path.parents and path.name not in {"cli.py", "__main__.py"}:
            assert not any(m.startswith("bot.telegram") for m in imported_modules(path)), path.name


def test_only_the_engines_import_ranking_and_segmenting_libraries() -> None:
    owners = {"rank_bm25": "search/reference.py", "numba": "search/kernel.py"}
    owners |= {"rjieba": "search/segmenter.py", "bm25s": None, "jieba": None}
    for path in BOT.rglob("*.py"):
        where = path.relative_to(BOT).as_posix()
        for module in imported_modules(path) & set(owners):
            assert owners[module] == where, (where, module)


def test_the_core_never_imports_the_command_line() -> None:
    for path in BOT.rglob("*.py"):
        if path.name not in {"cli.py", "__main__.py"}:
            modules = imported_modules(path)
            assert "bot.cli" not in modules and "argparse" not in modules, path.name


def test_documents_and_passages_come_before_search() -> None:
    """Reading documents and cutting passages never depends on how they are searched."""
    upstream = [*(BOT / "documents").glob("*.py"), BOT / "passages.py"]
    assert len(upstream) >= 3  # the check has teeth
    for path in upstream:
        modules = imported_modules(path)
        assert not any(m.startswith(("bot.search", "bot.render")) for m in modules), path.name


def test_every_format_reader_is_one_module_in_the_suffix_table() -> None:
    """A format is one module of bot/documents with its SUFFIXES and a read_… function,
    listed in readers.READERS; the format libraries are imported inside the readers."""
    import importlib

    from bot.documents.readers import READERS

    infrastructure = {"__init__", "corpus", "outline", "readers", "reading", "pdf_layout"}
    modules = [p.stem for p in (BOT / "documents").glob("*.py") if p.stem not in infrastructure]
    assert len(modules) >= 4  # text, Word, PDF, web pages
    for name in modules:
        module = importlib.import_module(f"bot.documents.{name}")
        for suffix in module.SUFFIXES:
            assert READERS[suffix].__module__ == module.__name__, suffix
        top_level = module_level_imports(BOT / "documents" / f"{name}.py")
        assert not top_level & {"docx", "pdfminer", "readability", "lxml"}, name


def test_tests_never_import_benchmarks_and_nothing_edits_sys_path() -> None:
    """Benchmarks import the package and tests/auxil; tests never import benchmarks; no
    module reaches for sys.path (benchmarks run as `python -m benchmarks.<name>`)."""
    root = BOT.parent
    tests = [p for p in (root / "tests").rglob("*.py")]
    assert len(tests) >= 30  # the check has teeth
    for path in tests:
        assert not any(m.startswith("benchmarks") for m in imported_modules(path)), path.name
    edit = re.compile(r"sys\.path\.(insert|append)|sys\.path\s*=")
    for path in [*tests, *(root / "benchmarks").rglob("*.py"), *BOT.rglob("*.py")]:
        assert not edit.search(path.read_text(encoding="utf-8")), path.name
