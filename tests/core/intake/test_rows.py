"""Checking and cleaning every row of a supplier list."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.intake import (
    Duplicate,
    RawRow,
    RawTable,
    RowError,
    WorkerCount,
    map_headers,
    validate_rows,
)
from imvo.core.intake.rows import parse_latitude, parse_longitude, parse_tier, parse_workers

COUNTRIES = {"bangladesh": "BD", "bd": "BD", "china": "CN", "cn": "CN", "türkiye": "TR"}


def country_code(text: str) -> str:
    """A stand-in for imvo.core.countries.country_code: a few names, an error otherwise."""
    try:
        return COUNTRIES[text.casefold()]
    except KeyError:
        raise ImvoError(f"unknown country {text!r}", field="country") from None


HEADER = (
    "Naam",
    "Adres",
    "Land",
    "Plaats",
    "Lat",
    "Lng",
    "Aantal werknemers",
    "Tier",
    "Producten",
    "Opmerking",
)


def table(*rows: tuple[str, ...], header: tuple[str, ...] = HEADER) -> RawTable:
    return RawTable(
        filename="list.csv",
        format="csv",
        encoding="utf-8",
        delimiter=";",
        sheet=None,
        sheets=(),
        header_row=1,
        header=header,
        rows=tuple(
            RawRow(number, row + ("",) * (len(header) - len(row)))
            for number, row in enumerate(rows, start=2)
        ),
    )


def check(*rows: tuple[str, ...]):  # type: ignore[no-untyped-def]
    raw = table(*rows)
    return validate_rows(raw, map_headers(raw.header), country_code=country_code)


def test_valid_row_is_accepted_with_cleaned_fields_and_raw_values() -> None:
    row = (
        "  Dhaka   Knit ",
        "Plot 12,\nGazipur",
        "Bangladesh",
        "Gazipur",
        "23,99",
        "90.42 E",
        "1.200",
        "Tier 1 (CMT)",
        "T-shirts; Polo shirts, t-shirts",
        "ok",
    )
    result = check(row)
    assert result.rows == 1
    assert result.errors == ()
    [supplier] = result.accepted
    assert supplier.number == 2
    assert (supplier.name, supplier.address, supplier.country) == (
        "Dhaka Knit",
        "Plot 12, Gazipur",
        "BD",
    )
    assert (supplier.city, supplier.latitude, supplier.longitude) == ("Gazipur", 23.99, 90.42)
    assert supplier.workers == WorkerCount(1200, 1200)
    assert supplier.tier == 1
    assert supplier.product_types == ("T-shirts", "Polo shirts")
    assert supplier.raw["Naam"] == "  Dhaka   Knit "
    assert supplier.raw["Opmerking"] == "ok"


def test_every_problem_of_every_row_is_reported() -> None:
    result = check(
        ("", "Road 1", "Narnia", "", "95", "", "many"),
        ("Mill", "", "CN", "", "", "200", "", "twelve"),
        ("Good Mill", "Road 3", "CN"),
    )
    assert result.rejected_rows == (2, 3)
    assert [supplier.number for supplier in result.accepted] == [4]
    assert [(error.row, error.field) for error in result.errors] == [
        (2, "name"),
        (2, "country"),
        (2, "latitude"),
        (2, "longitude"),
        (2, "workers"),
        (3, "address"),
        (3, "longitude"),  # 200 is beyond 180
        (3, "latitude"),  # and it has no latitude
        (3, "tier"),
    ]
    assert RowError(2, "country", "unknown country 'Narnia'") in result.errors
    assert RowError(3, "latitude", "latitude is empty while longitude is given") in result.errors


@pytest.mark.parametrize("placeholder", ["-", "n/a", "N.V.T.", "unknown", "Onbekend", "  "])
def test_placeholders_count_as_empty(placeholder: str) -> None:
    result = check((placeholder, "Road 1", "CN"), ("Mill", "Road 2", "CN", placeholder))
    assert result.errors == (RowError(2, "name", "name is empty"),)
    assert result.accepted[0].city is None


def test_zero_zero_coordinates_are_refused() -> None:
    result = check(("Mill", "Road 1", "CN", "", "0", "0.0"))
    assert result.errors == (
        RowError(2, "latitude", "0, 0 is not a location; leave unknown coordinates empty"),
    )


def test_duplicates_within_the_list_are_reported_and_still_accepted() -> None:
    result = check(
        ("Dhaka Knit Ltd.", "Plot 12, Gazipur", "BD"),
        ("Other Mill", "Road 9", "BD"),
        ("DHAKA KNIT LTD", "plot 12 gazipur", "Bangladesh"),
        ("Dhaka Knit Ltd", "Plot 12, Gazipur", "CN"),
    )
    assert len(result.accepted) == 4
    assert result.duplicates == (Duplicate(4, 2, "same name, address and country as row 2"),)


def test_missing_required_column_is_an_error_for_the_whole_list() -> None:
    raw = table(("Mill", "CN"), header=("Naam", "Land"))
    with pytest.raises(ImvoError, match="no column holds the required address") as caught:
        validate_rows(raw, map_headers(raw.header), country_code=country_code)
    assert (caught.value.file, caught.value.field) == ("list.csv", "address")


def test_mapping_made_for_another_table_is_refused() -> None:
    with pytest.raises(ImvoError, match="another table"):
        validate_rows(table(), map_headers(("Naam", "Adres", "Land")), country_code=country_code)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1200", WorkerCount(1200, 1200)),
        ("1,200", WorkerCount(1200, 1200)),
        ("1.200", WorkerCount(1200, 1200)),
        ("1 200", WorkerCount(1200, 1200)),
        ("1\u00a0200", WorkerCount(1200, 1200)),
        ("1200.0", WorkerCount(1200, 1200)),
        ("1.200,00", WorkerCount(1200, 1200)),
        ("ca. 1200", WorkerCount(1200, 1200)),
        ("1200 workers", WorkerCount(1200, 1200)),
        ("350 werknemers", WorkerCount(350, 350)),
        ("0", WorkerCount(0, 0)),
        ("500-1000", WorkerCount(500, 1000)),
        ("500 \u2013 1,000", WorkerCount(500, 1000)),
        ("500 to 1000", WorkerCount(500, 1000)),
        ("500 tot 1000", WorkerCount(500, 1000)),
        ("1000+", WorkerCount(1000, None)),
    ],
)
def test_workers_accepts_counts_and_bands(text: str, count: WorkerCount) -> None:
    assert parse_workers(text) == count


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.5", "not a whole number"),
        ("1,5", "not a whole number"),
        ("-5", "negative"),
        ("many", "not a whole number or a band"),
        ("1000-500", "low end exceeds"),
        ("2,000,000", "more than 1,000,000"),
    ],
)
def test_workers_refuses_fractions_negatives_words_and_typos(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_workers(text)


def test_worker_count_reads_as_written() -> None:
    assert [str(c) for c in (WorkerCount(5, 5), WorkerCount(5, 9), WorkerCount(5, None))] == [
        "5",
        "5-9",
        "5+",
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("51.92", 51.92), ("51,92", 51.92), ("51.92 N", 51.92), ("S 33.9", -33.9), ("\u221233", -33)],
)
def test_latitude_accepts_decimal_degrees_in_common_spellings(text: str, value: float) -> None:
    assert parse_latitude(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [("91", "outside -90..90"), ("4.4 E", "hemisphere E"), ("51°55'N", "decimal degrees")],
)
def test_latitude_refuses_out_of_range_and_unreadable_values(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_latitude(text)


def test_longitude_lies_within_180_degrees_east_or_west() -> None:
    assert parse_longitude("179.9 W") == -179.9
    with pytest.raises(ValueError, match=r"outside -180..180"):
        parse_longitude("180.5")


@pytest.mark.parametrize(("text", "tier"), [("1", 1), ("Tier 2", 2), ("T3", 3), ("tier-1", 1)])
def test_tier_accepts_a_digit_with_or_without_a_label(text: str, tier: int) -> None:
    assert parse_tier(text) == tier


VALUES = st.sampled_from(
    ["", "Mill", "Road 1", "CN", "Narnia", "-", "95", "12.5", "1,200", "500-1000", "Tier 1", "x"]
)


@settings(max_examples=200)
@given(st.lists(st.tuples(*[VALUES] * len(HEADER)), max_size=15))
def test_rows_are_always_accepted_or_rejected_never_both_or_lost(
    rows: list[tuple[str, ...]],
) -> None:
    result = check(*rows)
    accepted = [supplier.number for supplier in result.accepted]
    assert result.rows == len(rows) == len(accepted) + len(result.rejected_rows)
    assert sorted(accepted + list(result.rejected_rows)) == list(range(2, len(rows) + 2))
    assert {error.row for error in result.errors} == set(result.rejected_rows)
    assert {duplicate.row for duplicate in result.duplicates} <= set(accepted)
