"""A flow's draft: what it has gathered so far, in a shape the flow declares.

Each flow names a dataclass deriving from :class:`Draft`. The engine keeps the draft
as JSON in the dialogue state (:mod:`handlers.state`) and reads it back with
:meth:`Draft.load`, which takes the fields it knows whose values have the declared
type and leaves out anything else: a state written by an older version never fails
the person, it only forgets what it cannot read.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, Self


@dataclasses.dataclass
class Draft:
    def dump(self) -> dict[str, Any]:
        """The fields that differ from their defaults: a fresh draft is stored as ``{}``."""
        return {
            name: value
            for name, value in dataclasses.asdict(self).items()
            if value != _default(self, name)
        }

    @classmethod
    def load(cls, raw: Mapping[str, Any] | None) -> Self:
        raw = raw or {}
        hints = _hints(cls)
        known = {
            field.name: raw[field.name]
            for field in dataclasses.fields(cls)
            if field.name in raw and _fits(raw[field.name], hints[field.name])
        }
        return cls(**known)


@dataclasses.dataclass
class NoDraft(Draft):
    """The draft of a flow that gathers nothing (one question, answered at once)."""


@functools.cache
def _hints(cls: type[Draft]) -> dict[str, Any]:
    """The field types of a draft class, resolved once (each resolution compiles every
    annotation's text again)."""
    return typing.get_type_hints(cls)


def _default(draft: Draft, name: str) -> Any:
    field = draft.__dataclass_fields__[name]
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_fits(element, item) for element in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
