"""``tawasul explain date TEXT`` as an organiser or a translator checks a typed deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from test_agenda_config import config

from bot.cli import main


@pytest.fixture
def run(tmp_path, capsys):
    """``tawasul --config <a config in tmp_path> explain date ARGS``: (code, stdout, stderr)."""

    def tawasul(*arguments: str, timezone: str = "Africa/Casablanca") -> tuple[int, str, str]:
        path = config(tmp_path)
        path.write_text(path.read_text("utf-8").replace("Africa/Casablanca", timezone), "utf-8")
        code = main(["--config", str(path), "explain", "date", *arguments])
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


def test_a_date_then_the_reason_and_its_words(run):
    assert run("قبل شهر مارس", "--today", "2024-11-13") == (
        0,
        '2025-03-31\na month or a year: its last day (from "قبل شهر مارس")\n',
        "",
    )


def test_eastern_digits_read_day_first(run):
    code, out, _ = run("٣١/١٢/٢٠٢٤", "--today", "2024-11-13")
    assert (code, out) == (0, '2024-12-31\na full date, day first (from "31/12/2024")\n')


def test_an_ambiguous_text_lists_the_dates_to_offer_with_their_reasons(run):
    code, out, _ = run("نونبر", "--today", "2024-11-13")
    assert code == 0
    assert out == (
        "ambiguous\n"
        "a month without a year, and today is in it: this one or next year's?"
        ' (from "نونبر")\n'
        "2024-11-30\ta month or a year: its last day\n"
        "2025-11-30\ta month or a year: its last day\n"
    )
    _, out, _ = run("15", "--today", "2024-11-13")
    assert out.splitlines()[2:] == [
        "2024-11-15\ta day without a year: its next occurrence, today included",
        "2024-11-28\ta duration from today",
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("31/12/2023", ["invalid", 'in the past, 2023-12-31 (from "31/12/2023")']),
        (
            "31/02/2025",
            [
                "invalid",
                'no such date (numeric dates are day first, never month first) (from "31/02/2025")',
            ],
        ),
        ("bientôt", ["invalid", 'not a date: ask for one (from "bientôt")']),
        (
            "بعد عيد الأضحى",
            [
                "invalid",
                "a Hijri event, whose start depends on the moon: ask for a date"
                ' (from "عيد الأضحى")',
            ],
        ),
        ("je ne sais pas", ["invalid", "no date understood: ask for one"]),
    ],
)
def test_a_refusal_says_why(run, text, lines):
    code, out, err = run(text, "--today", "2024-11-13")
    assert (code, out.splitlines(), err) == (0, lines, "")


def test_the_persons_language_decides_a_shared_month_name(run):
    assert run("dec 24", "--today", "2024-11-13")[1].splitlines()[0] == "2024-12-24"
    assert run("dec 24", "--today", "2024-11-13", "--lang", "fr")[1].splitlines() == [
        "ambiguous",
        'a month and a two-digit number: a day or a year? (from "dec 24")',
        "2024-12-24\ta day without a year: its next occurrence, today included",
        "2024-12-31\ta month or a year: its last day",
    ]


@pytest.mark.parametrize("zone", ["Africa/Casablanca", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_by_default_the_local_day_of_the_event(run, zone):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) never share a day: the zone is the event's."""
    before = datetime.now(ZoneInfo(zone)).date()
    code, out, _ = run("0 jours", timezone=zone)
    after = datetime.now(ZoneInfo(zone)).date()
    assert code == 0
    assert out.splitlines()[0] in (before.isoformat(), after.isoformat())


@pytest.mark.parametrize("today", ["2024-02-30", "13/11/2024", "20241113", "2024-W46-3", "x"])
def test_a_bad_today_is_one_line_and_exit_2(run, today):
    with pytest.raises(SystemExit) as stopped:
        run("fin mars", "--today", today)
    assert stopped.value.code == 2


def test_a_bad_today_names_the_option(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["explain", "date", "fin mars", "--today", "2024-02-30"])
    err = capsys.readouterr().err
    assert err == (
        "tawasul explain date: argument --today: '2024-02-30' is not a day written"
        " YYYY-MM-DD (see tawasul explain date --help)\n"
    )


def test_explain_date_needs_a_text(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["explain", "date"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert "the following arguments are required: TEXT" in err
    assert err.count("\n") == 1
