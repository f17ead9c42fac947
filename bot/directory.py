"""The collectivities and regions as the flows look them up."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.collectivity_search import Candidate, CollectivityIndex
from db.models import Collectivity, Region

KIND_ORDER = {"region": 0, "province": 1, "commune": 2}


def local_name(item: Collectivity | Region, locale: str) -> str:
    """The Arabic name for Arabic readers, the French one otherwise (the official pair)."""
    return item.name_ar if locale == "ar" else item.name_fr


class Directory:
    """Search and browse; the fuzzy index is rebuilt when the table changes."""

    def __init__(self) -> None:
        self._index: CollectivityIndex | None = None
        self._version: tuple[int, int] | None = None

    async def _current_index(self, session: AsyncSession) -> CollectivityIndex:
        count, last = (
            await session.execute(select(func.count(Collectivity.id), func.max(Collectivity.id)))
        ).one()
        version = (count, last or 0)
        if self._index is None or version != self._version:
            rows = (
                await session.execute(
                    select(Collectivity.id, Collectivity.name_ar, Collectivity.name_fr)
                )
            ).all()
            self._index = CollectivityIndex(Candidate(*row) for row in rows)
            self._version = version
        return self._index

    async def search(self, session: AsyncSession, query: str, limit: int = 5) -> list[int]:
        return (await self._current_index(session)).search(query, limit=limit)

    async def get(self, session: AsyncSession, collectivity_id: int) -> Collectivity | None:
        return await session.get(Collectivity, collectivity_id)

    async def by_invite_code(self, session: AsyncSession, code: str) -> Collectivity | None:
        return await session.scalar(select(Collectivity).where(Collectivity.invite_code == code))

    async def regions(self, session: AsyncSession) -> list[Region]:
        return list(await session.scalars(select(Region).order_by(Region.code)))

    async def in_region(self, session: AsyncSession, region_code: str) -> list[Collectivity]:
        rows = await session.scalars(
            select(Collectivity).where(Collectivity.region_code == region_code)
        )
        return sorted(rows, key=lambda c: (KIND_ORDER.get(c.kind, 9), c.name_fr.casefold()))
