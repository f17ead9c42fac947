"""What is wrong with a file organisers edit (the agenda, the themes): one line each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str
    """What it is about (``session welcome``, ``theme participatory_budgeting``), or empty
    for the whole file."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ProblemsFound(ValueError):
    """A file that cannot be used, with every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
