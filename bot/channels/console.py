"""The console channel: chat with the bot in a terminal, as one participant.

Options print numbered; the person answers by number or label, as on any
channel. When standard input is not a terminal, each line is one turn and the
conversation ends at end of input, so a dialogue can be scripted with a pipe.

Input is read as bytes by a daemon thread and decoded with replacement, so that
bytes that are not UTF-8 become U+FFFD and Ctrl-C never waits for Enter: nothing
has to join a thread blocked in a read.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import itertools
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TextIO

from bot.channels.inbound_text import check_external_id, clean_inbound_text
from bot.delivery.ports import Outcome, Sent
from handlers.messages import ConversationPort, ConversationUnavailable, Inbound, Outgoing, Reply

Deliver = Callable[[Sequence[Outgoing]], Awaitable[None]]

CHANNEL = "console"
GOODBYE = "Goodbye."
UNAVAILABLE = "(the database cannot be reached: that line was not kept; type it again later)"
_CHUNK = 4096


def render(reply: Reply) -> str:
    """The text and numbered options; a file is named, not built (``tawasul report`` is)."""
    lines = [reply.text]
    if reply.document is not None:
        lines.append(f"[file {reply.document.filename}: sent on Telegram; here, tawasul report]")
    lines += [f"  {number}. {option.label}" for number, option in enumerate(reply.options, 1)]
    return "\n".join(lines)


class ConsoleSender:
    """The console's sender: a message is written to the sink, followed by a blank line."""

    def __init__(self, sink: TextIO) -> None:
        self.sink = sink
        self._ids = itertools.count(1)

    async def send(self, external_id: str, message: Reply, locale: str | None = None) -> Outcome:
        self.sink.write(render(message) + "\n\n")
        self.sink.flush()
        return Sent(str(next(self._ids)))


def _descriptor(source: TextIO) -> int | None:
    try:
        return source.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


async def _lines_from_descriptor(fd: int, encoding: str) -> AsyncIterator[str]:
    """Lines read from ``fd`` by a daemon thread; the last may lack its newline."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                chunk = os.read(fd, _CHUNK)
            except OSError:
                chunk = b""
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody listens
                loop.call_soon_threadsafe(chunks.put_nowait, chunk)
            if not chunk:
                return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    while True:
        chunk = await chunks.get()
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
        if not chunk:
            if pending:
                yield pending
            return


async def _lines_from_text(source: TextIO) -> AsyncIterator[str]:
    """Lines of an in-memory text (tests); it never blocks."""
    while line := source.readline():
        yield line


class ConsoleChannel:
    def __init__(
        self,
        conversation: ConversationPort,
        *,
        deliver: Deliver,
        user: str,
        source: TextIO,
        sink: TextIO,
    ) -> None:
        """``deliver`` sends what the core wrote, through a :class:`ConsoleSender` on ``sink``."""
        self.conversation = conversation
        self.deliver = deliver
        self.user = check_external_id(user)
        self.source = source
        self.sink = sink

    def _write(self, text: str) -> None:
        self.sink.write(text + "\n")
        self.sink.flush()

    def _lines(self) -> AsyncIterator[str]:
        fd = _descriptor(self.source)
        if fd is None:
            return _lines_from_text(self.source)
        encoding = getattr(self.source, "encoding", None) or "utf-8"
        return _lines_from_descriptor(fd, encoding)

    async def run(self) -> None:
        """Talk until end of input (Ctrl-D); Ctrl-C is the caller's (it cancels this task)."""
        interactive = self.source.isatty()
        if interactive:
            self._write(
                "Tawasul — console. /start to begin, /help for the commands, Ctrl-D to leave.\n"
                "Options print numbered: answer with the number (2 or ٢) or the label."
            )
        lines = self._lines()
        while True:
            if interactive:
                self.sink.write("> ")
                self.sink.flush()
            line = await anext(lines, None)
            if line is None:
                break
            text = clean_inbound_text(line.rstrip("\r\n"))
            if not interactive:
                self._write(f"> {text}")
            try:
                outgoing = await self.conversation.handle(Inbound.message(CHANNEL, self.user, text))
            except ConversationUnavailable:
                self._write(UNAVAILABLE)
                continue
            await self.deliver(outgoing)
        if interactive:
            self._write("")
            self._write(GOODBYE)
