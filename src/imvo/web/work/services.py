"""Writes of background work: enqueue, claim, progress, heartbeat, finish, fail, recover.

Each write is its own short transaction, so a worker's progress and heartbeat never wait on
(or hold up) the work it reports on. django-tasks runs `imvo.web.work.tasks.work_task`, which
calls `work_run`; everything else here is plain Django and needs no worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from imvo.core.errors import ImvoError
from imvo.web.work.kinds import Progress, kind_get
from imvo.web.work.messages import problem_english
from imvo.web.work.models import Work, WorkStatus

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
PROGRESS_EVERY = 0.5  # seconds between two progress writes: at most two a second
# A worker on this machine whose process still lives is taken for dead only after this many
# times the stale age: a long step without a heartbeat is not a death.
ALIVE_PATIENCE = 10


def stale_after() -> timedelta:
    """How old a running piece's heartbeat may grow before its worker is taken for dead."""
    return timedelta(seconds=int(settings.IMVO_WORK_STALE_SECONDS))


def heartbeat_every() -> float:
    """Seconds between two heartbeats: six fit in the stale age."""
    return max(0.2, int(settings.IMVO_WORK_STALE_SECONDS) / 6)


# --------------------------------------------------------------------------------------------
# Enqueue and run
# --------------------------------------------------------------------------------------------


def work_enqueue(
    *,
    kind: str,
    subject: str = "",
    params: Mapping[str, Any] | None = None,
    user: User | None = None,
    max_attempts: int | None = None,
) -> Work:
    """Record a piece of work and queue its task; returns it as it is then (with the
    immediate backend of the tests: finished)."""
    kind_get(kind)  # an unknown kind fails here, not in the worker
    work = Work.objects.create(
        kind=kind,
        subject=subject[:200],
        params=dict(params or {}),
        created_by=user,
        max_attempts=max_attempts or int(settings.IMVO_WORK_ATTEMPTS),
    )
    _task_enqueue(work)
    work.refresh_from_db()
    return work


def _task_enqueue(work: Work) -> None:
    from imvo.web.work.tasks import work_task

    result = work_task.enqueue(work.pk)
    Work.objects.filter(pk=work.pk).update(task_result_id=str(result.id)[:64])


def work_run(
    *, work_id: int, worker_id: str, heartbeat: bool = True, clock: Clock = timezone.now
) -> str:
    """Claim the queued work and run it to its end, done or failed; returns its status then
    ("skipped" when it was not queued: another worker has it, or it was recovered)."""
    work = work_claim(work_id=work_id, worker_id=worker_id, clock=clock)
    if work is None:
        return "skipped"
    kind = kind_get(work.kind)
    beat = _Heartbeat(work.pk, work.attempts, heartbeat_every()) if heartbeat else None
    if beat is not None:
        beat.start()
    try:
        result = kind.run(work, WorkProgress(work.pk))
    except ImvoError as error:
        work_fail(work=work, problem=_problem_named(error), message=_placed(error), clock=clock)
        return WorkStatus.FAILED
    except Exception:
        logger.exception("work %s (%s %s) failed", work.pk, work.kind, work.subject)
        work_fail(work=work, problem={"code": "work.failed"}, clock=clock)
        raise  # the task result keeps the traceback
    else:
        work_finish(work=work, result=result, clock=clock)
        return WorkStatus.DONE
    finally:
        if beat is not None:
            beat.stop()


def work_claim(*, work_id: int, worker_id: str, clock: Clock = timezone.now) -> Work | None:
    """Mark the queued work running in this process (one more attempt); None when it is not
    queued."""
    now = clock()
    with transaction.atomic():
        work = Work.objects.select_for_update().filter(pk=work_id, status=WorkStatus.QUEUED).first()
        if work is None:
            return None
        work.status = WorkStatus.RUNNING
        work.attempts += 1
        work.worker_id = worker_id[:64]
        work.worker_host = socket.gethostname()[:255]
        work.worker_pid = os.getpid()
        work.started_at = now
        work.heartbeat_at = now
        work.done = work.total = 0
        work.save()
    return work


