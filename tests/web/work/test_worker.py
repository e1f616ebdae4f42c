"""A real `imvo worker` process on a database file of its own (or a PostgreSQL database of its
own in the PostgreSQL pass): it imports a web upload, and a worker killed halfway through an
import is followed by one that removes the half-written list and imports it again.

The test process reads the worker's database with plain SQL; writes go through `driver.py`,
a process set up like the web app.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).with_name("driver.py")
# Stale after a few seconds, so that the sweep of a running worker acts within the test too.
STALE_SECONDS = 5

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.xdist_group("worker")]


@dataclass
class Site:
    """The worker's database and var folder, and how to reach them."""

    env: dict[str, str]
    folder: Path
    query: Callable[[str], list[tuple[Any, ...]]]

    def drive(self, *args: str) -> Any:
        done = subprocess.run(
            [sys.executable, str(DRIVER), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def worker(self, *args: str) -> subprocess.Popen[str]:
        with (self.folder / "worker.log").open("a") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "imvo.cli", "worker", "--interval", "0.2", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def log(self) -> str:
        return (self.folder / "worker.log").read_text(errors="replace")[-4000:]


@pytest.fixture
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(tmp_path),
        "IMVO_TASKS": "database",
        "IMVO_WORK_STALE_SECONDS": str(STALE_SECONDS),
        "IMVO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(DRIVER.parents[2]), os.environ.get("PYTHONPATH")])
        ),
    }
    if request.config.getoption("database") == "postgres":
        import psycopg

        server = request.getfixturevalue("postgres_server")
        name = f"worker_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
        address = f"host={server.host} port={server.port} user={server.user}"
        with psycopg.connect(f"{address} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{server.user}@{server.host}:{server.port}/{name}"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with psycopg.connect(f"{address} dbname={name}", autocommit=True) as con:
                return list(con.execute(sql).fetchall())

    else:
        import sqlite3

        path = tmp_path / "worker.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def query(sql: str) -> list[tuple[Any, ...]]:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            try:
                return list(con.execute(sql).fetchall())
            finally:
                con.close()

    found = Site(env=env, folder=tmp_path, query=query)
    found.drive("setup")
    yield found


def supplier_csv(path: Path, rows: int) -> Path:
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Name", "Address", "City", "Country"])
        for number in range(rows):
            kind = rng.choice(["Knit", "Denim", "Dyeing", "Washing"])
            city = rng.choice(["Dhaka", "Gazipur", "Chittagong"])
            writer.writerow(
                [f"{kind} Mill {number} Ltd", f"Plot {number}, Road {number % 97}", city, "BD"]
            )
    return path


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(
    site: Site, job: int, ended: Callable[[dict[str, Any]], bool], seconds: float
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = site.drive("status", str(job))
        if ended(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not get there in {seconds} s: {state}\n{site.log()}")


def test_a_worker_imports_a_web_upload_and_stores_its_progress(site: Site) -> None:
    job = site.drive("upload", str(supplier_csv(site.folder / "small.csv", 40)))["job"]
    assert site.drive("status", str(job))["work"]["status"] == "queued"  # nothing ran it yet

    worker = site.worker("--batch")
    assert worker.wait(180) == 0, site.log()

    state = site.drive("status", str(job))
    assert state["status"] == "done", state
    assert (state["done"], state["total"]) == (40, 40)
    # the work's own count: 40 rows matched, then 40 written
    assert state["work"] == {
        **state["work"],
        "status": "done",
        "attempts": 1,
        "done": 80,
        "total": 80,
    }
    assert state["lists"] == [[state["list"], "complete", 40]]
    assert state["uploads"] == []
    # django-tasks-db's own record of the task says the same
    assert site.query("SELECT status FROM django_tasks_database_dbtaskresult") == [("SUCCESSFUL",)]


def test_a_killed_worker_is_followed_by_a_retry_that_leaves_nothing_half_written(
    site: Site,
) -> None:
    rows = 6000
    job = site.drive("upload", str(supplier_csv(site.folder / "large.csv", rows)))["job"]
    first = site.worker()
    try:
        # Kill it halfway through writing: the list exists and holds some of its rows.
        deadline = time.monotonic() + 180
        written = 0
        while time.monotonic() < deadline and first.poll() is None:
            written = site.query(
                "SELECT COUNT(*) FROM suppliers_supplierrow r JOIN suppliers_importjob j"
                f" ON r.supplier_list_id = j.supplier_list_id WHERE j.id = {job}"
            )[0][0]
            if 0 < written < rows:
                break
            time.sleep(0.05)
        assert 0 < written < rows, f"never caught it halfway ({written} rows)\n{site.log()}"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
    killed = site.drive("status", str(job))
    assert killed["work"]["status"] == "running"  # what the dead worker left behind
    assert killed["lists"] and killed["lists"][0][1] != "complete"

    second = site.worker()
    restarted = time.monotonic()
    try:
        state = wait_for(site, job, lambda s: s["status"] in ("done", "failed"), 60)
    finally:
        stop(second)
    assert time.monotonic() - restarted < 60
    assert state["status"] == "done", (state, site.log())
    assert state["work"]["attempts"] == 2
    # one complete list with every row once; the dead attempt's rows and facilities are gone
    assert state["lists"] == [[state["list"], "complete", rows]]
    assert state["rows"] == rows
    assert state["facilities"] == rows
    assert state["uploads"] == []
    assert "retried" in site.log() or "attempt 2 of 3" in site.log()


def test_a_worker_at_its_start_fails_work_whose_worker_died_in_its_last_attempt(
    site: Site,
) -> None:
    job = site.drive("upload", str(supplier_csv(site.folder / "small.csv", 20)))["job"]
    # The job's work ran twice already and its worker died in the last attempt, long ago.
    site.drive("pretend-dead", str(job), "3")
    worker = site.worker()
    try:
        state = wait_for(site, job, lambda s: s["status"] == "failed", 30)
    finally:
        stop(worker)
    assert state["work"]["problem"] == {"code": "work.worker_died", "params": {"attempts": 3}}
    assert state["message"].startswith("small.csv: the import stopped")
    assert state["lists"] == [] and state["rows"] == 0
    assert state["uploads"] == []


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_serve_runs_a_worker_starts_it_again_when_it_dies_and_stops_it_at_the_end(
    site: Site,
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (site.folder / "serve.log").open("a") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "imvo.cli", "serve", "--port", str(port)],
            env=site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        first = wait_until(lambda: children(serve.pid), 30, "worker")[0]
        job = site.drive("upload", str(supplier_csv(site.folder / "small.csv", 20)))["job"]
        assert wait_for(site, job, lambda s: s["status"] == "done", 120)["lists"]

        os.kill(first, signal.SIGKILL)
        second = wait_until(
            lambda: [pid for pid in children(serve.pid) if pid != first], 30, "new worker"
        )[0]
        assert second != first
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
    assert serve.returncode is not None
    wait_until(lambda: not Path(f"/proc/{second}").exists() or _zombie(second), 15, "stop")


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_an_import_whose_worker_dies_in_every_attempt_ends_failed_with_the_reason(
    site: Site,
) -> None:
    """As when a hostile workbook makes the reader abort its process each time it is read."""
    job = site.drive("upload", str(supplier_csv(site.folder / "hostile.csv", 40)))["job"]
    for attempt in (1, 2, 3):
        worker = site.worker()
        try:
            wait_until(
                lambda attempt=attempt: site.query(
                    "SELECT 1 FROM work_work WHERE status = 'running' AND attempts = "
                    f"{attempt} AND subject = '{job}'"
                ),
                60,
                f"attempt {attempt}",
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            stop(worker)
    last = site.worker()  # its start sweep finds the third attempt's worker gone
    try:
        state = wait_for(site, job, lambda s: s["status"] == "failed", 30)
    finally:
        stop(last)
    assert state["work"]["attempts"] == 3
    assert state["work"]["problem"] == {"code": "work.worker_died", "params": {"attempts": 3}}
    assert state["message"].startswith("hostile.csv: the import stopped")
    assert state["lists"] == [] and state["rows"] == 0 and state["uploads"] == []
