"""Fuzzy search of the territorial collectivities, as focal points type their names.

People type in Arabic, French, English, Darija in Latin letters ("wjda"), colloquial
short forms («كازا») and abbreviations ("TTA"). Every name and alias of a
collectivity is a key. A query is scored against each key three ways, and the best
counts:

- as typed (normalised): exact, fuzzy (WRatio), and starting a word of the name;
- its consonant key (:func:`domain.arabic.consonant_key`) against the keys' ones, which
  matches Arabizi and Latin spellings of Arabic names (only Arabic names have one);
  only a whole-name match of at least three consonants counts, so junk does not find
  look-alikes.

A bare city name means the commune: among equal matches a commune comes first.
A kind word in the query («جهة», "région", «عمالة», «إقليم», "préfecture",
"province", «جماعة», "commune") is taken out of the query and puts that kind first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from domain.arabic import consonant_key, normalise

# A score is WRatio (0-100) plus the bonuses below; a result needs at least _CUTOFF
# before any kind bonus, so a bonus never lets a poor match through.
_CUTOFF = 80.0
_EXACT_BONUS = 20.0
_NAME_PREFIX_BONUS = 10.0
_WORD_PREFIX_BONUS = 5.0
# A query that starts a word of the name is a real match even when WRatio undervalues it
# (a short query against a long region name), so it scores at least this before bonuses.
_WORD_PREFIX_FLOOR = 80.0
_MIN_FUZZY_LENGTH = 3
# A query much longer than a key is not that key plus noise: no partial matching then,
# or "Constantine" would find "Tan-Tan" inside it, and "Amsterdam" the abbreviation "MS".
_LONGER_QUERY = 1.3
# Consonant keys: an exact whole-name match, or a close one for longer keys.
_CONSONANT_EXACT = 92.0
_CONSONANT_MIN_LENGTH = 3
_CONSONANT_FUZZY_MIN_LENGTH = 5
_CONSONANT_FUZZY_RATIO = 88.0
_CONSONANT_FUZZY_PENALTY = 6.0
# The kind the person named comes first; without one, a commune wins a tie.
_NAMED_KIND_BONUS = 15.0
_COMMUNE_BONUS = 3.0

KIND_WORDS = {
    "region": "region",
    "جهه": "region",
    "prefecture": "prefecture",
    "prefectures": "prefecture",
    "عماله": "prefecture",
    "province": "province",
    "provinces": "province",
    "اقليم": "province",
    "commune": "commune",
    "جماعه": "commune",
    "municipalite": "commune",
    "بلديه": "commune",
    "ville": "commune",
    "city": "commune",
    "town": "commune",
    "مدينه": "commune",
}
# "Province de Berkane", "Région de l'Oriental": the glue left once the kind word goes.
_GLUE_WORDS = frozenset({"de", "d", "du", "des", "l", "la", "le", "of", "the"})
# The kinds a named kind also accepts: people mix up prefecture and province.
_ACCEPTED_KINDS = {
    "region": {"region"},
    "prefecture": {"prefecture", "province"},
    "province": {"province", "prefecture"},
    "commune": {"commune"},
}


@dataclass(frozen=True)
class Candidate:
    id: int
    name_ar: str
    name_fr: str
    kind: str = "commune"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Key:
    name: str
    word_starts: tuple[str, ...]
    """The name from each word on: "dar bayda settat" -> "bayda settat", "settat"."""
    consonants: str
    """The consonant key of an Arabic name; "" for a Latin one (its vowels are a guess)."""


@dataclass
class _Entry:
    id: int
    kind: str = "commune"
    names: set[str] = field(default_factory=set)
    keys: tuple[_Key, ...] = ()


@dataclass(frozen=True)
class _Query:
    text: str
    consonants: str
    kinds: frozenset[str]
    """The kinds the person named ("province de berkane"), empty when none."""


class CollectivityIndex:
    """In-memory index; names are normalised once, at construction."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        entries: dict[int, _Entry] = {}
        for candidate in candidates:
            entry = entries.setdefault(candidate.id, _Entry(candidate.id, candidate.kind))
            names = (candidate.name_ar, candidate.name_fr, *candidate.aliases)
            entry.names.update(normalise(name) for name in names)
            entry.names.discard("")
        self._entries = []
        for _, entry in sorted(entries.items()):
            if entry.names:
                entry.keys = tuple(_key(name) for name in sorted(entry.names))
                self._entries.append(entry)

    def search(self, query: str, limit: int = 5) -> list[int]:
        """Ids of the best matches, best first (ties by id); [] when nothing is close."""
        return [id_ for id_, _ in self.scored(query, limit)]

    def scored(self, query: str, limit: int = 5) -> list[tuple[int, float]]:
        """(id, score) of the best matches, best first: what :meth:`search` ranks by."""
        parsed = _parse(query)
        if limit <= 0 or parsed is None:
            return []
        scored = []
        for entry in self._entries:
            score = max(_score(parsed, key) for key in entry.keys)
            if score < _CUTOFF:
                continue
            if parsed.kinds:
                if entry.kind in parsed.kinds:
                    score += _NAMED_KIND_BONUS
            elif entry.kind == "commune":
                score += _COMMUNE_BONUS
            scored.append((-score, entry.id))
        scored.sort()
        return [(id_, -negative) for negative, id_ in scored[:limit]]


