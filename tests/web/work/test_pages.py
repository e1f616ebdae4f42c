"""What the pages and the API show of background work: queued, running with its percentage,
retrying (attempt n of N), done, failed with the reason in the page's language; polling stops
once it has ended. And the supervisor that keeps `imvo serve`'s worker running."""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imvo.cli.work import Supervisor
from imvo.web.suppliers.jobs import IMPORT_KIND, import_job_create, import_job_failed
from imvo.web.suppliers.models import ImportJob, ImportJobStatus
from imvo.web.work.models import Work, WorkStatus
from web.accounts.people import People, build_people


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def client_of(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def zeeman_import(cast: Any, people: People, **work: Any) -> tuple[ImportJob, Work]:
    """A web import of Zeeman's user and its work, in the state `work` gives."""
    job = import_job_create(
        company=cast.zeeman,
        covenant=cast.textile,
        year=2018,
        token=secrets.token_urlsafe(32),
        filename="zeeman.xlsx",
        user=people.zeeman_user,
    )
    found = Work.objects.create(
        kind=IMPORT_KIND,
        subject=str(job.pk),
        params={"job": job.pk},
        created_by=people.zeeman_user,
        **work,
    )
    return job, found


def test_a_running_import_shows_its_percentage_and_goes_on_polling(
    cast: Any, people: People
) -> None:
    job, _ = zeeman_import(cast, people, status=WorkStatus.RUNNING, attempts=1, done=30, total=40)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, done=30, total=40)

    page = client_of(people.zeeman_user).get(f"/suppliers/jobs/{job.pk}/").content.decode()

    assert "Matching rows: 30 of 40" in page
    assert 'value="75"' in page
    assert "hx-trigger" in page
    assert "data-job-retrying" not in page


def test_a_retried_import_says_which_attempt_runs_in_dutch_and_english(
    cast: Any, people: People
) -> None:
    job, _ = zeeman_import(cast, people, status=WorkStatus.QUEUED, attempts=1)

    english = client_of(people.zeeman_user).get(f"/suppliers/jobs/{job.pk}/").content.decode()
    dutch = client_of(people.zeeman_user, "nl").get(f"/suppliers/jobs/{job.pk}/").content.decode()
    api = client_of(people.zeeman_user).get(f"/api/v1/import-jobs/{job.pk}/").json()

    assert "The worker stopped; trying again: attempt 2 of 3." in english
    assert "De verwerker stopte; nieuwe poging: 2 van 3." in dutch
    assert "hx-trigger" in english
    assert (api["attempt"], api["max_attempts"], api["retrying"]) == (2, 3, True)


def test_an_import_whose_worker_kept_dying_fails_with_the_reason_and_stops_polling(
    cast: Any, people: People
) -> None:
    problem = {"code": "work.worker_died", "params": {"attempts": 3}}
    job, work = zeeman_import(cast, people, status=WorkStatus.FAILED, attempts=3, problem=problem)
    import_job_failed(work)

    english = client_of(people.zeeman_user).get(f"/suppliers/jobs/{job.pk}/").content.decode()
    dutch = client_of(people.zeeman_user, "nl").get(f"/suppliers/jobs/{job.pk}/").content.decode()
    api = client_of(people.zeeman_user).get(f"/api/v1/import-jobs/{job.pk}/").json()

    assert "in each of 3 attempts" in english
    assert "in elk van de 3 pogingen" in dutch
    assert "hx-trigger" not in english
    assert api["status"] == "failed"
    assert api["message"].startswith("zeeman.xlsx: the import stopped")
    assert api["retrying"] is False


def test_the_work_page_is_for_whoever_started_it_and_stops_polling_when_done(
    cast: Any, people: People
) -> None:
    _, work = zeeman_import(cast, people, status=WorkStatus.RUNNING, attempts=1, done=1, total=4)
    url = f"/work/{work.pk}/"

    running = client_of(people.zeeman_user).get(url).content.decode()
    Work.objects.filter(pk=work.pk).update(status=WorkStatus.DONE, finished_at=timezone.now())
    done = client_of(people.zeeman_user).get(url, HTTP_HX_REQUEST="true").content.decode()

    assert "1 of 4 done" in running and 'value="25"' in running and "hx-trigger" in running
    assert 'data-work-status="done"' in done and "hx-trigger" not in done
    assert f'href="/suppliers/jobs/{work.params["job"]}/"' in done
    assert client_of(people.hema_user).get(url).status_code == 404
    assert client_of(people.administrator).get(url).status_code == 200


def test_the_secretariat_starts_a_look_for_duplicates_and_follows_it(
    cast: Any, people: People
) -> None:
    client = client_of(people.textile_secretariat)
    assert "data-deduplicate-start" in client.get("/suppliers/deduplicate/").content.decode()

    response = client.post("/suppliers/deduplicate/")

    assert response.status_code == 302
    work = Work.objects.get(kind="suppliers.deduplicate")
    assert response["Location"] == f"/work/{work.pk}/"
    assert work.status == WorkStatus.DONE, work.message
    assert set(work.result) == {"pairs", "merged", "review", "skipped"}
    page = client.get("/suppliers/deduplicate/").content.decode()
    assert f'href="/work/{work.pk}/"' in page
    assert client_of(people.zeeman_user).post("/suppliers/deduplicate/").status_code == 403


def test_the_supervisor_starts_a_worker_again_when_it_dies_and_stops_it_at_the_end() -> None:
    dying = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], first_wait=0.05)
    dying.start()
    deadline = time.monotonic() + 30
    while dying.starts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    dying.stop()
    assert dying.starts >= 3

    lasting = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    lasting.start()
    while lasting.process is None:
        time.sleep(0.01)
    lasting.stop(timeout=10)
    assert lasting.process.poll() is not None  # stopped, not left behind
    assert lasting.starts == 1
