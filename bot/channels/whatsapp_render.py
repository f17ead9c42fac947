"""How a channel-neutral :class:`~handlers.messages.Reply` reads on WhatsApp.

:func:`render` gives the Cloud API message bodies for one reply, in order: the part of a
``POST /{phone-number-id}/messages`` body after ``messaging_product``, ``recipient_type``
and ``to``, which the sender adds. The options decide the shape:

- up to 3 options whose labels all fit a reply button (20 characters): reply buttons;
- up to 10: a list message, each row's title the label shortened at a word boundary
  (24 characters), with the whole label as the row's description when it was shortened;
- more: numbered text, answered by typing the number (Latin or Eastern Arabic digits:
  the core reads both for the pending question, see ``handlers.conversation.match_option``).

A text message holds 4,096 characters and an interactive message's body 1,024: a longer
text goes first as text messages, cut at line breaks, then spaces, and its last part is
the body of the buttons or the list. WhatsApp has no share-my-number button: where the
reply asks for one, the body says how to send the number as a contact card instead.

Every body is checked against the platform's limits here (:func:`check_body`), so a
message beyond them is a bug found by the tests, never a rejection by the platform.
Lengths are counted in UTF-16 code units, never less than WhatsApp's count.
A reply with a document is not rendered here: the sender uploads the file first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.channels.text_parts import split_text, utf16_length
from domain.shortening import shortened
from handlers.messages import InvalidMessage, MessageTooLarge, Option, Reply
from locales.i18n import Translator

# Meta's limits: text messages, interactive reply buttons and list messages.
MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
"""Reply buttons' body; Meta documents 4,096 for a list's body now, 1,024 before: the
smaller holds for both."""
MAX_HEADER = 60
MAX_FOOTER = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_SECTION_TITLE = 24
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200

_length = utf16_length


def render(reply: Reply, tr: Translator) -> list[dict]:
    """The message bodies that show ``reply`` on WhatsApp, in ``tr``'s language."""
    if reply.document is not None:
        raise ValueError("a reply with a document is uploaded by the sender, not rendered")
    text = reply.text
    if reply.contact_request is not None:
        hint = tr._("You can also send it as a contact card, from the attachment menu.")
        text = f"{text}\n\n{hint}"
    options = reply.options
    if not options:
        bodies = text_bodies(text)
    elif len(options) <= MAX_BUTTONS and _fit_buttons(options):
        bodies = _with_interactive(text, lambda body: _buttons(body, options))
    elif len(options) <= MAX_ROWS:
        bodies = _with_interactive(text, lambda body: _list(body, options, tr))
    else:
        bodies = text_bodies(numbered(text, options, tr))
    for body in bodies:
        check_body(body)
    return bodies


def text_bodies(text: str) -> list[dict]:
    return [text_body(part) for part in split_text(text, MAX_TEXT, _length)]


def text_body(text: str) -> dict:
    return {"type": "text", "text": {"body": text}}


def numbered(text: str, options: Sequence[Option], tr: Translator) -> str:
    """The options as numbered lines under the text, and how to answer."""
    lines = [f"{number}. {_one_line(option.label)}" for number, option in enumerate(options, 1)]
    hint = tr._("Reply with the number of your choice.")
    return "\n\n".join((text, "\n".join(lines), hint))


def _fit_buttons(options: Sequence[Option]) -> bool:
    titles = [_one_line(option.label) for option in options]
    return len(set(titles)) == len(titles) and all(
        _length(title) <= MAX_BUTTON_TITLE for title in titles
    )


def _with_interactive(text: str, interactive: Callable[[str], dict]) -> list[dict]:
    """Text messages for what does not fit an interactive body, then the interactive one."""
    if _length(text) <= MAX_INTERACTIVE_BODY:
        return [interactive(text)]
    last = split_text(text, MAX_INTERACTIVE_BODY, _length)[-1]
    head = text[: text.rfind(last)]
    return [*text_bodies(head), interactive(last)]


def _buttons(body: str, options: Sequence[Option]) -> dict:
    buttons = [
        {"type": "reply", "reply": {"id": option.key, "title": _one_line(option.label)}}
        for option in options
    ]
    return _interactive("button", body, {"buttons": buttons})


