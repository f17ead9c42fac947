import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from domain.arabic import (
    arabizi_to_arabic,
    consonant_key,
    normalise,
    strip_invisible,
    to_ascii_digits,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("06 ١٢ ۳٤", "06 12 34"),
        ("abc 123", "abc 123"),
        ("", ""),
    ],
)
def test_to_ascii_digits(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u200fوجدة\u200e", "وجدة"),
        ("\u061cبركان", "بركان"),
        ("\u202aabc\u202c", "abc"),
        ("\u202b\u202d\u202ex", "x"),
        ("\u2066a\u2067b\u2068c\u2069", "abc"),
        ("a\u200bb\u200cc\u200dd\u2060e", "abcde"),
        ("\ufeffname", "name"),
        ("plain text", "plain text"),
    ],
)
def test_strip_invisible(text: str, expected: str) -> None:
    assert strip_invisible(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("بركـــان", "بركان"),
        ("بَرْكان", "بركان"),
        ("الجماعة", "الجماعه"),
        ("مُحَمَّد", "محمد"),
        ("أحمد", "احمد"),
        ("إدريس", "ادريس"),
        ("آسفي", "اسفي"),
        ("مؤسسة", "موسسه"),
        ("رئيس", "رييس"),
        ("ٱلرباط", "الرباط"),
        ("مصطفى", "مصطفي"),
        ("کلمیم", "كلميم"),
        ("ماء", "ما"),
        ("هٰذا", "هذا"),
        ("ﻻ", "لا"),
        ("\ufe8d\ufedf\ufeae\ufe91\ufe8e\ufec1", "الرباط"),
        ("\u200fوجدة\u200e", "وجده"),
        ("بني ملال، خنيفرة", "بني ملال خنيفره"),
    ],
)
def test_normalise_arabic_equivalences(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fès-Meknès", "fes meknes"),
        ("L'Oriental", "l oriental"),
        ("L’Oriental", "l oriental"),
        ("Laâyoune", "laayoune"),
        ("Béni  Mellal", "beni mellal"),
        ("Al Hoceïma", "al hoceima"),
        ("Français", "francais"),
        ("  Tanger-Tétouan-Al Hoceïma  ", "tanger tetouan al hoceima"),
        ("Dakhla-Oued Ed-Dahab", "dakhla oued ed dahab"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("BERKANE", "berkane"),
        ("ｂｅｒｋａｎｅ", "berkane"),
        ("٠٦١٢", "0612"),
        ("۰۶۱۲", "0612"),
        ("ماذا؟ نعم؛ لا،", "ماذا نعم لا"),
        ("M. El-Idrissi...", "m el idrissi"),
        ("a\tb\n c", "a b c"),
        ("الجماعة", "جماعه"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_removes_quranic_marks() -> None:
    marks = "".join(chr(c) for c in range(0x06D6, 0x06EE))
    assert normalise(f"بسم{marks}") == "بسم"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalise_leaves_no_marks_or_punctuation(text: str) -> None:
    result = normalise(text)
    assert result == result.strip()
    assert "  " not in result
    assert not any(unicodedata.category(c)[0] in "MP" for c in result)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("الناظور", "ناظور"),
        ("الدار البيضاء", "دار بيضاء"),
        ("أݣادير", "أكادير"),
        ("ڭلميم", "كلميم"),
        ("گلميم", "كلميم"),
    ],
)
def test_normalise_drops_the_article_and_folds_the_moroccan_gaf(a, b):
    assert normalise(a) == normalise(b)


def test_normalise_keeps_short_words_that_begin_like_the_article():
    assert normalise("الف") == "الف"
    assert normalise("الالعاب") == "عاب"


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("wjda", "وجده"),
        ("Tanja", "تانجه"),
        ("3youn", "عيون"),
        ("7ay", "حاي"),
        ("9nitra", "قنيتره"),
        ("5emis", "خميس"),
        ("ghazi", "غازي"),
        ("khouribga", "خوريبكه"),
        ("chaouen", "شاون"),
        ("shaouen", "شاون"),
        ("marrakech", "ماراكش"),
        ("el jadida", "جاديده"),
        ("Ifrane", "افران"),
        ("s2al", "سال"),
        ("بركان", "بركان"),
    ],
)
def test_arabizi_to_arabic(latin, arabic):
    assert arabizi_to_arabic(latin) == arabic


@pytest.mark.parametrize(
    "spellings",
    [
        ("وجدة", "Oujda", "wjda", "Wajda"),
        ("طنجة", "Tanja", "tanja"),
        ("مراكش", "Marrakech", "mrrakch", "Marrakch"),
        ("القنيطرة", "Kenitra", "9nitra", "lqnitra"),
        ("المحمدية", "Mohammedia"),
        ("كلميم", "Guelmim"),
        ("أولاد تايمة", "Ouled Teima"),
        ("إفران", "Ifrane"),
        ("الحسيمة", "7oceima"),
    ],
)
def test_consonant_key_is_shared_by_both_scripts(spellings):
    keys = {consonant_key(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


@example("ÐH0A")  # a doubled final ه once survived the first pass
@given(st.text())
def test_consonant_key_never_raises_and_is_stable(text):
    key = consonant_key(text)
    assert consonant_key(key) == key
