"""Suite-wide wiring: which database the tests run on.

By default the database tests run on SQLite, as the application does when DATABASE_URL is unset.
With `--database=postgres` (or IMVO_TEST_DB=postgres) every xdist worker starts its own
throwaway PostgreSQL server (see pgserver.py), points Django's `default` database at it, and
only the tests that touch the database run: the same test files, on the other engine.
Tests marked `postgres` need that server and are skipped on SQLite.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from pgserver import PostgresServer, PostgresUnavailable, find_bindir, remove_strays

DATABASES = ("sqlite", "postgres")
STATEMENT_TIMEOUT_MS = 120_000
DB_FIXTURES = {
    "django_db_setup",
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=DATABASES,
        default=os.environ.get("IMVO_TEST_DB") or "sqlite",
        help="database engine for the database tests (default: $IMVO_TEST_DB or sqlite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("database") not in DATABASES:  # IMVO_TEST_DB bypasses `choices`
        raise pytest.UsageError(f"IMVO_TEST_DB must be one of {', '.join(DATABASES)}")
    if config.getoption("database") == "postgres" and not hasattr(config, "workerinput"):
        # Fail before collecting anything rather than skip every test: a pass on PostgreSQL
        # that quietly ran nothing must not look green.
        try:
            find_bindir()
        except PostgresUnavailable as error:
            raise pytest.UsageError(str(error)) from None
        remove_strays()
    if config.getoption("database") == "postgres":
        _interrupt_on_sigterm()


def _interrupt_on_sigterm() -> None:
    """Let `kill` (a CI timeout, say) stop the run the way Ctrl-C does, so the session's
    teardown still stops the servers; pytest's default is to die on the spot."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, interrupt)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('database')}"


def uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db")
        or item.get_closest_marker("postgres")
        or fixtures & DB_FIXTURES
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("database") == "postgres":
        keep = [
            item for item in items if uses_database(item) and not item.get_closest_marker("browser")
        ]
        dropped = [item for item in items if item not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with --database=postgres")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A PostgreSQL server for this session (this xdist worker), stopped and removed at the end,
    whether the tests passed or not."""
    if request.config.getoption("database") != "postgres":
        pytest.skip("needs PostgreSQL: run with --database=postgres")
    server = PostgresServer.start()
    atexit.register(server.stop)  # in case the session dies before fixture teardown
    try:
        yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> None:
    """Point `default` at this worker's PostgreSQL server in the PostgreSQL pass; on SQLite keep
    pytest-django's per-worker database names."""
    if request.config.getoption("database") != "postgres":
        request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")
        return
    from django.conf import settings
    from django.db import connections

    server: PostgresServer = request.getfixturevalue("postgres_server")
    # Each worker has a server of its own, so no per-worker suffix is needed.
    default = settings.DATABASES["default"]
    default.update(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "imvo",
            "USER": server.user,
            "PASSWORD": "",
            "HOST": server.host,
            "PORT": str(server.port),
            # A bad plan fails the test within two minutes instead of stalling the run.
            "OPTIONS": {"options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"},
            "TEST": {**default.get("TEST", {}), "NAME": "test_imvo"},
        }
    )
    # A connection object made before this point would still speak SQLite.
    connections.close_all()
    for alias in settings.DATABASES:
        with contextlib.suppress(AttributeError):
            del connections[alias]


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest) -> bool:
    """On PostgreSQL, skip dropping the test database: the whole server is thrown away, and a
    live server's request thread may still hold a connection that would make the drop fail."""
    if request.config.getoption("database") == "postgres":
        return True
    return bool(request.config.getvalue("reuse_db"))
