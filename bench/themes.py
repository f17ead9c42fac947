"""How well free text is mapped to themes: micro precision, recall and F1 on the set.

Run by hand: ``python bench/themes.py [--errors]``. The set is tests/data/themes_eval.csv
(real-looking phrasings in MSA, Darija in Arabic and Latin letters, and French; see the
README, "Interests: understanding themes"); the lexicon is the shipped bot/data/themes.toml,
or --themes FILE. Prints one JSON object per case: ``themes-all``, then per language
(``themes-msa``, ``themes-darija``, ``themes-arabizi``, ``themes-fr``) and per split
(``themes-dev``: looked at while tuning the lexicon; ``themes-held-out``: never looked at
case by case). --errors also prints each text whose themes differ, on stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.themes import Taxonomy, load  # noqa: E402

EVAL = ROOT / "tests" / "data" / "themes_eval.csv"
SHIPPED = ROOT / "bot" / "data" / "themes.toml"
LANGUAGES = ("msa", "darija", "arabizi", "fr")


@dataclass(frozen=True)
class Case:
    lang: str
    split: str
    themes: frozenset[str]
    text: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    found: frozenset[str]


def read_cases(path: Path = EVAL) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return [
        Case(
            row["lang"],
            row["split"],
            frozenset(filter(None, row["themes"].split("|"))),
            row["text"],
        )
        for row in csv.DictReader(lines)
    ]


def evaluate(taxonomy: Taxonomy, cases: Iterable[Case]) -> list[Outcome]:
    return [
        Outcome(case, frozenset(match.slug for match in taxonomy.understand(case.text)))
        for case in cases
    ]


def scores(name: str, outcomes: list[Outcome]) -> dict[str, object]:
    true_positives = sum(len(o.found & o.case.themes) for o in outcomes)
    found = sum(len(o.found) for o in outcomes)
    expected = sum(len(o.case.themes) for o in outcomes)
    precision = true_positives / found if found else 1.0
    recall = true_positives / expected if expected else 1.0
    total = precision + recall
    f1 = 2 * precision * recall / total if total else 0.0
    return {
        "case": name,
        "texts": len(outcomes),
        "micro_f1": round(f1, 3),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "exact": sum(o.found == o.case.themes for o in outcomes),
    }


def report(outcomes: list[Outcome]) -> list[dict[str, object]]:
    lines = [scores("themes-all", outcomes)]
    for lang in LANGUAGES:
        lines.append(scores(f"themes-{lang}", [o for o in outcomes if o.case.lang == lang]))
    lines.append(scores("themes-dev", [o for o in outcomes if o.case.split == "dev"]))
    lines.append(scores("themes-held-out", [o for o in outcomes if o.case.split == "held_out"]))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", type=Path, default=SHIPPED, help="the taxonomy file")
    parser.add_argument("--errors", action="store_true", help="print the texts tagged wrong")
    parser.add_argument("--split", choices=("dev", "held_out"), help="--errors of one split")
    arguments = parser.parse_args()
    taxonomy = load(arguments.themes.read_text("utf-8"))
    outcomes = evaluate(taxonomy, read_cases())
    for line in report(outcomes):
        print(json.dumps(line))
    if arguments.errors:
        for o in outcomes:
            if o.found != o.case.themes and arguments.split in (None, o.case.split):
                missing = ",".join(sorted(o.case.themes - o.found))
                extra = ",".join(sorted(o.found - o.case.themes))
                print(f"{o.case.lang}\t-{missing}\t+{extra}\t{o.case.text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
