"""Supplier-list uploads waiting between steps, and their import in the background.

An upload is kept under `VAR_DIR / "uploads"` by a random token (never by a name or path the
client sends) until it is imported or a day has passed. The import runs as an `ImportJob`
through the background work of `imvo.web.work` (kind "suppliers.import"): a task of
django-tasks that `imvo worker` runs, memory-limited, because a hostile workbook can make the
spreadsheet reader abort its whole process; a worker that dies is noticed by the recovery
sweep, which removes the half-imported list and tries again or fails the job with a reason.
How far the matching got is stored in the database, in the work and the job.

The preview of an upload runs in a spawned, memory-limited process of its own for the same
reason (with the immediate backend of the tests: in the request). That process imports this
module before Django is set up, so the models are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from imvo.core.errors import ImvoError
from imvo.core.intake.limits import MB, Limits
from imvo.core.intake.messages import intake_error, message_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imvo.web.registry.models import Covenant, Organisation
    from imvo.web.suppliers.models import ImportJob
    from imvo.web.work.kinds import Progress
    from imvo.web.work.models import Work

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")
KEPT_FOR = timedelta(days=1)
SAMPLE_ROWS = 3
ABOVE_ROWS = 10  # the rows above the header shown on the upload page, the nearest ones
WAIT_SECONDS = 300  # the longest a request waits for a job (the API's ?wait=true)
IMPORT_KIND = "suppliers.import"
DEDUPLICATE_KIND = "suppliers.deduplicate"


# --------------------------------------------------------------------------------------------
# Uploads kept between the steps
# --------------------------------------------------------------------------------------------


def uploads_dir() -> Path:
    """Where uploads wait; made on first use, readable by this account only."""
    directory = Path(settings.VAR_DIR) / "uploads"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def upload_limits() -> Limits:
    """The intake limits, with the largest file size from `IMVO_UPLOAD_MAX_MB`."""
    return Limits(max_bytes=settings.IMVO_UPLOAD_MAX_MB * MB)


def upload_stage(data: bytes) -> str:
    """Keep the bytes of an upload and return the token that names them."""
    uploads_sweep()
    token = secrets.token_urlsafe(32)
    descriptor = os.open(_upload_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return token


def upload_read(token: str) -> bytes:
    """The bytes kept under `token`; ImvoError (field "file") when they are gone."""
    try:
        return _upload_path(token).read_bytes()
    except FileNotFoundError:
        raise intake_error("upload.gone", field="file") from None


def upload_discard(token: str) -> None:
    """Remove an upload (nothing happens when it is gone)."""
    _upload_path(token).unlink(missing_ok=True)


def uploads_sweep(*, now: float | None = None, kept_for: timedelta = KEPT_FOR) -> int:
    """Remove uploads older than `kept_for`; returns how many files went."""
    oldest = (now if now is not None else time.time()) - kept_for.total_seconds()
    removed = 0
    for path in uploads_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by another request meanwhile
            continue
    return removed


def _upload_path(token: str) -> Path:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise intake_error("upload.unknown", field="file")
    return uploads_dir() / token


# --------------------------------------------------------------------------------------------
# A first read: sheets, columns and what the synonyms found
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePreview:
    """What the column-mapping step shows of a file.

    `samples[i]` holds the first values of column `labels[i]`; `suggested` maps each label to
    the field the header synonyms found (None for an unknown column); `missing` names the
    required fields that no column holds. `above` holds the rows above the header (row number
    and text) and `header_set` says the user set the header row rather than it being guessed.
    """

    filename: str
    format: str
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int
    labels: tuple[str, ...]
    headers: tuple[str, ...]
    samples: tuple[tuple[str, ...], ...]
    suggested: Mapping[str, str | None]
    unknown: tuple[str, ...]
    missing: tuple[str, ...]
    rows: int
    above: tuple[tuple[int, str], ...] = ()
    header_set: bool = False

    @property
    def needs_mapping(self) -> bool:
        return bool(self.missing or self.unknown)

    @property
    def layout_guessed(self) -> bool:
        """The list was looked for: below rows above the header, or on one of several sheets."""
        return bool(self.above) or len(self.sheets) > 1


def table_preview(
    data: bytes,
    *,
    filename: str,
    sheet: str | None = None,
    header_row: int | None = None,
    limits: Limits | None = None,
) -> TablePreview:
    """Read a file's header and first rows, in a memory-limited process of its own when work
    runs in the background.

    Raises ImvoError naming the file when it cannot be read or breaks the limits, also when
    the reader brought its worker process down.
    """
    chosen = limits or upload_limits()
    if settings.IMVO_TASKS == "immediate":
        return _preview(data, filename, sheet, header_row, chosen, None)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_preview, data, filename, sheet, header_row, chosen, _memory_bytes())
        try:
            return future.result(timeout=WAIT_SECONDS)
        except BrokenProcessPool:
            raise intake_error("file.reader_stopped", field="file", file=filename) from None


def _preview(
    data: bytes,
    filename: str,
    sheet: str | None,
    header_row: int | None,
    limits: Limits,
    memory: int | None,
) -> TablePreview:
    """The preview itself: plain Python and the intake core, so a worker needs no Django."""
    from imvo.core.intake import map_headers, read_table

    if memory is not None:
        memory_limit(memory)
    table = read_table(data, filename=filename, sheet=sheet, header_row=header_row, limits=limits)
    try:
        mapping = map_headers(table.header)
    except ImvoError as error:  # two columns for one field: the mapping step settles it
        mapping = map_headers(table.header, dict.fromkeys(table.labels))
        logger.debug("header mapping left to the user: %s", error.message)
    by_index = {index: field for field, index in mapping.fields.items()}
    labels = table.labels
    samples = tuple(
        tuple(row.values[index] for row in table.rows[:SAMPLE_ROWS] if index < len(row.values))
        for index in range(len(labels))
    )
    return TablePreview(
        filename=table.filename,
        format=str(table.format),
        sheet=table.sheet,
        sheets=table.sheets,
        header_row=table.header_row,
        labels=labels,
        headers=tuple(table.header),
        samples=samples,
        suggested={label: by_index.get(index) for index, label in enumerate(labels)},
        unknown=mapping.unknown,
        missing=mapping.missing,
        rows=len(table.rows),
        above=tuple(
            (row.number, " · ".join(value.strip() for value in row.values if value.strip()))
            for row in table.above[-ABOVE_ROWS:]
        ),
        header_set=header_row is not None,
    )


# --------------------------------------------------------------------------------------------
# Import jobs
# --------------------------------------------------------------------------------------------


def import_job_create(
    *,
    company: Organisation,
    year: int,
    token: str,
    filename: str,
    covenant: Covenant | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, str | None] | None = None,
    user: User | None = None,
) -> ImportJob:
    """A queued import of the upload kept under `token`."""
    from imvo.web.suppliers.models import ImportJob

    _upload_path(token)  # a malformed token is refused before anything is written
    return ImportJob.objects.create(
        company=company,
        year=year,
        covenant=covenant,
        token=token,
        filename=filename[:255],
        sheet=sheet or "",
        header_row=header_row,
        mapping=dict(mapping or {}),
        created_by=user,
    )


def import_job_start(job: ImportJob, *, wait: bool = False) -> ImportJob:
    """Queue the job's import as background work; with `wait`, return only when it has ended
    (or after `WAIT_SECONDS`). Returns the job as it is then."""
    from imvo.web.work.services import work_enqueue

    work_enqueue(kind=IMPORT_KIND, subject=str(job.pk), params={"job": job.pk}, user=job.created_by)
    job.refresh_from_db()
    if wait:
        job = import_job_wait(job, seconds=WAIT_SECONDS)
    return job


def import_job_wait(job: ImportJob, *, seconds: float, every: float = 0.25) -> ImportJob:
    """The job once it has ended, or as it is after `seconds`."""
    from imvo.web.suppliers.models import ImportJobStatus

    deadline = time.monotonic() + seconds
    while job.status not in (ImportJobStatus.DONE, ImportJobStatus.FAILED):
        if time.monotonic() >= deadline:
            break
        time.sleep(every)
        job.refresh_from_db()
    return job


def import_job_work(job: ImportJob) -> Work | None:
    """The background work of the job (its latest, should there be more)."""
    from imvo.web.work.selectors import work_latest

    return work_latest(kind=IMPORT_KIND, subject=str(job.pk))


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """Rows matched so far and in all."""
    return job.done, job.total


def import_job_run(work: Work, progress: Progress) -> dict[str, Any]:
    """The work of kind "suppliers.import": import the job's upload, done or failed."""
    from django.db import transaction

    from imvo.web.suppliers.models import ImportJob, ImportJobStatus
    from imvo.web.suppliers.services import supplier_list_import

    job_id = int(work.params["job"])
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status = ImportJobStatus.RUNNING
        job.done = job.total = 0
        job.save(update_fields=["status", "done", "total"])

    def job_progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total)

    supplier_list = supplier_list_import(
        company=job.company,
        year=job.year,
        covenant=job.covenant,
        data=upload_read(job.token),
        filename=job.filename,
        sheet=job.sheet or None,
        header_row=job.header_row,
        mapping=job.mapping or None,
        uploaded_by=job.created_by,
        progress=_joined(progress, job_progress),
        limits=upload_limits(),
        job=job,
    )
    # A failure raises on: the work fails with its problem and `import_job_failed` tells the job.
    job.status = ImportJobStatus.DONE
    job.supplier_list = supplier_list
    job.total = supplier_list.row_count
    job.done = supplier_list.row_count
    job.message = job.field = ""
    job.problem = {}
    _job_finish(job)
    upload_discard(job.token)
    return {"job": job.pk, "list": supplier_list.pk, "rows": supplier_list.row_count}


