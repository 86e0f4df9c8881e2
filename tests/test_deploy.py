"""deploy/docbot.service: its key lines always; systemd's own check where systemd-analyze is."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "docbot.service"
HOME = "/opt/docbot"  # where the unit expects the repository


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Section → its (key, value) lines in order (a key may repeat, as systemd allows)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"a line outside any section: {raw!r}"
        assert "=" in line, f"not a key=value line: {raw!r}"
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [value for name, value in section if name == key]


def one(section: list[tuple[str, str]], key: str) -> str:
    found = values(section, key)
    assert len(found) == 1, f"{key}= should be set once, found {found}"
    return found[0]


def environment(section: list[tuple[str, str]]) -> dict[str, str]:
    words = [word for line in values(section, "Environment") for word in shlex.split(line)]
    return dict(word.split("=", 1) for word in words)


SECTIONS = parse_unit(UNIT.read_text(encoding="utf-8"))
SERVICE = SECTIONS["Service"]


def test_the_unit_runs_the_bot_from_the_venv_as_a_user() -> None:
    assert one(SERVICE, "User") not in {"", "root", "0"}
    assert one(SERVICE, "Group") not in {"", "root", "0"}
    assert one(SERVICE, "WorkingDirectory") == HOME
    assert one(SERVICE, "ExecStart") == f"{HOME}/.venv/bin/python -m bot run"
    assert one(SERVICE, "EnvironmentFile") == f"{HOME}/.env"
    assert one(SECTIONS["Install"], "WantedBy") == "multi-user.target"


def test_the_unit_restarts_on_failure_and_stops_with_sigterm() -> None:
    assert one(SERVICE, "Restart") == "on-failure"
    assert float(one(SERVICE, "RestartSec")) > 0
    assert one(SERVICE, "KillSignal") == "SIGTERM"  # the bot stops cleanly on it
    assert float(one(SERVICE, "TimeoutStopSec")) >= 10


def test_the_unit_is_hardened_and_can_write_its_index_and_cache() -> None:
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert one(SERVICE, key) == value, key
    writable = {path for line in values(SERVICE, "ReadWritePaths") for path in line.split()}
    assert f"/var/lib/{one(SERVICE, 'StateDirectory')}" in writable
    assert f"/var/cache/{one(SERVICE, 'CacheDirectory')}" in writable
    env = environment(SERVICE)
    for key in ("INDEX_DIR", "BOT_CACHE_DIR"):  # all the bot writes, but for PrivateTmp's /tmp
        path = Path(env[key])
        assert any(path == Path(root) or Path(root) in path.parents for root in writable), key


def test_the_units_settings_are_the_bots() -> None:
    """A setting renamed in the bot would leave the unit's Environment= line silently unused."""
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    for key in environment(SERVICE):
        if not key.startswith("PYTHON"):
            assert f"\n{key}=" in documented, key


def test_the_units_command_exists() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: python -m bot run" in result.stdout


def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    """systemd's own parser: unknown keys, bad values, a program that is not there."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on PATH")
    home = tmp_path / "opt-docbot"  # the repository's layout, where the test can make it
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (home / ".env").write_text("", encoding="utf-8")
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(HOME, str(home)), encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""},
    )
    output = result.stdout + result.stderr
    about_unit = [line for line in output.splitlines() if UNIT.name in line or str(unit) in line]
    assert result.returncode == 0, output
    assert about_unit == [], output
