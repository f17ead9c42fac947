"""Who cannot be reached: the participants whose channel account said they blocked the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.models import ChannelAccount, Collectivity, Participant, as_utc
from db.session import Database


@dataclass(frozen=True, slots=True)
class Unreachable:
    since: datetime
    channel: str
    participant_id: int
    full_name: str
    collectivity_code: str
    collectivity_label: str


async def unreachable_participants(database: Database) -> list[Unreachable]:
    """Every registered participant's account marked unreachable, longest unreachable first."""
    async with database.unit_of_work() as session:
        rows = await session.execute(
            select(
                ChannelAccount.unreachable_at,
                ChannelAccount.channel,
                Participant.id,
                Participant.full_name,
                Collectivity.code,
                Collectivity.label_fr,
            )
            .join(Participant, Participant.id == ChannelAccount.participant_id)
            .join(Collectivity, Collectivity.id == Participant.collectivity_id)
            .where(ChannelAccount.unreachable_at.is_not(None))
            .order_by(ChannelAccount.unreachable_at, ChannelAccount.id)
        )
        return [
            Unreachable(as_utc(since), channel, pid, name, code, label)
            for since, channel, pid, name, code, label in rows
        ]
