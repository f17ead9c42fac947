"""What a typed deadline means: a date, a question to ask back, or a refusal with a reason.

:func:`understand` reads what a focal point types for a commitment's deadline, in Arabic
(MSA or Moroccan), French or English, against ``today`` (the local date in the event's
time zone), and returns a :class:`Deadline`: a date (``Outcome.DATE``), dates for the
person to choose from (``Outcome.AMBIGUOUS``) or nothing (``Outcome.INVALID``), always
with a :class:`Reason` code and the words of the text that decided it, so that the chat
can phrase the reason in each language. Nothing is guessed silently.

Reading. The text is folded as :func:`domain.arabic.normalise` does (hamza, alef, ta
marbuta, marks, tatweel, Eastern Arabic and Persian digits, case, French accents); the
Arabic article and the proclitics و ف ب ل ك (and لل) in front of a word are passed over
(«بنهاية», «لشهر», «فماي»). Words that are not part of a date are ignored ("je pense
finir avant fin mars" is "avant fin mars").

The rules (each code below is a :class:`Reason`):

1. A Hijri event anywhere in the text (رمضان, عيد الفطر, عيد الأضحى, عاشوراء, المولد,
   a Hijri month, Ramadan, l'Aïd, Eid) → invalid, ``LUNAR``: its start depends on the
   moon, so ask for a date, even when a year is given.
2. Numeric dates are day first, as in Morocco, never month first: "31/12/2024",
   "31-12-2024", "31.12.24", "٣١/١٢/٢٠٢٤" ("12/31/2024" is no such date). A year
   written first is ISO: "2024-12-31"; "12/2024" and "2024-12" are a month. A two-digit
   year is 20YY; a year of one or three digits is no such date.
3. Month names: Moroccan (يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر
   نونبر دجنبر), Middle-Eastern (مايو يوليو أغسطس سبتمبر نوفمبر ديسمبر, and the
   Levantine كانون الثاني … كانون الأول), Algerian and Tunisian (جانفي فيفري أفريل جوان
   جويلية أوت), French (full, "janv", "fév", "févr", "avr", "juil", "sept", "oct",
   "nov", "déc", with or without accents) and English (full and three letters). "may"
   and "sept" are months only next to a date word ("by May", "May 15", "7 sept"), as
   they are also a verb and a number.
4. A day and a month: "15 janvier", "le 15 janvier 2025", "31 دجنبر 2024", "15 ماي",
   "فاتح ماي", "1er mars", "30 June", "June 30", "June 30th, 2025". A month name then a
   two-digit number is a day in English ("June 30"); in French and Arabic, where the day
   comes first, "mars 25" may also be March 2025: ambiguous, ``DAY_OR_YEAR``. For "dec",
   "oct", "nov" and "sept", shared by both languages, ``language`` decides (English when
   None).
5. A date without a year is its next occurrence, today included (``NEXT_OCCURRENCE``):
   on 13 November 2024, "15/11" is 2024-11-15 and "12/11" is 2025-11-12. "29/02" in a
   year without one is no such date. "le 15" alone is the next 15th.
6. A month without a day ("غشت 2025", "mars", "June") is its last day (``LAST_DAY``).
   Without a year it is its next occurrence: this year's while the month is ahead, next
   year's once it has passed. While today is inside that very month, the person may mean
   this one or the one a year later: ambiguous, ``THIS_MONTH_OR_NEXT_YEAR``, both given
   (on 13 November, "fin novembre" → 2024-11-30 or 2025-11-30). "novembre prochain",
   "next November", "نونبر المقبل" settle it for next year, "this November" for this one.
   A year alone ("2025", "fin 2025", "en 2025") is its last day too.
7. "end of X", "fin X", "نهاية X", "آخر X", "أواخر X", "متم X", "late X" → X's last day.
   "beginning of X", "début X", "early X", "بداية X", "مطلع X", "أوائل X" → X's first day
   (``FIRST_DAY``; a first day already past moves to next year's, as in rule 5). "mid X",
   "mi-X", "منتصف X" → the 15th, or 30 June for a year (``MIDDLE``). On a date with a day
   these words change nothing.
8. "before X", "avant X", "قبل X", "by X", "au plus tard X", "jusqu'à X", "إلى غاية X",
   "حتى X" → X itself (so "قبل ماي 2025" → 2025-05-31, "before 15 March" → 15 March).
9. "end of the month", "fin du mois", "نهاية الشهر" → this month's last day; "end of the
   year", "fin de l'année", «نهاية السنة» → 31 December of this year; "next month",
   "le mois prochain", "الشهر المقبل" → its last day; "next year", "l'année prochaine",
   «السنة المقبلة» → 31 December of next year ("beginning of"/"mid" as in rule 7).
10. Durations from today (``DURATION``): "in a month", "dans 3 mois", "d'ici 2 semaines",
   "within six months", «في غضون شهر», «خلال ثلاثة أشهر», «بعد أسبوعين», «بعد 10 أيام»,
   "2 ans", «سنتين»; the Arabic duals (يومين أسبوعين شهرين سنتين عامين); number words in
   Arabic (MSA and Darija: جوج، تلاتة …), French and English up to twelve and beyond
   (15, 20, 30), or digits. Days and weeks add days; months add calendar months, clamped
   to the month's end (31 January + 1 month = 28 or 29 February); years add 12 months; a
   fraction of a month is 30 days of it ("2,5 mois" = 2 months and 15 days). A singular
   unit on its own needs a word that makes it a duration ("في غضون شهر", not "يوم
   الاثنين"). "3 months ago", "il y a 3 mois", «منذ شهر» are in the past. "before" with
   a duration ("قبل شهر") also reads "a month ago" in Arabic: ambiguous,
   ``BEFORE_DURATION``, with the duration from today to confirm. "2-3 mois" gives both.
   "today", "tomorrow", "the day after tomorrow" (aujourd'hui, demain, après-demain,
   اليوم، غدا، بعد غد) are ``RELATIVE_DAY``; "yesterday" is in the past.
11. A quarter ("Q1 2025", "T2", "premier trimestre", «الربع الأول») is read as its last
   month: its last day, "début T3" its first day, "mi-T2" the 15th of its middle month.
12. A bare number from 1 to 31 ("15") is a day of the month or a number of days:
   ambiguous, ``DAY_OR_DAYS``, with the next 15th and today + 15 days. A time of day
   ("15h30", "10:00") is passed over.
13. A date that does not exist ("31/02/2025", «30 فبراير», "32 mars", "15/13") →
   invalid, ``NO_SUCH_DATE``. A date before today → invalid, ``IN_THE_PAST`` (today
   itself is fine). A date more than 5 years after today (``FAR_AWAY_YEARS``; "31/12/99",
   "2031", "dans 10 ans") is probably a typing slip: ambiguous, ``FAR_AWAY``, the one
   date to confirm.
14. Several dates that differ ("15 mars ou fin avril") → ambiguous, ``SEVERAL``, each
   given; the same date twice is that date. One of them invalid → that refusal.
15. Vague words and nothing else ("soon", "asap", "later", "bientôt", "dès que
   possible", «قريبا», «في أقرب وقت», «لاحقا») → invalid, ``VAGUE``: ask for a date.
   Nothing recognised → invalid, ``UNREADABLE`` (weekdays and "next week" among them: a
   commitment's deadline is weeks or months away, and "lundi" said on a Monday is not
   clear; the person is asked for a date).

Why no dateparser. dateparser 1.5 (tried with DMY order, future preference and 13
November 2024 as base, on 57 phrasings) reads «31 ديسمبر 2024», «15 يناير»,
«٣١/١٢/٢٠٢٤», "le 15 janvier", "dans 3 mois", "in 2 weeks", "tomorrow", all of which
these rules read the same; it reads none of the Moroccan months («31 دجنبر 2024»,
«غشت 2025», «يوليوز»), nor «نهاية شتنبر», «قبل ماي 2025», "fin mars", "end of June",
"fin du mois", nor any Arabic duration («في غضون شهر», «بعد 10 أيام»). Where it answers
and these rules differ, it contradicts them: "June", "mars" and "December 2025" are the
13th of the month (the base's day), "next month" and "next year" are today plus one,
"15" is silently the 15th. What it adds are weekdays ("next Monday", "vendredi"), "next
week" and clock times, which a deadline does not need (rule 15). A fallback would answer
some phrasings by other rules than the written ones and bring a large dependency (regex,
tzlocal, its language data) into the pure domain: it is not used.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from domain.arabic import normalise, strip_invisible, to_ascii_digits
from domain.deadline_words import (
    AGO,
    ARABIC_TEENS,
    BEFORE,
    COUNTS,
    DAY_MARKERS,
    FILLERS,
    FIRST,
    FIXED_FEASTS,
    LUNAR,
    MONTHS_AR,
    MONTHS_EN,
    MONTHS_FR,
    ORDINAL_SUFFIXES,
    POSITIONS,
    QUARTERS,
    REFS,
    RELATIVE_DAYS,
    UNITS,
    VAGUE,
    WEAK_MONTHS,
    WEEKDAYS,
    WITHIN,
)

FAR_AWAY_YEARS = 5
"""A date later than this many years after today is confirmed before it is kept."""


class Outcome(StrEnum):
    DATE = "date"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"


class Reason(StrEnum):
    """Why a text means what it means: the rule of the module docstring that decided."""

    DATE = "date"
    NEXT_OCCURRENCE = "next-occurrence"
    LAST_DAY = "last-day"
    FIRST_DAY = "first-day"
    MIDDLE = "middle"
    DURATION = "duration"
    RELATIVE_DAY = "relative-day"
    THIS_MONTH_OR_NEXT_YEAR = "this-month-or-next-year"
    DAY_OR_DAYS = "day-or-days"
    DAY_OR_YEAR = "day-or-year"
    BEFORE_DURATION = "before-duration"
    FAR_AWAY = "far-away"
    SEVERAL = "several"
    NO_SUCH_DATE = "no-such-date"
    IN_THE_PAST = "in-the-past"
    VAGUE = "vague"
    LUNAR = "lunar"
    UNREADABLE = "unreadable"

    @property
    def asks_for_a_date(self) -> bool:
        """The text names no date at all: the person is asked for one."""
        return self in (Reason.VAGUE, Reason.LUNAR, Reason.UNREADABLE)


@dataclass(frozen=True)
class Deadline:
    outcome: Outcome
    reason: Reason
    words: tuple[str, ...]
    """The words of the text (as typed, punctuation trimmed) that decided it."""
    date: date | None = None
    """The date for ``DATE``; the date refused for ``IN_THE_PAST``; else None."""
    candidates: tuple[Deadline, ...] = ()
    """For ``AMBIGUOUS``: the dates to choose from (each a ``DATE`` with its own reason)."""

    @property
    def line(self) -> str:
        """``YYYY-MM-DD``, ``ambiguous`` or ``invalid``."""
        if self.outcome is Outcome.DATE and self.date is not None:
            return self.date.isoformat()
        return self.outcome.value


def understand(text: str, today: date, language: str | None = None) -> Deadline:
    """What ``text`` means as a deadline on ``today``; ``language`` is the person's (see rule 4)."""
    return _Reader(text, today, language).deadline()


