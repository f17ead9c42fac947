"""Telegram adapter: it translates the updates of private chats, fetched by long polling or
posted to the webhook (typed text and commands, taps on inline buttons, shared contacts,
media), into
:class:`~handlers.messages.Inbound` for the conversation core, and hands the outbox rows the
core wrote to delivery (``deliver``), which sends them through
:class:`~bot.channels.telegram_sender.TelegramSender`. It sends no message itself: only the
answer to a tapped button and the closing of its keyboard, which are not new messages. It
holds no business logic and lets no Telegram type reach the core.

Webhook mode (``[telegram] mode = "webhook"``): at start the channel registers its URL and
secret with Telegram (``setWebhook``) instead of polling, and the web server hands it each
posted update (:meth:`TelegramChannel.receive`), which goes through the same application
and its update processor (each person's updates in order). The web server answers 200
only once the update is handled and committed: unlike long polling, which confirms
fetched updates before they are handled, a crash loses nothing (Telegram posts the
update again, and the core's update ids make it have no second effect).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channel_settings import TelegramWebhook
from bot.channels.inbound_text import clean_inbound_text
from bot.channels.ordering import MAX_CONCURRENT_UPDATES, PersonByPerson
from handlers.messages import ConversationPort, Inbound, Outgoing

Deliver = Callable[[Sequence[Outgoing]], Awaitable[None]]

CHANNEL = "telegram"
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)

# Order matters: Telegram also fills ``document`` for an animation and ``location`` for a venue.
UNSUPPORTED_KINDS = (
    "animation",
    "sticker",
    "photo",
    "video_note",
    "video",
    "voice",
    "audio",
    "document",
    "venue",
    "location",
    "poll",
    "dice",
)

KEEPS_KEYBOARD = ("poll:",)
"""Keys whose tap keeps the buttons: a poll's answer may be changed until the poll closes."""
CHOSEN = "✓ "

_NO_COMMANDS: Mapping[str | None, Sequence[tuple[str, str]]] = MappingProxyType({})

log = logging.getLogger("tawasul.telegram")


class TelegramRejected(Exception):
    """Telegram answered but refused the bot: a configuration problem, said in one line."""


class TelegramUnavailable(Exception):
    """The Bot API could not be reached or failed: a service problem, said in one line."""


class UpdateFailed(Exception):
    """A posted update could not be handled: Telegram is answered 500 and posts it again."""


def start_error(error: TelegramError, base_url: str) -> Exception:
    """The one-line problem behind a failed start; Telegram's message never holds the token."""
    where = host_of(base_url)
    if isinstance(error, InvalidToken):
        return TelegramRejected(
            f"the Telegram Bot API at {where} refused the bot token: check TELEGRAM_BOT_TOKEN "
            "(from @BotFather) and telegram.api_base_url (it ends in /bot)"
        )
    if isinstance(error, NetworkError):
        return TelegramUnavailable(
            f"cannot reach the Telegram Bot API at {where} ({error.message}): "
            "check the network, or telegram.api_base_url / TELEGRAM_API_BASE_URL"
        )
    return TelegramUnavailable(
        f"the Telegram Bot API at {where} failed ({type(error).__name__}: {error.message}); "
        "try again later"
    )


def host_of(base_url: str) -> str:
    """Scheme and host of the API URL, without the path (it can hold the token)."""
    scheme, _, rest = base_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else base_url


