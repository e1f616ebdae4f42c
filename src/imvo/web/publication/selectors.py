"""Reads for publication: what a release would hold, the published releases, and the public
views of them (facility search and detail, brands), shared leverage and coordinate flags.

Public selectors read published releases only - the latest release of each covenant - never a
supplier list directly, so the API and the public pages show exactly what was published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet

from imvo.core.errors import ImvoError
from imvo.core.normalise import fold
from imvo.core.publication.bands import pledge_band_of
from imvo.core.publication.geo import (
    CountryLocator,
    Gazetteer,
    Place,
    country_locator_default,
    gazetteer_default,
    locate,
)
from imvo.core.publication.releases import FacilitySource, ReleaseRecord
from imvo.core.publication.search import (
    PreparedName,
    name_score_prepared,
    names_prepared,
    query_prepared,
)
from imvo.web.accounts.permissions import took_part_during
from imvo.web.publication.models import (
    CoordinateResolution,
    CoordinateVerdict,
    PublicationConsent,
    Release,
    ReleaseRow,
)
from imvo.web.registry.models import Brand, Covenant, Organisation, Participation
from imvo.web.suppliers.models import Facility, FacilityEvent, SupplierList, SupplierRow
from imvo.web.suppliers.selectors import supplier_lists_current

# --------------------------------------------------------------------------------------------
# What a release holds
# --------------------------------------------------------------------------------------------


def participants_in(*, covenant: Covenant, year: int) -> QuerySet[Organisation]:
    """Companies that took part in the covenant at some time in the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    taking_part = Participation.objects.filter(covenant=covenant, joined_on__lte=last).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=first)
    )
    return Organisation.objects.filter(
        kind="company", pk__in=taking_part.values("organisation")
    ).order_by("slug")


def release_lists(*, covenant: Covenant, year: int) -> QuerySet[SupplierList]:
    """The lists a release of the covenant and year is made of: the latest version of each
    participating company's list for the year (lists handed in for another covenant excepted)."""
    return (
        supplier_lists_current()
        .filter(year=year, company__in=participants_in(covenant=covenant, year=year))
        .filter(Q(covenant__isnull=True) | Q(covenant=covenant))
        .select_related("company")
        .order_by("company__slug")
    )


def consenting_companies(*, year: int, companies: Iterable[Organisation]) -> frozenset[str]:
    """Slugs of those companies that consent to be named for the year."""
    return frozenset(
        PublicationConsent.objects.filter(
            year=year, withdrawn_at__isnull=True, company__in=list(companies)
        ).values_list("company__slug", flat=True)
    )


def facility_live(facility: Facility, cache: dict[int, Facility] | None = None) -> Facility:
    """The facility a facility is now: itself, or the one it was (transitively) merged into."""
    seen = set()
    current = facility
    while (target := current.merged_into_id) is not None and current.pk not in seen:
        seen.add(current.pk)
        if cache is not None and target in cache:
            current = cache[target]
        else:
            current = Facility.objects.get(pk=target)
            if cache is not None:
                cache[current.pk] = current
    return current


@dataclass(frozen=True)
class ReleaseInput:
    """Everything a release of a covenant and year is built from."""

    sources: tuple[FacilitySource, ...]
    participants: frozenset[str]  # slugs of companies with a list in the release
    consenting: frozenset[str]
    company_names: dict[str, str]
    brands: dict[str, tuple[str, ...]]
    aliases: dict[str, list[dict[str, str]]]  # by facility id
    facilities: dict[str, Facility]  # by facility id