@dataclass(frozen=True)
class _Sense:
    """What one word or phrase of the lexicon may be; a word may be several things."""

    month: int | None = None
    month_languages: frozenset[str] = frozenset()
    weak_month: bool = False
    quarter: bool = False
    count: int | None = None
    unit: str | None = None
    implied: int | None = None
    """The count a unit says by itself: 1 for a singular, 2 for an Arabic dual."""
    position: str | None = None
    before: bool = False
    within: bool = False
    ago: bool = False
    ref: str | None = None
    day_marker: bool = False
    ordinal: int | None = None
    ordinal_suffix: bool = False
    relative_days: int | None = None
    vague: bool = False
    lunar: bool = False
    weekday: bool = False
    filler: bool = False

    def merged(self, other: _Sense) -> _Sense:
        changes = {
            name: value for name, value in vars(other).items() if value != getattr(_NOTHING, name)
        }
        if self.month_languages and other.month_languages:
            changes["month_languages"] = self.month_languages | other.month_languages
        return replace(self, **changes)


_NOTHING = _Sense()
_PIECES = re.compile(r"\d+|\D+")
_TODAY = re.compile("[وفب]?(?:ال|لل)يوم")
"""«اليوم» is today but «يوم» is a day, and ``normalise`` drops the article."""
_TIME = re.compile(r"\d{1,2}(?:[:h]\d{2}|h)(?:min)?", re.IGNORECASE)
"""A time of day ("15h30", "10:00", "9h"): a deadline is a day, so it is passed over."""


