"""The console channel: chat with the bot in a terminal, as one participant.

Options print numbered; the person answers by number or label, as on any
channel. When standard input is not a terminal, each line is one turn and the
conversation ends at end of input, so a dialogue can be scripted with a pipe.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from handlers.messages import ConversationPort, Inbound, Reply

CHANNEL = "console"


def render(reply: Reply) -> str:
    lines = [reply.text]
    lines += [f"  {number}. {option.label}" for number, option in enumerate(reply.options, 1)]
    return "\n".join(lines)


class ConsoleChannel:
    def __init__(
        self, conversation: ConversationPort, *, user: str, source: TextIO, sink: TextIO
    ) -> None:
        self.conversation = conversation
        self.user = user
        self.source = source
        self.sink = sink

    def _write(self, text: str) -> None:
        self.sink.write(text + "\n")
        self.sink.flush()

    async def run(self) -> None:
        interactive = self.source.isatty()
        if interactive:
            self._write(
                "Tawasul — console. /start to begin, /help for the commands, Ctrl-D to leave."
            )
        while True:
            if interactive:
                self.sink.write("> ")
                self.sink.flush()
            line = await asyncio.to_thread(self.source.readline)
            if not line:
                break
            text = line.rstrip("\r\n")
            if not interactive:
                self._write(f"> {text}")
            for reply in await self.conversation.handle(Inbound.message(CHANNEL, self.user, text)):
                self._write(render(reply))
                self._write("")
