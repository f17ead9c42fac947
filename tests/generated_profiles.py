"""Generated populations of focal points with their interests, for the matching tests and bench.

Seeded and reproducible. Themes are drawn with a skewed popularity (a few themes, such as
access to information and participatory budgeting, are named far more often than others),
each person offers 1-3 and seeks 1-3 themes, some collectivities send several people, and
the free text is a sentence in MSA, Darija or French about one of their themes.
"""

from __future__ import annotations

import random

from domain.matching import Profile

THEMES = (
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
# Relative popularity, most named first (roughly Zipf).
POPULARITY = (10, 8, 7, 9, 6, 5, 4, 5, 3, 6, 4, 2)
REGIONS = tuple(f"{n:02d}" for n in range(1, 13))
KINDS = ("commune", "commune", "commune", "commune", "province", "prefecture", "region")

PHRASES = {
    "access_to_information": (
        "تلقينا طلبات الحصول على المعلومات وفق القانون 31.13",
        "كنعالجو الطلبات ديال الحق فالمعلومة",
        "traitement des demandes d'accès à l'information",
    ),
    "open_data_transparency": (
        "نشرنا البيانات المفتوحة والميزانية على البوابة",
        "بغينا نحطو الداتا ديال الجماعة فالبوابة",
        "publication des données ouvertes et du budget",
    ),
    "citizen_participation": (
        "هيئة المساواة وتكافؤ الفرص والعرائض",
        "الناس كيقدمو العرائض للجماعة",
        "les pétitions et les consultations publiques",
    ),
    "participatory_budgeting": (
        "تجربة الميزانية التشاركية مع الساكنة",
        "الميزانية ديال المشاركة فالحي",
        "le budget participatif de notre commune",
    ),
    "digital_services": (
        "رقمنة الخدمات الإدارية للمرتفقين",
        "الخدمات الرقمية ديال الجماعة",
        "la dématérialisation des services",
    ),
    "women_youth_inclusion": (
        "إدماج النساء والشباب في التدبير المحلي",
        "الشباب والعيالات فالجماعة",
        "l'inclusion des femmes et des jeunes",
    ),
    "environment_climate": (
        "التكيف مع التغيرات المناخية والبيئة",
        "النفايات والبيئة فالمدينة",
        "plan climat et environnement",
    ),
    "local_economic_development": (
        "التنمية الاقتصادية المحلية والتشغيل",
        "المقاولات الصغيرة والخدمة فالمنطقة",
        "le développement économique local",
    ),
    "international_cooperation": (
        "التعاون اللامركزي والتوأمة",
        "شراكة مع جماعة فأوروبا",
        "coopération décentralisée et jumelage",
    ),
    "capacity_building": (
        "تكوين الموظفين وورشات تقوية القدرات",
        "التكوينات ديال الموظفين",
        "formation des agents et ateliers",
    ),
    "communication_social_media": (
        "التواصل عبر شبكات التواصل الاجتماعي",
        "الصفحة ديال الفايسبوك ديال الجماعة",
        "communication sur les réseaux sociaux",
    ),
    "monitoring_evaluation": (
        "تتبع وتقييم برنامج عمل الجماعة",
        "التتبع والتقييم ديال المشاريع",
        "suivi et évaluation du plan d'action",
    ),
}

PLACES = (
    "في جماعة وجدة",
    "فالناظور",
    "à Tiznit",
    "f Marrakech",
    "بإقليم الحسيمة",
    "dans la région de l'Oriental",
    "en milieu rural",
    "فالعالم القروي",
    "مع المجتمع المدني",
    "avec les associations",
    "",
)


def _draw(rng: random.Random, count: int, exclude: frozenset[str] = frozenset()) -> frozenset:
    chosen: set[str] = set()
    pool = [(t, w) for t, w in zip(THEMES, POPULARITY, strict=True) if t not in exclude]
    while len(chosen) < count and len(chosen) < len(pool):
        themes, weights = zip(*[(t, w) for t, w in pool if t not in chosen], strict=True)
        chosen.add(rng.choices(themes, weights)[0])
    return frozenset(chosen)


def population(n: int, seed: int = 0, per_collectivity: float = 1.6) -> list[Profile]:
    """n profiles; collectivities send 1 to 4 people, on average `per_collectivity`."""
    rng = random.Random(seed)
    profiles: list[Profile] = []
    collectivity = 0
    while len(profiles) < n:
        collectivity += 1
        region = rng.choice(REGIONS)
        kind = rng.choice(KINDS)
        weights = (6, 3, 1, 1) if per_collectivity > 1 else (1, 0, 0, 0)
        headcount = rng.choices((1, 2, 3, 4), weights)[0]
        for _ in range(min(headcount, n - len(profiles))):
            offers = _draw(rng, rng.choice((1, 1, 2, 2, 3)))
            seeks = _draw(rng, rng.choice((1, 2, 2, 3)), exclude=offers)
            about = rng.sample(sorted(offers | seeks), min(2, len(offers | seeks)))
            sentences = [rng.choice(PHRASES[t]) for t in about[: rng.choice((1, 1, 2))]]
            sentences.append(rng.choice(PLACES))
            text = " ".join(sentences) if rng.random() < 0.8 else ""
            profiles.append(
                Profile(len(profiles) + 1, collectivity, region, kind, offers, seeks, text)
            )
    return profiles