def _pieces(text: str) -> list[str]:
    """The folded words of ``text``, digits apart from letters ("15th" → "15", "th")."""
    return [piece for part in normalise(text).split() for piece in _PIECES.findall(part)]


_LEXICON: dict[tuple[str, ...], _Sense] = {}


def _add(words: Iterable[str], **sense) -> None:
    for word in words:
        key = tuple(_pieces(word))
        _LEXICON[key] = _LEXICON.get(key, _NOTHING).merged(_Sense(**sense))


for _language, _table in (("ar", MONTHS_AR), ("fr", MONTHS_FR), ("en", MONTHS_EN)):
    for _month, _names in _table.items():
        _add(_names, month=_month, month_languages=frozenset({_language}))
_add(WEAK_MONTHS, weak_month=True)
for _quarter, _words in QUARTERS.items():
    _add(_words, month=3 * _quarter, quarter=True)
for _counts in (COUNTS, ARABIC_TEENS):
    for _count, _words in _counts.items():
        _add(_words, count=_count)
for _unit, (_singular, _dual, _plural) in UNITS.items():
    _add(_singular, unit=_unit, implied=1)
    _add(_dual, unit=_unit, implied=2)
    _add(_plural, unit=_unit)
for _position, _words in POSITIONS.items():
    _add(_words, position=_position)
for _ref, _words in REFS.items():
    _add(_words, ref=_ref)
_add(BEFORE, before=True)
_add(WITHIN, within=True)
_add(AGO, ago=True)
_add(DAY_MARKERS, day_marker=True)
_add(ORDINAL_SUFFIXES, ordinal_suffix=True)
_add(FIRST, ordinal=1)
for _days, _words in RELATIVE_DAYS.items():
    _add(_words, relative_days=_days)
_add(FILLERS, filler=True)
_add(VAGUE, vague=True)
_add(LUNAR, lunar=True)
_add(WEEKDAYS, weekday=True)
_LONGEST = max(len(key) for key in _LEXICON)
_FIXED_FEAST_KEYS = frozenset(normalise(word) for word in FIXED_FEASTS)

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_PROCLITICS = sorted(
    {
        first + second + article
        for first in ("", "و", "ف")
        for second in ("", "ب", "ل", "ك")
        for article in ("", "ال")
    }
    | {first + "لل" for first in ("", "و", "ف")},
    key=len,
    reverse=True,
)
_SEPARATOR = r"[/.\-\\\u060d\u066b\u066c\u2010-\u2015\u2044\u2212\u2215]"
_SPACED_SEPARATOR = re.compile(rf"(?<=\d)\s*({_SEPARATOR})\s*(?=\d)")
_NUMERIC = re.compile(rf"(\d{{1,4}})({_SEPARATOR}|,)(\d{{1,4}})(?:(?:{_SEPARATOR}|,)(\d{{1,4}}))?")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