def work_progress(*, work_id: int, done: int, total: int, clock: Clock = timezone.now) -> None:
    """Store how far the work got (and that its worker lives)."""
    with transaction.atomic():
        Work.objects.filter(pk=work_id, status=WorkStatus.RUNNING).update(
            done=max(0, done), total=max(0, total), heartbeat_at=clock()
        )


def work_heartbeat(*, work_id: int, attempt: int, clock: Clock = timezone.now) -> None:
    """Say that the worker running this attempt still lives."""
    with transaction.atomic():
        Work.objects.filter(pk=work_id, status=WorkStatus.RUNNING, attempts=attempt).update(
            heartbeat_at=clock()
        )


def work_finish(
    *, work: Work, result: Mapping[str, Any] | None = None, clock: Clock = timezone.now
) -> bool:
    """Mark this attempt done; False when the work was taken from it meanwhile (recovered as
    dead), in which case nothing changes."""
    values: dict[str, Any] = {
        "status": WorkStatus.DONE,
        "result": dict(result or {}),
        "finished_at": clock(),
        "heartbeat_at": clock(),
    }
    with transaction.atomic():
        current = _own(work)
        if current is None:
            logger.warning("work %s finished after it was recovered; result dropped", work.pk)
            return False
        if current.total:
            values["done"] = current.total
        Work.objects.filter(pk=work.pk).update(**values)
    work.refresh_from_db()
    return True


def work_fail(
    *,
    work: Work,
    problem: Mapping[str, Any],
    message: str | None = None,
    clock: Clock = timezone.now,
) -> bool:
    """Mark this attempt failed for good with its problem (a message code and parameters) and
    tell the kind; False when the work was taken from it meanwhile."""
    with transaction.atomic():
        current = _own(work)
        if current is None:
            return False
        current.status = WorkStatus.FAILED
        current.problem = dict(problem)
        current.message = (message or problem_english(problem))[:2000]
        current.finished_at = clock()
        current.save()
    _failed_tell(current)  # outside: removing a large half-written list takes many writes
    work.refresh_from_db()
    return True


def _own(work: Work) -> Work | None:
    """The work, locked, if it still runs the attempt `work` holds."""
    return (
        Work.objects.select_for_update()
        .filter(pk=work.pk, status=WorkStatus.RUNNING, attempts=work.attempts)
        .first()
    )


def _failed_tell(work: Work) -> None:
    """Remove what the failed attempt half-wrote, then tell its kind."""
    kind = kind_get(work.kind)
    if kind.discard is not None:
        kind.discard(work)
    if kind.failed is not None:
        kind.failed(work)


def _problem_named(error: ImvoError) -> dict[str, Any]:
    named: dict[str, Any] = {"code": error.code or "work.error", "params": dict(error.params)}
    if error.code is None:
        named["params"] = {"message": error.message}
    for key in ("file", "row", "field"):
        value = getattr(error, key)
        if value:
            named[key] = value
    return named


def _placed(error: ImvoError) -> str:
    """The message with the file and row it concerns, as the command line prints it."""
    where = [part for part in (error.file, f"row {error.row}" if error.row else None) if part]
    return f"{': '.join(where)}: {error.message}" if where else error.message


