"""Supplier-list uploads waiting between steps, and their import in the background.

An upload is kept under `VAR_DIR / "uploads"` by a random token (never by a name or path the
client sends) until it is imported or a day has passed. The import runs as an `ImportJob`:
by default in a worker process of its own, started with the "spawn" method and limited in
memory, because a hostile workbook can make the spreadsheet reader abort its whole process;
the web process only watches it. `IMVO_IMPORT_JOBS` may choose a thread or the request itself
("inline", for tests) instead.

How far the matching got is written to a small file beside the upload, not to the database:
the import holds one write transaction from the first row to the last, and SQLite allows no
second writer meanwhile.

This module is imported by the spawned worker before Django is set up, so the models are
imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
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
    from imvo.web.suppliers.services import Matcher

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")
KEPT_FOR = timedelta(days=1)
SAMPLE_ROWS = 3
WAIT_SECONDS = 300  # the longest a request waits for a job (the API's ?wait=true)
PROGRESS_EVERY = 0.5  # seconds between two writes of the progress file
MODES = ("process", "thread", "inline")


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
    """Remove an upload and its progress file (nothing happens when they are gone)."""
    path = _upload_path(token)
    path.unlink(missing_ok=True)
    _progress_path(token).unlink(missing_ok=True)


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


def _progress_path(token: str) -> Path:
    return _upload_path(token).with_suffix(".progress")


# --------------------------------------------------------------------------------------------
# A first read: sheets, columns and what the synonyms found
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePreview:
    """What the column-mapping step shows of a file.

    `samples[i]` holds the first values of column `labels[i]`; `suggested` maps each label to
    the field the header synonyms found (None for an unknown column); `missing` names the
    required fields that no column holds.
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

    @property
    def needs_mapping(self) -> bool:
        return bool(self.missing or self.unknown)


def table_preview(
    data: bytes, *, filename: str, sheet: str | None = None, limits: Limits | None = None
) -> TablePreview:
    """Read a file's header and first rows, in a worker process when imports run in one.

    Raises ImvoError naming the file when it cannot be read or breaks the limits, also when
    the reader brought its worker process down.
    """
    chosen = limits or upload_limits()
    if _mode() != "process":
        return _preview(data, filename, sheet, chosen, None)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_preview, data, filename, sheet, chosen, _memory_bytes())
        try:
            return future.result(timeout=WAIT_SECONDS)
        except BrokenProcessPool:
            raise intake_error("file.reader_stopped", field="file", file=filename) from None


def _preview(
    data: bytes, filename: str, sheet: str | None, limits: Limits, memory: int | None
) -> TablePreview:
    """The preview itself: plain Python and the intake core, so a worker needs no Django."""
    from imvo.core.intake import map_headers, read_table

    if memory is not None:
        _memory_limit(memory)
    table = read_table(data, filename=filename, sheet=sheet, limits=limits)
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
        mapping=dict(mapping or {}),
        created_by=user,
    )


def import_job_start(
    job: ImportJob, *, wait: bool = False, mode: str | None = None, matcher: Matcher | None = None
) -> ImportJob:
    """Start the import the way `IMVO_IMPORT_JOBS` says (or `mode`); with `wait`, return only
    when it has finished. Returns the job as it is then.

    `matcher` replaces the matching engine; only where the job runs in this process.
    """
    chosen = mode or _mode()
    if chosen not in MODES:
        raise ValueError(f"unknown import job mode {chosen!r}")
    if chosen == "inline":
        import_job_run(job.pk, matcher=matcher)
    elif chosen == "thread":
        thread = threading.Thread(
            target=_thread_main, args=(job.pk, matcher), name=f"import-job-{job.pk}", daemon=True
        )
        thread.start()
        if wait:
            thread.join(WAIT_SECONDS)
    else:
        watcher = _process_start(job.pk)
        if wait:
            watcher.join(WAIT_SECONDS)
    job.refresh_from_db()
    return job


