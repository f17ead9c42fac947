"""The composition root: config → database → services → channels.

Nothing is wired at import time. Tests call :func:`bootstrap` with their own
settings, clock or database and get the same application the command line runs.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from bot.channel_settings import WhatsAppSettings
from bot.channels.limits import LIMITS
from bot.collectivity_import import ImportRejected, ensure_seeded
from bot.config import ConfigError, Settings
from bot.delivery.dispatcher import WHATSAPP_PACE, Delivery, DeliverySettings
from bot.delivery.ports import Sender
from bot.english import count_of
from bot.follow_up_sweep import FollowUpSweep
from bot.housekeeping import Housekeeping
from bot.run_of_show import RunOfShow, prompt_sender, start_agenda
from db.models import Event, InboundUpdate
from db.outbox import record_receipts
from db.session import Database
from db.store import UnitOfWork
from handlers import (
    commitments,
    compose,
    follow_up_answers,
    interests,
    matches,
    polls,
    presence,
    prompts,
    reminders,
    reopening,
    report,
    rounds,
    toolkit,
)
from handlers.commands import PARTICIPANT, highest_role
from handlers.context import Services
from handlers.conversation import Conversation
from locales.i18n import Catalogs

log = logging.getLogger("tawasul.bootstrap")
UPDATE_MEMORY = timedelta(days=10)
"""Telegram keeps undelivered updates for 24 hours and WhatsApp retries a failed webhook
for up to 7 days: ten days of handled ids covers both."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    database: Database
    services: Services
    conversation: Conversation
    housekeeping: Housekeeping
    run_of_show: RunOfShow
    follow_up_sweep: FollowUpSweep

    def command_menus(self) -> dict[str | None, list[tuple[str, str]]]:
        """The participants' command list for each offered language; ``None`` is everyone
        else's."""
        return self.role_menus()[PARTICIPANT]

    def role_menus(self) -> dict[str, dict[str | None, list[tuple[str, str]]]]:
        """For each role, its command list in each offered language."""
        return self.conversation.commands.menus(
            self.services.catalogs, self.settings.default_locale
        )

    def telegram_chat_menus(self) -> dict[int, dict[str | None, list[tuple[str, str]]]]:
        """The menu of each Telegram chat granted a role (``telegram:<id>`` in ``[roles]``),
        for the roles it holds."""
        menus = self.role_menus()
        roles = self.settings.roles
        granted = {
            grant.removeprefix("telegram:")
            for grant in roles.organisers | roles.facilitators
            if grant.startswith("telegram:")
        }
        return {
            int(chat): menus[highest_role(roles.of("telegram", chat))]
            for chat in sorted(granted)
            if chat.lstrip("-").isdigit()
        }

    def delivery(
        self, senders: dict[str, Sender], settings: DeliverySettings | None = None, **options
    ) -> Delivery:
        """The fast path and the dispatcher for the given channels' senders."""
        if settings is None:
            channels = {}
            if self.settings.whatsapp is not None:
                channels["whatsapp"] = dataclasses.replace(
                    WHATSAPP_PACE, rate_per_s=self.settings.whatsapp.rate_per_second
                )
            settings = DeliverySettings(
                rate_per_s=self.settings.delivery_rate_per_second,
                chat_rate_per_s=self.settings.delivery_per_chat_per_second,
                chat_burst=self.settings.delivery_per_chat_burst,
                channels=channels,
            )
        return Delivery(self.database, senders, self.services.clock, settings, **options)

    def telegram_sender(self, token: str | None = None):
        from bot.channels.telegram_sender import TelegramSender
        from bot.report_files import ReportFiles

        documents = ReportFiles(self.database, self.settings, self.services.event_id)
        return TelegramSender(
            self._token(token), self.settings.telegram_api_base_url, documents=documents
        )

    def telegram_channel(self, delivery: Delivery, token: str | None = None, *, poll_timeout=10):
        """The Telegram channel: long polling, or webhooks when ``[telegram] mode`` says so."""
        from bot.channels.telegram import TelegramChannel

        return TelegramChannel(
            self.conversation,
            deliver=delivery.send_now,
            token=self._token(token),
            base_url=self.settings.telegram_api_base_url,
            commands=self.command_menus(),
            chat_commands=self.telegram_chat_menus(),
            poll_timeout=poll_timeout,
            webhook=self.settings.telegram_webhook,
        )

    def whatsapp_sender(self):
        from bot.channels.whatsapp_sender import WhatsAppSender
        from bot.report_files import ReportFiles

        documents = ReportFiles(self.database, self.settings, self.services.event_id)
        return WhatsAppSender(
            self._whatsapp(),
            self.services.catalogs,
            self.settings.default_locale,
            documents=documents,
        )

    def whatsapp_channel(self, delivery: Delivery):
        """The receiver of WhatsApp's webhooks: messages to the core, statuses to the outbox."""
        from bot.channels.whatsapp import WhatsAppChannel

        return WhatsAppChannel(
            self.conversation,
            deliver=delivery.send_now,
            record_receipts=functools.partial(record_receipts, self.database),
            phone_number_id=self._whatsapp().phone_number_id,
            clock=self.services.clock,
        )

    def web_server(self, *, whatsapp=None, telegram=None):
        """The web server taking the webhooks of the given channels (None: not served)."""
        from bot.web import TelegramHook, WebServer, WhatsAppHook, build_app

        whatsapp_hook = telegram_hook = None
        if whatsapp is not None:
            settings = self._whatsapp()
            if not settings.app_secret or not settings.verify_token:
                raise ValueError("WhatsApp's app secret and verify token are needed")
            whatsapp_hook = WhatsAppHook(settings.app_secret, settings.verify_token, whatsapp)
        if telegram is not None:
            webhook = self.settings.telegram_webhook
            if webhook is None or not webhook.secret:
                raise ValueError("Telegram's webhook mode and its secret are needed")
            telegram_hook = TelegramHook(webhook.secret, telegram)
        return WebServer(
            self.settings.web, build_app(whatsapp=whatsapp_hook, telegram=telegram_hook)
        )

    def _whatsapp(self) -> WhatsAppSettings:
        if self.settings.whatsapp is None:
            raise ValueError("the WhatsApp channel is not configured ([whatsapp] phone_number_id)")
        return self.settings.whatsapp

    def _token(self, token: str | None) -> str:
        token = token or self.settings.telegram_token
        if not token:
            raise ValueError("a Telegram bot token is needed")
        return token

    async def start(self) -> None:
        """Start the periodic housekeeping (draft expiry) and the run of show (reminders,
        prompts) and the follow-ups of commitments; call it from a running loop."""
        self.housekeeping.start()
        self.run_of_show.start()
        self.follow_up_sweep.start()

    async def stop(self) -> None:
        await self.follow_up_sweep.stop()
        await self.run_of_show.stop()
        await self.housekeeping.stop()

    async def close(self) -> None:
        await self.stop()
        await self.database.close()


