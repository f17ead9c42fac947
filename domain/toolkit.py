"""The networking toolkit: short cards, each a title and a text in ar, fr and en.

The file is TOML, one ``[[card]]`` table a card::

    [[card]]
    code = "practices"                 # 1-32 of a-z 0-9 _ -, unique
    title = { ar = "…", fr = "…", en = "…" }
    text.ar = \"\"\"• …\"\"\"              # the same as text = { ar = …, fr = …, en = … }
    text.fr = \"\"\"• …\"\"\"
    text.en = \"\"\"• …\"\"\"

Reading a file gives every problem at once, one line each, naming its card.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from domain.settings import Localised

LANGUAGES = ("ar", "fr", "en")
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
CARD_KEYS = ("code", "title", "text")
TEXT_MAX = 1500
"""Well within one message on every channel."""


@dataclass(frozen=True)
class Card:
    code: str
    title: Localised
    text: Localised


@dataclass(frozen=True)
class Toolkit:
    cards: tuple[Card, ...] = ()

    def card(self, code: str) -> Card | None:
        return next((card for card in self.cards if card.code == code), None)


class ToolkitInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load(text: str) -> Toolkit:
    """Read and check a toolkit file; :class:`ToolkitInvalid` lists every problem."""
    toolkit, problems = parse_toml(text)
    if problems:
        raise ToolkitInvalid(problems)
    return toolkit


def parse_toml(text: str) -> tuple[Toolkit, list[str]]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Toolkit(), [f"not valid TOML ({error})"]
    problems = [f"unknown key {key!r} (cards are [[card]] tables)" for key in raw if key != "card"]
    tables = raw.get("card", [])
    if not isinstance(tables, list) or not all(isinstance(item, dict) for item in tables):
        return Toolkit(), [*problems, "card must be [[card]] tables"]
    if not tables:
        problems.append("no card: the toolkit needs at least one [[card]]")
    cards = []
    for position, table in enumerate(tables, start=1):
        card = _card(table, position, problems)
        if card is not None:
            cards.append(card)
    codes = [card.code for card in cards]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(f"card {code}: the code is used by {codes.count(code)} cards")
    return Toolkit(tuple(cards)), problems


def _card(table: dict[str, Any], position: int, problems: list[str]) -> Card | None:
    code = table.get("code")
    where = f"card {code}" if isinstance(code, str) and CODE.fullmatch(code) else f"card {position}"
    for key in table:
        if key not in CARD_KEYS:
            problems.append(f"{where}: unknown key {key!r}")
    if not (isinstance(code, str) and CODE.fullmatch(code)):
        problems.append(f"{where}: code {code!r}: use 1 to 32 of a-z, 0-9, _ and -")
    title = _text(table, "title", where, problems)
    text = _text(table, "text", where, problems)
    if None in (title, text) or not isinstance(code, str) or not CODE.fullmatch(code):
        return None
    return Card(code, title, text)


def _text(table: dict[str, Any], key: str, where: str, problems: list[str]) -> Localised | None:
    value = table.get(key)
    if not isinstance(value, dict):
        problems.append(
            f"{where}: {key} must give each language: {key} = {{ ar = …, fr = …, en = … }}"
        )
        return None
    texts = {}
    for language in LANGUAGES:
        item = value.get(language)
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}: {key}.{language} missing")
        elif len(item) > TEXT_MAX:
            problems.append(f"{where}: {key}.{language} is longer than {TEXT_MAX} characters")
        else:
            texts[language] = item.strip()
    for language in value:
        if language not in LANGUAGES:
            problems.append(f"{where}: {key}.{language}: unknown language (use ar, fr and en)")
    if len(texts) != len(LANGUAGES):
        return None
    return Localised(**texts)
