"""Themes understood in free text: the shipped lexicon, its rules, and the taxonomy file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.config import SHIPPED_THEMES
from domain.themes import Match, TaxonomyInvalid, load, parse_toml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from themes import evaluate, read_cases, scores  # noqa: E402

SLUGS = (
    "access_to_information",
    "open_data_transparency",
    "citizen_participation",
    "participatory_budgeting",
    "digital_services",
    "women_youth_inclusion",
    "environment_climate",
    "local_economic_development",
    "international_cooperation",
    "capacity_building",
    "communication_social_media",
    "monitoring_evaluation",
)
THEMES = load(SHIPPED_THEMES.read_text("utf-8"))


def themes(text: str) -> list[str]:
    return [match.slug for match in THEMES.understand(text)]


def test_the_shipped_file_has_the_twelve_themes_labelled_in_three_languages():
    assert THEMES.slugs == SLUGS
    budgeting = THEMES.theme("participatory_budgeting")
    assert budgeting.label == {
        "ar": "الميزانية التشاركية",
        "fr": "Budget participatif",
        "en": "Participatory budgeting",
    }
    assert budgeting.overrides == ("citizen_participation",)
    for theme in THEMES.themes:
        lexicons = {keyword.lexicon for keyword in theme.keywords}
        assert {"msa", "darija", "arabizi", "fr"} <= lexicons, theme.slug


PHRASES = {
    "access_to_information": (
        "تفعيل الحق في الحصول على المعلومات",
        "كيفاش المواطن يوصل للمعلومة",
        "talabat lma3loumat kaywslo bzaf",
        "Le droit d'accès à l'information et la loi 31.13",
    ),
    "open_data_transparency": (
        "نشر المعطيات المفتوحة على البوابة",
        "بغينا نحطو الداتا مفتوحة",
        "3ndna tajriba f lmo3tayat lmaftou7a",
        "Publication des données ouvertes",
    ),
    "citizen_participation": (
        "تفعيل الهيئات الاستشارية والعرائض",
        "كيفاش نشركو الناس فالقرارات",
        "l3ara2id dyal lmowatinin",
        "Renforcer la participation citoyenne",
    ),
    "participatory_budgeting": (
        "الميزانية التشاركية",
        "الميزانية ديال المشاركة",
        "lmizania tacharokia",
        "budget participatif",
    ),
    "digital_services": (
        "رقمنة خدمات الحالة المدنية",
        "الوثائق أونلاين بلا ما يجي المواطن",
        "bghina nra9mno lkhadamat",
        "Dématérialisation des services en ligne",
    ),
    "women_youth_inclusion": (
        "إدماج النساء والشباب",
        "العيالات فالدوار",
        "l3yalat o chabab",
        "L'inclusion des femmes",
    ),
    "environment_climate": (
        "التكيف مع التغيرات المناخية",
        "الزبل فالحومة",
        "zbel f l7ouma",
        "Gestion des déchets",
    ),
    "local_economic_development": (
        "جلب الاستثمار وفرص الشغل",
        "نجيبو المستثمرين",
        "lbatala kthira",
        "Soutien aux coopératives",
    ),
    "international_cooperation": (
        "التعاون اللامركزي والتوأمة",
        "شراكة مع برا",
        "tawa2oma m3a mdina",
        "Coopération décentralisée",
    ),
    "capacity_building": (
        "تقوية القدرات",
        "الموظفين محتاجين فورماسيون",
        "takwin dyal lmontakhabin",
        "Renforcement des capacités des élus",
    ),
    "communication_social_media": (
        "وسائل التواصل الاجتماعي",
        "الصفحة ديال الجماعة فالفايسبوك",
        "kandiro live f facebook",
        "Les réseaux sociaux de la commune",
    ),
    "monitoring_evaluation": (
        "التتبع والتقييم",
        "كيفاش نتبعو المشاريع",
        "ma3ndnach mo2acharat",
        "Suivi-évaluation des projets",
    ),
}


@pytest.mark.parametrize(
    ("slug", "text"),
    [(slug, text) for slug, texts in PHRASES.items() for text in texts],
    ids=[f"{slug}-{n}" for slug, texts in PHRASES.items() for n in range(len(texts))],
)
def test_each_theme_is_understood_in_msa_darija_arabizi_and_french(slug, text):
    assert themes(text) == [slug]


def test_the_words_that_triggered_a_theme_are_given_as_typed_in_text_order():
    assert THEMES.understand("نشتغل على الزبل، والشفافية، وعلى تقوية القدرات.") == [
        Match("environment_climate", ("الزبل",)),
        Match("open_data_transparency", ("والشفافية",)),
        Match("capacity_building", ("تقوية القدرات",)),
    ]
    assert THEMES.understand("l'accès à l'information, puis l'open data") == [
        Match("access_to_information", ("l'accès à l'information",)),
        Match("open_data_transparency", ("l'open data",)),
    ]


def test_the_most_specific_theme_wins():
    for text in (
        "الميزانية التشاركية",
        "الناس يشاركو فالميزانية",
        "budget participatif",
        "participation au budget",
    ):
        assert themes(text) == ["participatory_budgeting"], text
    assert themes("participation citoyenne et budget participatif") == [
        "citizen_participation",
        "participatory_budgeting",
    ], "participation said separately"
    assert THEMES.understand("المشاركة المواطنة والميزانية التشاركية") == [
        Match("citizen_participation", ("المشاركة المواطنة",)),
        Match("participatory_budgeting", ("والميزانية التشاركية",)),
    ], "the budgeting phrase's التشاركية is not shown as participation"


@pytest.mark.parametrize(
    "text",
    [
        "نحتاج إلى دعم",
        "عندنا تجربة ومشروع",
        "واش كاين شي دليل؟",
        "Nous cherchons un soutien",
        "Un guide serait utile",
        "m7tajin m3awna f projet",
        "We need support and a guide",
        "Un accompagnement pour notre commune",
    ],
)
def test_a_vague_word_alone_is_no_theme(text):
    assert themes(text) == []


def test_a_vague_word_with_what_it_is_about_is_that_theme():
    assert themes("دعم المقاولات الصغرى") == ["local_economic_development"]
    assert themes("Un guide sur le budget participatif") == ["participatory_budgeting"]


@pytest.mark.parametrize(
    "text",
    [
        "وبالميزانيات التشاركية",
        "فالميزانية التشاركية",
        "للميزانية التشاركية",
        "والميزانيات التشاركيّة",
        "ميزانيتها التشاركية",
        "الـمـيـزانـيـة الـتـشـاركـيـة",
        "المِيزَانِيَّة التَّشَارُكِيَّة",
        "الميزانيه التشاركيه",
        "كالميزانية التشاركية",
    ],
)
def test_arabic_morphology_and_spelling(text):
    assert themes(text) == ["participatory_budgeting"]


def test_the_plural_and_the_masculine_match_the_keyword():
    assert themes("المعطى المفتوح") == ["open_data_transparency"]
    assert themes("التعاونيات الفلاحية") == ["local_economic_development"]
    assert themes("التعاونية") == ["local_economic_development"], "not cooperation"
    assert themes("مع جماعة أوروبية") == ["international_cooperation"]


def test_french_plurals_accents_and_elision():
    for text in (
        "Budgets participatifs",
        "BUDGET PARTICIPATIF",
        "budget participative",
        "acces a l information",
        "L’accès à l’information",
        "Accès aux informations",
    ):
        assert themes(text) in (["participatory_budgeting"], ["access_to_information"]), text
    assert themes("la democratie participative") == ["citizen_participation"]
    assert themes("Les déchets ménagers") == ["environment_climate"]


def test_eastern_digits_in_the_law_number():
    assert themes("تطبيق القانون ٣١.١٣") == ["access_to_information"]
    assert themes("la loi 31-13") == ["access_to_information"]


@pytest.mark.parametrize(
    "text",
    [
        "lmizania tacharokia",
        "LMIZANIA TACHAROUKIYA",
        "mizaniya tacharokiya",
        "wlmizania tacharokia",
        "flmizania tacharoki",
    ],
)
def test_arabizi_spellings(text):
    assert themes(text) == ["participatory_budgeting"]


def test_arabizi_digits_for_the_letters_latin_lacks():
    assert themes("l7a9 f lma3louma") == ["access_to_information"]
    assert themes("siya7a f jbal") == ["local_economic_development"]
    assert themes("lmo3tayat lmaftou7a") == ["open_data_transparency"]


def test_a_short_arabizi_keyword_matches_only_as_spelt():
    assert themes("nsa f douar") == ["women_youth_inclusion"]
    assert themes("nous voulons échanger") == [], "'nous' has the consonants of 'nsa'"


def test_the_eval_set_keeps_its_micro_f1():
    cases = read_cases()
    assert len(cases) >= 240
    for lang in ("msa", "darija", "arabizi", "fr"):
        assert sum(case.lang == lang for case in cases) >= 50, lang
    assert sum(not case.themes for case in cases) >= 30
    assert sum(len(case.themes) > 1 for case in cases) >= 25
    for slug in SLUGS:
        assert sum(slug in case.themes for case in cases) >= 20, slug
    outcomes = evaluate(THEMES, cases)
    assert scores("all", outcomes)["micro_f1"] >= 0.9
    held_out = [o for o in outcomes if o.case.split == "held_out"]
    assert scores("held-out", held_out)["micro_f1"] >= 0.9


# the taxonomy file

GOOD = """\
skip = ["de"]
vague = ["guide"]

