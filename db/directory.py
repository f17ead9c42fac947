"""The collectivities and regions as the flows look them up."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Collectivity, Region
from db.session import Database
from domain.arabic import normalise
from domain.collectivity_labels import label_ar, label_fr
from domain.collectivity_search import Candidate, CollectivityIndex

KIND_ORDER = {"region": 0, "prefecture": 1, "province": 1, "commune": 2}
PARENT_KINDS = ("prefecture", "province")
# A French name's leading article does not decide its place in a list ("L'Oriental").
_FRENCH_ARTICLES = frozenset({"l", "le", "la", "les", "el", "al", "d"})


def local_name(item: Collectivity | Region, locale: str) -> str:
    """The Arabic name for Arabic readers, the French one otherwise (the official pair)."""
    return item.name_ar if locale == "ar" else item.name_fr


def local_label(collectivity: Collectivity, locale: str) -> str:
    """The official label for the reader: Arabic for Arabic readers, French otherwise."""
    return collectivity.label_ar if locale == "ar" else collectivity.label_fr


def region_label(region: Region, locale: str) -> str:
    """«جهة الشرق» / « Région de l'Oriental »."""
    return (
        label_ar("region", region.name_ar) if locale == "ar" else label_fr("region", region.name_fr)
    )


def sort_key(item: Collectivity | Region, locale: str) -> str:
    """Collation for lists in the reader's language.

    Arabic: by the Arabic name as :func:`domain.arabic.normalise` folds it, so the article
    ال, hamza forms and marks do not move a name. French (and English): by the French
    name without accents, case or a leading article (L'/Le/La/Les/El/Al).
    """
    if locale == "ar":
        return normalise(item.name_ar)
    words = normalise(item.name_fr).split()
    if len(words) > 1 and words[0] in _FRENCH_ARTICLES:
        words = words[1:]
    return " ".join(words)


class Directory:
    """Search and browse; the fuzzy index is rebuilt when the table changes."""

    def __init__(self) -> None:
        self._index: CollectivityIndex | None = None
        self._version: tuple[int, int, int] | None = None

    async def _current_index(self, session: AsyncSession) -> CollectivityIndex:
        # A re-import may rename or re-alias rows without adding any: the lengths of the
        # names and aliases are a cheap fingerprint of what the index holds.
        count, last, letters = (
            await session.execute(
                select(
                    func.count(Collectivity.id),
                    func.max(Collectivity.id),
                    func.sum(
                        func.length(Collectivity.name_ar)
                        + func.length(Collectivity.name_fr)
                        + func.length(Collectivity.aliases)
                        + func.length(Collectivity.kind)
                    ),
                )
            )
        ).one()
        version = (count, last or 0, letters or 0)
        if self._index is None or version != self._version:
            rows = (
                await session.execute(
                    select(
                        Collectivity.id,
                        Collectivity.name_ar,
                        Collectivity.name_fr,
                        Collectivity.kind,
                        Collectivity.aliases,
                    )
                )
            ).all()
            self._index = CollectivityIndex(
                Candidate(id_, ar, fr, kind, tuple(a for a in aliases.split("|") if a))
                for id_, ar, fr, kind, aliases in rows
            )
            self._version = version
        return self._index

    async def search(self, session: AsyncSession, query: str, limit: int = 5) -> list[int]:
        return (await self._current_index(session)).search(query, limit=limit)

    async def scored(
        self, session: AsyncSession, query: str, limit: int = 5
    ) -> list[tuple[Collectivity, float]]:
        """The best matches with their scores, best first."""
        found = (await self._current_index(session)).scored(query, limit=limit)
        rows = {
            c.id: c
            for c in await session.scalars(
                select(Collectivity).where(Collectivity.id.in_([id_ for id_, _ in found]))
            )
        }
        return [(rows[id_], score) for id_, score in found if id_ in rows]

    async def get(self, session: AsyncSession, collectivity_id: int) -> Collectivity | None:
        return await session.get(Collectivity, collectivity_id)

    async def by_invite_code(self, session: AsyncSession, code: str) -> Collectivity | None:
        return await session.scalar(select(Collectivity).where(Collectivity.invite_code == code))

    async def regions(self, session: AsyncSession) -> list[Region]:
        """The twelve regions, in their official code order."""
        return list(await session.scalars(select(Region).order_by(Region.code)))

    async def in_region(
        self, session: AsyncSession, region_code: str, locale: str = "fr"
    ) -> list[Collectivity]:
        """What a region lists: itself, its prefectures and provinces, then its communes
        that belong to none, each group sorted in the reader's language."""
        rows = await session.scalars(
            select(Collectivity).where(
                Collectivity.region_code == region_code, Collectivity.parent_id.is_(None)
            )
        )
        return sorted(rows, key=lambda c: (KIND_ORDER.get(c.kind, 9), sort_key(c, locale)))

    async def in_parent(
        self, session: AsyncSession, parent_id: int, locale: str = "fr"
    ) -> list[Collectivity]:
        """The communes of a prefecture or province, sorted in the reader's language."""
        rows = await session.scalars(
            select(Collectivity).where(Collectivity.parent_id == parent_id)
        )
        return sorted(rows, key=lambda c: sort_key(c, locale))

    async def has_children(self, session: AsyncSession, collectivity_id: int) -> bool:
        found = await session.scalar(
            select(Collectivity.id).where(Collectivity.parent_id == collectivity_id).limit(1)
        )
        return found is not None


async def search_report(database: Database, query: str, limit: int = 5) -> list[str]:
    """The lines of ``tawasul collectivities search QUERY``: why the bot proposes what it does.

    One line per match, best first: ``code<TAB>score<TAB>label_fr<TAB>label_ar``.
    """
    async with database.unit_of_work() as session:
        found = await Directory().scored(session, query, limit=limit)
        return [f"{c.code}\t{score:.1f}\t{c.label_fr}\t{c.label_ar}" for c, score in found]
