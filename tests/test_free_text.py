import pytest

from bot.free_text import TextProblem, check_free_text


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
        ("١٢", "١٢"),
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
        ("Ahmed\nBenali", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\tBenali", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed Benali\n", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x00", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x1b[31m", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x7f", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\x85", TextProblem.CONTROL_CHARACTERS),
        ("\u200fأحمد", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed\u202eilanеB", TextProblem.CONTROL_CHARACTERS),
        ("Ah\u200bmed", TextProblem.CONTROL_CHARACTERS),
        ("\ufeffAhmed", TextProblem.CONTROL_CHARACTERS),
        ("\u200b", TextProblem.CONTROL_CHARACTERS),
        ("\u2066Ahmed\u2069", TextProblem.CONTROL_CHARACTERS),
        ("Ahmed 👨\u200d👩\u200d👧", TextProblem.CONTROL_CHARACTERS),
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
