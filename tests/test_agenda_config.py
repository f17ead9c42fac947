"""[agenda] and [reminders] in the configuration: read, checked, and one line when wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import SHIPPED_AGENDA, ConfigError, load_settings
from domain.agenda import load

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = SHIPPED_AGENDA.read_text("utf-8")

EVENT = """\
[event]
code = "remacto-2024-saidia"
name = { ar = "اللقاء الوطني", fr = "Rencontre nationale", en = "National meeting" }
date = DATE
place = { ar = "السعيدية", fr = "Saïdia", en = "Saïdia" }
timezone = "Africa/Casablanca"
"""


def config(tmp_path: Path, extra: str = "", day: str = "2024-11-13") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EVENT.replace("DATE", day) + extra, "utf-8")
    return path


def test_the_shipped_draft_by_default(tmp_path):
    settings = load_settings(config(tmp_path, '[agenda]\nfile = ""\n'), environ={})
    assert settings.agenda_file == SHIPPED_AGENDA
    assert [session.code for session in settings.agenda.sessions][:2] == ["welcome", "icebreaker"]
    assert load_settings(config(tmp_path), environ={}).agenda == settings.agenda
    assert settings.reminders.before_event == (timedelta(hours=24), timedelta(hours=1))
    assert settings.reminders.before_session == (timedelta(minutes=10),)


def test_the_embedded_defaults_name_the_shipped_draft_and_the_default_offsets():
    embedded = (ROOT / "bot" / "default_config.toml").read_text("utf-8")
    assert "[agenda]\n" in embedded and 'before_event = ["24h", "1h"]' in embedded
    assert 'before_session = ["10m"]' in embedded


def test_an_agenda_file_next_to_the_config_file(tmp_path, monkeypatch):
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "programme.toml").write_text(SHIPPED.replace("Grande salle", "Salle A"), "utf-8")
    path = config(folder, '[agenda]\nfile = "programme.toml"\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings(path, environ={})
    assert settings.agenda_file == folder / "programme.toml"
    assert settings.agenda.sessions[0].place.fr == "Salle A"


def test_a_csv_agenda_file(tmp_path):
    from test_agenda import CSV

    (tmp_path / "programme.csv").write_text(CSV, "utf-8")
    settings = load_settings(config(tmp_path, '[agenda]\nfile = "programme.csv"\n'), environ={})
    assert [session.code for session in settings.agenda.sessions] == ["welcome", "closing"]


def test_a_missing_agenda_file(tmp_path):
    with pytest.raises(ConfigError, match=r"^agenda.file: .*nowhere.toml not found$"):
        load_settings(config(tmp_path, '[agenda]\nfile = "nowhere.toml"\n'), environ={})


def test_a_bad_agenda_is_one_line_with_its_first_problems(tmp_path, capsys):
    bad = SHIPPED.replace("ends = 2024-11-13T14:45:00", "ends = 2024-11-13T14:20:00", 1)
    bad = bad.replace('title.en = "Break"\n', "").replace('code = "closing"', 'code = "welcome"')
    bad = bad.replace('at = "+2m"\nkind = "poll"', 'at = "+20m"\nkind = "poll"')
    (tmp_path / "agenda.toml").write_text(bad, "utf-8")
    path = config(tmp_path, '[agenda]\nfile = "agenda.toml"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(path, environ={})
    message = str(raised.value)
    file = tmp_path / "agenda.toml"
    assert message == (
        f"agenda.file {file}: 5 problems: "
        "session welcome: the code is used by 2 sessions: give each its own; "
        "session welcome: ends at 14:20, not after it starts (14:30); "
        "session welcome, prompt checkin: due at 14:35 (+5m), outside its session (14:30–14:20); "
        f"and 2 more; see them all with: tawasul agenda check {file}"
    )
    assert main(["--config", str(path), "agenda", "show"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tawasul: configuration error: agenda.file")


def test_a_named_agenda_must_be_for_the_event_day(tmp_path):
    (tmp_path / "agenda.toml").write_text(SHIPPED, "utf-8")
    path = config(tmp_path, '[agenda]\nfile = "agenda.toml"\n', day="2025-03-10")
    with pytest.raises(ConfigError) as raised:
        load_settings(path, environ={})
    file = tmp_path / "agenda.toml"
    assert str(raised.value) == (
        f"agenda.file {file}: 1 problem: the sessions are on 2024-11-13, not on the event day "
        f"2025-03-10; see them all with: tawasul agenda check {file}"
    )


def test_the_shipped_draft_moves_to_the_event_day_at_the_same_local_times(tmp_path):
    """A proposed format, not a date: on 10 March 2025 (Ramadan, +00:00) it starts at 14:30
    local, 14:30 UTC, where in November 14:30 is 13:30 UTC."""
    agenda = load_settings(config(tmp_path, day="2025-03-10"), environ={}).agenda
    welcome = agenda.sessions[0]
    assert f"{welcome.starts:%Y-%m-%d %H:%M}" == "2025-03-10 14:30"
    assert welcome.starts_utc == datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
    assert f"{agenda.sessions[-1].ends:%H:%M}" == "17:30"
    checkin = welcome.prompts[0]
    assert checkin.due_utc == datetime(2025, 3, 10, 14, 35, tzinfo=UTC)
    assert [f"{prompt.due:%H:%M}" for _, prompt in agenda.prompts()] == [
        f"{prompt.due:%H:%M}" for _, prompt in load(SHIPPED).prompts()
    ]


def test_reminder_offsets_are_read_longest_first(tmp_path):
    extra = '[reminders]\nbefore_event = ["1h", "2d", "90m"]\nbefore_session = []\n'
    reminders = load_settings(config(tmp_path, extra), environ={}).reminders
    assert reminders.before_event == (timedelta(days=2), timedelta(minutes=90), timedelta(hours=1))
    assert reminders.before_session == ()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            'before_event = ["10"]',
            "reminders.before_event: '10' is not a duration (write it like 24h, 1h30m, 10m or 90s)",
        ),
        ('before_session = ["0s"]', "reminders.before_session: '0s' must be from 1s to 30d"),
        ('before_event = ["31d"]', "reminders.before_event: '31d' must be from 1s to 30d"),
        (
            'before_event = ["1h", "60m"]',
            "reminders.before_event: 1h is listed twice (name each once)",
        ),
        ("before_session = [10]", 'reminders.before_session: 10 is not a duration such as "10m"'),
        ('before_session = "10m"', "reminders.before_session: must be a list, not a string"),
        ('after = ["1h"]', "reminders.after: unknown key"),
    ],
)
def test_bad_reminder_offsets_name_the_key(tmp_path, section, message):
    with pytest.raises(ConfigError) as raised:
        load_settings(config(tmp_path, f"[reminders]\n{section}\n"), environ={})
    assert str(raised.value) == message


def test_agenda_check_runs_while_the_configured_agenda_is_wrong(tmp_path, capsys):
    (tmp_path / "agenda.toml").write_text("[[session]]\n", "utf-8")
    path = config(tmp_path, '[agenda]\nfile = "agenda.toml"\n')
    assert main(["--config", str(path), "agenda", "check", str(SHIPPED_AGENDA)]) == 0
    assert capsys.readouterr().out.endswith("OK, 9 sessions and 15 prompts on 2024-11-13\n")
