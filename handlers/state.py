"""The persisted shape of a person's dialogue: the engine's own keys apart from the draft.

The JSON ``data`` column of a dialogue state holds::

    {"engine": {"options": [[key, label, meaning], …],
                "stack": [{"flow": …, "step": …, "draft": {…}}, …]},
     "draft": {…}}

``draft`` is what the current flow has gathered, and only that; ``options`` are the
answers offered by the pending question (so a typed "2" or a tap can be checked);
``stack`` holds the flows interrupted by a side flow, the innermost last, each with its
own step and draft, so that each side flow returns to the one it interrupted.

States written before this shape (one flat dict holding ``_options``, maybe ``resume``
= [flow, step], and the draft keys) are read as the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENGINE = "engine"
DRAFT = "draft"
LEGACY_OPTIONS = "_options"
LEGACY_RESUME = "resume"


@dataclass
class Frame:
    """A flow interrupted by a side flow: where it was, and its draft."""

    flow: str
    step: str
    draft: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stored:
    draft: dict[str, Any] = field(default_factory=dict)
    options: list[list[Any]] = field(default_factory=list)
    stack: list[Frame] = field(default_factory=list)


def dump(draft: dict[str, Any], options: list[list[Any]], stack: list[Frame]) -> dict[str, Any]:
    return {
        ENGINE: {
            "options": [list(option) for option in options],
            "stack": [
                {"flow": frame.flow, "step": frame.step, "draft": dict(frame.draft)}
                for frame in stack
            ],
        },
        DRAFT: dict(draft),
    }


def load(data: dict[str, Any] | None) -> Stored:
    """Read either shape; what cannot be read is left out rather than failing the person."""
    data = dict(data or {})
    engine = data.get(ENGINE)
    if isinstance(engine, dict) and isinstance(data.get(DRAFT, {}), dict):
        stack = [_frame(raw) for raw in engine.get("stack") or [] if isinstance(raw, dict)]
        return Stored(
            draft=dict(data.get(DRAFT) or {}),
            options=_options(engine.get("options")),
            stack=[frame for frame in stack if frame is not None],
        )
    options = _options(data.pop(LEGACY_OPTIONS, None))
    resume = data.pop(LEGACY_RESUME, None)
    if isinstance(resume, list) and len(resume) == 2 and all(isinstance(x, str) for x in resume):
        return Stored(draft={}, options=options, stack=[Frame(resume[0], resume[1], data)])
    return Stored(draft=data, options=options)


def _options(raw: Any) -> list[list[Any]]:
    if not isinstance(raw, list):
        return []
    return [list(option) for option in raw if isinstance(option, list) and len(option) == 3]


def _frame(raw: dict[str, Any]) -> Frame | None:
    flow, step, draft = raw.get("flow"), raw.get("step"), raw.get("draft") or {}
    if not (isinstance(flow, str) and isinstance(step, str) and isinstance(draft, dict)):
        return None
    return Frame(flow, step, dict(draft))
