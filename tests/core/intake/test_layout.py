"""Lists as brands publish them: a title and notes above the header, the list on another sheet
than the first, totals and notes below it, and the hostile variants of each."""

from __future__ import annotations

import time
from typing import Any

import pytest

from imvo.core.countries import country_code
from imvo.core.errors import ImvoError
from imvo.core.intake import IntakeResult, RawTable, map_headers, read_table, validate_rows
from imvo.core.intake.files import HEADER_SEARCH_ROWS

HEADER = ["Facility name", "Address", "Country", "Number of workers"]
MILLS: list[list[Any]] = [
    ["Dhaka Knit Ltd", "Plot 12, Gazipur", "Bangladesh", 1200],
    ["Çorlu Tekstil", "Organize Sanayi Bölgesi 3, Çorlu", "Türkiye", "500-1000"],
    ["Total Garments Ltd", "Road 5, Savar, Dhaka", "BD", None],
]
TITLE = [
    ["Supplier list HEMA 2026"],
    ["Last updated: 31 March 2026"],
    [],
    ["Confidential", None, "Tier 1 only"],
]


def checked(table: RawTable) -> IntakeResult:
    return validate_rows(table, map_headers(table.header), country_code=country_code)


def reasons(result: IntakeResult) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(error.code)
    return found


@pytest.mark.parametrize("writer", ["xlsx", "xls", "ods"])
def test_a_title_and_notes_above_the_header_are_passed_over(files: Any, writer: str) -> None:
    data = getattr(files, writer)({"Suppliers": [*TITLE, HEADER, *MILLS]})
    table = read_table(data, filename=f"hema.{writer}")
    assert table.header_row == 5
    assert table.header == tuple(HEADER)
    assert [(row.number, row.values[0]) for row in table.above] == [
        (1, "Supplier list HEMA 2026"),
        (2, "Last updated: 31 March 2026"),
        (4, "Confidential"),
    ]
    result = checked(table)
    assert [row.number for row in result.accepted] == [6, 7, 8]
    assert result.errors == ()


def test_a_csv_with_a_title_row_is_read_from_its_header() -> None:
    data = (
        b"Leverancierslijst Zeeman 2026;;\r\n"
        b"Bron: eigen inkoopsysteem;;\r\n"
        b"Naam;Adres;Land\r\n"
        b"Dhaka Knit;Plot 12, Gazipur;Bangladesh\r\n"
    )
    table = read_table(data, filename="zeeman.csv")
    assert (table.header_row, table.header) == (3, ("Naam", "Adres", "Land"))
    assert [row.number for row in checked(table).accepted] == [4]


@pytest.mark.parametrize("writer", ["xlsx", "xls", "ods"])
def test_the_list_on_the_second_sheet_after_instructions_is_chosen(files: Any, writer: str) -> None:
    instructions = [
        ["How to fill in this template"],
        ["Name", "the name of the production location"],  # names one field: not the list
        ["Fill in one row per location."],
    ]
    data = getattr(files, writer)({"Instructions": instructions, "Locations": [HEADER, *MILLS]})
    table = read_table(data, filename=f"list.{writer}")
    assert table.sheet == "Locations"
    assert table.sheets == ("Instructions", "Locations")
    assert (table.header_row, len(checked(table).accepted)) == (1, 3)


def test_an_empty_first_sheet_is_passed_over(files: Any) -> None:
    data = files.xlsx({"Blad1": [], "Blad2": [*TITLE, HEADER, *MILLS], "Blad3": []})
    table = read_table(data, filename="list.xlsx")
    assert (table.sheet, table.header_row) == ("Blad2", 5)


def test_a_workbook_of_empty_sheets_has_no_header(files: Any) -> None:
    with pytest.raises(ImvoError, match="no header row"):
        read_table(files.xlsx({"A": [], "B": [[None, None]]}), filename="empty.xlsx")


def test_of_two_sheets_that_hold_a_list_equally_well_the_first_is_read(files: Any) -> None:
    data = files.xlsx({"2025": [HEADER, MILLS[0]], "2026": [HEADER, *MILLS]})
    assert read_table(data, filename="list.xlsx").sheet == "2025"


