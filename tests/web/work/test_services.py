"""Background work in one process: enqueue, progress, failure, and the recovery sweep with a
fake clock (a worker's death is a heartbeat that stopped, or a process that is gone)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imvo.core.errors import ImvoError
from imvo.web.work.kinds import Kind, Progress, kind_register
from imvo.web.work.models import Work, WorkStatus
from imvo.web.work.services import (
    WorkProgress,
    work_enqueue,
    work_recover,
    worker_alive,
)

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
T0 = datetime(2026, 3, 6, 12, 0, tzinfo=timezone.get_fixed_timezone(0))
STALE = timedelta(seconds=30)

# What the test kinds were asked to do, in order.
asked: list[tuple[str, Any]] = []


def count_to_three(work: Work, progress: Progress) -> dict[str, Any]:
    for done in range(1, 4):
        progress(done, 3)
    asked.append(("run", work.params))
    return {"counted": 3}


def refuse(work: Work, progress: Progress) -> dict[str, Any]:
    raise ImvoError("no list for 2017", field="year")


def leftovers_discard(work: Work) -> None:
    asked.append(("discard", work.pk))


def tell_failed(work: Work) -> None:
    asked.append(("failed", work.problem.get("code")))


COUNTING = kind_register(
    Kind(
        name="test.count",
        title="Counting",
        run=count_to_three,
        discard=leftovers_discard,
        failed=tell_failed,
    )
)
REFUSING = kind_register(Kind(name="test.refuse", title="Refusing", run=refuse, failed=tell_failed))


@pytest.fixture(autouse=True)
def calls() -> Iterator[list[tuple[str, Any]]]:
    asked.clear()
    yield asked
    asked.clear()


@pytest.fixture
def queued(db: None, settings: Any) -> Any:
    """Work queued in the database, as the web does it; nothing runs it here."""
    settings.TASKS = DATABASE
    settings.IMVO_TASKS = "database"

    def make(**fields: Any) -> Work:
        work = work_enqueue(kind="test.count", subject="s", params={"n": 1})
        Work.objects.filter(pk=work.pk).update(**fields)
        work.refresh_from_db()
        return work

    return make


def running(queued: Any, *, attempts: int = 1, beat: datetime = T0, **fields: Any) -> Work:
    """Work that a worker on another machine claimed and last heard of at `beat`."""
    work = queued(
        status=WorkStatus.RUNNING,
        attempts=attempts,
        worker_id="elsewhere-7-abc",
        worker_host="elsewhere.invalid",
        worker_pid=7,
        started_at=beat,
        heartbeat_at=beat,
        **fields,
    )
    DBTaskResult.objects.filter(id=work.task_result_id).update(status=TaskResultStatus.RUNNING)
    return work


def unknown(work: Work) -> bool | None:
    return None  # another machine: only the heartbeat tells


def at(moment: datetime) -> Any:
    return lambda: moment


# ---- running work --------------------------------------------------------------------------


def test_enqueued_work_runs_and_keeps_its_result_and_progress(db: None) -> None:
    work = work_enqueue(kind="test.count", subject="s", params={"n": 1})

    assert work.status == WorkStatus.DONE
    assert work.result == {"counted": 3}
    assert (work.done, work.total, work.attempts) == (3, 3, 1)
    assert work.task_result_id
    assert work.finished_at is not None
    assert asked == [("run", {"n": 1})]


def test_work_that_raises_an_imvo_error_fails_with_its_problem_and_tells_its_kind(
    db: None,
) -> None:
    work = work_enqueue(kind="test.refuse")

    assert work.status == WorkStatus.FAILED
    assert work.message == "no list for 2017"
    assert work.problem == {
        "code": "work.error",
        "params": {"message": "no list for 2017"},
        "field": "year",
    }
    assert asked == [("failed", "work.error")]


def test_an_unknown_kind_is_refused_before_anything_is_queued(db: None) -> None:
    with pytest.raises(LookupError):
        work_enqueue(kind="test.nobody")
    assert not Work.objects.exists()


def test_progress_is_written_at_most_twice_a_second_and_always_at_the_end(queued: Any) -> None:
    work = queued(status=WorkStatus.RUNNING, attempts=1)
    now = [100.0]
    seen: list[tuple[int, int]] = []
    progress = WorkProgress(work.pk, clock=lambda: now[0], also=lambda d, t: seen.append((d, t)))

    for done in range(10):  # ten calls within 0.45 s: only the first is written
        progress(done, 10)
        now[0] += 0.05
    now[0] += 0.5
    progress(10, 10)

    assert seen == [(0, 10), (10, 10)]
    work.refresh_from_db()
    assert (work.done, work.total) == (10, 10)


# ---- the recovery sweep --------------------------------------------------------------------


def test_a_fresh_heartbeat_is_left_alone(queued: Any) -> None:
    work = running(queued)

    found = work_recover(clock=at(T0 + STALE - timedelta(seconds=1)), stale=STALE, alive=unknown)

    assert found == {"retried": 0, "failed": 0}
    work.refresh_from_db()
    assert work.status == WorkStatus.RUNNING
    assert asked == []


def test_a_stale_heartbeat_queues_the_work_again_after_removing_its_leftovers(
    queued: Any,
) -> None:
    work = running(queued)
    dead_task = work.task_result_id

    found = work_recover(clock=at(T0 + STALE + timedelta(seconds=1)), stale=STALE, alive=unknown)

    assert found == {"retried": 1, "failed": 0}
    work.refresh_from_db()
    assert work.status == WorkStatus.QUEUED
    assert (work.attempts, work.attempt, work.retrying) == (1, 2, True)
    assert (work.worker_id, work.worker_pid, work.heartbeat_at) == ("", None, None)
    assert asked == [("discard", work.pk)]
    # the dead worker's task result is closed, and a new one waits for a worker
    assert DBTaskResult.objects.get(id=dead_task).status == TaskResultStatus.FAILED
    assert work.task_result_id != dead_task
    assert DBTaskResult.objects.get(id=work.task_result_id).status == TaskResultStatus.READY


def test_after_its_last_attempt_dead_work_fails_with_the_reason(queued: Any) -> None:
    work = running(queued, attempts=3)

    found = work_recover(clock=at(T0 + timedelta(minutes=5)), stale=STALE, alive=unknown)

    assert found == {"retried": 0, "failed": 1}
    work.refresh_from_db()
    assert work.status == WorkStatus.FAILED
    assert work.problem == {"code": "work.worker_died", "params": {"attempts": 3}}
    assert "in each of 3 attempts" in work.message
    assert work.finished_at == T0 + timedelta(minutes=5)
    assert asked == [("discard", work.pk), ("failed", "work.worker_died")]
    assert work_recover(clock=at(T0 + timedelta(hours=1)), stale=STALE, alive=unknown) == {
        "retried": 0,
        "failed": 0,
    }


def test_a_worker_process_that_is_gone_is_dead_at_once(queued: Any) -> None:
    running(queued)

    found = work_recover(clock=at(T0), stale=STALE, alive=lambda w: False)

    assert found == {"retried": 1, "failed": 0}


def test_a_live_worker_process_is_given_ten_times_the_stale_age(queued: Any) -> None:
    running(queued)

    patient = work_recover(clock=at(T0 + STALE * 9), stale=STALE, alive=lambda w: True)
    beyond = work_recover(clock=at(T0 + STALE * 11), stale=STALE, alive=lambda w: True)

    assert patient == {"retried": 0, "failed": 0}
    assert beyond == {"retried": 1, "failed": 0}


def test_work_of_a_kind_no_app_registers_any_more_fails(queued: Any) -> None:
    work = running(queued, kind="test.gone")

    found = work_recover(clock=at(T0 + timedelta(minutes=1)), stale=STALE, alive=unknown)

    assert found == {"retried": 0, "failed": 1}
    work.refresh_from_db()
    assert work.status == WorkStatus.FAILED


def test_a_retried_piece_runs_again_to_its_end(queued: Any, settings: Any) -> None:
    work = running(queued)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    work_recover(clock=at(T0 + timedelta(minutes=1)), stale=STALE, alive=unknown)

    work.refresh_from_db()
    assert (work.status, work.attempts, work.result) == (WorkStatus.DONE, 2, {"counted": 3})


def test_worker_alive_knows_the_processes_of_this_machine_only(queued: Any) -> None:
    import socket

    here = socket.gethostname()
    gone = Work(worker_host=here, worker_pid=_finished_pid(), worker_id="a")
    mine = Work(worker_host=here, worker_pid=_own_pid(), worker_id="me")

    assert worker_alive(gone) is False
    assert worker_alive(mine, me="me") is True
    assert worker_alive(mine, me="someone-before-me") is False  # a reused process id
    assert worker_alive(Work(worker_host="elsewhere.invalid", worker_pid=1)) is None


def _finished_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _own_pid() -> int:
    import os

    return os.getpid()
