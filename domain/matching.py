"""Whom each participant should meet: the pair score, suggestions, and speed-networking rounds.

Pure and I/O-free. A pair's score is the sum of

- complementarity: for each theme one of them offers that the other seeks, both ways,
  `complementarity` (weighted most);
- shared themes: for each theme both name (offered or sought), `shared_theme`;
- text: the cosine similarity of their free texts (a TF-IDF over character 3- to 5-grams of
  the normalised text, so that "الميزانية", "والميزانيات" and "بالميزانية" share most grams),
  times `text`;
- diversity: `other_region` when their regions differ, `other_kind` when their kinds of
  collectivity differ.

Two people of the same collectivity, or a pair on the organisers' "do not match" list, are
never suggested nor seated together. In rounds, nobody meets the same person twice; when
that cannot be kept, `MatchingImpossible` is raised rather than a meeting repeated.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, islice

from domain.arabic import normalise

Pair = frozenset[int]
ScoreFn = Callable[["Profile", "Profile"], float]


@dataclass(frozen=True)
class Profile:
    participant_id: int
    collectivity_id: int
    region_code: str
    collectivity_kind: str
    offers: frozenset[str] = frozenset()
    seeks: frozenset[str] = frozenset()
    text: str = ""

    @property
    def themes(self) -> frozenset[str]:
        return self.offers | self.seeks

    @property
    def has_interests(self) -> bool:
        return bool(self.offers or self.seeks or self.text.strip())


@dataclass(frozen=True)
class MatchWeights:
    """The weights of the pair score; the defaults rank "what I seek, you offer" first.

    complementarity: 3.0 per theme offered by one and sought by the other (each direction
        counts, so a two-way exchange on one theme scores 6.0);
    shared_theme: 1.0 per theme both name, whichever side;
    text: 2.0 times the cosine similarity of the free texts (0..1);
    other_region: 0.5 when the regions differ; other_kind: 0.3 when the kinds differ.
    """

    complementarity: float = 3.0
    shared_theme: float = 1.0
    text: float = 2.0
    other_region: float = 0.5
    other_kind: float = 0.3


DEFAULT_WEIGHTS = MatchWeights()


class MatchingImpossible(Exception):
    """The hard constraints (no repeat, no same collectivity, do-not-match) cannot all hold."""


@dataclass(frozen=True)
class Reasons:
    """The facts behind a suggestion, from a's side, for the chat layer to phrase."""

    a_offers_b_seeks: frozenset[str]
    b_offers_a_seeks: frozenset[str]
    shared: frozenset[str]
    other_region: bool
    other_kind: bool
    text_similarity: float = 0.0


def reasons(a: Profile, b: Profile, text_similarity: float = 0.0) -> Reasons:
    return Reasons(
        a_offers_b_seeks=a.offers & b.seeks,
        b_offers_a_seeks=b.offers & a.seeks,
        shared=a.themes & b.themes,
        other_region=a.region_code != b.region_code,
        other_kind=a.collectivity_kind != b.collectivity_kind,
        text_similarity=text_similarity,
    )


def theme_score(a: Profile, b: Profile, weights: MatchWeights = DEFAULT_WEIGHTS) -> float:
    """The part of the score that needs no corpus: themes and diversity."""
    complementary = len(a.offers & b.seeks) + len(b.offers & a.seeks)
    return (
        weights.complementarity * complementary
        + weights.shared_theme * len(a.themes & b.themes)
        + weights.other_region * (a.region_code != b.region_code)
        + weights.other_kind * (a.collectivity_kind != b.collectivity_kind)
    )


# Free-text similarity: a small sparse TF-IDF over character n-grams

# و or ف, then ب ك or ل, then the article, before a stem of 3 letters or more; or ل + ال = لل.
_PREFIXED = re.compile(r"^(?:[وف]?[بكل]?ال|[وف]?لل)(?=\w{3})")
_SUFFIXES = ("ات", "ون", "ين", "ان", "ه")


def text_key(text: str) -> list[str]:
    """Normalised words with the Arabic proclitics, article and common suffixes taken off.

    normalise() already drops a leading ال; here "والميزانية", "بالميزانيات" and
    "للميزانية" all become "ميزاني". A proclitic goes only before the article, so the
    first letter of "برنامج" or "ولاية" stays. Latin words only lose case and accents (normalise).
    """
    words = []
    for word in normalise(text).split():
        word = _PREFIXED.sub("", word, count=1)
        for suffix in _SUFFIXES:
            if len(word) - len(suffix) >= 4 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.append(word)
    return words