@dataclass
class _Token:
    key: str
    sense: _Sense
    words: frozenset[int]
    number: int | None = None
    digits: int = 0
    numeric: tuple[str, ...] | None = None


@dataclass
class _Expr:
    """One date expression found in the text, before it is resolved against today."""

    kind: str
    words: frozenset[int]
    day: int | None = None
    month: int | None = None
    year: int | None = None
    year_text: str | None = None
    quarter: bool = False
    count: float | None = None
    unit: str | None = None
    position: str | None = None
    before: bool = False
    ago: bool = False
    options: tuple[_Expr, ...] = field(default=())


class _Reader:
    def __init__(self, text: str, today: date, language: str | None):
        self.today = today
        self.language = language
        self.shown, self.tokens = _tokenise(text)

    def deadline(self) -> Deadline:
        lunar = [t for t in self.tokens if t.sense.lunar]
        if lunar:
            return self._invalid(Reason.LUNAR, _union(t.words for t in lunar))
        expressions, vague = self._expressions()
        if not expressions:
            if vague:
                return self._invalid(Reason.VAGUE, _union(t.words for t in vague))
            return self._invalid(Reason.UNREADABLE, frozenset())
        results = [self._resolve(expression) for expression in expressions]
        if len(results) == 1:
            return results[0]
        refused = [r for r in results if r.outcome is Outcome.INVALID]
        if refused:
            return refused[0]
        words = _union(e.words for e in expressions)
        dates = _unique(_dates_of(results))
        if len(dates) == 1 and all(r.outcome is Outcome.DATE for r in results):
            return results[0]
        return Deadline(Outcome.AMBIGUOUS, Reason.SEVERAL, self._words(words), candidates=dates)

    # Finding the expressions

    def _expressions(self) -> tuple[list[_Expr], list[_Token]]:
        expressions: list[_Expr] = []
        pending: list[_Token] = []
        vague: list[_Token] = []
        i = 0
        while i < len(self.tokens):
            found = self._expression_at(i, pending)
            if found is not None:
                expression, i = found
                for token in pending:
                    expression.words |= token.words
                    expression.before |= token.sense.before
                    expression.ago |= token.sense.ago
                    expression.position = token.sense.position or expression.position
                for option in expression.options:
                    option.words |= expression.words
                    option.before |= expression.before
                    option.position = expression.position
                expressions.append(expression)
                pending = []
                continue
            token = self.tokens[i]
            sense = token.sense
            if sense.position or sense.before or sense.within or sense.ago:
                pending.append(token)
            if sense.vague:
                vague.append(token)
            i += 1
        return expressions, vague

    def _expression_at(self, i: int, pending: list[_Token]) -> tuple[_Expr, int] | None:
        for pattern in (
            self._range,
            self._numeric,
            self._current,
            self._year,
            self._month_ref,
            self._duration,
            self._day_month,
            self._month_day,
            self._month,
            self._ordinal,
            self._bare_number,
        ):
            found = pattern(i, pending)
            if found is not None:
                return found
        return None

    def _at(self, i: int) -> _Token | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def _skip(self, i: int) -> int:
        """The index of the first token from ``i`` on that is not a filler word."""
        while i < len(self.tokens) and self.tokens[i].sense.filler:
            i += 1
        return i

    def _decimal(self, i: int) -> bool:
        """ "2,5" or "1.5" before a unit is a number, not the 2nd of May."""
        token, after = self.tokens[i], self._at(i + 1)
        if token.numeric is None or token.numeric[2] is not None or token.numeric[3] not in ".,٫":
            return False
        return after is not None and after.sense.unit is not None

    def _numeric(self, i, pending):
        token = self.tokens[i]
        if token.numeric is None or self._decimal(i):
            return None
        first, second, third, _ = token.numeric
        words = token.words
        if third is None and len(first) == 4:
            return _Expr("month", words, month=int(second), year_text=first), i + 1
        if third is None and len(second) == 4:
            return _Expr("month", words, month=int(first), year_text=second), i + 1
        if len(first) == 4:
            expr = _Expr("day", words, day=int(third), month=int(second), year_text=first)
            return expr, i + 1
        if len(first) > 2 or len(second) > 2:
            return _Expr("impossible", words), i + 1
        expr = _Expr("day", words, day=int(first), month=int(second), year_text=third)
        return expr, i + 1

    def _range(self, i, pending):
        """ "2-3 mois" (two durations), "15-20 mars" (two days): both are offered."""
        token = self.tokens[i]
        if token.numeric is None or token.numeric[2] is not None:
            return None
        if token.numeric[3] not in _DASHES:
            return None
        low, high = (int(part) for part in token.numeric[:2])
        after = self._at(i + 1)
        if after is not None and after.sense.unit and low < high:
            options = tuple(
                _Expr("duration", token.words | after.words, count=n, unit=after.sense.unit)
                for n in (low, high)
            )
            return _Expr("several", token.words | after.words, options=options), i + 2
        j = self._skip(i + 1)
        month = self._month_sense(j)
        if month is not None and low < high <= 31:
            words = token.words | self.tokens[j].words
            options = tuple(_Expr("day", words, day=n, month=month) for n in (low, high))
            return _Expr("several", words, options=options), j + 1
        return None

    def _current(self, i, pending):
        """ "fin du mois", "end of the year": this month or year, with a position word."""
        token = self.tokens[i]
        if token.sense.unit not in ("month", "year") or token.sense.implied != 1:
            return None
        if not any(t.sense.position for t in pending):
            return None
        after = self._at(i + 1)
        if after is not None and (after.sense.ref or after.digits == 4):
            return None  # "fin de l'année prochaine", "fin de l'année 2025"
        previous = self._at(i - 1)
        if previous is not None and (previous.sense.count or previous.number is not None):
            return None
        if token.sense.unit == "month":
            expr = _Expr("month", token.words, month=self.today.month, year=self.today.year)
        else:
            expr = _Expr("year", token.words, year=self.today.year)
        return expr, i + 1

    def _duration(self, i, pending):
        token = self.tokens[i]
        after = self._at(i + 1)
        if token.sense.relative_days is not None:
            return _Expr("relative", token.words, count=token.sense.relative_days), i + 1
        count = token.sense.count if token.number is None else token.number
        if self._decimal(i):
            count = float(f"{token.numeric[0]}.{token.numeric[1]}")  # "2,5 mois"
        if count is not None and after is not None and after.sense.unit:
            return self._lasting(count, after.sense.unit, token.words | after.words, i + 2)
        if token.sense.unit is None or token.sense.implied is None:
            return None
        if after is not None and (after.sense.weekday or after.number is not None):
            return None  # «يوم الاثنين»
        if after is not None and after.sense.count == 1:  # «شهر واحد»
            return self._lasting(1, token.sense.unit, token.words | after.words, i + 2)
        triggered = any(t.sense.within or t.sense.before or t.sense.ago for t in pending)
        if token.sense.implied == 1 and not triggered and len(self.tokens) > 1:
            return None
        return self._lasting(token.sense.implied, token.sense.unit, token.words, i + 1)

    def _lasting(
        self, count: float, unit: str, words: frozenset[int], end: int
    ) -> tuple[_Expr, int]:
        """A duration whose tokens end before ``end``, with the "ago" that follows it."""
        expr = _Expr("duration", words, count=count, unit=unit)
        after = self._at(end)
        if after is not None and after.sense.ago:
            expr.ago = True
            expr.words |= after.words
            end += 1
        return expr, end

    def _month_sense(self, i: int) -> int | None:
        """The month the token at ``i`` names, if it is read as a month there."""
        token = self._at(i)
        if token is None or token.sense.month is None:
            return None
        if not token.sense.weak_month or len(self.tokens) == 1:
            return token.sense.month
        before = self._at(i - 1)
        after = self._at(i + 1)
        supported = (before is not None and self._is_date_word(before, True)) or (
            after is not None and self._is_date_word(after, False)
        )
        return token.sense.month if supported else None

    @staticmethod
    def _is_date_word(token: _Token, before: bool) -> bool:
        sense = token.sense
        if token.number is not None or sense.ordinal or sense.ref:
            return True
        return before and bool(sense.position or sense.before or sense.within or sense.filler)

    def _day_of(self, i: int) -> tuple[int, int] | None:
        """(day, digits) of a day number or ordinal at ``i``."""
        token = self._at(i)
        if token is None:
            return None
        if token.sense.ordinal is not None:
            return token.sense.ordinal, 0
        if token.number is not None and token.digits <= 2:
            return token.number, token.digits
        return None

    def _day_month(self, i, pending):
        day = self._day_of(i)
        if day is None:
            return None
        j = self._skip(i + 1)
        month = self._month_sense(j)
        if month is None or self.tokens[j].sense.quarter:
            return None
        expr = _Expr("day", self.tokens[i].words | self.tokens[j].words, day=day[0], month=month)
        return self._with_year(expr, j + 1)

    def _month_day(self, i, pending):
        month = self._month_sense(i)
        if month is None or self.tokens[i].sense.quarter:
            return None
        j = self._skip(i + 1)
        day = self._day_of(j)
        if day is None:
            return None
        after = self._at(j + 1)
        if after is not None and after.sense.unit:
            return None
        words = self.tokens[i].words | self.tokens[j].words
        expr, end = self._with_year(_Expr("day", words, day=day[0], month=month), j + 1)
        languages = self.tokens[i].sense.month_languages
        if (
            expr.year is None
            and expr.year_text is None
            and day[1] == 2
            and not self._month_first_language(languages)
        ):
            year_reading = _Expr("month", words, month=month, year_text=self.tokens[j].key)
            return _Expr("day-or-year", words, options=(expr, year_reading)), end
        return expr, end

    def _month_first_language(self, languages: frozenset[str]) -> bool:
        """Whether a month name then a number is read "June 30" (a day), as in English."""
        if languages == {"en"}:
            return True
        return "en" in languages and self.language in (None, "en")

    def _month(self, i, pending):
        month = self._month_sense(i)
        if month is None:
            return None
        expr = _Expr("month", self.tokens[i].words, month=month)
        expr.quarter = self.tokens[i].sense.quarter
        previous = self._at(i - 1)
        j = self._skip(i + 1)
        after = self._at(j)
        for ref_token in (previous, after):
            if ref_token is not None and ref_token.sense.ref and not ref_token.sense.unit:
                expr.words |= ref_token.words
                following = ref_token.sense.ref == "next" and month <= self.today.month
                earlier = ref_token.sense.ref == "this" and month < self.today.month
                expr.year = self.today.year + (1 if following or earlier else 0)
                return expr, (j + 1 if ref_token is after else i + 1)
        return self._with_year(expr, i + 1)

    def _with_year(self, expr: _Expr, i: int) -> tuple[_Expr, int]:
        """``expr`` with the year that follows it, if one does ("mars de l'année prochaine")."""
        found = self._year_at(self._skip(i))
        if found is None:
            return expr, i
        year, end = found
        expr.words |= year.words
        expr.year, expr.year_text = year.year, year.year_text
        return expr, end

    def _year(self, i, pending):
        return self._year_at(i)

    def _year_at(self, i: int) -> tuple[_Expr, int] | None:
        token = self._at(i)
        if token is None:
            return None
        if token.number is not None and token.digits == 4:
            return _Expr("year", token.words, year_text=token.key), i + 1
        if token.sense.unit == "year" and token.sense.implied == 1:
            after = self._at(i + 1)
            if after is not None and after.number is not None and after.digits == 4:
                words = token.words | after.words
                return _Expr("year", words, year_text=after.key), i + 2
            if after is not None and after.sense.ref:
                return self._ref_year(token, after), i + 2
        if token.sense.ref and not token.sense.unit:
            j = self._skip(i + 1)
            unit = self._at(j)
            if unit is not None and unit.sense.unit == "year" and unit.sense.implied == 1:
                return self._ref_year(unit, token), j + 1
        return None

    def _ref_year(self, unit: _Token, ref: _Token) -> _Expr:
        offset = 1 if ref.sense.ref == "next" else 0
        return _Expr("year", unit.words | ref.words, year=self.today.year + offset)

    def _month_ref(self, i, pending):
        """ "next month", "le mois prochain", «الشهر المقبل», "this month"."""
        token = self.tokens[i]
        pair = None
        if token.sense.unit == "month" and token.sense.implied == 1:
            after = self._at(i + 1)
            if after is not None and after.sense.ref:
                pair = (token, after, i + 2)
        elif token.sense.ref and not token.sense.unit:
            j = self._skip(i + 1)
            unit = self._at(j)
            if unit is not None and unit.sense.unit == "month" and unit.sense.implied == 1:
                pair = (unit, token, j + 1)
        if pair is None:
            return None
        unit, ref, end = pair
        month = _add_months(self.today.replace(day=1), 1 if ref.sense.ref == "next" else 0)
        expr = _Expr("month", unit.words | ref.words, month=month.month, year=month.year)
        return expr, end

    def _ordinal(self, i, pending):
        token = self.tokens[i]
        if token.sense.ordinal is None:
            return None
        return _Expr("ordinal", token.words, day=token.sense.ordinal), i + 1

    def _bare_number(self, i, pending):
        token = self.tokens[i]
        if token.number is None or token.digits > 2 or not 1 <= token.number <= 31:
            return None
        return _Expr("bare", token.words, day=token.number), i + 1

    # Resolving them against today

    def _resolve(self, e: _Expr) -> Deadline:
        match e.kind:
            case "day":
                return self._resolve_day(e)
            case "month" | "year":
                return self._resolve_period(e)
            case "duration":
                return self._resolve_duration(e)
            case "relative":
                moved = self.today + timedelta(days=e.count)
                return self._checked(moved, Reason.RELATIVE_DAY, e)
            case "ordinal" if not 1 <= e.day <= 31:
                return self._invalid(Reason.NO_SUCH_DATE, e.words)
            case "ordinal":
                return self._checked(self._next_day_of_month(e.day), Reason.NEXT_OCCURRENCE, e)
            case "bare":
                options = (
                    self._checked(self._next_day_of_month(e.day), Reason.NEXT_OCCURRENCE, e),
                    self._checked(self.today + timedelta(days=e.day), Reason.DURATION, e),
                )
                return self._either(Reason.DAY_OR_DAYS, e, options)
            case "day-or-year":
                return self._either(Reason.DAY_OR_YEAR, e, [self._resolve(o) for o in e.options])
            case "several":
                return self._either(Reason.SEVERAL, e, [self._resolve(o) for o in e.options])
        return self._invalid(Reason.NO_SUCH_DATE, e.words)

    def _resolve_day(self, e: _Expr) -> Deadline:
        year = self._year_of(e)
        if year == 0:
            return self._invalid(Reason.NO_SUCH_DATE, e.words)
        if year is None:
            year = self.today.year
            if (e.month, e.day) < (self.today.month, self.today.day):
                year += 1
            reason = Reason.NEXT_OCCURRENCE
        else:
            reason = Reason.DATE
        try:
            day = date(year, e.month, e.day)
        except ValueError:
            return self._invalid(Reason.NO_SUCH_DATE, e.words)
        return self._checked(day, reason, e)

    def _resolve_period(self, e: _Expr) -> Deadline:
        year = self._year_of(e)
        if year == 0 or (e.month is not None and not 1 <= e.month <= 12):
            return self._invalid(Reason.NO_SUCH_DATE, e.words)
        reason = {"begin": Reason.FIRST_DAY, "middle": Reason.MIDDLE}.get(
            e.position or "", Reason.LAST_DAY
        )
        if year is not None:
            return self._checked(self._day_in(year, e), reason, e)
        this_year = self._day_in(self.today.year, e)
        next_year = self._day_in(self.today.year + 1, e)
        if e.month > self.today.month:
            return self._checked(this_year, reason, e)
        if e.month < self.today.month or this_year < self.today:
            return self._checked(next_year, reason, e)
        options = (self._checked(this_year, reason, e), self._checked(next_year, reason, e))
        return self._either(Reason.THIS_MONTH_OR_NEXT_YEAR, e, options)

    @staticmethod
    def _day_in(year: int, e: _Expr) -> date:
        """The day of the month, quarter or year ``e`` names, by its position word."""
        if e.month is None:
            first, middle, last = (1, 1), (6, 30), (12, 31)
        elif e.quarter:
            first, middle, last = (e.month - 2, 1), (e.month - 1, 15), (e.month, 0)
        else:
            first, middle, last = (e.month, 1), (e.month, 15), (e.month, 0)
        month, day = {"begin": first, "middle": middle}.get(e.position or "", last)
        return date(year, month, day or calendar.monthrange(year, month)[1])

    def _resolve_duration(self, e: _Expr) -> Deadline:
        sign = -1 if e.ago else 1
        if e.unit in ("day", "week"):
            days = round(min(e.count * (7 if e.unit == "week" else 1), 100_000))
            moved = self.today + timedelta(days=sign * days)
        else:
            months = min(e.count * (12 if e.unit == "year" else 1), 1_000_000)
            whole = int(months)
            moved = _add_months(self.today, sign * whole)
            if months > whole and moved not in (date.min, date.max):
                moved += timedelta(days=sign * round((months - whole) * 30))
        checked = self._checked(moved, Reason.DURATION, e)
        if e.before and checked.outcome is Outcome.DATE:
            return self._either(Reason.BEFORE_DURATION, e, (checked,), confirm=True)
        return checked

    def _year_of(self, e: _Expr) -> int | None:
        """The expression's year; None when it has none; 0 when it cannot be one ("202")."""
        if e.year is not None:
            return e.year
        if e.year_text is None:
            return None
        if len(e.year_text) == 2:
            return 2000 + int(e.year_text)
        if len(e.year_text) == 4:
            return int(e.year_text)
        return 0

    def _next_day_of_month(self, day: int) -> date:
        month = self.today.replace(day=1)
        while True:
            if day <= calendar.monthrange(month.year, month.month)[1]:
                candidate = month.replace(day=day)
                if candidate >= self.today:
                    return candidate
            month = _add_months(month, 1)

    def _checked(self, day: date, reason: Reason, e: _Expr) -> Deadline:
        words = self._words(e.words)
        if day < self.today:
            return Deadline(Outcome.INVALID, Reason.IN_THE_PAST, words, date=day)
        resolved = Deadline(Outcome.DATE, reason, words, date=day)
        if day > _add_months(self.today, 12 * FAR_AWAY_YEARS):
            return Deadline(Outcome.AMBIGUOUS, Reason.FAR_AWAY, words, candidates=(resolved,))
        return resolved

    def _either(
        self, reason: Reason, e: _Expr, options: Sequence[Deadline], confirm: bool = False
    ) -> Deadline:
        """Ambiguous between the readings that make a date; the only one if one does."""
        possible = [o for o in options if o.outcome is not Outcome.INVALID]
        if not possible:
            return options[0]
        if len(possible) == 1 and not confirm:
            return possible[0]
        candidates = _unique(_dates_of(possible))
        if len(candidates) == 1 and not confirm:
            return possible[0]
        return Deadline(Outcome.AMBIGUOUS, reason, self._words(e.words), candidates=candidates)

    def _invalid(self, reason: Reason, words: frozenset[int]) -> Deadline:
        return Deadline(Outcome.INVALID, reason, self._words(words))

    def _words(self, indices: Iterable[int]) -> tuple[str, ...]:
        """The words typed from the first of ``indices`` to the last ("end of June")."""
        indices = set(indices)
        if not indices:
            return ()
        return tuple(self.shown[min(indices) : max(indices) + 1])


