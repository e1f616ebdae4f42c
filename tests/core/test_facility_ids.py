"""Facility ids: readable, checked, and forgiving of the way people copy them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.facility_ids import (
    ALPHABET,
    SERIAL_WIDTH,
    facility_id_country,
    facility_id_make,
    facility_id_normalise,
    facility_id_valid,
)

COUNTRIES = st.sampled_from(["BD", "CN", "IN", "TR", "VN", "PK", "ID", "PT", "LK", "OM", "UZ"])
SERIALS = st.integers(min_value=1, max_value=2**40)


def test_id_is_country_then_six_symbol_serial_then_check_character() -> None:
    facility_id = facility_id_make("BD", 1)
    assert facility_id.startswith("BD000001")
    assert len(facility_id) == 2 + SERIAL_WIDTH + 1
    assert facility_id[-1] in ALPHABET
    assert facility_id_country(facility_id) == "BD"


def test_serial_is_written_in_crockford_base_32() -> None:
    assert facility_id_make("CN", 32)[2:-1] == "000010"
    assert facility_id_make("CN", 31)[2:-1] == "00000Z"


def test_serial_grows_beyond_six_symbols_without_padding() -> None:
    large = facility_id_make("VN", 32**SERIAL_WIDTH)
    assert large[2:-1] == "1" + "0" * SERIAL_WIDTH
    assert facility_id_valid(large)


def test_country_code_is_upper_cased() -> None:
    assert facility_id_make("bd", 7) == facility_id_make("BD", 7)


@pytest.mark.parametrize("country", ["", "B", "BGD", "B1", "ÄB"])
def test_country_must_be_two_letters(country: str) -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        facility_id_make(country, 1)


@pytest.mark.parametrize("serial", [0, -1, True])
def test_serial_must_be_positive(serial: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        facility_id_make("BD", serial)


def test_distinct_serials_give_distinct_ids() -> None:
    ids = {facility_id_make("IN", serial) for serial in range(1, 5000)}
    assert len(ids) == 4999


@given(COUNTRIES, SERIALS)
def test_every_made_id_is_valid_and_its_own_normal_form(country: str, serial: int) -> None:
    facility_id = facility_id_make(country, serial)
    assert facility_id_valid(facility_id)
    assert facility_id_normalise(facility_id) == facility_id


@given(COUNTRIES, SERIALS, st.data())
def test_every_single_mistyped_symbol_is_caught(
    country: str, serial: int, data: st.DataObject
) -> None:
    facility_id = facility_id_make(country, serial)
    position = data.draw(st.integers(min_value=0, max_value=len(facility_id) - 1))
    pool = ALPHABET if position >= 2 else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    wrong = data.draw(st.sampled_from([s for s in pool if s != facility_id[position]]))
    mistyped = facility_id[:position] + wrong + facility_id[position + 1 :]
    assert not facility_id_valid(mistyped)


def test_nearly_every_swap_of_two_neighbours_is_caught() -> None:
    swaps = caught = 0
    for serial in range(1, 40_000, 7):
        facility_id = facility_id_make("BD", serial)
        for i in range(len(facility_id) - 1):
            if facility_id[i] != facility_id[i + 1]:
                swapped = (
                    facility_id[:i] + facility_id[i + 1] + facility_id[i] + facility_id[i + 2 :]
                )
                swaps += 1
                caught += not facility_id_valid(swapped)
    assert caught / swaps > 0.99


@pytest.mark.parametrize(
    "typed",
    [
        "{id}",
        "{lower}",
        "  {id}  ",
        "{country} {serial} {check}",
        "{country}-{serial}-{check}",
        "{country}.{serial}.{check}",
        "{oh}",
    ],
)
def test_sloppy_copies_normalise_to_the_id(typed: str) -> None:
    facility_id = facility_id_make("BD", 33)  # BD000011 + check: zeros and ones to confuse
    assert facility_id[2:-1] == "000011"
    text = typed.format(
        id=facility_id,
        lower=facility_id.lower(),
        country=facility_id[:2],
        serial=facility_id[2:-1],
        check=facility_id[-1],
        oh=facility_id[:2] + "OoO0Il" + facility_id[-1],
    )
    assert facility_id_normalise(text) == facility_id


def test_country_letters_that_look_like_digits_stay_letters() -> None:
    for country in ("IN", "OM", "IL", "LI"):
        facility_id = facility_id_make(country, 5)
        assert facility_id_normalise(facility_id.lower()) == facility_id


def test_wrong_check_character_is_refused_with_a_reason() -> None:
    facility_id = facility_id_make("TR", 1234)
    wrong = facility_id[:-1] + next(s for s in ALPHABET if s != facility_id[-1])
    with pytest.raises(ImvoError, match="check character") as caught:
        facility_id_normalise(wrong)
    assert caught.value.field == "facility_id"


@pytest.mark.parametrize("text", ["", "BD", "12345678", "BD12", "BDU00001X", "BD00000#1"])
def test_malformed_text_is_refused(text: str) -> None:
    with pytest.raises(ImvoError, match="not a facility id"):
        facility_id_normalise(text)


def test_valid_accepts_only_the_exact_form() -> None:
    facility_id = facility_id_make("PK", 99)
    assert not facility_id_valid(facility_id.lower())
    assert not facility_id_valid(f" {facility_id}")
    assert not facility_id_valid(facility_id[:2] + "0" + facility_id[2:])  # extra padding


@given(st.text(max_size=30))
def test_normalise_either_returns_a_valid_id_or_raises_imvo_error(text: str) -> None:
    try:
        result = facility_id_normalise(text)
    except ImvoError:
        return
    assert facility_id_valid(result)