def char_ngrams(text: str, low: int = 3, high: int = 5) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in text_key(text):
        padded = f" {word} "
        for size in range(low, high + 1):
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += 1
    return grams


class TextVectors:
    """L2-normalised TF-IDF vectors (sublinear tf, smoothed idf) of a corpus of texts."""

    def __init__(self, texts: Mapping[int, str]) -> None:
        counts = {key: char_ngrams(text) for key, text in texts.items()}
        df: Counter[str] = Counter()
        for grams in counts.values():
            df.update(grams.keys())
        n = len(counts)
        idf = {gram: math.log((1 + n) / (1 + d)) + 1.0 for gram, d in df.items()}
        self._vectors: dict[int, dict[str, float]] = {}
        for key, grams in counts.items():
            weights = {g: (1.0 + math.log(c)) * idf[g] for g, c in grams.items()}
            norm = math.sqrt(sum(w * w for w in weights.values()))
            self._vectors[key] = {g: w / norm for g, w in weights.items()} if norm else {}

    def similarity(self, a: int, b: int) -> float:
        va = self._vectors.get(a)
        vb = self._vectors.get(b)
        if not va or not vb:
            return 0.0
        return sum([va[g] * vb[g] for g in va.keys() & vb.keys()])


@dataclass(frozen=True)
class Suggestion:
    participant_id: int
    score: float
    reasons: Reasons


class Matcher:
    """A population with its text vectors, constraints and weights."""

    def __init__(
        self,
        profiles: Iterable[Profile],
        weights: MatchWeights = DEFAULT_WEIGHTS,
        do_not_match: Collection[Pair] = frozenset(),
    ) -> None:
        self.profiles = list(profiles)
        self.weights = weights
        self.do_not_match = frozenset(frozenset(p) for p in do_not_match)
        self.by_id = {p.participant_id: p for p in self.profiles}
        if len(self.by_id) != len(self.profiles):
            raise ValueError("participant ids must be unique")
        self.texts = TextVectors({p.participant_id: p.text for p in self.profiles if p.text})

    def allowed(self, a: Profile, b: Profile) -> bool:
        return (
            a.participant_id != b.participant_id
            and a.collectivity_id != b.collectivity_id
            and frozenset((a.participant_id, b.participant_id)) not in self.do_not_match
        )

    def score(self, a: Profile, b: Profile) -> float:
        similarity = self.texts.similarity(a.participant_id, b.participant_id)
        return theme_score(a, b, self.weights) + self.weights.text * similarity

    def reasons(self, a: Profile, b: Profile) -> Reasons:
        similarity = self.texts.similarity(a.participant_id, b.participant_id)
        return reasons(a, b, round(similarity, 3))

    def suggestions(self, k: int = 5, budget: int = 100) -> dict[int, list[Suggestion]]:
        """The top k for everyone with interests, best first (an empty list for the others).

        Candidates come from bitsets over the population, one per theme offered, theme
        sought, region and kind: a person's complementarity, shared-theme and diversity
        counts against everyone are a few big-integer operations, and the candidates are
        taken in falling order of that score until the text part (at most `weights.text`)
        can no longer change the top k, or about `budget` of them (a level is cut at twice
        the budget, from a starting point that differs per person), then scored with their
        texts. Below `budget` people the top k is exact. When no one
        shares a theme, the levels fall back to diversity alone, so whoever has a permitted
        partner gets suggestions.
        """
        return {a.participant_id: self.suggestions_for(a, k, budget) for a in self.profiles}

    def suggestions_for(self, a: Profile, k: int = 5, budget: int = 100) -> list[Suggestion]:
        """One person's top k, as :meth:`suggestions` gives them, without everyone else's."""
        return [
            Suggestion(b.participant_id, score, self.reasons(a, b))
            for score, b in self._top(a, k, budget)
        ]

    def neighbours(self, k: int, budget: int = 100) -> dict[int, list[tuple[float, Profile]]]:
        return {a.participant_id: self._top(a, k, budget) for a in self.profiles}

    def _levels(self, comp_planes: int, shared_planes: int) -> list[tuple]:
        """(score, complementary, shared, other region, other kind), best first."""
        cache = self.__dict__.setdefault("_level_cache", {})
        key = (comp_planes, shared_planes)
        if key not in cache:
            w = self.weights
            cache[key] = sorted(
                (
                    (
                        w.complementarity * c
                        + w.shared_theme * h
                        + w.other_region * dr
                        + w.other_kind * dk,
                        c,
                        h,
                        dr,
                        dk,
                    )
                    for c in range(1 << comp_planes)
                    for h in range(1 << shared_planes)
                    for dr in (1, 0)
                    for dk in (1, 0)
                ),
                reverse=True,
            )
        return cache[key]

    # The bitset index, built on first use

    def _index(self) -> _BitIndex:
        index = getattr(self, "_bit_index", None)
        if index is None:
            index = _BitIndex(self.profiles)
            self._bit_index = index
        return index

    def _top(self, a: Profile, k: int, budget: int) -> list[tuple[float, Profile]]:
        if not a.has_interests or k <= 0:
            return []
        index = self._index()
        w = self.weights
        i = index.position[a.participant_id]
        valid = index.active & ~index.collectivity[a.collectivity_id] & ~(1 << i)
        if not valid:
            return []
        comp_planes = _planes(
            [index.offers[t] for t in a.seeks if t in index.offers]
            + [index.seeks[t] for t in a.offers if t in index.seeks]
        )
        shared_planes = _planes([index.themes[t] for t in a.themes if t in index.themes])
        universe = index.universe
        other_region = valid & ~index.region[a.region_code]
        same_region = valid & index.region[a.region_code]
        other_kind = ~index.kind[a.collectivity_kind]
        levels = self._levels(len(comp_planes), len(shared_planes))
        comp_eq: dict[int, int] = {}
        shared_eq: dict[int, int] = {}
        chosen: list[tuple[float, Profile]] = []
        best: list[float] = []
        offset = (i * 7919) % max(1, index.n)
        for value, c, h, dr, dk in levels:
            if len(chosen) >= budget:
                break
            if len(best) >= k and value + w.text <= best[0]:
                break
            if c not in comp_eq:
                comp_eq[c] = _equal(comp_planes, c, universe)
            if h not in shared_eq:
                shared_eq[h] = _equal(shared_planes, h, universe)
            mask = comp_eq[c] & shared_eq[h] & (other_region if dr else same_region)
            mask = mask & other_kind if dk else mask & index.kind[a.collectivity_kind]
            for j in _bits(mask, offset, index.n, 2 * budget - len(chosen)):
                b = index.profiles[j]
                if frozenset((a.participant_id, b.participant_id)) in self.do_not_match:
                    continue
                similarity = self.texts.similarity(a.participant_id, b.participant_id)
                score = value + w.text * similarity
                chosen.append((score, b))
                if len(best) < k:
                    heapq.heappush(best, score)
                elif score > best[0]:
                    heapq.heapreplace(best, score)
        return heapq.nlargest(k, chosen, key=lambda item: (item[0], -item[1].participant_id))


