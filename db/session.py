"""The database: engine creation, migrations on start and the unit of work.

Start-up problems are raised as :class:`DatabaseMisconfigured` (the URL is wrong: fix the
configuration) or :class:`DatabaseUnavailable` (the server is down or silent), each a
single line that never shows the URL's password.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import fcntl
import os
import re
import socket
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from db.inline_sqlite import inline_connect

MIGRATIONS = Path(__file__).with_name("migrations")
POSTGRES_POOL_SIZE = 20
POSTGRES_POOL_OVERFLOW = 10
"""Connections kept open to PostgreSQL, and opened beyond them at a peak. SQLAlchemy's 5
(+10) keep events of different people waiting for a connection under load; 30 in all
leaves room under the server's default of 100 for a second process and the commands."""
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a PostgreSQL server to accept and answer; asyncpg's default is 60."""
DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
URL_FORMS = "sqlite:///path/to/tawasul.db or postgresql://user@host/dbname"
FIX_URL = "database.url or TAWASUL_DATABASE_URL"
# SQLSTATE classes that mean "this URL names something the server does not have".
_WRONG_URL_STATES = ("28", "3D")


class DatabaseMisconfigured(Exception):
    """The database URL is wrong: a configuration problem (exit code 2)."""


class DatabaseUnavailable(Exception):
    """The database server cannot be reached or does not answer (exit code 1)."""


class NestedUnitOfWork(RuntimeError):
    """A unit of work was opened inside another one of the same database, in the same task.

    On SQLite it would wait forever for the writer turn its own task holds; it is refused on
    PostgreSQL as well, so that code behaves the same on both. A bug, never an operator's
    problem.
    """


_OPEN_UNITS: contextvars.ContextVar[frozenset[tuple[asyncio.Task | None, Database]]] = (
    contextvars.ContextVar("tawasul_open_units_of_work", default=frozenset())
)
"""The (task, database) pairs whose unit of work is open. A task started inside a unit of
work inherits the set, so the task is part of the key: only the same task is refused."""

STARTUP_LOCK_KEY = 0x7461776173756C
"""The PostgreSQL advisory lock taken while the schema is upgraded and the database seeded
("tawasul" in ASCII). Advisory locks are per database, so other databases are not held up."""


def hide_password(text: str) -> str:
    """``text`` with the password of anything that looks like ``user:password@``."""
    return re.sub(r"([^\s:/@]+:)(?!//)[^@\s]*@", r"\1***@", text)


