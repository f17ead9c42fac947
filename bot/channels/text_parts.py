"""Cutting a long text into messages, shared by the channels' senders and renderers.

Each channel has its own per-message limit and its own way of counting (Telegram and
WhatsApp count UTF-16 code units at most, so an emoji counts two): both are parameters.
"""

from __future__ import annotations

from collections.abc import Callable

Length = Callable[[str], int]


def utf16_length(text: str) -> int:
    """UTF-16 code units: never less than a platform's count of characters."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = 4096, length: Length = utf16_length) -> list[str]:
    """Cut text into messages of at most ``limit`` (as ``length`` counts), at line breaks
    when possible, else at spaces, else between characters."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit, length):
        if current and length(current + piece) > limit:
            parts.append(current)
            current = ""
        current += piece
    parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()] or [text]


def _pieces(text: str, limit: int, length: Length):
    """The lines of ``text`` with their line breaks, over-long lines cut in pieces."""
    for line in text.splitlines(keepends=True):
        while length(line) > limit:
            cut = _cut_index(line, limit, length)
            space = line.rfind(" ", 0, cut)
            cut = space + 1 if space > 0 else cut
            yield line[:cut]
            line = line[cut:]
        yield line


def _cut_index(line: str, limit: int, length: Length) -> int:
    """The most characters of ``line`` that fit in ``limit`` (at least one)."""
    low, high = 1, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if length(line[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