class _BitIndex:
    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = list(profiles)
        self.n = len(self.profiles)
        self.universe = (1 << self.n) - 1
        self.position = {p.participant_id: i for i, p in enumerate(self.profiles)}
        offers: dict[str, int] = defaultdict(int)
        seeks: dict[str, int] = defaultdict(int)
        region: dict[str, int] = defaultdict(int)
        kind: dict[str, int] = defaultdict(int)
        collectivity: dict[int, int] = defaultdict(int)
        active = 0
        for i, p in enumerate(self.profiles):
            bit = 1 << i
            for t in p.offers:
                offers[t] |= bit
            for t in p.seeks:
                seeks[t] |= bit
            region[p.region_code] |= bit
            kind[p.collectivity_kind] |= bit
            collectivity[p.collectivity_id] |= bit
            if p.has_interests:
                active |= bit
        self.offers = dict(offers)
        self.seeks = dict(seeks)
        self.themes = {t: offers.get(t, 0) | seeks.get(t, 0) for t in set(offers) | set(seeks)}
        self.region = region
        self.kind = kind
        self.collectivity = collectivity
        self.active = active


def _planes(vectors: Iterable[int]) -> list[int]:
    """Bit-sliced counters: plane k holds bit k of how many of the vectors have each bit."""
    planes: list[int] = []
    for carry in vectors:
        for k, plane in enumerate(planes):
            if not carry:
                break
            planes[k] = plane ^ carry
            carry = plane & carry
        if carry:
            planes.append(carry)
    return planes


def _equal(planes: Sequence[int], value: int, universe: int) -> int:
    """The bits whose count in `planes` is exactly `value`."""
    if value >> len(planes):
        return 0
    mask = universe
    for k, plane in enumerate(planes):
        mask &= plane if value >> k & 1 else universe ^ plane
    return mask


