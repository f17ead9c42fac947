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
    # Moroccan gaf (أݣادير, ڭ): stored names write the sound with kaf (أكادير).
    0x06AD: "\u0643",  # ng -> kaf
    0x0763: "\u0643",  # keheh with three dots above -> kaf
    0x06AF: "\u0643",  # Persian gaf -> kaf
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
    """Fold text to a comparison key: no marks, no case, no punctuation, single spaces.

    The Arabic article ال is dropped from the front of each word ("الناظور" and
    "ناظور" compare equal), as people type names with or without it.
    """
    text = unicodedata.normalize("NFKC", text)
    text = to_ascii_digits(strip_invisible(text))
    # Casefold before decomposing: it can itself produce combining marks ("İ" -> "i̇").
    text = unicodedata.normalize("NFD", text.casefold().translate(_QURANIC_MARKS))
    text = text.translate(_LETTER_FOLDS)
    words = "".join(_fold_char(c) for c in text).split()
    return " ".join(_without_article(word) for word in words)


_ARTICLE = "\u0627\u0644"


def _without_article(word: str) -> str:
    """ "الرباط" -> "رباط"; a short word ("الم", "الف") keeps its letters."""
    while len(word) > len(_ARTICLE) + 1 and word.startswith(_ARTICLE):
        word = word[len(_ARTICLE) :]
    return word


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] == "M" or category == "Cf":
        return ""
    if category[0] == "P":
        return " "
    return char


# Darija written in Latin letters ("Arabizi") and a consonant key shared by both scripts

_ARABIZI_DIGRAPHS = (
    ("ch", "\u0634"),
    ("sh", "\u0634"),
    ("kh", "\u062e"),
    ("gh", "\u063a"),
    ("ou", "\u0648"),
    ("oo", "\u0648"),
    ("th", "\u062a"),
    ("dh", "\u062f"),
    ("ph", "\u0641"),
)
_ARABIZI_LETTERS = {
    "b": "\u0628",
    "t": "\u062a",
    "j": "\u062c",
    "d": "\u062f",
    "r": "\u0631",
    "z": "\u0632",
    "s": "\u0633",
    "f": "\u0641",
    "q": "\u0642",
    "k": "\u0643",
    "g": "\u0643",
    "c": "\u0643",
    "l": "\u0644",
    "m": "\u0645",
    "n": "\u0646",
    "h": "\u0647",
    "w": "\u0648",
    "y": "\u064a",
    "v": "\u0641",
    "p": "\u0628",
    "x": "\u0643\u0633",
    "3": "\u0639",
    "7": "\u062d",
    "9": "\u0642",
    "5": "\u062e",
    "2": "",
    "o": "\u0648",
    "u": "\u0648",
    "i": "\u064a",
    "a": "\u0627",
    "e": "",
}
_LATIN_ARTICLES = frozenset({"al", "el", "l", "ad", "ed", "es", "er", "ez", "et", "en", "ech"})


def arabizi_to_arabic(text: str) -> str:
    """Transliterate Latin-script Darija to (normalised) Arabic letters, for matching.

    "wjda" -> "وجده", "Tanja" -> "تانجه", "3youn" -> "عيون", "7ay" -> "حاي": digits stand
    for the letters Latin lacks (3=ع, 7=ح, 9=ق, 5=خ, 2=ء), gh/kh/ch/sh/ou are one letter,
    a final "a" is a ta marbuta, "e" is a short vowel and is dropped. Arabic letters
    and anything else pass through. The result is a guess: use it as one more key.
    """
    words = []
    for word in normalise(text).split():
        if word in _LATIN_ARTICLES:
            continue
        words.append(_arabizi_word(_without_latin_article(word)))
    return " ".join(word for word in words if word)


def _without_latin_article(word: str) -> str:
    """The article glued on in Darija: "lqnitra", "ljadida", "elhoceima", "l3ayoun"."""
    for article in ("el", "al", "l"):
        rest = word[len(article) :]
        if (
            word.startswith(article)
            and len(rest) >= 3
            and rest[0] not in "aeiouy"
            and rest[0] != rest[1]
        ):
            return rest
    return word


def _arabizi_word(word: str) -> str:
    out = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        digraph = next((arabic for latin, arabic in _ARABIZI_DIGRAPHS if pair == latin), None)
        if digraph is not None:
            out.append(digraph)
            i += 2
            continue
        char = word[i]
        if i == 0 and char in "eiou":
            out.append("\u0627")
        elif char == "a" and i == len(word) - 1 and i > 0:
            out.append("\u0647")
        elif char == "c" and word[i + 1 : i + 2] in ("e", "i"):
            out.append("\u0633")
        elif char in _ARABIZI_LETTERS:
            out.append(_ARABIZI_LETTERS[char])
        else:
            out.append(char)
        if len(out) > 1 and out[-1] == out[-2]:
            out.pop()  # a doubled Latin letter is one Arabic letter (with a shadda)
        i += 1
    return "".join(out)


_ARABIC_LONG_VOWELS = "\u0627\u0648\u064a"
_SKELETON_FOLDS = str.maketrans(
    {
        "\u0637": "\u062a",  # ط -> ت
        "\u062b": "\u062a",  # ث -> ت
        "\u0635": "\u0633",  # ص -> س
        "\u0636": "\u062f",  # ض -> د
        "\u0638": "\u062f",  # ظ -> د
        "\u0630": "\u062f",  # ذ -> د
        "\u0642": "\u0643",  # ق -> ك
        "\u062d": "\u0647",  # ح -> ه
    }
)


def consonant_key(text: str) -> str:
    """A loose key shared by Arabic and Latin spellings: the consonants, in Arabic letters.

    Vowel letters go (except a word-initial و or ي, which are consonants), letters that
    Moroccans pronounce alike are merged (ط/ت, ص/س, ض/ظ/ذ/د, ق/ك, ح/ه), a word-final ه
    goes, and doubled letters are single: "مراكش" and "Marrakech" both give "مركش",
    "وجدة", "Oujda" and "wjda" give "وجد".
    """
    keys = []
    for word in arabizi_to_arabic(text).translate(_SKELETON_FOLDS).split():
        word = "".join(c for c in word if c.isalpha())
        word = word.lstrip("\u0627") or word
        kept = [c for i, c in enumerate(word) if c not in _ARABIC_LONG_VOWELS or i == 0]
        letters = [c for i, c in enumerate(kept) if i == 0 or c != kept[i - 1]]
        if len(letters) > 1 and letters[-1] == "\u0647":
            letters.pop()
        keys.append("".join(letters))
    return " ".join(key for key in keys if key)
