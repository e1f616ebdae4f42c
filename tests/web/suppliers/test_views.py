"""The supplier-list pages: upload with the column-mapping step, the import's status, the
lists, and the review queue, for each role of the cast."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from imvo.web.accounts.models import AuditEvent
from imvo.web.suppliers.jobs import import_job_create, import_job_start, upload_stage
from imvo.web.suppliers.models import (
    ImportJob,
    ImportJobStatus,
    MatchReview,
    ReviewStatus,
    RowOutcome,
    SupplierList,
)
from imvo.web.suppliers.services import supplier_list_import
from web.accounts.people import People, build_people
from web.suppliers.cast import (
    HEMA_ROWS,
    ZEEMAN_ROWS,
    StandInMatcher,
    csv_bytes,
    database_counts,
    xlsx_bytes,
)

UPLOAD = "/suppliers/upload/"
COLUMNS = "/suppliers/upload/columns/"


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def uploads(settings: Any) -> list[str]:
    folder = Path(settings.VAR_DIR) / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def post_upload(client: Client, data: bytes, filename: str, **fields: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {"year": 2018, "file": SimpleUploadedFile(filename, data), **fields}
    return client.post(UPLOAD, form)


# ---- upload --------------------------------------------------------------------------------


def test_company_user_uploads_a_list_and_sees_the_summary_on_the_status_page(
    cast: Any, people: People, settings: Any
) -> None:
    client = client_of(people.zeeman_user)
    data = csv_bytes(HEMA_ROWS)  # Dutch headers the synonyms know
    response = post_upload(client, data, "leveranciers.csv", company=cast.zeeman.pk)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:job", args=[job.pk])
    assert job.status == ImportJobStatus.DONE
    assert job.created_by == people.zeeman_user
    page = client.get(response["Location"]).content.decode()
    assert 'data-job-status="done"' in page
    assert 'data-count="rows">5<' in page
    assert 'data-count="rejected">1<' in page
    assert "Atlantis" in page  # the rejected row's country, in the errors table
    assert "hx-trigger" not in page  # nothing left to poll
    supplier_list = SupplierList.objects.get()
    assert (supplier_list.company, supplier_list.year) == (cast.zeeman, 2018)
    assert uploads(settings) == []  # the kept bytes went with the import


def test_status_page_polls_every_second_while_the_job_waits(cast: Any, people: People) -> None:
    job = import_job_create(
        company=cast.zeeman, year=2018, token=upload_stage(csv_bytes(HEMA_ROWS)), filename="a.csv"
    )
    client = client_of(people.zeeman_user)
    full = client.get(reverse("suppliers:job", args=[job.pk])).content.decode()
    partial = client.get(reverse("suppliers:job", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in full
    assert "<html" in full
    assert "<html" not in partial.content.decode()
    assert 'data-job-status="queued"' in partial.content.decode()


def test_company_user_cannot_upload_for_another_company(cast: Any, people: People) -> None:
    before = database_counts()
    response = post_upload(
        client_of(people.hema_user), csv_bytes(HEMA_ROWS), "list.csv", company=cast.zeeman.pk
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert database_counts() == before


def test_secretariat_uploads_for_a_company_of_its_covenant_only(cast: Any, people: People) -> None:
    client = client_of(people.banking_secretariat)
    refused = post_upload(client, csv_bytes(HEMA_ROWS), "list.csv", company=cast.zeeman.pk)
    accepted = post_upload(
        client_of(people.textile_secretariat),
        csv_bytes(HEMA_ROWS),
        "list.csv",
        company=cast.zeeman.pk,
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert SupplierList.objects.get().company == cast.zeeman


@pytest.mark.parametrize(
    ("filename", "data", "problem"),
    [
        ("garbage.csv", bytes(range(256)) * 40, "garbage.csv: "),
        ("empty.csv", b"", "The submitted file is empty"),
        ("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 200, "bomb.xlsx: "),
    ],
)
def test_hostile_file_is_a_form_error_naming_the_file_and_nothing_is_written(
    cast: Any, people: People, settings: Any, filename: str, data: bytes, problem: str
) -> None:
    before = database_counts()
    response = post_upload(client_of(people.zeeman_user), data, filename, company=cast.zeeman.pk)

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert database_counts() == before
    assert uploads(settings) == []


def test_too_large_upload_is_refused_before_the_body_is_read(
    cast: Any, people: People, settings: Any
) -> None:
    settings.IMVO_UPLOAD_MAX_MB = 1
    data = b"Name;Address;Country\r\n" + b"x;y;BD\r\n" * 200_000  # 1.6 MB
    response = post_upload(client_of(people.zeeman_user), data, "big.csv", company=cast.zeeman.pk)

    assert response.status_code == 400
    assert "larger than the limit of 1 MB" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert uploads(settings) == []


def test_unknown_headers_lead_to_the_mapping_step_and_import_with_the_chosen_columns(
    cast: Any, people: People, settings: Any
) -> None:
    grid = [
        ["Fabriek X", "Waar", "Natie", "Opmerking"],
        *[[row[0], row[1], row[3], "-"] for row in HEMA_ROWS[1:]],
    ]
    client = client_of(people.zeeman_user)
    response = post_upload(client, csv_bytes(grid), "odd.csv", company=cast.zeeman.pk)
    assert response.status_code == 302
    assert response["Location"] == COLUMNS
    assert ImportJob.objects.count() == 0

    page = client.get(COLUMNS).content.decode()
    assert "Fabriek X" in page
    assert "DHAKA KNITWEAR LIMITED" in page  # the first values beside each column
    refused = client.post(COLUMNS, {"action": "import", "column_0": "name", "column_1": "address"})
    assert refused.status_code == 400
    assert "missing: country" in refused.content.decode()

    mapped = client.post(
        COLUMNS,
        {"action": "import", "column_0": "name", "column_1": "address", "column_2": "country"},
    )
    job = ImportJob.objects.get()
    assert mapped["Location"] == reverse("suppliers:job", args=[job.pk])
    assert job.status == ImportJobStatus.DONE, job.message
    assert job.mapping == {
        "Fabriek X": "name",
        "Waar": "address",
        "Natie": "country",
        "Opmerking": None,
    }
    supplier_list = SupplierList.objects.get()
    assert (supplier_list.row_count, supplier_list.accepted_count) == (5, 4)
    assert uploads(settings) == []
    assert client.get(COLUMNS)["Location"] == UPLOAD  # the upload is used up


def test_a_workbook_with_several_sheets_asks_which_one(cast: Any, people: People) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Notes"
    first.append(["Read me"])
    second = workbook.create_sheet("Factories")
    for row in ZEEMAN_ROWS:
        second.append(list(row))
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_of(people.zeeman_user)
    assert post_upload(client, buffer.getvalue(), "two.xlsx", company=cast.zeeman.pk)[
        "Location"
    ] == (COLUMNS)
    page = client.get(COLUMNS).content.decode()
    assert 'value="Factories"' in page

    client.post(COLUMNS, {"action": "sheet", "sheet": "Factories"})
    page = client.get(COLUMNS).content.decode()
    assert "Dhaka Knitwear Ltd." in page
    fields = dict(
        re.findall(r'name="(column_\d)"[^>]*>.*?<option value="(\w+)" selected', page, re.S)
    )
    assert fields["column_0"] == "name"
    columns = {f"column_{i}": f for i, f in enumerate(["name", "address", "city", "country"])}
    client.post(COLUMNS, {"action": "import", **columns})
    supplier_list = SupplierList.objects.get()
    assert supplier_list.sheet == "Factories"
    assert supplier_list.accepted_count == 3


def test_an_xlsx_with_known_headers_imports_without_the_mapping_step(
    cast: Any, people: People
) -> None:
    response = post_upload(
        client_of(people.zeeman_user), xlsx_bytes(ZEEMAN_ROWS), "z.xlsx", company=cast.zeeman.pk
    )
    assert response["Location"].startswith("/suppliers/jobs/")
    assert SupplierList.objects.get().file_format == "xlsx"


# ---- lists ---------------------------------------------------------------------------------


def import_for(company: Any, rows: Any = HEMA_ROWS, **options: Any) -> SupplierList:
    options.setdefault("matcher", StandInMatcher())
    return supplier_list_import(
        company=company, year=2018, data=csv_bytes(rows), filename="list.csv", **options
    )


def test_lists_page_shows_a_company_its_own_lists_only(cast: Any, people: People) -> None:
    zeeman = import_for(cast.zeeman)
    hema = import_for(cast.hema)
    page = client_of(people.zeeman_user).get("/suppliers/").content.decode()
    secretariat = client_of(people.textile_secretariat).get("/suppliers/").content.decode()

    assert f'data-list="{zeeman.pk}"' in page
    assert f'data-list="{hema.pk}"' not in page
    assert f'data-list="{zeeman.pk}"' in secretariat
    assert f'data-list="{hema.pk}"' in secretariat
    assert (
        "data-no-lists" in client_of(people.banking_secretariat).get("/suppliers/").content.decode()
    )
    assert client_of(people.fnv_observer).get("/suppliers/").status_code == 403


def test_list_page_shows_versions_and_row_errors_and_hides_other_companies_lists(
    cast: Any, people: People
) -> None:
    first = import_for(cast.hema)
    second = import_for(cast.hema)
    page = client_of(people.hema_user).get(reverse("suppliers:list", args=[second.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("suppliers:list", args=[first.pk]) in html  # the earlier version
    assert "Atlantis" in html
    assert (
        client_of(people.zeeman_user).get(reverse("suppliers:list", args=[second.pk])).status_code
        == 404
    )
    assert (
        client_of(people.fnv_observer).get(reverse("suppliers:list", args=[second.pk])).status_code
        == 404
    )


def test_another_companys_job_is_not_found(cast: Any, people: People) -> None:
    job = import_job_create(
        company=cast.hema, year=2018, token=upload_stage(b"x"), filename="h.csv"
    )
    assert (
        client_of(people.zeeman_user).get(reverse("suppliers:job", args=[job.pk])).status_code
        == 404
    )
    assert (
        client_of(people.hema_user).get(reverse("suppliers:job", args=[job.pk])).status_code == 200
    )


# ---- review queue --------------------------------------------------------------------------

REVIEWED = [
    ["Name", "Address", "Country"],
    ["Dhaka Knit II", "Plot 99", "BD"],
    ["Hefei Silk 2", "1 Road", "CN"],
]


@pytest.fixture
def reviews(cast: Any) -> list[MatchReview]:
    """Two open reviews of Zeeman rows: HEMA's list put facilities in BD and CN first."""
    import_for(cast.hema)
    import_for(
        cast.zeeman,
        REVIEWED,
        matcher=StandInMatcher(review_names=["Dhaka Knit II", "Hefei Silk 2"]),
    )
    return list(MatchReview.objects.order_by("pk"))


