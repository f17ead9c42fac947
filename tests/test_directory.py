"""Browsing, sorting, labels on screen and the organisers' search report, on the sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from transcript import Person

from bot.collectivity_import import SAMPLE_CSV, import_file
from db.directory import Directory, region_label, search_report, sort_key
from db.models import Collectivity, DialogueState, Region
from handlers.wording import collectivity_label, details_lines, where_line

ROOT = Path(__file__).resolve().parents[1]
MIGRATION = ROOT / "db" / "migrations" / "versions" / "0001_initial_schema.py"
SHARED_REGIONS = ROOT.parent / "shared" / "regions.csv"


@pytest.fixture
async def db(database):
    await database.upgrade()
    await import_file(database, SAMPLE_CSV)
    return database


async def by_code(database, code: str) -> Collectivity:
    async with database.unit_of_work() as session:
        return await session.scalar(select(Collectivity).where(Collectivity.code == code))


# Sorting


def test_arabic_sorting_ignores_the_article_and_hamza_forms():
    names = ["الناظور", "بركان", "أزيلال", "الدريوش", "جرادة", "إفران"]
    items = [Collectivity(name_ar=name, name_fr="x") for name in names]
    ordered = [c.name_ar for c in sorted(items, key=lambda c: sort_key(c, "ar"))]
    assert ordered == ["أزيلال", "إفران", "بركان", "جرادة", "الدريوش", "الناظور"]


def test_french_sorting_ignores_accents_case_and_a_leading_article():
    names = ["Oujda", "L'Oriental", "Béni Mellal", "El Jadida", "Essaouira", "berkane", "Été"]
    items = [Collectivity(name_ar="س", name_fr=name) for name in names]
    ordered = [c.name_fr for c in sorted(items, key=lambda c: sort_key(c, "fr"))]
    assert ordered == [
        "Béni Mellal",
        "berkane",
        "Essaouira",
        "Été",
        "El Jadida",
        "L'Oriental",
        "Oujda",
    ]


async def test_a_region_lists_itself_then_its_provinces_then_communes_without_one(db):
    directory = Directory()
    berkane = await by_code(db, "P-BERKANE")
    async with db.unit_of_work() as session:
        french = [c.code for c in await directory.in_region(session, "02", "fr")]
        arabic = [c.code for c in await directory.in_region(session, "02", "ar")]
        communes = [c.code for c in await directory.in_parent(session, berkane.id, "fr")]
    assert french[0] == arabic[0] == "R02"
    assert french[1:] == [
        "P-BERKANE",
        "P-DRIOUCH",
        "P-FIGUIG",
        "P-GUERCIF",
        "P-JERADA",
        "P-NADOR",
        "P-OUJDA-ANGAD",
        "P-TAOURIRT",
    ]
    # بركان، تاوريرت، جرادة، جرسيف، الدريوش، فجيج، الناظور، وجدة أنجاد
    assert arabic[1:] == [
        "P-BERKANE",
        "P-TAOURIRT",
        "P-JERADA",
        "P-GUERCIF",
        "P-DRIOUCH",
        "P-FIGUIG",
        "P-NADOR",
        "P-OUJDA-ANGAD",
    ]
    assert communes == ["C-BERKANE", "C-SAIDIA"]


async def test_regions_keep_their_official_order(db):
    async with db.unit_of_work() as session:
        regions = await Directory().regions(session)
    assert [r.code for r in regions] == [f"{n:02d}" for n in range(1, 13)]


# Labels on screen


@pytest.mark.parametrize(
    ("code", "locale", "label", "where"),
    [
        ("C-BERKANE", "ar", "جماعة بركان", "جماعة بركان — جهة الشرق"),
        ("C-BERKANE", "fr", "Commune de Berkane", "Commune de Berkane — Région de l'Oriental"),
        ("C-BERKANE", "en", "Commune de Berkane", "Commune de Berkane — Région de l'Oriental"),
        ("R02", "ar", "جهة الشرق", "جهة الشرق"),
        ("R12", "en", "Région de Dakhla-Oued Ed-Dahab", "Région de Dakhla-Oued Ed-Dahab"),
        ("P-OUJDA-ANGAD", "ar", "عمالة وجدة أنجاد", "عمالة وجدة أنجاد — جهة الشرق"),
        (
            "P-OUJDA-ANGAD",
            "fr",
            "Préfecture d'Oujda-Angad",
            "Préfecture d'Oujda-Angad — Région de l'Oriental",
        ),
        ("P-BERKANE", "ar", "إقليم بركان", "إقليم بركان — جهة الشرق"),
        ("C-OUJDA", "fr", "Commune d'Oujda", "Commune d'Oujda — Région de l'Oriental"),
    ],
)
async def test_labels_and_the_where_line(app, code, locale, label, where):
    tr = app.services.catalogs.translator(locale)
    collectivity = await by_code(app.database, code)
    assert collectivity_label(tr, collectivity) == label
    assert where_line(tr, collectivity) == where
    lines = details_lines(
        tr, full_name="x", collectivity=collectivity, position="y", phone=None, email=None
    )
    assert any(line.endswith(where) for line in lines)


def test_region_label():
    oriental = Region(code="02", name_ar="الشرق", name_fr="L'Oriental")
    assert region_label(oriental, "ar") == "جهة الشرق"
    assert region_label(oriental, "fr") == "Région de l'Oriental"
    assert region_label(oriental, "en") == "Région de l'Oriental"


def test_the_old_label_templates_are_gone():
    catalogs = (ROOT / "locales").rglob("*.po")
    for path in catalogs:
        text = path.read_text(encoding="utf-8")
        for msgid in ("Region of {name}", "{name} (prefecture or province)", "Commune of {name}"):
            assert f'msgid "{msgid}"' not in text, path
        assert "préfecture ou province" not in text


# Browsing at national scale, as a person does it


async def test_a_focal_point_of_a_province_picks_it_and_a_region_can_be_picked(app):
    amina = Person(app.conversation, "7001")
    await amina.begins("العربية")
    await amina.says("أمينة")
    await amina.taps("تصفح")
    await amina.taps("الشرق")
    amina.sees("يرجى اختيار الجهة نفسها")
    assert amina.labels[:3] == ["جهة الشرق", "إقليم بركان", "إقليم تاوريرت"]
    await amina.taps("المزيد")
    await amina.taps("عمالة وجدة أنجاد")
    amina.sees("يرجى اختيار العمالة نفسها")
    assert amina.labels == ["عمالة وجدة أنجاد", "جماعة وجدة", "العودة إلى الجهة"]
    await amina.taps("العودة إلى الجهة")
    assert amina.labels == ["عمالة وجدة أنجاد", "العودة إلى الجهات"]
    await amina.taps("العودة إلى الجهات")
    await amina.taps("الشرق")
    await amina.taps("إقليم بركان")
    amina.sees("يرجى اختيار الإقليم نفسه")
    await amina.taps("إقليم بركان")
    amina.sees("ما صفتكم")
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
    assert state.data["draft"]["collectivity_id"] == (await by_code(app.database, "P-BERKANE")).id


async def test_hundreds_of_communes_are_paged_by_province(app, tmp_path):
    from generated_network import generate_communes

    rows = ["code,kind,name_ar,name_fr,region_code,parent_code"]
    rows += [
        f"{c.code},commune,{c.name_ar},{c.name_fr},02,{'P-BERKANE' if n % 2 else ''}"
        for n, c in enumerate(generate_communes(300))
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    await import_file(app.database, path)

    karim = Person(app.conversation, "7002")
    await karim.begins("Français")
    await karim.says("Karim")
    await karim.taps("Parcourir")
    await karim.taps("L'Oriental")
    assert len(karim.labels) == 10
    assert karim.labels[-2:] == ["Voir plus", "Retour aux régions"]
    await karim.taps("Province de Berkane")
    first_page = karim.labels
    assert first_page[0] == "Province de Berkane"
    assert first_page[-2:] == ["Voir plus", "Retour à la région"]
    assert len(first_page) == 10
    await karim.taps("Voir plus")
    assert karim.labels[0] != first_page[0]
    assert len(karim.labels) == 10
    await karim.taps("Retour à la région")
    assert karim.labels[0] == "Région de l'Oriental"


# Regions in one place


def _regions_csv(path: Path) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return {row["code"]: (row["name_ar"], row["name_fr"]) for row in csv.DictReader(file)}


def test_the_twelve_regions_agree_everywhere():
    import importlib.util

    spec = importlib.util.spec_from_file_location("migration_0001", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    from_migration = {code: (ar, fr) for code, ar, fr in migration.REGIONS}
    from_data = _regions_csv(ROOT / "bot" / "data" / "regions.csv")
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as file:
        from_sample = {
            row["region_code"]: (row["name_ar"], row["name_fr"])
            for row in csv.DictReader(file)
            if row["kind"] == "region"
        }
    assert len(from_migration) == 12
    assert from_data == from_migration
    assert from_sample == from_migration


def test_the_shared_regions_agree_with_the_migration():
    candidates = [SHARED_REGIONS, Path("/work/shared/regions.csv")]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        pytest.skip("shared/regions.csv is not beside the repository (../shared/regions.csv)")
    assert _regions_csv(found) == _regions_csv(ROOT / "bot" / "data" / "regions.csv")


# The organisers' view of a search


async def test_search_report_lines(db):
    lines = await search_report(db, "البيضاء")
    assert lines[0] == "C-CASABLANCA\t123.0\tCommune de Casablanca\tجماعة الدار البيضاء"
    assert len(lines) <= 5
    for line in lines:
        _, score, _, _ = line.split("\t")
        assert float(score) == round(float(score), 1)
        assert score == f"{float(score):.1f}"
    assert await search_report(db, "Tlemcen") == []
    assert len(await search_report(db, "sidi", limit=2)) <= 2


async def test_the_index_sees_new_aliases_after_a_reimport(db, tmp_path):
    directory = Directory()
    async with db.unit_of_work() as session:
        assert await directory.search(session, "Berkanopolis") == []
    path = tmp_path / "alias.csv"
    path.write_text(
        "code,kind,name_ar,name_fr,region_code,aliases\n"
        "C-BERKANE,commune,بركان,Berkane,02,Berkanopolis\n",
        encoding="utf-8",
    )
    await import_file(db, path)
    berkane = await by_code(db, "C-BERKANE")
    async with db.unit_of_work() as session:
        assert (await directory.search(session, "Berkanopolis"))[:1] == [berkane.id]
