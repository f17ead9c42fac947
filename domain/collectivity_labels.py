"""Official labels of the territorial collectivities, derived when the file gives none.

Organisers write « Préfecture d'Oujda-Angad » / «عمالة وجدة أنجاد»: the French label elides
"de" before a vowel (and before the Arabic articles Al/El/Es/Er written as part of the
name), and a French article starting the name is contracted or lowercased
(« Région de l'Oriental »). This module is pure so the migration can keep a frozen copy.
"""

from __future__ import annotations

import unicodedata

KIND_WORDS_FR = {
    "region": "Région",
    "prefecture": "Préfecture",
    "province": "Province",
    "commune": "Commune",
}
KIND_WORDS_AR = {
    "region": "جهة",
    "prefecture": "عمالة",
    "province": "إقليم",
    "commune": "جماعة",
}
_VOWELS = frozenset("aeiou")
_APOSTROPHES = ("'", "’")


def label_ar(kind: str, name_ar: str) -> str:
    """«جهة الشرق», «عمالة وجدة أنجاد», «إقليم بركان», «جماعة السعيدية»."""
    return f"{KIND_WORDS_AR[kind]} {name_ar.strip()}"


def label_fr(kind: str, name_fr: str) -> str:
    """« Région de l'Oriental », « Province d'Al Hoceïma », « Commune de Berkane »."""
    return f"{KIND_WORDS_FR[kind]} {_of(name_fr.strip())}"


def derive_labels(kind: str, name_ar: str, name_fr: str) -> tuple[str, str]:
    """The (Arabic, French) official labels of a collectivity named ``name_ar``/``name_fr``."""
    return label_ar(kind, name_ar), label_fr(kind, name_fr)


def _of(name: str) -> str:
    """French "de" + ``name``, with elision and the articles le/la/les/l' handled."""
    lowered = name.casefold()
    for apostrophe in _APOSTROPHES:
        if lowered.startswith("l" + apostrophe):
            return "de l" + apostrophe + name[2:]
    for article, contracted in (("le ", "du "), ("les ", "des "), ("la ", "de la ")):
        if lowered.startswith(article):
            return contracted + name[len(article) :]
    if _starts_with_vowel(name):
        return "d'" + name
    return "de " + name


def _starts_with_vowel(name: str) -> bool:
    """A vowel, accented or not; h and y count as consonants in Moroccan place names."""
    if not name:
        return False
    base = unicodedata.normalize("NFD", name[0].casefold())[0]
    return base in _VOWELS
