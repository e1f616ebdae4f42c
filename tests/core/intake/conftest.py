"""Real files in real formats, made on the spot: CSV in any encoding, XLSX, XLS, ODS and zips.

Spreadsheets come from the libraries spreadsheet users' tools resemble: openpyxl writes XLSX,
xlwt writes XLS (BIFF8, as Excel 97-2003 does), odfpy writes ODS. `raw_xlsx` assembles an
XLSX from its XML parts by hand, for files no well-behaved writer produces.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

Grid = Sequence[Sequence[Any]]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx(sheets: dict[str, Grid], *, hidden: Sequence[str] = ()) -> bytes:
    """An XLSX workbook with one sheet per entry; None leaves a cell empty."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, grid in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in grid:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(sheets: dict[str, Grid]) -> bytes:
    """An XLS (BIFF8) workbook; dates get a date format, as Excel stores them."""
    workbook = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, grid in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date | datetime):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods(sheets: dict[str, Grid]) -> bytes:
    """An ODS workbook; numbers are stored as floats, text as strings."""
    document = OpenDocumentSpreadsheet()
    for name, grid in sheets.items():
        table = Table(name=name)
        for row in grid:
            table_row = TableRow()
            for value in row:
                table_row.addElement(_ods_cell(value))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(value: Any) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def ods_repeated(rows: Sequence[tuple[Sequence[tuple[str | None, int]], int]]) -> bytes:
    """An ODS file written with repeat counts: rows of ((value or None, columns), rows)."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for cells, row_repeat in rows:
        row = TableRow(numberrowsrepeated=row_repeat) if row_repeat > 1 else TableRow()
        for value, repeat in cells:
            options = {"numbercolumnsrepeated": repeat} if repeat > 1 else {}
            if value is None:
                cell = TableCell(**options)
            else:
                cell = TableCell(valuetype="string", **options)
                cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def raw_xlsx(sheet_xml: str, *, shared_strings: str | None = None) -> bytes:
    """An XLSX assembled from a worksheet's <sheetData> content (and shared strings) by hand."""
    rels = (
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    overrides = ""
    if shared_strings is not None:
        rels += (
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        overrides = (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="Suppliers" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{rels}</Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>'
        ),
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return zip_archive({name: text.encode() for name, text in parts.items()})


def zip_archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def files() -> Any:
    """The builders above, for tests that make files."""
    import sys

    return sys.modules[__name__]
