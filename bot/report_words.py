"""The words of the report files, in Arabic and French: every header and label in one place.

The files are documents for the organisers, not chat messages, so their words live here
rather than in the catalogs; ``/report`` in the chat speaks through the catalogs.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "id": {"ar": "الرقم", "fr": "N°"},
    "name": {"ar": "الاسم الكامل", "fr": "Nom complet"},
    "collectivity": {"ar": "الجماعة الترابية", "fr": "Collectivité territoriale"},
    "collectivity_code": {"ar": "رمز الجماعة", "fr": "Code de la collectivité"},
    "region": {"ar": "الجهة", "fr": "Région"},
    "kind": {"ar": "الصنف", "fr": "Type"},
    "position": {"ar": "الصفة", "fr": "Fonction"},
    "phone": {"ar": "الهاتف", "fr": "Téléphone"},
    "email": {"ar": "البريد الإلكتروني", "fr": "Courriel"},
    "language": {"ar": "اللغة", "fr": "Langue"},
    "registered_at": {"ar": "تاريخ التسجيل", "fr": "Inscrit le"},
    "checked_in": {"ar": "الحضور", "fr": "Présence"},
    "offers": {"ar": "يقترح (المحاور)", "fr": "Propose (thèmes)"},
    "seeks": {"ar": "يبحث عن (المحاور)", "fr": "Cherche (thèmes)"},
    "offer_text": {"ar": "ما يقترحه (نص)", "fr": "Ce qu'il propose (texte)"},
    "seek_text": {"ar": "ما يبحث عنه (نص)", "fr": "Ce qu'il cherche (texte)"},
    "scope": {"ar": "النطاق", "fr": "Portée"},
    "requester": {"ar": "صاحب الطلب", "fr": "Demandeur"},
    "requester_collectivity": {"ar": "جماعة صاحب الطلب", "fr": "Collectivité du demandeur"},
    "requested": {"ar": "المطلوب", "fr": "Sollicité"},
    "requested_collectivity": {"ar": "جماعة المطلوب", "fr": "Collectivité du sollicité"},
    "status": {"ar": "الحالة", "fr": "Statut"},
    "created_at": {"ar": "تاريخ الطلب", "fr": "Demandé le"},
    "answered_at": {"ar": "تاريخ الرد", "fr": "Répondu le"},
    "requester_met": {"ar": "التقيا؟ (صاحب الطلب)", "fr": "Rencontrés ? (demandeur)"},
    "requested_met": {"ar": "التقيا؟ (المطلوب)", "fr": "Rencontrés ? (sollicité)"},
    "owner": {"ar": "المسؤول", "fr": "Responsable"},
    "action": {"ar": "الإجراء", "fr": "Action"},
    "theme": {"ar": "المحور", "fr": "Axe"},
    "partners": {"ar": "الجماعات الشريكة", "fr": "Collectivités partenaires"},
    "deadline": {"ar": "الأجل", "fr": "Échéance"},
    "indicator": {"ar": "مؤشر النجاح", "fr": "Indicateur de réussite"},
    "needs_help": {"ar": "يحتاج إلى دعم", "fr": "Besoin d'appui"},
    "last_update": {"ar": "آخر تحديث", "fr": "Dernière mise à jour"},
    "follow_ups_sent": {"ar": "المتابعات المرسلة", "fr": "Relances envoyées"},
    "total": {"ar": "المجموع", "fr": "Total"},
    "count": {"ar": "العدد", "fr": "Nombre"},
    "yes": {"ar": "نعم", "fr": "Oui"},
    "no": {"ar": "لا", "fr": "Non"},
    "no_theme": {"ar": "بدون محور", "fr": "Sans axe"},
    "none": {"ar": "—", "fr": "—"},
    "plan_title": {
        "ar": "خطة عمل تعزيز التشبيك داخل الشبكة",
        "fr": "Plan d'action de renforcement du réseautage du REMACTO",
    },
    "overview": {"ar": "نظرة عامة", "fr": "Vue d'ensemble"},
    "by_theme_and_status": {
        "ar": "الالتزامات حسب المحور والحالة",
        "fr": "Engagements par axe et par statut",
    },
    "by_region": {"ar": "الالتزامات حسب الجهة", "fr": "Engagements par région"},
    "actions_of_axis": {"ar": "إجراءات المحور", "fr": "Actions de l'axe"},
    "commitments": {"ar": "الالتزامات", "fr": "Engagements"},
    "charts": {"ar": "رسوم بيانية", "fr": "Graphiques"},
    "generated": {"ar": "أُعدّت في", "fr": "Établi le"},
    "sheet_participants": {"ar": "المشاركون", "fr": "Participants"},
    "sheet_interests": {"ar": "الاهتمامات", "fr": "Centres d'intérêt"},
    "sheet_matches": {"ar": "طلبات التواصل", "fr": "Demandes de mise en relation"},
    "sheet_commitments": {"ar": "الالتزامات", "fr": "Engagements"},
    "sheet_charts": {"ar": "الرسوم البيانية", "fr": "Graphiques"},
}

STATUSES: dict[str, dict[str, str]] = {
    "open": {"ar": "مفتوح", "fr": "Ouvert"},
    "in_progress": {"ar": "قيد الإنجاز", "fr": "En cours"},
    "done": {"ar": "منجز", "fr": "Réalisé"},
    "blocked": {"ar": "متعثر", "fr": "Bloqué"},
    "dropped": {"ar": "متخلى عنه", "fr": "Abandonné"},
    "withdrawn": {"ar": "مسحوب", "fr": "Retiré"},
    "pending": {"ar": "في الانتظار", "fr": "En attente"},
    "accepted": {"ar": "مقبول", "fr": "Accepté"},
    "declined": {"ar": "مرفوض", "fr": "Décliné"},
}

KINDS: dict[str, dict[str, str]] = {
    "region": {"ar": "جهة", "fr": "Région"},
    "prefecture": {"ar": "عمالة", "fr": "Préfecture"},
    "province": {"ar": "إقليم", "fr": "Province"},
    "commune": {"ar": "جماعة", "fr": "Commune"},
}

SCOPES: dict[str, dict[str, str]] = {
    "national": {"ar": "وطني", "fr": "National"},
    "international": {"ar": "دولي", "fr": "International"},
    "both": {"ar": "وطني ودولي", "fr": "National et international"},
}


def word(key: str, language: str) -> str:
    return WORDS[key][language]


def status(value: str, language: str) -> str:
    return STATUSES.get(value, {}).get(language, value)


def kind(value: str, language: str) -> str:
    return KINDS.get(value, {}).get(language, value)


def scope(value: str | None, language: str) -> str:
    return SCOPES[value][language] if value in SCOPES else ""


def yes_no(value: bool | None, language: str) -> str:
    if value is None:
        return ""
    return word("yes" if value else "no", language)
