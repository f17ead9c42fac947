import csv
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.collectivity_search import Candidate, CollectivityIndex

REGIONS_CSV = Path(__file__).resolve().parents[1] / "bot" / "data" / "regions.csv"

COMMUNES = {
    "berkane": (101, "بركان", "Berkane"),
    "oujda": (102, "وجدة", "Oujda"),
    "nador": (103, "الناظور", "Nador"),
    "saidia": (104, "السعيدية", "Saïdia"),
    "fes": (105, "فاس", "Fès"),
    "meknes": (106, "مكناس", "Meknès"),
    "tetouan": (107, "تطوان", "Tétouan"),
    "tanger": (108, "طنجة", "Tanger"),
    "chefchaouen": (109, "شفشاون", "Chefchaouen"),
    "agadir": (110, "أكادير", "Agadir"),
    "marrakech": (111, "مراكش", "Marrakech"),
    "essaouira": (112, "الصويرة", "Essaouira"),
    "khouribga": (113, "خريبكة", "Khouribga"),
    "settat": (114, "سطات", "Settat"),
    "kenitra": (115, "القنيطرة", "Kénitra"),
    "sale": (116, "سلا", "Salé"),
    "rabat": (117, "الرباط", "Rabat"),
    "laayoune": (118, "العيون", "Laâyoune"),
    "dakhla": (119, "الداخلة", "Dakhla"),
    "guelmim": (120, "كلميم", "Guelmim"),
    "errachidia": (121, "الرشيدية", "Errachidia"),
    "ouarzazate": (122, "ورزازات", "Ouarzazate"),
    "taza": (123, "تازة", "Taza"),
    "ifrane": (124, "إفران", "Ifrane"),
    "el_jadida": (125, "الجديدة", "El Jadida"),
    "safi": (126, "آسفي", "Safi"),
    "beni_mellal": (127, "بني ملال", "Béni Mellal"),
    "khenifra": (128, "خنيفرة", "Khénifra"),
    "tiznit": (129, "تيزنيت", "Tiznit"),
    "larache": (130, "العرائش", "Larache"),
    "al_hoceima": (131, "الحسيمة", "Al Hoceïma"),
    "jerada": (132, "جرادة", "Jerada"),
    "figuig": (133, "فجيج", "Figuig"),
    "taourirt": (134, "تاوريرت", "Taourirt"),
}
IDS = {key: id_ for key, (id_, _, _) in COMMUNES.items()}
TANGER_TETOUAN_REGION = 1
ORIENTAL_REGION = 2
FES_MEKNES_REGION = 3


def _regions() -> list[Candidate]:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        return [Candidate(int(r["code"]), r["name_ar"], r["name_fr"]) for r in csv.DictReader(f)]


