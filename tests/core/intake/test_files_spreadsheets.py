"""Reading XLSX, XLS and ODS workbooks: sheets, cell types, row numbers, format detection."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.core.intake import Limits, read_table

SUPPLIERS = [
    ["Naam", "Adres", "Land", "Aantal werknemers", "Sinds"],
    ["Dhaka Knit", "Plot 12, Gazipur", "BD", 1200, date(2019, 3, 1)],
    [None, None, None, None, None],
    ["Çorlu Tekstil", "OSB 3, Çorlu", "TR", 51.5, date(2020, 1, 2)],
]
EXPECTED = [
    (2, ("Dhaka Knit", "Plot 12, Gazipur", "BD", "1200", "2019-03-01")),
    (4, ("Çorlu Tekstil", "OSB 3, Çorlu", "TR", "51.5", "2020-01-02")),
]


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_each_workbook_format_reads_numbers_dates_and_true_row_numbers(
    files: Any, kind: str
) -> None:
    data = getattr(files, kind)({"Leveranciers": SUPPLIERS, "Notes": [["n"]]})
    table = read_table(data, filename=f"list.{kind}")
    assert table.format == kind
    assert table.encoding is None
    assert table.sheet == "Leveranciers"
    assert table.sheets == ("Leveranciers", "Notes")
    assert table.header == tuple(SUPPLIERS[0])
    assert [(row.number, row.values) for row in table.rows] == EXPECTED


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_format_comes_from_the_content_not_the_name(files: Any, kind: str) -> None:
    data = getattr(files, kind)({"Sheet1": SUPPLIERS})
    assert read_table(data, filename="suppliers.csv").format == kind


@pytest.mark.parametrize("choice", ["Second", "second ", 1])
def test_sheet_is_chosen_by_name_or_index(files: Any, choice: str | int) -> None:
    data = files.xlsx({"First": [["a"]], "Second": [["Name"], ["Mill"]]})
    table = read_table(data, filename="list.xlsx", sheet=choice)
    assert table.sheet == "Second"
    assert table.rows[0].values == ("Mill",)


@pytest.mark.parametrize("choice", ["Third", 2, -1])
def test_unknown_sheet_is_an_error_listing_the_sheets(files: Any, choice: str | int) -> None:
    data = files.xlsx({"First": [["a"]], "Second": [["b"]]})
    with pytest.raises(ImvoError, match="'First', 'Second'"):
        read_table(data, filename="list.xlsx", sheet=choice)


def test_first_visible_sheet_is_the_default(files: Any) -> None:
    data = files.xlsx({"Lookup": [["x"]], "Suppliers": [["Name"]]}, hidden=["Lookup"])
    assert read_table(data, filename="list.xlsx").sheet == "Suppliers"


def test_data_starting_below_and_right_of_a1_keeps_spreadsheet_row_numbers(files: Any) -> None:
    grid = [[], [], [None, None, "Name", "Country"], [], [None, None, "Mill", "CN"]]
    table = read_table(files.xlsx({"S": grid}), filename="list.xlsx")
    assert table.header_row == 3
    assert table.header == ("Name", "Country")
    assert [(row.number, row.values) for row in table.rows] == [(5, ("Mill", "CN"))]


def test_xlsx_cells_hold_text_without_float_noise(files: Any) -> None:
    grid = [
        ["int", "float", "big", "bool", "datetime", "text zero"],
        # Spreadsheets hold naive local times; openpyxl refuses aware ones.
        [42, 51.9225, 1234567890123.0, True, datetime(2020, 5, 6, 7, 8, 9), "007"],  # noqa: DTZ001
    ]
    table = read_table(files.xlsx({"S": grid}), filename="types.xlsx")
    assert table.rows[0].values == (
        "42",
        "51.9225",
        "1234567890123",
        "TRUE",
        "2020-05-06T07:08:09",
        "007",
    )


def test_xlsx_formula_gives_its_saved_value_and_is_never_evaluated(files: Any) -> None:
    # The cached value 999 differs from what 1+1 evaluates to: the reader must not compute.
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Total</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>=1+1</t></is></c>'
        '<c r="B2"><f>1+1</f><v>999</v></c></row>'
    )
    table = read_table(files.raw_xlsx(sheet), filename="formulas.xlsx")
    assert table.rows[0].values == ("=1+1", "999")


def test_xlsx_with_shared_strings_is_read(files: Any) -> None:
    main = files.MAIN
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>3</v></c></row>'
    )
    strings = (
        f'<sst xmlns="{main}" count="3" uniqueCount="3"><si><t>Name</t></si>'
        "<si><t>Workers</t></si><si><t>Mill &amp; Co</t></si></sst>"
    )
    table = read_table(files.raw_xlsx(sheet, shared_strings=strings), filename="s.xlsx")
    assert table.header == ("Name", "Workers")
    assert table.rows[0].values == ("Mill & Co", "3")


def test_sheet_with_header_only_gives_zero_rows(files: Any) -> None:
    table = read_table(files.ods({"S": [["Name", "Address", "Country"]]}), filename="l.ods")
    assert table.rows == ()


def test_empty_sheet_is_refused(files: Any) -> None:
    with pytest.raises(ImvoError, match="no header row"):
        read_table(files.xlsx({"Empty": []}), filename="empty.xlsx")


def test_three_hundred_columns_in_a_workbook_are_refused(files: Any) -> None:
    data = files.xlsx({"S": [[f"c{i}" for i in range(300)], list(range(300))]})
    with pytest.raises(ImvoError, match="300 columns"):
        read_table(data, filename="wide.xlsx")


def test_too_many_rows_in_a_workbook_are_refused(files: Any) -> None:
    data = files.xls({"S": [["Name"]] + [[f"Mill {i}"] for i in range(30)]})
    with pytest.raises(ImvoError, match="more than 25 rows") as caught:
        read_table(data, filename="long.xls", limits=Limits(max_rows=25))
    assert caught.value.row == 27


def test_a_long_cell_in_a_workbook_names_its_column(files: Any) -> None:
    data = files.ods({"S": [["Name", "Address"], ["Mill", "x" * 3000]]})
    with pytest.raises(ImvoError, match="3,000 characters") as caught:
        read_table(data, filename="long.ods")
    assert (caught.value.row, caught.value.field) == (2, "Address")
