import pytest

from domain.free_text import TextProblem, check_free_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ahmed Benali", "Ahmed Benali"),
        ("  Ahmed   Benali  ", "Ahmed Benali"),
        ("أحمد بن علي", "أحمد بن علي"),
        ("Fatima-Zahra El Idrissi", "Fatima-Zahra El Idrissi"),
        ("Chargée de communication", "Chargée de communication"),
        ("Charge\u0301e de communication", "Chargée de communication"),
        ("رئيس قسم الشؤون القانونية", "رئيس قسم الشؤون القانونية"),
        ("Ahmed 😀", "Ahmed 😀"),
        ("Agent 007", "Agent 007"),
        ("Ahmed Benali\n", "Ahmed Benali"),
        ("Ahmed\nBenali", "Ahmed Benali"),
        ("Ahmed\tBenali", "Ahmed Benali"),
        ("\u200fأحمد", "أحمد"),
        ("Ah\u200bmed", "Ahmed"),
        ("\ufeffAhmed", "Ahmed"),
        ("\u2066Ahmed\u2069", "Ahmed"),
        ("Ahmed\u202eilanеB", "AhmedilanеB"),
        ("Ahmed 👨\u200d👩\u200d👧", "Ahmed 👨👩👧"),
        ("Sara 👩\u200d💼", "Sara 👩💼"),
        ("Ahmed\x85", "Ahmed"),
        ("a\u00a0b", "a b"),
        ("x" * 120, "x" * 120),
    ],
)
def test_accepts_and_cleans(text: str, expected: str) -> None:
    assert check_free_text(text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", TextProblem.EMPTY),
        ("   ", TextProblem.EMPTY),
        ("\n\t ", TextProblem.EMPTY),
        ("\u3000", TextProblem.EMPTY),
        ("Ahmed\x00", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x1b[31m", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x7f", TextProblem.CONTROL_CHARACTERS),
        ("\u200b", TextProblem.EMPTY),
        ("\u200f\u200e", TextProblem.EMPTY),
        ("1", TextProblem.NO_LETTERS),
        ("3", TextProblem.NO_LETTERS),
        ("١٢", TextProblem.NO_LETTERS),
        ("12.", TextProblem.NO_LETTERS),
        ("(2)", TextProblem.NO_LETTERS),
        ("06 12 34 56 78", TextProblem.NO_LETTERS),
        ("-1-", TextProblem.NO_LETTERS),
        ("x" * 121, TextProblem.TOO_LONG),
        ("😀😀", TextProblem.ONLY_EMOJI),
        ("👍", TextProblem.ONLY_EMOJI),
        ("❤️", TextProblem.ONLY_EMOJI),
        ("!!!", TextProblem.ONLY_EMOJI),
        ("...", TextProblem.ONLY_EMOJI),
        ("- ؟ ،", TextProblem.ONLY_EMOJI),
    ],
)
def test_problems(text: str, problem: TextProblem) -> None:
    assert check_free_text(text) == (None, problem)


def test_max_length_counts_cleaned_text() -> None:
    assert check_free_text("  ab   cd  ", max_length=5) == ("ab cd", None)
    assert check_free_text("abcdef", max_length=5) == (None, TextProblem.TOO_LONG)


def test_max_length_counts_composed_characters() -> None:
    assert check_free_text("e\u0301" * 3, max_length=3) == ("é" * 3, None)


def test_problem_values_are_strings() -> None:
    assert TextProblem.ONLY_EMOJI == "only_emoji"