def _tokenise(text: str) -> tuple[list[str], list[_Token]]:
    """The words as typed (trimmed), and the tokens read from them."""
    raw = strip_invisible(to_ascii_digits(unicodedata.normalize("NFKC", text)))
    raw = _SPACED_SEPARATOR.sub(r"\1", raw)
    shown: list[str] = []
    pieces: list[tuple[str, int]] = []
    numeric: dict[int, tuple[str, ...]] = {}
    for word in raw.split():
        trimmed = _trim(word)
        if not trimmed:
            continue
        index = len(shown)
        shown.append(trimmed)
        if _TIME.fullmatch(trimmed):
            continue
        match = _NUMERIC.fullmatch(trimmed)
        if match:
            first, separator, second, third = match.groups()
            numeric[len(pieces)] = (first, second, third, separator)
            pieces.append(("", index))
        elif _TODAY.fullmatch(_bare_letters(trimmed)):
            pieces.append(("today", index))
        else:
            pieces.extend((piece, index) for piece in _pieces(trimmed))
    tokens: list[_Token] = []
    i = 0
    while i < len(pieces):
        if i in numeric:
            groups = numeric[i]
            tokens.append(_Token("", _NOTHING, frozenset({pieces[i][1]}), numeric=groups))
            i += 1
            continue
        token, i = _read(pieces, i)
        tokens.append(token)
    return shown, _settle(tokens)


