"""`python -m bot run` as a real process against the fake Bot API: start-up, logs, shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.auxil.fake_bot_api import FakeBotAPI
from tests.auxil.telegram_harness import TOKEN
from tests.conftest import SEED_CORPUS

USER = {"id": 77, "is_bot": False, "first_name": "Wang"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """A clean environment for `python -m bot`: the seed corpus, DEBUG logs, `env` on top."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CORPUS_DIR": str(SEED_CORPUS),
        "LOG_LEVEL": "DEBUG",
        "INDEX_DIR": str(tmp_path / "index"),
        **env,
    }


def start(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    environment = process_env(tmp_path, **env)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *(["run"] if "NO_SUBCOMMAND" not in env else [])],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(
    process: subprocess.Popen[str], signal_number: int = signal.SIGTERM
) -> tuple[int, str, float]:
    began = time.monotonic()
    process.send_signal(signal_number)
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return process.returncode, output, time.monotonic() - began


def private_message(text: str) -> dict:
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": text,
            "from": USER,
            "chat": {"id": USER["id"], "type": "private", "first_name": "Wang"},
        }
    }


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_polling_bot_answers_soon_stops_cleanly_and_never_logs_the_token(
    fake: FakeBotAPI, tmp_path: Path, stop_signal: int
) -> None:
    began = time.monotonic()
    process = start(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url, NO_SUBCOMMAND="1"
    )
    try:
        fake.wait_for("setMyCommands", 2, timeout=20)
        fake.push(private_message("年轻干部应该去哪里历练"))
        answer = fake.wait_for("sendMessage", timeout=10)[0]
        answered_after = time.monotonic() - began
    finally:
        code, output, stopping = stop(process, stop_signal)
    assert "<b>历练</b>" in answer.params["text"]
    assert answered_after < 10  # generous for a loaded CI machine; ~1.5 s measured here
    assert code == 0, output
    assert stopping < 10
    assert "getUpdates" in output  # the DEBUG log did record requests…
    assert TOKEN not in output  # …but never the token
    assert TOKEN.split(":")[1] not in output


