"""The themes of open local government, and what a free text says about them.

The taxonomy is a TOML file organisers edit (the shipped one is ``bot/data/themes.toml``;
its header gives the tagging rules)::

    skip = ["في", "ديال", "de", "la", …]   # words passed over inside a phrase
    vague = ["دعم", "support", "guide", …]  # words that never make a theme on their own

    [[theme]]
    slug = "participatory_budgeting"        # 1-40 of a-z 0-9 _, unique, stable once published
    label = { ar = "…", fr = "…", en = "…" }
    overrides = ["citizen_participation"]   # optional: more specific than these themes
    keywords.msa = ["الميزانية التشاركية", …]  # Modern Standard Arabic
    keywords.darija = ["الميزانية ديال المشاركة", …]  # Darija in Arabic letters
    keywords.arabizi = ["lmizania tacharokia", …]  # Darija in Latin letters (3=ع 7=ح 9=ق)
    keywords.fr = ["budget participatif", …]
    keywords.en = ["participatory budgeting", …]  # optional

Every keyword is a word or a phrase. :func:`understand` finds them in a text whatever the
spelling the Arabic text module folds (hamza, alef, ta marbuta, marks, tatweel, Eastern
digits; case and accents in Latin letters), and whatever the inflection: for Arabic the
article, the proclitics و ف ب ل ك (and وبال, فال, لل, دال), the plural and feminine endings
(ات ون ين ة ية يات ي); for French the plural s/x, the feminine, elision (l', d'); for
Arabizi the spelling of the vowels and the endings. Between the words of a phrase, skip
words ("في", "ديال", "de", "l'") are passed over; nothing else may come in between.

A theme that ``overrides`` another is more specific: a phrase of the other that shares a
word with one of its own phrases is its own, and when no phrase of the other is left,
the other is dropped ("الميزانية التشاركية" is participatory budgeting, not also citizen
participation; "participation citoyenne et budget participatif" is both). A keyword made
only of vague words, or of one word of fewer than 3 letters, is refused.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.arabic import consonant_key, normalise
from domain.problems import Problem, ProblemsFound

LANGUAGES = ("ar", "fr", "en")
LEXICONS = ("msa", "darija", "arabizi", "fr", "en")
REQUIRED_LEXICONS = ("msa", "darija", "arabizi", "fr")
THEME_KEYS = ("slug", "label", "overrides", "keywords")
TOP_KEYS = ("skip", "vague", "theme")
SLUG = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_GAP = 0
"""Other words allowed between two words of a phrase (skip words are not counted). With
one, "participation citoyenne et budget participatif" read "participation … budget" as
participatory budgeting and lost the participation said separately."""

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_LATIN_LETTER = re.compile(r"[a-z]")
_PROCLITICS = tuple(
    sorted(
        {
            first + second + article
            for first in ("", "\u0648", "\u0641")  # و ف
            for second in ("", "\u0628", "\u0644", "\u0643")  # ب ل ك
            for article in ("", "\u0627\u0644")  # ال
        }
        | {first + "\u0644\u0644" for first in ("", "\u0648", "\u0641")}  # لل
        | {first + "\u062f\u0627\u0644" for first in ("", "\u0648")}  # دال (Darija "of the")
        | {first + "\u0639\u0627\u0644" for first in ("", "\u0648")},  # عال (Darija "on the")
        key=len,
        reverse=True,
    )
)
_PRONOUNS = ("\u0647\u0627", "\u0647\u0645", "\u0646\u0627", "\u0643\u0645")  # ها هم نا كم
_TEH, _HEH, _YEH = "\u062a", "\u0647", "\u064a"
_ALEF_TEH, _YEH_ALEF_TEH = "\u0627\u062a", "\u064a\u0627\u062a"  # ات يات
_MASCULINE_PLURALS = ("\u0648\u0646", "\u064a\u0646", "\u0627\u0646")  # ون ين ان
_ARABIZI_PLURALS = ("at", "ate", "in", "ine", "oun", "oune")
_ARABIZI_CLITICS = ("w", "f", "b", "d")
_MIN_STEM = 3
_PUNCTUATION = '.,;:!?()[]{}«»"“”‘’،؛؟…- '
_MIN_ARABIZI_KEY = 3
"""A shorter consonant key ("nsa", "drari") would match French words ("nous"): such an
Arabizi keyword matches as it is spelt."""


class TaxonomyInvalid(ProblemsFound):
    """A taxonomy that cannot be used; each problem names its theme."""


@dataclass(frozen=True)
class Keyword:
    text: str
    """As written in the file."""
    lexicon: str
    words: tuple[frozenset[tuple[str, str]], ...] = field(repr=False, compare=False)
    """The keys each of its words (skip words left out) may match."""


@dataclass(frozen=True)
class Theme:
    slug: str
    label: Mapping[str, str]
    keywords: tuple[Keyword, ...]
    overrides: tuple[str, ...] = ()

    def name(self, locale: str | None) -> str:
        """The label in ``locale`` (ar, fr or en, each required), else in English."""
        return self.label.get(locale or "") or self.label["en"]


@dataclass(frozen=True)
class Match:
    slug: str
    words: tuple[str, ...]
    """The phrases of the text that triggered it, as typed, in text order."""


@dataclass(frozen=True)
class _Token:
    position: int
    """Index of the raw word it comes from (a raw word such as "l'accès" gives two)."""
    keys: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...] = ()
    skip: frozenset[str] = frozenset()
    vague: frozenset[str] = frozenset()
    _index: Mapping[tuple[str, str], tuple[tuple[Theme, Keyword], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(theme.slug for theme in self.themes)

    def theme(self, slug: str) -> Theme:
        return next(theme for theme in self.themes if theme.slug == slug)

    def label(self, slug: str, locale: str | None) -> str:
        """The label of the theme ``slug`` in ``locale`` (see :meth:`Theme.name`)."""
        return self.theme(slug).name(locale)

    def understand(self, text: str) -> list[Match]:
        """The themes ``text`` speaks of, in the order it first names them."""
        raw_words = text.split()
        tokens = [token for token in _tokens(raw_words) if not token.keys & _skip_keys(self.skip)]
        spans: dict[str, list[tuple[int, int]]] = {}
        for start, token in enumerate(tokens):
            seen: set[int] = set()
            for key in token.keys:
                for theme, keyword in self._index.get(key, ()):
                    if id(keyword) in seen:
                        continue
                    seen.add(id(keyword))
                    end = _match_at(tokens, start, keyword.words)
                    if end is not None:
                        spans.setdefault(theme.slug, []).append((start, end))
        for theme in self.themes:
            own = spans.get(theme.slug)
            if not own:
                continue
            for other in theme.overrides:
                theirs = [span for span in spans.get(other, ()) if not _overlaps(span, own)]
                if theirs:
                    spans[other] = theirs
                else:
                    spans.pop(other, None)
        ordered = sorted(spans.items(), key=lambda item: min(item[1]))
        return [Match(slug, _phrases(raw_words, tokens, found)) for slug, found in ordered]


def understand(taxonomy: Taxonomy, text: str) -> list[Match]:
    return taxonomy.understand(text)


def _skip_keys(skip: frozenset[str]) -> frozenset[tuple[str, str]]:
    return frozenset(("skip", word) for word in skip)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _match_at(
    tokens: list[_Token], start: int, words: tuple[frozenset[tuple[str, str]], ...]
) -> int | None:
    """The end (exclusive) of ``words`` found from ``tokens[start]``, or None."""
    if not tokens[start].keys & words[0]:
        return None
    at = start + 1
    for word in words[1:]:
        for candidate in range(at, min(at + MAX_GAP + 1, len(tokens))):
            if tokens[candidate].keys & word:
                at = candidate + 1
                break
        else:
            return None
    return at


def _phrases(
    raw_words: list[str], tokens: list[_Token], spans: list[tuple[int, int]]
) -> tuple[str, ...]:
    """The typed words from the first to the last word of each span, skip words included."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    phrases = []
    for start, end in merged:
        first, last = tokens[start].position, tokens[end - 1].position
        phrase = " ".join(raw_words[first : last + 1]).strip(_PUNCTUATION)
        if phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