def test_review_page_shows_the_row_beside_its_candidates_with_the_evidence(
    people: People, reviews: list[MatchReview]
) -> None:
    page = client_of(people.textile_secretariat).get("/suppliers/review/").content.decode()
    candidate = reviews[0].candidates[0]["facility_id"]

    assert f'data-review="{reviews[0].pk}"' in page
    assert 'data-open-reviews="2"' in page
    assert "Dhaka Knit II" in page
    assert f'data-candidate="{candidate}"' in page
    assert "DHAKA KNITWEAR LIMITED" in page  # the candidate facility's name
    assert "jaro-winkler 0.90" in page
    assert "70%" in page
    assert "data-key-legend" in page


def test_confirming_links_the_row_audits_and_redirects_to_the_next_review(
    people: People, reviews: list[MatchReview]
) -> None:
    first, second = reviews
    facility = first.candidates[0]["facility_id"]
    response = client_of(people.textile_secretariat).post(
        reverse("suppliers:review-decide", args=[first.pk]),
        {"verdict": "confirm", "facility": facility},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:review", args=[second.pk])
    first.refresh_from_db()
    assert first.status == ReviewStatus.CONFIRMED
    assert first.decided_by == people.textile_secretariat
    assert first.row is not None and first.row.outcome == RowOutcome.MATCHED
    assert first.row.facility is not None and first.row.facility.facility_id == facility
    event = AuditEvent.objects.get(object_type="suppliers.matchreview")
    assert event.changes["verdict"] == "confirm"
    assert event.actor == people.textile_secretariat


def test_with_htmx_a_decision_swaps_in_the_next_review(
    people: People, reviews: list[MatchReview]
) -> None:
    first, second = reviews
    response = client_of(people.administrator).post(
        reverse("suppliers:review-decide", args=[first.pk]),
        {"verdict": "new"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'data-review="{second.pk}"' in html
    assert response["HX-Push-Url"] == reverse("suppliers:review", args=[second.pk])
    first.refresh_from_db()
    assert first.status == ReviewStatus.NEW


def test_rejecting_the_last_candidate_registers_a_new_facility_and_empties_the_queue(
    people: People, reviews: list[MatchReview]
) -> None:
    client = client_of(people.textile_secretariat)
    for review in reviews:
        while True:
            review.refresh_from_db()
            if review.status != ReviewStatus.OPEN:
                break
            client.post(reverse("suppliers:review-decide", args=[review.pk]), {"verdict": "reject"})
    page = client.get("/suppliers/review/").content.decode()

    assert "data-review-empty" in page
    assert {r.status for r in MatchReview.objects.all()} == {ReviewStatus.REJECTED}


def test_a_facility_that_is_no_candidate_is_refused(
    people: People, reviews: list[MatchReview]
) -> None:
    response = client_of(people.textile_secretariat).post(
        reverse("suppliers:review-decide", args=[reviews[0].pk]),
        {"verdict": "confirm", "facility": "NL000001X"},
    )
    assert response.status_code == 400
    assert "not a candidate" in response.content.decode()
    reviews[0].refresh_from_db()
    assert reviews[0].status == ReviewStatus.OPEN


def test_reviews_of_other_covenants_companies_are_not_shown_or_decided(
    people: People, reviews: list[MatchReview]
) -> None:
    client = client_of(people.banking_secretariat)
    page = client.get("/suppliers/review/").content.decode()
    decided = client.post(
        reverse("suppliers:review-decide", args=[reviews[0].pk]), {"verdict": "new"}
    )

    assert "data-review-empty" in page
    assert decided.status_code == 404
    assert client_of(people.zeeman_user).get("/suppliers/review/").status_code == 403


def test_dashboard_links_the_secretariat_to_its_open_reviews_and_nobody_else(
    people: People, reviews: list[MatchReview]
) -> None:
    secretariat = client_of(people.textile_secretariat).get("/").content.decode()
    company = client_of(people.zeeman_user).get("/").content.decode()
    public = Client().get("/").content.decode()

    assert 'data-dashboard-reviews="2"' in secretariat
    assert reverse("suppliers:review-queue") in secretariat
    assert "data-dashboard-reviews" not in company
    assert "data-dashboard-reviews" not in public
    assert "Dhaka Knit II" not in secretariat  # a count and a link, no confidential data


# ---- the background path -------------------------------------------------------------------


def test_a_queued_job_reaches_done_with_the_summary(live_cast: Any, settings: Any) -> None:
    job = import_job_create(
        company=live_cast.zeeman,
        year=2018,
        token=upload_stage(csv_bytes(HEMA_ROWS)),
        filename="hema.csv",
    )
    finished = import_job_start(job, wait=True)

    assert finished.status == ImportJobStatus.DONE, finished.message
    assert finished.supplier_list is not None
    assert finished.supplier_list.row_count == 5
    assert (finished.done, finished.total) == (5, 5)
    assert uploads(settings) == []


def test_a_failed_job_keeps_the_problem_and_writes_nothing(live_cast: Any, settings: Any) -> None:
    job = import_job_create(
        company=live_cast.zeeman,
        year=2018,
        token=upload_stage(csv_bytes([["Naam", "Adres"], ["x", "y"]])),
        filename="no-country.csv",
    )
    finished = import_job_start(job, wait=True)

    assert finished.status == ImportJobStatus.FAILED
    assert finished.message.startswith(
        "no-country.csv: row 1: no column holds the required country"
    )
    assert finished.field == "country"
    assert SupplierList.objects.count() == 0
