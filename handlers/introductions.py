"""Why two people should meet, said in one line in the reader's language.

:func:`reason_line` phrases a :class:`domain.matching.Reasons` (from the reader's side:
``a`` is the reader, ``b`` the person suggested), the strongest fact first: what one
offers that the other seeks (both ways, then either way), the themes they share, texts
that speak of close projects, then the diversity of region and kind. Suggestions,
requests and speed-networking rounds all introduce people with it.

Reasons are stored as JSON (:func:`reasons_to_json`) with a request, so that the other
side can read them later in their own language (:func:`flipped`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from babel.lists import format_list

from domain.matching import Reasons
from domain.themes import Taxonomy
from locales.i18n import Native, Translator

THEMES_SAID = 3
"""At most this many themes in one line."""
CLOSE_TEXTS = 0.2
"""A text similarity from which two free texts speak of close projects."""
LOWER_CASED = ("fr", "en")
"""Languages whose theme labels, capitalised as titles, are lower-cased inside a sentence."""


def spoken_list(tr: Translator, items: Sequence[str]) -> Native:
    """«أ وب وج», "a, b et c": items joined as the reader's language does."""
    return Native(format_list(list(items), locale=tr.format_locale))


def themes_text(tr: Translator, themes: Taxonomy, slugs: Collection[str]) -> str | None:
    """The labels of the known ``slugs`` in the taxonomy's order, as a list in the reader's
    language («الميزانية التشاركية والخدمات الرقمية»); None when none is known."""
    labels = []
    for theme in themes.themes:
        if theme.slug in slugs and len(labels) < THEMES_SAID:
            label = theme.name(tr.locale)
            if tr.locale in LOWER_CASED:
                label = label[:1].lower() + label[1:]
            labels.append(label)
    if not labels:
        return None
    return spoken_list(tr, labels)


def reason_line(tr: Translator, themes: Taxonomy, reasons: Reasons) -> str:
    """One line saying why the reader (``a``) and the person suggested (``b``) should meet."""
    offered = themes_text(tr, themes, reasons.b_offers_a_seeks)
    sought = themes_text(tr, themes, reasons.a_offers_b_seeks)
    if offered and sought:
        return tr._(
            "Offers experience in {offered}, which you are looking for, "
            "and seeks yours in {sought}.",
            offered=offered,
            sought=sought,
        )
    if offered:
        return tr._("Offers experience in {themes}, which you are looking for.", themes=offered)
    if sought:
        return tr._("Looks for experience in {themes}, which you can offer.", themes=sought)
    shared = themes_text(tr, themes, reasons.shared)
    if shared:
        return tr._("Shares your interest in {themes}.", themes=shared)
    if reasons.text_similarity >= CLOSE_TEXTS:
        return tr._("Works on a project close to yours.")
    if reasons.other_region and reasons.other_kind:
        return tr._("Another region and another kind of collectivity: a different viewpoint.")
    if reasons.other_region:
        return tr._("From another region: a different viewpoint.")
    if reasons.other_kind:
        return tr._("Another kind of collectivity: a different viewpoint.")
    return tr._("A peer of the network to get to know.")


def reasons_to_json(reasons: Reasons) -> dict:
    return {
        "a_offers_b_seeks": sorted(reasons.a_offers_b_seeks),
        "b_offers_a_seeks": sorted(reasons.b_offers_a_seeks),
        "shared": sorted(reasons.shared),
        "other_region": reasons.other_region,
        "other_kind": reasons.other_kind,
        "text_similarity": reasons.text_similarity,
    }


def reasons_from_json(stored: dict) -> Reasons:
    return Reasons(
        a_offers_b_seeks=frozenset(stored.get("a_offers_b_seeks", ())),
        b_offers_a_seeks=frozenset(stored.get("b_offers_a_seeks", ())),
        shared=frozenset(stored.get("shared", ())),
        other_region=bool(stored.get("other_region")),
        other_kind=bool(stored.get("other_kind")),
        text_similarity=float(stored.get("text_similarity", 0.0)),
    )


def flipped(reasons: Reasons) -> Reasons:
    """The same facts from ``b``'s side."""
    return Reasons(
        a_offers_b_seeks=reasons.b_offers_a_seeks,
        b_offers_a_seeks=reasons.a_offers_b_seeks,
        shared=reasons.shared,
        other_region=reasons.other_region,
        other_kind=reasons.other_kind,
        text_similarity=reasons.text_similarity,
    )
