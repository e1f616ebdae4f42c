"""Exports of the facility registry for the secretariat: CSV, XLSX, GeoJSON and JSON.

Two kinds of record are exported. `FacilityExportRow` is the aggregated list of production
locations, the kind the textile covenant published: it says how many participating companies
source at a facility, never which. `SourceRowExport` is the confidential list: every row of
every supplier list with its company and the facility it was linked to.

Exported files are meant to be opened in spreadsheet programs, which run a cell starting with
=, +, - or @ as a formula (and some also one starting with a tab or carriage return). Supplier
lists come from outside, so every such text is made inert: in CSV it gets a leading apostrophe
(plain numbers such as "-33.9" excepted), in XLSX it is stored as a text cell, never a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar

from imvo.core.errors import ImvoError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ExportFormat = Literal["csv", "xlsx", "geojson", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "geojson", "json")
XLSX_MAX_ROWS = 1_048_576  # the header included

Cell = str | int | float | None | tuple[str, ...]


@dataclass(frozen=True)
class FacilityExportRow:
    """A facility as the open, aggregated list shows it: no company is named."""

    facility_id: str
    name: str
    address: str
    city: str | None
    province: str | None
    postal_code: str | None
    country: str
    latitude: float | None
    longitude: float | None
    product_types: tuple[str, ...]
    workers_band: str | None
    companies: int  # participating companies that report sourcing here


@dataclass(frozen=True)
class SourceRowExport:
    """One row of one company's supplier list and the facility it was linked to (confidential)."""

    list_id: int
    company: str
    year: int
    version: int
    row: int
    outcome: str  # matched, new, review, duplicate or rejected
    facility_id: str | None
    name: str | None
    address: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    product_types: tuple[str, ...]
    processing_type: str | None
    workers: str | None
    parent_company: str | None
    tier: int | None
    # read from the address (`imvo.core.places`); city, province and postal code above are the
    # columns as the company gave them
    parsed_city: str | None = None
    parsed_province: str | None = None
    parsed_postal_code: str | None = None


# Any frozen record dataclass; the publication app writes its release rows with this too.
ExportRecord = TypeVar("ExportRecord", bound="DataclassInstance")


def export_columns(record_type: type[DataclassInstance]) -> tuple[str, ...]:
    """The column names of an export, in order."""
    return tuple(field.name for field in fields(record_type))


def export_write(
    records: Iterable[ExportRecord],
    *,
    record_type: type[ExportRecord],
    fmt: ExportFormat,
    out: BinaryIO,
) -> int:
    """Write `records` to `out` in `fmt`, one record at a time; return how many were written.

    CSV is UTF-8 with a byte-order mark (so that spreadsheet programs read it as UTF-8), lists
    joined with "; ". JSON is an array of objects. GeoJSON is a FeatureCollection with a point
    per record that has coordinates and a null geometry for the others.
    """
    columns = export_columns(record_type)
    rows = (astuple(record) for record in records)
    if fmt == "csv":
        return _write_csv(rows, columns, out)
    if fmt == "xlsx":
        return _write_xlsx(rows, columns, out, sheet=_sheet_name(record_type))
    if fmt == "json":
        return _write_json(rows, columns, out)
    if fmt == "geojson":
        return _write_geojson(rows, columns, out)
    raise ImvoError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet program would run it as a formula.

    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")"), spreadsheet_safe("-33.9")
    ('\\'=HYPERLINK("http://x")', '-33.9')
    """
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# Bands for the open list: exact worker counts of small facilities are not published.
_WORKER_BANDS = ((100, "1-100"), (500, "101-500"), (1000, "501-1000"), (5000, "1001-5000"))
_WORKER_BANDS_TOP = (10000, "5001-10000")
_WORKER_BANDS_OVER = "more than 10000"


def workers_band(low: int, high: int | None) -> str:
    """The published band of a number of workers, or of a reported band by its middle.

    An open-ended report ("1000+") is placed by its lower bound.

    >>> workers_band(350, 350), workers_band(500, 1000), workers_band(12000, None)
    ('101-500', '501-1000', 'more than 10000')
    """
    middle = low if high is None else (low + high) / 2
    for bound, label in (*_WORKER_BANDS, _WORKER_BANDS_TOP):
        if middle <= bound:
            return label
    return _WORKER_BANDS_OVER


def _sheet_name(record_type: type[DataclassInstance]) -> str:
    return "supplier rows" if record_type is SourceRowExport else "facilities"


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(rows: Iterator[tuple[Any, ...]], columns: tuple[str, ...], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow(
                [
                    _text(value)
                    if isinstance(value, int | float)
                    else spreadsheet_safe(_text(value))
                    for value in row
                ]
            )
            count += 1
        text.flush()
    finally:
        text.detach()  # the caller owns `out`
    return count


def _write_xlsx(
    rows: Iterator[tuple[Any, ...]], columns: tuple[str, ...], out: BinaryIO, *, sheet: str
) -> int:
    import xlsxwriter  # type: ignore[import-untyped]

    # Nothing is ever turned into a formula, a link or a number behind the caller's back.
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True})
    for index, column in enumerate(columns):
        worksheet.write_string(0, index, column, bold)
    worksheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        if count >= XLSX_MAX_ROWS:
            workbook.close()
            raise ImvoError(
                f"more than {XLSX_MAX_ROWS - 1:,} rows do not fit in an XLSX sheet; "
                "export as CSV instead"
            )
        for index, value in enumerate(row):
            if value is None or value == ():
                continue
            if isinstance(value, bool):
                worksheet.write_string(count, index, "yes" if value else "no")
            elif isinstance(value, int | float):
                worksheet.write_number(count, index, value)
            else:
                worksheet.write_string(count, index, _text(value))
    workbook.close()
    return count


def _jsonable(value: Cell) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()


def _write_json(rows: Iterator[tuple[Any, ...]], columns: tuple[str, ...], out: BinaryIO) -> int:
    count = 0
    out.write(b"[")
    for count, row in enumerate(rows, start=1):
        record = {column: _jsonable(value) for column, value in zip(columns, row, strict=True)}
        out.write((b",\n" if count > 1 else b"\n") + _dumps(record))
    out.write(b"\n]\n" if count else b"]\n")
    return count


def _write_geojson(rows: Iterator[tuple[Any, ...]], columns: tuple[str, ...], out: BinaryIO) -> int:
    count = 0
    out.write(b'{"type": "FeatureCollection", "features": [')
    for count, row in enumerate(rows, start=1):
        properties = {column: _jsonable(value) for column, value in zip(columns, row, strict=True)}
        latitude, longitude = properties.pop("latitude"), properties.pop("longitude")
        geometry = (
            None
            if latitude is None or longitude is None
            else {"type": "Point", "coordinates": [longitude, latitude]}
        )
        feature: dict[str, Any] = {"type": "Feature", "geometry": geometry}
        if properties.get("facility_id") and "list_id" not in properties:
            feature["id"] = properties["facility_id"]
        feature["properties"] = properties
        out.write((b",\n" if count > 1 else b"\n") + _dumps(feature))
    out.write(b"\n]}\n" if count else b"]}\n")
    return count