def release_input(
    *,
    covenant: Covenant,
    year: int,
    gazetteer: Gazetteer | None = None,
    countries_of: CountryLocator | None = None,
) -> ReleaseInput:
    """What the release of a covenant and year would be built from, read now."""
    lists = list(release_lists(covenant=covenant, year=year))
    companies = [supplier_list.company for supplier_list in lists]
    cache: dict[int, Facility] = {}
    reported: dict[int, set[str]] = defaultdict(set)
    aliases: dict[int, dict[tuple[str, str, str], None]] = defaultdict(dict)
    live: dict[int, Facility] = {}
    rows = (
        SupplierRow.objects.filter(supplier_list__in=lists, facility__isnull=False)
        .select_related("facility", "supplier_list__company")
        .order_by("supplier_list__company__slug", "number")
    )
    for row in rows.iterator(chunk_size=2000):
        assert row.facility is not None
        facility = facility_live(row.facility, cache)
        live[facility.pk] = facility
        reported[facility.pk].add(row.supplier_list.company.slug)
        aliases[facility.pk][(row.name, row.address, row.city)] = None
    facilities = [live[pk] for pk in sorted(live, key=lambda pk: live[pk].facility_id)]
    located = locate(
        [_place(facility) for facility in facilities],
        gazetteer=gazetteer or gazetteer_default(),
        countries_of=countries_of or country_locator_default,
    )
    sources = tuple(
        FacilitySource(
            facility_id=facility.facility_id,
            name=facility.name,
            address=facility.address,
            city=facility.city or None,
            province=facility.province or None,
            country=facility.country,
            located=where,
            product_types=tuple(facility.product_types),
            workers_band=pledge_band_of(facility.workers_band),
            companies=frozenset(reported[facility.pk]),
        )
        for facility, where in zip(facilities, located, strict=True)
    )
    brands: dict[str, list[str]] = defaultdict(list)
    for slug, brand in Brand.objects.filter(company__in=companies).values_list(
        "company__slug", "name"
    ):
        brands[slug].append(brand)
    return ReleaseInput(
        sources=sources,
        participants=frozenset(company.slug for company in companies),
        consenting=consenting_companies(year=year, companies=companies),
        company_names={company.slug: company.name for company in companies},
        brands={slug: tuple(sorted(names)) for slug, names in brands.items()},
        aliases={
            facility.facility_id: [
                {"name": name, "address": address, "city": city}
                for name, address, city in aliases[facility.pk]
            ]
            for facility in facilities
        },
        facilities={facility.facility_id: facility for facility in facilities},
    )


def _place(facility: Facility) -> Place:
    """The facility's location, with the secretariat's verdict on its coordinates applied."""
    latitude, longitude = facility.latitude, facility.longitude
    if latitude is not None and longitude is not None:
        verdict = _coordinate_verdict(facility, latitude, longitude)
        if verdict is not None:
            if verdict.verdict == CoordinateVerdict.DISCARDED:
                latitude = longitude = None
            elif verdict.verdict == CoordinateVerdict.CORRECTED:
                latitude, longitude = verdict.latitude, verdict.longitude
            else:  # confirmed: published as exact, whatever the check says
                return Place(latitude, longitude, facility.city or None, facility.country)
    return Place(latitude, longitude, facility.city or None, facility.country)


