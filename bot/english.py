"""The command line's English: a count with its noun in the singular or the plural."""


def count_of(n: int, singular: str, plural: str) -> str:
    """``count_of(1, "bad row", "bad rows")`` → "1 bad row"; 2 → "2 bad rows"."""
    return f"{n} {singular if n == 1 else plural}"
