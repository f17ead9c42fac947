"""Shortening a label readably: at a word boundary, never inside an Arabic or Latin word.

A channel that holds only so many characters in a button or a list row (WhatsApp: 20 and
24) shows the first words of the label and "…"; words end at spaces, and at the hyphens
of compound place names. A cut inside brackets or inside an isolated value (a date, a
name) moves before them when it can: "In 3 months…", not "In 3 months (21…". Only a
single word longer than the room is cut inside, and then never between a letter and its
marks (Arabic harakat, accents).
Directional isolates opened in the kept words are closed, so that the cut cannot leave
the rest of a line in the wrong direction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

ELLIPSIS = "…"
_OPENING_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_CLOSING_ISOLATE = "\u2069"  # PDI
_HYPHENS = "-\u2010"
_OPENERS = "([«“" + "".join(_OPENING_ISOLATES)
_CLOSERS = ")]»”" + _CLOSING_ISOLATE
_TRAILING = " \t\r\n,;:.·-–—/|(«“\"'\u060c\u061b"
"""What reads badly right before the "…": spaces, separators, an opening bracket or quote,
the Arabic comma and semicolon."""


def shortened(text: str, limit: int, length: Callable[[str], int] = len) -> str:
    """``text`` if it fits in ``limit`` characters (as ``length`` counts them), otherwise its
    first whole words followed by "…", within ``limit``."""
    if limit < 1:
        raise ValueError(f"no room to shorten into: {limit}")
    if length(text) <= limit:
        return text
    room = limit - length(ELLIPSIS)
    while room > 0:
        head = _closed(_words_within(text, room, length))
        if head and length(head) + length(ELLIPSIS) <= limit:
            return head + ELLIPSIS
        room -= 1
    return ELLIPSIS


def _words_within(text: str, room: int, length: Callable[[str], int]) -> str:
    """The longest start of ``text`` that ends at a word boundary and fits in ``room``,
    outside brackets and isolated values when it can; the first word cut (between letters)
    when even it does not fit."""
    end = _longest_fitting(text, room, length)
    if not _at_boundary(text, end) or _depths(text)[end]:
        depths = _depths(text)
        ends = [i for i in range(1, end) if _at_boundary(text, i) and text[:i].strip(_TRAILING)]
        outside = [i for i in ends if not depths[i]]
        end = max(outside or ends, default=0) or _letter_boundary(text, end)
    return text[:end].rstrip(_TRAILING) or text[:end].strip()


def _depths(text: str) -> list[int]:
    """For each cut position, how many brackets or isolates are open before it: a cut
    there would leave "(1 December…" or half a name."""
    depths, depth = [0], 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
        depths.append(depth)
    return depths


def _at_boundary(text: str, index: int) -> bool:
    """Between two words: before a space, or after the hyphen of a compound name
    (Tanger-Tétouan, Inezgane-Aït Melloul)."""
    return index >= len(text) or text[index].isspace() or text[index - 1] in _HYPHENS


def _longest_fitting(text: str, room: int, length: Callable[[str], int]) -> int:
    end = 0
    for index in range(1, len(text) + 1):
        if length(text[:index]) > room:
            break
        end = index
    return end


def _letter_boundary(text: str, end: int) -> int:
    """A cut inside a word moves back before a letter whose marks would be left behind."""
    while 0 < end < len(text) and unicodedata.combining(text[end]):
        end -= 1
    return end


def _closed(head: str) -> str:
    """``head`` with each isolate it opened and did not close, closed."""
    depth = 0
    for char in head:
        if char in _OPENING_ISOLATES:
            depth += 1
        elif char == _CLOSING_ISOLATE and depth:
            depth -= 1
    return head + _CLOSING_ISOLATE * depth
