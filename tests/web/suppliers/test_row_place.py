"""The city, province and postal code read from a row's address: stored with the row, shown on
the review page and in the confidential export, beside the columns the company gave.

The addresses are real ones from Open Supply Hub's facility lists (MIT licence, see
tests/data/real/open-supply-hub-lists/LICENSE.txt).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from imvo.core.exports import SourceRowExport, export_columns, export_write
from imvo.web.suppliers.models import MatchReview, SupplierRow
from imvo.web.suppliers.selectors import source_row_export_rows
from imvo.web.suppliers.services import supplier_list_import
from web.accounts.people import build_people
from web.suppliers.cast import StandInMatcher, csv_bytes

SAVAR = "128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh"
WENZHOU = "NO.8 SHUANGBAO WEST ROAD, OUHAI ECONOMIC DEVELOPM P.C. 325014, WENZHOU, CHINA"
ONE_STRING = [
    ["Name", "Address", "Country"],
    ["AKH Apparels Ltd", SAVAR, "Bangladesh"],
    ["Wenzhou Jietu Shoes Factory", WENZHOU, "China"],
]
WITH_COLUMNS = [
    ["Name", "Address", "City", "Postal code", "Country"],
    ["Dhaka Knitwear Ltd.", "Varari, Rajfulbaria, Savar, Dhaka-1340", "Ashulia", "1341", "BD"],
]


def imported(company: Any, grid: list[list[str]], **options: Any) -> None:
    options.setdefault("matcher", StandInMatcher())
    supplier_list_import(
        company=company, year=2018, data=csv_bytes(grid), filename="list.csv", **options
    )


@pytest.mark.django_db
def test_rows_keep_the_parts_read_from_their_address(cast: Any) -> None:
    imported(cast.hema, ONE_STRING)
    rows = {row.name: row for row in SupplierRow.objects.all()}
    savar = rows["AKH Apparels Ltd"]
    assert (savar.parsed_city, savar.parsed_province, savar.parsed_postal_code) == (
        "Savar",
        "Dhaka",
        "1340",
    )
    assert (savar.city, savar.postal_code, savar.address) == ("", "", SAVAR)  # as given
    wenzhou = rows["Wenzhou Jietu Shoes Factory"]
    assert (wenzhou.parsed_city, wenzhou.parsed_postal_code) == ("Wenzhou", "325014")


@pytest.mark.django_db
def test_a_given_column_wins_and_the_parsed_part_is_still_stored(cast: Any) -> None:
    imported(cast.zeeman, WITH_COLUMNS)
    (row,) = SupplierRow.objects.all()
    assert (row.city, row.postal_code) == ("Ashulia", "1341")
    assert (row.parsed_city, row.parsed_postal_code) == ("Savar", "1340")
    assert row.facility is not None
    assert (row.facility.city, row.facility.postal_code) == ("Ashulia", "1341")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ("City (from the address)", "Postal code (from the address)")),
        ("nl", ("Plaats (uit het adres)", "Postcode (uit het adres)")),
    ],
)
def test_review_page_shows_the_parsed_place_of_the_row(
    cast: Any, language: str, labels: tuple[str, str]
) -> None:
    imported(cast.zeeman, [["Name", "Address", "Country"], ["AKH Apparels", "Savar", "BD"]])
    imported(
        cast.hema,
        ONE_STRING,
        matcher=StandInMatcher(review_names=["AKH Apparels Ltd"]),
    )
    review = MatchReview.objects.get()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(build_people(cast).textile_secretariat)
    page = client.get(f"/suppliers/review/{review.pk}/").content.decode()
    assert '<dd data-field="parsed_city">Savar</dd>' in page
    assert '<dd data-field="parsed_province">Dhaka</dd>' in page
    assert '<dd data-field="parsed_postal_code">1340</dd>' in page
    # the candidate facility's first row, read the same way
    assert '<dd data-candidate-field="parsed_city">Savar</dd>' in page
    for label in labels:
        assert label in page


@pytest.mark.django_db
def test_review_page_leaves_the_parsed_place_out_when_nothing_was_read(cast: Any) -> None:
    imported(cast.zeeman, [["Name", "Address", "Country"], ["Knit One", "Road 7", "BD"]])
    imported(
        cast.hema,
        [["Name", "Address", "Country"], ["Knit Two", "Road 9", "BD"]],
        matcher=StandInMatcher(review_names=["Knit Two"]),
    )
    review = MatchReview.objects.get()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(build_people(cast).textile_secretariat)
    page = client.get(f"/suppliers/review/{review.pk}/").content.decode()
    assert "Knit Two" in page
    assert "parsed_city" not in page


@pytest.mark.django_db
def test_confidential_export_has_the_parsed_columns(cast: Any) -> None:
    imported(cast.hema, ONE_STRING)
    imported(cast.zeeman, WITH_COLUMNS)
    assert export_columns(SourceRowExport)[-3:] == (
        "parsed_city",
        "parsed_province",
        "parsed_postal_code",
    )
    out = io.BytesIO()
    export_write(source_row_export_rows(), record_type=SourceRowExport, fmt="csv", out=out)
    records = {
        row["name"]: row for row in csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    }
    savar = records["AKH Apparels Ltd"]
    assert (savar["city"], savar["parsed_city"], savar["parsed_postal_code"]) == (
        "",
        "Savar",
        "1340",
    )
    given = records["Dhaka Knitwear Ltd."]
    assert (given["city"], given["parsed_city"]) == ("Ashulia", "Savar")
    assert (given["postal_code"], given["parsed_postal_code"]) == ("1341", "1340")


def run_imvo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imvo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


PARTICIPANT = """
from datetime import date
from imvo.web.registry.models import Covenant, Organisation, Participation
company = Organisation.objects.create(slug="hema", name="HEMA", kind="company")
Participation.objects.create(
    covenant=Covenant.objects.get(slug="textile"), organisation=company, joined_on=date(2016, 7, 4)
)
"""


@pytest.mark.slow
@pytest.mark.xdist_group("cli")
def test_imvo_facilities_export_confidential_shows_the_parsed_place(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    listing = tmp_path / "hema.csv"
    listing.write_bytes(csv_bytes(ONE_STRING))
    for args in (
        ("migrate",),
        ("load", "reference"),
        ("manage", "shell", "-c", PARTICIPANT),
        ("suppliers", "import", str(listing), "--company", "hema", "--year", "2018"),
    ):
        result = run_imvo(env, *args)
        assert result.returncode == 0, result.stderr
    result = run_imvo(env, "facilities", "export", "--confidential", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = {record["name"]: record for record in json.loads(result.stdout)}
    savar = records["AKH Apparels Ltd"]
    assert (savar["parsed_city"], savar["parsed_province"], savar["parsed_postal_code"]) == (
        "Savar",
        "Dhaka",
        "1340",
    )
    assert savar["city"] is None


@pytest.mark.django_db(transaction=True)
def test_migration_reads_the_place_of_rows_already_stored() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("suppliers", "0004_supplier_list_covenant_version_status")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Organisation = apps.get_model("registry", "Organisation")
    SupplierList = apps.get_model("suppliers", "SupplierList")
    OldSupplierRow = apps.get_model("suppliers", "SupplierRow")
    company = Organisation.objects.create(slug="hema", name="HEMA", kind="company")
    supplier_list = SupplierList.objects.create(
        company=company, year=2018, filename="h.csv", file_format="csv", sha256="0" * 64, size=1
    )
    for number, (address, accepted) in enumerate([(SAVAR, True), ("Road 7", True), (SAVAR, False)]):
        OldSupplierRow.objects.create(
            supplier_list=supplier_list,
            number=number + 2,
            accepted=accepted,
            address=address,
            country="BD",
            outcome="new" if accepted else "rejected",
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    parsed = {
        row.number: (row.parsed_city, row.parsed_province, row.parsed_postal_code)
        for row in SupplierRow.objects.all()  # the model as it is now
    }
    assert parsed == {2: ("Savar", "Dhaka", "1340"), 3: ("", "", ""), 4: ("", "", "")}
