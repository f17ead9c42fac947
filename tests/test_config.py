"""Configuration: defaults, environment overrides, and one clear line for every mistake."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings
from tools import example_config

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "bot" / "default_config.toml").read_text("utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_shipped_config_toml_is_the_defaults_commented_out(tmp_path, monkeypatch):
    shipped = (ROOT / "config.toml").read_text("utf-8")
    assert shipped == example_config.render(GOOD), "run tools/example_config.py"
    assert set(tomllib.loads(shipped)) == {"event"}
    assert tomllib.loads(example_config.uncomment(shipped)) == tomllib.loads(GOOD)
    monkeypatch.chdir(tmp_path)
    assert load_settings(ROOT / "config.toml", environ={}).event == load_settings(environ={}).event


def test_defaults_describe_the_saidia_meeting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.event.code == "remacto-2024-saidia"
    assert settings.event.timezone == "Africa/Casablanca"
    assert settings.event.date.isoformat() == "2024-11-13"
    assert settings.event.place.fr == "Saïdia"
    assert settings.default_locale == "ar"
    assert settings.locales == ("ar", "fr", "en")
    assert settings.database_url == "sqlite:///tawasul.db"
    assert settings.telegram_token is None
    assert settings.collectivities_file.is_file()


def test_environment_overrides_and_secrets(tmp_path):
    path = write(tmp_path, GOOD)
    settings = load_settings(
        None,
        environ={
            "TAWASUL_CONFIG": str(path),
            "TAWASUL_DATABASE_URL": "postgresql://postgres@127.0.0.1/tawasul",
            "TELEGRAM_BOT_TOKEN": "123:secret",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
        },
    )
    assert settings.database_url == "postgresql://postgres@127.0.0.1/tawasul"
    assert settings.telegram_token == "123:secret"
    assert settings.telegram_api_base_url == "http://127.0.0.1:9/bot"
    assert "secret" not in repr(settings)


def test_a_token_in_the_file_is_refused_pointing_to_the_environment(tmp_path):
    path = write(tmp_path, GOOD.replace('bot_username = "TawasulBot"', 'token = "123:abc"'))
    with pytest.raises(ConfigError, match=r"telegram\.token: .*set TELEGRAM_BOT_TOKEN") as raised:
        load_settings(path, environ={})
    assert "123:abc" not in str(raised.value)


def test_roles_are_read():
    settings = load_settings(environ={})
    assert settings.roles.of("console", "organiser") == {"organiser"}
    assert settings.roles.of("telegram", "42") == frozenset()


BAD = [
    (GOOD.replace("[event]", "[event]\ncolour = 'blue'", 1), "event.colour: unknown key"),
    (GOOD + "\n[extra]\nx = 1\n", "[extra]: unknown section"),
    (GOOD.replace("date = 2024-11-13", 'date = "13/11/2024"'), "event.date: must be a date"),
    (
        GOOD.replace('locales = ["ar", "fr", "en"]', 'locales = ["ar", "xx"]'),
        "i18n.locales: unknown locale 'xx'",
    ),
    (
        GOOD.replace('locales = ["ar", "fr", "en"]', 'locales = ["ar", "de"]'),
        "i18n.locales: locale 'de' has no catalog",
    ),
    (
        GOOD.replace('default_locale = "ar"', 'default_locale = "fr_XX_YY"'),
        "i18n.default_locale: unknown locale",
    ),
    (
        GOOD.replace('"Africa/Casablanca"', '"Africa/Atlantis"'),
        "event.timezone: unknown time zone 'Africa/Atlantis'",
    ),
    (
        GOOD.replace('url = "sqlite:///tawasul.db"', "url = 5"),
        "database.url: must be a string, not an integer",
    ),
    (
        GOOD.replace('organisers = ["console:organiser"]', 'organisers = ["bob"]'),
        "roles.organisers: 'bob' is not 'channel:id'",
    ),
    (GOOD.replace('en = "REMACTO national meeting"', 'de = "x"'), "event.name.de: unknown locale"),
    (GOOD.replace('code = "remacto-2024-saidia"\n', ""), "event.code: missing"),
    (GOOD.replace('file = ""', 'file = "missing.csv"'), "collectivities.file:"),
    ("[event\n", "not valid TOML"),
    (
        GOOD.replace("rate_per_second = 30", "rate_per_second = 0"),
        "delivery.rate_per_second: must be between 1 and 1000",
    ),
    (
        GOOD.replace("rate_per_second = 30", "rate_per_second = '30'"),
        "delivery.rate_per_second: must be",
    ),
    (
        GOOD.replace("per_chat_per_second = 1", "per_chat_per_second = -1"),
        "delivery.per_chat_per_second: must be 0 (off) or between 0.01 and 1000",
    ),
    (
        GOOD.replace("per_chat_per_second = 1", 'per_chat_per_second = "1"'),
        "delivery.per_chat_per_second: must be a number, not a string",
    ),
    (
        GOOD.replace("per_chat_burst = 3", "per_chat_burst = 0"),
        "delivery.per_chat_burst: must be between 1 and 100",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_config_names_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text), environ={})
    assert message in str(raised.value)


def test_bad_config_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace('"Africa/Casablanca"', '"Mars/Olympus"'))
    assert main(["--config", str(path), "console"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "event.timezone" in error and "Traceback" not in error


def test_missing_config_file_exits_2(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml"), "run"]) == 2
    assert "not found" in capsys.readouterr().err


def test_run_without_a_token_says_how_to_set_one(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TAWASUL_DATABASE_URL": f"sqlite:///{tmp_path}/t.db"},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "tawasul console" in result.stderr


def test_config_toml_in_the_current_folder_is_used(tmp_path, monkeypatch):
    write(tmp_path, GOOD.replace('bot_username = "TawasulBot"', 'bot_username = "SaidiaBot"'))
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}).telegram_bot_username == "SaidiaBot"


CONFIG_GAPS = [
    (
        GOOD.replace('locales = ["ar", "fr", "en"]', 'locales = ["ar", "fr", "ar"]'),
        "i18n.locales: 'ar' is listed twice",
    ),
    (
        GOOD.replace('bot_username = "TawasulBot"', 'bot_username = "Tawasul"'),
        "telegram.bot_username: 'Tawasul' is not a Telegram bot username",
    ),
    (
        GOOD.replace('bot_username = "TawasulBot"', 'bot_username = "tw bot"'),
        "telegram.bot_username:",
    ),
    (
        GOOD.replace('bot_username = "TawasulBot"', 'bot_username = "abot"'),
        "telegram.bot_username:",
    ),
    (
        GOOD.replace('bot_username = "TawasulBot"', f'bot_username = "{"x" * 30}bot"'),
        "telegram.bot_username:",
    ),
    (
        GOOD.replace('"https://api.telegram.org/bot"', '"api.telegram.org/bot"'),
        "telegram.api_base_url: 'api.telegram.org/bot' is not an http(s) URL with a host",
    ),
    (
        GOOD.replace('"https://api.telegram.org/bot"', '"ftp://api.telegram.org/bot"'),
        "telegram.api_base_url:",
    ),
    (GOOD.replace('"https://api.telegram.org/bot"', '"https:///bot"'), "telegram.api_base_url:"),
    (
        GOOD.replace('url = "sqlite:///tawasul.db"', 'url = "not a url"'),
        "database.url: database URL 'not a url' is not a URL",
    ),
    (
        GOOD.replace('url = "sqlite:///tawasul.db"', 'url = "mysql://me:hunter2@db/x"'),
        "database.url: database URL mysql://me:***@db/x: unsupported database 'mysql'",
    ),
]


@pytest.mark.parametrize(("text", "message"), CONFIG_GAPS)
def test_configuration_gaps_are_refused(tmp_path, text, message):
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text), environ={})
    assert message in str(raised.value)
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize("name", ["TawasulBot", "@TawasulBot", "my_event_2024_BOT", "abcbot"])
def test_valid_bot_usernames_are_kept_without_the_at(tmp_path, name):
    text = GOOD.replace('bot_username = "TawasulBot"', f'bot_username = "{name}"')
    assert load_settings(write(tmp_path, text), environ={}).telegram_bot_username == name.lstrip(
        "@"
    )


def test_a_malformed_api_base_url_from_the_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"^TELEGRAM_API_BASE_URL: 'localhost:8081' is not"):
        load_settings(write(tmp_path, GOOD), environ={"TELEGRAM_API_BASE_URL": "localhost:8081"})


def test_a_relative_sqlite_path_is_taken_from_the_config_folder(tmp_path, monkeypatch):
    folder = tmp_path / "other"
    folder.mkdir()
    write(folder, GOOD)
    monkeypatch.chdir(tmp_path)
    settings = load_settings("other/config.toml", environ={})
    assert settings.database_url == f"sqlite:///{folder / 'tawasul.db'}"


def test_a_relative_sqlite_path_in_the_environment_stays_with_the_current_folder(tmp_path):
    environ = {"TAWASUL_DATABASE_URL": "sqlite:///here.db"}
    settings = load_settings(write(tmp_path, GOOD), environ=environ)
    assert settings.database_url == "sqlite:///here.db"


def test_absolute_and_postgresql_urls_are_kept(tmp_path):
    for url in (f"sqlite:///{tmp_path}/a.db", "postgresql://postgres:pw@127.0.0.1:5432/x"):
        text = GOOD.replace('url = "sqlite:///tawasul.db"', f'url = "{url}"')
        assert load_settings(write(tmp_path, text), environ={}).database_url == url


def test_the_pace_per_chat_is_read_defaults_to_telegrams_guidance_and_can_be_off(tmp_path):
    defaults = load_settings(environ={})
    assert (defaults.delivery_per_chat_per_second, defaults.delivery_per_chat_burst) == (1.0, 3)
    slower = GOOD.replace("per_chat_per_second = 1", "per_chat_per_second = 0.5").replace(
        "per_chat_burst = 3", "per_chat_burst = 2"
    )
    settings = load_settings(write(tmp_path, slower), environ={})
    assert (settings.delivery_per_chat_per_second, settings.delivery_per_chat_burst) == (0.5, 2)
    off = GOOD.replace("per_chat_per_second = 1", "per_chat_per_second = 0")
    assert load_settings(write(tmp_path, off), environ={}).delivery_per_chat_per_second is None


def test_the_delivery_rate_is_read_and_defaults_to_telegrams_30(tmp_path):
    assert load_settings(environ={}).delivery_rate_per_second == 30
    settings = load_settings(
        write(tmp_path, GOOD.replace("rate_per_second = 30", "rate_per_second = 20")), environ={}
    )
    assert settings.delivery_rate_per_second == 20


def test_what_a_file_leaves_out_keeps_its_default(tmp_path):
    event_only = GOOD.split("[i18n]")[0] + '[roles]\norganisers = ["telegram:42"]\n'
    settings = load_settings(write(tmp_path, event_only), environ={})
    assert settings.roles.of("telegram", "42") == {"organiser"}
    assert settings.roles.of("console", "facilitator") == {"facilitator"}
    assert settings.locales == ("ar", "fr", "en")
    assert settings.privacy.retention_months == 24
    assert settings.delivery_rate_per_second == 30
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'tawasul.db'}"