def _read(pieces: list[tuple[str, int]], i: int) -> tuple[_Token, int]:
    """The longest phrase of the lexicon at ``pieces[i]`` (else the piece alone)."""
    key, index = pieces[i]
    for length in range(min(_LONGEST, len(pieces) - i), 1 if key.isdigit() else 0, -1):
        keys = [piece for piece, _ in pieces[i : i + length]]
        for first in _variants(keys[0]):
            sense = _LEXICON.get((first, *keys[1:]))
            if sense is not None:
                words = frozenset(index for _, index in pieces[i : i + length])
                return _Token(" ".join(keys), sense, words), i + length
    if key.isdigit():
        return _Token(key, _NOTHING, frozenset({index}), int(key), len(key)), i + 1
    return _Token(key, _NOTHING, frozenset({index})), i + 1


def _variants(key: str) -> Iterable[str]:
    """The word, then the word without its Arabic proclitics («بنهاية» → «نهاية»)."""
    yield key
    if _ARABIC_LETTER.match(key):
        for prefix in _PROCLITICS:
            if prefix and key.startswith(prefix) and len(key) - len(prefix) >= 2:
                yield key[len(prefix) :]


def _settle(tokens: list[_Token]) -> list[_Token]:
    """Readings that depend on the neighbours: "15th", "le 15", «شهر مارس», «عيد العرش»."""
    settled: list[_Token] = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        previous = settled[-1] if settled else None
        sense = token.sense
        if (
            sense.ordinal_suffix
            and previous is not None
            and (previous.number is not None or previous.sense.ordinal is not None)
            and previous.words == token.words
        ):
            if previous.number is not None:
                previous.sense = replace(previous.sense, ordinal=previous.number)
                previous.number = None
            continue
        if sense.day_marker and after is not None and _is_day(after):
            later = tokens[i + 2] if i + 2 < len(tokens) else None
            if later is None or not later.sense.unit:
                after.sense = replace(after.sense, ordinal=after.number)
                after.number = None
                token.sense = _Sense(filler=True)
        if sense.unit == "month" and _names_month_next(tokens, i + 1):
            token.sense = _Sense(filler=True)  # «شهر مارس», "mois de mars"
        if sense.lunar and after is not None and after.key in _FIXED_FEAST_KEYS:
            token.sense = _NOTHING
        settled.append(token)
    return settled


