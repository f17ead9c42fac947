"""Sentences shared by several flows: help, profile, polite refusals."""

from __future__ import annotations

from collections.abc import Sequence

from db.directory import local_label, region_label
from db.models import Collectivity, Participant
from domain.contact_details import display_phone
from domain.free_text import TextProblem
from locales.i18n import N_, Ltr, Translator

LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}

CORE_COMMANDS = (
    ("start", N_("Register, or see your profile")),
    ("me", N_("Show my profile")),
    ("language", N_("Change the language")),
    ("help", N_("What this bot can do")),
    ("cancel", N_("Stop the current step")),
    ("delete_me", N_("Erase my personal data")),
)
"""The participant commands of the core, as (name, description msgid), in /help's order."""


def help_text(tr: Translator, menu: Sequence[tuple[str, str]]) -> str:
    """The commands of ``menu`` ((name, description msgid) pairs), one line each."""
    lines = [tr._("Here is what I can do:")]
    lines += [
        tr._("{command} — {description}", command=Ltr(f"/{name}"), description=tr._(msgid))
        for name, msgid in menu
    ]
    lines.append(
        tr._("To answer a question, choose one of the options offered or write your answer.")
    )
    return "\n".join(lines)


def text_problem(tr: Translator, problem: TextProblem, max_length: int = 120) -> str:
    match problem:
        case TextProblem.EMPTY:
            return tr._("I received an empty message.")
        case TextProblem.TOO_LONG:
            return tr.ngettext(
                "That is too long: please keep it to {n} character.",
                "That is too long: please keep it to {n} characters or fewer.",
                max_length,
            )
        case TextProblem.ONLY_EMOJI:
            return tr._("I need a few words in letters here, not only symbols or emoji.")
        case TextProblem.NO_LETTERS:
            return tr._("I need words in letters here, not only numbers.")
        case TextProblem.CONTROL_CHARACTERS:
            return tr._(
                "Your message holds characters I cannot read. "
                "Please type it again rather than pasting it."
            )


def collectivity_label(tr: Translator, collectivity: Collectivity) -> str:
    """The official label in the reader's language; English readers see the French one."""
    return local_label(collectivity, tr.locale)


def where_line(tr: Translator, collectivity: Collectivity) -> str:
    """«جماعة بركان — جهة الشرق»; a region is its label alone, without repeating itself."""
    if collectivity.kind == "region":
        return collectivity_label(tr, collectivity)
    return tr._(
        "{collectivity} — {region}",
        collectivity=collectivity_label(tr, collectivity),
        region=region_label(collectivity.region, tr.locale),
    )


def details_lines(
    tr: Translator,
    *,
    full_name: str,
    collectivity: Collectivity | None,
    position: str,
    phone: str | None,
    email: str | None,
) -> list[str]:
    none = tr._("not given")
    where = "—" if collectivity is None else where_line(tr, collectivity)
    return [
        tr._("Name: {name}", name=full_name),
        tr._("Collectivity: {collectivity}", collectivity=where),
        tr._("Position: {position}", position=position),
        tr._("Phone: {phone}", phone=Ltr(display_phone(phone)) if phone else none),
        tr._("Email: {email}", email=Ltr(email) if email else none),
    ]


def participant_lines(tr: Translator, participant: Participant) -> list[str]:
    """A registered participant's details, one line each, as the summary shows a draft's."""
    return details_lines(
        tr,
        full_name=participant.full_name,
        collectivity=participant.collectivity,
        position=participant.position,
        phone=participant.phone,
        email=participant.email,
    )


def profile_text(tr: Translator, participant: Participant, roles: frozenset[str]) -> str:
    lines = [tr._("Your profile:")]
    lines += participant_lines(tr, participant)
    lines.append(tr._("Language: {language}", language=LANGUAGE_NAMES[tr.locale]))
    if "organiser" in roles:
        lines.append(tr._("Role: organiser"))
    if "facilitator" in roles:
        lines.append(tr._("Role: facilitator"))
    return "\n".join(lines)
