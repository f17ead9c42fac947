"""Dialogue-transcript helpers: a person who sends things and reads what the bot answers.

Every transcript runs on each rendering (``RENDERINGS``, chosen by the ``rendering``
fixture in ``conftest.py``): on Telegram, a person reads the replies as the core wrote
them; on WhatsApp, each reply is rendered as the Cloud API would get it (buttons, lists,
numbered text, split texts), the person reads what was rendered and answers as WhatsApp
would let them: a tapped button or list row sends its id, numbered text is answered by
typing the number. The conversation code is the same.
"""

from __future__ import annotations

import dataclasses
import itertools

from bidi import lines_laid_out_left_to_right

from bot.channels.whatsapp_render import render
from bot.delivery.dispatcher import Delivery
from bot.delivery.ports import Sent
from handlers.messages import Inbound, Option, Reply
from locales.i18n import Catalogs

_update_ids = itertools.count(1)


ARABIC = "العربية"
OTHER_LANGUAGES = ("Français", "English")
RENDERINGS = ("telegram", "whatsapp")
_rendering = {"channel": "telegram"}
problems: list[str] = []
"""What a phone could not render during the test (a message beyond WhatsApp's limits):
the ``rendering`` fixture fails the test if any, as a sender's exception is only a retry."""
_catalogs = Catalogs(("ar", "fr", "en"), "ar")
_views: dict[int, tuple[Reply, Shown]] = {}
"""Every reply a phone got in this test, by identity, with how it was shown."""


def use_rendering(name: str) -> None:
    assert name in RENDERINGS, name
    _rendering["channel"] = name
    problems.clear()
    _views.clear()


def channel_under_test() -> str:
    """The channel of the rendering under test: where people talk and roles are granted."""
    return _rendering["channel"]


def grant(external_id: str) -> str:
    """A role grant for ``external_id`` on the channel under test: ``"whatsapp:42"``."""
    return f"{channel_under_test()}:{external_id}"


def senders(phone: Phone, *also: str) -> dict:
    """The delivery's senders: ``phone`` for the channel under test (and ``also``)."""
    return {name: phone for name in (channel_under_test(), *also)}


@dataclasses.dataclass(frozen=True)
class Shown:
    """A reply as the person's phone shows it: its texts, and where each option is."""

    texts: tuple[str, ...]
    choices: tuple[tuple[str, Option], ...] = ()
    """(what is shown for the option: a button title, a list row, a numbered line; option)"""
    numbered: bool = False


def shown(reply: Reply, locale: str | None) -> Shown:
    """How ``reply`` reads on the channel under test."""
    if channel_under_test() != "whatsapp" or reply.document is not None:
        choices = tuple((option.label, option) for option in reply.options)
        return Shown((reply.text,), choices)
    bodies = render(reply, _catalogs.translator(locale))
    texts, shown_options = [], []
    for body in bodies:
        if body["type"] == "text":
            texts.append(body["text"]["body"])
            continue
        interactive = body["interactive"]
        texts.append(interactive["body"]["text"])
        action = interactive["action"]
        if interactive["type"] == "button":
            shown_options += [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
        else:
            rows = [row for section in action["sections"] for row in section["rows"]]
            shown_options += [
                (row["id"], f"{row['title']}\n{row.get('description', '')}") for row in rows
            ]
    by_key = {option.key: option for option in reply.options}
    if shown_options:
        choices = tuple((title, by_key[key]) for key, title in shown_options)
        return Shown(tuple(texts), choices)
    if not reply.options:
        return Shown(tuple(texts))
    numbered_lines = {}  # the last line that starts with each number: the options come last
    for line in "\n".join(texts).splitlines():
        number, dot, _ = line.partition(". ")
        if dot and number.isdigit():
            numbered_lines[int(number)] = line
    lines = [numbered_lines.get(number) for number in range(1, len(reply.options) + 1)]
    assert None not in lines, f"options not all numbered in {texts}"
    return Shown(tuple(texts), tuple(zip(lines, reply.options, strict=True)), numbered=True)


class Phone:
    """A channel's sender that records what each person received, as they would read it.

    ``received`` holds the replies as the core wrote them; ``shown`` the same replies as
    the channel under test shows them (rendered within WhatsApp's limits on WhatsApp).
    """

    def __init__(self) -> None:
        self.received: dict[str, list[Reply]] = {}
        self.shown: dict[str, list[Shown]] = {}

    async def send(self, external_id: str, message: Reply, locale: str | None = None):
        try:
            view = shown(message, locale)
        except Exception as error:
            problems.append(f"{type(error).__name__}: {error} in {message!r}")
            raise
        self.received.setdefault(external_id, []).append(message)
        self.shown.setdefault(external_id, []).append(view)
        _views[id(message)] = (message, view)
        return Sent(str(len(self.received[external_id])))


class Person:
    """Someone on a channel, talking to the conversation core.

    While the person reads Arabic (the default, until they tap another language), every
    message they get is checked as a phone lays it out: each line holding Arabic letters
    must run right to left.
    """

    def __init__(
        self, conversation, external_id: str, channel: str | None = None, handle: str | None = None
    ) -> None:
        self.conversation = conversation
        self.external_id = external_id
        self.channel = channel or channel_under_test()
        """The channel under test, unless the test names one (the console)."""
        self.handle = handle
        """The public name on the channel (a Telegram @username) every message carries."""
        self.reads_arabic = True
        self.locale: str | None = None
        """The language last chosen (a ``lang:`` button), for replies no phone got."""
        self.phone = Phone()
        self.replies = []

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
        return self.replies

    @property
    def replies(self) -> list[Reply]:
        """The last replies, as the core wrote them; a test may set them to messages the
        dispatcher delivered, to read or tap those."""
        return self._replies

    @replies.setter
    def replies(self, replies: list[Reply]) -> None:
        self._replies = list(replies)
        self._shown = [self._view(reply) for reply in self._replies]
        if self.reads_arabic:
            for view in self._shown:
                texts = [*view.texts, *(title for title, _ in view.choices)]
                wrong = [line for text in texts for line in lines_laid_out_left_to_right(text)]
                assert not wrong, f"laid out left to right on a phone: {wrong}"

    def _view(self, reply: Reply) -> Shown:
        if self.channel != "whatsapp":
            return Shown((reply.text,), tuple((option.label, option) for option in reply.options))
        known, view = _views.get(id(reply), (None, None))
        return view if known is reply else shown(reply, self.locale)

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
        """Tap the button whose label contains ``label`` in the last message with options;
        on WhatsApp, the button or list row showing it, or type the number of its line."""
        views = [view for view in self._shown if view.choices]
        view = views[-1] if views else Shown(())
        matches = [
            (number, option)
            for number, (title, option) in enumerate(view.choices, start=1)
            if label in title
        ]
        assert matches, f"no button {label!r} among {[title for title, _ in view.choices]}"
        number, option = matches[0]
        if option.key.startswith("lang:"):
            self.reads_arabic = option.label == ARABIC
            self.locale = option.key.removeprefix("lang:")
        if view.numbered:
            return await self.says(str(number))
        return await self._send(
            Inbound.choice(self.channel, self.external_id, option.key, self._update_id())
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
        """What the last replies read, as the phone shows them (on WhatsApp: the bodies,
        with numbered options, without button titles)."""
        return "\n\n".join("\n".join(view.texts) for view in self._shown)

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
