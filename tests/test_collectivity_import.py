import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.collectivity_import import (
    SAMPLE_CSV,
    CollectivityRow,
    ImportRejected,
    RowError,
    deep_link,
    ensure_seeded,
    generate_invite_codes,
    import_collectivities,
    import_file,
    invite_codes,
    read_collectivities_csv,
)
from db.models import Collectivity
from db.session import Database

HEADER = "code,kind,name_ar,name_fr,region_code,invite_code"
INVITE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@pytest.fixture
async def db(database):
    """The shared database fixture (SQLite, and PostgreSQL when configured), upgraded."""
    await database.upgrade()
    return database


def write_csv(tmp_path: Path, *lines: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample_row_count() -> int:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as file:
        return sum(1 for _ in csv.DictReader(file))


async def count(database: Database) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(Collectivity))


async def by_code(database: Database, code: str) -> Collectivity:
    async with database.unit_of_work() as session:
        return await session.scalar(select(Collectivity).where(Collectivity.code == code))


# The shipped sample


def test_sample_file_is_valid():
    rows, errors = read_collectivities_csv(SAMPLE_CSV)

    assert errors == []
    assert len(rows) == sample_row_count()
    assert {row.region_code for row in rows} == {f"{n:02d}" for n in range(1, 13)}
    assert sum(row.kind == "region" for row in rows) == 12


def test_sample_regions_match_regions_csv():
    regions_csv = SAMPLE_CSV.with_name("regions.csv")
    with regions_csv.open(encoding="utf-8", newline="") as file:
        regions = {r["code"]: (r["name_ar"], r["name_fr"]) for r in csv.DictReader(file)}
    rows, _ = read_collectivities_csv(SAMPLE_CSV)

    sample_regions = {r.region_code: (r.name_ar, r.name_fr) for r in rows if r.kind == "region"}

    assert sample_regions == regions


async def test_sample_imports(db):
    report = await import_file(db, SAMPLE_CSV)

    total = sample_row_count()
    assert report.created == total
    assert (report.updated, report.unchanged) == (0, 0)
    assert await count(db) == total
    oriental = await by_code(db, "R02")
    assert (oriental.kind, oriental.name_ar, oriental.name_fr) == ("region", "الشرق", "L'Oriental")
    berkane = await by_code(db, "C-BERKANE")
    assert (berkane.name_ar, berkane.name_fr, berkane.region_code) == ("بركان", "Berkane", "02")
    assert berkane.kind == "commune"
    assert berkane.invite_code == "berkane-2024"
    assert berkane.region.name_fr == "L'Oriental"


async def test_reimport_changes_nothing(db):
    await import_file(db, SAMPLE_CSV)

    report = await import_file(db, SAMPLE_CSV)

    assert (report.created, report.updated, report.unchanged) == (0, 0, sample_row_count())


async def test_ensure_seeded_imports_only_into_an_empty_table(db):
    first = await ensure_seeded(db, SAMPLE_CSV)
    second = await ensure_seeded(db, SAMPLE_CSV)

    assert first is not None
    assert first.created == sample_row_count()
    assert second is None


# Bad files


