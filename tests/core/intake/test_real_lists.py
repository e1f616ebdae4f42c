"""The real lists brands handed to Open Supply Hub: every row accepted or rejected with a reason.

The files are in `tests/data/real/open-supply-hub-lists/` (MIT, see its LICENSE.txt), as the
contributors wrote them: CSV, and one list also as XLS and XLSX. The same lists re-saved as a
brand publishes them (a title and notes above, an instructions sheet first, a total below) must
give the same facilities.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from imvo.core.countries import country_code
from imvo.core.intake import IntakeResult, RawTable, map_headers, read_table, validate_rows

LISTS = Path(__file__).resolve().parents[2] / "data" / "real" / "open-supply-hub-lists"
FILES = sorted(path for path in LISTS.iterdir() if path.suffix in {".csv", ".xls", ".xlsx"})
GEOCODED = sorted((LISTS / "geocoded").glob("*.csv"))


def checked(table: RawTable) -> IntakeResult:
    return validate_rows(table, map_headers(table.header), country_code=country_code)


def test_all_real_lists_are_here() -> None:
    assert len(FILES) == 16 and len(GEOCODED) == 14
    assert (LISTS / "LICENSE.txt").is_file()


@pytest.mark.parametrize("path", FILES + GEOCODED, ids=lambda path: str(path.relative_to(LISTS)))
def test_every_row_of_a_real_list_is_accepted_or_rejected_with_a_reason(path: Path) -> None:
    data = path.read_bytes()
    table = read_table(data, filename=path.name)
    result = checked(table)
    assert table.header_row == 1 and table.above == ()
    assert result.rows == len(result.accepted) + len(result.rejected_rows)
    assert result.rows == sum(1 for row in table.rows if any(value.strip() for value in row.values))
    reasons = {error.row for error in result.errors}
    assert reasons == set(result.rejected_rows)  # no rejection without a reason, none without
    for error in result.errors:
        assert error.message and error.code
    # These lists are facilities, one a row: none is taken for a total, a note or a header.
    assert not [e for e in result.errors if e.code in {"row.totals", "row.note", "row.header"}]


def test_the_real_lists_give_963_facilities_with_a_country_each() -> None:
    accepted = [row for path in FILES if path.suffix == ".csv" for row in _accepted(path)]
    assert len(accepted) == 963
    assert all(len(row.country) == 2 for row in accepted)


def test_the_xls_and_xlsx_copies_of_a_real_list_read_as_its_csv() -> None:
    rows = {suffix: _accepted(LISTS / f"12{suffix}") for suffix in (".csv", ".xls", ".xlsx")}
    kept = {suffix: [(r.number, r.name, r.country) for r in rows[suffix]] for suffix in rows}
    assert kept[".csv"] == kept[".xls"] == kept[".xlsx"]
    assert len(kept[".csv"]) == 15
    # As found: the spreadsheets carry one address saved through the wrong code page.
    differ = [
        c.number for c, x in zip(rows[".csv"], rows[".xlsx"], strict=True) if c.address != x.address
    ]
    assert differ == [10]
    assert (
        "N\u00ba 280" in rows[".csv"][8].address and "N\u00ac\u222b 280" in rows[".xlsx"][8].address
    )


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".csv"], ids=lambda p: p.name)
def test_a_real_list_as_a_brand_publishes_it_gives_the_same_facilities(
    files: Any, path: Path
) -> None:
    grid = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    published = [
        [f"Supplier list {path.stem}"],
        ["Last updated: 2026-03-31"],
        [],
        ["Production locations as handed to Open Supply Hub", None, None, "Tier 1"],
        *grid,
        [],
        [f"Total: {len(grid) - 1} suppliers"],
        ["Source: Open Supply Hub, MIT licence"],
    ]
    instructions = [["How to fill in this list"], ["One row per production location."]]
    data = files.xlsx({"Instructions": instructions, "Suppliers": published})
    table = read_table(data, filename=f"{path.stem}.xlsx")
    assert table.sheet == "Suppliers"
    assert table.header_row == 5
    assert [row.number for row in table.above] == [1, 2, 4]
    result = checked(table)
    original = _accepted(path)
    assert [(r.name, r.address, r.country) for r in result.accepted] == [
        (r.name, r.address, r.country) for r in original
    ]
    # Row numbers as the spreadsheet shows them: four rows more above the header.
    assert [r.number for r in result.accepted] == [r.number + 4 for r in original]
    last = len(grid) + 4
    codes = {e.row: e.code for e in result.errors if e.row > last}
    assert codes == {last + 2: "row.totals", last + 3: "row.note"}


def _accepted(path: Path) -> list[Any]:
    return list(checked(read_table(path.read_bytes(), filename=path.name)).accepted)