def test_the_sheet_whose_header_names_the_required_fields_wins(files: Any) -> None:
    lookup = [["Name", "Country", "City", "Workers", "Tier", "Product type"], ["x"] * 6]
    data = files.xlsx({"Lookup": lookup, "List": [HEADER, *MILLS]})
    # Lookup names five fields but not the address: the list's sheet names all three required.
    assert read_table(data, filename="list.xlsx").sheet == "List"


def test_a_hidden_sheet_is_not_chosen_by_itself(files: Any) -> None:
    data = files.xlsx({"Old": [HEADER, *MILLS], "Notes": [["see the other sheet"]]}, hidden=["Old"])
    assert read_table(data, filename="list.xlsx").sheet == "Notes"
    assert read_table(data, filename="list.xlsx", sheet="Old").header_row == 1


def test_a_named_sheet_is_read_even_where_another_holds_a_better_header(files: Any) -> None:
    data = files.xlsx({"Instructions": [["Read me"]], "List": [HEADER, *MILLS]})
    table = read_table(data, filename="list.xlsx", sheet="Instructions")
    assert (table.sheet, table.header) == ("Instructions", ("Read me",))


@pytest.mark.parametrize("writer", ["xlsx", "ods"])
def test_totals_and_notes_below_the_list_are_rejected_with_that_reason(
    files: Any, writer: str
) -> None:
    below = [
        [],
        ["Total", None, None, 1700],
        ["Totaal"],
        ["Grand total: 123"],
        ["Subtotal (3 suppliers)", None, None, "1.700"],
        ["Source: our purchasing system"],
        ["Last updated 2026-03-31"],
        ["This list covers tier 1 and the main tier 2 suppliers."],
    ]
    data = getattr(files, writer)({"List": [HEADER, *MILLS, *below]})
    result = checked(read_table(data, filename=f"list.{writer}"))
    assert [row.name for row in result.accepted] == [
        "Dhaka Knit Ltd",
        "Çorlu Tekstil",
        "Total Garments Ltd",  # a facility whose name begins with a total word is one
    ]
    assert reasons(result) == {
        6: ["row.totals"],
        7: ["row.totals"],
        8: ["row.totals"],
        9: ["row.totals"],
        10: ["row.note"],
        11: ["row.note"],
        12: ["row.note"],
    }
    by_row = {error.row: error for error in result.errors}
    assert by_row[8].message == "a totals row, not a facility ('Grand total: 123')"
    assert by_row[10].message == "a note row, not a facility: 'Source: our purchasing system'"
    assert by_row[12].field == ""
    assert result.rows == len(result.accepted) + len(result.rejected_rows)


def test_a_note_within_the_list_is_a_note_but_a_lone_name_is_a_row_with_fields_missing() -> None:
    data = (
        b"Name,Address,Country\n"
        b"Dhaka Knit,Plot 12,BD\n"
        b"NB: the next two are tier 2\n"
        b"Savar Dyeing\n"
        b"* audited in 2025\n"
        b"Gazipur Wash,Road 3,BD\n"
    )
    result = checked(read_table(data, filename="list.csv"))
    assert [row.number for row in result.accepted] == [2, 6]
    assert reasons(result) == {
        3: ["row.note"],
        4: ["row.empty", "row.empty"],  # a facility without address and country, not a note
        5: ["row.note"],
    }


def test_a_total_with_text_in_other_cells_is_checked_as_a_facility() -> None:
    data = b"Name,Address,Country\nTotal Fashion,Road 1,Atlantis\nSum,Road 2,BD\n"
    result = checked(read_table(data, filename="list.csv"))
    assert reasons(result) == {2: ["country.unknown"]}
    assert [row.name for row in result.accepted] == ["Sum"]


def test_a_list_of_names_only_is_not_taken_for_notes() -> None:
    result = checked(read_table(b"Name,Address,Country\nMill A\nMill B\n", filename="l.csv"))
    assert {code for codes in reasons(result).values() for code in codes} == {"row.empty"}