# normalising words to the keys they may match


def _tokens(raw_words: list[str]) -> list[_Token]:
    return [
        _Token(position, _text_keys(word))
        for position, raw in enumerate(raw_words)
        for word in normalise(raw).split()
    ]


def _text_keys(word: str) -> frozenset[tuple[str, str]]:
    """Every reading of a word of the text: its stems, with and without its clitics."""
    keys = {("skip", word)}
    if word.isdigit():
        keys.add(("w", word))
    elif _ARABIC_LETTER.search(word):
        for stem in _without_proclitics(word):
            keys.update(("a", form) for form in _arabic_forms(stem))
    elif _LATIN_LETTER.search(word):
        keys.update(("w", form) for form in _french_forms(word))
        for bare in _without_arabizi_clitics(word):
            keys.update(("z", form) for form in _arabizi_forms(bare))
    return frozenset(keys)


def _keyword_keys(word: str, lexicon: str) -> frozenset[tuple[str, str]]:
    """The keys of a word of a keyword, as written in the file (its base form)."""
    if word.isdigit():
        return frozenset({("w", word)})
    if _ARABIC_LETTER.search(word):
        return frozenset(("a", form) for form in _arabic_keyword_forms(word))
    if lexicon == "arabizi":
        key = _arabizi_key(word)
        if len(key) >= _MIN_ARABIZI_KEY:
            return frozenset({("z", key)})
        return frozenset(("w", form) for form in _french_forms(word))
    return frozenset(("w", form) for form in _french_forms(word))


