"""Background work: `imvo worker`, and the supervisor that `imvo serve` runs it under.

`imvo worker` is django-tasks-db's `db_worker` with what it lacks: the memory limit of
`IMVO_IMPORT_MEMORY_MB` on its own process (a hostile workbook can make the spreadsheet reader
abort the process that reads it), and the recovery sweep of `imvo.web.work`, at start and every
half of `IMVO_WORK_STALE_SECONDS`, which retries or fails the work of workers that died.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import click

from imvo.cli.base import cli, database, django_setup

logger = logging.getLogger("imvo.worker")


def database_ready() -> None:
    """Refuse to start on a database that is not migrated."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with database():
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise click.ClickException("the database is not up to date: run `imvo migrate` first")


def worker_id_new() -> str:
    """A worker id unique across machines and restarts: host, process and a random part."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"[:64]


@cli.command()
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 60),
    help="Seconds between two looks at the queue when it is empty.",
)
@click.option("--batch", is_flag=True, help="Run what is queued, then stop.")
@click.option("--worker-id", default=None, help="This worker's id (default: host-pid-random).")
def worker(interval: float, batch: bool, worker_id: str | None) -> None:
    """Run background work (imports, publications, de-duplication) from the database queue."""
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from imvo.web.suppliers.jobs import memory_limit

    if settings.IMVO_TASKS != "database":
        raise click.ClickException(
            f"IMVO_TASKS is {settings.IMVO_TASKS}: work runs in the request, not in a worker"
        )
    database_ready()
    chosen = (worker_id or worker_id_new())[:64]
    memory_limit()
    with database():
        found = _sweep(chosen)
    click.echo(
        f"worker {chosen}: recovered {found['retried']} retried, {found['failed']} failed; "
        "waiting for work (Ctrl+C stops)"
    )
    sweeper = threading.Thread(target=_sweep_every, args=(chosen,), name="work-sweep", daemon=True)
    sweeper.start()
    call_command(
        "db_worker",
        worker_id=chosen,
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=False,
        verbosity=1,
    )


def _sweep(me: str) -> dict[str, int]:
    from imvo.web.work.services import work_recover, worker_alive

    return work_recover(alive=lambda work: worker_alive(work, me=me), me=me)


def _sweep_every(me: str) -> None:
    """The recovery sweep, every half of the stale age, for as long as the worker runs."""
    from django.db import connection

    from imvo.web.work.services import stale_after

    every = max(1.0, stale_after().total_seconds() / 2)
    while True:
        time.sleep(every)
        try:
            found = _sweep(me)
            if found["retried"] or found["failed"]:
                logger.warning("recovered work of dead workers: %s", found)
        except Exception:  # a locked or lost database: the next sweep tries again
            logger.warning("the recovery sweep failed", exc_info=True)
        finally:
            connection.close()


# --------------------------------------------------------------------------------------------
# Supervision by `imvo serve`
# --------------------------------------------------------------------------------------------


def worker_command() -> list[str]:
    """How `imvo serve` starts its worker: this Python, `imvo worker`."""
    return [sys.executable, "-m", "imvo.cli", "worker"]


class Supervisor:
    """Keep one worker process running beside the web server: start it, start it again when
    it dies (waiting longer each time it dies quickly, at most `longest` seconds), stop it at
    the end."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        start: Callable[..., Any] = subprocess.Popen,
        first_wait: float = 1.0,
        longest: float = 30.0,
        steady: float = 60.0,
    ) -> None:
        self.command = list(command)
        self.start_process = start
        self.first_wait = first_wait
        self.longest = longest
        self.steady = steady
        self.stopping = threading.Event()
        self.process: Any = None
        self.starts = 0
        self.thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _watch(self) -> None:
        wait = self.first_wait
        while not self.stopping.is_set():
            began = time.monotonic()
            self.process = self.start_process(self.command, preexec_fn=_die_with_parent)
            self.starts += 1
            code = self.process.wait()
            if self.stopping.is_set():
                return
            wait = self.first_wait if time.monotonic() - began > self.steady else wait
            click.echo(f"imvo: the worker stopped (exit {code}); starting it again", err=True)
            if self.stopping.wait(wait):
                return
            wait = min(wait * 2, self.longest)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker: a graceful signal (it finishes its task), then a kill."""
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.thread.join(timeout)


def _die_with_parent() -> None:
    """In the worker process before it runs: end with the web server, even when it is
    killed (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
