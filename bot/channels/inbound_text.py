"""What every channel does to what a person sends before the core sees it.

A terminal can deliver bytes that are not UTF-8 and any client can deliver control
characters: NUL alone is refused by PostgreSQL, and the others garble a summary or a
log line. Adapters decode with replacement (an invalid byte becomes U+FFFD) and pass
every text through :func:`clean_inbound_text`.

The bidirectional and zero-width marks (LRM, RLM, ZWJ, ...) are format characters,
not control characters: they are kept here, and the core decides what to do with them.

External ids (who is speaking on a channel) are stored in a 64-character column;
:func:`check_external_id` is the guard every adapter applies. Telegram's ids are
numbers of at most 20 digits; the console's ``--user`` is checked on the command line.
"""

from __future__ import annotations

MAX_EXTERNAL_ID_LENGTH = 64
KEPT_CONTROLS = frozenset("\n\t")


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def clean_inbound_text(text: str) -> str:
    """``text`` without NUL and the other C0/C1 control characters, except newline and tab.

    A carriage return is a control character too: ``\\r\\n`` becomes ``\\n``.
    """
    if not any(_is_control(char) and char not in KEPT_CONTROLS for char in text):
        return text
    return "".join(char for char in text if char in KEPT_CONTROLS or not _is_control(char))


def check_external_id(value: str) -> str:
    """``value`` if it can name a person on a channel, else ValueError saying why."""
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_EXTERNAL_ID_LENGTH:
        raise ValueError(f"at most {MAX_EXTERNAL_ID_LENGTH} characters (got {len(value)})")
    if any(_is_control(char) or char.isspace() for char in value):
        raise ValueError("no spaces or control characters")
    return value