@pytest.fixture(scope="module")
def index() -> CollectivityIndex:
    communes = [Candidate(*row) for row in COMMUNES.values()]
    return CollectivityIndex([*_regions(), *communes])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("بركان", "berkane"),
        ("Berkane", "berkane"),
        ("berkan", "berkane"),
        ("BERKANE", "berkane"),
        ("بركـــان", "berkane"),
        ("بَرْكان", "berkane"),
        ("  berkane  ", "berkane"),
        ("Oujda", "oujda"),
        ("oujda", "oujda"),
        ("وجدة", "oujda"),
        ("وجده", "oujda"),
        ("fes", "fes"),
        ("Fès", "fes"),
        ("فاس", "fes"),
        ("tetouan", "tetouan"),
        ("Tetuan", "tetouan"),
        ("تطوان", "tetouan"),
        ("Nador", "nador"),
        ("ناظور", "nador"),
        ("الناضور", "nador"),
        ("saidia", "saidia"),
        ("Saïdia", "saidia"),
        ("سعيدية", "saidia"),
        ("marrakesh", "marrakech"),
        ("Marrakech", "marrakech"),
        ("مراكش", "marrakech"),
        ("agadir", "agadir"),
        ("اكادير", "agadir"),
        ("laayoune", "laayoune"),
        ("العيون", "laayoune"),
        ("kenitra", "kenitra"),
        ("salé", "sale"),
        ("sale", "sale"),
        ("سلا", "sale"),
        ("beni mellal", "beni_mellal"),
        ("bni mellal", "beni_mellal"),
        ("بني ملال", "beni_mellal"),
        ("el jadida", "el_jadida"),
        ("jadida", "el_jadida"),
        ("الجديدة", "el_jadida"),
        ("اسفي", "safi"),
        ("hoceima", "al_hoceima"),
        ("Al Hoceima", "al_hoceima"),
        ("الحسيمة", "al_hoceima"),
        ("chefchaouen", "chefchaouen"),
        ("chaouen", "chefchaouen"),
        ("errachidia", "errachidia"),
        ("ouarzazat", "ouarzazate"),
        ("khouribga", "khouribga"),
        ("taza", "taza"),
        ("تازة", "taza"),
        ("ifrane", "ifrane"),
        ("افران", "ifrane"),
        ("figuig", "figuig"),
        ("taourirt", "taourirt"),
        ("jerada", "jerada"),
        ("tiznit", "tiznit"),
        ("larache", "larache"),
        ("العرائش", "larache"),
        ("settat", "settat"),
        ("khenifra", "khenifra"),
    ],
)
def test_top_result(index: CollectivityIndex, query: str, expected: str) -> None:
    assert index.search(query)[:1] == [IDS[expected]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("L'Oriental", ORIENTAL_REGION),
        ("oriental", ORIENTAL_REGION),
        ("الشرق", ORIENTAL_REGION),
        ("Fès-Meknès", FES_MEKNES_REGION),
        ("fes meknes", FES_MEKNES_REGION),
        ("فاس مكناس", FES_MEKNES_REGION),
        ("Tanger-Tétouan-Al Hoceïma", TANGER_TETOUAN_REGION),
        ("طنجة تطوان الحسيمة", TANGER_TETOUAN_REGION),
        ("souss massa", 9),
        ("سوس", 9),
        ("casablanca", 6),
        ("الدار البيضاء", 6),
        ("draa tafilalet", 8),
        ("oued noun", 10),
        ("dakhla oued ed dahab", 12),
    ],
)
def test_regions(index: CollectivityIndex, query: str, expected: int) -> None:
    assert index.search(query)[:1] == [expected]


def test_partial_name_finds_commune_then_region(index: CollectivityIndex) -> None:
    results = index.search("tetouan")
    assert results[:2] == [IDS["tetouan"], TANGER_TETOUAN_REGION]


def test_commune_name_inside_region_name(index: CollectivityIndex) -> None:
    results = index.search("fes")
    assert results[0] == IDS["fes"]
    assert FES_MEKNES_REGION in results


@pytest.mark.parametrize("query", ["ta", "تا"])
def test_short_query_matches_by_word_prefix_only(index: CollectivityIndex, query: str) -> None:
    results = index.search(query, limit=50)
    assert results
    assert IDS["taza"] in results
    assert IDS["agadir"] not in results


def test_short_query_word_prefix_inside_name(index: CollectivityIndex) -> None:
    assert set(index.search("ho", limit=50)) == {TANGER_TETOUAN_REGION, IDS["al_hoceima"]}


@pytest.mark.parametrize(
    "query",
    [
        "xqzw",
        "qqqqq",
        "12345",
        "😀",
        "😀😀",
        "",
        "   ",
        "!!!",
        "z",
        "Paris",
        "London",
        "باريس",
        "madrid",
        "bonjour",
    ],
)
def test_nonsense_returns_nothing(index: CollectivityIndex, query: str) -> None:
    assert index.search(query) == []


def test_limit(index: CollectivityIndex) -> None:
    assert len(index.search("t", limit=3)) == 3
    assert index.search("berkane", limit=0) == []


def test_ties_broken_by_id() -> None:
    index = CollectivityIndex(
        [Candidate(7, "سيدي علي", "Sidi Ali"), Candidate(3, "سيدي علي", "Sidi Ali")]
    )
    assert index.search("sidi ali") == [3, 7]


def test_duplicate_ids_are_merged() -> None:
    index = CollectivityIndex([Candidate(1, "بركان", ""), Candidate(1, "", "Berkane")])
    assert index.search("berkane") == [1]
    assert index.search("بركان") == [1]