class WorkProgress:
    """`progress(done, total)` for a kind's run: stored at most twice a second (and always at
    the end), each write in its own transaction; `also` is told of every stored value."""

    def __init__(
        self,
        work_id: int,
        *,
        every: float = PROGRESS_EVERY,
        also: Progress | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.work_id = work_id
        self.every = every
        self.also = also
        self.clock = clock
        self.last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and self.last is not None and now - self.last < self.every:
            return
        self.last = now
        work_progress(work_id=self.work_id, done=done, total=total)
        if self.also is not None:
            self.also(done, total)

    def joined(self, also: Progress) -> WorkProgress:
        """The same reporter, also telling `also` of each stored value."""
        return WorkProgress(self.work_id, every=self.every, also=also, clock=self.clock)


class _Heartbeat:
    """A thread that writes the heartbeat while an attempt runs, on its own connection."""

    def __init__(self, work_id: int, attempt: int, every: float) -> None:
        self.work_id = work_id
        self.attempt = attempt
        self.every = every
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"work-heartbeat-{work_id}", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    work_heartbeat(work_id=self.work_id, attempt=self.attempt)
                except Exception:  # a locked or lost database: try again at the next beat
                    logger.warning("heartbeat of work %s not written", self.work_id, exc_info=True)
        finally:
            connection.close()


# --------------------------------------------------------------------------------------------
# Recovery of work whose worker died
# --------------------------------------------------------------------------------------------


def worker_alive(work: Work, *, me: str = "") -> bool | None:
    """Whether the process that runs `work` lives: True or False when it ran on this machine,
    None when that cannot be known here (another machine)."""
    if not work.worker_pid or work.worker_host != socket.gethostname()[:255]:
        return None
    if work.worker_pid == os.getpid():
        # This process: alive if it is the worker that claimed it, else a reused process id.
        return not me or work.worker_id == me
    try:
        os.kill(work.worker_pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process by that number
        return True
    return True


def work_recover(
    *,
    clock: Clock = timezone.now,
    stale: timedelta | None = None,
    alive: Callable[[Work], bool | None] | None = None,
    me: str = "recovery",
) -> dict[str, int]:
    """Find running work whose worker died and queue it again (removing what the dead attempt
    half-wrote), or fail it with a reason after its last attempt. Returns how many of each.

    A worker is taken for dead when `alive` says its process is gone, or when its heartbeat is
    older than `stale` (ten times that while its process on this machine still lives). `me`
    names the sweeping worker, which owns a piece while it removes the leftovers.
    """
    now = clock()
    limit = stale if stale is not None else stale_after()
    check = alive if alive is not None else worker_alive
    summary = {"retried": 0, "failed": 0}
    for work in Work.objects.filter(status=WorkStatus.RUNNING).order_by("pk"):
        if not _dead(work, now=now, stale=limit, alive=check(work)):
            continue
        outcome = _recover_one(work, now=now, me=me)
        if outcome is not None:
            summary[outcome] += 1
    return summary


def _dead(work: Work, *, now: datetime, stale: timedelta, alive: bool | None) -> bool:
    if alive is False:
        return True
    last = work.heartbeat_at or work.started_at or work.created_at
    age = now - last
    return age > (stale * ALIVE_PATIENCE if alive else stale)


def _recover_one(found: Work, *, now: datetime, me: str) -> str | None:
    with transaction.atomic():
        work = _own(found)
        if work is None:
            return None  # it finished, or another sweep took it, meanwhile
        try:
            kind = kind_get(work.kind)
        except LookupError:
            kind = None
        retry = kind is not None and work.attempts < work.max_attempts
        _task_result_abandon(work.task_result_id, now=now)
        if retry:
            # This sweep owns it while the dead attempt's leftovers go: another sweep sees a
            # live worker with a fresh heartbeat and leaves it alone.
            work.worker_id = me[:64]
            work.worker_host = socket.gethostname()[:255]
            work.worker_pid = os.getpid()
            work.heartbeat_at = now
        else:
            work.status = WorkStatus.FAILED
            work.problem = {"code": "work.worker_died", "params": {"attempts": work.attempts}}
            work.message = problem_english(work.problem)
            work.finished_at = now
        work.save()
    if kind is None or not retry:
        if kind is not None:
            _failed_tell(work)
        logger.warning("work %s (%s %s): its worker died; failed", work.pk, work.kind, work.subject)
        return "failed"
    if kind.discard is not None:
        kind.discard(work)  # in short transactions of its own
    with transaction.atomic():
        requeued = Work.objects.filter(
            pk=work.pk, status=WorkStatus.RUNNING, attempts=work.attempts
        ).update(
            status=WorkStatus.QUEUED,
            worker_id="",
            worker_host="",
            worker_pid=None,
            heartbeat_at=None,
            done=0,
            total=0,
        )
    if not requeued:
        return None
    work.refresh_from_db()
    _task_enqueue(work)
    logger.warning(
        "work %s (%s %s): its worker died; attempt %s of %s queued",
        work.pk,
        work.kind,
        work.subject,
        work.attempts + 1,
        work.max_attempts,
    )
    return "retried"


def _task_result_abandon(result_id: str, *, now: datetime) -> None:
    """Close the task result a dead worker left running, so the task list tells the truth."""
    if not result_id or not _database_backend():
        return
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="imvo.web.work.WorkerDied",
        traceback="the worker running this task died; see imvo.web.work for the retry",
    )


def _database_backend() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