def import_job_discard(work: Work) -> None:
    """Remove what an attempt of the job half-wrote (its unfinished list), before it is tried
    again or failed; the job waits again, the upload stays for the next attempt."""
    from imvo.web.suppliers.models import ImportJob, ImportJobStatus

    job = ImportJob.objects.select_related("supplier_list").filter(pk=work.params["job"]).first()
    if job is None or job.status == ImportJobStatus.DONE:
        return
    if job.supplier_list is not None:
        from imvo.web.suppliers.services import supplier_list_discard

        supplier_list_discard(supplier_list=job.supplier_list)
        job.supplier_list = None
    job.status = ImportJobStatus.QUEUED
    job.done = job.total = 0
    job.save(update_fields=["supplier_list", "status", "done", "total"])


def import_job_failed(work: Work) -> None:
    """The work failed for good: the job keeps the reason, the upload goes."""
    from imvo.core.intake.messages import MESSAGES
    from imvo.web.suppliers.models import ImportJob, ImportJobStatus

    job = ImportJob.objects.filter(pk=work.params["job"]).first()
    if job is None:
        return
    problem = dict(work.problem)
    code = problem.get("code")
    if code == "work.failed":
        job.message = message_text("import.failed")
        job.problem = {"code": "import.failed"}
    elif code == "work.worker_died":
        job.message = (
            f"{job.filename}: the import stopped while reading or matching the file "
            "(is it damaged, or too large to handle?); nothing was saved"
        )
        job.problem = problem
        job.field = "file"
    else:
        job.message = work.message
        job.field = str(problem.get("field") or "")[:100]
        job.problem = (
            {key: problem.get(key) for key in ("code", "params", "file", "row")}
            if code in MESSAGES
            else {}
        )
    job.status = ImportJobStatus.FAILED
    _job_finish(job)
    upload_discard(job.token)