def _without_proclitics(word: str) -> set[str]:
    stems = {word}
    for prefix in _PROCLITICS:
        if prefix and word.startswith(prefix) and len(word) - len(prefix) >= 2:
            stems.add(word[len(prefix) :])
    return stems


def _arabic_forms(word: str) -> set[str]:
    """A word of the text and the base forms it may be an inflection of.

    One way only: a plural, a feminine, a word with a possessive ending gives its singular
    and masculine, never a shorter word ("التعاونيات" is "تعاونية", not "تعاون").
    """
    forms = {word}
    for pronoun in _PRONOUNS:
        if word.endswith(pronoun) and len(word) - len(pronoun) >= _MIN_STEM:
            bare = word[: -len(pronoun)]
            forms.add(bare)
            if bare.endswith(_TEH):
                forms.add(bare[:-1] + _HEH)  # ميزانيتها -> ميزانية
    for form in list(forms):
        if form.endswith(_YEH_ALEF_TEH) and len(form) > len(_YEH_ALEF_TEH) + 1:
            forms.update({form[:-3] + _YEH + _HEH, form[:-3] + _YEH})
        elif form.endswith(_ALEF_TEH) and len(form) - 2 >= _MIN_STEM:
            forms.update({form[:-2], form[:-2] + _HEH})
        elif form.endswith(_MASCULINE_PLURALS) and len(form) - 2 >= _MIN_STEM:
            forms.add(form[:-2])
        if form.endswith(_HEH) and len(form) > _MIN_STEM:
            forms.add(form[:-1])  # the feminine: التشاركية -> تشاركي
    return forms


