"""The agenda as data: reading it, checking it, and where an instant falls in it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bidi import lines_laid_out_left_to_right

from domain.agenda import (
    Agenda,
    AgendaInvalid,
    Audience,
    Phase,
    PromptKind,
    check,
    load,
    parse_csv,
    parse_toml,
)
from domain.durations import format_duration, parse_duration
from locales.typography import french_typography

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "bot" / "data" / "agenda.toml").read_text("utf-8")
DAY = date(2024, 11, 13)


def texts(key: str, ar: str = "نص", fr: str = "Texte", en: str = "Text") -> str:
    return f'{key} = {{ ar = "{ar}", fr = "{fr}", en = "{en}" }}\n'


def session(code: str, starts: str, ends: str, extra: str = "") -> str:
    """A ``[[session]]`` table on the event day, times as ``HH:MM``."""
    return (
        f'[[session]]\ncode = "{code}"\n'
        f"starts = 2024-11-13T{starts}:00\nends = 2024-11-13T{ends}:00\n"
        + texts("title", "عنوان", "Titre", "Title")
        + texts("place", "القاعة", "Salle", "Hall")
        + extra
    )


def prompt(code: str, at: str, kind: str = "question", extra: str = "") -> str:
    return (
        f'[[session.prompt]]\ncode = "{code}"\nat = {at}\nkind = "{kind}"\n'
        + texts("text", "سؤال", "Question", "Question")
        + extra
    )


def problems_of(text: str, day: date = DAY) -> list[str]:
    agenda, problems = parse_toml(text)
    return [str(problem) for problem in problems + check(agenda, day)]


# the shipped draft


def test_the_shipped_agenda_passes_its_own_check():
    agenda = load(SHIPPED, day=DAY)
    codes = [session.code for session in agenda.sessions]
    assert codes == [
        "welcome",
        "icebreaker",
        "toolkit",
        "interests",
        "speed-networking",
        "break",
        "tables",
        "commitments",
        "closing",
    ]
    first, last = agenda.sessions[0], agenda.sessions[-1]
    assert (f"{first.starts:%H:%M}", f"{last.ends:%H:%M}") == ("14:30", "17:30")
    assert first.starts_utc == datetime(2024, 11, 13, 13, 30, tzinfo=UTC), "+01:00 in November"
    assert [s.code for s in agenda.sessions if s.reminders] == ["welcome", "tables"]


def test_the_shipped_agenda_carries_the_prompts_of_the_run_of_show():
    agenda = load(SHIPPED, day=DAY)
    due = {prompt.code: (f"{prompt.due:%H:%M}", prompt.kind) for _, prompt in agenda.prompts()}
    assert due["checkin"] == ("14:35", PromptKind.CHECKIN)
    assert due["openness-word"] == ("14:47", PromptKind.QUESTION)
    assert [code for code, (_, kind) in due.items() if kind is PromptKind.CARD][:3] == [
        "card-practices",
        "card-tools",
        "card-links",
    ]
    assert due["theme"][1] is PromptKind.POLL
    assert due["round-1"][0] == "15:40" and due["round-3"][0] == "16:00"
    assert due["table-idea"] == ("16:50", PromptKind.QUESTION)
    assert due["commitment"][1] is PromptKind.COMMIT
    assert due["feedback"] == ("17:22", PromptKind.POLL)
    checkin = agenda.session("welcome").prompts[0]
    assert checkin.audience is Audience.ALL and checkin.options[0].ar == "تأكيد الحضور"
    assert len(agenda.session("interests").prompts[0].options) == 6


def every_text(agenda: Agenda):
    for session in agenda.sessions:
        yield session.title
        yield session.place
        if session.description:
            yield session.description
        yield from session.objectives
        for prompt in session.prompts:
            yield prompt.text
            yield from prompt.options


# «جماعة» alone is a commune: a collectivity of any kind is «جماعة ترابية».
BARE_JAMAA = re.compile(r"جماع\w*(?!\w)(?!\s+(?:ال)?ترابي)")


def test_the_shipped_arabic_lays_out_right_to_left_and_says_jamaa_turabiya():
    agenda = load(SHIPPED, day=DAY)
    arabic = [text.ar for text in every_text(agenda)]
    assert all(arabic)
    assert not [line for text in arabic for line in lines_laid_out_left_to_right(text)]
    assert not [text for text in arabic if BARE_JAMAA.search(text)]
    assert any("نقاط الاتصال" in text for text in arabic)
    assert any("خطة العمل" in text for text in arabic) and any("التشبيك" in text for text in arabic)


def test_the_shipped_french_holds_its_punctuation_with_narrow_no_break_spaces():
    french = [text.fr for text in every_text(load(SHIPPED, day=DAY))]
    assert [text for text in french if french_typography(text) != text] == []
    assert any("\u202f:" in text for text in french) and any("«\u202f" in text for text in french)


def test_the_shipped_file_says_it_is_a_draft():
    assert "DRAFT, for the organisers to adjust" in SHIPPED


# each kind of problem, named


def test_a_good_small_agenda_has_no_problem():
    text = session("a", "14:30", "15:00", prompt("p", '"+5m"')) + session("b", "15:00", "15:30")
    assert problems_of(text) == []


def test_overlapping_sessions():
    text = session("a", "14:30", "15:00") + session("b", "14:50", "15:30")
    assert problems_of(text) == [
        "session b: starts at 14:50, before session a ends (15:00): sessions must not overlap"
    ]


def test_a_session_inside_a_longer_one_overlaps_it():
    text = session("long", "14:00", "17:00") + session("x", "14:30", "15:00")
    text += session("y", "15:30", "16:00")
    assert problems_of(text) == [
        "session x: starts at 14:30, before session long ends (17:00): sessions must not overlap",
        "session y: starts at 15:30, before session long ends (17:00): sessions must not overlap",
    ]


def test_a_session_that_ends_before_it_starts():
    assert problems_of(session("a", "15:00", "14:30")) == [
        "session a: ends at 14:30, not after it starts (15:00)"
    ]


def test_times_outside_the_event_day():
    text = session("a", "14:30", "15:00") + session("b", "15:00", "16:00").replace(
        "starts = 2024-11-13T15:00", "starts = 2024-11-14T15:00"
    ).replace("ends = 2024-11-13T16:00", "ends = 2024-11-14T16:00")
    text += session("c", "23:00", "23:30").replace(
        "ends = 2024-11-13T23:30", "ends = 2024-11-14T00:30"
    )
    assert problems_of(text) == [
        "session c: ends on 2024-11-14, after the event day 2024-11-13",
        "session b: on 2024-11-14, not on the event day 2024-11-13",
    ]


def test_an_agenda_for_another_day_is_one_problem():
    text = session("a", "14:30", "15:00") + session("b", "15:00", "16:00")
    assert problems_of(text, day=date(2025, 3, 10)) == [
        "the sessions are on 2024-11-13, not on the event day 2025-03-10"
    ]


def test_missing_translations():
    text = session("a", "14:30", "15:00").replace(
        texts("place", "القاعة", "Salle", "Hall"), 'place = { ar = "القاعة", fr = "" }\n'
    )
    text += 'objectives.ar = ["هدف", "هدف آخر"]\nobjectives.fr = ["But"]\n'
    text += prompt(
        "p", '"+1m"', "poll", 'options.ar = ["نعم", "لا"]\noptions.fr = ["Oui", "Non"]\n'
    )
    assert problems_of(text) == [
        "session a: objectives: 2 in ar, 1 in fr, 0 in en (give each one in every language)",
        "session a, prompt p: options: 2 in ar, 2 in fr, 0 in en (give each one in every language)",
        "session a: place.fr missing",
        "session a: place.en missing",
        "session a: objectives[1].en missing",
        "session a: objectives[2].fr missing",
        "session a: objectives[2].en missing",
        "session a, prompt p: options[1].en missing",
        "session a, prompt p: options[2].en missing",
    ]


def test_a_title_missing_altogether_and_one_in_a_single_string():
    text = session("a", "14:30", "15:00").replace(texts("title", "عنوان", "Titre", "Title"), "")
    text += session("b", "15:00", "15:30").replace(
        texts("title", "عنوان", "Titre", "Title"), 'title = "Accueil"\n'
    )
    assert problems_of(text) == [
        "session a: title missing (a text in ar, fr and en)",
        "session b: title must give each language: title = { ar = …, fr = …, en = … }",
    ]
    assert problems_of("") == ["no session: the agenda needs at least one session"]


def test_duplicate_codes():
    text = session("a", "14:30", "15:00", prompt("p", '"+1m"'))
    text += session("a", "15:00", "15:30", prompt("p", '"+1m"'))
    assert problems_of(text) == [
        "session a: the code is used by 2 sessions: give each its own",
        "session a, prompt p: the code is used by 2 prompts (in a): give each its own",
    ]


def test_prompts_outside_their_session():
    text = session(
        "a",
        "14:30",
        "15:00",
        prompt("late", '"+30m"') + prompt("early", "14:20:00") + prompt("last", '"+29m59s"'),
    )
    assert problems_of(text) == [
        "session a, prompt early: due at 14:20 (14:20), outside its session (14:30–15:00)",
        "session a, prompt late: due at 15:00 (+30m), outside its session (14:30–15:00)",
    ]


def test_too_many_or_too_few_options():
    seven = ", ".join(f'"{n}"' for n in range(7))
    options = f"options.ar = [{seven}]\noptions.fr = [{seven}]\noptions.en = [{seven}]\n"
    one = 'options.ar = ["أ"]\noptions.fr = ["A"]\noptions.en = ["A"]\n'
    text = session(
        "a",
        "14:30",
        "15:00",
        prompt("many", '"+1m"', "poll", options)
        + prompt("alone", '"+2m"', "poll", one)
        + prompt("ask", '"+3m"', "question", one)
        + prompt("here", '"+4m"', "checkin", options),
    )
    assert problems_of(text) == [
        "session a, prompt many: 7 options, at most 6",
        "session a, prompt alone: a poll needs 2 to 6 options, not 1",
        "session a, prompt ask: a question takes no options; make it a poll to offer answers",
        "session a, prompt here: a check-in has one option, its button's label, not 7",
    ]


def test_a_check_in_goes_to_everyone():
    one = 'options.ar = ["حاضر"]\noptions.fr = ["Présent"]\noptions.en = ["Here"]\n'
    text = session(
        "a", "14:30", "15:00", prompt("c", '"+1m"', "checkin", one + 'audience = "present"\n')
    )
    assert problems_of(text) == [
        'session a, prompt c: a check-in goes to everyone registered: audience = "all"'
    ]
    assert problems_of(text.replace('audience = "present"\n', "")) == []


def test_arabic_that_a_phone_would_lay_out_left_to_right():
    text = session("a", "14:30", "15:00").replace('ar = "عنوان"', 'ar = "QR رمز"')
    assert problems_of(text) == [
        "session a: title.ar has a line that begins with a Latin letter: begin it with an Arabic "
        "word, so that phones lay it out right to left"
    ]
    assert problems_of(text.replace('ar = "QR رمز"', 'ar = "رمز QR"')) == []


def test_what_cannot_be_read_is_named_too():
    text = session("Bad Code", "14:30", "15:00", 'reminder = true\nreminders = "yes"\n') + session(
        "b", "15:00", "15:30", prompt("p", '"soon"', "vote")
    ).replace("ends = 2024-11-13T15:30:00", "ends = 2024-11-13T15:30:00+01:00")
    assert problems_of(text) == [
        "session 1: unknown key 'reminder'",
        "session 1: code 'Bad Code': use 1 to 32 of a-z, 0-9, _ and -, starting with a letter "
        "or digit",
        "session 1: reminders must be true or false",
        "session b: ends: write the local time without an offset (times are in Africa/Casablanca)",
        "session b, prompt p: kind 'vote' is not one of question, poll, card, checkin, interests, "
        "commit",
        "session b, prompt p: at 'soon': write an offset such as \"+5m\" or a time such as 14:35",
    ]


def test_not_toml_and_not_sessions():
    assert problems_of("[[session]\n")[0].startswith("not valid TOML (")
    assert problems_of("sessions = 1\n") == [
        "unknown key 'sessions' (sessions are [[session]] tables)",
        "no session: the agenda needs at least one session",
    ]


def test_load_raises_with_every_problem():
    with pytest.raises(AgendaInvalid) as raised:
        load(session("a", "15:00", "14:30") + session("a", "15:00", "16:00"), day=DAY)
    assert [str(problem) for problem in raised.value.problems] == [
        "session a: the code is used by 2 sessions: give each its own",
        "session a: ends at 14:30, not after it starts (15:00)",
    ]


# Africa/Casablanca and its Ramadan offset


def ramadan(text: str) -> str:
    return text.replace("2024-11-13", "2025-03-10")


def test_local_times_are_right_across_the_ramadan_change_of_offset():
    november = load(session("a", "14:30", "15:00"), day=DAY).sessions[0]
    march = load(ramadan(session("a", "14:30", "15:00")), day=date(2025, 3, 10)).sessions[0]
    assert november.starts_utc == datetime(2024, 11, 13, 13, 30, tzinfo=UTC)
    assert march.starts_utc == datetime(2025, 3, 10, 14, 30, tzinfo=UTC), "+00:00 in Ramadan"
    assert march.starts.utcoffset() == timedelta(0)


def test_an_offset_is_elapsed_time_across_the_night_the_clocks_go_back():
    """On 2025-02-23 Casablanca goes from +01:00 to +00:00 at 03:00 (back to 02:00)."""
    text = session("night", "00:30", "05:00", prompt("p", '"+3h"')).replace(
        "2024-11-13", "2025-02-23"
    )
    agenda = load(text, day=date(2025, 2, 23))
    night = agenda.sessions[0]
    assert night.ends_utc - night.starts_utc == timedelta(hours=5, minutes=30)
    due = night.prompts[0].due
    assert due.astimezone(UTC) == datetime(2025, 2, 23, 2, 30, tzinfo=UTC)
    assert f"{due:%H:%M}" == "02:30"


def test_a_local_time_the_clocks_skip_or_repeat_is_refused():
    skipped = session("a", "02:30", "04:00").replace("2024-11-13", "2025-04-06")
    assert problems_of(skipped, date(2025, 4, 6))[0] == (
        "session a: starts 2025-04-06 02:30 does not exist in Africa/Casablanca: the clocks skip it"
    )
    repeated = session("a", "01:00", "02:30").replace("2024-11-13", "2025-02-23")
    assert problems_of(repeated, date(2025, 2, 23))[0] == (
        "session a: ends 2025-02-23 02:30 happens twice in Africa/Casablanca (the clocks go "
        "back): pick another"
    )


# where an instant falls


@pytest.fixture
def gapped() -> Agenda:
    return load(session("a", "14:30", "15:00") + session("b", "15:30", "16:00"), day=DAY)


def local(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=Agenda().zone)


@pytest.mark.parametrize(
    ("hour", "minute", "phase", "current", "following"),
    [
        (9, 0, Phase.BEFORE, None, "a"),
        (14, 30, Phase.DURING, "a", "b"),
        (14, 59, Phase.DURING, "a", "b"),
        (15, 0, Phase.BETWEEN, None, "b"),
        (15, 30, Phase.DURING, "b", None),
        (16, 0, Phase.AFTER, None, None),
    ],
)
def test_what_is_on_and_what_comes_next(gapped, hour, minute, phase, current, following):
    moment = gapped.at(local(hour, minute))
    assert moment.phase is phase
    assert (moment.current and moment.current.code) == current
    assert (moment.following and moment.following.code) == following


def test_an_empty_agenda_and_a_naive_instant():
    assert Agenda().at(datetime.now(UTC)).phase is Phase.EMPTY
    with pytest.raises(ValueError):
        Agenda().at(datetime(2024, 11, 13, 14, 30))


# durations and the CSV form


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("24h", timedelta(hours=24)),
        ("10m", timedelta(minutes=10)),
        ("90s", timedelta(seconds=90)),
        ("+1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
    ],
)
def test_durations(text, delta):
    assert parse_duration(text) == delta
    assert parse_duration(format_duration(delta)) == delta


@pytest.mark.parametrize("text", ["", "+", "10", "1.5h", "h", "10m1h", "-5m", "ten minutes"])
def test_what_is_not_a_duration(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


CSV = (ROOT / "tests" / "data" / "agenda.csv").read_text("utf-8")
"""Two sessions, each with a prompt in the row below it."""


def test_the_csv_form_reads_into_the_same_agenda():
    agenda, problems = parse_csv(CSV)
    assert problems == [] and check(agenda, DAY) == []
    welcome, closing = agenda.sessions
    assert welcome.reminders and not closing.reminders
    assert [objective.fr for objective in welcome.objectives] == ["But", "Autre but"]
    checkin = welcome.prompts[0]
    assert (checkin.kind, checkin.audience, f"{checkin.due:%H:%M}") == (
        PromptKind.CHECKIN,
        Audience.ALL,
        "14:35",
    )
    feedback = closing.prompts[0]
    assert [option.en for option in feedback.options] == ["Yes", "No"]
    assert f"{feedback.due:%H:%M}" == "14:50"


def test_a_csv_with_an_unknown_column_or_a_stray_prompt():
    assert [str(p) for p in parse_csv("code,start\n")[1]] == ["unknown column 'start'"]
    stray = "code,at,kind\np,+5m,card\n"
    assert [str(p) for p in parse_csv(stray)[1]] == [
        "line 2: a prompt before any session",
        "no session: the agenda needs at least one session",
    ]
