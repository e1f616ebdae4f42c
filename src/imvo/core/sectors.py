"""Which of the risk sectors have a covenant in force, which are negotiating, and which have none.

The 2014 KPMG sector risk analysis named 13 risk sectors; the government asked each to conclude
a covenant. A sector "has a covenant" on a day when one of its covenants is signed and in force
then; it is "negotiating" when none is in force but one is planned or being negotiated; it has
"none" otherwise, also when all its covenants have ended or were terminated. A covenant may
belong to several sectors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from imvo.core.covenants import CovenantState, StatusChange, status_on

SectorState = Literal["covenant", "negotiating", "none"]

# covenant slug -> (the covenant's sector slugs, its status changes)
CovenantsBySlug = Mapping[str, tuple[frozenset[str], Sequence[StatusChange]]]

# The order covenants are listed in for a sector: in force first, closed last.
LISTING_ORDER: tuple[CovenantState, ...] = (
    "signed",
    "negotiating",
    "planned",
    "ended",
    "terminated",
)


@dataclass(frozen=True)
class SectorStatus:
    """A sector's covenant status on a day, with the covenants that had a status then."""

    sector: str
    state: SectorState
    covenants: tuple[str, ...]  # signed first, then negotiating, planned, ended, terminated


def sector_status_on(day: date, sector: str, covenants: CovenantsBySlug) -> SectorStatus:
    """Whether `sector` has a covenant in force, one in negotiation, or none on `day`."""
    states: dict[str, CovenantState] = {}
    for slug, (sectors, changes) in covenants.items():
        state = status_on(day, changes) if sector in sectors else None
        if state is not None:
            states[slug] = state
    present = set(states.values())
    sector_state: SectorState
    if "signed" in present:
        sector_state = "covenant"
    elif present & {"negotiating", "planned"}:
        sector_state = "negotiating"
    else:
        sector_state = "none"
    listed = sorted(states, key=lambda slug: (LISTING_ORDER.index(states[slug]), slug))
    return SectorStatus(sector=sector, state=sector_state, covenants=tuple(listed))


def sector_statuses_on(
    day: date, sectors: Sequence[str], covenants: CovenantsBySlug
) -> tuple[SectorStatus, ...]:
    """The status of each sector on `day`, in the order given."""
    return tuple(sector_status_on(day, sector, covenants) for sector in sectors)


def sectors_without_covenant(
    day: date, sectors: Sequence[str], covenants: CovenantsBySlug
) -> tuple[str, ...]:
    """The sectors, in the order given, with no covenant in force on `day` (negotiating or none)."""
    return tuple(
        status.sector
        for status in sector_statuses_on(day, sectors, covenants)
        if status.state != "covenant"
    )