def _arabic_keyword_forms(word: str) -> set[str]:
    """A keyword written feminine also names the masculine ("المفتوحة" matches "مفتوح"),
    one written in the plural also the singular ("الجماعات" matches "جماعة")."""
    forms = {word}
    if word.endswith(_HEH) and len(word) > _MIN_STEM:
        forms.add(word[:-1])
    if word.endswith(_YEH_ALEF_TEH) and len(word) > len(_YEH_ALEF_TEH) + 1:
        forms.update({word[:-3] + _YEH + _HEH, word[:-3] + _YEH})  # معطيات -> معطى
    elif word.endswith(_ALEF_TEH) and len(word) - 2 >= _MIN_STEM:
        forms.add(word[:-2] + _HEH)
    return forms


def _french_forms(word: str) -> set[str]:
    forms = {word}
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
        forms.add(word)
    if word.endswith("au") and len(word) > 4:  # locaux -> local
        forms.add(word[:-2] + "al")
    if word.endswith("ive"):
        forms.add(word[:-3] + "if")
    if word.endswith(("nne", "lle")):
        forms.add(word[:-2])
    if word.endswith("e") and len(word) > 4:
        forms.add(word[:-1])
    return forms


def _without_arabizi_clitics(word: str) -> set[str]:
    """ "wlmizania", "flbaladiya", "dlmizania" -> "lmizania" … (the article goes later)."""
    words = {word}
    if len(word) > 4 and word[0] in _ARABIZI_CLITICS and word[1] == "l":
        words.add(word[1:])
    return words


def _arabizi_key(word: str) -> str:
    return consonant_key(word.replace("8", "gh"))


def _arabizi_forms(word: str) -> set[str]:
    """The consonant keys of a Latin word read as Darija, and of its singular.

    The key keeps no vowels, so "tacharokia", "tacharoukiya" and "tacharoki" are one key.
    """
    if not _LATIN_LETTER.search(word):
        return set()
    stems = {word}
    for suffix in _ARABIZI_PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stems.add(word[: -len(suffix)])
    return {key for key in map(_arabizi_key, stems) if len(key) >= _MIN_ARABIZI_KEY}


# reading


def load(text: str) -> Taxonomy:
    """Read and check a taxonomy; :class:`TaxonomyInvalid` lists every problem."""
    taxonomy, problems = parse_toml(text)
    if problems:
        raise TaxonomyInvalid(problems)
    return taxonomy


