"""Monthly series for charts: a value computed on the last day of every month."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import TypeVar

T = TypeVar("T")


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(start: date, end: date) -> tuple[date, ...]:
    """The last day of each month from `start`'s month to `end`'s, inclusive (maybe empty)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    first = start.year * 12 + start.month - 1
    return tuple(
        month_end(date(index // 12, index % 12 + 1, 1)) for index in range(first, first + months)
    )


def monthly(start: date, end: date, value_on: Callable[[date], T]) -> tuple[tuple[date, T], ...]:
    """`value_on` each month end from `start`'s month to `end`'s, as (day, value) pairs."""
    return tuple((day, value_on(day)) for day in month_ends(start, end))
