"""The run of show while the bot runs: the agenda it follows, and what goes out on time.

**The agenda followed** is kept in the database, so that every process and every command
reads the same one. At start the configured agenda file is loaded into it, unless an
agenda was loaded by hand (``tawasul agenda load FILE``) since that file last changed;
a running bot picks up an agenda loaded by hand within one sweep.

**Loading an agenda** stores it and brings its schedule in line, in one transaction:
the reminders and prompts of changed sessions move, those of removed sessions are
cancelled, and none that went out is sent again (:func:`domain.schedule.changes`).

**Every sweep** (``SWEEP_S``, and at the next item's time) takes the items whose time
has come. One that is no longer useful (its session began, for a reminder; ended, for a
prompt) is skipped, never sent late. A reminder becomes one bulk outbox row per
registered participant who has not turned the reminders off, in their language; a prompt
becomes a broadcast to its audience. The item and its rows are written together, so a
crash repeats nothing and loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ConfigError, Settings, read_agenda_file
from bot.sweeps import SweptByTime
from db import broadcasts
from db.models import ScheduledItem, as_utc
from db.schedule import Schedule
from db.session import Database
from domain.agenda import LANGUAGES, Agenda, PromptKind, from_tables, to_tables
from domain.schedule import DONE, PROMPT, REMINDER, SKIPPED, changes, is_overdue, plan
from domain.settings import Localised, ReminderSettings
from handlers.context import Services
from handlers.messages import Reply, check, to_content
from handlers.reminders import reminder_text
from locales.i18n import Catalogs

log = logging.getLogger("tawasul.run_of_show")
SWEEP_S = 2.0


def document_of(agenda: Agenda) -> dict:
    return {"timezone": agenda.timezone, "tables": to_tables(agenda)}


def digest_of(document: dict) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def agenda_of(document: dict) -> Agenda:
    agenda, problems = from_tables(document["tables"], timezone=document["timezone"])
    if problems:
        raise ValueError(f"the stored agenda cannot be read: {problems[0]}")
    return agenda


def configured_digest(settings: Settings) -> str | None:
    """The digest of the configured file's agenda; None when it cannot be read (a bad
    configured file does not stop another from being loaded by hand)."""
    try:
        return digest_of(document_of(read_agenda_file(settings.agenda_file, settings.event)))
    except ConfigError:
        return None


@dataclass(frozen=True, slots=True)
class Loaded:
    """What loading an agenda did to the schedule."""

    changed: bool
    added: int = 0
    moved: int = 0
    cancelled: int = 0


async def load_agenda(
    session: AsyncSession,
    event_id: int,
    agenda: Agenda,
    reminders: ReminderSettings,
    now: datetime,
    *,
    config_digest: str | None,
) -> Loaded:
    """Make ``agenda`` the one followed and bring the schedule in line with it."""
    schedule = Schedule(session)
    document = document_of(agenda)
    digest = digest_of(document)
    changed = digest != await schedule.digest(event_id)
    await schedule.store_agenda(event_id, document, digest, now, config_digest=config_digest)
    todo = changes(plan(agenda, reminders), await schedule.stored(event_id))
    await schedule.apply(event_id, todo)
    return Loaded(changed, len(todo.added), len(todo.moved), len(todo.cancelled))


async def start_agenda(
    database: Database,
    event_id: int,
    configured: Agenda,
    reminders: ReminderSettings,
    now: datetime,
) -> Agenda:
    """The agenda to follow from start: the configured one, unless one was loaded by hand
    since the configured one last changed; the schedule follows it either way."""
    configured_digest = digest_of(document_of(configured))
    async with database.unit_of_work() as session:
        loaded = await Schedule(session).agenda(event_id)
        if (
            loaded is not None
            and loaded.digest != configured_digest
            and loaded.config_digest == configured_digest
        ):
            kept = agenda_of(loaded.document)
            await load_agenda(
                session, event_id, kept, reminders, now, config_digest=configured_digest
            )
            log.info("following the agenda loaded by hand (the configured file is unchanged)")
            return kept
        result = await load_agenda(
            session, event_id, configured, reminders, now, config_digest=configured_digest
        )
        if result.changed:
            log.info(
                "agenda loaded: %s added, %s moved, %s cancelled",
                result.added,
                result.moved,
                result.cancelled,
            )
        return configured


@dataclass(frozen=True, slots=True)
class Swept:
    reminders: int = 0
    """Reminder rows written."""
    prompts: int = 0
    skipped: int = 0


PromptSender = Callable[[AsyncSession, ScheduledItem, Agenda, datetime], Awaitable[int | None]]
PROMPT_KINDS = {
    PromptKind.CARD: broadcasts.MESSAGE,
    PromptKind.QUESTION: broadcasts.QUESTION,
    PromptKind.POLL: broadcasts.POLL,
    PromptKind.CHECKIN: broadcasts.CHECKIN,
    PromptKind.INTERESTS: broadcasts.INTERESTS,
    PromptKind.COMMIT: broadcasts.COMMIT,
}


def localised(value: Localised, default_locale: str) -> dict[str, str]:
    """A text of the agenda as a broadcast's texts: each language, and the default."""
    texts = {language: value.get(language) for language in LANGUAGES}
    return {broadcasts.DEFAULT: texts.get(default_locale, value.ar), **texts}