async def test_bad_rows_are_all_reported_and_nothing_is_imported(db, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "C-BERKANE,commune,بركان,Berkane,02,",
        "C-VILLA,villa,فيلا,Villa,02,",
        "C-OUJDA,commune,وجدة,Oujda,02,",
        "C-ATLANTIS,commune,أطلانتس,Atlantis,13,",
        "C-BERKANE,commune,بركان,Berkane bis,02,",
        "C-NADOR,commune,الناظور,,02,",
    )

    _, errors = read_collectivities_csv(path)

    assert [error.line for error in errors] == [3, 5, 6, 7]
    assert (
        str(errors[0]) == "line 3: kind 'villa' is not one of region, prefecture, province, commune"
    )
    assert "region_code '13'" in errors[1].reason
    assert errors[2].reason == "code 'C-BERKANE' repeats line 2"
    assert errors[3].reason == "name_fr is empty"
    with pytest.raises(ImportRejected) as rejected:
        await import_file(db, path)
    assert rejected.value.errors == errors
    assert await count(db) == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("p-berkane,province,بركان,Berkane,02,", "code 'p-berkane' must be"),
        ("P BERKANE,province,بركان,Berkane,02,", "code 'P BERKANE' must be"),
        ("P-BERKANE,province,Berkane,Berkane,02,", "name_ar 'Berkane' has no Arabic letter"),
        ("P-BERKANE,province,بركان,Berkane,2,", "region_code '2' is not one of"),
        ("P-BERKANE,province,بركان,Berkane,02,bad code!", "invite_code 'bad code!' must be"),
        (f"P-BERKANE,province,بركان,Berkane,02,{'x' * 65}", "invite_code 'xxx"),
        (f"P-BERKANE,province,بركان,{'B' * 201},02,", "name_fr is 201 characters long"),
        ("P-BERKANE,province,,Berkane,02,", "name_ar is empty"),
        ("P-BERKANE,province,بركان,Berkane,02,,extra", "has 7 fields, the header has 6 columns"),
    ],
)
def test_a_bad_field_is_reported_on_its_line(tmp_path, line, reason):
    path = write_csv(tmp_path, HEADER, "R02,region,الشرق,L'Oriental,02,", line)

    _, errors = read_collectivities_csv(path)

    assert len(errors) == 1
    assert errors[0].line == 3
    assert errors[0].reason.startswith(reason)


def test_duplicate_invite_code_in_the_file_names_the_first_line(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "C-BERKANE,commune,بركان,Berkane,02,berkane-2024",
        "C-SAIDIA,commune,السعيدية,Saïdia,02,berkane-2024",
    )

    _, errors = read_collectivities_csv(path)

    assert errors == [RowError(3, "invite_code 'berkane-2024' repeats line 2")]


def test_header_problems_are_reported_on_line_1(tmp_path):
    path = write_csv(tmp_path, "code,kind,name_ar,region_code,colour", "C-X,commune,س,X,02,red")

    rows, errors = read_collectivities_csv(path)

    assert rows == []
    assert [error.line for error in errors] == [1, 1]
    assert "name_fr" in errors[0].reason
    assert "'colour'" in errors[1].reason


def test_invite_code_column_is_optional_and_bom_is_tolerated(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        "code,kind,name_ar,name_fr,region_code\nC-OUJDA,commune,وجدة,Oujda,02\n\n",
        encoding="utf-8-sig",
    )

    rows, errors = read_collectivities_csv(path)

    assert errors == []
    assert rows == [CollectivityRow("C-OUJDA", "commune", "وجدة", "Oujda", "02", None)]
    assert rows[0].line == 2


def test_a_file_not_in_utf8_names_the_line_and_says_how_to_save_it(tmp_path):
    path = tmp_path / "arabic-windows.csv"
    path.write_bytes(
        f"{HEADER}\nR02,region,الشرق,L'Oriental,02,\nC-FES,commune,فاس,Fès,03,\n".encode("cp1256")
    )

    rows, errors = read_collectivities_csv(path)

    assert rows == []
    assert len(errors) == 1
    assert errors[0].line == 2
    assert errors[0].reason == (
        "the file is not UTF-8 (byte 12 of the line is invalid);"
        " save it as UTF-8 (CSV UTF-8 in Excel)"
    )


def test_an_empty_or_unreadable_file_is_reported(tmp_path):
    empty = write_csv(tmp_path, "", name="empty.csv")
    huge = write_csv(tmp_path, HEADER, f"C-FES,commune,فاس,{'F' * 200_000},03,", name="huge.csv")

    assert read_collectivities_csv(empty)[1][0].line == 1
    [error] = read_collectivities_csv(huge)[1]
    assert error.line == 2
    assert error.reason.startswith("the file is not readable as CSV")


