"""Settings: defaults, parsing, and errors that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.config import FLOATS, INTS, ConfigError, Settings, load_settings
from tests.auxil.telegram_harness import TOKEN
from tests.conftest import ROOT


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.corpus_dir == Path("corpus")
    assert settings.top_k == 3
    assert settings.telegram_bot_token is None


def test_values_are_parsed() -> None:
    settings = load_settings(
        {"TOP_K": "5", "CORPUS_DIR": "/data/docs", "BM25_K1": "1.5", "TELEGRAM_BOT_TOKEN": TOKEN}
    )
    assert (settings.top_k, settings.corpus_dir, settings.bm25_k1) == (5, Path("/data/docs"), 1.5)
    assert settings.telegram_bot_token == TOKEN


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"TOP_K": "three"}, "TOP_K"),
        ({"TOP_K": "0"}, "TOP_K"),
        ({"BM25_B": "2"}, "BM25_B"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_CACHE_DIR": __file__}, "BOT_CACHE_DIR"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.key == key
    assert str(caught.value).startswith(key)


def test_token_never_appears_in_repr() -> None:
    assert TOKEN not in repr(load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}))


def test_dotenv_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TOP_K=7\nCORPUS_DIR=docs\n", encoding="utf-8")
    monkeypatch.setenv("TOP_K", "4")
    settings = load_settings(dotenv_path=env_file)
    assert settings.top_k == 4
    assert settings.corpus_dir == Path("docs")


def test_id_lists_are_parsed_and_checked() -> None:
    settings = load_settings({"ADMIN_IDS": "1, 2;3", "ALLOWED_CHAT_IDS": "-1001234"})
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert settings.allowed_chat_ids == frozenset({-1001234})
    with pytest.raises(ConfigError) as caught:
        load_settings({"ALLOWED_USER_IDS": "12,abc"})
    assert caught.value.key == "ALLOWED_USER_IDS"


def test_cache_dir_from_the_setting_or_the_xdg_cache() -> None:
    assert load_settings({"BOT_CACHE_DIR": "/srv/cache"}).cache_dir == Path("/srv/cache")
    assert load_settings({"XDG_CACHE_HOME": "/x"}).cache_dir == Path("/x/docbot")


class RecordingEnv(dict[str, str]):
    """An environment that remembers every key asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)


def test_every_setting_is_documented_in_env_example() -> None:
    env = RecordingEnv()
    load_settings(env)
    example = dotenv_values(ROOT / ".env.example")
    set_by_others = {"XDG_CACHE_HOME", "STATE_DIRECTORY", "CACHE_DIRECTORY"}  # XDG, systemd
    assert env.asked - set_by_others <= set(example), env.asked - set(example)
    assert len(env.asked) >= 20
    load_settings({k: v for k, v in example.items() if v})  # and its values are valid


def test_under_systemd_the_index_and_cache_go_to_the_service_folders() -> None:
    systemd = {"STATE_DIRECTORY": "/var/lib/docbot", "CACHE_DIRECTORY": "/var/cache/docbot"}
    settings = load_settings({**systemd, "INDEX_DIR": "", "BOT_CACHE_DIR": ""})  # empty in .env
    assert settings.index_dir == Path("/var/lib/docbot/index")
    assert settings.cache_dir == Path("/var/cache/docbot")
    chosen = load_settings({**systemd, "INDEX_DIR": "/srv/index", "BOT_CACHE_DIR": "/srv/cache"})
    assert (chosen.index_dir, chosen.cache_dir) == (Path("/srv/index"), Path("/srv/cache"))


def test_env_example_shows_each_numeric_default_as_the_table_defines_it() -> None:
    example = dotenv_values(ROOT / ".env.example")
    shown = 0
    for setting in [*INTS.values(), *FLOATS.values()]:
        value = example.get(setting.key)
        if value:  # BUILD_WORKERS is left empty there: its default is the machine's cores
            assert float(value) == setting.default, setting.key
            shown += 1
    assert shown >= 15
    defaults = Settings()
    for name, setting in [*INTS.items(), *FLOATS.items()]:
        assert getattr(defaults, name) == setting.default == getattr(load_settings({}), name)
