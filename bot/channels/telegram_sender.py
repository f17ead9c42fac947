"""Telegram's sender: one channel-neutral message out through the Bot API, one outcome back.

It renders a :class:`~handlers.messages.Reply` as Telegram shows it: text split at 4096
characters, options as inline buttons on the last part, a contact request as a one-time
reply keyboard (with the options as buttons that type their label). A reply keyboard stays
on screen until a message removes it, so the sender remembers, per chat, that one is shown.

There is no retry here and nothing is dropped: each failure becomes an outcome and the
dispatcher decides (403 blocked, 429 and 5xx retry later, 400 failed for good, a timeout
after the request left unknown). A text split in parts that fails half-way is sent again
whole: the parts already delivered come twice.

A reply with a :class:`~handlers.messages.Document` goes out as one ``sendDocument``: the
file is built then (``documents``, the bot layer's builder, from the database) and the
reply's text is its caption; its errors are outcomes as for ``sendMessage``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.limits import TELEGRAM_MESSAGE_LENGTH
from bot.channels.text_parts import split_text
from bot.delivery.ports import Blocked, Failed, Outcome, RetryLater, Sent, Unknown
from handlers.messages import Document, Option, Reply

MAX_TEXT_LENGTH = TELEGRAM_MESSAGE_LENGTH
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
Documents = Callable[[Document], Awaitable[bytes]]
_NOT_SENT_TIMEOUTS = ("ConnectTimeout", "PoolTimeout")

log = logging.getLogger("tawasul.telegram")


class TelegramSender:
    """Sends through a ``Bot`` of its own, with a connection pool sized for parallel sends."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        connections: int = 64,
        documents: Documents | None = None,
    ) -> None:
        request = HTTPXRequest(connection_pool_size=connections, pool_timeout=10.0)
        self.bot = Bot(token, base_url=base_url, request=request)
        self.documents = documents
        self._reply_keyboards: set[int] = set()

    async def start(self) -> None:
        await self.bot.initialize()

    async def stop(self) -> None:
        await self.bot.shutdown()

    async def send(self, external_id: str, message: Reply, locale: str | None = None) -> Outcome:
        try:
            return await self._send_reply(int(external_id), message)
        except TelegramError as error:
            return outcome_of(error)

    async def _send_reply(self, chat_id: int, reply: Reply) -> Outcome:
        markup = self._markup_for(chat_id, reply)
        if reply.document is not None:
            return await self._send_document(chat_id, reply, markup)
        *parts, last = split_text(reply.text, MAX_TEXT_LENGTH)
        for part in parts:
            await self.bot.send_message(chat_id, part)
        if isinstance(markup, InlineKeyboardMarkup) and chat_id in self._reply_keyboards:
            sent = await self._send_replacing_keyboard(chat_id, last, markup)
        else:
            sent = await self.bot.send_message(chat_id, last, reply_markup=markup)
            self._remember_keyboard(chat_id, markup)
        return Sent(str(sent.message_id))

    async def _send_document(self, chat_id: int, reply: Reply, markup: Markup) -> Outcome:
        document = reply.document
        if self.documents is None:
            return Failed("this sender builds no documents")
        data = await self.documents(document)
        sent = await self.bot.send_document(
            chat_id,
            document=InputFile(data, filename=document.filename),
            caption=reply.text,
            reply_markup=markup,
        )
        self._remember_keyboard(chat_id, markup)
        log.info("document %s sent to message %s", document.report, sent.message_id)
        return Sent(str(sent.message_id))

    async def _send_replacing_keyboard(
        self, chat_id: int, text: str, buttons: InlineKeyboardMarkup
    ) -> Message:
        """A message carries one keyboard: remove the share-contact one, then add the buttons.

        Telegram lets a bot add an inline keyboard to its own message that has none; if the
        edit fails, the text is sent again with its buttons so the choice stays possible.
        """
        sent = await self.bot.send_message(chat_id, text, reply_markup=ReplyKeyboardRemove())
        self._remember_keyboard(chat_id, ReplyKeyboardRemove())
        try:
            await sent.edit_reply_markup(reply_markup=buttons)
        except TelegramError as exc:
            log.warning("adding buttons to message %s failed: %s", sent.message_id, exc.message)
            sent = await self.bot.send_message(chat_id, text, reply_markup=buttons)
        return sent

    def _markup_for(self, chat_id: int, reply: Reply) -> Markup:
        if reply.contact_request is not None:
            return contact_keyboard(reply.contact_request, reply.options)
        if reply.options:
            return inline_keyboard(reply.options)
        if chat_id in self._reply_keyboards:
            return ReplyKeyboardRemove()
        return None

    def _remember_keyboard(self, chat_id: int, markup: Markup) -> None:
        """A reply keyboard stays on screen until a message removes it."""
        if isinstance(markup, ReplyKeyboardMarkup):
            self._reply_keyboards.add(chat_id)
        elif isinstance(markup, ReplyKeyboardRemove):
            self._reply_keyboards.discard(chat_id)


def outcome_of(error: TelegramError) -> Outcome:
    """What a Bot API error means for the message (no message text, no chat data)."""
    reason = f"{type(error).__name__}: {error.message}"
    if isinstance(error, Forbidden):
        return Blocked(reason)
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # PTB 22 warns that it will become a timedelta
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            delay = error.retry_after
        seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
        return RetryLater(reason, delay_s=seconds, rate_limited=True)
    if isinstance(error, TimedOut):
        cause = type(error.__cause__).__name__ if error.__cause__ is not None else ""
        return RetryLater(reason) if cause in _NOT_SENT_TIMEOUTS else Unknown(reason)
    if isinstance(error, BadRequest):
        return Failed(reason)
    if isinstance(error, InvalidToken | NetworkError):
        return RetryLater(reason)
    return Failed(reason)


def inline_keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(option.label, callback_data=option.key)] for option in options]
    )


def contact_keyboard(label: str, options: Sequence[Option]) -> ReplyKeyboardMarkup:
    """The share-my-number button, then the options as buttons that type their label."""
    rows = [[KeyboardButton(label, request_contact=True)]]
    rows += [[KeyboardButton(option.label)] for option in options]
    return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)
