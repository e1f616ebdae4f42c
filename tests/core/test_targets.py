from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.targets import (
    Target,
    TargetStatus,
    expected_on,
    projected_on,
    target_status_on,
    trajectory,
)

# Textile: at least half of the market turnover by the end of 2018, from about 34% (nulmeting).
TEXTILE = Target(
    metric="market_share",
    baseline=0.34,
    baseline_on=date(2016, 7, 4),
    target=0.5,
    deadline=date(2018, 12, 31),
)
# 400 days from 0 to 100: on day 100 the trajectory expects 25.
HUNDRED = Target("companies", 0.0, date(2020, 1, 1), 100.0, date(2021, 2, 4))
DAY_100 = date(2020, 4, 10)
# A falling target: incidents from 100 down to 50.
INCIDENTS = Target("incidents", 100.0, date(2020, 1, 1), 50.0, date(2021, 2, 4))


def constant(value):
    return lambda day: value


def test_textile_target_missed_with_48_percent_at_the_deadline():
    status = target_status_on(date(2018, 12, 31), TEXTILE, constant(0.48))
    assert status.state == "missed"
    assert status.actual == 0.48
    assert status.measured_on == date(2018, 12, 31)
    assert status.expected == 0.5


def test_after_the_deadline_the_value_on_the_deadline_counts():
    asked: list[date] = []

    def actual_on(day):
        asked.append(day)
        return 0.48 if day <= TEXTILE.deadline else 0.9

    status = target_status_on(date(2021, 1, 1), TEXTILE, actual_on)
    assert (status.state, status.actual, status.measured_on) == ("missed", 0.48, TEXTILE.deadline)
    assert asked == [TEXTILE.deadline]


def test_target_reached_at_the_deadline_is_met():
    assert target_status_on(date(2019, 3, 1), TEXTILE, constant(0.5)).state == "met"


def test_target_is_not_started_before_the_baseline():
    def never(day):
        raise AssertionError("no value needed before the baseline")

    status = target_status_on(date(2016, 7, 3), TEXTILE, never)
    assert status == TargetStatus("not-started", None, None, None, None)


def test_target_without_a_value_is_unknown():
    before = target_status_on(date(2017, 7, 4), TEXTILE, constant(None))
    after = target_status_on(date(2019, 7, 4), TEXTILE, constant(None))
    assert (before.state, before.actual, before.measured_on) == ("unknown", None, date(2017, 7, 4))
    assert (after.state, after.measured_on, after.expected) == ("unknown", TEXTILE.deadline, 0.5)


def test_target_reached_before_the_deadline_is_met():
    status = target_status_on(date(2017, 7, 4), TEXTILE, constant(0.55))
    assert status.state == "met"
    assert status.projected_on is not None
    assert status.projected_on <= date(2017, 7, 4)


def test_value_on_the_trajectory_is_on_track():
    assert target_status_on(DAY_100, HUNDRED, constant(25.0)).state == "on-track"
    assert target_status_on(DAY_100, HUNDRED, constant(30.0)).state == "on-track"


def test_value_on_the_baseline_day_at_the_baseline_is_on_track():
    assert target_status_on(HUNDRED.baseline_on, HUNDRED, constant(0.0)).state == "on-track"


def test_slightly_behind_with_a_projection_within_the_grace_period_is_at_risk():
    status = target_status_on(DAY_100, HUNDRED, constant(20.5))
    assert status.state == "at-risk"
    assert status.projected_on == HUNDRED.baseline_on + timedelta(days=488)


def test_three_quarters_of_the_expected_progress_is_at_risk():
    status = target_status_on(DAY_100, HUNDRED, constant(19.0))
    assert status.projected_on == HUNDRED.baseline_on + timedelta(days=527)
    assert status.state == "at-risk"


def test_far_behind_is_off_track():
    status = target_status_on(DAY_100, HUNDRED, constant(18.0))
    assert status.state == "off-track"
    assert status.projected_on == HUNDRED.baseline_on + timedelta(days=556)


def test_no_progress_is_off_track_and_never_reaches_the_target():
    for value in (0.0, -5.0):
        status = target_status_on(DAY_100, HUNDRED, constant(value))
        assert (status.state, status.projected_on) == ("off-track", None)


def test_projection_beyond_the_calendar_is_none():
    assert projected_on(DAY_100, 1e-300, HUNDRED) is None


