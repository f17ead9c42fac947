"""Fuzzy search of collectivities (regions, provinces, communes) by Arabic or French name."""

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.arabic import normalise

# A score is WRatio (0-100) plus the bonuses below; a result needs at least _CUTOFF.
_CUTOFF = 80.0
_EXACT_BONUS = 20.0
_NAME_PREFIX_BONUS = 10.0
_WORD_PREFIX_BONUS = 5.0
# A query that starts a word of the name is a real match even when WRatio undervalues it
# (a short query against a long region name), so it scores at least this before bonuses.
_WORD_PREFIX_FLOOR = 80.0
_MIN_FUZZY_LENGTH = 3
_ARABIC_ARTICLE = "\u0627\u0644"


@dataclass(frozen=True)
class Candidate:
    id: int
    name_ar: str
    name_fr: str


@dataclass(frozen=True)
class _Key:
    name: str
    word_starts: tuple[str, ...]
    """The name from each word on, also without the Arabic article: "الناظور" -> "ناظور"."""


class CollectivityIndex:
    """In-memory index; names are normalised once, at construction."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        names_by_id: dict[int, set[str]] = {}
        for candidate in candidates:
            names = {normalise(candidate.name_ar), normalise(candidate.name_fr)} - {""}
            names_by_id.setdefault(candidate.id, set()).update(names)
        self._entries = [
            (id_, tuple(_key(name) for name in sorted(names)))
            for id_, names in sorted(names_by_id.items())
            if names
        ]

    def search(self, query: str, limit: int = 5) -> list[int]:
        """Ids of the best matches, best first (ties by id); [] when nothing is close."""
        query = normalise(query)
        if limit <= 0 or not any(c.isalnum() for c in query):
            return []
        scored = []
        for id_, keys in self._entries:
            score = max(_score(query, key) for key in keys)
            if score >= _CUTOFF:
                scored.append((-score, id_))
        scored.sort()
        return [id_ for _, id_ in scored[:limit]]


def _key(name: str) -> _Key:
    words = name.split()
    starts = []
    for i, word in enumerate(words):
        rest = " ".join(words[i:])
        starts.append(rest)
        if word.startswith(_ARABIC_ARTICLE) and len(word) > len(_ARABIC_ARTICLE) + 1:
            starts.append(rest.removeprefix(_ARABIC_ARTICLE))
    return _Key(name, tuple(starts))


def _score(query: str, key: _Key) -> float:
    if query == key.name:
        return 100.0 + _EXACT_BONUS
    starts_word = any(start.startswith(query) for start in key.word_starts)
    if len(query) < _MIN_FUZZY_LENGTH and not starts_word:
        return 0.0
    score = fuzz.WRatio(query, key.name)
    if starts_word:
        score = max(score, _WORD_PREFIX_FLOOR) + _WORD_PREFIX_BONUS
        if key.name.startswith(query):
            score += _NAME_PREFIX_BONUS
    return score
