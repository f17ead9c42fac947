"""How good, and how fast, the matching is, on generated populations.

Run by hand: ``python bench/matching.py [case ...]``. Prints one JSON object per case:

- ``pairs-50``, ``pairs-100``, ``pairs-200``: one round of pairs; total score as a ratio of
  the exact optimum (networkx ``max_weight_matching`` on the same scores and constraints);
- ``suggest-2000``, ``suggest-10000``: the top 5 for everyone; ``peak_mib`` is the peak
  resident size of the process that runs the case (population included);
- ``round-10000``: one round of pairs for 10,000 people;
- ``rounds-60-tables4-6``, ``rounds-120-tables5-5``, ``rounds-120-pairs-8``: successive
  rounds, each avoiding every earlier meeting; ``repeats`` and ``unassigned`` must be 0.

No assertion on timings: they depend on the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import networkx as nx  # noqa: E402
from generated_profiles import population  # noqa: E402

from domain.matching import Matcher, meetings, pairs, tables  # noqa: E402


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def peak_mib() -> float:
    """The peak resident size of this process (each case runs in a process of its own)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pairs_case(n: int) -> None:
    people = population(n, seed=n)
    matcher = Matcher(people)
    start = time.perf_counter()
    groups = pairs(people, scores=matcher)
    seconds = time.perf_counter() - start
    graph = nx.Graph()
    for a, b in combinations(people, 2):
        if matcher.allowed(a, b):
            graph.add_edge(a.participant_id, b.participant_id, weight=matcher.score(a, b))
    exact_start = time.perf_counter()
    optimum = nx.max_weight_matching(graph)
    exact_seconds = time.perf_counter() - exact_start
    by_id = matcher.by_id
    best = sum(matcher.score(by_id[a], by_id[b]) for a, b in optimum)
    # A trio (odd n) counts its best pair only, as the matching has no trios.
    got = 0.0
    for group in groups:
        got += max(matcher.score(by_id[a], by_id[b]) for a, b in combinations(group, 2))
    emit(
        case=f"pairs-{n}",
        n=n,
        ratio_to_optimum=round(got / best, 4),
        seconds=round(seconds, 3),
        exact_seconds=round(exact_seconds, 3),
    )


def suggest_case(n: int) -> None:
    people = population(n, seed=n)
    start = time.perf_counter()
    matcher = Matcher(people)
    result = matcher.suggestions(k=5)
    seconds = time.perf_counter() - start
    without = sum(1 for p in people if p.has_interests and not result[p.participant_id])
    emit(
        case=f"suggest-{n}",
        n=n,
        seconds=round(seconds, 2),
        peak_mib=peak_mib(),
        without_suggestion=without,
    )


def round_case(n: int) -> None:
    people = population(n, seed=n)
    start = time.perf_counter()
    groups = pairs(people, scores=Matcher(people))
    seconds = time.perf_counter() - start
    seated = sum(len(g) for g in groups)
    emit(
        case=f"round-{n}",
        n=n,
        seconds=round(seconds, 2),
        peak_mib=peak_mib(),
        unassigned=n - seated,
    )


def rounds_case(n: int, size: int | None, rounds: int) -> None:
    people = population(n, seed=n + rounds)
    matcher = Matcher(people)
    met: set[frozenset[int]] = set()
    repeats = unassigned = 0
    start = time.perf_counter()
    for _ in range(rounds):
        groups = pairs(people, met, matcher) if size is None else tables(people, size, met, matcher)
        new = meetings(groups)
        repeats += len(new & met)
        met |= new
        seated = [p for g in groups for p in g]
        unassigned += n - len(set(seated))
    seconds = time.perf_counter() - start
    name = f"rounds-{n}-pairs-{rounds}" if size is None else f"rounds-{n}-tables{size}-{rounds}"
    emit(case=name, repeats=repeats, unassigned=unassigned, seconds=round(seconds, 2))


CASES = {
    "pairs-50": lambda: pairs_case(50),
    "pairs-100": lambda: pairs_case(100),
    "pairs-200": lambda: pairs_case(200),
    "suggest-2000": lambda: suggest_case(2000),
    "suggest-10000": lambda: suggest_case(10000),
    "round-10000": lambda: round_case(10000),
    "rounds-60-tables4-6": lambda: rounds_case(60, 4, 6),
    "rounds-120-tables5-5": lambda: rounds_case(120, 5, 5),
    "rounds-120-pairs-8": lambda: rounds_case(120, None, 8),
}


def main(names: list[str]) -> None:
    if len(names) == 1:
        CASES[names[0]]()
        return
    for name in names or list(CASES):
        subprocess.run([sys.executable, __file__, name], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
