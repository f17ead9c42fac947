"""Typed deadlines read by the written rules of domain/deadlines.py, against a fixed today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.arabic import to_ascii_digits
from domain.deadlines import Deadline, Outcome, Reason, understand

EVENT = date(2024, 11, 13)


def reading(text: str, today: date = EVENT, language: str | None = None) -> str:
    """One line: the date or the outcome, the reason code, then any candidates."""
    deadline = understand(text, today, language)
    return " ".join([deadline.line, deadline.reason.value, *(c.line for c in deadline.candidates)])


ON_THE_EVENT_DAY = [
    # numeric, day first (Morocco), never month first
    ("31/12/2024", "2024-12-31 date"),
    ("31-12-2024", "2024-12-31 date"),
    ("31.12.24", "2024-12-31 date"),
    ("٣١/١٢/٢٠٢٤", "2024-12-31 date"),
    ("۳۱/۱۲/۲۰۲۴", "2024-12-31 date"),
    ("الأجل: ٣١ / ١٢ / ٢٠٢٤", "2024-12-31 date"),
    ("31,12,2024", "2024-12-31 date"),
    ("2025-03-15", "2025-03-15 date"),
    ("1/2/25", "2025-02-01 date"),
    ("12/11", "2025-11-12 next-occurrence"),
    ("13/11", "2024-11-13 next-occurrence"),
    ("15/11", "2024-11-15 next-occurrence"),
    ("12/2024", "2024-12-31 last-day"),
    ("03/2025", "2025-03-31 last-day"),
    # day and month names
    ("15 janvier", "2025-01-15 next-occurrence"),
    ("le 15 janvier 2025", "2025-01-15 date"),
    ("1er mars", "2025-03-01 next-occurrence"),
    ("15 fév", "2025-02-15 next-occurrence"),
    ("31 aout 2025", "2025-08-31 date"),
    ("31 août 2025", "2025-08-31 date"),
    ("30 June", "2025-06-30 next-occurrence"),
    ("June 30", "2025-06-30 next-occurrence"),
    ("June 30th, 2025", "2025-06-30 date"),
    ("the 1st of March", "2025-03-01 next-occurrence"),
    ("Dec 15", "2024-12-15 next-occurrence"),
    ("31 دجنبر 2024", "2024-12-31 date"),
    ("31 ديسمبر 2024", "2024-12-31 date"),
    ("15 ماي", "2025-05-15 next-occurrence"),
    ("١٥ يناير ٢٠٢٥", "2025-01-15 date"),
    ("فاتح يوليوز", "2025-07-01 next-occurrence"),
    ("نهار 20 غشت", "2025-08-20 next-occurrence"),
    ("في 30 شتنبر 2025", "2025-09-30 date"),
    ("إلى غاية 30 يونيو 2025", "2025-06-30 date"),
    ("le 15", "2024-11-15 next-occurrence"),
    # a month alone: its last day at its next occurrence
    ("غشت 2025", "2025-08-31 last-day"),
    ("يوليوز", "2025-07-31 last-day"),
    ("يوليو", "2025-07-31 last-day"),
    ("أغسطس", "2025-08-31 last-day"),
    ("آب", "2025-08-31 last-day"),
    ("كانون الثاني 2025", "2025-01-31 last-day"),
    ("إبريل", "2025-04-30 last-day"),
    ("mars", "2025-03-31 last-day"),
    ("June", "2025-06-30 last-day"),
    ("en juin", "2025-06-30 last-day"),
    ("novembre 2024", "2024-11-30 last-day"),
    ("novembre prochain", "2025-11-30 last-day"),
    ("نونبر المقبل", "2025-11-30 last-day"),
    ("دجنبر", "2024-12-31 last-day"),
    # end of, beginning of, middle of, before
    ("نهاية دجنبر", "2024-12-31 last-day"),
    ("نهاية شتنبر", "2025-09-30 last-day"),
    ("آخر مارس", "2025-03-31 last-day"),
    ("أواخر فبراير", "2025-02-28 last-day"),
    ("في متم شهر دجنبر 2024", "2024-12-31 last-day"),
    ("fin mars", "2025-03-31 last-day"),
    ("fin févr.", "2025-02-28 last-day"),
    ("end of June", "2025-06-30 last-day"),
    ("by the end of March 2025", "2025-03-31 last-day"),
    ("بداية مارس", "2025-03-01 first-day"),
    ("début avril", "2025-04-01 first-day"),
    ("early 2025", "2025-01-01 first-day"),
    ("début novembre", "2025-11-01 first-day"),
    ("mi-mars", "2025-03-15 middle"),
    ("منتصف يونيو", "2025-06-15 middle"),
    ("mid-2025", "2025-06-30 middle"),
    ("قبل شهر مارس", "2025-03-31 last-day"),
    ("قبل ماي 2025", "2025-05-31 last-day"),
    ("بمارس", "2025-03-31 last-day"),
    ("before 15 March", "2025-03-15 next-occurrence"),
    ("avant le 31 mars 2025", "2025-03-31 date"),
    ("au plus tard le 15 mars", "2025-03-15 next-occurrence"),
    ("by May", "2025-05-31 last-day"),
    ("je pense finir avant fin mars", "2025-03-31 last-day"),
    # this month, this year, next ones
    ("end of the year", "2024-12-31 last-day"),
    ("fin de l'année", "2024-12-31 last-day"),
    ("نهاية السنة", "2024-12-31 last-day"),
    ("قبل نهاية العام", "2024-12-31 last-day"),
    ("من هنا لآخر السنة", "2024-12-31 last-day"),
    ("fin du mois", "2024-11-30 last-day"),
    ("نهاية الشهر", "2024-11-30 last-day"),
    ("next month", "2024-12-31 last-day"),
    ("le mois prochain", "2024-12-31 last-day"),
    ("l'année prochaine", "2025-12-31 last-day"),
    ("fin de l'année prochaine", "2025-12-31 last-day"),
    ("السنة المقبلة", "2025-12-31 last-day"),
    ("d'ici fin 2025", "2025-12-31 last-day"),
    ("2025", "2025-12-31 last-day"),
    ("Q1 2025", "2025-03-31 last-day"),
    ("الربع الأول من 2025", "2025-03-31 last-day"),
    ("début T3", "2025-07-01 first-day"),
    # durations from today
    ("in a month", "2024-12-13 duration"),
    ("dans 3 mois", "2025-02-13 duration"),
    ("d'ici 2 semaines", "2024-11-27 duration"),
    ("within six months", "2025-05-13 duration"),
    ("dans un an", "2025-11-13 duration"),
    ("dans sept jours", "2024-11-20 duration"),
    ("dans quinze jours", "2024-11-28 duration"),
    ("dans 2,5 mois", "2025-01-28 duration"),
    ("6mois", "2025-05-13 duration"),
    ("في غضون شهر", "2024-12-13 duration"),
    ("خلال ثلاثة أشهر", "2025-02-13 duration"),
    ("بعد أسبوعين", "2024-11-27 duration"),
    ("بعد 10 أيام", "2024-11-23 duration"),
    ("بعد ١٠ أيام", "2024-11-23 duration"),
    ("شهرين", "2025-01-13 duration"),
    ("يومين", "2024-11-15 duration"),
    ("سنتين", "2026-11-13 duration"),
    ("خمسة عشر يوما", "2024-11-28 duration"),
    ("اثنا عشر شهرا", "2025-11-13 duration"),
    ("شهر واحد", "2024-12-13 duration"),
    ("من دابا لشهرين", "2025-01-13 duration"),
    ("تلت شهور", "2025-02-13 duration"),
    ("جوج سيمانات", "2024-11-27 duration"),
    ("tomorrow", "2024-11-14 relative-day"),
    ("اليوم", "2024-11-13 relative-day"),
    ("après-demain", "2024-11-15 relative-day"),
    ("بعد غد", "2024-11-15 relative-day"),
    ("15 mars 2025 à 10h", "2025-03-15 date"),
    # no such date
    ("31/02/2025", "invalid no-such-date"),
    ("30 فبراير", "invalid no-such-date"),
    ("31 avril", "invalid no-such-date"),
    ("29/02", "invalid no-such-date"),
    ("12/31/2024", "invalid no-such-date"),
    ("15/13/2024", "invalid no-such-date"),
    ("32 mars", "invalid no-such-date"),
    ("1/1/202", "invalid no-such-date"),
    # in the past
    ("31/12/2023", "invalid in-the-past"),
    ("12/11/2024", "invalid in-the-past"),
    ("septembre 2024", "invalid in-the-past"),
    ("début novembre 2024", "invalid in-the-past"),
    ("3 months ago", "invalid in-the-past"),
    ("il y a 2 mois", "invalid in-the-past"),
    ("منذ شهر", "invalid in-the-past"),
    ("yesterday", "invalid in-the-past"),
    ("أمس", "invalid in-the-past"),
    # vague words and Hijri events: ask for a date
    ("soon", "invalid vague"),
    ("asap", "invalid vague"),
    ("bientôt", "invalid vague"),
    ("dès que possible", "invalid vague"),
    ("قريباً", "invalid vague"),
    ("في أقرب وقت", "invalid vague"),
    ("في أقرب الآجال", "invalid vague"),
    ("لاحقا", "invalid vague"),
    ("I may finish soon", "invalid vague"),
    ("رمضان", "invalid lunar"),
    ("بعد عيد الفطر", "invalid lunar"),
    ("قبل عيد الأضحى 2025", "invalid lunar"),
    ("avant l'Aïd", "invalid lunar"),
    ("after Eid", "invalid lunar"),
    ("Ramadan 2025", "invalid lunar"),
    ("عاشوراء", "invalid lunar"),
    # nothing understood
    ("", "invalid unreadable"),
    ("hello", "invalid unreadable"),
    ("يوم الاثنين", "invalid unreadable"),
    ("عيد العرش", "invalid unreadable"),
    ("la semaine prochaine", "invalid unreadable"),
    # ambiguous: a person confirms
    ("15", "ambiguous day-or-days 2024-11-15 2024-11-28"),
    ("31", "ambiguous day-or-days 2024-12-31 2024-12-14"),
    ("نونبر", "ambiguous this-month-or-next-year 2024-11-30 2025-11-30"),
    ("fin novembre", "ambiguous this-month-or-next-year 2024-11-30 2025-11-30"),
    ("mi-novembre", "ambiguous this-month-or-next-year 2024-11-15 2025-11-15"),
    ("mars 25", "ambiguous day-or-year 2025-03-25 2025-03-31"),
    ("juin 30", "ambiguous day-or-year 2025-06-30 2030-06-30"),
    ("قبل شهر", "ambiguous before-duration 2024-12-13"),
    ("2031", "ambiguous far-away 2031-12-31"),
    ("31/12/99", "ambiguous far-away 2099-12-31"),
    ("dans 10 ans", "ambiguous far-away 2034-11-13"),
    ("15 mars ou fin avril", "ambiguous several 2025-03-15 2025-04-30"),
    ("2-3 mois", "ambiguous several 2025-01-13 2025-02-13"),
    ("15-20 mars", "ambiguous several 2025-03-15 2025-03-20"),
    ("31/12/2024 (31 دجنبر 2024)", "2024-12-31 date"),
    ("31/02/2025 ou 15 mars", "invalid no-such-date"),
]


@pytest.mark.parametrize(("text", "expected"), ON_THE_EVENT_DAY)
def test_phrasings_on_the_event_day(text, expected):
    assert reading(text) == expected


def test_the_table_is_large_and_covers_the_three_languages():
    texts = [text for text, _ in ON_THE_EVENT_DAY]
    assert len(texts) >= 60
    assert len(set(texts)) == len(texts)
    arabic = [t for t in texts if any("\u0600" <= c <= "\u06ff" for c in t)]
    assert len(arabic) >= 40


ON_OTHER_DAYS = [
    # the year rolls over in December
    ("2024-12-20", "fin janvier", "2025-01-31 last-day"),
    ("2024-12-20", "15/01", "2025-01-15 next-occurrence"),
    ("2024-12-20", "دجنبر", "ambiguous this-month-or-next-year 2024-12-31 2025-12-31"),
    ("2024-12-20", "fin de l'année", "2024-12-31 last-day"),
    ("2024-12-20", "dans 2 semaines", "2025-01-03 duration"),
    ("2024-12-20", "next month", "2025-01-31 last-day"),
    ("2024-12-20", "الشهر المقبل", "2025-01-31 last-day"),
    ("2024-12-20", "l'année prochaine", "2025-12-31 last-day"),
    ("2024-12-20", "15", "ambiguous day-or-days 2025-01-15 2025-01-04"),
    ("2024-12-31", "31/12", "2024-12-31 next-occurrence"),
    ("2024-12-31", "30/12", "2025-12-30 next-occurrence"),
    # months are calendar months, clamped to the month's end
    ("2025-01-31", "dans un mois", "2025-02-28 duration"),
    ("2024-01-31", "بعد شهر", "2024-02-29 duration"),
    ("2024-08-31", "في غضون 6 أشهر", "2025-02-28 duration"),
    # a leap day exists only in leap years
    ("2027-11-13", "29/02", "2028-02-29 next-occurrence"),
    ("2027-11-13", "fin février", "2028-02-29 last-day"),
    # the last day of a month counts while it is today
    ("2025-06-30", "end of June", "ambiguous this-month-or-next-year 2025-06-30 2026-06-30"),
    ("2025-06-30", "juin 2025", "2025-06-30 last-day"),
    ("2025-07-01", "juin", "2026-06-30 last-day"),
    # five years and a day is far away, five years is not
    ("2024-11-13", "13/11/2029", "2029-11-13 date"),
    ("2024-11-13", "14/11/2029", "ambiguous far-away 2029-11-14"),
]


@pytest.mark.parametrize(("today", "text", "expected"), ON_OTHER_DAYS)
def test_phrasings_on_other_days(today, text, expected):
    assert reading(text, date.fromisoformat(today)) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("dec 24", None, "2024-12-24 next-occurrence"),
        ("dec 24", "en", "2024-12-24 next-occurrence"),
        ("déc 24", "fr", "ambiguous day-or-year 2024-12-24 2024-12-31"),
        ("June 30", "fr", "2025-06-30 next-occurrence"),
        ("ماي 26", "ar", "ambiguous day-or-year 2025-05-26 2026-05-31"),
        ("mars 20", "fr", "2025-03-20 next-occurrence"),
    ],
)
def test_a_month_then_a_number_is_read_in_the_persons_language(text, language, expected):
    """ "mars 20": March 2020 is past, so the day is the only reading left."""
    assert reading(text, language=language) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("قبل شهر مارس", ("قبل", "شهر", "مارس")),
        ("je pense finir avant fin mars", ("avant", "fin", "mars")),
        ("end of June", ("end", "of", "June")),
        ("June 30th, 2025", ("June", "30th", "2025")),
        ("«٣١/١٢/٢٠٢٤»", ("31/12/2024",)),
        ("بعد عيد الفطر إن شاء الله", ("عيد", "الفطر")),
        ("Ok, bientôt !", ("bientôt",)),
        ("je ne sais pas", ()),
    ],
)
def test_the_words_that_decided_are_given_as_typed(text, words):
    assert understand(text, EVENT).words == words


def test_an_ambiguous_reading_gives_each_candidate_its_own_reason():
    deadline = understand("15", EVENT)
    assert deadline.outcome is Outcome.AMBIGUOUS
    assert [(c.outcome, c.reason) for c in deadline.candidates] == [
        (Outcome.DATE, Reason.NEXT_OCCURRENCE),
        (Outcome.DATE, Reason.DURATION),
    ]
    assert deadline.date is None


def test_a_refused_past_date_carries_the_date_it_refused():
    deadline = understand("15 mars 2024", EVENT)
    assert (deadline.outcome, deadline.reason, deadline.date) == (
        Outcome.INVALID,
        Reason.IN_THE_PAST,
        date(2024, 3, 15),
    )


def test_only_vague_lunar_and_unreadable_ask_for_a_date():
    asking = {reason for reason in Reason if reason.asks_for_a_date}
    assert asking == {Reason.VAGUE, Reason.LUNAR, Reason.UNREADABLE}
    assert understand("soon", EVENT).reason is not understand("blah", EVENT).reason


MONTH_NAMES = {
    "ar_ma": "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر",
    "ar_me": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "fr_ascii": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre "
    "decembre",
    "en": "January February March April May June July August September October November December",
    "en_short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
}
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
COMING = st.dates(min_value=EVENT, max_value=EVENT + timedelta(days=5 * 365))


@given(day=COMING, names=st.sampled_from(sorted(MONTH_NAMES)))
def test_any_coming_date_written_with_a_month_name_is_that_date(day, names):
    month = MONTH_NAMES[names].split()[day.month - 1]
    for text in (f"{day.day} {month} {day.year}", f"le {day.day} {month} {day.year}"):
        assert understand(text, EVENT) == Deadline(
            Outcome.DATE, Reason.DATE, tuple(text.split()[-3:]), date=day
        )


@given(day=COMING, eastern=st.booleans(), separator=st.sampled_from("/-."))
def test_any_coming_date_written_in_digits_day_first_is_that_date(day, eastern, separator):
    text = separator.join((f"{day.day:02}", f"{day.month:02}", str(day.year)))
    text = text.translate(EASTERN) if eastern else text
    deadline = understand(text, EVENT)
    assert (deadline.line, deadline.reason) == (day.isoformat(), Reason.DATE)
    assert deadline.words == (to_ascii_digits(text),)


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=EVENT - timedelta(days=1)))
def test_any_past_date_is_refused_as_past(day):
    deadline = understand(f"{day.day}/{day.month}/{day.year}", EVENT)
    assert (deadline.outcome, deadline.reason, deadline.date) == (
        Outcome.INVALID,
        Reason.IN_THE_PAST,
        day,
    )


@given(
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    day=st.integers(1, 31),
    month=st.integers(1, 12),
)
def test_a_date_without_a_year_is_never_past_and_within_a_year(today, day, month):
    deadline = understand(f"{day}/{month}", today)
    if deadline.outcome is Outcome.INVALID:
        assert deadline.reason is Reason.NO_SUCH_DATE
        assert day > 28
        return
    assert deadline.reason is Reason.NEXT_OCCURRENCE
    assert today <= deadline.date < today + timedelta(days=366)
    assert (deadline.date.day, deadline.date.month) == (day, month)


@given(
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    month=st.integers(1, 12),
    names=st.sampled_from(sorted(MONTH_NAMES)),
)
def test_a_month_alone_is_a_last_day_never_past_or_the_two_to_choose_from(today, month, names):
    name = MONTH_NAMES[names].split()[month - 1]
    deadline = understand(f"fin {name}", today)
    days = [deadline.date] if deadline.outcome is Outcome.DATE else deadline.candidates
    days = [d if isinstance(d, date) else d.date for d in days]
    assert all(today <= d and (d + timedelta(days=1)).day == 1 for d in days)
    assert all(d.month == month for d in days)
    if month == today.month:
        assert deadline.reason is Reason.THIS_MONTH_OR_NEXT_YEAR
        assert [d.year for d in days] == [today.year, today.year + 1]
    else:
        assert (deadline.reason, len(days)) == (Reason.LAST_DAY, 1)


@given(text=st.text(max_size=40), today=st.dates(date(1000, 1, 1), date(9000, 12, 31)))
def test_no_text_breaks_the_reader_and_no_date_it_keeps_is_past(text, today):
    deadline = understand(text, today)
    kept = [deadline] if deadline.outcome is Outcome.DATE else list(deadline.candidates)
    assert all(d.outcome is Outcome.DATE and d.date >= today for d in kept)
    assert deadline.outcome is not Outcome.AMBIGUOUS or deadline.candidates
