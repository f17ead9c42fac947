"""The buttons of broadcasts: which broadcast a tap names, and the buttons that open a flow.

A broadcast's button is keyed ``<namespace>:<broadcast id>`` (``here:12``, ``ask:12``,
``interests:12``, ``commit:12``). A key naming no broadcast of this event, or a malformed
one, names nothing: its tap is answered "no longer active" by the capability.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from db import broadcasts
from db.models import Broadcast
from handlers.messages import Reply
from handlers.presence import not_registered
from handlers.router import Tap, TapHandler

if TYPE_CHECKING:
    from handlers.context import Context


async def broadcast_of(ctx: Context, tap: Tap) -> Broadcast | None:
    """The event's broadcast whose button was tapped, or None."""
    if len(tap.parts) != 1 or not tap.parts[0].isdigit():
        return None
    return await ctx.store.live.broadcast(int(tap.parts[0]), event_id=ctx.services.event_id)


def opening(namespace: str, open_flow: Callable[[Context], Awaitable[None]]) -> TapHandler:
    """The tap handler of a prompt's button that opens a flow (``/interests``, ``/commit``)
    over whatever the person was doing; its first question comes next."""

    async def on_tap(ctx: Context, tap: Tap) -> list[Reply]:
        prompt = await broadcast_of(ctx, tap)
        if prompt is None or broadcasts.opens(prompt) != namespace:
            return [Reply(ctx.tr._("That button is no longer active."))]
        refused = await not_registered(ctx)
        if refused is not None:
            return [refused]
        await open_flow(ctx)
        return []

    return on_tap
