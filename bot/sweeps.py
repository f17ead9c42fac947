"""A job the running bot repeats: every few seconds, and once more at a time it asks for.

The outbox dispatcher and the run of show both sweep the database this way: the
database, not APScheduler's job store, holds what is due. A late run is never dropped
(``misfire_grace_time=None``, where APScheduler's default of 1 s silently drops it) and
runs that fell behind run once (``coalesce``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler


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