_NOT_PLACES = frozenset(
    normalise(words)
    for words in (
        "bonjour",
        "bonsoir",
        "salut",
        "merci",
        "hello",
        "hi",
        "thanks",
        "salam",
        "slm",
        "salam alaykoum",
        "salam alikoum",
        "سلام",
        "السلام عليكم",
        "مرحبا",
        "أهلا",
        "شكرا",
        "صباح الخير",
        "مساء الخير",
    )
)
"""Greetings and thanks people type at any question: never the name of a place."""


def _parse(query: str) -> _Query | None:
    text = normalise(query)
    if not any(c.isalnum() for c in text) or text in _NOT_PLACES:
        return None
    words = text.split()
    named = [KIND_WORDS[word] for word in words if word in KIND_WORDS]
    rest = [word for word in words if word not in KIND_WORDS]
    if named:
        while rest and rest[0] in _GLUE_WORDS:
            rest.pop(0)
    if not named or not rest:
        return _Query(text, consonant_key(text), frozenset())
    kinds = frozenset().union(*(_ACCEPTED_KINDS[kind] for kind in named))
    cleaned = " ".join(rest)
    return _Query(cleaned, consonant_key(cleaned), kinds)


def _key(name: str) -> _Key:
    words = name.split()
    starts = tuple(" ".join(words[i:]) for i in range(len(words)))
    arabic = any("\u0600" <= c <= "\u06ff" for c in name)
    return _Key(name, starts, consonant_key(name) if arabic else "")


def _score(query: _Query, key: _Key) -> float:
    return max(_direct_score(query.text, key), _consonant_score(query.consonants, key))


def _direct_score(query: str, key: _Key) -> float:
    if query == key.name:
        return 100.0 + _EXACT_BONUS
    starts_word = any(start.startswith(query) for start in key.word_starts)
    if len(query) < _MIN_FUZZY_LENGTH and not starts_word:
        return 0.0
    if len(query) > _LONGER_QUERY * len(key.name):
        score = fuzz.QRatio(query, key.name)
    else:
        score = fuzz.WRatio(query, key.name)
    if starts_word:
        score = max(score, _WORD_PREFIX_FLOOR) + _WORD_PREFIX_BONUS
        if key.name.startswith(query):
            score += _NAME_PREFIX_BONUS
    return score


def _consonant_score(query: str, key: _Key) -> float:
    letters = len(query.replace(" ", ""))
    if letters < _CONSONANT_MIN_LENGTH or not key.consonants:
        return 0.0
    if query == key.consonants:
        return _CONSONANT_EXACT
    if letters < _CONSONANT_FUZZY_MIN_LENGTH:
        return 0.0
    ratio = fuzz.ratio(query, key.consonants)
    if ratio < _CONSONANT_FUZZY_RATIO:
        return 0.0
    return ratio - _CONSONANT_FUZZY_PENALTY
