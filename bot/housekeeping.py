"""Housekeeping while the bot runs: abandoned drafts and expired profiles are erased.

A draft holds personal data (name, position, phone, email) before any consent, so it
must not outlive the person's interest. An account with no participant whose last
message is older than the idle time is deleted with its dialogue state: the draft, the
channel account and its language choice. A participant is never touched here; only
their stale side step (a language choice or an erasure question left unanswered) is
reset, so that no stray answer can act on it weeks later.

A participant's profile is kept for the retention period stated in the consent text
(``[privacy] retention_months``) after the last event of the network they registered
for; then it is erased as ``/delete_me`` would: the participant, their event
registrations and every channel account.

The copy of a reply the bot sent is deleted ``[privacy] sent_replies_days`` after it was
written: a reply may repeat the person's name, phone or email (the registration summary).

The jobs run at start (from the bootstrap) and every hour on an APScheduler
AsyncIOScheduler; the scheduler of the reminders will take them over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import and_, delete, func, or_, select

from db.models import ChannelAccount, DialogueState, Event, EventRegistration, Participant
from db.outbox import purge_finished_replies
from db.session import Database

log = logging.getLogger("tawasul.housekeeping")
JOB_ID = "expire_drafts"
INTERVAL = timedelta(hours=1)


async def expire_drafts(database: Database, now: datetime, idle: timedelta) -> int:
    """Erase the drafts idle for ``idle`` or longer; return how many were erased.

    Idle means: the dialogue state was last written before ``now - idle``, or, for an
    account with no dialogue state, the account was created before it.
    """
    cutoff = now - idle
    async with database.unit_of_work() as session:
        stale_accounts = (
            select(ChannelAccount.id)
            .outerjoin(DialogueState, DialogueState.account_id == ChannelAccount.id)
            .where(
                ChannelAccount.participant_id.is_(None),
                or_(
                    DialogueState.updated_at < cutoff,
                    and_(
                        DialogueState.account_id.is_(None),
                        ChannelAccount.created_at < cutoff,
                    ),
                ),
            )
        )
        ids = list(await session.scalars(stale_accounts))
        if ids:
            await session.execute(delete(DialogueState).where(DialogueState.account_id.in_(ids)))
            await session.execute(delete(ChannelAccount).where(ChannelAccount.id.in_(ids)))
        participants_steps = await session.execute(
            delete(DialogueState).where(
                DialogueState.updated_at < cutoff,
                DialogueState.account_id.in_(
                    select(ChannelAccount.id).where(ChannelAccount.participant_id.is_not(None))
                ),
            )
        )
        reset = participants_steps.rowcount or 0
    if ids or reset:
        log.info("expired drafts=%d reset steps=%d", len(ids), reset)
    return len(ids)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, or the last day of that month when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


async def expire_profiles(database: Database, today: date, retention_months: int) -> int:
    """Erase the participants whose last event ended over ``retention_months`` ago.

    A participant with no event registration at all is measured from their creation.
    """
    cutoff = months_before(today, retention_months)
    async with database.unit_of_work() as session:
        last_event = (
            select(func.max(Event.starts_on))
            .join(EventRegistration, EventRegistration.event_id == Event.id)
            .where(EventRegistration.participant_id == Participant.id)
            .scalar_subquery()
        )
        expired = select(Participant.id).where(
            or_(
                last_event < cutoff,
                and_(last_event.is_(None), func.date(Participant.created_at) < cutoff),
            )
        )
        ids = list(await session.scalars(expired))
        if ids:
            await session.execute(
                delete(ChannelAccount).where(ChannelAccount.participant_id.in_(ids))
            )
            await session.execute(
                delete(EventRegistration).where(EventRegistration.participant_id.in_(ids))
            )
            await session.execute(delete(Participant).where(Participant.id.in_(ids)))
    if ids:
        log.info("retention expired participants=%d", len(ids))
    return len(ids)


class Housekeeping:
    """The periodic jobs of a running bot, on one AsyncIOScheduler."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime],
        draft_idle: timedelta,
        *,
        retention_months: int,
        timezone: str,
        sent_replies_kept: timedelta = timedelta(days=7),
    ) -> None:
        self.database = database
        self.clock = clock
        self.draft_idle = draft_idle
        self.retention_months = retention_months
        self.timezone = ZoneInfo(timezone)
        self.sent_replies_kept = sent_replies_kept
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    async def run_once(self) -> int:
        """Run every expiry now; the scheduled job calls this too. Returns the drafts erased."""
        now = self.clock()
        drafts = await expire_drafts(self.database, now, self.draft_idle)
        today = now.astimezone(self.timezone).date()
        await expire_profiles(self.database, today, self.retention_months)
        purged = await purge_finished_replies(self.database, now - self.sent_replies_kept)
        if purged:
            log.info("purged sent replies=%d", purged)
        return drafts

    def start(self) -> None:
        """Schedule the jobs; needs the running event loop."""
        if self.scheduler.running:
            return
        self.scheduler.add_job(
            self.run_once,
            "interval",
            seconds=INTERVAL.total_seconds(),
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            # AsyncIOScheduler runs shutdown as a callback on the loop: let it happen.
            await asyncio.sleep(0)
