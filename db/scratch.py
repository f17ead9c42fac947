"""Throwaway PostgreSQL databases, for the test suite and the benchmarks.

Each gets a random name on the given server, so runs never see each other's rows.
"""

from __future__ import annotations

import uuid

import asyncpg
from sqlalchemy.engine import make_url


def _server_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(server_url: str, prefix: str = "tawasul_scratch") -> str:
    """Create an empty database on the server of ``server_url``; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(_server_dsn(server_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, url: str) -> None:
    """Drop the database of ``url`` from ``server_url``, whoever is still connected to it."""
    name = make_url(url).database
    connection = await asyncpg.connect(_server_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
