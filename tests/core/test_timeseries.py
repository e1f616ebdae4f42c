from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from imvo.core.timeseries import month_end, month_ends, monthly

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def test_month_end_handles_leap_years():
    assert month_end(date(2020, 2, 3)) == date(2020, 2, 29)
    assert month_end(date(2021, 2, 3)) == date(2021, 2, 28)


def test_month_ends_span_a_year_boundary():
    assert month_ends(date(2016, 11, 15), date(2017, 2, 1)) == (
        date(2016, 11, 30),
        date(2016, 12, 31),
        date(2017, 1, 31),
        date(2017, 2, 28),
    )


def test_month_ends_within_one_month_give_that_month_end():
    assert month_ends(date(2018, 12, 31), date(2018, 12, 31)) == (date(2018, 12, 31),)
    assert month_ends(date(2018, 12, 20), date(2018, 12, 5)) == (date(2018, 12, 31),)


def test_month_ends_are_empty_when_end_month_precedes_start_month():
    assert month_ends(date(2018, 12, 1), date(2018, 11, 30)) == ()


def test_monthly_pairs_each_month_end_with_its_value():
    calls: list[date] = []

    def value_on(day: date) -> int:
        calls.append(day)
        return day.month

    assert monthly(date(2020, 1, 10), date(2020, 3, 10), value_on) == (
        (date(2020, 1, 31), 1),
        (date(2020, 2, 29), 2),
        (date(2020, 3, 31), 3),
    )
    assert calls == [date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)]


@given(dates, dates)
def test_month_ends_cover_every_month_once_in_order(start, end):
    ends = month_ends(start, end)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    assert len(ends) == max(months, 0)
    assert len({(d.year, d.month) for d in ends}) == len(ends)
    for day in ends:
        assert (day + timedelta(days=1)).day == 1
    for earlier, later in pairwise(ends):
        assert later == month_end(earlier + timedelta(days=1))
    if ends:
        assert (ends[0].year, ends[0].month) == (start.year, start.month)
        assert (ends[-1].year, ends[-1].month) == (end.year, end.month)
