"""Participation in a covenant on a day: companies, brands and share of the market.

The debate asked for participation counted in companies *and* weighted by market share
(marktaandeel), since a few companies can represent most of a sector. Two kinds of data answer it:

- company-level data: the participation periods of each party (`Participant`) and each
  company's estimated share of the covenant's market per year (`ShareEstimate`);
- published aggregates (`Observation`), where only a covenant's totals are public, such as
  "about 48% of market turnover on 2018-12-31". A published range keeps its `value` as given
  (the loader stores the midpoint) with `low` and `high` beside it.

`coverage_on` prefers company-level data: when companies participate on the day, it counts them
(each company once, whatever its number of periods or brands) and sums the market shares of the
ones with an estimate for the day's year, or else their latest earlier estimate. When none do, it
takes the latest published figure of each metric on or before the day. If companies participate
but none has a share estimate, the market share falls back to the latest published figure and
the note says so. Before the covenant is signed and after it ended, coverage is zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from imvo.core.covenants import CovenantState, StatusChange, change_on
from imvo.core.errors import ImvoError

ORGANISATION_KINDS = ("company", "business_association", "union", "ngo", "government", "other")
METRICS = ("companies", "brands", "market_share", "parties")
COVERAGE_METRICS = ("companies", "brands", "market_share")
METRIC_LABELS = {"companies": "companies", "brands": "brands", "market_share": "market share"}

CoverageBasis = Literal["companies", "observation", "none"]


@dataclass(frozen=True)
class Participant:
    """One participation period of one organisation in a covenant."""

    organisation: str
    kind: str
    joined_on: date
    left_on: date | None  # exclusive: not participating on left_on
    brands: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ORGANISATION_KINDS:
            raise ImvoError(
                f"unknown organisation kind {self.kind!r} for {self.organisation}; "
                f"expected one of {', '.join(ORGANISATION_KINDS)}",
                field="kind",
            )
        if self.left_on is not None and self.left_on < self.joined_on:
            raise ImvoError(
                f"{self.organisation} left on {self.left_on} before joining on {self.joined_on}",
                field="left_on",
            )
        if self.brands < 0:
            raise ImvoError(f"{self.organisation} has a negative number of brands", field="brands")


@dataclass(frozen=True)
class ShareEstimate:
    """A company's share (0..1) of the covenant's market in a year."""

    organisation: str
    year: int
    share: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ImvoError(
                f"market share of {self.organisation} in {self.year} must lie between 0 and 1, "
                f"not {self.share}",
                field="share",
            )


@dataclass(frozen=True)
class Observation:
    """A published aggregate, such as "~48% of market turnover on 2018-12-31"."""

    on: date
    metric: str  # "companies" | "brands" | "market_share" | "parties"
    value: float
    low: float | None = None
    high: float | None = None
    source: str | None = None  # source key

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ImvoError(
                f"unknown metric {self.metric!r}; expected one of {', '.join(METRICS)}",
                field="metric",
            )
        upper = 1.0 if self.metric == "market_share" else math.inf
        for name in ("value", "low", "high"):
            number = getattr(self, name)
            if number is not None and not (math.isfinite(number) and 0.0 <= number <= upper):
                raise ImvoError(
                    f"{self.metric} {name} {number} on {self.on} is out of range", field=name
                )
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ImvoError(
                f"{self.metric} range on {self.on} has low {self.low} above high {self.high}",
                field="low",
            )


@dataclass(frozen=True)
class Coverage:
    """Participation on `on`, with the basis it was computed on and a plain-English note."""

    on: date
    state: CovenantState | None
    companies: int | None
    brands: int | None
    market_share: float | None
    basis: CoverageBasis
    observed_on: date | None  # date of the (oldest) observation used
    sources: tuple[str, ...]  # source keys of the observations used
    note: str


def active_on(day: date, participant: Participant) -> bool:
    """Whether the participant takes part on `day` (joined on or before it, not yet left)."""
    return participant.joined_on <= day and (
        participant.left_on is None or day < participant.left_on
    )


def coverage_on(
    day: date,
    *,
    changes: Sequence[StatusChange],
    participants: Sequence[Participant],
    shares: Sequence[ShareEstimate],
    observations: Sequence[Observation],
) -> Coverage:
    """Participation in the covenant on `day`, by companies, brands and market share."""
    change = change_on(day, changes)
    if change is None or change.status != "signed":
        return _not_in_force(day, change, has_history=bool(changes))
    companies = _active_companies(day, participants)
    if companies:
        return _from_companies(day, companies, shares, observations)
    latest = _latest_observations(day, observations)
    if latest:
        return _from_observations(day, latest)
    return Coverage(
        on=day,
        state="signed",
        companies=None,
        brands=None,
        market_share=None,
        basis="none",
        observed_on=None,
        sources=(),
        note="signed, but no participation data",
    )


def share_for_year(year: int, estimates: Iterable[ShareEstimate]) -> ShareEstimate | None:
    """A company's estimate for `year`, else its latest earlier one; None if it has none."""
    by_year: dict[int, ShareEstimate] = {}
    for estimate in estimates:
        if estimate.year > year:
            continue
        known = by_year.get(estimate.year)
        if known is not None and known.share != estimate.share:
            raise ImvoError(
                f"two market shares for {estimate.organisation} in {estimate.year}: "
                f"{known.share} and {estimate.share}",
                field="shares",
            )
        by_year[estimate.year] = estimate
    return by_year[max(by_year)] if by_year else None


