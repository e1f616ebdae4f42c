"""The supplier-list cast: the same three factories as Zeeman and HEMA report them.

Zeeman hands in an XLS file with English headers; HEMA a semicolon-separated CSV in latin-1 with
Dutch headers, spelling the factories its own way (capitals, legal forms written out, road
abbreviated, accents dropped). HEMA's list also names a mill nobody reported before and has a
row with a country that does not exist. `StandInMatcher` is a small matcher with the engine's
interface for tests about the import's bookkeeping rather than about matching.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import xlwt

from imvo.core.matching.engine import Candidate, Decisions, Evidence, Outcome
from imvo.core.matching.records import FacilityRecord, record_key

Grid = Sequence[Sequence[Any]]

ZEEMAN_ROWS: Grid = [
    ["Facility name", "Address", "City", "Country", "Product type", "Number of workers"],
    [
        "Dhaka Knitwear Ltd.",
        "Plot 12, Road 7, Tejgaon Industrial Area",
        "Dhaka",
        "Bangladesh",
        "T-shirts",
        1200,
    ],
    [
        "Anhui Silk Garment Co., Ltd.",
        "88 Changjiang Road, Shushan District",
        "Hefei",
        "China",
        "Blouses, scarves",
        "500-1000",
    ],
    [
        "Tekstil Örme Sanayi A.Ş.",
        "Organize Sanayi Bölgesi 3. Cadde No: 14",
        "Bursa",
        "Türkiye",
        "Knitted fabric",
        None,
    ],
]

HEMA_ROWS: Grid = [
    ["Naam", "Adres", "Plaats", "Land", "Producten", "Aantal werknemers"],
    [
        "DHAKA KNITWEAR LIMITED",
        "Plot 12, Rd. 7, Tejgaon Industrial Area",
        "DHAKA",
        "BD",
        "Polo shirts",
        "1.200",
    ],
    [
        "Anhui Silk Garment Company Limited",
        "88 Changjiang Rd., Shushan District",
        "Hefei",
        "CN",
        "Scarves",
        "",
    ],
    [
        "Tekstil Orme Sanayi A.S.",
        "Organize Sanayi Bolgesi 3. Cadde No 14",
        "Bursa",
        "Turkije",
        "",
        "",
    ],
    ["Coimbatore Spinning Mills", "SF No. 45, Avinashi Road", "Coimbatore", "India", "Yarn", ""],
    ["Atlantis Garments", "1 Harbour Road", "Poseidonia", "Atlantis", "", ""],
]


def xls_bytes(grid: Grid, *, sheet: str = "Suppliers") -> bytes:
    """An XLS (BIFF8) workbook, as Excel 97-2003 writes it."""
    workbook = xlwt.Workbook()
    worksheet = workbook.add_sheet(sheet)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is not None:
                worksheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(grid: Grid, *, sheet: str = "Suppliers") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in grid:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(grid: Grid, *, delimiter: str = ";", encoding: str = "latin-1") -> bytes:
    """A delimited file as spreadsheet programs save it: quoted where needed, CRLF lines."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(["" if value is None else value for value in row] for row in grid)
    return text.getvalue().encode(encoding)


class StandInMatcher:
    """The engine's interface with the simplest rules: a remembered key, else an equal
    normalised key in the registry, else review for names in `review_names` (every
    registry facility of the country a candidate), else new. Records each call."""

    def __init__(self, *, review_names: Sequence[str] = ()) -> None:
        self.review_names = set(review_names)
        self.calls: list[tuple[list[FacilityRecord], list[FacilityRecord], Decisions]] = []

    def __call__(
        self,
        incoming: Sequence[FacilityRecord],
        registry: Sequence[FacilityRecord],
        /,
        *,
        decisions: Decisions,
        progress: Callable[[int, int], None] | None,
    ) -> tuple[Outcome, ...]:
        self.calls.append((list(incoming), list(registry), decisions))
        known = {record_key(record): record.facility_id for record in registry}
        outcomes = []
        for done, record in enumerate(incoming, start=1):
            outcomes.append(self._outcome(record, registry, known, decisions))
            if progress is not None:
                progress(done, len(incoming))
        return tuple(outcomes)

    def _outcome(
        self,
        record: FacilityRecord,
        registry: Sequence[FacilityRecord],
        known: dict[str, str | None],
        decisions: Decisions,
    ) -> Outcome:
        key = record_key(record)
        if key in decisions.confirmed:
            return Outcome(
                record.record_id, "matched", decisions.confirmed[key], None, "remembered", ()
            )
        found = known.get(key)
        if found is not None and (key, found) not in decisions.rejected:
            return Outcome(record.record_id, "matched", found, None, "exact", ())
        if record.name in self.review_names:
            candidates = []
            for other in registry:
                facility_id = other.facility_id
                assert facility_id is not None
                if other.country != record.country or (key, facility_id) in decisions.rejected:
                    continue
                if facility_id not in {c.facility_id for c in candidates}:
                    evidence = (Evidence("name", "similar", "jaro-winkler 0.90"),)
                    candidates.append(Candidate(facility_id, 0.7 - 0.1 * len(candidates), evidence))
            if candidates:
                best = candidates[0]
                return Outcome(
                    record.record_id,
                    "review",
                    best.facility_id,
                    best.probability,
                    "model",
                    tuple(candidates),
                )
        return Outcome(record.record_id, "new", None, None, "none", ())


def ods_bytes(grid: Grid, *, sheet: str = "Suppliers") -> bytes:
    """An ODS workbook, as LibreOffice writes it (numbers as floats)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in grid:
        table_row = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def database_counts() -> dict[str, int]:
    """How many rows each table of the suppliers app (and the organisations) holds."""
    from django.apps import apps

    from imvo.web.registry.models import Organisation

    counts = {  # every row, also those a default manager hides (lists still importing)
        model.__name__: model._base_manager.count()
        for model in apps.get_app_config("suppliers").get_models()
    }
    counts["Organisation"] = Organisation.objects.count()
    return counts
