"""The PostgreSQL pass really runs on PostgreSQL, and the differences from SQLite that matter to
this application hold there. Run with `pytest --database=postgres` (`make test` does)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from imvo.web.registry.models import Covenant, Organisation, OrganisationKind, Participation, Source
from pgserver import FOLDER_PREFIX, PostgresServer, remove_strays

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_database_tests_run_on_a_real_postgresql_server() -> None:
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 130000  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone() == ("UTF8",)


def test_each_xdist_worker_has_a_server_of_its_own(postgres_server: PostgresServer) -> None:
    assert connection.settings_dict["PORT"] == str(postgres_server.port)
    assert connection.settings_dict["NAME"] == "test_imvo"


def test_postgres_rejects_text_longer_than_its_field_where_sqlite_would_keep_it() -> None:
    # SQLite ignores max_length; a loader that relies on the database to catch it is wrong.
    with pytest.raises(DataError), transaction.atomic():
        Source.objects.create(key="k" * 81, title="t", publisher="p")


def test_participation_cannot_end_before_it_began() -> None:
    covenant = Covenant.objects.create(
        slug="textile", name_nl="Textiel", name_en="Textile", short_name="Textile"
    )
    hema = Organisation.objects.create(slug="hema", name="HEMA", kind=OrganisationKind.COMPANY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            covenant=covenant,
            organisation=hema,
            joined_on=dt.date(2017, 1, 1),
            left_on=dt.date(2016, 12, 31),
        )


def test_case_insensitive_search_folds_accented_capitals() -> None:
    # SQLite's LIKE folds ASCII only, so on SQLite "ÉCLAT" would not find "éclat".
    Organisation.objects.create(slug="eclat", name="éclat mode", kind=OrganisationKind.COMPANY)
    found = Organisation.objects.filter(name__icontains="ÉCLAT")
    assert [organisation.slug for organisation in found] == ["eclat"]


@pytest.fixture
def base() -> Iterator[Path]:
    """A folder for extra servers. Not pytest's tmp_path: that is private to root, and the
    servers run as the postgres user."""
    folder = Path(tempfile.mkdtemp(prefix="imvo-pg-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_stopping_a_server_removes_its_folder(base: Path) -> None:
    server = PostgresServer.start(base=base)
    assert server.running
    assert (server.datadir / "postmaster.pid").exists()
    server.stop()
    assert not server.folder.exists()
    assert not server.running


def test_a_server_left_by_a_killed_run_is_stopped_and_removed(base: Path) -> None:
    # A child process starts a server and is killed before it can clean up.
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parents[1])!r})
        from pathlib import Path
        from pgserver import PostgresServer
        server = PostgresServer.start(base=Path({str(base)!r}))
        print(server.datadir, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    datadir = Path(killed.stdout.strip())
    postmaster = int((datadir / "postmaster.pid").read_text().splitlines()[0])

    removed = remove_strays(base)

    assert [folder.name for folder in removed] == [datadir.parent.name]
    assert datadir.parent.name.startswith(FOLDER_PREFIX)
    assert not datadir.parent.exists()
    _wait_until_gone(postmaster)


def _wait_until_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return
        # Orphaned, the postmaster is reaped by init, which in a container may never happen.
        if "\nState:\tZ" in status:
            return
        time.sleep(0.1)
    pytest.fail(f"postmaster {pid} still running after {timeout}s")