def check_url(url: str) -> URL:
    """The parsed URL of a database Tawasul can use, else :class:`DatabaseMisconfigured`."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseMisconfigured(
            f"database URL {hide_password(url)!r} is not a URL: use {URL_FORMS}"
        ) from None
    if parsed.drivername not in DRIVERS:
        raise DatabaseMisconfigured(
            f"database URL {shown(parsed)}: unsupported database {parsed.drivername!r} "
            f"(use {URL_FORMS})"
        )
    if parsed.get_backend_name() == "postgresql" and not parsed.database:
        raise DatabaseMisconfigured(
            f"database URL {shown(parsed)}: no database name (use {URL_FORMS})"
        )
    return parsed


def shown(url: URL) -> str:
    """The URL as it may be printed or logged: password hidden, plain driver name."""
    plain = url.set(drivername=url.get_backend_name())
    return plain.render_as_string(hide_password=True)


def describe(url: str) -> str:
    """What the operator should read to know which database is in use."""
    parsed = check_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return "SQLite in memory"
        return f"SQLite {Path(parsed.database).resolve()}"
    return f"PostgreSQL {shown(parsed)}"


def async_url(url: str) -> str:
    """Give a plain ``sqlite:///`` or ``postgresql://`` URL its async driver."""
    parsed = check_url(url)
    parsed = parsed.set(drivername=DRIVERS[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def _states(error: BaseException) -> list[str]:
    """The SQLSTATE codes along an error's chain (SQLAlchemy wraps asyncpg's errors)."""
    found, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        state = getattr(error, "sqlstate", None)
        if isinstance(state, str):
            found.append(state)
        error = getattr(error, "orig", None) or error.__cause__
    return found


def _reason(error: BaseException) -> str:
    """The first line of the driver's own message, without SQLAlchemy's wrapping."""
    while isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig.__cause__ or error.orig
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def connect_error(url: URL, error: BaseException, timeout: float = CONNECT_TIMEOUT) -> Exception:
    """The one-line problem behind a failed first connection to ``url``."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_error(url, error)
    where = f"the database at {shown(url)}"
    reason = _reason(error)
    if isinstance(error, TimeoutError):
        return DatabaseUnavailable(
            f"{where} did not answer within {timeout:g} s: "
            f"check that PostgreSQL runs there, or fix {FIX_URL}"
        )
    if isinstance(error, socket.gaierror):
        return DatabaseUnavailable(
            f"{where}: host {url.host!r} not found: fix the host in {FIX_URL}"
        )
    if isinstance(error, ConnectionRefusedError):
        return DatabaseUnavailable(
            f"{where} refused the connection: start PostgreSQL, or fix {FIX_URL}"
        )
    if isinstance(error, OSError):
        return DatabaseUnavailable(f"cannot connect to {where} ({reason}): fix {FIX_URL}")
    if any(state.startswith(_WRONG_URL_STATES) for state in _states(error)):
        return DatabaseMisconfigured(
            f"{where}: PostgreSQL says {reason}: create it, or fix the user or "
            f"database name in {FIX_URL}"
        )
    return DatabaseUnavailable(f"{where} failed on connect ({reason}): try again, or fix {FIX_URL}")


def sqlite_problem(url: URL) -> DatabaseMisconfigured | None:
    """Why the SQLite file of ``url`` cannot be opened for writing, found before connecting.

    Checked ahead because aiosqlite, after a failed connect, finishes its worker thread
    on an event loop that may already be closed, and prints that thread's traceback.
    """
    if not url.database or url.database == ":memory:":
        return None
    file = Path(url.database).resolve()
    if not file.parent.is_dir():
        return DatabaseMisconfigured(
            f"SQLite database {file}: folder {file.parent} does not exist: "
            f"create it, or fix {FIX_URL}"
        )
    if file.is_dir():
        return DatabaseMisconfigured(
            f"SQLite database {file}: is a folder: name a file in it, or fix {FIX_URL}"
        )
    target = file if file.exists() else file.parent
    if not os.access(target, os.R_OK | os.W_OK) or not os.access(file.parent, os.W_OK):
        return DatabaseMisconfigured(
            f"SQLite database {file}: cannot be opened for writing: "
            f"check the rights on {target}, or fix {FIX_URL}"
        )
    return None


def _sqlite_error(url: URL, error: BaseException) -> Exception:
    problem = sqlite_problem(url)
    if problem is not None:
        return problem
    file = Path(url.database or "").resolve()
    return DatabaseMisconfigured(
        f"SQLite database {file}: cannot be opened ({_reason(error)}): "
        f"check the file and its folder, or fix {FIX_URL}"
    )


@contextlib.asynccontextmanager
async def _file_lock(url: URL) -> AsyncIterator[None]:
    """An exclusive ``flock`` on ``<database file>.lock``, waited for off the event loop.

    A file of its own: closing a descriptor of the database file itself would drop the
    POSIX locks SQLite holds on it in this process. An in-memory database needs none.
    """
    if not url.database or url.database == ":memory:":
        yield
        return
    if problem := sqlite_problem(url):
        raise problem
    descriptor = os.open(f"{Path(url.database).resolve()}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _migrate(connection: Connection, step, revision: str) -> None:
    """Run an Alembic upgrade or downgrade; on SQLite, check the foreign keys it left."""
    step(alembic_config(connection), revision)
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            tables = sorted({row[0] for row in broken})
            raise RuntimeError(f"migration to {revision} broke foreign keys in {tables}")


def _sqlite_migration_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class WriterTurns:
    """One holder at a time, first come first served, urgent waiters before the others."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    def waiting(self) -> int:
        """How many wait for their turn."""
        return sum(not waiter.done() for line in (self._urgent, self._others) for waiter in line)

    @contextlib.asynccontextmanager
    async def turn(self, urgent: bool = False) -> AsyncIterator[None]:
        await self._take(urgent)
        try:
            yield
        finally:
            self._hand_on()

    async def _take(self, urgent: bool) -> None:
        if not self._held:
            self._held = True
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._others).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._hand_on()
            raise

    def _hand_on(self) -> None:
        """Give the turn to the next waiter still waiting, else free it."""
        for line in (self._urgent, self._others):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """Owns the engine; hands out sessions, one per unit of work."""

    def __init__(
        self, url: str, *, echo: bool = False, connect_timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self._parsed = check_url(url)
        self._connect_timeout = connect_timeout
        self.url = async_url(url)
        self.shown_url = shown(self._parsed)
        options = {}
        if self.dialect_of_url == "postgresql":
            options = {
                "connect_args": {"timeout": connect_timeout},
                "pool_size": POSTGRES_POOL_SIZE,
                "max_overflow": POSTGRES_POOL_OVERFLOW,
            }
        # hide_parameters: an error message must never carry a name or a phone number.
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, hide_parameters=True, **options
        )
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "do_connect", inline_connect)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sqlite_writer = WriterTurns() if self.dialect == "sqlite" else None

    @property
    def dialect_of_url(self) -> str:
        return self._parsed.get_backend_name()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """ "SQLite /absolute/path" or "PostgreSQL postgresql://user:***@host/db"."""
        return describe(self._parsed.render_as_string(hide_password=False))

    @contextlib.asynccontextmanager
    async def _begin(self, *, for_migrations: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction; failing to connect is one of this module's errors.

        On SQLite, migrations get a connection of their own with foreign keys off: a batch
        migration recreates a table, and dropping the old one with foreign keys on would
        cascade to the rows that refer to it (``ON DELETE SET NULL`` or ``CASCADE``).
        """
        sqlite = self.dialect_of_url == "sqlite"
        if sqlite and (problem := sqlite_problem(self._parsed)):
            raise problem
        engine = self.engine
        if sqlite and for_migrations:
            engine = create_async_engine(self.url, poolclass=NullPool)
            event.listen(engine.sync_engine, "connect", _sqlite_migration_pragmas)
        try:
            try:
                connection = await engine.connect()
            except (OSError, DBAPIError, TimeoutError) as error:
                raise connect_error(self._parsed, error, self._connect_timeout) from None
            try:
                async with connection.begin():
                    yield connection
            finally:
                await connection.close()
        finally:
            if engine is not self.engine:
                await engine.dispose()

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with the Alembic migrations.

        It is the first thing every command does, so it is where a wrong URL or a server
        that is down shows, as :class:`DatabaseMisconfigured` or :class:`DatabaseUnavailable`.
        """

        async with self._begin(for_migrations=True) as connection:
            await connection.run_sync(_migrate, command.upgrade, revision)

    @contextlib.asynccontextmanager
    async def startup_lock(self) -> AsyncIterator[None]:
        """Held while the schema is upgraded and the database seeded: one process at a time.

        Two processes starting at once on a fresh database would both create the tables,
        both find no collectivities and both seed them. On PostgreSQL the lock is
        ``pg_advisory_xact_lock``, on a connection of its own, whose transaction stays open
        until the work is done: a second process waits there, then finds it all done. A
        crash releases it with the connection. On SQLite the file is one process's (the
        in-process writer turn does the rest), and alembic's DDL runs outside any SQLite
        transaction, so it is an exclusive ``flock`` on ``<file>.lock`` beside the database.
        """
        if self.dialect_of_url == "sqlite":
            async with _file_lock(self._parsed):
                yield
            return
        async with self._begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": STARTUP_LOCK_KEY}
            )
            yield

    async def revision(self) -> str | None:
        """The schema revision the database is at (None before the first migration)."""
        async with self._begin() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )

    async def downgrade(self, revision: str = "base") -> None:
        async with self._begin(for_migrations=True) as connection:
            await connection.run_sync(_migrate, command.downgrade, revision)

    @contextlib.asynccontextmanager
    async def unit_of_work(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose changes are committed together, or not at all.

        SQLite has one writer at a time; queueing units of work in the process keeps
        concurrent ones from colliding on its lock and sleeping in its busy handler. So on
        SQLite the units of work of one process run one after the other, whole: two events
        of one person can never interleave there (one process per SQLite file). An
        ``urgent`` one (delivery's short claims and outcomes) goes before those waiting,
        so a committed reply is not sent only after every event queued behind it.

        A unit of work opened inside another of the same database, in the same task, raises
        :class:`NestedUnitOfWork` at once instead of waiting forever for the writer turn.
        """
        key = (asyncio.current_task(), self)
        open_units = _OPEN_UNITS.get()
        if key in open_units:
            raise NestedUnitOfWork(
                "a unit of work was opened inside another one of the same database: "
                "pass the open store or session down instead of opening a second one"
            )
        token = _OPEN_UNITS.set(open_units | {key})
        try:
            async with self._writer_turn(urgent), self._sessions() as session:
                try:
                    yield session
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
        finally:
            _OPEN_UNITS.reset(token)

    def _writer_turn(self, urgent: bool) -> contextlib.AbstractAsyncContextManager:
        if self._sqlite_writer is None:
            return contextlib.nullcontext()
        return self._sqlite_writer.turn(urgent)

    async def close(self) -> None:
        await self.engine.dispose()
