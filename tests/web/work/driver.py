"""The worker tests' hands in the worker's own database: a separate process set up like the
web app (DATABASE_URL, IMVO_VAR_DIR from the environment), since the test process itself talks
to pytest's test database.

    python driver.py setup              migrate and add the cast of tests/web/conftest.py
    python driver.py upload FILE        queue a web import of FILE for Zeeman, 2018 (job id)
    python driver.py status JOB         the job, its work and what is in the database (JSON)
    python driver.py pretend-dead JOB N its work as a worker elsewhere left it, dead in attempt N
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(TESTS))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imvo.web.settings")
    import django

    django.setup()
    command, *args = argv
    print(json.dumps(COMMANDS[command](*args), default=str))


def setup() -> dict[str, Any]:
    from django.core.management import call_command

    from web.conftest import build_cast

    call_command("migrate", interactive=False, verbosity=0)
    cast = build_cast()
    return {"zeeman": cast.zeeman.pk}


def upload(path: str) -> dict[str, Any]:
    from imvo.web.registry.models import Covenant, Organisation
    from imvo.web.suppliers.jobs import import_job_create, import_job_start, upload_stage

    job = import_job_create(
        company=Organisation.objects.get(slug="zeeman"),
        covenant=Covenant.objects.get(slug="textile"),
        year=2018,
        token=upload_stage(Path(path).read_bytes()),
        filename=Path(path).name,
    )
    job = import_job_start(job)
    return {"job": job.pk, "status": job.status}


def status(job_id: str) -> dict[str, Any]:
    from imvo.web.suppliers.jobs import import_job_work
    from imvo.web.suppliers.models import Facility, ImportJob, SupplierList, SupplierRow

    job = ImportJob.objects.get(pk=int(job_id))
    work = import_job_work(job)
    uploads = Path(os.environ["IMVO_VAR_DIR"]) / "uploads"
    return {
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "problem": job.problem,
        "list": job.supplier_list_id,
        "work": {
            "status": work.status,
            "attempts": work.attempts,
            "retrying": work.retrying,
            "done": work.done,
            "total": work.total,
            "problem": work.problem,
            "heartbeat_at": work.heartbeat_at,
        }
        if work is not None
        else None,
        "lists": list(SupplierList.all_objects.values_list("pk", "status", "row_count")),
        "rows": SupplierRow.objects.count(),
        "facilities": Facility.objects.count(),
        "uploads": sorted(p.name for p in uploads.iterdir()) if uploads.exists() else [],
    }


def pretend_dead(job_id: str, attempts: str) -> dict[str, Any]:
    """Make the job's work look as if a worker on another machine died running attempt
    `attempts`, an hour ago."""
    from datetime import timedelta

    from django.utils import timezone

    from imvo.web.work.models import Work

    an_hour_ago = timezone.now() - timedelta(hours=1)
    changed = Work.objects.filter(kind="suppliers.import", subject=job_id).update(
        status="running",
        attempts=int(attempts),
        worker_id="elsewhere-1-dead",
        worker_host="elsewhere.invalid",
        worker_pid=1,
        started_at=an_hour_ago,
        heartbeat_at=an_hour_ago,
    )
    return {"changed": changed}


COMMANDS = {"setup": setup, "upload": upload, "status": status, "pretend-dead": pretend_dead}

if __name__ == "__main__":
    main(sys.argv[1:])