# Updates


async def test_changing_one_name_updates_exactly_one_row(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    text = SAMPLE_CSV.read_text(encoding="utf-8")
    changed = text.replace("C-SAIDIA,commune,السعيدية,Saïdia,", "C-SAIDIA,commune,السعيدية,Saidia,")
    assert changed != text
    path = tmp_path / "changed.csv"
    path.write_text(changed, encoding="utf-8")

    report = await import_file(db, path)

    assert (report.created, report.updated) == (0, 1)
    assert report.unchanged == sample_row_count() - 1
    assert (await by_code(db, "C-SAIDIA")).name_fr == "Saidia"


async def test_an_empty_invite_code_keeps_the_stored_one(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    path = write_csv(tmp_path, HEADER, "C-BERKANE,commune,بركان,Berkane,02,")

    report = await import_file(db, path)

    assert report.unchanged == 1
    assert (await by_code(db, "C-BERKANE")).invite_code == "berkane-2024"


async def test_invite_code_used_by_another_collectivity_is_rejected(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    path = write_csv(
        tmp_path,
        HEADER,
        "C-ZAIO,commune,زايو,Zaïo,02,",
        "C-NADOR,commune,الناظور,Nador (changed),02,berkane-2024",
    )

    with pytest.raises(ImportRejected) as rejected:
        await import_file(db, path)

    assert rejected.value.errors == [
        RowError(3, "invite_code 'berkane-2024' is already used by C-BERKANE")
    ]
    assert await count(db) == sample_row_count()
    nador = await by_code(db, "C-NADOR")
    assert (nador.name_fr, nador.invite_code) == ("Nador", None)


async def test_invite_codes_may_move_between_rows_of_one_import(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    rows = [
        CollectivityRow("C-BERKANE", "commune", "بركان", "Berkane", "02", "oujda-2024", line=2),
        CollectivityRow("C-OUJDA", "commune", "وجدة", "Oujda", "02", "berkane-2024", line=3),
    ]

    report = await import_collectivities(db, rows)

    assert report.updated == 2
    assert (await by_code(db, "C-BERKANE")).invite_code == "oujda-2024"
    assert (await by_code(db, "C-OUJDA")).invite_code == "berkane-2024"


# Invite codes


async def test_generate_invite_codes_fills_the_missing_ones(db):
    await import_file(db, SAMPLE_CSV)
    given = len(await invite_codes(db))

    created = await generate_invite_codes(db)

    total = sample_row_count()
    assert created == total - given
    pairs = await invite_codes(db)
    codes = [code for _, code in pairs]
    assert len(pairs) == total
    assert len(set(codes)) == total
    assert all(INVITE_RE.fullmatch(code) for code in codes)
    assert all(collectivity.invite_code == code for collectivity, code in pairs)
    assert dict((c.code, code) for c, code in pairs)["C-BERKANE"] == "berkane-2024"
    assert await generate_invite_codes(db) == 0


def test_deep_link():
    assert deep_link("TawasulBot", "berkane-2024") == "https://t.me/TawasulBot?start=berkane-2024"
    assert deep_link("@TawasulBot", "x_1") == "https://t.me/TawasulBot?start=x_1"
    with pytest.raises(ValueError):
        deep_link("TawasulBot", "not valid")


# Labels, aliases and parents

FULL_HEADER = "code,kind,name_ar,name_fr,region_code,parent_code,label_ar,label_fr,aliases"


async def test_sample_has_official_labels_kinds_and_parents(db):
    await import_file(db, SAMPLE_CSV)

    oujda_angad = await by_code(db, "P-OUJDA-ANGAD")
    assert (oujda_angad.kind, oujda_angad.label_ar, oujda_angad.label_fr) == (
        "prefecture",
        "عمالة وجدة أنجاد",
        "Préfecture d'Oujda-Angad",
    )
    berkane = await by_code(db, "P-BERKANE")
    assert (berkane.kind, berkane.label_ar, berkane.label_fr) == (
        "province",
        "إقليم بركان",
        "Province de Berkane",
    )
    saidia = await by_code(db, "C-SAIDIA")
    assert (saidia.label_ar, saidia.label_fr) == ("جماعة السعيدية", "Commune de Saïdia")
    assert saidia.parent_id == berkane.id
    oriental = await by_code(db, "R02")
    assert (oriental.label_ar, oriental.label_fr) == ("جهة الشرق", "Région de l'Oriental")
    casablanca = await by_code(db, "C-CASABLANCA")
    assert {"كازا", "casa", "البيضاء"} <= {a.casefold() for a in casablanca.alias_list}


def test_every_sample_commune_has_a_parent_and_every_row_a_label():
    rows, errors = read_collectivities_csv(SAMPLE_CSV)
    assert errors == []
    assert all(row.parent_code for row in rows if row.kind == "commune")
    prefectures = {row.name_fr for row in rows if row.kind == "prefecture"}
    assert prefectures == {
        "Tanger-Assilah",
        "Oujda-Angad",
        "Fès",
        "Meknès",
        "Rabat",
        "Salé",
        "Skhirate-Témara",
        "Casablanca",
        "Mohammédia",
        "Marrakech",
        "Agadir Ida-Outanane",
        "Inezgane-Aït Melloul",
    }
    text = SAMPLE_CSV.read_text(encoding="utf-8")
    assert "préfecture ou province" not in text


def test_labels_are_derived_when_the_columns_are_absent_or_empty(tmp_path):
    path = write_csv(
        tmp_path,
        FULL_HEADER,
        "P-HOCEIMA,province,الحسيمة,Al Hoceïma,01,,,,",
        "C-X,commune,الحسيمة,Al Hoceïma,01,P-HOCEIMA,بلدية الحسيمة,,Alhucemas| Hoceima |Alhucemas",
    )

    rows, errors = read_collectivities_csv(path)

    assert errors == []
    assert (rows[0].label_ar, rows[0].label_fr) == ("إقليم الحسيمة", "Province d'Al Hoceïma")
    assert (rows[1].label_ar, rows[1].label_fr) == ("بلدية الحسيمة", "Commune d'Al Hoceïma")
    assert rows[1].aliases == "Alhucemas|Hoceima"


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (
            ["R02,region,الشرق,L'Oriental,02,,,,", "C-X,commune,س,X,02,R02,,,"],
            "parent_code 'R02' is a region, not a prefecture or province",
        ),
        (
            ["P-FES,prefecture,فاس,Fès,03,,,,", "C-X,commune,س,X,02,P-FES,,,"],
            "parent_code 'P-FES' is in region 03, this row in region 02",
        ),
        (
            ["P-FES,prefecture,فاس,Fès,03,,,,", "P-Y,province,س,Y,03,P-FES,,,"],
            "parent_code is for a commune; a province has none",
        ),
        (
            ["P-FES,prefecture,فاس,Fès,03,,,,", "C-X,commune,س,X,03,p fes,,,"],
            "parent_code 'p fes' must be",
        ),
    ],
)
def test_a_bad_parent_is_refused(tmp_path, lines, reason):
    path = write_csv(tmp_path, FULL_HEADER, *lines)

    _, errors = read_collectivities_csv(path)

    assert [error.line for error in errors] == [3]
    assert errors[0].reason.startswith(reason)


async def test_a_parent_may_be_in_the_database_but_must_exist(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    good = write_csv(tmp_path, FULL_HEADER, "C-AHFIR,commune,أحفير,Ahfir,02,P-BERKANE,,,", name="a")
    bad = write_csv(tmp_path, FULL_HEADER, "C-AHFIR,commune,أحفير,Ahfir,02,P-NOWHERE,,,", name="b")

    with pytest.raises(ImportRejected) as rejected:
        await import_file(db, bad)
    report = await import_file(db, good)

    assert rejected.value.errors == [
        RowError(2, "parent_code 'P-NOWHERE' is neither in the file nor imported")
    ]
    assert report.created == 1
    assert (await by_code(db, "C-AHFIR")).parent_id == (await by_code(db, "P-BERKANE")).id


async def test_a_file_without_parent_or_alias_columns_keeps_the_stored_ones(db, tmp_path):
    await import_file(db, SAMPLE_CSV)
    path = write_csv(tmp_path, HEADER, "C-CASABLANCA,commune,الدار البيضاء,Casablanca,06,")

    report = await import_file(db, path)

    assert report.unchanged == 1
    casablanca = await by_code(db, "C-CASABLANCA")
    assert casablanca.parent_id == (await by_code(db, "P-CASABLANCA")).id
    assert "Casa" in casablanca.alias_list


# Files organisers really send


@pytest.mark.parametrize(
    ("column", "char"),
    [
        ("name_ar", "\x00"),
        ("name_fr", "\u202e"),
        ("name_fr", "\u200b"),
        ("name_ar", "\u200d"),
        ("name_fr", "\x07"),
        ("aliases", "\u2066"),
        ("label_fr", "\x1b"),
    ],
)
def test_names_with_hidden_or_control_characters_are_refused(tmp_path, column, char):
    values = {"name_ar": "بركان", "name_fr": "Berkane", "label_fr": "", "aliases": ""}
    values[column] = f"{values[column] or 'x'}{char}y"
    path = write_csv(
        tmp_path,
        FULL_HEADER,
        f"C-B,commune,{values['name_ar']},{values['name_fr']},02,,,{values['label_fr']},"
        f"{values['aliases']}",
    )

    rows, errors = read_collectivities_csv(path)

    assert rows == []
    assert [error.line for error in errors] == [2]
    assert errors[0].reason == (
        f"{column} contains the invisible or control character U+{ord(char):04X}; remove it"
    )


def test_a_semicolon_separated_file_says_how_to_save_it(tmp_path):
    path = write_csv(
        tmp_path, "code;kind;name_ar;name_fr;region_code", "C-OUJDA;commune;وجدة;Oujda;02"
    )

    _, errors = read_collectivities_csv(path)

    assert errors == [
        RowError(1, "the file is separated by semicolons; save it as CSV with commas (UTF-8)")
    ]


def test_one_bad_field_and_one_bad_row_read_in_the_singular(tmp_path):
    path = write_csv(tmp_path, "code,kind,name_ar,name_fr,region_code", "C-OUJDA")

    _, errors = read_collectivities_csv(path)
    rejected = ImportRejected(errors, path)

    assert errors[0].reason == "has 1 field, the header has 5 columns"
    assert rejected.summary == f"{path}: nothing imported (1 bad row)"
    assert str(rejected) == (
        f"{path}: line 2: has 1 field, the header has 5 columns; nothing imported (1 bad row)"
    )


async def test_missing_file_or_folder_is_one_clear_line(db, tmp_path):
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(ImportRejected) as not_found:
        await import_file(db, missing)
    with pytest.raises(ImportRejected) as folder:
        await ensure_seeded(db, tmp_path)

    assert str(not_found.value) == f"{missing}: file not found; nothing imported"
    assert str(folder.value) == f"{tmp_path}: is a folder, not a CSV file; nothing imported"
    assert "\n" not in str(not_found.value)


async def test_a_bad_seed_file_raises_one_line_naming_it(db, tmp_path):
    path = write_csv(tmp_path, HEADER, "C-X,villa,س,X,02,", "C-Y,commune,س,Y,13,")

    with pytest.raises(ImportRejected) as rejected:
        await ensure_seeded(db, path)

    message = str(rejected.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: line 2: kind 'villa'")
    assert message.endswith("; nothing imported (2 bad rows)")
