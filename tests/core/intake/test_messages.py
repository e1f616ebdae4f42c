"""Every intake message has a code and named parameters that rebuild its English text."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.countries import country_code, country_name
from imvo.core.errors import ImvoError
from imvo.core.intake import RawRow, RawTable, map_headers, read_table, validate_rows
from imvo.core.intake.messages import (
    MESSAGES,
    CodedValueError,
    intake_error,
    message_text,
)
from imvo.core.intake.rows import parse_latitude, parse_longitude, parse_tier, parse_workers

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def table(*rows: tuple[str, ...]) -> RawTable:
    header = ("name", "address", "country", "latitude", "longitude", "workers", "tier")
    return RawTable(
        filename="list.csv",
        format="csv",
        encoding="utf-8",
        delimiter=",",
        sheet=None,
        sheets=(),
        header_row=1,
        header=header,
        rows=tuple(RawRow(number, values) for number, values in enumerate(rows, start=2)),
    )


def test_every_message_fills_in_from_its_named_parameters() -> None:
    for code, template in MESSAGES.items():
        params = {name: f"<{name}>" for name in PLACEHOLDER.findall(template)}
        filled = message_text(code, params)
        assert "%(" not in filled, code
        assert all(value in filled for value in params.values() if value != "<field>"), code


def test_numbers_are_grouped_and_field_keys_read_as_words() -> None:
    assert message_text("workers.too_many", {"value": "'2000000'", "limit": 1_000_000}) == (
        "workers '2000000' is more than 1,000,000; is it a typo?"
    )
    assert message_text("mapping.missing_all_recognised", {"fields": "name,postal_code"}) == (
        "no column holds the required name, postal code; columns not recognised: none"
    )


def test_row_errors_carry_the_code_and_parameters_of_their_message() -> None:
    rows = table(
        ("", "1 Road", "BD", "", "", "", ""),
        ("Mill", "2 Road", "Atlantis", "95", "4", "12.5", "first"),
        ("Mill", "3 Road", "CN", "", "4", "-5", ""),
        ("Mill", "4 Road", "CN", "0", "0", "1000-500", ""),
    )
    result = validate_rows(rows, map_headers(rows.header), country_code=country_code)

    codes = {(error.row, error.code) for error in result.errors}
    assert codes == {
        (2, "row.empty"),
        (3, "country.unknown"),
        (3, "coordinate.out_of_range"),
        (3, "workers.not_whole"),
        (3, "tier.not_tier"),
        (4, "row.latitude_missing"),
        (4, "workers.negative"),
        (5, "row.zero_location"),
        (5, "workers.band_reversed"),
    }
    for error in result.errors:
        assert error.message == message_text(error.code, error.params)
    assert dict(next(e for e in result.errors if e.code == "row.empty").params) == {"field": "name"}


@given(st.text(max_size=30))
def test_field_parsers_fail_only_with_coded_messages(text: str) -> None:
    for parse in (parse_latitude, parse_longitude, parse_workers, parse_tier):
        try:
            parse(text)
        except CodedValueError as error:
            assert error.code in MESSAGES
            assert str(error) == message_text(error.code, error.params)


@pytest.mark.parametrize(
    ("value", "code"),
    [("", "country.empty"), ("Atlantis", "country.unknown"), ("Congo", "country.ambiguous")],
)
def test_country_errors_are_coded(value: str, code: str) -> None:
    with pytest.raises(ImvoError) as caught:
        country_code(value)
    assert caught.value.code == code
    assert caught.value.message == message_text(code, caught.value.params)
    assert caught.value.field == "country"


def test_unknown_country_code_is_coded() -> None:
    with pytest.raises(ImvoError) as caught:
        country_name("QQ")
    assert (caught.value.code, caught.value.message) == (
        "country.unknown_code",
        "unknown country code 'QQ'",
    )


def zip_of(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"  \n", "file.empty"),
        (bytes(range(256)) * 8, "file.binary"),
        (b"<html><table><tr><td>x</td></tr></table></html>", "file.markup"),
        (b'name,address\n"Mill,1 Road\n', "csv.unclosed_quote"),
        (zip_of(document=b"text"), "zip.not_spreadsheet"),
        (b"\xff\xfe\x00\xd8", "file.bad_byte_order_mark"),
    ],
)
def test_file_errors_are_coded(data: bytes, code: str) -> None:
    with pytest.raises(ImvoError) as caught:
        read_table(data, filename="list.csv")
    assert caught.value.code == code
    assert caught.value.message == message_text(code, caught.value.params)
    assert caught.value.file == "list.csv"


def test_header_errors_are_coded() -> None:
    with pytest.raises(ImvoError) as caught:
        map_headers(("Naam", "Name", "Adres", "Land"))
    assert caught.value.code == "mapping.two_columns"
    assert caught.value.params["field"] == "name"
    assert caught.value.message == (
        "the columns 'Naam' and 'Name' both hold name; say which one to use"
    )


def test_an_error_built_from_a_code_keeps_where_it_happened() -> None:
    error = intake_error("file.too_many_rows", file="big.csv", row=9, limit=10)
    assert (error.code, error.params, error.file, error.row) == (
        "file.too_many_rows",
        {"limit": 10},
        "big.csv",
        9,
    )
    assert (
        str(error) == "big.csv: row 9: the file has more than 10 rows; split it into smaller files"
    )
