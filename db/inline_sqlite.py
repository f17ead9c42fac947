"""SQLite for the async engine, with each statement run on the event loop's own thread.

aiosqlite runs every call (each execute, fetch, commit) on a worker thread and wakes the
event loop when it is done: a registration event costs some thirty such round trips, and
each waits behind whatever else the loop has to do at that moment, while the SQLite
writer's turn is held. A statement on a local SQLite file in WAL mode with
``synchronous=NORMAL`` takes tens of microseconds and never waits for the disk on commit
(only a checkpoint, every thousand pages, syncs it), less than one such round trip costs.
So the connections of :class:`db.session.Database` run their statements inline.

What makes that safe here: the units of work of one process take the SQLite writer's
turn one at a time (:class:`db.session.WriterTurns`), so a statement never waits for a
lock held by the same process; another process writing the file at the same moment (a
``tawasul`` command) holds its lock for one short transaction, waited for in SQLite's busy
handler, which holds up the event loop for that while (``busy_timeout``, 5 s, at most).
The migrations, which can be long, keep aiosqlite's worker thread.

It is aiosqlite's own ``Connection`` (SQLAlchemy's aiosqlite dialect drives it as usual),
with its worker thread replaced by a direct call.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import aiosqlite


class _Direct:
    """Stands for aiosqlite's queue to its worker thread: runs the call at once."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future | None, Any]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread, at once."""

    def __init__(self, database: str, **kwargs: Any) -> None:
        def connector() -> sqlite3.Connection:
            return sqlite3.connect(database, **{**kwargs, "check_same_thread": False})

        super().__init__(connector, iter_chunk_size=64)
        self._tx = _Direct()

    async def _execute(self, fn, *args, **kwargs):
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def __await__(self):
        return self._connect().__await__()

    def stop(self) -> None:
        self._running = False
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def inline_connect(dialect, _record, cargs, cparams):
    """The engine's ``do_connect`` hook: the dialect's usual connection over
    :class:`InlineConnection`."""
    return dialect.dbapi.connect(*cargs, async_creator_fn=InlineConnection, **cparams)
