"""A covenant's status over time, from its dated status changes.

A covenant (convenant) is first planned, then negotiated at the SER, then signed; it ends when
its term is over or is terminated early. Each `StatusChange` says "from `on`, the covenant had
`status`" until the next change. Several changes on one date are ordered by `STATUS_ORDER`
(planned < negotiating < signed < ended < terminated), so a covenant signed and ended on the
same day counts as ended that day, whatever order the changes arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from imvo.core.errors import ImvoError

CovenantState = Literal["planned", "negotiating", "signed", "ended", "terminated"]

STATUS_ORDER: tuple[CovenantState, ...] = (
    "planned",
    "negotiating",
    "signed",
    "ended",
    "terminated",
)
CLOSED_STATES: frozenset[CovenantState] = frozenset({"ended", "terminated"})


@dataclass(frozen=True)
class StatusChange:
    """From `on`, the covenant had `status` (until the next change)."""

    status: CovenantState
    on: date

    def __post_init__(self) -> None:
        if self.status not in STATUS_ORDER:
            raise ImvoError(
                f"unknown covenant status {self.status!r}; expected one of "
                + ", ".join(STATUS_ORDER),
                field="status",
            )


def chronological(changes: Iterable[StatusChange]) -> tuple[StatusChange, ...]:
    """The changes by date, same-date changes in `STATUS_ORDER`."""
    return tuple(sorted(changes, key=lambda c: (c.on, STATUS_ORDER.index(c.status))))


def change_on(day: date, changes: Iterable[StatusChange]) -> StatusChange | None:
    """The change in effect on `day`: the latest with `on <= day`; None before the first."""
    current = None
    for change in chronological(changes):
        if change.on > day:
            break
        current = change
    return current


def status_on(day: date, changes: Iterable[StatusChange]) -> CovenantState | None:
    """The covenant's status on `day`; None before its first status change."""
    change = change_on(day, changes)
    return change.status if change else None


def signed_on(changes: Iterable[StatusChange]) -> date | None:
    """The date the covenant was first signed; None if it never was."""
    return next((c.on for c in chronological(changes) if c.status == "signed"), None)


def closed_on(changes: Iterable[StatusChange]) -> date | None:
    """The first date the covenant ended or was terminated after signing; None if it did not."""
    signed = False
    for change in chronological(changes):
        signed = signed or change.status == "signed"
        if signed and change.status in CLOSED_STATES:
            return change.on
    return None


def in_force(day: date, changes: Iterable[StatusChange]) -> bool:
    """Whether the covenant is signed and not (yet) ended on `day`."""
    return status_on(day, changes) == "signed"