def parse_toml(text: str) -> tuple[Taxonomy, list[Problem]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Taxonomy(), [Problem("", f"not valid TOML ({error})")]
    return from_tables(data)


def from_tables(data: Mapping[str, Any]) -> tuple[Taxonomy, list[Problem]]:
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem("", f"unknown key {key!r} (themes are [[theme]] tables)"))
    skip = _word_list(data, "skip", problems)
    vague = _word_list(data, "vague", problems)
    tables = data.get("theme", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return Taxonomy(), [*problems, Problem("", "theme must be [[theme]] tables")]
    if not tables:
        problems.append(Problem("", "no theme: the taxonomy needs at least one [[theme]]"))
    themes = [_theme(table, n, skip, vague, problems) for n, table in enumerate(tables, 1)]
    slugs = [theme.slug for theme in themes]
    for theme in themes:
        if slugs.count(theme.slug) > 1 and theme is themes[slugs.index(theme.slug)]:
            problems.append(Problem(f"theme {theme.slug}", "slug used by more than one theme"))
        for other in theme.overrides:
            if other == theme.slug:
                problems.append(Problem(f"theme {theme.slug}", "overrides itself"))
            elif other not in slugs:
                problems.append(
                    Problem(f"theme {theme.slug}", f"overrides unknown theme {other!r}")
                )
    problems += _shared_keywords(themes)
    index: dict[tuple[str, str], list[tuple[Theme, Keyword]]] = {}
    for theme in themes:
        for keyword in theme.keywords:
            for key in keyword.words[0]:
                index.setdefault(key, []).append((theme, keyword))
    taxonomy = Taxonomy(
        tuple(themes),
        frozenset(skip),
        frozenset(vague),
        {key: tuple(found) for key, found in index.items()},
    )
    return taxonomy, problems


def _word_list(data: Mapping[str, Any], key: str, problems: list[Problem]) -> set[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(Problem("", f'{key} must be a list of words: {key} = ["…", …]'))
        return set()
    return {word for item in value for word in normalise(item).split()}


def _theme(
    table: dict[str, Any], position: int, skip: set[str], vague: set[str], problems: list[Problem]
) -> Theme:
    slug = table.get("slug")
    valid_slug = isinstance(slug, str) and SLUG.fullmatch(slug)
    where = f"theme {slug}" if valid_slug else f"theme {position}"

    def problem(message: str) -> None:
        problems.append(Problem(where, message))

    if not valid_slug:
        problem("slug must be 1-40 of a-z, 0-9 and _, starting with a letter")
    for key in table:
        if key not in THEME_KEYS:
            problem(f"unknown key {key!r}")
    label = table.get("label")
    labels: dict[str, str] = {}
    if not isinstance(label, dict):
        problem("label missing: label = { ar = …, fr = …, en = … }")
    else:
        for language in label:
            if language not in LANGUAGES:
                problem(f"label.{language}: unknown language (use ar, fr and en)")
        for language in LANGUAGES:
            text = label.get(language)
            if not isinstance(text, str) or not text.strip():
                problem(f"label.{language} missing (a text in each of ar, fr and en)")
            else:
                labels[language] = text.strip()
    overrides = table.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        problem('overrides must be a list of slugs: overrides = ["…"]')
        overrides = []
    keywords = _keywords(table.get("keywords"), skip, vague, problem)
    return Theme(str(slug) if valid_slug else f"#{position}", labels, keywords, tuple(overrides))


def _keywords(value: Any, skip: set[str], vague: set[str], problem) -> tuple[Keyword, ...]:
    if not isinstance(value, dict):
        problem('keywords missing: keywords.msa = ["…"], keywords.darija, .arabizi, .fr')
        return ()
    found = []
    for lexicon in value:
        if lexicon not in LEXICONS:
            problem(f"keywords.{lexicon}: unknown lexicon (use {', '.join(LEXICONS)})")
    for lexicon in LEXICONS:
        items = value.get(lexicon)
        if items is None:
            if lexicon in REQUIRED_LEXICONS:
                problem(f"keywords.{lexicon} missing (a list of words or phrases)")
            continue
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            problem(f"keywords.{lexicon} must be a list of words or phrases")
            continue
        for item in items:
            words = [word for word in normalise(item).split() if word not in skip]
            if not words:
                problem(f"keywords.{lexicon}: {item!r} has no word that is not a skip word")
            elif len(words) == 1 and not words[0].isdigit() and len(words[0]) < _MIN_STEM:
                problem(
                    f"keywords.{lexicon}: {item!r} is too short to tell apart (3 letters or more)"
                )
            elif all(word in vague for word in words):
                problem(
                    f"keywords.{lexicon}: {item!r} is only vague words; "
                    "say what it is about (a vague word never makes a theme alone)"
                )
            else:
                keys = tuple(_keyword_keys(word, lexicon) for word in words)
                if all(keys):
                    found.append(Keyword(item, lexicon, keys))
                else:
                    problem(f"keywords.{lexicon}: {item!r} has a word that cannot be matched")
    return tuple(found)


def _shared_keywords(themes: list[Theme]) -> list[Problem]:
    """The same keyword in two themes: the text cannot tell them apart."""
    problems = []
    owner: dict[tuple[str, ...], str] = {}
    for theme in themes:
        for keyword in theme.keywords:
            key = tuple(min(word) for word in keyword.words)
            first = owner.setdefault(key, theme.slug)
            if first != theme.slug:
                problems.append(
                    Problem(
                        f"theme {theme.slug}",
                        f"keyword {keyword.text!r} is also a keyword of {first}",
                    )
                )
    return problems