def _list(body: str, options: Sequence[Option], tr: Translator) -> dict:
    labels = [_one_line(option.label) for option in options]
    rows = [
        _row(option.key, label, title)
        for option, label, title in zip(options, labels, _row_titles(labels), strict=True)
    ]
    action = {"button": tr._("Choose"), "sections": [{"rows": rows}]}
    return _interactive("list", body, action)


def _row_titles(labels: list[str]) -> list[str]:
    """Each label shortened to a row title; rows that would read the same ("I'd like to
    connect…" twice) show instead what tells their labels apart ("Karim Benali")."""
    titles = [shortened(label, MAX_ROW_TITLE, _length) for label in labels]
    for title in set(titles):
        same = [index for index, other in enumerate(titles) if other == title]
        if len(same) < 2:
            continue
        words = [labels[index].split() for index in same]
        common = 0
        while all(len(each) > common + 1 and each[common] == words[0][common] for each in words):
            common += 1
        for index, each in zip(same, words, strict=True):
            if common:
                titles[index] = shortened(" ".join(each[common:]), MAX_ROW_TITLE, _length)
    return titles


def _row(key: str, label: str, title: str) -> dict:
    row = {"id": key, "title": title}
    if title != label:
        row["description"] = shortened(label, MAX_ROW_DESCRIPTION, _length)
    return row


def _interactive(kind: str, body: str, action: dict) -> dict:
    return {
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }


def _one_line(label: str) -> str:
    return " ".join(label.split())


def check_body(body: dict) -> dict:
    """``body`` unchanged if WhatsApp accepts its shape and lengths, else
    :class:`~handlers.messages.MessageTooLarge` (a length) or ``InvalidMessage``."""
    kind = body.get("type")
    if kind == "text":
        _check_length("text", body["text"]["body"], MAX_TEXT)
    elif kind == "interactive":
        _check_interactive(body["interactive"])
    else:
        raise InvalidMessage(f"no WhatsApp message of type {kind!r} is rendered")
    return body


def _check_interactive(interactive: dict) -> None:
    _check_length("interactive body", interactive["body"]["text"], MAX_INTERACTIVE_BODY)
    if "header" in interactive:
        _check_length("header", interactive["header"]["text"], MAX_HEADER)
    if "footer" in interactive:
        _check_length("footer", interactive["footer"]["text"], MAX_FOOTER)
    kind, action = interactive["type"], interactive["action"]
    if kind == "button":
        buttons = action["buttons"]
        _check_count("reply buttons", buttons, MAX_BUTTONS)
        replies = [button["reply"] for button in buttons]
        _check_items("button", replies, MAX_BUTTON_ID, MAX_BUTTON_TITLE)
        _check_unique("button title", [reply["title"] for reply in replies])
    elif kind == "list":
        _check_length("list button", action["button"], MAX_LIST_BUTTON)
        sections = action["sections"]
        _check_count("sections", sections, MAX_SECTIONS)
        for section in sections:
            if "title" in section or len(sections) > 1:
                _check_length("section title", section.get("title", ""), MAX_SECTION_TITLE)
        rows = [row for section in sections for row in section["rows"]]
        _check_count("list rows", rows, MAX_ROWS)
        _check_items("row", rows, MAX_ROW_ID, MAX_ROW_TITLE)
        for row in rows:
            if "description" in row:
                _check_length("row description", row["description"], MAX_ROW_DESCRIPTION)
    else:
        raise InvalidMessage(f"no interactive message of type {kind!r} is rendered")


def _check_items(what: str, items: list[dict], max_id: int, max_title: int) -> None:
    for item in items:
        _check_length(f"{what} id", item["id"], max_id)
        _check_length(f"{what} title", item["title"], max_title)
    _check_unique(f"{what} id", [item["id"] for item in items])


def _check_length(what: str, text: str, limit: int) -> None:
    if not text.strip():
        raise InvalidMessage(f"an empty {what}")
    if _length(text) > limit:
        raise MessageTooLarge(f"{what} of {_length(text)} characters, more than {limit}")


def _check_count(what: str, items: list, limit: int) -> None:
    if not items:
        raise InvalidMessage(f"no {what}")
    if len(items) > limit:
        raise MessageTooLarge(f"{len(items)} {what}, more than {limit}")


def _check_unique(what: str, values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise InvalidMessage(f"a {what} given twice")
