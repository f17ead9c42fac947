"""Dialogue-transcript helpers: a person who sends things and reads what the bot answers."""

from __future__ import annotations

import dataclasses
import itertools

from bidi import lines_laid_out_left_to_right

from bot.delivery.dispatcher import Delivery
from bot.delivery.ports import Sent
from handlers.messages import Inbound, Reply

_update_ids = itertools.count(1)


ARABIC = "العربية"
OTHER_LANGUAGES = ("Français", "English")


class Phone:
    """A channel's sender that records what each person received, as they would read it."""

    def __init__(self) -> None:
        self.received: dict[str, list[Reply]] = {}

    async def send(self, external_id: str, message: Reply, locale: str | None = None):
        self.received.setdefault(external_id, []).append(message)
        return Sent(str(len(self.received[external_id])))


class Person:
    """Someone on a channel, talking to the conversation core.

    While the person reads Arabic (the default, until they tap another language), every
    message they get is checked as a phone lays it out: each line holding Arabic letters
    must run right to left.
    """

    def __init__(
        self, conversation, external_id: str, channel: str = "telegram", handle: str | None = None
    ) -> None:
        self.conversation = conversation
        self.external_id = external_id
        self.channel = channel
        self.handle = handle
        """The public name on the channel (a Telegram @username) every message carries."""
        self.replies: list[Reply] = []
        self.reads_arabic = True
        self.phone = Phone()

    def _delivery(self) -> Delivery:
        """The fast path, as the running bot has it, over the conversation's database."""
        database = self.conversation.unit_of_work.database
        clock = self.conversation.services.clock
        return Delivery(database, {self.channel: self.phone}, clock)

    async def _send(self, inbound: Inbound) -> list[Reply]:
        """What the core wrote for this message, once delivery has sent it."""
        if self.handle is not None:
            inbound = dataclasses.replace(inbound, handle=self.handle)
        outgoing = await self.conversation.handle(inbound)
        before = len(self.phone.received.get(self.external_id, []))
        await self._delivery().send_now(outgoing)
        received = self.phone.received.get(self.external_id, [])[before:]
        assert received == [item.reply for item in outgoing], "sent is not what was written"
        self.replies = received
        if self.reads_arabic:
            for reply in self.replies:
                texts = [reply.text, *(option.label for option in reply.options)]
                wrong = [line for text in texts for line in lines_laid_out_left_to_right(text)]
                assert not wrong, f"laid out left to right on a phone: {wrong}"
        return self.replies

    def _update_id(self) -> str:
        return str(next(_update_ids))

    async def says(self, text: str) -> list[Reply]:
        return await self._send(
            Inbound.message(self.channel, self.external_id, text, self._update_id())
        )

    async def begins(self, language: str) -> list[Reply]:
        """Send /start and tap the language: the opening of every registration."""
        await self.says("/start")
        return await self.taps(language)

    async def reaches_the_summary(self, name: str = "Sara Bennani", place: str = "berkane"):
        """Register in English up to the summary: the commune first found, no phone or email."""
        await self.begins("English")
        await self.says(name)
        await self.says(place)
        await self.says("1")
        await self.says("Focal point")
        await self.taps("Skip")
        await self.taps("Skip")
        await self.taps("I agree")
        self.sees("Please check your details:")

    async def registers(self, name: str = "Sara Bennani", place: str = "berkane"):
        """Register in English, confirmed: the commune first found, no phone or email; the
        interests offered next are left for later."""
        await self.reaches_the_summary(name, place)
        await self.taps("Confirm")
        self.sees("your registration is complete")
        await self.taps("Later")

    async def registers_speaking(self, language: str) -> None:
        """Register (in English, as :meth:`registers`), then choose ``language`` (/language)."""
        await self.registers()
        if language != "English":
            await self.says("/language")
            await self.taps(language)

    async def taps(self, label: str) -> list[Reply]:
        """Tap the button whose label contains ``label`` in the last message with options."""
        options = self.options
        matches = [option for option in options if label in option.label]
        assert matches, f"no button {label!r} among {[o.label for o in options]}"
        if matches[0].key.startswith("lang:"):
            self.reads_arabic = matches[0].label == ARABIC
        return await self._send(
            Inbound.choice(self.channel, self.external_id, matches[0].key, self._update_id())
        )

    async def taps_key(self, key: str) -> list[Reply]:
        return await self._send(
            Inbound.choice(self.channel, self.external_id, key, self._update_id())
        )

    async def shares_contact(self, phone: str) -> list[Reply]:
        return await self._send(
            Inbound.contact(self.channel, self.external_id, phone, self._update_id())
        )

    async def sends(self, media: str) -> list[Reply]:
        return await self._send(
            Inbound.unsupported(self.channel, self.external_id, media, self._update_id())
        )

    @property
    def text(self) -> str:
        return "\n\n".join(reply.text for reply in self.replies)

    @property
    def options(self) -> list:
        with_options = [reply for reply in self.replies if reply.options]
        return list(with_options[-1].options) if with_options else []

    @property
    def labels(self) -> list[str]:
        return [option.label for option in self.options]

    def sees(self, *fragments: str) -> None:
        for fragment in fragments:
            assert fragment in self.text, f"{fragment!r} not in:\n{self.text}"

    def does_not_see(self, fragment: str) -> None:
        assert fragment not in self.text, f"{fragment!r} unexpectedly in:\n{self.text}"