def _bits(mask: int, offset: int, n: int, limit: int) -> Iterable[int]:
    """Up to `limit` set bits of mask, from position `offset` on, wrapping around."""
    if limit <= 0 or not mask:
        return
    low = (1 << offset) - 1
    rotated = (mask >> offset) | ((mask & low) << (n - offset))
    while rotated and limit > 0:
        lowest = rotated & -rotated
        yield (lowest.bit_length() - 1 + offset) % n
        rotated ^= lowest
        limit -= 1


# Rounds

ALL_PAIRS_LIMIT = 600


class _Weights:
    """Pair scores computed once, and the hard constraints of a round."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        met: Collection[Pair],
        scores: ScoreFn | Matcher | None,
        do_not_match: Collection[Pair],
    ) -> None:
        if isinstance(scores, Matcher) or scores is None:
            self.matcher = scores or Matcher(profiles, do_not_match=do_not_match)
            self.fn = self.matcher.score
            do_not_match = set(do_not_match) | self.matcher.do_not_match
        else:
            self.matcher = None
            self.fn = scores
        self.by_id = {p.participant_id: p for p in profiles}
        if len(self.by_id) != len(profiles):
            raise ValueError("participant ids must be unique")
        self.forbidden = {frozenset(p) for p in met} | {frozenset(p) for p in do_not_match}
        self.cache: dict[tuple[int, int], float] = {}

    def valid(self, a: int, b: int) -> bool:
        return (
            a != b
            and self.by_id[a].collectivity_id != self.by_id[b].collectivity_id
            and frozenset((a, b)) not in self.forbidden
        )

    def w(self, a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        value = self.cache.get(key)
        if value is None:
            value = self.fn(self.by_id[key[0]], self.by_id[key[1]])
            self.cache[key] = value
        return value

    def neighbours(self, ids: Sequence[int], k: int) -> dict[int, list[int]]:
        """Each person's best valid partners: all of them for small groups."""
        if len(ids) <= ALL_PAIRS_LIMIT or self.matcher is None:
            return {
                a: sorted((b for b in ids if self.valid(a, b)), key=lambda b: -self.w(a, b))
                for a in ids
            }
        present = set(ids)
        result: dict[int, list[int]] = {}
        for a, top in self.matcher.neighbours(k, budget=max(4 * k, 40)).items():
            if a in present:
                result[a] = [b.participant_id for _, b in top if b.participant_id in present]
                for score, b in top:
                    self.cache[
                        (a, b.participant_id) if a < b.participant_id else (b.participant_id, a)
                    ] = score
        return result


def meetings(groups: Iterable[Sequence[int]]) -> set[Pair]:
    """Every pair who met in these groups (pairs, trios or tables)."""
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}


def pairs(
    profiles: Sequence[Profile],
    met: Collection[Pair] = frozenset(),
    scores: ScoreFn | Matcher | None = None,
    *,
    do_not_match: Collection[Pair] = frozenset(),
    candidates: int = 12,
) -> list[tuple[int, ...]]:
    """One round of pairs (and one trio when the headcount is odd), of maximal total score.

    Greedy on the edges by falling score, then 2-opt swaps ((a b)(c d) -> (a c)(b d)) while
    they gain. Above ALL_PAIRS_LIMIT people and with a Matcher, only each person's
    `candidates` best partners are edges; whoever is left is paired among the rest.
    """
    profiles = list(profiles)
    if not profiles:
        return []
    if len(profiles) == 1:
        raise MatchingImpossible("one person present: nobody to pair with")
    weights = _Weights(profiles, met, scores, do_not_match)
    ids = [p.participant_id for p in profiles]
    near = weights.neighbours(ids, candidates)
    edges = {
        (a, b) if a < b else (b, a) for a in ids for b in near.get(a, ()) if weights.valid(a, b)
    }
    starts = _GREEDY_STARTS if len(ids) <= ALL_PAIRS_LIMIT else _GREEDY_STARTS[:1]
    partner: dict[int, int] = {}
    best_total = -math.inf
    for alpha, rank in starts:
        attempt = _greedy(ids, edges, near, weights, alpha, rank)
        _pair_leftovers(ids, attempt, weights)
        if len(ids) <= ALL_PAIRS_LIMIT:
            _two_opt(ids, attempt, near, weights)
        else:
            _two_opt(ids, attempt, near, weights, passes=3, breadth=0)
        total = sum(weights.w(a, b) for a, b in attempt.items() if a < b)
        if len(attempt) > len(partner) or (len(attempt) == len(partner) and total > best_total):
            partner, best_total = attempt, total
    groups = sorted({tuple(sorted((a, b))) for a, b in partner.items()})
    left = [a for a in ids if a not in partner]
    if len(left) > 1:
        raise MatchingImpossible(
            f"{len(left)} people cannot be paired without a repeat or a same-collectivity pair"
        )
    if left:
        groups = _add_to_trio(left[0], groups, weights)
    return [tuple(g) for g in groups]


