"""Registration transcripts in Arabic (the default) and in French."""

from __future__ import annotations

from sqlalchemy import select
from transcript import Person

from db.models import ChannelAccount, Participant
from locales.i18n import LRI, PDI


async def test_full_registration_in_arabic_with_a_deep_link(app):
    fatima = Person(app.conversation, "4001")

    await fatima.says("/start berkane-2024")
    fatima.sees(
        "مرحبًا بكم في «تواصل»، المساعد الرقمي لنقاط الاتصال لدى الجماعات الترابية الأعضاء في "
        "الشبكة المغربية للجماعات الترابية المنفتحة – ريماكتو.",
        "دعوتكم موجّهة إلى: جماعة بركان.",
        "يرجى اختيار لغتكم.",
    )
    fatima.does_not_see("رفيقكم في التشبيك")
    assert fatima.labels[0] == "العربية"

    await fatima.taps("العربية")
    fatima.sees("ما اسمكم الكامل؟")

    await fatima.says("فاطمة الزهراء العلوي")
    fatima.sees("ما صفتكم أو مهمتكم داخل جماعتكم الترابية؟")

    await fatima.says("مكلفة بالتعاون اللامركزي")
    fatima.sees("رقم هاتف")
    assert fatima.labels == ["تخطّي هذه الخطوة"]

    await fatima.says("٠٦ ١٢ ٣٤ ٥٦ ٧٨")
    fatima.sees("عنوان بريدكم الإلكتروني")

    await fatima.says("fz.alaoui@example.ma")
    fatima.sees("رقم 09.08", "المعطيات ذات الطابع الشخصي")

    await fatima.says("١")
    fatima.sees(
        "يرجى التحقق من معطياتكم:",
        "الاسم: فاطمة الزهراء العلوي",
        "جماعة بركان — جهة الشرق",
        f"الهاتف: {LRI}+212 6 12 34 56 78{PDI}",
        f"{LRI}fz.alaoui@example.ma{PDI}",
    )

    await fatima.taps("تصحيح الصفة")
    fatima.sees("ما صفتكم أو مهمتكم")
    await fatima.says("منسقة الشراكات")
    fatima.sees("يرجى التحقق من معطياتكم:", "الصفة: منسقة الشراكات")

    await fatima.taps("تأكيد")
    fatima.sees(
        "شكرًا لكم فاطمة الزهراء العلوي، تم تسجيلكم بنجاح. نتطلع إلى لقائكم خلال "
        "اللقاء الوطني للشبكة المغربية للجماعات الترابية المنفتحة، "
        "يوم \u206813 نونبر 2024\u2069 بـالسعيدية.",
        "هل تودون الآن تحديد ما يمكنكم تقديمه وما تبحثون عنه؟",
    )
    await fatima.taps("لاحقًا")
    fatima.sees(
        "يمكنكم تحديد اهتماماتكم في أي وقت بالأمر \u2066/interests\u2069.",
        "حذف معطياتي الشخصية: \u2066/delete_me\u2069",
    )

    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert participant.full_name == "فاطمة الزهراء العلوي"
        assert participant.position == "منسقة الشراكات"
        assert participant.phone == "+212612345678"
        accounts = await session.scalars(
            select(ChannelAccount.locale).where(ChannelAccount.participant_id == participant.id)
        )
        assert list(accounts) == ["ar"]
        assert participant.collectivity.code == "C-BERKANE"


async def test_arabic_search_is_forgiving(app):
    for number, typed in enumerate(["بركان", "بركـــان", "بَرْكان", "Berkane", "berkan"]):
        person = Person(app.conversation, f"41{number}")
        await person.begins("العربية")
        await person.says("أحمد")
        await person.says(typed)
        assert any("بركان" in label for label in person.labels), typed


async def test_full_registration_in_french_with_corrections(app):
    youssef = Person(app.conversation, "4002")

    await youssef.begins("Français")
    youssef.sees(
        "Bienvenue sur Tawasul, l'assistant des points focaux des collectivités territoriales "
        "du réseau REMACTO.",
        "Quels sont vos nom et prénom\u202f?",
    )

    await youssef.says("Youssef Amrani")
    youssef.sees("Quelle collectivité territoriale représentez-vous\u202f?")

    await youssef.says("Parcourir par région")
    youssef.sees("Veuillez choisir votre région.")
    await youssef.taps("L'Oriental")
    assert youssef.labels[0] == "Région de l'Oriental"
    assert youssef.labels[-2:] == ["Voir plus", "Retour aux régions"]
    await youssef.taps("Province de Berkane")
    assert youssef.labels == [
        "Province de Berkane",
        "Commune de Berkane",
        "Commune de Saïdia",
        "Retour à la région",
    ]
    await youssef.taps("Commune de Berkane")
    youssef.sees("Quelle est votre fonction")

    await youssef.says("Point focal")
    await youssef.says("+212 6 61 23 45 67")
    await youssef.says("youssef@example")
    youssef.sees("ne ressemble pas à une adresse e-mail")
    await youssef.says("youssef@example.ma")
    await youssef.taps("J'accepte")
    youssef.sees("Veuillez vérifier vos informations", "Nom\u202f: Youssef Amrani")

    await youssef.taps("Corriger le numéro")
    await youssef.taps("Passer")
    youssef.sees("Téléphone\u202f: non renseigné")

    await youssef.taps("Confirmer")
    youssef.sees(
        "Merci, Youssef Amrani, votre inscription est confirmée. Au plaisir de vous retrouver "
        "lors de la Rencontre nationale du réseau REMACTO, le 13 novembre 2024 à Saïdia."
    )

    await youssef.says("/me")
    youssef.sees("Youssef Amrani", "Langue\u202f: Français")


async def salma_at_consent(app, who: str, typed_place: str) -> Person:
    """Salma registers in Arabic, finding Oujda as typed, up to the consent question."""
    salma = Person(app.conversation, who)
    await salma.begins("العربية")
    await salma.says("سلمى بناني")
    await salma.says(typed_place)
    await salma.taps("جماعة وجدة")
    await salma.says("رئيسة مصلحة")
    await salma.taps("تخطّي هذه الخطوة")
    await salma.taps("تخطّي هذه الخطوة")
    salma.sees("رقم 09.08")
    return salma


async def test_refusing_consent_in_arabic(app):
    salma = await salma_at_consent(app, "4003", "وجدة")
    await salma.taps("لا أوافق")
    salma.sees("/start")
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(Participant)) is None


async def test_erasing_personal_data_in_arabic(app):
    salma = await salma_at_consent(app, "4004", "Oujda")
    await salma.taps("أوافق")
    await salma.taps("تأكيد")

    await salma.says("/delete_me")
    salma.sees("حذف ملفكم الشخصي نهائيًا")
    await salma.taps("نعم")
    salma.sees("تم حذف معطياتكم الشخصية")
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(Participant)) is None
