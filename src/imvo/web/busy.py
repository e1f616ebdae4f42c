"""Writes a request can do without, such as noting when an API token was last used: while the
database is busy (an import writing, on SQLite), they are skipped rather than waited for, and
never turn the request into an error."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

logger = logging.getLogger(__name__)

# How long such a write waits for the database before it is skipped.
SKIPPABLE_WAIT_MS = 250


def write_unless_busy(
    write: Callable[[], Any], *, what: str, wait_ms: int = SKIPPABLE_WAIT_MS
) -> bool:
    """Run `write` in a transaction of its own, waiting at most `wait_ms` for the database;
    skip it (logged at debug level) when the database is busy. True when it was written."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with _patience(connection, wait_ms), transaction.atomic():
            write()
    except OperationalError as error:
        logger.debug("skipped %s: the database is busy (%s)", what, error)
        return False
    return True


@contextmanager
def _patience(connection: Any, wait_ms: int) -> Iterator[None]:
    """Within an outer transaction the lock is held already (SQLite) or waited for as the
    outer transaction says; otherwise wait `wait_ms` at most."""
    if connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        raw = connection.connection
        (before,) = raw.execute("PRAGMA busy_timeout").fetchone()
        raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(before)}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = %s", [f"{int(wait_ms)}ms"])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = DEFAULT")
    else:
        yield