def _not_in_force(day: date, change: StatusChange | None, *, has_history: bool) -> Coverage:
    if change is None:
        note = "not yet signed" if has_history else "no status recorded"
    elif change.status in ("planned", "negotiating"):
        note = "not yet signed"
    else:
        note = f"{change.status} on {change.on.isoformat()}"
    return Coverage(
        on=day,
        state=change.status if change else None,
        companies=0,
        brands=0,
        market_share=0.0,
        basis="none",
        observed_on=None,
        sources=(),
        note=note,
    )


def _active_companies(day: date, participants: Iterable[Participant]) -> dict[str, int]:
    """Active companies by slug, with their number of brands (counted once per company)."""
    companies: dict[str, int] = {}
    for participant in participants:
        if participant.kind == "company" and active_on(day, participant):
            slug = participant.organisation
            companies[slug] = max(companies.get(slug, 0), participant.brands)
    return companies


def _from_companies(
    day: date,
    companies: Mapping[str, int],
    shares: Iterable[ShareEstimate],
    observations: Iterable[Observation],
) -> Coverage:
    estimates: dict[str, list[ShareEstimate]] = {}
    for estimate in shares:
        if estimate.organisation in companies:
            estimates.setdefault(estimate.organisation, []).append(estimate)
    known = [
        found.share
        for slug in sorted(companies)
        if (found := share_for_year(day.year, estimates.get(slug, ()))) is not None
    ]
    count = len(companies)
    note = f"{count} participating {'company' if count == 1 else 'companies'}"
    market_share: float | None = None
    observed_on: date | None = None
    sources: tuple[str, ...] = ()
    if known:
        market_share = math.fsum(known)
        if len(known) < count:
            note += f"; market share from the estimates of {len(known)} of them"
    elif published := _latest_observations(day, observations).get("market_share"):
        market_share = published.value
        observed_on = published.on
        sources = (published.source,) if published.source else ()
        note += f"; no company estimates, market share as published on {published.on.isoformat()}"
    else:
        note += "; market share unknown"
    return Coverage(
        on=day,
        state="signed",
        companies=count,
        brands=sum(companies.values()),
        market_share=market_share,
        basis="companies",
        observed_on=observed_on,
        sources=sources,
        note=note,
    )


def _latest_observations(day: date, observations: Iterable[Observation]) -> dict[str, Observation]:
    """Per coverage metric, the latest observation on or before `day`."""
    latest: dict[str, Observation] = {}
    for observation in sorted(
        (o for o in observations if o.metric in COVERAGE_METRICS and o.on <= day),
        key=lambda o: o.on,
    ):
        known = latest.get(observation.metric)
        if known is not None and known.on == observation.on and known.value != observation.value:
            raise ImvoError(
                f"two published {observation.metric} figures on {observation.on}: "
                f"{known.value} and {observation.value}",
                field="observations",
            )
        latest[observation.metric] = observation
    return latest


def _from_observations(day: date, latest: Mapping[str, Observation]) -> Coverage:
    used = [latest[metric] for metric in COVERAGE_METRICS if metric in latest]
    dates = sorted({o.on for o in used})
    if len(dates) == 1:
        note = f"published figures of {dates[0].isoformat()}"
    else:
        note = "published figures: " + ", ".join(
            f"{METRIC_LABELS[o.metric]} of {o.on.isoformat()}" for o in used
        )
    companies, brands, share = (latest.get(metric) for metric in COVERAGE_METRICS)
    return Coverage(
        on=day,
        state="signed",
        companies=round(companies.value) if companies else None,
        brands=round(brands.value) if brands else None,
        market_share=share.value if share else None,
        basis="observation",
        observed_on=dates[0],
        sources=tuple(dict.fromkeys(o.source for o in used if o.source)),
        note=note,
    )
