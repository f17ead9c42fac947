"""How a phone decides the direction of a line: by its first strong character.

Text inside isolates (LRI, RLI, FSI … PDI) does not count, which is why the bot
wraps Latin values placed in Arabic sentences.
"""

from __future__ import annotations

import re
import unicodedata

ISOLATE_OPENERS = "\u2066\u2067\u2068"
PDI = "\u2069"
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


def first_strong(line: str) -> str | None:
    """The bidi class (L, R or AL) of the first strong character outside isolates."""
    depth = 0
    for char in line:
        if char in ISOLATE_OPENERS:
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "R", "AL"):
                return kind
    return None


def lines_laid_out_left_to_right(text: str) -> list[str]:
    """The lines holding Arabic letters that a phone would lay out left to right."""
    return [
        line
        for line in text.splitlines()
        if ARABIC_LETTER.search(line) and first_strong(line) not in ("R", "AL")
    ]