async def sync_event(database: Database, settings: Settings) -> int:
    """Create or update the configured event; return its id."""
    configured = settings.event
    async with database.unit_of_work() as session:
        event = await session.scalar(select(Event).where(Event.code == configured.code))
        if event is None:
            event = Event(code=configured.code)
            session.add(event)
        event.name_ar, event.name_fr, event.name_en = (
            configured.name.ar,
            configured.name.fr,
            configured.name.en,
        )
        event.place_ar, event.place_fr, event.place_en = (
            configured.place.ar,
            configured.place.fr,
            configured.place.en,
        )
        event.starts_on = configured.date
        event.timezone = configured.timezone
        await session.flush()
        return event.id


async def forget_old_updates(database: Database, now: datetime) -> int:
    """Drop handled update ids past any platform's re-delivery window."""
    async with database.unit_of_work() as session:
        result = await session.execute(
            delete(InboundUpdate).where(InboundUpdate.received_at < now - UPDATE_MEMORY)
        )
        return result.rowcount or 0


async def bootstrap(
    settings: Settings,
    *,
    database: Database | None = None,
    clock: Callable[[], datetime] = utc_now,
    catalogs: Catalogs | None = None,
) -> App:
    """Wire the application; a start-up problem closes what was opened and is raised as
    :class:`~bot.config.ConfigError` or one of :mod:`db.session`'s errors, each one line."""
    owned = database is None
    database = database or Database(settings.database_url)
    try:
        event_id = await migrate(database, settings, clock())
        log.info("database in use: %s", database.describe())
        draft_idle = timedelta(days=settings.registration.draft_expiry_days)
        housekeeping = Housekeeping(
            database,
            clock,
            draft_idle,
            retention_months=settings.privacy.retention_months,
            timezone=settings.event.timezone,
            sent_replies_kept=timedelta(days=settings.privacy.sent_replies_days),
        )
        await housekeeping.run_once()
        agenda = await start_agenda(
            database, event_id, settings.agenda, settings.reminders, clock()
        )
    except BaseException:
        if owned:
            await database.close()
        raise
    services = Services(
        catalogs=catalogs or Catalogs(settings.locales, settings.default_locale),
        clock=clock,
        event_id=event_id,
        event=settings.event,
        privacy=settings.privacy,
        registration=settings.registration,
        roles=settings.roles,
        default_locale=settings.default_locale,
        channel_limits=LIMITS,
        agenda=agenda,
        toolkit=settings.toolkit,
        themes=settings.themes,
        matching=settings.matching,
        rounds=settings.rounds,
        follow_ups=settings.follow_ups,
    )
    conversation = Conversation(UnitOfWork(database), services)
    reminders.register(conversation.commands)
    presence.register(conversation)
    polls.register(conversation)
    prompts.register(conversation.commands)
    compose.register(conversation.commands)
    toolkit.register(conversation.commands, conversation.callbacks)
    interests.register(conversation)
    matches.register(conversation.commands, conversation.callbacks)
    rounds.register(conversation.commands, conversation.callbacks)
    commitments.register(conversation)
    follow_up_answers.register(conversation.callbacks)
    reopening.register(conversation.callbacks)
    report.register(conversation.commands)
    run_of_show = RunOfShow(
        database,
        services,
        settings.reminders,
        prompts=prompt_sender(event_id, settings.default_locale, services.catalogs),
    )
    follow_up_sweep = FollowUpSweep(database, services)
    return App(
        settings, database, services, conversation, housekeeping, run_of_show, follow_up_sweep
    )


