from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.covenants import (
    STATUS_ORDER,
    StatusChange,
    change_on,
    chronological,
    closed_on,
    in_force,
    signed_on,
    status_on,
)
from imvo.core.errors import ImvoError

TEXTILE = (
    StatusChange("negotiating", date(2015, 6, 1)),
    StatusChange("signed", date(2016, 7, 4)),
    StatusChange("ended", date(2021, 7, 3)),
)

changes_strategy = st.lists(
    st.builds(
        StatusChange,
        status=st.sampled_from(STATUS_ORDER),
        on=st.dates(min_value=date(2014, 1, 1), max_value=date(2024, 12, 31)),
    ),
    max_size=8,
)
days = st.dates(min_value=date(2013, 1, 1), max_value=date(2025, 12, 31))


def test_status_is_none_before_the_first_change():
    assert status_on(date(2015, 5, 31), TEXTILE) is None


def test_status_takes_effect_on_the_day_of_the_change():
    assert status_on(date(2016, 7, 3), TEXTILE) == "negotiating"
    assert status_on(date(2016, 7, 4), TEXTILE) == "signed"
    assert status_on(date(2030, 1, 1), TEXTILE) == "ended"


def test_status_does_not_depend_on_the_order_changes_are_given_in():
    assert status_on(date(2018, 1, 1), reversed(TEXTILE)) == "signed"


def test_same_day_changes_follow_the_status_order():
    same_day = [StatusChange("ended", date(2020, 1, 1)), StatusChange("signed", date(2020, 1, 1))]
    assert status_on(date(2020, 1, 1), same_day) == "ended"
    assert [c.status for c in chronological(same_day)] == ["signed", "ended"]


def test_change_on_returns_the_change_in_effect():
    assert change_on(date(2019, 1, 1), TEXTILE) == StatusChange("signed", date(2016, 7, 4))
    assert change_on(date(2000, 1, 1), TEXTILE) is None


def test_signed_on_is_the_first_signing():
    resigned = [*TEXTILE, StatusChange("signed", date(2022, 1, 1))]
    assert signed_on(resigned) == date(2016, 7, 4)


def test_signed_on_is_none_for_a_covenant_never_signed():
    assert signed_on([StatusChange("negotiating", date(2019, 1, 1))]) is None


def test_closed_on_is_the_first_end_after_signing():
    assert closed_on(TEXTILE) == date(2021, 7, 3)
    terminated = [
        StatusChange("signed", date(2017, 1, 1)),
        StatusChange("terminated", date(2018, 3, 1)),
    ]
    assert closed_on(terminated) == date(2018, 3, 1)


def test_closed_on_ignores_negotiations_that_ended_before_any_signing():
    history = [
        StatusChange("negotiating", date(2015, 1, 1)),
        StatusChange("ended", date(2016, 1, 1)),
        StatusChange("signed", date(2017, 1, 1)),
    ]
    assert closed_on(history) is None


def test_closed_on_is_none_while_still_in_force():
    assert closed_on(TEXTILE[:2]) is None


def test_in_force_only_while_signed():
    assert not in_force(date(2016, 7, 3), TEXTILE)
    assert in_force(date(2016, 7, 4), TEXTILE)
    assert in_force(date(2021, 7, 2), TEXTILE)
    assert not in_force(date(2021, 7, 3), TEXTILE)


def test_unknown_status_is_rejected_naming_the_field():
    with pytest.raises(ImvoError) as raised:
        StatusChange("draft", date(2020, 1, 1))  # type: ignore[arg-type]
    assert raised.value.field == "status"


@given(changes_strategy, st.randoms(use_true_random=False), days)
def test_status_is_independent_of_input_order(changes, random, day):
    shuffled = list(changes)
    random.shuffle(shuffled)
    assert status_on(day, shuffled) == status_on(day, changes)


@given(changes_strategy, days)
def test_status_is_the_greatest_status_of_the_latest_change_date(changes, day):
    earlier = [c for c in changes if c.on <= day]
    if not earlier:
        assert status_on(day, changes) is None
    else:
        latest = max(c.on for c in earlier)
        expected = max((c.status for c in earlier if c.on == latest), key=STATUS_ORDER.index)
        assert status_on(day, changes) == expected


@given(changes_strategy)
def test_a_covenant_closes_no_earlier_than_it_is_signed(changes):
    closed = closed_on(changes)
    if closed is not None:
        signed = signed_on(changes)
        assert signed is not None
        assert signed <= closed