def test_projection_follows_the_pace_since_the_baseline():
    target = Target("companies", 0.0, date(2020, 1, 1), 100.0, date(2021, 1, 1))
    assert projected_on(date(2020, 1, 11), 5.0, target) == date(2020, 7, 19)


def test_falling_target_counts_going_down_as_progress():
    halfway = date(2020, 7, 19)  # day 200 of 400
    assert expected_on(halfway, INCIDENTS) == 75.0
    assert target_status_on(halfway, INCIDENTS, constant(70.0)).state == "on-track"
    assert target_status_on(halfway, INCIDENTS, constant(95.0)).state == "off-track"
    assert target_status_on(halfway, INCIDENTS, constant(50.0)).state == "met"
    assert target_status_on(INCIDENTS.deadline, INCIDENTS, constant(60.0)).state == "missed"
    assert target_status_on(INCIDENTS.deadline, INCIDENTS, constant(45.0)).state == "met"


def test_falling_target_projects_from_the_downward_pace():
    assert projected_on(date(2020, 4, 10), 90.0, INCIDENTS) == date(2020, 1, 1) + timedelta(
        days=500
    )


def test_expected_value_is_linear_between_baseline_and_target():
    assert expected_on(date(2020, 4, 10), HUNDRED) == 25.0
    assert expected_on(HUNDRED.baseline_on, HUNDRED) == 0.0
    assert expected_on(HUNDRED.deadline, HUNDRED) == 100.0


def test_expected_value_is_clamped_outside_the_trajectory():
    assert expected_on(date(2010, 1, 1), TEXTILE) == 0.34
    assert expected_on(date(2030, 1, 1), TEXTILE) == 0.5


def test_trajectory_runs_from_the_baseline_to_the_target():
    assert trajectory(TEXTILE) == ((date(2016, 7, 4), 0.34), (date(2018, 12, 31), 0.5))


def test_deadline_must_come_after_the_baseline():
    with pytest.raises(ImvoError) as raised:
        Target("companies", 0.0, date(2020, 1, 1), 10.0, date(2020, 1, 1))
    assert raised.value.field == "deadline"


def test_target_values_must_be_finite():
    with pytest.raises(ImvoError):
        Target("companies", float("nan"), date(2020, 1, 1), 10.0, date(2021, 1, 1))


# Properties

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def targets(draw):
    baseline_on = draw(dates)
    deadline = baseline_on + timedelta(days=draw(st.integers(min_value=1, max_value=5000)))
    return Target("metric", draw(values), baseline_on, draw(values), deadline)


@given(targets(), dates)
def test_expected_value_lies_between_baseline_and_target(target, day):
    low, high = sorted((target.baseline, target.target))
    assert low <= expected_on(day, target) <= high


@given(targets(), dates, dates)
def test_expected_value_moves_only_towards_the_target(target, day, other):
    earlier, later = sorted((day, other))
    if target.target >= target.baseline:
        assert expected_on(earlier, target) <= expected_on(later, target)
    else:
        assert expected_on(earlier, target) >= expected_on(later, target)


@given(targets(), dates, st.none() | values)
def test_state_fits_the_phase_of_the_target(target, day, actual):
    status = target_status_on(day, target, constant(actual))
    if day < target.baseline_on:
        assert status.state == "not-started"
    elif actual is None:
        assert status.state == "unknown"
    elif day >= target.deadline:
        assert status.state in ("met", "missed")
        assert status.measured_on == target.deadline
    else:
        assert status.state in ("met", "on-track", "at-risk", "off-track")
        assert status.measured_on == day


@given(targets(), st.floats(min_value=0, max_value=1, exclude_max=True), st.floats(0, 1e6))
# a progress so small that the pace underflows to zero once divided by the days
@example(Target("metric", 0.0, date(2000, 1, 1), 0.0, date(2000, 1, 5)), 0.5, 5e-324)
def test_value_at_or_beyond_the_trajectory_is_never_behind(target, fraction, ahead_by):
    day = target.baseline_on + timedelta(days=int(fraction * target.duration))
    expected = expected_on(day, target)
    actual = expected + ahead_by if target.rising else expected - ahead_by
    assert target_status_on(day, target, constant(actual)).state in ("met", "on-track")


def test_no_projection_when_the_pace_underflows():
    flat = Target("metric", 0.0, date(2000, 1, 1), 1.0, date(2000, 1, 5))
    assert projected_on(date(2000, 1, 3), 5e-324, flat) is None