[[theme]]
slug = "open_data"
label = { ar = "المعطيات المفتوحة", fr = "Données ouvertes", en = "Open data" }
keywords.msa = ["المعطيات المفتوحة"]
keywords.darija = ["الداتا"]
keywords.arabizi = ["lmo3tayat lmaftou7a"]
keywords.fr = ["données ouvertes", "guide de l'open data"]
"""


def test_a_small_taxonomy_of_ones_own():
    taxonomy = load(GOOD)
    assert taxonomy.slugs == ("open_data",)
    assert [m.slug for m in taxonomy.understand("Un guide de l'open data")] == ["open_data"]
    assert taxonomy.understand("Un guide") == []


def problems(text: str) -> list[str]:
    return [str(problem) for problem in parse_toml(text)[1]]


def test_every_problem_of_a_bad_taxonomy_is_one_line():
    bad = (
        GOOD.replace('slug = "open_data"', 'slug = "Open Data"')
        .replace(', en = "Open data"', "")
        .replace('"guide de l\'open data"', '"guide"')
        .replace("keywords.darija", "keywords.klingon")
    )
    assert problems(bad) == [
        "theme 1: slug must be 1-40 of a-z, 0-9 and _, starting with a letter",
        "theme 1: label.en missing (a text in each of ar, fr and en)",
        "theme 1: keywords.klingon: unknown lexicon (use msa, darija, arabizi, fr, en)",
        "theme 1: keywords.darija missing (a list of words or phrases)",
        "theme 1: keywords.fr: 'guide' is only vague words; say what it is about "
        "(a vague word never makes a theme alone)",
    ]
    with pytest.raises(TaxonomyInvalid):
        load(bad)


def test_overrides_shared_keywords_and_short_keywords_are_checked():
    second = GOOD.split("[[theme]]")[1].replace('"open_data"', '"data2"')
    text = GOOD.replace('keywords.msa = ["المعطيات المفتوحة"]', 'keywords.msa = ["الماء"]')
    text += 'overrides = ["nowhere", "open_data"]\n'
    text += "[[theme]]" + second + 'overrides = ["data2"]\n'
    assert problems(text) == [
        "theme open_data: keywords.msa: 'الماء' is too short to tell apart (3 letters or more)",
        "theme open_data: overrides unknown theme 'nowhere'",
        "theme open_data: overrides itself",
        "theme data2: overrides itself",
        "theme data2: keyword 'الداتا' is also a keyword of open_data",
        "theme data2: keyword 'lmo3tayat lmaftou7a' is also a keyword of open_data",
        "theme data2: keyword 'données ouvertes' is also a keyword of open_data",
        'theme data2: keyword "guide de l\'open data" is also a keyword of open_data',
    ]


def test_a_file_that_is_not_toml_or_has_no_theme():
    assert problems("skip = [")[0].startswith("not valid TOML")
    assert problems('skip = ["de"]\n') == ["no theme: the taxonomy needs at least one [[theme]]"]
    assert problems("[theme]\nslug = 'x'\n") == ["theme must be [[theme]] tables"]
    assert problems('colour = "blue"\n[[theme]]\n')[0] == (
        "unknown key 'colour' (themes are [[theme]] tables)"
    )


def test_a_keyword_written_masculine_matches_the_feminine_and_the_plural():
    taxonomy = load(
        GOOD.replace('keywords.msa = ["المعطيات المفتوحة"]', 'keywords.msa = ["تشاركي"]')
    )
    for text in ("المقاربة التشاركية", "والتشاركيات", "تشاركيون"):
        assert [m.slug for m in taxonomy.understand(text)] == ["open_data"], text
    assert taxonomy.understand("تشارك") == [], "never a shorter word"
