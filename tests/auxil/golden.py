"""Whole-output assertions against files under tests/data/golden/: a changed reply or
output fails its test with the difference, and `UPDATE_GOLDEN=1 pytest …` rewrites the
files after a change meant to show (review them with `git diff`)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def assert_golden(name: str, actual: str) -> None:
    """`actual` must equal the file `name`, character for character."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no {path}: run the test with UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), str(path), "actual", lineterm=""
        )
        raise AssertionError("\n".join(diff))
