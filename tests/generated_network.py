"""A realistic national list of about 1,600 communes, generated with a fixed seed.

Moroccan commune names are dominated by a few heads (Sidi, Ouled, Aït, Beni, Aïn,
the market days Had/Tleta/Khemis/Sebt/Arbaa/Jemaa, Dar, Zaouiat, Moulay, Oued) followed
by a saint's, tribe's or place's name, often "X Ben Y": the very names that crowd a
fuzzy search. Used by the search tests and bench/search.py, together with the sample.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

HEADS = [
    ("Sidi", "سيدي"),
    ("Ouled", "أولاد"),
    ("Aït", "آيت"),
    ("Beni", "بني"),
    ("Aïn", "عين"),
    ("Had", "حد"),
    ("Tleta", "ثلاثاء"),
    ("Khemis", "خميس"),
    ("Sebt", "سبت"),
    ("Arbaa", "أربعاء"),
    ("Jemaa", "جمعة"),
    ("Dar", "دار"),
    ("Zaouiat", "زاوية"),
    ("Moulay", "مولاي"),
    ("Oued", "واد"),
    ("Bir", "بئر"),
    ("Lalla", "لالة"),
    ("Ras", "رأس"),
]
NAMES = [
    ("Ali", "علي"),
    ("Bennour", "بنور"),
    ("Brahim", "إبراهيم"),
    ("Hajjaj", "حجاج"),
    ("Slimane", "سليمان"),
    ("Kacem", "قاسم"),
    ("Bouzid", "بوزيد"),
    ("Rahal", "رحال"),
    ("Yahya", "يحيى"),
    ("Abdallah", "عبد الله"),
    ("Moussa", "موسى"),
    ("Smail", "إسماعيل"),
    ("Hmad", "احماد"),
    ("Bettache", "بطاش"),
    ("Allal", "علال"),
    ("Taibi", "الطيبي"),
    ("Amar", "عمار"),
    ("Said", "سعيد"),
    ("Lahcen", "لحسن"),
    ("Driss", "إدريس"),
    ("Boubker", "بوبكر"),
    ("Mbarek", "امبارك"),
    ("Ghiat", "غياث"),
    ("Jaber", "جابر"),
    ("Frej", "فرج"),
    ("Hcine", "احسين"),
    ("Ghanem", "غانم"),
    ("Azzouz", "عزوز"),
    ("Berhil", "برحيل"),
    ("Ayad", "عياد"),
    ("Dahou", "داهو"),
    ("Zbair", "زبير"),
    ("Ourir", "أورير"),
    ("Baha", "باها"),
    ("Iaaza", "يعزى"),
    ("Ishaq", "إسحاق"),
    ("Ouallal", "والال"),
    ("Bouknadel", "بوقنادل"),
    ("Mellouk", "ملوك"),
    ("Chiker", "الشيكر"),
    ("Tahar", "الطاهر"),
    ("Larbi", "العربي"),
    ("Maati", "المعطي"),
    ("Hassan", "حسن"),
    ("Kamel", "كامل"),
    ("Bouchaib", "بوشعيب"),
    ("Redouane", "رضوان"),
    ("Khalifa", "خليفة"),
    ("Jilali", "الجيلالي"),
    ("Ghazi", "غازي"),
    ("Rhomri", "الغمري"),
    ("Zerrouk", "زروق"),
    ("Lamine", "الأمين"),
    ("Mansour", "منصور"),
    ("Saleh", "صالح"),
    ("Daoud", "داود"),
    ("Youssef", "يوسف"),
    ("Othmane", "عثمان"),
    ("Aissa", "عيسى"),
    ("Bouabid", "بوعبيد"),
    ("Tayeb", "الطيب"),
    ("Mekki", "المكي"),
    ("Hammou", "حمو"),
    ("Bouhlal", "بوهلال"),
    ("Ammar", "اعمار"),
    ("Nsar", "نصار"),
    ("Sebbah", "صباح"),
    ("Riyah", "رياح"),
    ("Ziane", "زيان"),
    ("Chaib", "شعيب"),
]
# Single-word names (Amazigh and Arabic place names) that have no head.
PLACES = [
    ("Tamellalt", "تاملالت"),
    ("Imintanoute", "إمنتانوت"),
    ("Tafraout", "تافراوت"),
    ("Amizmiz", "أمزميز"),
    ("Tahannaout", "تحناوت"),
    ("Asni", "أسني"),
    ("Imouzzer", "إيموزار"),
    ("Timahdite", "تيمحضيت"),
    ("Boulemane", "بولمان"),
    ("Outat El Haj", "أوطاط الحاج"),
    ("Tiflet", "تيفلت"),
    ("Rommani", "الرماني"),
    ("Oulmès", "والماس"),
    ("Tendrara", "تندرارة"),
    ("Bouarfa", "بوعرفة"),
    ("Debdou", "دبدو"),
    ("Zaïo", "زايو"),
    ("Selouane", "سلوان"),
    ("Midar", "ميضار"),
    ("Targuist", "تارجيست"),
    ("Imzouren", "إمزورن"),
    ("Bab Berred", "باب برد"),
    ("Oued Laou", "واد لاو"),
    ("Martil", "مرتيل"),
    ("Mdiq", "المضيق"),
    ("Fnideq", "الفنيدق"),
    ("Asilah", "أصيلة"),
    ("Souk El Arbaa", "سوق الأربعاء"),
    ("Mechra Bel Ksiri", "مشرع بلقصيري"),
    ("Azrou", "أزرو"),
    ("Aguelmous", "أكلموس"),
    ("Mrirt", "مريرت"),
    ("Kasba Tadla", "قصبة تادلة"),
    ("Fquih Ben Salah", "الفقيه بن صالح"),
    ("Demnate", "دمنات"),
    ("Boujniba", "بوجنيبة"),
    ("Oued Zem", "واد زم"),
    ("Bejaad", "أبي الجعد"),
    ("Azemmour", "أزمور"),
    ("Bir Jdid", "بئر الجديد"),
    ("Benslimane", "بنسليمان"),
    ("Bouznika", "بوزنيقة"),
    ("Youssoufia", "اليوسفية"),
    ("Chichaoua", "شيشاوة"),
    ("Kelaat Sraghna", "قلعة السراغنة"),
    ("Tamansourt", "تامنصورت"),
    ("Goulmima", "كلميمة"),
    ("Rissani", "الريصاني"),
    ("Erfoud", "أرفود"),
    ("Boumalne Dadès", "بومالن دادس"),
    ("Kelaat Mgouna", "قلعة مكونة"),
    ("Agdz", "أكدز"),
    ("Taliouine", "تالوين"),
    ("Ouled Teima", "أولاد تايمة"),
    ("Biougra", "بيوكرى"),
    ("Tata", "طاطا"),
    ("Assa", "أسا"),
    ("Zag", "الزاك"),
    ("Tarfaya", "طرفاية"),
    ("Lagouira", "الكويرة"),
]


@dataclass(frozen=True)
class GeneratedCommune:
    code: str
    name_ar: str
    name_fr: str
    region_code: str


def generate_communes(count: int = 1600, seed: int = 20261201) -> list[GeneratedCommune]:
    """``count`` distinct communes, the same ones for the same seed."""
    rng = random.Random(seed)
    names: dict[str, str] = {fr: ar for fr, ar in PLACES}
    pairs = [(head, name) for head in HEADS for name in NAMES]
    rng.shuffle(pairs)
    for (head_fr, head_ar), (name_fr, name_ar) in pairs:
        if len(names) >= count:
            break
        names.setdefault(f"{head_fr} {name_fr}", f"{head_ar} {name_ar}")
    while len(names) < count:
        head_fr, head_ar = rng.choice(HEADS)
        (a_fr, a_ar), (b_fr, b_ar) = rng.sample(NAMES, 2)
        names.setdefault(f"{head_fr} {a_fr} Ben {b_fr}", f"{head_ar} {a_ar} بن {b_ar}")
    communes = []
    for number, (fr, ar) in enumerate(sorted(names.items()), start=1):
        region = f"{rng.randint(1, 12):02d}"
        communes.append(GeneratedCommune(f"G{number:04d}", ar, fr, region))
    return communes


def misspell(name: str, rng: random.Random) -> str:
    """One typing slip a person makes: a letter dropped, doubled or two swapped."""
    letters = list(name)
    positions = [i for i, c in enumerate(letters) if c.isalpha() and 0 < i < len(letters) - 1]
    if not positions:
        return name
    i = rng.choice(positions)
    slip = rng.choice(("drop", "double", "swap"))
    if slip == "drop":
        del letters[i]
    elif slip == "double":
        letters.insert(i, letters[i])
    elif letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        del letters[i]
    return "".join(letters)