# Greedy orders tried, best kept: edges by score less alpha times the endpoints' score with
# their rank-th best partner (people with good alternatives can wait).
_GREEDY_STARTS = ((0.0, 0), (0.25, 4), (0.5, 4), (0.75, 4), (1.0, 4))


def _greedy(
    ids: Sequence[int],
    edges: Iterable[tuple[int, int]],
    near: Mapping[int, Sequence[int]],
    weights: _Weights,
    alpha: float,
    rank: int,
) -> dict[int, int]:
    w = weights.w
    potential = {
        a: w(a, near[a][rank]) if alpha and len(near.get(a, ())) > rank else 0.0 for a in ids
    }
    partner: dict[int, int] = {}
    order = sorted(edges, key=lambda e: (-(w(*e) - alpha * (potential[e[0]] + potential[e[1]])), e))
    for a, b in order:
        if a not in partner and b not in partner:
            partner[a], partner[b] = b, a
    return partner


def _pair_leftovers(
    ids: Sequence[int], partner: dict[int, int], weights: _Weights, scan: int = 64
) -> None:
    """Pair whoever the greedy left alone, each with the best of the next `scan` of them."""
    left = [a for a in ids if a not in partner]
    for a in left:
        if a in partner:
            continue
        options = list(islice((b for b in left if b not in partner and weights.valid(a, b)), scan))
        if options:
            b = max(options, key=lambda b: (weights.w(a, b), -b))
            partner[a], partner[b] = b, a
    # Repair: u and v alone, (x y) paired with u-x and v-y allowed: make (u x)(v y).
    left = [a for a in ids if a not in partner]
    while len(left) >= 2:
        u = left.pop()
        done = False
        for v in left:
            for x, y in list(partner.items()):
                if weights.valid(u, x) and weights.valid(v, y):
                    partner[u], partner[x], partner[v], partner[y] = x, u, y, v
                    left.remove(v)
                    done = True
                    break
            if done:
                break


def _two_opt(
    ids: Sequence[int],
    partner: dict[int, int],
    near: Mapping[int, Sequence[int]],
    weights: _Weights,
    passes: int = 30,
    breadth: int = 16,
    width: int = 40,
) -> None:
    """Local search: 2-opt swaps, and when none gains, 3-cycles of partners.

    2-opt: (a b)(c d) -> (a c)(b d) for c among a's best partners. 3-cycle:
    (a b)(c d)(e f) -> (a c)(d e)(f b) for c near a and e near d.
    """
    w, valid = weights.w, weights.valid
    for _ in range(passes):
        improved = False
        for a in ids:
            for c in near.get(a, ())[:width]:
                b = partner.get(a)
                d = partner.get(c)
                if b is None or d is None or c in (b, a):
                    continue
                if w(a, c) + w(b, d) > w(a, b) + w(c, d) + 1e-9 and valid(b, d) and valid(a, c):
                    partner[a], partner[c], partner[b], partner[d] = c, a, d, b
                    improved = True
        if improved:
            continue
        if not breadth:
            return
        for a in ids:
            for c in near.get(a, ())[:breadth]:
                b, d = partner.get(a), partner.get(c)
                if b is None or d is None or c == b:
                    continue
                base = w(a, b) + w(c, d) - w(a, c)
                for e in near.get(d, ())[:breadth]:
                    f = partner.get(e)
                    if f is None or e in (a, b, c) or f in (a, b):
                        continue
                    if w(d, e) + w(f, b) > base + w(e, f) + 1e-9 and (
                        valid(a, c) and valid(d, e) and valid(f, b)
                    ):
                        partner[a], partner[c] = c, a
                        partner[d], partner[e] = e, d
                        partner[f], partner[b] = b, f
                        improved = True
                        break
                if improved and partner[a] != b:
                    break
        if not improved:
            return


