"""The follow-ups of commitments, sent when due, for as long as the bot runs.

**Every sweep** (``SWEEP_S``, and at the next follow-up's time) takes the pending
follow-ups whose time has come (locked on PostgreSQL: two processes never take the same
one). A follow-up whose commitment was closed meanwhile is cancelled; any other becomes
one bulk outbox row per reachable channel account of its owner, in that account's
language, keyed ``followup:<follow-up id>:<account id>``, and is marked sent, in the
same unit of work: a crash or a restart repeats nothing and loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.sweeps import SweptByTime
from db.following import CANCELLED, SENT, Following
from db.models import CLOSED_STATUSES, Commitment, FollowUp
from db.networking import Networking
from db.outbox import BULK, Outbox
from db.session import Database
from handlers.context import Services
from handlers.follow_up_messages import follow_up_content
from handlers.messages import check, from_content

log = logging.getLogger("tawasul.follow_ups")
SWEEP_S = 30.0


@dataclass(frozen=True, slots=True)
class Swept:
    sent: int = 0
    """Follow-ups sent (whatever their number of accounts)."""
    rows: int = 0
    """Outbox rows written."""
    cancelled: int = 0


class FollowUpSweep(SweptByTime):
    """Sends the follow-ups that are due; ``run_once`` is one sweep."""

    NAME = "follow_ups"

    def __init__(self, database: Database, services: Services, *, sweep_s: float = SWEEP_S):
        self.database = database
        self.services = services
        self.sweep_s = sweep_s
        self.log = log

    async def run_once(self) -> Swept:
        now = self.services.clock()
        sent = rows = cancelled = 0
        async with self.database.unit_of_work() as session:
            following, outbox = Following(session), Outbox(session)
            networking = Networking(session)
            for follow_up, commitment in await following.due(self.services.event_id, now):
                if commitment.status in CLOSED_STATUSES:
                    await following.finish(follow_up, CANCELLED, now)
                    cancelled += 1
                    continue
                written = await self._send(
                    following, networking, outbox, follow_up, commitment, now
                )
                await following.finish(follow_up, SENT, now)
                sent += 1
                rows += written
                log.info("follow-up %s sent to %s accounts", follow_up.id, written)
        return Swept(sent, rows, cancelled)

    async def _send(
        self,
        following: Following,
        networking: Networking,
        outbox: Outbox,
        follow_up: FollowUp,
        commitment: Commitment,
        now: datetime,
    ) -> int:
        services = self.services
        participant = await following.participant(commitment.participant_id)
        if participant is None:
            return 0
        written = 0
        accounts = await networking.reachable_accounts([participant.id])
        for account in accounts.get(participant.id, ()):
            tr = services.catalogs.translator(account.locale or services.default_locale)
            content = follow_up_content(tr, follow_up.id, commitment, participant)
            limits = services.channel_limits.get(account.channel)
            if limits is not None:
                check(from_content(content), limits)
            await outbox.add(
                account.id,
                content,
                key=f"followup:{follow_up.id}:{account.id}",
                now=now,
                lane=BULK,
            )
            written += 1
        return written

    async def next_fire(self) -> datetime | None:
        async with self.database.unit_of_work() as session:
            return await Following(session).next_due(self.services.event_id)

    # running

    async def sweep(self) -> None:
        await self.run_once()
