"""to_jsonable: the one JSON encoding shared by the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.web.registry.jsonable import to_jsonable
from imvo.web.registry.models import CovenantStatus


def test_dates_become_iso_strings() -> None:
    value = {"on": dt.date(2016, 7, 4), "at": dt.datetime(2018, 3, 6, 14, 0, tzinfo=dt.UTC)}
    assert to_jsonable(value) == {"on": "2016-07-04", "at": "2018-03-06T14:00:00+00:00"}


def test_decimals_become_floats() -> None:
    assert to_jsonable({"share": Decimal("0.480000")}) == {"share": 0.48}


def test_tuples_become_lists_all_the_way_down() -> None:
    points = [(dt.date(2016, 7, 4), 0.3), (dt.date(2018, 12, 31), 0.5)]
    assert to_jsonable({"points": points}) == {"points": [["2016-07-04", 0.3], ["2018-12-31", 0.5]]}


def test_sets_become_sorted_lists() -> None:
    assert to_jsonable(frozenset({"textile", "gold", "food"})) == ["food", "gold", "textile"]


def test_choices_become_their_plain_value() -> None:
    encoded = to_jsonable({"status": CovenantStatus.SIGNED})
    assert encoded == {"status": "signed"}
    assert type(encoded["status"]) is str


def test_frozen_dataclasses_become_objects() -> None:
    @dataclass(frozen=True)
    class Coverage:
        companies: int
        market_share: float | None
        on: dt.date

    assert to_jsonable(Coverage(80, None, dt.date(2018, 12, 31))) == {
        "companies": 80,
        "market_share": None,
        "on": "2018-12-31",
    }


def test_keys_are_written_as_json_would_write_them() -> None:
    assert to_jsonable({dt.date(2018, 1, 1): 1, 2: "b", None: "c", True: "d"}) == {
        "2018-01-01": 1,
        "2": "b",
        "null": "c",
        "true": "d",
    }


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf, Decimal("NaN")])
def test_numbers_json_cannot_hold_become_null(number: Any) -> None:
    assert to_jsonable([number]) == [None]


@pytest.mark.parametrize("value", [object(), b"bytes", {"nested": 1j}, {(1, 2): "tuple key"}])
def test_anything_else_is_refused_rather_than_stringified(value: Any) -> None:
    with pytest.raises(TypeError, match="cannot"):
        to_jsonable(value)


selector_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals(places=6)
    | st.text()
    | st.dates()
    | st.datetimes(timezones=st.just(dt.UTC)),
    lambda children: (
        st.lists(children)
        | st.tuples(children, children)
        | st.dictionaries(st.text() | st.dates(), children)
    ),
    max_leaves=20,
)


@given(selector_values)
def test_every_selector_value_becomes_strict_json_that_reads_back_unchanged(value: Any) -> None:
    encoded = to_jsonable(value)
    text = json.dumps(encoded, allow_nan=False)
    assert json.loads(text) == encoded
    assert to_jsonable(encoded) == encoded