def _coordinate_verdict(
    facility: Facility, latitude: float, longitude: float
) -> CoordinateResolution | None:
    return (
        CoordinateResolution.objects.filter(
            facility=facility, reported_latitude=latitude, reported_longitude=longitude
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Coordinates flagged for review
# --------------------------------------------------------------------------------------------


def _reported_rows(covenants: Iterable[Covenant] | None) -> QuerySet[SupplierRow]:
    """Rows linked to a facility in the lists in force; with `covenants`, only the lists
    handed in for one of them while the company took part in it."""
    current = supplier_lists_current()
    if covenants is not None:
        chosen = [covenant.pk for covenant in covenants]
        current = current.filter(covenant__in=chosen).filter(
            took_part_during(
                company=OuterRef("company"), covenant=OuterRef("covenant"), year=OuterRef("year")
            )
        )
    return SupplierRow.objects.filter(
        supplier_list__in=current.values("pk"), facility__isnull=False
    )


def coordinate_flags(
    *,
    countries_of: CountryLocator | None = None,
    covenants: Iterable[Covenant] | None = None,
) -> list[dict[str, Any]]:
    """Live facilities reported in a list in force whose coordinates fail a check and that the
    secretariat has not resolved: they are published with precision "unknown" and no point.
    With `covenants`, only facilities reported by companies that take part in one of them
    (what their secretariat reviews); None: all (administrators)."""
    reported = _reported_rows(covenants)
    facilities = list(
        Facility.objects.filter(
            merged_into__isnull=True,
            latitude__isnull=False,
            longitude__isnull=False,
            pk__in=reported.values("facility"),
        ).order_by("facility_id")
    )
    unresolved = [
        facility
        for facility in facilities
        if _coordinate_verdict(facility, facility.latitude, facility.longitude) is None  # type: ignore[arg-type]
    ]
    located = locate(
        [Place(f.latitude, f.longitude, f.city or None, f.country) for f in unresolved],
        gazetteer=Gazetteer(names={}, alternates={}),
        countries_of=countries_of or country_locator_default,
    )
    return [
        {
            "facility_id": facility.facility_id,
            "name": facility.name,
            "city": facility.city or None,
            "country": facility.country,
            "latitude": facility.latitude,
            "longitude": facility.longitude,
            "problem": where.problem,
        }
        for facility, where in zip(unresolved, located, strict=True)
        if where.precision == "unknown"
    ]


def coordinate_facility_get(
    *, facility_id: str, covenants: Iterable[Covenant] | None = None
) -> Facility:
    """A live facility with coordinates, reported in a list in force (by a company of one of
    `covenants`, when given): one whose coordinates the secretariat may rule on. ImvoError
    (field "facility_id") for any other."""
    facility: Facility | None = Facility.objects.filter(
        facility_id=facility_id,
        merged_into__isnull=True,
        latitude__isnull=False,
        longitude__isnull=False,
        pk__in=_reported_rows(covenants).values("facility"),
    ).first()
    if facility is None:
        raise ImvoError(
            f"no facility {facility_id} with coordinates to review", field="facility_id"
        )
    return facility


# --------------------------------------------------------------------------------------------
# Releases
# --------------------------------------------------------------------------------------------


def release_get(*, release_id: int) -> Release:
    """The release with this id; ImvoError (field "release") when there is none."""
    release: Release | None = (
        Release.objects.select_related("covenant").filter(pk=release_id).first()
    )
    if release is None:
        raise ImvoError(f"there is no release {release_id}", field="release")
    return release


def release_previous(*, covenant: Covenant) -> Release | None:
    """The covenant's latest release."""
    return Release.objects.filter(covenant=covenant).order_by("-published_at", "-pk").first()


def releases_list(*, covenant: Covenant | None = None) -> list[dict[str, Any]]:
    """Published releases, the newest first."""
    releases = Release.objects.select_related("covenant").order_by("-published_at", "-pk")
    if covenant is not None:
        releases = releases.filter(covenant=covenant)
    return [release_summary(release) for release in releases]


def release_summary(release: Release) -> dict[str, Any]:
    changelog = release.changelog
    return {
        "release_id": release.pk,
        "covenant": release.covenant.slug,
        "year": release.year,
        "version": release.version,
        "published_at": release.published_at,
        "facilities": release.facility_count,
        "participants": release.participant_count,
        "named_participants": release.named_count,
        "names_shown": release.names_shown,
        "new": len(changelog.get("new", [])),
        "gone": len(changelog.get("gone", [])),
        "changed": len(changelog.get("changed", [])),
        "files": list(RELEASE_FILE_FORMATS),
    }


RELEASE_FILE_FORMATS = ("csv", "xlsx", "geojson", "datapackage")


def release_detail(release: Release) -> dict[str, Any]:
    """A release with its changelog against the covenant's previous release."""
    previous = release.previous
    return {
        **release_summary(release),
        "previous": None
        if previous is None
        else {"release_id": previous.pk, "year": previous.year, "version": previous.version},
        "disclosure_group": release.disclosure_group,
        "csv_sha256": release.csv_sha256,
        "changelog": release.changelog,
    }


def release_changelog(release: Release) -> dict[str, Any]:
    """The release's changelog with what was published of each facility: its name, city and
    country (for those gone, as the previous release had them), and `link`, the id of its
    public page when the facility is still published (None when it is not)."""
    published = published_facility_ids()
    cache: dict[int, Facility] = {}

    def described(rows: Iterable[ReleaseRow]) -> dict[str, tuple[ReleaseRow, str]]:
        """Rows by the id they were published under and by the id they have now."""
        found: dict[str, tuple[ReleaseRow, str]] = {}
        for row in rows:
            live_id = facility_live(row.registry_facility, cache).facility_id
            found.setdefault(row.facility_id, (row, live_id))
            found.setdefault(live_id, (row, live_id))
        return found

    here = described(release.rows.select_related("registry_facility"))
    before = (
        described(release.previous.rows.select_related("registry_facility"))
        if release.previous is not None
        else {}
    )

    def entry(facility_id: str, rows: dict[str, tuple[ReleaseRow, str]]) -> dict[str, Any]:
        row, live_id = rows.get(facility_id, (None, facility_id))
        return {
            "facility_id": facility_id,
            "name": row.name if row is not None else "",
            "city": (row.city or None) if row is not None else None,
            "country": row.country if row is not None else "",
            "link": live_id if live_id in published else None,
        }

    log = release.changelog
    return {
        "previous_release_id": log.get("previous_release_id"),
        "new": [entry(facility_id, here) for facility_id in log.get("new", [])],
        "gone": [entry(facility_id, before) for facility_id in log.get("gone", [])],
        "changed": [
            {**entry(change["facility_id"], here), "columns": list(change["columns"])}
            for change in log.get("changed", [])
        ],
        "merged": [
            {"from": merge["from"], **entry(merge["to"], {**before, **here})}
            for merge in log.get("merged", [])
        ],
        "unchanged": log.get("unchanged", 0),
    }


def release_named(release: Release) -> list[str]:
    """The companies a release names (they consented for its year), by name."""
    named: set[str] = set()
    for companies in release.rows.values_list("companies", flat=True):
        named.update(companies)
    return sorted(named, key=str.casefold)


def release_records(release: Release) -> list[ReleaseRecord]:
    """The rows of a release exactly as they were published."""
    return [_record(row) for row in release.rows.order_by("facility_id")]


def _record(row: ReleaseRow) -> ReleaseRecord:
    return ReleaseRecord(
        facility_id=row.facility_id,
        name=row.name,
        address=row.address,
        city=row.city or None,
        province=row.province or None,
        country=row.country,
        latitude=row.latitude,
        longitude=row.longitude,
        coordinate_precision=row.coordinate_precision,
        product_types=tuple(row.product_types),
        workers_band=row.workers_band or None,
        participants=row.participants,
        participants_min=row.participants_min,
        participants_max=row.participants_max,
        companies=tuple(row.companies),
        brands=tuple(row.brands),
    )


# --------------------------------------------------------------------------------------------
# The public view: the latest release of each covenant
# --------------------------------------------------------------------------------------------


def releases_current() -> list[Release]:
    """The latest release of each covenant (by year, then version): what the public sees."""
    latest: dict[int, Release] = {}
    for release in Release.objects.select_related("covenant").order_by(
        "covenant_id", "-year", "-version"
    ):
        latest.setdefault(release.covenant_id, release)
    return sorted(latest.values(), key=lambda release: release.covenant.slug)


@dataclass
class _PublicFacility:
    facility_id: str
    rows: list[ReleaseRow]
    summary: dict[str, Any] = field(default_factory=dict)
    names: tuple[PreparedName, ...] = ()  # every spelling it was published under, for search
    cities: frozenset[str] = frozenset()  # folded


# The public view is read from immutable releases; it changes only with a new release or a
# merge or split in the registry (each recorded as a FacilityEvent). So it is built once per
# process for that state and reused: a search then scores prepared names, instead of reading
# and folding every published row on every request.
_public_cache: tuple[Hashable, dict[str, _PublicFacility]] | None = None


def _public_state(releases: list[Release]) -> Hashable:
    last_event = FacilityEvent.objects.order_by("-pk").values_list("pk", "at").first()
    return (tuple((r.pk, r.published_at, r.csv_sha256) for r in releases), last_event)


def _public_facilities() -> dict[str, _PublicFacility]:
    """The published facilities by the id they have now (merges followed)."""
    global _public_cache
    releases = releases_current()
    state = _public_state(releases)
    cached = _public_cache
    if cached is not None and cached[0] == state:
        return cached[1]
    found = _public_facilities_read(releases)
    _public_cache = (state, found)
    return found


def _public_facilities_read(releases: list[Release]) -> dict[str, _PublicFacility]:
    rows = (
        ReleaseRow.objects.filter(release__in=releases)
        .select_related("release__covenant", "registry_facility")
        .order_by("release__covenant__slug", "facility_id")
    )
    cache: dict[int, Facility] = {}
    found: dict[str, _PublicFacility] = {}
    for row in rows:
        facility_id = facility_live(row.registry_facility, cache).facility_id
        found.setdefault(facility_id, _PublicFacility(facility_id, [])).rows.append(row)
    for facility in found.values():
        facility.summary = _public_summary(facility)
        spellings = {row.name for row in facility.rows}
        spellings |= {alias["name"] for row in facility.rows for alias in row.aliases}
        facility.names = names_prepared(sorted(spellings))
        facility.cities = frozenset(fold(row.city) for row in facility.rows)
    return found


def published_facility_ids() -> frozenset[str]:
    """The ids (as they are now) of the facilities the public pages show."""
    return frozenset(_public_facilities())


def _public_summary(facility: _PublicFacility) -> dict[str, Any]:
    first = _best_row(facility.rows)
    return {
        "facility_id": facility.facility_id,
        "name": first.name,
        "address": first.address,
        "city": first.city or None,
        "province": first.province or None,
        "country": first.country,
        "latitude": first.latitude,
        "longitude": first.longitude,
        "coordinate_precision": first.coordinate_precision,
        "product_types": sorted({p for row in facility.rows for p in row.product_types}),
        "workers_band": first.workers_band or None,
        "covenants": sorted({row.release.covenant.slug for row in facility.rows}),
    }


def _best_row(rows: list[ReleaseRow]) -> ReleaseRow:
    """The row describing a facility: the most precise location, then the latest release."""
    order = {"exact": 0, "city": 1, "country": 2, "unknown": 3}
    return min(
        rows,
        key=lambda row: (
            order.get(row.coordinate_precision, 4),
            -row.release.year,
            -row.release.pk,
        ),
    )


def facility_search(
    *, q: str = "", country: str = "", city: str = "", min_score: float = 0.3
) -> list[dict[str, Any]]:
    """Published facilities whose name (in any spelling it was reported under) matches `q`,
    best match first; narrowed by country code and city (folded). Without `q`, by id."""
    wanted_country = country.strip().upper()
    wanted_city = fold(city)
    wanted_name = query_prepared(q) if q.strip() else ()
    results: list[tuple[float, dict[str, Any]]] = []
    for facility in _public_facilities().values():
        summary = facility.summary
        if wanted_country and summary["country"] != wanted_country:
            continue
        if wanted_city and wanted_city not in facility.cities:
            continue
        if q.strip():
            score = name_score_prepared(wanted_name, facility.names)
            if score < min_score:
                continue
        else:
            score = 1.0
        results.append((score, summary))
    results.sort(key=lambda item: (-item[0], item[1]["facility_id"]))
    return [dict(summary) for _, summary in results]


def public_facility_detail(*, facility_id: str) -> dict[str, Any]:
    """A published facility: the names and addresses it was reported under, where it is, its
    product types, the covenants whose participants source there and the consenting brands.
    An old (merged) id gives the facility it is now. ImvoError (field "facility_id") when the
    facility is not published."""
    from imvo.web.suppliers.selectors import facility_resolve

    published = _public_facilities()
    try:
        current = facility_resolve(facility_id).facility_id
    except ImvoError:
        current = facility_id.strip().upper()
    facility = published.get(current)
    if facility is None:
        raise ImvoError(f"no published facility {facility_id}", field="facility_id")
    reported: dict[tuple[str, str, str], None] = {}
    for row in facility.rows:
        for alias in row.aliases:
            reported[(alias["name"], alias["address"], alias["city"])] = None
    return {
        **facility.summary,
        "requested_id": facility_id,
        "reported_as": [
            {"name": name, "address": address, "city": city or None}
            for name, address, city in sorted(reported)
        ],
        "sourcing": [
            {
                "covenant": row.release.covenant.slug,
                "year": row.release.year,
                "release_id": row.release.pk,
                "participants": row.participants,
                "companies": list(row.companies),
                "brands": list(row.brands),
            }
            for row in facility.rows
        ],
        "brands": sorted({brand for row in facility.rows for brand in row.brands}),
    }


def brand_list() -> list[dict[str, Any]]:
    """Brands named in the current releases (their companies consented), with their
    facilities by product type: "who made my product"."""
    by_brand: dict[str, dict[str, Any]] = {}
    for facility in _public_facilities().values():
        summary = facility.summary
        for row in facility.rows:
            for brand in row.brands:
                entry = by_brand.setdefault(brand, {"brand": brand, "facilities": {}})
                entry["facilities"].setdefault(summary["facility_id"], summary)
    brands = []
    for name in sorted(by_brand, key=str.casefold):
        facilities = sorted(by_brand[name]["facilities"].values(), key=lambda f: f["facility_id"])
        by_product: dict[str, list[str]] = defaultdict(list)
        for summary in facilities:
            for product in summary["product_types"] or ["(not stated)"]:
                by_product[product].append(summary["facility_id"])
        brands.append(
            {
                "brand": name,
                "facilities": len(facilities),
                "by_product_type": [
                    {"product_type": product, "facility_ids": ids}
                    for product, ids in sorted(by_product.items())
                ],
            }
        )
    return brands


# --------------------------------------------------------------------------------------------
# Shared leverage (confidential: for the company itself and its covenant's secretariat)
# --------------------------------------------------------------------------------------------


def _links(*, lists: QuerySet[SupplierList]) -> dict[str, dict[str, Any]]:
    """Facility id (now) -> {"facility": Facility, "companies": set of company slugs}."""
    cache: dict[int, Facility] = {}
    links: dict[str, dict[str, Any]] = {}
    rows = SupplierRow.objects.filter(
        supplier_list__in=lists, facility__isnull=False
    ).select_related("facility", "supplier_list__company")
    for row in rows.iterator(chunk_size=2000):
        assert row.facility is not None
        facility = facility_live(row.facility, cache)
        entry = links.setdefault(facility.facility_id, {"facility": facility, "companies": set()})
        entry["companies"].add(row.supplier_list.company.slug)
    return links


def _lists_of(
    company: Organisation, lists: QuerySet[SupplierList] | None
) -> QuerySet[SupplierList]:
    """The company's lists, within `lists` (what the reader may see of them) when given."""
    found = SupplierList.objects.filter(company=company)
    return found if lists is None else found.filter(pk__in=lists.values("pk"))


def supplier_list_years(
    *, company: Organisation, lists: QuerySet[SupplierList] | None = None
) -> list[int]:
    """The years the company handed in a supplier list for (among `lists`, when given), the
    latest first."""
    years = _lists_of(company, lists).order_by("-year")
    return list(years.values_list("year", flat=True).distinct())


def _covenant_lists(covenant: Covenant) -> QuerySet[SupplierList]:
    """The lists handed in for the covenant by companies while they took part in it."""
    return SupplierList.objects.filter(covenant=covenant).filter(
        took_part_during(company=OuterRef("company"), covenant=covenant.pk, year=OuterRef("year"))
    )


def covenant_list_years(*, covenant: Covenant) -> list[int]:
    """The years the covenant's participants handed in supplier lists for it, the latest
    first."""
    years = _covenant_lists(covenant).order_by("-year")
    return list(years.values_list("year", flat=True).distinct())


def consent_list(*, company: Organisation) -> list[dict[str, Any]]:
    """The company's consent to be named, per year it was ever given, the latest year first."""
    return [
        {
            "year": consent.year,
            "given": consent.withdrawn_at is None,
            "given_at": consent.given_at,
            "withdrawn_at": consent.withdrawn_at,
        }
        for consent in PublicationConsent.objects.filter(company=company).order_by("-year")
    ]


def latest_list_year(
    company: Organisation, lists: QuerySet[SupplierList] | None = None
) -> int | None:
    return _lists_of(company, lists).order_by("-year").values_list("year", flat=True).first()


def shared_facilities(
    *,
    company: Organisation,
    year: int | None = None,
    lists: QuerySet[SupplierList] | None = None,
) -> dict[str, Any]:
    """The facilities a company shares with other companies that handed in a list for the
    year (default: its latest): how many others, named only where they consented.

    `lists` limits the company's side to the lists the reader may see (for a secretariat:
    those handed in for its covenants); the others are counted from every list in force,
    as the company itself sees them."""
    year = year if year is not None else latest_list_year(company, lists)
    if year is None:
        return {"company": company.slug, "year": None, "facilities": []}
    in_force = supplier_lists_current().filter(year=year)
    links = _links(lists=in_force)
    own = set(_links(lists=in_force.filter(pk__in=_lists_of(company, lists).values("pk"))))
    others_all = {slug for entry in links.values() for slug in entry["companies"]}
    companies = Organisation.objects.filter(slug__in=others_all)
    consenting = consenting_companies(year=year, companies=companies)
    names = dict(companies.values_list("slug", "name"))
    shared = []
    for facility_id in sorted(links):
        entry = links[facility_id]
        others = entry["companies"] - {company.slug}
        if facility_id not in own or not others:
            continue
        facility = entry["facility"]
        shared.append(
            {
                "facility_id": facility_id,
                "name": facility.name,
                "city": facility.city or None,
                "country": facility.country,
                "other_companies": len(others),
                "named": sorted(names[slug] for slug in others & consenting),
            }
        )
    return {"company": company.slug, "year": year, "facilities": shared}


def covenant_clusters(*, covenant: Covenant, year: int | None = None) -> dict[str, Any]:
    """For the covenant's secretariat: every facility that two or more of its participants
    report for the year (default: the latest year with lists), with those companies."""
    if year is None:
        year = _covenant_lists(covenant).order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return {"covenant": covenant.slug, "year": None, "clusters": []}
    # only lists handed in for the covenant: one without a covenant is its company's alone
    links = _links(lists=release_lists(covenant=covenant, year=year).filter(covenant=covenant))
    names = dict(participants_in(covenant=covenant, year=year).values_list("slug", "name"))
    clusters = [
        {
            "facility_id": facility_id,
            "name": entry["facility"].name,
            "city": entry["facility"].city or None,
            "country": entry["facility"].country,
            "companies": sorted(names[slug] for slug in entry["companies"]),
        }
        for facility_id, entry in sorted(links.items())
        if len(entry["companies"]) >= 2
    ]
    return {"covenant": covenant.slug, "year": year, "clusters": clusters}
