"""From a file to checked rows: the path the CLI, web upload and API will take."""

from __future__ import annotations

from typing import Any

from imvo.core.errors import ImvoError
from imvo.core.intake import map_headers, read_table, validate_rows

COUNTRIES = {"bangladesh": "BD", "bd": "BD", "türkiye": "TR", "turkey": "TR"}


def country_code(text: str) -> str:
    if text.casefold() not in COUNTRIES:
        raise ImvoError(f"unknown country {text!r}", field="country")
    return COUNTRIES[text.casefold()]


def test_latin_1_semicolon_csv_with_dutch_headers_is_read_and_checked() -> None:
    data = (
        "Naam leverancier;Adres;Plaats;Land;Aantal werknemers\r\n"
        "Çorlu Tekstil;Organize Sanayi Bölgesi 3;Çorlu;Türkiye;1.250\r\n"
        ";Road 5;Dhaka;Bangladesh;300\r\n"
    ).encode("latin-1", errors="replace")
    table = read_table(data, filename="zeeman-2024.csv")
    mapping = map_headers(table.header)
    result = validate_rows(table, mapping, country_code=country_code)
    assert [row.number for row in result.accepted] == [2]
    assert result.accepted[0].workers is not None and result.accepted[0].workers.low == 1250
    assert result.rejected_rows == (3,)
    assert [(e.row, e.field, e.message) for e in result.errors] == [(3, "name", "name is empty")]


def test_xls_with_english_headers_is_read_and_checked(files: Any) -> None:
    grid = [
        ["Facility Name", "Street address", "Country", "Number of workers", "Lat", "Lng"],
        ["Dhaka Knit", "Plot 12, Gazipur", "BD", 1200, 23.99, 90.42],
        ["Dhaka Knit", "Plot 12, Gazipur", "Bangladesh", "500-1000", None, None],
    ]
    table = read_table(files.xls({"Suppliers": grid}), filename="hema-2024.xls")
    result = validate_rows(table, map_headers(table.header), country_code=country_code)
    assert [row.number for row in result.accepted] == [2, 3]
    assert result.accepted[0].latitude == 23.99
    assert str(result.accepted[1].workers) == "500-1000"
    assert [(d.row, d.duplicate_of) for d in result.duplicates] == [(3, 2)]
