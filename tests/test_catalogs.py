"""The gettext catalogs: complete, consistent with the source, compilable, and formatting right."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from locales.i18n import FSI, LRI, PDI, Catalogs, Ltr, locales_dir

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("ar", "fr", "en")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages() -> set[str]:
    keywords = {"_": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for folder in ("bot", "handlers", "db"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=keywords, method_map=[("**.py", "python")]
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str):
    with (locales_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def singular(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_in_the_source_is_translated(locale):
    translated = {
        singular(m): m
        for m in catalog(locale)
        if m.id
        and "fuzzy" not in m.flags
        and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"{locale}: untranslated or fuzzy: {missing}"


def test_template_is_up_to_date():
    with (locales_dir() / "messages.pot").open("rb") as source:
        template = {singular(m) for m in read_po(source) if m.id}
    assert template == source_messages(), "run: python tools/update_catalogs.py"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_the_same_in_every_translation(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            assert found <= expected, f"{locale}: {text!r} has unknown {found - expected}"
            assert expected - {"{n}"} <= found, f"{locale}: {text!r} lacks {expected - found}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_compiles(locale):
    messages = catalog(locale)
    problems = [(message.id, errors) for message, errors in messages.check() if errors]
    assert not problems
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    assert buffer.getvalue()


def test_arabic_has_six_plural_forms():
    arabic = catalog("ar")
    assert arabic.num_plurals == 6
    plurals = [m for m in arabic if isinstance(m.id, tuple)]
    assert plurals
    assert all(len(m.string) == 6 and all(m.string) for m in plurals)


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs(LOCALES, "ar")


def test_event_date_reads_the_moroccan_way(catalogs):
    day = date(2024, 11, 13)
    assert catalogs.translator("ar").date(day) == "13 نونبر 2024"
    assert catalogs.translator("fr").date(day) == "13 novembre 2024"
    assert catalogs.translator("en").date(day) == "13 November 2024"


def test_arabic_plural_forms_follow_the_number(catalogs):
    arabic = catalogs.translator("ar")
    texts = {
        n: arabic.ngettext(
            "I found {n} collectivity. Is it yours?",
            "I found {n} collectivities. Which one is yours?",
            n,
        )
        for n in (1, 2, 3, 11, 100)
    }
    assert len(set(texts.values())) >= 4
    assert "3" in texts[3] and "11" in texts[11]


def test_latin_values_are_isolated_inside_arabic_sentences(catalogs):
    arabic = catalogs.translator("ar")
    text = arabic._("Email: {email}", email=Ltr("sara@example.ma"))
    assert f"{LRI}sara@example.ma{PDI}" in text
    name = arabic._("Name: {name}", name="Sara Bennani")
    assert f"{FSI}Sara Bennani{PDI}" in name
    assert FSI not in arabic._("Name: {name}", name="فاطمة الزهراء")
    french = catalogs.translator("fr")._("Name: {name}", name="Sara Bennani")
    assert FSI not in french and "Sara Bennani" in french


def test_unknown_locale_falls_back_to_the_default(catalogs):
    assert catalogs.translator("de").locale == "ar"
    assert catalogs.translator(None).locale == "ar"


# «جماعة» alone is a commune: a collectivity of any kind is «جماعة ترابية».
ARABIC_COLLECTIVITY = re.compile(r"جماع\w*(?!\w)(?!\s+(?:ال)?ترابي)")


def arabic_strings_about_collectivities():
    for message in catalog("ar"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or not any("collectivit" in text.casefold() for text in ids):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield from ((ids[0], text) for text in strings)


def test_arabic_says_jamaa_turabiya_for_a_collectivity():
    found = list(arabic_strings_about_collectivities())
    assert len(found) > 5
    wrong = [(msgid, text) for msgid, text in found if ARABIC_COLLECTIVITY.search(text)]
    assert not wrong, wrong


def test_the_collectivity_rule_catches_a_bare_jamaa():
    assert ARABIC_COLLECTIVITY.search("يرجى اختيار جماعتكم.")
    assert ARABIC_COLLECTIVITY.search("وجدت جماعتين")
    assert not ARABIC_COLLECTIVITY.search("يرجى اختيار جماعتكم الترابية.")
    assert not ARABIC_COLLECTIVITY.search("ما الجماعة الترابية التي تمثلونها؟")


FRENCH_SPACE_BEFORE = re.compile(r"(?<![0-9/])[ \u00a0]?[;:?!»](?![0-9/])")


def french_strings():
    for message in catalog("fr"):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield from strings


def test_french_punctuation_is_held_by_narrow_no_break_spaces():
    problems = []
    for text in french_strings():
        for match in FRENCH_SPACE_BEFORE.finditer(text):
            before = text[match.start() - 1] if match.start() else ""
            if not match.group().startswith("\u202f") and before != "\u202f":
                problems.append(text)
        if re.search(r"«(?!\u202f)", text):
            problems.append(text)
    assert not problems, problems
    assert any("\u202f?" in text for text in french_strings())


def test_french_plural_forms_read_well_for_one_and_for_millions(catalogs):
    french = catalogs.translator("fr")

    def found(n: int) -> str:
        return french.ngettext(
            "I found {n} collectivity. Is it yours?",
            "I found {n} collectivities. Which one is yours?",
            n,
        )

    assert found(1) == "J'ai trouvé une collectivité. Est-ce la vôtre\u202f?"
    assert found(3) == "J'ai trouvé 3 collectivités. Laquelle est la vôtre\u202f?"
    assert found(1_000_000).startswith("J'ai trouvé 1\u202f000\u202f000 de collectivités.")
