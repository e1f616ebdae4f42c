"""Writes on hot paths never turn a request into a 500 (issue 9, finding 4): the last use of an
API token is skipped while the database is busy, and SQLite runs in WAL mode with
synchronous=NORMAL and a busy timeout well within a request's patience."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from imvo.web.accounts.models import ApiToken
from imvo.web.accounts.services import api_token_create, api_token_use
from imvo.web.busy import write_unless_busy
from web.accounts.people import build_people


@pytest.mark.postgres  # SQLite's in-memory test database locks whole tables, even for reads;
# on a database file the acceptance test (tests/web/test_import_load.py) covers it
@pytest.mark.django_db(transaction=True)
def test_a_token_is_accepted_while_its_last_use_cannot_be_written(live_cast: Any) -> None:
    people = build_people(live_cast)
    token, raw = api_token_create(user=people.zeeman_user)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # another request (or an import) writing, and holding on
        try:
            with transaction.atomic():
                ApiToken.objects.select_for_update().filter(pk=token.pk).update(name="busy")
                holding.set()
                release.wait(20)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(20)
        started = time.monotonic()
        used = api_token_use(raw=raw)
        took = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert used is not None and used.pk == token.pk
    assert took < 2, "skipped, not waited for"
    token.refresh_from_db()
    assert token.last_used_at is None
    assert api_token_use(raw=raw) is not None
    token.refresh_from_db()
    assert token.last_used_at is not None, "written once the database is free"


@pytest.mark.django_db
def test_a_skippable_write_that_succeeds_says_so(live_cast: Any) -> None:
    assert write_unless_busy(lambda: None, what="nothing") is True


@pytest.mark.django_db
def test_sqlite_connections_run_in_wal_mode_with_normal_sync(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["timeout"] <= 10, "a busy timeout within a request's patience"
    fresh = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(tmp_path / "new.sqlite3")}, alias="fresh"
    )
    try:
        with fresh.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == options["timeout"] * 1000
    finally:
        fresh.close()
