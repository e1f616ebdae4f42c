"""A release of the open list of production locations: its rows and its changelog.

A release holds, per facility, what the participants' supplier lists of a covenant and year
say about it, with the companies' names replaced by what the disclosure rules allow
(`imvo.core.publication.disclosure`). The changelog compares a release with the covenant's
previous one by facility id, following merges: a facility merged into another since then is
the same facility under its new id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from imvo.core.publication.disclosure import DisclosurePlan, Sourcing, disclose
from imvo.core.publication.geo import Located


@dataclass(frozen=True)
class FacilitySource:
    """A facility as the lists of a release report it, before the disclosure rules."""

    facility_id: str
    name: str
    address: str
    city: str | None
    province: str | None
    country: str
    located: Located
    product_types: tuple[str, ...]
    workers_band: str | None  # a Transparency Pledge band
    companies: frozenset[str]  # keys of the participating companies reporting it


@dataclass(frozen=True)
class ReleaseRecord:
    """One row of a published release, in the column order of its files."""

    facility_id: str
    name: str
    address: str
    city: str | None
    province: str | None
    country: str
    latitude: float | None
    longitude: float | None
    coordinate_precision: str  # exact, city, country or unknown
    product_types: tuple[str, ...]
    workers_band: str | None
    participants: str  # exact ("3") or a band ("1-4"): see the disclosure rules
    participants_min: int
    participants_max: int | None
    companies: tuple[str, ...]  # consenting companies, by name
    brands: tuple[str, ...]  # their brands


RELEASE_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(ReleaseRecord))


def release_build(
    sources: Iterable[FacilitySource],
    *,
    participants: frozenset[str],
    consenting: frozenset[str],
    company_names: Mapping[str, str],
    brands: Mapping[str, Sequence[str]],
) -> tuple[DisclosurePlan, tuple[ReleaseRecord, ...]]:
    """The rows of a release, by facility id, and the disclosure plan they follow.

    `company_names` and `brands` give, by company key, what a named company is called and
    which brands it has. Raises ImvoError when the disclosure rules forbid the release.
    """
    ordered = sorted(sources, key=lambda source: source.facility_id)
    plan = disclose(
        (Sourcing(source.facility_id, source.companies) for source in ordered),
        participants=participants,
        consenting=consenting,
    )
    records = []
    for source, disclosure in zip(ordered, plan.rows, strict=True):
        named = disclosure.named
        records.append(
            ReleaseRecord(
                facility_id=source.facility_id,
                name=source.name,
                address=source.address,
                city=source.city,
                province=source.province,
                country=source.country,
                latitude=source.located.latitude,
                longitude=source.located.longitude,
                coordinate_precision=source.located.precision,
                product_types=source.product_types,
                workers_band=source.workers_band,
                participants=disclosure.participants,
                participants_min=disclosure.participants_min,
                participants_max=disclosure.participants_max,
                companies=tuple(sorted(company_names[key] for key in named)),
                brands=tuple(sorted({brand for key in named for brand in brands.get(key, ())})),
            )
        )
    return plan, tuple(records)


@dataclass(frozen=True)
class Change:
    """A facility in both releases whose published fields differ."""

    facility_id: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Changelog:
    """How a release differs from the previous one, by facility id (following merges)."""

    new: tuple[str, ...]
    gone: tuple[str, ...]
    changed: tuple[Change, ...]
    merged: tuple[tuple[str, str], ...]  # (id in the previous release, the id it has now)
    unchanged: int


_COMPARED = tuple(name for name in RELEASE_COLUMNS if name != "facility_id")


def changelog(
    previous: Sequence[ReleaseRecord],
    current: Sequence[ReleaseRecord],
    *,
    resolve: Callable[[str], str],
) -> Changelog:
    """What is new, gone and changed in `current` against `previous`; `resolve` gives the
    id a facility has now (the same id unless it was merged into another)."""
    now = {record.facility_id: record for record in current}
    before: dict[str, ReleaseRecord] = {}
    merged = []
    for record in sorted(previous, key=lambda record: record.facility_id):
        current_id = resolve(record.facility_id)
        if current_id != record.facility_id:
            merged.append((record.facility_id, current_id))
        before.setdefault(current_id, record)
    changed = []
    unchanged = 0
    for facility_id in sorted(now.keys() & before.keys()):
        differing = tuple(
            name
            for name in _COMPARED
            if getattr(now[facility_id], name) != getattr(before[facility_id], name)
        )
        if differing:
            changed.append(Change(facility_id, differing))
        else:
            unchanged += 1
    return Changelog(
        new=tuple(sorted(now.keys() - before.keys())),
        gone=tuple(sorted(before.keys() - now.keys())),
        changed=tuple(changed),
        merged=tuple(merged),
        unchanged=unchanged,
    )