def test_of_two_candidate_headers_the_first_is_the_header_and_the_second_is_rejected(
    files: Any,
) -> None:
    grid = [["Naam", "Adres", "Land"], ["Name", "Address", "Country"], MILLS[0][:3]]
    table = read_table(files.xlsx({"Lijst": grid}), filename="list.xlsx")
    assert table.header_row == 1
    result = checked(table)
    assert reasons(result) == {2: ["row.header"]}
    assert result.errors[0].message == ("the header repeated (the header is row 1), not a facility")
    assert [row.number for row in result.accepted] == [3]


def test_a_header_naming_more_fields_below_a_weaker_one_wins(files: Any) -> None:
    grid = [["Country", "Netherlands"], [], HEADER, *MILLS]
    assert read_table(files.xlsx({"S": grid}), filename="list.xlsx").header_row == 3


def test_a_header_below_the_search_is_not_guessed_but_can_be_named(files: Any) -> None:
    notes = [[f"Instruction {number}: fill in every column"] for number in range(1, 31)]
    data = files.xlsx({"S": [*notes, HEADER, *MILLS]})
    guessed = read_table(data, filename="list.xlsx")
    assert guessed.header_row == 1  # no row among the first 30 names a field
    assert map_headers(guessed.header).missing == ("name", "address", "country")
    named = read_table(data, filename="list.xlsx", header_row=HEADER_SEARCH_ROWS + 1)
    assert (named.header_row, named.header) == (31, tuple(HEADER))
    assert len(named.above) == 30
    assert [row.number for row in checked(named).accepted] == [32, 33, 34]


def test_a_named_header_row_wins_over_the_guess(files: Any) -> None:
    data = files.xlsx({"S": [*TITLE, HEADER, *MILLS]})
    table = read_table(data, filename="list.xlsx", header_row=2)
    assert table.header == ("Last updated: 31 March 2026", "", "", "")
    assert [row.number for row in table.rows] == [4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (3, "row 3 is blank and cannot be the header"),
        (99, "the header row 99 lies below the last filled row, 8"),
        (0, "the header row 0 is not a row number"),
        (True, "the header row True is not a row number"),
    ],
)
def test_a_header_row_that_cannot_be_the_header_is_an_error(
    files: Any, row: int, message: str
) -> None:
    data = files.xlsx({"S": [*TITLE, HEADER, *MILLS]})
    with pytest.raises(ImvoError, match=message) as caught:
        read_table(data, filename="list.xlsx", header_row=row)
    assert caught.value.file == "list.xlsx"


def test_a_header_row_names_a_row_of_a_csv_too() -> None:
    data = b"Our suppliers\n\nName,Address,Country\nMill,Road 1,BD\n"
    assert read_table(data, filename="l.csv", header_row=3).header_row == 3
    with pytest.raises(ImvoError, match="row 2 is blank"):
        read_table(data, filename="l.csv", header_row=2)


def test_the_row_limit_counts_rows_below_the_header_only(files: Any) -> None:
    from imvo.core.intake import Limits

    data = ("Title\nNote\nName,Address,Country\n" + "Mill,Road 1,BD\n" * 5).encode()
    assert len(read_table(data, filename="l.csv", limits=Limits(max_rows=5)).rows) == 5
    with pytest.raises(ImvoError, match="more than 4 rows") as caught:
        read_table(data, filename="l.csv", limits=Limits(max_rows=4))
    assert caught.value.row == 8


@pytest.mark.slow
def test_a_hundred_thousand_rows_below_a_title_on_a_second_sheet(files: Any) -> None:
    rows = [[f"Mill {n}", f"Road {n}, Dhaka", "BD", n % 5000] for n in range(100_000)]
    data = files.xlsx(
        {"Read me": [["Instructions"]] * 3, "List": [*TITLE, HEADER, *rows, [], ["Total"]]}
    )
    started = time.perf_counter()
    table = read_table(data, filename="big.xlsx")
    result = checked(table)
    elapsed = time.perf_counter() - started
    assert (table.sheet, table.header_row, len(result.accepted)) == ("List", 5, 100_000)
    assert reasons(result) == {100_007: ["row.totals"]}
    assert elapsed < 60, elapsed