def prompt_sender(event_id: int, default_locale: str, catalogs: Catalogs) -> PromptSender:
    """Send a prompt as a broadcast of its kind to its audience, with its buttons."""

    async def send(
        session: AsyncSession, item: ScheduledItem, agenda: Agenda, now: datetime
    ) -> int | None:
        code = str(item.payload.get("prompt"))
        prompt = agenda.prompt(code)
        if prompt is None:
            return None
        options = [localised(option, default_locale) for option in prompt.options] or None
        created = await broadcasts.write(
            session,
            event_id,
            broadcasts.Audience(prompt.audience.value),
            localised(prompt.text, default_locale),
            now,
            kind=PROMPT_KINDS[prompt.kind],
            options=options,
            origin=f"prompt:{code}"[:64],
            catalogs=catalogs,
        )
        log.info("prompt %s sent as broadcast %s to %s", code, created.id, created.recipients)
        return created.id

    return send


class RunOfShow(SweptByTime):
    """Follows the stored agenda and sends what is due; ``run_once`` is one sweep."""

    NAME = "run_of_show"

    def __init__(
        self,
        database: Database,
        services: Services,
        reminders: ReminderSettings,
        *,
        prompts: PromptSender | None = None,
        sweep_s: float = SWEEP_S,
    ) -> None:
        self.database = database
        self.services = services
        self.reminders = reminders
        self.prompts = prompts
        self.sweep_s = sweep_s
        self._digest = digest_of(document_of(services.agenda))
        self.log = log

    async def follow(self) -> bool:
        """Take up an agenda loaded by another process; True when it changed."""
        async with self.database.unit_of_work() as session:
            loaded = await Schedule(session).agenda(self.services.event_id)
            if loaded is None or loaded.digest == self._digest:
                return False
            self.services.agenda = agenda_of(loaded.document)
            self._digest = loaded.digest
        log.info("now following the agenda loaded at %s", as_utc(loaded.loaded_at).isoformat())
        return True

    async def run_once(self) -> Swept:
        """Send or skip every item whose time has come."""
        now = self.services.clock()
        event_id = self.services.event_id
        reminders = prompts = skipped = 0
        async with self.database.unit_of_work() as session:
            schedule = Schedule(session)
            held = await schedule.paused_since(event_id) is not None
            for item in await schedule.due(event_id, now, prompts=not held, limit=100):
                if is_overdue(as_utc(item.useful_until), now):
                    await schedule.finish(item, SKIPPED, now)
                    skipped += 1
                    log.info("schedule item %s skipped: past its use", item.id)
                elif item.kind == REMINDER:
                    reminders += await self._remind(schedule, item, now)
                    await schedule.finish(item, DONE, now)
                elif item.kind == PROMPT and self.prompts is not None:
                    broadcast_id = await self.prompts(session, item, self.services.agenda, now)
                    await schedule.finish(item, DONE, now, broadcast_id=broadcast_id)
                    prompts += 1
        return Swept(reminders, prompts, skipped)

    async def _remind(self, schedule: Schedule, item: ScheduledItem, now: datetime) -> int:
        services = self.services
        contents = []
        for account_id, channel, locale in await schedule.reminder_recipients(services.event_id):
            tr = services.catalogs.translator(locale or services.default_locale)
            text = reminder_text(tr, services.agenda, services.event, item.payload)
            if text is None:
                return 0
            reply = Reply(text)
            limits = services.channel_limits.get(channel)
            if limits is not None:
                reply = check(reply, limits)
            contents.append((account_id, to_content(reply)))
        await schedule.send_to_each(item, contents, now)
        return len(contents)

    async def next_fire(self) -> datetime | None:
        async with self.database.unit_of_work() as session:
            return await Schedule(session).next_fire(self.services.event_id)

    # running

    async def sweep(self) -> None:
        await self.follow()
        await self.run_once()