def test_run_without_token_names_the_setting(tmp_path: Path) -> None:
    process = start(tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "Error: TELEGRAM_BOT_TOKEN" in output


def test_malformed_token_names_the_setting(tmp_path: Path) -> None:
    process = start(tmp_path, TELEGRAM_BOT_TOKEN="12345")
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "Error: TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output


def post_update(port: int, update: dict, secret: str | None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hook",
        data=json.dumps(update).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def post_raw(port: int, body: bytes, content_type: str, secret: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hook",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (ConnectionError, urllib.error.URLError):
        return 413  # the server hung up on a body over its limit


def test_webhook_mode_checks_the_secret_and_answers(fake: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    process = start(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_SECRET="s3cret-value",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    try:
        set_webhook = fake.wait_for("setWebhook", timeout=20)[0]
        assert set_webhook.params["url"] == "https://bot.example.org/hook"
        assert set_webhook.params["secret_token"] == "s3cret-value"
        update = {"update_id": 1, **private_message("灯下黑")}
        for _ in range(50):  # the listener comes up right after setWebhook
            try:
                status = post_update(port, update, "WRONG-SECRET-XYZ")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 403
        assert post_update(port, update, None) == 403  # no secret at all
        assert post_raw(port, b"{}", "text/plain", "s3cret-value") == 403  # not JSON
        assert post_raw(port, b"{ECHO-MARKER", "application/json", "s3cret-value") >= 400
        assert post_raw(port, b"[1, 2]", "application/json", "s3cret-value") >= 400
        big = json.dumps({"update_id": 9, "x": "ECHO-MARKER" * 200_000}).encode()
        assert post_raw(port, big, "application/json", "s3cret-value") in (400, 413)  # > 1 MiB
        assert (
            post_update(port, {"update_id": 2, **private_message("灯下黑")}, "s3cret-value") == 200
        )
        answer = fake.wait_for("sendMessage", timeout=10)[0]
    finally:
        code, output, _ = stop(process)
    assert "<b>灯下黑</b>" in answer.params["text"]
    assert len(fake.sent("sendMessage")) == 1  # only the good update was processed
    assert code == 0, output
    assert TOKEN not in output
    assert "WRONG-SECRET-XYZ" not in output and "ECHO-MARKER" not in output
    assert "xxxxxxxx" not in output


def run_to_end(tmp_path: Path, *command: str, **env: str) -> tuple[int, str]:
    """Run `python -m bot <command>` to its end; its exit code and every byte it wrote."""
    environment = process_env(tmp_path, **env)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def test_a_rejected_token_is_one_line_and_never_printed(fake: FakeBotAPI, tmp_path: Path) -> None:
    other = "111111111:AAOtherTokenTelegramWillRejectxxxxxxx"
    code, output = run_to_end(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=other, TELEGRAM_API_BASE_URL=fake.base_url
    )
    assert code == 1
    assert error_lines(output) == [
        "Error: Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized): copy the token again "
        "from @BotFather (/mybots → API Token); it may have been revoked"
    ]
    assert "Traceback" not in output
    assert other not in output and other.split(":")[1] not in output


def test_an_unreachable_bot_api_is_retried_then_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens there
    began = time.monotonic()
    code, output = run_to_end(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=closed,
        STARTUP_TIMEOUT="3",
    )
    assert code == 1 and time.monotonic() - began < 30
    (line,) = error_lines(output)
    assert line.startswith(f"Error: cannot reach the Telegram Bot API at {closed}")
    assert line.endswith("after 3 s; check the network, a proxy, or TELEGRAM_API_BASE_URL")
    assert "retrying in 1 s" in output and "retrying in 2 s" in output  # backed off
    assert "Traceback" not in output and TOKEN not in output


def test_a_webhook_port_in_use_is_named_before_set_webhook(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code, output = run_to_end(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            WEBHOOK_URL="https://bot.example.org/hook",
            WEBHOOK_SECRET="s3cret-value",
            WEBHOOK_PORT=str(port),
        )
    assert code == 1
    (line,) = error_lines(output)
    assert line.startswith(f"Error: WEBHOOK_PORT {port} is in use on 127.0.0.1")
    assert not fake.sent("setWebhook") and TOKEN not in output and "s3cret-value" not in output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "Error: WEBHOOK_SECRET: is required"),
        (
            {"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": "abc"},
            "Error: WEBHOOK_URL: must be https://",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.org:8080/hook", "WEBHOOK_SECRET": "abc"},
            "Error: WEBHOOK_URL: port 8080 is not one Telegram posts to (443, 80, 88, 8443)",
        ),
        ({"CORPUS_DIR": "/nonexistent/corpus"}, "Error: "),
        (
            {"WEBHOOK_URL": f"http://bot.example.org/{TOKEN}", "WEBHOOK_SECRET": "abcdefgh"},
            "Error: WEBHOOK_URL: must be https:// (Telegram posts only there), got "
            "'http://bot.example.org/[REDACTED]'",
        ),
    ],
)
def test_a_bad_start_is_one_line_naming_the_setting(
    fake: FakeBotAPI, tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    code, output = run_to_end(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url, **env
    )
    assert code == 1
    (line,) = error_lines(output)
    assert line.startswith(expected), output
    assert "Traceback" not in output and TOKEN not in output and "abc" not in output
    assert not fake.sent("setWebhook")


def test_check_reports_and_exits_for_monitoring(fake: FakeBotAPI, tmp_path: Path) -> None:
    code, output = run_to_end(
        tmp_path, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url
    )
    assert code == 0, output
    lines = [line for line in output.splitlines() if line[:4] in ("ok  ", "FAIL")]
    assert [line[:4] for line in lines] == ["ok  "] * 4
    assert lines[1].startswith(f"ok   corpus {SEED_CORPUS}: 1 documents, 0 skipped")
    assert lines[3] == "ok   Telegram: the token is accepted (@docs_test_bot)"
    other = "111111111:AAOtherTokenTelegramWillRejectxxxxxxx"
    code, output = run_to_end(
        tmp_path, "check", TELEGRAM_BOT_TOKEN=other, TELEGRAM_API_BASE_URL=fake.base_url
    )
    assert code == 1 and "FAIL Telegram: Telegram rejected TELEGRAM_BOT_TOKEN" in output
    assert other not in output
    code, output = run_to_end(tmp_path, "check", CORPUS_DIR=str(tmp_path / "nothing"))
    assert code == 1 and "FAIL corpus:" in output


def test_a_world_readable_env_file_gets_a_warning(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TOP_K=3\n", encoding="utf-8")
    env_file.chmod(0o644)
    _, output = run_to_end(tmp_path, "ask", "灯下黑")
    assert "Warning: .env is readable by every user of this machine (mode 644)" in output
    env_file.chmod(0o600)
    _, output = run_to_end(tmp_path, "ask", "灯下黑")
    assert "Warning" not in output
