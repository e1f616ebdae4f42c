"""The years the monitor accepts: supplier lists, submissions and releases are for a year from
FIRST_YEAR up to next year (a list may be handed in for the coming year)."""

from __future__ import annotations

from datetime import date

from imvo.core.errors import ImvoError, shown

FIRST_YEAR = 2000


def last_year(today: date) -> int:
    """The latest year accepted on `today`."""
    return today.year + 1


def year_check(year: int, *, today: date, field: str = "year") -> int:
    """`year` when it lies between FIRST_YEAR and next year; otherwise an ImvoError."""
    last = last_year(today)
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise ImvoError(
            f"{shown(year)} is not a year between {FIRST_YEAR} and {last}",
            field=field,
        )
    return year


def year_parse(text: object, *, today: date, field: str = "year") -> int:
    """A year written as digits (a string or a whole number), checked by `year_check`."""
    if isinstance(text, int) and not isinstance(text, bool):
        return year_check(text, today=today, field=field)
    raw = str(text if text is not None else "").strip()
    if not (raw.isascii() and raw.isdigit()):
        raise ImvoError(
            f"{shown(raw)} is not a year: write it as digits, e.g. 2018",
            field=field,
        )
    return year_check(int(raw), today=today, field=field)