def _is_day(token: _Token) -> bool:
    return token.number is not None and token.digits <= 2 and 1 <= token.number <= 31


def _names_month_next(tokens: list[_Token], i: int) -> bool:
    while i < len(tokens) and tokens[i].sense.filler:
        i += 1
    return i < len(tokens) and tokens[i].sense.month is not None


def _bare_letters(word: str) -> str:
    """The word without marks and tatweel, the article kept."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\u0640")


def _trim(word: str) -> str:
    """The word without the punctuation and symbols around it ("(31/12)," → "31/12")."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


def _add_months(day: date, months: int) -> date:
    """``months`` calendar months later, clamped to the month's end (31 Jan + 1 → 28 Feb)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    if not date.min.year <= year <= date.max.year:
        return date.max if year > 0 else date.min
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _union(sets: Iterable[frozenset[int]]) -> frozenset[int]:
    return frozenset().union(*sets)


def _dates_of(results: Iterable[Deadline]) -> list[Deadline]:
    """The resolved dates among ``results``, the candidates of ambiguous ones included."""
    found: list[Deadline] = []
    for result in results:
        if result.outcome is Outcome.DATE:
            found.append(result)
        elif result.outcome is Outcome.AMBIGUOUS:
            found.extend(result.candidates)
    return found


def _unique(results: Iterable[Deadline]) -> tuple[Deadline, ...]:
    seen: dict[date | None, Deadline] = {}
    for result in results:
        seen.setdefault(result.date, result)
    return tuple(seen.values())