def _add_to_trio(u: int, groups: list[tuple[int, ...]], weights: _Weights) -> list:
    options = [
        (weights.w(u, x) + weights.w(u, y), i)
        for i, (x, y) in enumerate(groups)
        if weights.valid(u, x) and weights.valid(u, y)
    ]
    if not options:
        raise MatchingImpossible("the odd one out cannot join any pair without a repeat")
    _, best = max(options)
    return [(*g, u) if i == best else g for i, g in enumerate(groups)]


def table_sizes(n: int, size: int) -> list[int]:
    """n people in tables of `size` (3..5); a remainder makes some one larger or smaller."""
    if not 3 <= size <= 5:
        raise ValueError("tables are of 3 to 5 people")
    if n < 3:
        raise MatchingImpossible(f"{n} people present: too few for a table")
    low, high = max(3, size - 1), min(5, size + 1)
    for count in sorted(range(1, n + 1), key=lambda t: (abs(n / t - size), t)):
        base, extra = divmod(n, count)
        sizes = [base + 1] * extra + [base] * (count - extra)
        if all(low <= s <= high for s in sizes):
            return sizes
    for count in range(1, n + 1):
        base, extra = divmod(n, count)
        sizes = [base + 1] * extra + [base] * (count - extra)
        if all(3 <= s <= 5 for s in sizes):
            return sizes
    raise MatchingImpossible(f"{n} people cannot sit at tables of {size}")


def tables(
    profiles: Sequence[Profile],
    size: int,
    met: Collection[Pair] = frozenset(),
    scores: ScoreFn | Matcher | None = None,
    *,
    do_not_match: Collection[Pair] = frozenset(),
    attempts: int = 200,
    seed: int = 0,
) -> list[tuple[int, ...]]:
    """One round of tables: everyone seated once, nobody with someone met before.

    The most constrained people seat first, each next guest being the one who adds most to
    the table; a dead end restarts in a shuffled order. Then swaps of two guests between
    tables while they gain.
    """
    profiles = list(profiles)
    if not profiles:
        return []
    sizes = table_sizes(len(profiles), size)
    weights = _Weights(profiles, met, scores, do_not_match)
    ids = [p.participant_id for p in profiles]
    options = {a: sum(weights.valid(a, b) for b in ids) for a in ids}
    rng = random.Random(seed)
    for attempt in range(attempts):
        noise = {a: rng.random() for a in ids}
        order = sorted(ids, key=lambda a: (options[a], noise[a] if attempt else a))
        seated = _seat(order, sizes, weights)
        if seated is not None:
            _swap_guests(seated, weights)
            return [tuple(sorted(t)) for t in seated]
    raise MatchingImpossible(
        f"no seating of {len(ids)} people at tables of {size} avoids a repeated meeting"
    )


def _seat(order: Sequence[int], sizes: Sequence[int], weights: _Weights) -> list[list[int]] | None:
    free = dict.fromkeys(order)
    seated: list[list[int]] = []
    for table_size in sizes:
        host = next(iter(free))
        del free[host]
        table = [host]
        while len(table) < table_size:
            best, best_gain = None, -math.inf
            for guest in free:
                if all(weights.valid(guest, m) for m in table):
                    gain = sum(weights.w(guest, m) for m in table)
                    if gain > best_gain:
                        best, best_gain = guest, gain
            if best is None:
                return None
            del free[best]
            table.append(best)
        seated.append(table)
    return seated


def _swap_guests(seated: list[list[int]], weights: _Weights, passes: int = 5) -> None:
    def fits(guest: int, table: list[int], leaving: int) -> tuple[bool, float]:
        others = [m for m in table if m != leaving]
        if not all(weights.valid(guest, m) for m in others):
            return False, 0.0
        return True, sum(weights.w(guest, m) for m in others)

    for _ in range(passes):
        improved = False
        for ti, tj in combinations(range(len(seated)), 2):
            for a in list(seated[ti]):
                for b in list(seated[tj]):
                    if a not in seated[ti]:
                        break
                    now = sum(weights.w(a, m) for m in seated[ti] if m != a) + sum(
                        weights.w(b, m) for m in seated[tj] if m != b
                    )
                    ok_b, gain_b = fits(b, seated[ti], a)
                    ok_a, gain_a = fits(a, seated[tj], b)
                    if ok_a and ok_b and gain_a + gain_b > now + 1e-9:
                        seated[ti][seated[ti].index(a)] = b
                        seated[tj][seated[tj].index(b)] = a
                        improved = True
                        break
        if not improved:
            return