def test_empty_index() -> None:
    assert CollectivityIndex([]).search("berkane") == []


@given(st.text())
def test_search_never_raises(query: str) -> None:
    index = CollectivityIndex([Candidate(1, "بركان", "Berkane"), Candidate(2, "وجدة", "Oujda")])
    assert set(index.search(query)) <= {1, 2}


# Kinds, aliases and how people spell places


def sample_candidates() -> tuple[list[Candidate], dict[int, str]]:
    from bot.collectivity_import import SAMPLE_CSV, read_collectivities_csv

    rows, errors = read_collectivities_csv(SAMPLE_CSV)
    assert errors == []
    candidates = [
        Candidate(
            number,
            row.name_ar,
            row.name_fr,
            row.kind,
            tuple(alias for alias in (row.aliases or "").split("|") if alias),
        )
        for number, row in enumerate(rows, start=1)
    ]
    return candidates, {number: row.code for number, row in enumerate(rows, start=1)}


@pytest.fixture(scope="module")
def sample() -> tuple[CollectivityIndex, dict[int, str]]:
    candidates, codes = sample_candidates()
    return CollectivityIndex(candidates), codes


def codes_for(sample, query: str, limit: int = 5) -> list[str]:
    index, codes = sample
    return [codes[id_] for id_ in index.search(query, limit=limit)]


QUERIES_CSV = Path(__file__).with_name("data") / "search_queries.csv"
JUNK_TXT = Path(__file__).resolve().parent / "data" / "search_junk.txt"
JUNK = [
    line
    for line in JUNK_TXT.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def typed_queries() -> list[tuple[str, str]]:
    with QUERIES_CSV.open(encoding="utf-8", newline="") as file:
        return [(row["query"], row["expected_code"]) for row in csv.DictReader(file)]


def test_the_typed_queries_are_many_and_name_sample_rows(sample):
    queries = typed_queries()
    _, codes = sample
    assert len(queries) >= 150
    assert {code for _, code in queries} <= set(codes.values())


def test_typed_queries_find_the_right_collectivity(sample):
    queries = typed_queries()
    first = top5 = 0
    misses = []
    for query, expected in queries:
        found = codes_for(sample, query)
        first += found[:1] == [expected]
        top5 += expected in found
        if found[:1] != [expected]:
            misses.append((query, expected, found))
    assert first / len(queries) >= 0.95, misses
    assert top5 / len(queries) >= 0.98, misses


@pytest.mark.parametrize("query", JUNK)
def test_junk_and_foreign_places_find_nothing(sample, query):
    assert codes_for(sample, query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("البيضاء", "C-CASABLANCA"),
        ("الدار البيضاء", "C-CASABLANCA"),
        ("Casablanca", "C-CASABLANCA"),
        ("fes", "C-FES"),
        ("Fès", "C-FES"),
        ("berkane", "C-BERKANE"),
        ("بركان", "C-BERKANE"),
        ("laayoune", "C-LAAYOUNE"),
        ("Dakhla", "C-DAKHLA"),
    ],
)
def test_a_bare_city_name_means_the_commune(sample, query, expected):
    found = codes_for(sample, query)
    assert found[0] == expected
    assert len(found) > 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("جهة الدار البيضاء", "R06"),
        ("région casablanca", "R06"),
        ("Region Casablanca", "R06"),
        ("عمالة الدار البيضاء", "P-CASABLANCA"),
        ("préfecture de casablanca", "P-CASABLANCA"),
        ("Province de Berkane", "P-BERKANE"),
        ("إقليم بركان", "P-BERKANE"),
        ("عمالة بركان", "P-BERKANE"),
        ("préfecture fès", "P-FES"),
        ("جهة فاس", "R03"),
        ("جماعة بركان", "C-BERKANE"),
        ("commune de fès", "C-FES"),
        ("Région de l'Oriental", "R02"),
        ("جهة الشرق", "R02"),
    ],
)
def test_a_kind_word_puts_that_kind_first(sample, query, expected):
    assert codes_for(sample, query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Fez", "C-FES"),
        ("Tangier", "C-TANGER"),
        ("Marrakesh", "C-MARRAKECH"),
        ("Meknes", "C-MEKNES"),
        ("كازا", "C-CASABLANCA"),
        ("casa", "C-CASABLANCA"),
        ("TTA", "R01"),
        ("BMK", "R05"),
        ("CS", "R06"),
        ("RSK", "R04"),
        ("FM", "R03"),
        ("MS", "R07"),
        ("DT", "R08"),
        ("SM", "R09"),
        ("GON", "R10"),
        ("LSH", "R11"),
        ("DOD", "R12"),
        ("Mogador", "C-ESSAOUIRA"),
    ],
)
def test_sample_aliases_are_found(sample, query, expected):
    assert codes_for(sample, query)[0] == expected


