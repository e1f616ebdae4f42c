"""The disclosure rules: what a release may say about the companies sourcing at a facility.

Supplier links are confidential by default (DESIGN §2). A release names a company next to a
facility only where the company consented to it for that year, and publishes no figure from
which anyone who knows the covenant's participants can conclude that a particular company that
did not consent sources at a particular facility. Precisely, for one release (a covenant and a
year):

- N is the number of participants whose supplier list for the year is in the release, and P the
  *unnamed group*: those of them that did not consent. K = `MIN_GROUP` = 5.
- **Names.** A company is named next to a facility it reports only if it consented for the
  year, and only when P is empty or has at least K members. When 0 < |P| < K nobody is named in
  the release: a facility without names would otherwise point at fewer than K companies. The
  brands shown are those of the named companies, so brand pages obey the same rule.
- **The group an unnamed participant hides in** is G = |P| when names are shown, N when they
  are withheld. When P is not empty and G < K the release cannot be published at all (its list
  alone would point at fewer than K companies that did not consent): `disclose` raises.
- **Counts.** With n the participants reporting a facility, k of them named and u = n - k
  unnamed: when u = 0 the count is exact ("3"). Otherwise u is banded (1-4, 5-9, 10-19, 20-49,
  50 or more), except that a band starting at exactly G is merged with the band below it (so
  that no band can only mean "all G of them"); the count published is the range k + band
  ("1-4", "3-6", "2 or more"). A band never starts at 0, so an exact count always means that
  every participant at the facility is named.

Why this suffices: someone reading a row knows the named companies and that the unnamed ones,
if any, number somewhere in the published range and belong to the group of G companies. A
particular company of the group is singled out only if every possible reading puts it there,
i.e. only if the published band can only mean u = G. No band does: the band of G also holds
G - 1. So for every unnamed participant there is another world - the same rows,
with it swapped for a group member that does not source there, or simply left out - that
publishes exactly the same release. The property tests check this for random covenants.

Out of scope: what a reader learns from several releases together (a company that consents in
one year and not in the next), and facts known from outside the release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from imvo.core.errors import ImvoError

MIN_GROUP = 5
# Bands of the number of unnamed participants at a facility: (low, high), high None = open.
UNNAMED_BANDS: tuple[tuple[int, int | None], ...] = ((1, 4), (5, 9), (10, 19), (20, 49), (50, None))


@dataclass(frozen=True)
class Sourcing:
    """Who reports a facility in a release: the keys of the participating companies."""

    facility_id: str
    companies: frozenset[str]


@dataclass(frozen=True)
class Disclosure:
    """What a release says about the companies at one facility."""

    facility_id: str
    named: tuple[str, ...]  # consenting companies, sorted by key
    participants: str  # "3", "1-4" or "2 or more"
    participants_min: int
    participants_max: int | None  # None: open-ended


@dataclass(frozen=True)
class DisclosurePlan:
    """The disclosures of a release, and the two facts they were decided on."""

    names_shown: bool
    group: int  # G: how many companies an unnamed participant hides among
    rows: tuple[Disclosure, ...]


def disclose(
    sourcing: Iterable[Sourcing],
    *,
    participants: frozenset[str],
    consenting: frozenset[str],
    min_group: int = MIN_GROUP,
) -> DisclosurePlan:
    """Apply the disclosure rules to a release's facilities.

    `participants` are the companies whose list is in the release; `consenting` those that
    consented for the year (others in it are ignored). Raises ImvoError when the release would
    point at fewer than `min_group` companies that did not consent.
    """
    rows = list(sourcing)
    for row in rows:
        strangers = row.companies - participants
        if strangers:
            raise ImvoError(
                f"facility {row.facility_id} is reported by {', '.join(sorted(strangers))}, "
                "which has no list in the release"
            )
    unnamed_group = participants - consenting
    names_shown = not unnamed_group or len(unnamed_group) >= min_group
    group = len(unnamed_group) if names_shown else len(participants)
    if unnamed_group and group < min_group:
        raise ImvoError(
            f"only {len(participants)} participants have a list in this release and "
            f"{len(unnamed_group)} of them did not consent to be named; publishing it would "
            f"point at fewer than {min_group} companies"
        )
    return DisclosurePlan(
        names_shown=names_shown,
        group=group,
        rows=tuple(
            _disclosure(row, consenting=consenting if names_shown else frozenset(), group=group)
            for row in rows
        ),
    )


def _disclosure(row: Sourcing, *, consenting: frozenset[str], group: int) -> Disclosure:
    named = tuple(sorted(row.companies & consenting))
    known = len(named)
    unnamed = len(row.companies) - known
    if unnamed == 0:
        count = len(row.companies)
        return Disclosure(row.facility_id, named, str(count), count, count)
    low, high = unnamed_band(unnamed, group=group)
    low, high = known + low, None if high is None else known + high
    text = f"{low} or more" if high is None else f"{low}\u2013{high}"
    return Disclosure(row.facility_id, named, text, low, high)


def unnamed_band(unnamed: int, *, group: int) -> tuple[int, int | None]:
    """The published band of a number (at least 1) of unnamed participants in a group of
    `group`. The bands depend on the group only: where a band would start at the group's size
    (and so say "all of them"), it is merged with the band below it.

    >>> unnamed_band(3, group=20), unnamed_band(5, group=6), unnamed_band(60, group=60)
    ((1, 4), (5, 9), (50, None))
    >>> unnamed_band(4, group=5), unnamed_band(5, group=5)
    ((1, 9), (1, 9))
    """
    if unnamed < 1:
        raise ValueError("a band is for at least one unnamed participant")
    index = _band_index(unnamed)
    top = _band_index(group)
    if top > 0 and UNNAMED_BANDS[top][0] == group and index >= top - 1:
        return UNNAMED_BANDS[top - 1][0], UNNAMED_BANDS[top][1]
    return UNNAMED_BANDS[index]


def _band_index(count: int) -> int:
    return next(i for i, (_low, high) in enumerate(UNNAMED_BANDS) if high is None or count <= high)