class TelegramChannel:
    """One bot, long polling Telegram (or taking its webhooks) and relaying each
    private-chat update to the core.

    Updates of different people are handled concurrently, and each person's one after the
    other, in the order sent (:class:`~bot.channels.ordering.PersonByPerson`); so what is
    kept per chat here is only ever touched by one update at a time. After the core has
    committed, ``deliver`` sends what it wrote (the fast path); what it cannot send waits
    in the outbox.
    """

    def __init__(
        self,
        conversation: ConversationPort,
        *,
        deliver: Deliver,
        token: str,
        base_url: str = "https://api.telegram.org/bot",
        commands: Mapping[str | None, Sequence[tuple[str, str]]] = _NO_COMMANDS,
        chat_commands: Mapping[int, Mapping[str | None, Sequence[tuple[str, str]]]] = (
            MappingProxyType({})
        ),
        poll_interval: float = 0.0,
        poll_timeout: int = 10,
        webhook: TelegramWebhook | None = None,
    ) -> None:
        self._conversation = conversation
        self._deliver = deliver
        self._token = token
        self._base_url = base_url
        self._commands = {language: tuple(pairs) for language, pairs in commands.items()}
        self._chat_commands = {
            chat: {language: tuple(pairs) for language, pairs in menus.items()}
            for chat, menus in chat_commands.items()
        }
        self._poll_interval = poll_interval
        self._poll_timeout = poll_timeout
        self._webhook = webhook
        self._failed: set[int] = set()
        self._app: Application | None = None

    def build_application(self) -> Application:
        builder = (
            Application.builder()
            .token(self._token)
            .base_url(self._base_url)
            .base_file_url(file_url(self._base_url))
            .concurrent_updates(PersonByPerson(MAX_CONCURRENT_UPDATES))
            .job_queue(None)
        )
        if self._webhook is not None:
            builder = builder.updater(None)
        app = builder.build()
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app

    async def start(self) -> None:
        """Connect, register the command menus and start long polling, or register the
        webhook in webhook mode; a no-op if running.

        The updater deletes any webhook before polling (``getUpdates`` fails while one is set).
        A failure to connect is :class:`TelegramRejected` (token or URL) or
        :class:`TelegramUnavailable` (network, Telegram down), without the library's chain.
        """
        if self._app is not None:
            return
        self._app = app = self.build_application()
        try:
            await app.initialize()
            await self._register_commands(app.bot)
            await app.start()
            if self._webhook is not None:
                await self._set_webhook(app.bot, self._webhook)
            else:
                await app.updater.start_polling(
                    poll_interval=self._poll_interval,
                    timeout=dt.timedelta(seconds=self._poll_timeout),
                    bootstrap_retries=3,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,
                )
        except TelegramError as error:
            await self._stop_quietly()
            raise start_error(error, self._base_url) from None
        except BaseException:
            await self.stop()
            raise
        mode = "taking webhooks" if self._webhook is not None else "polling"
        log.info("telegram channel %s as bot %s", mode, app.bot.id)

    async def _set_webhook(self, bot: Bot, webhook: TelegramWebhook) -> None:
        try:
            await bot.set_webhook(
                webhook.url,
                secret_token=webhook.secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
        except BadRequest as error:
            await self._stop_quietly()
            raise TelegramRejected(
                f"Telegram refused the webhook {webhook.url} ({error.message}): check "
                "telegram.webhook_url (public https, a valid certificate, port 443, 80, 88 "
                "or 8443)"
            ) from None

    async def receive(self, payload: dict) -> None:
        """Handle one update posted to the webhook, through the application's update
        processor (after the same person's earlier ones); :class:`UpdateFailed` if it failed.

        The webhook stays registered when the bot stops: Telegram keeps the updates posted
        meanwhile and posts them again once the bot is back."""
        app = self._app
        if app is None:
            raise UpdateFailed("the Telegram channel is not running")
        update = Update.de_json(payload, app.bot)
        await app.update_processor.process_update(update, app.process_update(update))
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            raise UpdateFailed(f"update {update.update_id} failed")

    async def _stop_quietly(self) -> None:
        """Undo a failed start; what failed is reported by the caller, not a second error."""
        try:
            await self.stop()
        except TelegramError as error:
            log.debug("stopping after a failed start: %s", error.message)

    async def stop(self) -> None:
        """Stop polling (confirming the fetched updates), finish pending ones and disconnect."""
        app, self._app = self._app, None
        if app is None:
            return
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _register_commands(self, bot: Bot) -> None:
        """The default menu per language, then each role holder's own menu in their chat.

        Optional: a bot without a command menu still works, so failures are only logged.
        """
        menus = [(None, language, pairs) for language, pairs in self._commands.items()]
        menus += [
            (chat, language, pairs)
            for chat, by_language in self._chat_commands.items()
            for language, pairs in by_language.items()
        ]
        for chat, language, pairs in menus:
            commands = [BotCommand(command, description) for command, description in pairs]
            scope = BotCommandScopeChat(chat) if chat is not None else None
            try:
                await bot.set_my_commands(commands, scope=scope, language_code=language)
            except TelegramError as exc:
                log.warning(
                    "setMyCommands for language %s%s failed: %s",
                    language or "default",
                    "" if chat is None else f" in chat {chat}",
                    exc.message,
                )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log it; a posted update is also remembered, for :meth:`receive` to answer 500."""
        await _log_error(update, context)
        if self._webhook is not None and isinstance(update, Update):
            self._failed.add(update.update_id)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            log.debug("update %s ignored: not from a private chat", update.update_id)
            return
        if update.callback_query is not None:
            await self._on_callback(context.bot, update, update.callback_query)
        elif update.message is not None:
            await self._on_message(context.bot, update, update.message)

    async def _on_message(self, bot: Bot, update: Update, message: Message) -> None:
        user = update.effective_user
        inbound = inbound_from_message(message, user.id, str(update.update_id), user.username)
        if inbound is None:
            log.debug(
                "update %s ignored: a kind of message the core does not read", update.update_id
            )
            return
        await self._deliver(await self._conversation.handle(inbound))

    async def _on_callback(self, bot: Bot, update: Update, query: CallbackQuery) -> None:
        """Answer the tap, then hand the choice to the core and send what it wrote; the
        keyboard is closed meanwhile (its round trip beside theirs, not after them),
        before the core's answer goes out."""
        if query.data is None:
            await _answer(query, update.update_id)
            return
        closing = asyncio.ensure_future(_close_keyboard(query))
        try:
            await _answer(query, update.update_id)
            external_id = str(query.from_user.id)
            key = clean_inbound_text(query.data)
            inbound = Inbound.choice(CHANNEL, external_id, key, str(update.update_id))
            inbound = _with_handle(inbound, query.from_user.username)
            outgoing = await self._conversation.handle(inbound)
        finally:
            await closing
        await self._deliver(outgoing)


def _with_handle(inbound: Inbound, username: str | None) -> Inbound:
    return dataclasses.replace(inbound, handle=f"@{username}") if username else inbound


def inbound_from_message(
    message: Message, sender_id: int, update_id: str, username: str | None = None
) -> Inbound | None:
    """What the person sent, or None for messages nobody typed (service messages...)."""
    inbound = _inbound_from_message(message, sender_id, update_id)
    return None if inbound is None else _with_handle(inbound, username)


def _inbound_from_message(message: Message, sender_id: int, update_id: str) -> Inbound | None:
    external_id = str(sender_id)
    if message.text is not None:
        return Inbound.message(CHANNEL, external_id, clean_inbound_text(message.text), update_id)
    if message.contact is not None:
        if message.contact.user_id == sender_id:
            phone = clean_inbound_text(message.contact.phone_number)
            return Inbound.contact(CHANNEL, external_id, phone, update_id)
        return Inbound.unsupported(CHANNEL, external_id, "contact", update_id)
    kind = next((kind for kind in UNSUPPORTED_KINDS if getattr(message, kind)), None)
    if kind is None:
        return None
    return Inbound.unsupported(CHANNEL, external_id, kind, update_id)


def file_url(base_url: str) -> str:
    """The Bot API serves files under ``.../file/bot<token>``, next to ``.../bot<token>``."""
    head, found, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if found else base_url


async def _answer(query: CallbackQuery, update_id: int) -> None:
    """Stop the spinner on the tapped button before the core takes its time."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning("answerCallbackQuery for update %s failed: %s", update_id, exc.message)


async def _close_keyboard(query: CallbackQuery) -> None:
    """Write the tapped choice under the question and drop its buttons: no second tap.

    A poll's buttons stay instead, the chosen one marked «✓ », so that the person can
    change their answer. It needs nothing from the core (the label is the tapped
    button's), so it runs while the core works."""
    message = query.message
    if not isinstance(message, Message):
        return
    label = _tapped_label(message, query.data)
    try:
        if label is not None and query.data.startswith(KEEPS_KEYBOARD):
            await message.edit_reply_markup(reply_markup=_marked(message, query.data))
        elif label is None or message.text is None:
            await message.edit_reply_markup(reply_markup=None)
        else:
            await message.edit_text(f"{message.text}\n\n✓ {label}")
    except TelegramError as exc:
        log.warning(
            "could not close the keyboard of message %s in chat %s: %s",
            message.message_id,
            message.chat_id,
            exc.message,
        )


def _marked(message: Message, data: str) -> InlineKeyboardMarkup:
    """The message's buttons with only the tapped one marked chosen."""
    rows = []
    for row in message.reply_markup.inline_keyboard:
        buttons = []
        for button in row:
            text = button.text.removeprefix(CHOSEN)
            if button.callback_data == data:
                text = CHOSEN + text
            buttons.append(InlineKeyboardButton(text, callback_data=button.callback_data))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def _tapped_label(message: Message, data: str | None) -> str | None:
    markup = message.reply_markup
    if markup is None:
        return None
    buttons = (button for row in markup.inline_keyboard for button in row)
    return next((button.text for button in buttons if button.callback_data == data), None)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by id only; polling goes on with the next one."""
    update_id = getattr(update, "update_id", None)
    log.error("update %s failed", update_id, exc_info=context.error)
