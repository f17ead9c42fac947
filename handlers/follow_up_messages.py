"""What a follow-up says: the commitment, its deadline, and the one-tap answers.

The buttons are keyed ``followup:<follow-up id>:<answer>`` (a callback namespace, so a
tap works whatever the person is doing; :mod:`handlers.follow_up_answers` takes them).

The outbox content carries one more key, ``template``, for a channel that may write
first only with an approved template (WhatsApp, outside the 24-hour window): the kind of
template, its language and its named parameters (the person's name, the commitment
shortened, the deadline); the channel's configuration says which approved template
stands for the kind and in which order it takes the parameters. A channel that does not
need it ignores it.
"""

from __future__ import annotations

from db.models import Commitment, Participant
from domain import shortening
from handlers.messages import Option, Reply, to_content
from locales.i18n import Translator

NAMESPACE = "followup"
TEMPLATE = "commitment_follow_up"  # one of handlers.messages.TEMPLATE_KINDS
DONE, PROGRESS, BLOCKED, DROPPED, HELP = "done", "progress", "blocked", "dropped", "help"
NOTE, SKIP_NOTE = "note", "nonote"
ANSWERS = (DONE, PROGRESS, BLOCKED, DROPPED, HELP)
TEMPLATE_TEXT_LENGTH = 100
"""The commitment as a template parameter: at most this many characters."""


def answer_key(follow_up_id: int, answer: str) -> str:
    return f"{NAMESPACE}:{follow_up_id}:{answer}"


def shortened(text: str, length: int = TEMPLATE_TEXT_LENGTH) -> str:
    """The commitment as a template parameter: its first words, within ``length``."""
    return shortening.shortened(text, length)


def follow_up_reply(tr: Translator, follow_up_id: int, commitment: Commitment) -> Reply:
    text = tr._(
        "A follow-up of your commitment:\n“{commitment}”\nDeadline: {deadline}.\n\n"
        "Where are you with it? One tap is enough.",
        commitment=commitment.text,
        deadline=tr.date(commitment.deadline),
    )
    return Reply(
        text,
        (
            Option(answer_key(follow_up_id, DONE), tr._("Done")),
            Option(answer_key(follow_up_id, PROGRESS), tr._("In progress")),
            Option(answer_key(follow_up_id, BLOCKED), tr._("Blocked")),
            Option(answer_key(follow_up_id, DROPPED), tr._("Dropped")),
            Option(answer_key(follow_up_id, HELP), tr._("I need help")),
        ),
    )


def follow_up_content(
    tr: Translator, follow_up_id: int, commitment: Commitment, participant: Participant
) -> dict:
    """The outbox content of a follow-up in ``tr``'s language, with its template."""
    content = to_content(follow_up_reply(tr, follow_up_id, commitment))
    content["template"] = {
        "kind": TEMPLATE,
        "language": tr.locale,
        "parameters": {
            "name": participant.full_name,
            "commitment": shortened(commitment.text),
            "deadline": tr.date(commitment.deadline),
        },
    }
    return content


def note_options(tr: Translator, follow_up_id: int) -> tuple[Option, ...]:
    """After an answer: add a note, or not."""
    return (
        Option(answer_key(follow_up_id, NOTE), tr._("Add a note")),
        Option(answer_key(follow_up_id, SKIP_NOTE), tr._("No note")),
    )
