"""Registry exports from the database: aggregated without company links, or confidential."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest

from imvo.core.exports import FacilityExportRow, SourceRowExport, export_write
from imvo.web.suppliers.selectors import facility_export_rows, source_row_export_rows
from imvo.web.suppliers.services import facility_merge, supplier_list_import
from web.suppliers.cast import (
    HEMA_ROWS,
    ZEEMAN_ROWS,
    StandInMatcher,
    csv_bytes,
    xls_bytes,
)

pytestmark = pytest.mark.django_db

INJECTION = "=cmd|' /C calc'!A0"
COMPANY_NAMES = ("Zeeman", "zeeman", "HEMA", "hema")


@pytest.fixture
def lists(cast: Any) -> dict[str, Any]:
    zeeman = supplier_list_import(
        company=cast.zeeman,
        year=2018,
        data=xls_bytes([*ZEEMAN_ROWS, [INJECTION, "@SUM(1+1)", "", "Vietnam", "+shirts", None]]),
        filename="zeeman.xls",
        matcher=StandInMatcher(),
    )
    hema = supplier_list_import(
        company=cast.hema,
        year=2018,
        data=csv_bytes(HEMA_ROWS),
        filename="hema.csv",
        matcher=StandInMatcher(),
    )
    return {"zeeman": zeeman, "hema": hema}


def exported(records: Any, record_type: Any, fmt: str) -> bytes:
    out = io.BytesIO()
    export_write(records, record_type=record_type, fmt=fmt, out=out)
    return out.getvalue()


def test_aggregated_list_counts_companies_per_facility(lists: dict[str, Any]) -> None:
    rows = {row.name: row for row in facility_export_rows()}
    assert rows["Dhaka Knitwear Ltd."].companies == 2
    assert rows["Coimbatore Spinning Mills"].companies == 1
    assert rows[INJECTION].companies == 1
    assert len(rows) == 5
    dhaka = rows["Dhaka Knitwear Ltd."]
    assert (dhaka.country, dhaka.city, dhaka.workers_band) == ("BD", "Dhaka", "1001-5000")
    assert dhaka.product_types == ("T-shirts", "Polo shirts")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "geojson"])
def test_aggregated_list_names_no_company_in_any_format(lists: dict[str, Any], fmt: str) -> None:
    data = exported(facility_export_rows(), FacilityExportRow, fmt)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        text = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    else:
        text = data.decode("utf-8-sig")
    assert "Dhaka Knitwear" in text
    for name in COMPANY_NAMES:
        assert name not in text


def test_confidential_list_has_every_row_with_company_list_and_facility(
    lists: dict[str, Any],
) -> None:
    records = json.loads(exported(source_row_export_rows(), SourceRowExport, "json"))
    assert len(records) == 4 + 5
    by_company: dict[str, dict[int, dict[str, Any]]] = {}
    for record in records:
        by_company.setdefault(record["company"], {})[record["row"]] = record
    assert set(by_company) == {"Zeeman", "HEMA"}
    assert by_company["HEMA"][2]["facility_id"] == by_company["Zeeman"][2]["facility_id"]
    assert by_company["HEMA"][2]["list_id"] == lists["hema"].pk
    rejected = by_company["HEMA"][6]
    assert (rejected["outcome"], rejected["facility_id"], rejected["country"]) == (
        "rejected",
        None,
        None,
    )


def test_superseded_versions_are_not_exported_and_year_filters(
    cast: Any, lists: dict[str, Any]
) -> None:
    supplier_list_import(
        company=cast.hema,
        year=2018,
        data=csv_bytes(HEMA_ROWS[:2]),
        filename="hema-corrected.csv",
        matcher=StandInMatcher(),
    )
    rows = {row.name: row.companies for row in facility_export_rows()}
    assert "Coimbatore Spinning Mills" not in rows
    assert rows["Dhaka Knitwear Ltd."] == 2
    confidential = list(source_row_export_rows())
    assert {(row.company, row.version) for row in confidential} == {("Zeeman", 1), ("HEMA", 2)}
    assert list(facility_export_rows(year=2019)) == []


def test_merged_facilities_are_exported_once_under_the_surviving_id(
    cast: Any, lists: dict[str, Any]
) -> None:
    dhaka = lists["zeeman"].rows.get(number=2).facility
    unit_two_list = supplier_list_import(
        company=cast.hema,
        year=2019,
        data=csv_bytes([["Name", "Address", "Country"], ["Dhaka Knitwear Unit 2", "Road 8", "BD"]]),
        filename="h.csv",
        matcher=StandInMatcher(),
    )
    unit_two = unit_two_list.rows.get().facility
    assert unit_two is not None
    assert unit_two.facility_id in {row.facility_id for row in facility_export_rows()}
    facility_merge(source=unit_two, target=dhaka)
    companies = {row.facility_id: row.companies for row in facility_export_rows()}
    assert unit_two.facility_id not in companies
    assert companies[dhaka.facility_id] == 2
    (moved,) = [row for row in source_row_export_rows() if row.year == 2019]
    assert moved.facility_id == dhaka.facility_id


def test_exported_cells_from_supplier_lists_cannot_run_as_formulas(lists: dict[str, Any]) -> None:
    data = exported(facility_export_rows(), FacilityExportRow, "csv").decode("utf-8-sig")
    rows = {row["facility_id"]: row for row in csv.DictReader(io.StringIO(data))}
    (injected,) = [row for row in rows.values() if INJECTION in row["name"]]
    assert injected["name"] == "'" + INJECTION
    assert injected["address"] == "'@SUM(1+1)"
    assert injected["product_types"] == "'+shirts"
    sheet = openpyxl.load_workbook(
        io.BytesIO(exported(source_row_export_rows(), SourceRowExport, "xlsx"))
    ).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["name"].value == INJECTION:
            assert cells["name"].data_type == "s"
            assert cells["address"].data_type == "s"
            assert cells["row"].data_type == "n"
            break
    else:
        pytest.fail("the injected row is missing from the export")
