import pytest

from domain.collectivity_labels import derive_labels, label_ar, label_fr


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("province", "Al Hoceïma", "Province d'Al Hoceïma"),
        ("province", "El Jadida", "Province d'El Jadida"),
        ("province", "Errachidia", "Province d'Errachidia"),
        ("province", "Essaouira", "Province d'Essaouira"),
        ("province", "Ifrane", "Province d'Ifrane"),
        ("province", "Ouarzazate", "Province d'Ouarzazate"),
        ("commune", "Oujda", "Commune d'Oujda"),
        ("commune", "Agadir", "Commune d'Agadir"),
        ("prefecture", "Agadir Ida-Outanane", "Préfecture d'Agadir Ida-Outanane"),
        ("prefecture", "Oujda-Angad", "Préfecture d'Oujda-Angad"),
        ("prefecture", "Inezgane-Aït Melloul", "Préfecture d'Inezgane-Aït Melloul"),
        ("province", "Es-Semara", "Province d'Es-Semara"),
        ("commune", "Ébène", "Commune d'Ébène"),
        ("province", "Berkane", "Province de Berkane"),
        ("commune", "Saïdia", "Commune de Saïdia"),
        ("province", "Youssoufia", "Province de Youssoufia"),
        ("province", "Al Haouz", "Province d'Al Haouz"),
        ("commune", "Had Soualem", "Commune de Had Soualem"),
        ("region", "L'Oriental", "Région de l'Oriental"),
        ("region", "L’Oriental", "Région de l’Oriental"),
        ("region", "Tanger-Tétouan-Al Hoceïma", "Région de Tanger-Tétouan-Al Hoceïma"),
        ("region", "Casablanca-Settat", "Région de Casablanca-Settat"),
        ("commune", "Le Mellah", "Commune du Mellah"),
        ("commune", "La Gare", "Commune de la Gare"),
        ("commune", "Les Zenata", "Commune des Zenata"),
        ("commune", "  Berkane ", "Commune de Berkane"),
    ],
)
def test_french_label_elides_and_handles_articles(kind, name, expected):
    assert label_fr(kind, name) == expected


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("region", "الشرق", "جهة الشرق"),
        ("prefecture", "وجدة أنجاد", "عمالة وجدة أنجاد"),
        ("province", "بركان", "إقليم بركان"),
        ("commune", "السعيدية", "جماعة السعيدية"),
    ],
)
def test_arabic_label_puts_the_kind_word_first(kind, name, expected):
    assert label_ar(kind, name) == expected


def test_derive_labels_gives_both():
    assert derive_labels("commune", "وجدة", "Oujda") == ("جماعة وجدة", "Commune d'Oujda")


def test_migration_keeps_a_frozen_copy_that_agrees_today():
    import importlib

    frozen = importlib.import_module("db.migrations.versions.0002_official_labels")
    for kind in ("region", "prefecture", "province", "commune"):
        for name in ("L'Oriental", "Oujda", "Berkane", "El Jadida", "Le Mellah"):
            assert frozen.derive_labels(kind, "بركان", name) == derive_labels(kind, "بركان", name)
