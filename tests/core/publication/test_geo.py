"""Coordinates without guessing: the gazetteer places a city only when its name is unique in
the country, and given coordinates outside the stated country are flagged, never shown."""

from __future__ import annotations

from collections.abc import Sequence

from imvo.core.publication.geo import (
    Gazetteer,
    Place,
    country_locator_default,
    gazetteer_build,
    gazetteer_default,
    locate,
)

CITIES = [
    {"name": "Dhaka", "countrycode": "BD", "latitude": 23.71, "longitude": 90.41},
    {
        "name": "Ho Chi Minh City",
        "countrycode": "VN",
        "latitude": 10.82,
        "longitude": 106.63,
        "alternatenames": ["Saigon", "Thành phố Hồ Chí Minh"],
    },
    # Two places called Aurangabad in India: the name alone does not say which.
    {"name": "Aurangabad", "countrycode": "IN", "latitude": 19.88, "longitude": 75.34},
    {"name": "Aurangabad", "countrycode": "IN", "latitude": 24.75, "longitude": 84.37},
]


def _nowhere(points: Sequence[tuple[float, float]]) -> list[str]:
    raise AssertionError("no coordinates were given, nothing to look up")


def _gazetteer() -> Gazetteer:
    return gazetteer_build(CITIES)


def test_a_row_without_coordinates_gets_its_citys_coordinates_marked_as_city() -> None:
    [where] = locate(
        [Place(None, None, "DHAKA", "BD")], gazetteer=_gazetteer(), countries_of=_nowhere
    )
    assert (where.latitude, where.longitude, where.precision) == (23.71, 90.41, "city")


def test_a_city_is_found_by_another_name_and_spelling() -> None:
    found = locate(
        [Place(None, None, "Saigon", "VN"), Place(None, None, "Thanh pho Ho Chi Minh", "VN")],
        gazetteer=_gazetteer(),
        countries_of=_nowhere,
    )
    assert [(w.latitude, w.precision) for w in found] == [(10.82, "city"), (10.82, "city")]


def test_an_ambiguous_city_gets_no_coordinates_rather_than_a_guess() -> None:
    [where] = locate(
        [Place(None, None, "Aurangabad", "IN")], gazetteer=_gazetteer(), countries_of=_nowhere
    )
    assert (where.latitude, where.longitude, where.precision) == (None, None, "country")


def test_a_city_of_another_country_is_not_taken() -> None:
    [where] = locate(
        [Place(None, None, "Dhaka", "IN")], gazetteer=_gazetteer(), countries_of=_nowhere
    )
    assert where.precision == "country"


def test_coordinates_in_the_stated_country_are_exact() -> None:
    [where] = locate(
        [Place(23.8, 90.4, "Dhaka", "BD")],
        gazetteer=_gazetteer(),
        countries_of=lambda points: ["BD" for _ in points],
    )
    assert (where.latitude, where.longitude, where.precision, where.problem) == (
        23.8,
        90.4,
        "exact",
        None,
    )


def test_coordinates_outside_the_stated_country_are_flagged_and_not_shown() -> None:
    [where] = locate(
        [Place(23.8, 90.4, "Dhaka", "IN")],
        gazetteer=_gazetteer(),
        countries_of=lambda points: ["BD" for _ in points],
    )
    assert (where.latitude, where.longitude, where.precision) == (None, None, "unknown")
    assert where.problem == "the coordinates lie in BD, not in IN"


def test_null_island_and_out_of_range_coordinates_are_flagged() -> None:
    found = locate(
        [Place(0.0, 0.0, "Dhaka", "BD"), Place(123.0, 90.0, "Dhaka", "BD")],
        gazetteer=_gazetteer(),
        countries_of=lambda points: ["BD" for _ in points],
    )
    assert [w.precision for w in found] == ["unknown", "unknown"]
    assert "(0, 0)" in (found[0].problem or "")
    assert "out of range" in (found[1].problem or "")


def test_the_shipped_gazetteer_and_locator_work_offline() -> None:
    """Real data: Dhaka from the gazetteer; a Dhaka point said to be in India is flagged;
    latitude and longitude swapped are recognised."""
    found = locate(
        [
            Place(None, None, "Dhaka", "BD"),
            Place(23.81, 90.41, None, "BD"),
            Place(23.81, 90.41, None, "IN"),
            Place(90.41, 23.81, None, "BD"),  # longitude first: out of range for a latitude
            Place(40.18, 29.06, None, "TR"),  # Bursa
            Place(29.06, 40.18, None, "TR"),  # swapped: lands in Saudi Arabia
        ],
        gazetteer=gazetteer_default(),
        countries_of=country_locator_default,
    )
    assert found[0].precision == "city"
    assert abs((found[0].latitude or 0) - 23.7) < 0.2
    assert [w.precision for w in found[1:]] == ["exact", "unknown", "unknown", "exact", "unknown"]
    assert found[2].problem == "the coordinates lie in BD, not in IN"
    assert found[5].problem == "latitude and longitude look swapped"
