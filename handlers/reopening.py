"""The tap on a template's button: it only opens the window again.

Outside WhatsApp's 24 hours, a message waits behind an approved template whose button
brings back ``reopen:<row>``. The tap is a message from the person, so the channel's
window is open again and the conversation releases what was held (see
:meth:`handlers.conversation.Conversation`'s writing of replies); there is nothing to say
of the tap itself, and the pending question, if any, is asked again by the router.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import REOPEN, Reply
from handlers.router import Callbacks, Tap


async def on_reopen_tap(ctx: Context, tap: Tap) -> list[Reply]:
    return []


def register(callbacks: Callbacks) -> None:
    callbacks.register(REOPEN, on_reopen_tap)