def import_job_run(job_id: int, *, matcher: Matcher | None = None) -> None:
    """Run a queued job to its end, done or failed; the worker's whole work."""
    from django.db import transaction

    from imvo.web.suppliers.models import ImportJob, ImportJobStatus
    from imvo.web.suppliers.services import supplier_list_import

    with transaction.atomic():
        # No select_related here: PostgreSQL cannot lock the nullable side of an outer join.
        job = (
            ImportJob.objects.select_for_update()
            .filter(pk=job_id, status=ImportJobStatus.QUEUED)
            .first()
        )
        if job is None:
            return  # started already, by another worker
        job.status = ImportJobStatus.RUNNING
        job.save(update_fields=["status"])
    reporter = _ProgressFile(job.token)
    try:
        supplier_list = supplier_list_import(
            company=job.company,
            year=job.year,
            covenant=job.covenant,
            data=upload_read(job.token),
            filename=job.filename,
            sheet=job.sheet or None,
            mapping=job.mapping or None,
            uploaded_by=job.created_by,
            progress=reporter,
            matcher=matcher,
            limits=upload_limits(),
        )
    except ImvoError as error:
        _job_fail(job, _problem(error), field=error.field or "", problem=_problem_named(error))
    except Exception:
        logger.exception("import job %s failed", job_id)
        _job_fail(job, message_text("import.failed"), problem={"code": "import.failed"})
    else:
        job.status = ImportJobStatus.DONE
        job.supplier_list = supplier_list
        job.total = supplier_list.row_count
        job.done = supplier_list.row_count
        _job_finish(job)
    finally:
        upload_discard(job.token)


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """Rows matched so far and in all, while the job runs; from the job when it has ended."""
    from imvo.web.suppliers.models import ImportJobStatus

    if job.status != ImportJobStatus.RUNNING:
        return job.done, job.total
    try:
        done, total = _progress_path(job.token).read_text(encoding="ascii").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return 0, 0


def _problem(error: ImvoError) -> str:
    """The message with the file and row it concerns, as the CLI prints it."""
    where = [part for part in (error.file, f"row {error.row}" if error.row else None) if part]
    return f"{': '.join(where)}: {error.message}" if where else error.message


def _problem_named(error: ImvoError) -> dict[str, Any]:
    """The problem by code, parameters, file and row, for the status page to translate."""
    if error.code is None:
        return {}
    return {"code": error.code, "params": error.params, "file": error.file, "row": error.row}


def _job_fail(
    job: ImportJob, message: str, *, field: str = "", problem: dict[str, Any] | None = None
) -> None:
    from imvo.web.suppliers.models import ImportJobStatus

    job.status = ImportJobStatus.FAILED
    job.message = message[:2000]
    job.field = field[:100]
    job.problem = problem or {}
    _job_finish(job)


def _job_finish(job: ImportJob) -> None:
    from django.utils import timezone

    job.finished_at = timezone.now()
    job.save()


class _ProgressFile:
    """`progress(done, total)` for the import: written to a file, at most twice a second."""

    def __init__(self, token: str) -> None:
        self.path = _progress_path(token)
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        partial = self.path.with_suffix(".partial")
        partial.write_text(f"{done} {total}", encoding="ascii")
        partial.replace(self.path)


def _mode() -> str:
    return str(getattr(settings, "IMVO_IMPORT_JOBS", "process"))


def _memory_bytes() -> int:
    return int(settings.IMVO_IMPORT_MEMORY_MB) * MB


def _memory_limit(limit: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _thread_main(job_id: int, matcher: Matcher | None) -> None:
    from django.db import connection

    try:
        import_job_run(job_id, matcher=matcher)
    finally:
        connection.close()  # this thread's own connection


def _process_start(job_id: int) -> threading.Thread:
    """Start a worker process for the job and a thread that marks it failed if the process
    dies without finishing it; returns that thread."""
    import multiprocessing

    from django.db import connection

    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_process_main,
        args=(
            job_id,
            os.environ.get("DJANGO_SETTINGS_MODULE", "imvo.web.settings"),
            _connection_settings(connection.settings_dict),
            str(settings.VAR_DIR),
            _memory_bytes(),
        ),
        name=f"import-job-{job_id}",
    )
    process.start()
    watcher = threading.Thread(
        target=_process_watch, args=(process, job_id), name=f"import-watch-{job_id}", daemon=True
    )
    watcher.start()
    return watcher


def _connection_settings(settings_dict: Mapping[str, Any]) -> dict[str, Any]:
    """Where the worker connects: the database this process uses (a test database, too)."""
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    return {key: settings_dict[key] for key in keys if key in settings_dict}


def _process_main(
    job_id: int, settings_module: str, database: dict[str, Any], var_dir: str, memory: int
) -> None:
    """The worker process: limit its memory, set Django up as the web process has it (its
    database and its uploads), run the job."""
    _memory_limit(memory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    # Before any connection exists: the engine decides which connection class is made.
    default: dict[str, Any] = settings.DATABASES["default"]  # type: ignore[assignment]
    default.update(database)
    settings.VAR_DIR = Path(var_dir)
    django.setup()
    from django.db import connections

    try:
        import_job_run(job_id)
    finally:
        connections.close_all()


def _process_watch(process: Any, job_id: int) -> None:
    from django.db import connection

    from imvo.web.suppliers.models import ImportJob, ImportJobStatus

    process.join()
    try:
        if process.exitcode == 0:
            return
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None or job.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED):
            return
        _job_fail(
            job,
            f"{job.filename}: the import stopped while reading or matching the file "
            "(is it damaged, or too large to handle?); nothing was saved",
            field="file",
        )
        upload_discard(job.token)
    finally:
        connection.close()
