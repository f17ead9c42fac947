"""How well, and how fast, the collectivity search finds what focal points type.

Run by hand: ``python bench/search.py``. Prints one JSON object per case:

- ``search-sample``: the typed queries of tests/data/search_queries.csv against the
  shipped sample (the test suite asserts the target on it);
- ``search-1600``: the same queries, plus the exact and misspelled names of 300 communes
  drawn from a generated national list of 1,600 communes, against sample + that list.

``top1``/``top5`` are the share of queries whose expected collectivity comes first / in
the first five; ``junk_false_positives`` counts junk or foreign queries that found
anything. No assertion on timings: they depend on the machine.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from generated_network import generate_communes, misspell  # noqa: E402

from bot.collectivity_import import SAMPLE_CSV, read_collectivities_csv  # noqa: E402
from domain.collectivity_search import Candidate, CollectivityIndex  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "search_queries.csv"
JUNK_TXT = Path(__file__).resolve().parent.parent / "tests" / "data" / "search_junk.txt"
JUNK = [
    line
    for line in JUNK_TXT.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def sample_candidates() -> tuple[list[Candidate], dict[int, str]]:
    rows, errors = read_collectivities_csv(SAMPLE_CSV)
    if errors:
        raise SystemExit(f"{SAMPLE_CSV}: {errors[0]}")
    candidates = [
        Candidate(
            n,
            row.name_ar,
            row.name_fr,
            row.kind,
            tuple(a for a in (row.aliases or "").split("|") if a),
        )
        for n, row in enumerate(rows, start=1)
    ]
    return candidates, {n: row.code for n, row in enumerate(rows, start=1)}


def typed_queries() -> list[tuple[str, str]]:
    with QUERIES.open(encoding="utf-8", newline="") as file:
        return [(row["query"], row["expected_code"]) for row in csv.DictReader(file)]


def run(case: str, candidates: list[Candidate], codes: dict[int, str], queries) -> dict:
    started = time.perf_counter()
    index = CollectivityIndex(candidates)
    build_ms = (time.perf_counter() - started) * 1000
    first = top5 = 0
    started = time.perf_counter()
    for query, expected in queries:
        found = [codes[id_] for id_ in index.search(query)]
        first += found[:1] == [expected]
        top5 += expected in found
    junk = sum(bool(index.search(query)) for query in JUNK)
    elapsed = time.perf_counter() - started
    return {
        "case": case,
        "collectivities": len(candidates),
        "queries": len(queries),
        "top1": round(first / len(queries), 4),
        "top5": round(top5 / len(queries), 4),
        "junk_queries": len(JUNK),
        "junk_false_positives": junk,
        "build_ms": round(build_ms, 1),
        "ms_per_query": round(elapsed * 1000 / (len(queries) + len(JUNK)), 2),
    }


def main() -> None:
    candidates, codes = sample_candidates()
    queries = typed_queries()
    print(json.dumps(run("search-sample", candidates, codes, queries)))

    communes = generate_communes()
    for number, commune in enumerate(communes, start=10_000):
        candidates.append(Candidate(number, commune.name_ar, commune.name_fr, "commune"))
        codes[number] = commune.code
    rng = random.Random(7)
    network_queries = list(queries)
    for commune in rng.sample(communes, 300):
        for name in (commune.name_fr, commune.name_ar):
            network_queries += [(name, commune.code), (misspell(name, rng), commune.code)]
    print(json.dumps(run("search-1600", candidates, codes, network_queries)))


if __name__ == "__main__":
    main()