async def seed_collectivities(database: Database, settings: Settings) -> None:
    """Load the configured collectivity file into an empty database.

    A bad file is a configuration error, said in one line that points to the import
    command, which lists every bad row.
    """
    try:
        seeded = await ensure_seeded(database, settings.collectivities_file)
    except ImportRejected as rejected:
        first = rejected.errors[0]
        count = len(rejected.errors)
        raise ConfigError(
            f"collectivities.file {settings.collectivities_file}: "
            f"{count_of(count, 'bad row', 'bad rows')}, the first at line {first.line}: "
            f"{first.reason}; "
            f"see them all with: tawasul collectivities import {settings.collectivities_file}"
        ) from None
    if seeded is not None:
        log.info("collectivities loaded into an empty database: %s created", seeded.created)


async def migrate(database: Database, settings: Settings, now: datetime) -> int:
    """Upgrade the schema, seed an empty database, sync the event; return the event id.

    Under the database's startup lock: two processes starting at once on a fresh database
    do it once, the second waiting for the first and then finding it done.
    """
    async with database.startup_lock():
        await database.upgrade()
        return await _prepare(database, settings, now)


async def _prepare(database: Database, settings: Settings, now: datetime) -> int:
    """Seed an empty database, sync the event, forget old update ids; return the event id."""
    await seed_collectivities(database, settings)
    event_id = await sync_event(database, settings)
    await forget_old_updates(database, now)
    return event_id