def test_aliases_are_indexed_as_names():
    index = CollectivityIndex(
        [
            Candidate(1, "الدار البيضاء", "Casablanca", "commune", ("Casa", "كازا")),
            Candidate(2, "سلا", "Salé", "commune", ("Sla",)),
        ]
    )
    assert index.search("كازا") == [1]
    assert index.search("casa") == [1]
    assert index.search("sla") == [2]
    assert CollectivityIndex([Candidate(1, "الدار البيضاء", "Casablanca")]).search("كازا") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("wjda", 102), ("Tanja", 108), ("mrrakch", 111), ("9nitra", 115), ("7oceima", 131)],
)
def test_arabizi_finds_the_arabic_name(query, expected):
    communes = [Candidate(id_, ar, "", "commune") for id_, ar, _ in COMMUNES.values()]
    index = CollectivityIndex(communes)
    assert index.search(query)[:1] == [expected]


def test_without_arabic_names_arabizi_finds_nothing():
    """The consonant key comes from the Arabic name only: Latin names' vowels are a guess."""
    index = CollectivityIndex([Candidate(1, "", "Lagouira", "commune")])
    assert index.search("Alger") == []


def test_scored_gives_the_ranking_scores(sample):
    index, codes = sample
    scored = index.scored("البيضاء")
    assert codes[scored[0][0]] == "C-CASABLANCA"
    assert [score for _, score in scored] == sorted((score for _, score in scored), reverse=True)
    assert scored[0][1] == 123.0


# The national network: about 1,600 communes


@pytest.fixture(scope="module")
def network():
    from generated_network import generate_communes

    candidates, codes = sample_candidates()
    communes = generate_communes()
    for number, commune in enumerate(communes, start=10_000):
        candidates.append(Candidate(number, commune.name_ar, commune.name_fr, "commune"))
        codes[number] = commune.code
    return CollectivityIndex(candidates), codes, communes


def test_the_generated_network_looks_like_morocco(network):
    _, _, communes = network
    assert len(communes) == 1600
    assert len({c.name_fr for c in communes}) == 1600
    assert sum(c.name_fr.startswith("Sidi ") for c in communes) >= 60
    assert sum(c.name_ar.startswith("أولاد ") for c in communes) >= 60


def test_communes_stay_in_the_top_5_on_the_full_network(network):
    from generated_network import misspell

    index, codes, communes = network
    rng = random.Random(5)
    exact_misses, typo_misses, typos = [], [], 0
    for commune in rng.sample(communes, 150):
        for name in (commune.name_fr, commune.name_ar):
            if commune.code not in [codes[i] for i in index.search(name)]:
                exact_misses.append(name)
            typed = misspell(name, rng)
            typos += 1
            if commune.code not in [codes[i] for i in index.search(typed)]:
                typo_misses.append(typed)
    assert exact_misses == []
    assert len(typo_misses) / typos <= 0.02, typo_misses


def test_typed_queries_still_work_on_the_full_network(network):
    index, codes, _ = network
    queries = typed_queries()
    top5 = sum(expected in [codes[i] for i in index.search(q)] for q, expected in queries)
    assert top5 / len(queries) >= 0.98


@pytest.mark.parametrize("query", JUNK)
def test_junk_finds_nothing_on_the_full_network(network, query):
    index, _, _ = network
    assert index.search(query) == []
