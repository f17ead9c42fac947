"""Normalisation of Arabic, French and English text for comparison.

The output of these functions is for matching only (search keys, duplicate detection); it
loses information that matters for display, so never show it to a user.
"""

import unicodedata

_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

_BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_TABLE = dict.fromkeys(map(ord, _BIDI_CONTROLS + _ZERO_WIDTH))

# Applied after NFD, which has already split hamza carriers (أ ؤ ئ) into letter + mark.
_LETTER_FOLDS = {
    0x0640: None,  # tatweel
    0x0621: None,  # lone hamza
    0x0671: "\u0627",  # alef wasla -> alef
    0x0649: "\u064a",  # alef maqsura -> yeh
    0x0629: "\u0647",  # ta marbuta -> heh
    0x06A9: "\u0643",  # Persian keheh -> kaf
    0x06CC: "\u064a",  # Farsi yeh -> yeh
    # Apostrophe look-alikes that Unicode classes as letters or symbols, not punctuation.
    0x02BC: " ",
    0x02BB: " ",
    0x0060: " ",
}

# Quranic annotation signs; some are letters or symbols rather than combining marks.
_QURANIC_MARKS = dict.fromkeys(range(0x06D6, 0x06EE))


def to_ascii_digits(text: str) -> str:
    """Replace Eastern Arabic and Persian/Urdu digits with ASCII 0-9."""
    return text.translate(_DIGITS)


def strip_invisible(text: str) -> str:
    """Remove bidi controls and zero-width characters (often pasted in from phones)."""
    return text.translate(_INVISIBLE_TABLE)


def normalise(text: str) -> str:
    """Fold text to a comparison key: no marks, no case, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = to_ascii_digits(strip_invisible(text))
    # Casefold before decomposing: it can itself produce combining marks ("İ" -> "i̇").
    text = unicodedata.normalize("NFD", text.casefold().translate(_QURANIC_MARKS))
    text = text.translate(_LETTER_FOLDS)
    return " ".join("".join(_fold_char(c) for c in text).split())


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] == "M" or category == "Cf":
        return ""
    if category[0] == "P":
        return " "
    return char