def deduplicate_start(*, user: User | None) -> Work:
    """Queue a look for duplicates in the whole registry, or return the one under way."""
    from imvo.web.work.selectors import work_open
    from imvo.web.work.services import work_enqueue

    under_way = work_open(kind=DEDUPLICATE_KIND).order_by("created_at").first()
    if under_way is not None:
        return under_way
    return work_enqueue(
        kind=DEDUPLICATE_KIND,
        subject="registry",
        params={"user": user.pk if user is not None else None},
        user=user,
    )


def deduplicate_run(work: Work, progress: Progress) -> dict[str, Any]:
    """The work of kind "suppliers.deduplicate": look for duplicates in the whole registry."""
    from django.contrib.auth import get_user_model

    from imvo.web.suppliers.services import facilities_deduplicate

    user_id = work.params.get("user")
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return facilities_deduplicate(user=user, progress=progress)


def work_kinds_register() -> None:
    """Make the suppliers' kinds of background work known (from `SuppliersConfig.ready`)."""
    from django.utils.translation import gettext_lazy as _

    from imvo.web.work.kinds import Kind, kind_register

    kind_register(
        Kind(
            name=IMPORT_KIND,
            title=_("Import of a supplier list"),
            run=import_job_run,
            discard=import_job_discard,
            failed=import_job_failed,
            link=import_job_link,
        )
    )
    kind_register(
        Kind(
            name=DEDUPLICATE_KIND,
            title=_("Looking for duplicates in the registry"),
            run=deduplicate_run,
            link=_review_queue_link,
        )
    )


def _review_queue_link(work: Work) -> str | None:
    from django.urls import reverse

    return reverse("suppliers:review-queue")


def import_job_link(work: Work) -> str | None:
    from django.urls import reverse

    return reverse("suppliers:job", args=[work.params["job"]])


def _joined(first: Progress, second: Progress) -> Progress:
    join = getattr(first, "joined", None)
    if join is not None:
        return join(second)  # type: ignore[no-any-return]

    def both(done: int, total: int) -> None:
        first(done, total)
        second(done, total)

    return both


def _job_finish(job: ImportJob) -> None:
    from django.utils import timezone

    job.finished_at = timezone.now()
    job.save()


def _memory_bytes() -> int:
    return int(settings.IMVO_IMPORT_MEMORY_MB) * MB


def memory_limit(limit: int | None = None) -> None:
    """Limit this process's address space (RLIMIT_AS) to `limit` bytes, or to
    `IMVO_IMPORT_MEMORY_MB`: the worker's and the preview's guard against hostile files."""
    import resource

    wanted = limit if limit is not None else _memory_bytes()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
