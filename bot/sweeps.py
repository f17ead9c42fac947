"""A job the running bot repeats: every few seconds, and once more at a time it asks for.

The outbox dispatcher, the run of show and the follow-ups sweep the database this way: the
database, not APScheduler's job store, holds what is due. A late run is never dropped
(``misfire_grace_time=None``, where APScheduler's default of 1 s silently drops it) and
runs that fell behind run once (``coalesce``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.models import as_utc
from handlers.context import Services


class Sweeps:
    """``job`` every ``every_s`` seconds, from now until :meth:`shutdown`; construct it
    from a running loop."""

    def __init__(self, job: Callable[[], Awaitable[None]], every_s: float, name: str) -> None:
        self._job = job
        self._every_s = every_s
        self._wake_id = f"{name}_wake"
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(
            job,
            "interval",
            seconds=every_s,
            id=f"{name}_sweep",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()

    def wake_in(self, delay_s: float) -> None:
        """One more run in ``delay_s`` seconds, when that comes before the next sweep."""
        if 0 < delay_s < self._every_s:
            self._scheduler.add_job(
                self._job,
                "date",
                run_date=datetime.now(UTC) + timedelta(seconds=delay_s),
                id=self._wake_id,
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
            )

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=False)


class SweptByTime:
    """A job that sweeps every ``sweep_s`` and once more when its next item falls due.

    Subclasses give :meth:`sweep` (one pass) and :meth:`next_fire` (the next due time, or
    None), and set ``sweep_s``, ``services`` (for its clock) and ``log``; ``start`` and
    ``stop`` run it. A failed pass is logged, and the next sweep tries again.
    """

    NAME = "sweep"
    sweep_s: float
    services: Services
    log: logging.Logger
    _scheduler: Sweeps | None = None

    async def sweep(self) -> None:
        raise NotImplementedError

    async def next_fire(self) -> datetime | None:
        raise NotImplementedError

    def start(self) -> None:
        """Sweep every ``sweep_s`` and at the next item's time; call from a running loop."""
        if self._scheduler is None:
            self._scheduler = Sweeps(self._sweep, self.sweep_s, self.NAME)

    async def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown()

    async def _sweep(self) -> None:
        try:
            await self.sweep()
            await self._wake_at_next_fire()
        except Exception:
            self.log.exception("%s sweep failed", self.NAME)

    async def _wake_at_next_fire(self) -> None:
        if self._scheduler is None:
            return
        due = await self.next_fire()
        if due is not None:
            self._scheduler.wake_in((as_utc(due) - self.services.clock()).total_seconds())
