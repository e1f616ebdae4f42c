"""Reads of supplier lists and the facility registry.

Selectors return model instances where a caller goes on to write, and plain dicts, lists and
the frozen export records of `imvo.core.exports` where a caller renders: the CLI's JSON, the
API and the templates all show the same values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from imvo.core.errors import ImvoError
from imvo.core.exports import FacilityExportRow, SourceRowExport
from imvo.core.facility_ids import facility_id_normalise
from imvo.core.matching.engine import Decisions
from imvo.core.matching.records import KeyedRegistry
from imvo.web.accounts.permissions import (
    administers_any_covenant,
    company_objects_administered_by,
    company_objects_visible_to,
    is_admin,
)
from imvo.web.registry.models import Covenant, Organisation, Participation
from imvo.web.suppliers.models import (
    Facility,
    FacilityAlias,
    FacilityEvent,
    MatchDecision,
    MatchReview,
    ReviewStatus,
    RowOutcome,
    SupplierList,
    SupplierListStatus,
    SupplierRow,
    Verdict,
)
from imvo.web.suppliers.registry_keys import registry_keyed

# --------------------------------------------------------------------------------------------
# Supplier lists
# --------------------------------------------------------------------------------------------


def supplier_lists_current() -> QuerySet[SupplierList]:
    """The lists in force: the latest complete version for each company, covenant and year.

    A list handed in before lists belonged to a covenant (none recorded) counts only while the
    company has no list for a covenant that year.
    """
    newer = SupplierList.objects.filter(
        company=OuterRef("company"),
        covenant=OuterRef("covenant"),
        year=OuterRef("year"),
        version__gt=OuterRef("version"),
    )
    newer_unbound = SupplierList.objects.filter(
        company=OuterRef("company"),
        covenant__isnull=True,
        year=OuterRef("year"),
        version__gt=OuterRef("version"),
    )
    bound = SupplierList.objects.filter(
        company=OuterRef("company"), year=OuterRef("year"), covenant__isnull=False
    )
    return SupplierList.objects.filter(
        (Q(covenant__isnull=False) & ~Exists(newer))
        | (Q(covenant__isnull=True) & ~Exists(newer_unbound) & ~Exists(bound))
    )


def supplier_list_versions(
    *, company: Organisation, covenant: Covenant | None, year: int
) -> QuerySet[SupplierList]:
    """Every version a company handed in for a covenant and year, the first first; with
    `covenant` None, those handed in before lists belonged to a covenant."""
    return SupplierList.objects.filter(company=company, year=year, covenant=covenant).order_by(
        "version"
    )


def covenants_taken_part_in(*, company: Organisation, year: int) -> QuerySet[Covenant]:
    """The covenants the company took part in at some time in the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    taking_part = Participation.objects.filter(organisation=company, joined_on__lte=last).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=first)
    )
    return Covenant.objects.filter(pk__in=taking_part.values("covenant")).order_by("slug")


def supplier_list_summary(supplier_list: SupplierList) -> dict[str, Any]:
    """What became of a list: its counts, every rejected row's reasons and the duplicates.

    `rows == accepted + rejected` and `accepted == duplicates + matched + new + review`.
    """
    rows = supplier_list.rows.order_by("number")
    errors = [
        {"row": error["row"], "field": error["field"], "message": error["message"]}
        for error in supplier_list_row_errors(supplier_list)
    ]
    duplicates = [
        {"row": number, "duplicate_of": first}
        for number, first in rows.filter(outcome=RowOutcome.DUPLICATE).values_list(
            "number", "duplicate_of"
        )
    ]
    return {
        "list_id": supplier_list.pk,
        "company": supplier_list.company.slug,
        "year": supplier_list.year,
        "version": supplier_list.version,
        "filename": supplier_list.filename,
        "format": supplier_list.file_format,
        "rows": supplier_list.row_count,
        "accepted": supplier_list.accepted_count,
        "rejected": supplier_list.rejected_count,
        "duplicates": supplier_list.duplicate_count,
        "matched": supplier_list.matched_count,
        "new": supplier_list.new_count,
        "review": supplier_list.review_count,
        "errors": errors,
        "duplicate_rows": duplicates,
    }


def supplier_list_row_errors(supplier_list: SupplierList) -> list[dict[str, Any]]:
    """Every problem of every rejected row, in row order: {row, field, message, code, params};
    `code` is None (and `params` empty) for rows stored before messages had codes."""
    rows = supplier_list.rows.filter(accepted=False).order_by("number")
    return [
        {
            "row": number,
            "field": error.get("field"),
            "message": error.get("message"),
            "code": error.get("code") or None,
            "params": error.get("params") or {},
        }
        for number, row_errors in rows.values_list("number", "errors")
        for error in row_errors
    ]


def supplier_row_raw(row: SupplierRow) -> dict[str, str]:
    """A row's verbatim values by column label, in the file's column order."""
    return dict(zip(row.supplier_list.columns, row.raw, strict=False))


def company_find(*, name_or_slug: str) -> Organisation | None:
    """The organisation with this slug, or else with this name (case ignored)."""
    text = " ".join(name_or_slug.split())
    if not text:
        return None
    by_slug = Organisation.objects.filter(slug__iexact=text).first()
    if by_slug is not None:
        return by_slug
    by_name = list(Organisation.objects.filter(name__iexact=text).order_by("slug")[:5])
    if len(by_name) > 1:
        slugs = ", ".join(organisation.slug for organisation in by_name)
        raise ImvoError(f"more than one organisation is called {text!r}: {slugs}", field="company")
    return by_name[0] if by_name else None


def covenant_get(*, slug: str) -> Covenant:
    """The covenant with this slug; ImvoError (field "covenant") when there is none."""
    covenant = Covenant.objects.filter(slug=slug.strip().lower()).first()
    if covenant is None:
        known = ", ".join(Covenant.objects.order_by("slug").values_list("slug", flat=True))
        raise ImvoError(
            f"there is no covenant {slug!r}; the covenants are {known or 'none yet'}",
            field="covenant",
        )
    return covenant


def supplier_list_covenant_resolve(
    *, company: Organisation, year: int, covenant: Covenant | None
) -> Covenant:
    """The covenant a company's list for a year belongs to: the one given, which the company
    must have taken part in during the year, or else the only one it took part in.

    Raises ImvoError (field "covenant") for a covenant the company was not in that year, and
    when none is given and the company took part in none, or in several (then it must choose).
    """
    taking_part = list(covenants_taken_part_in(company=company, year=year))
    slugs = ", ".join(found.slug for found in taking_part)
    if covenant is not None:
        if all(found.pk != covenant.pk for found in taking_part):
            raise ImvoError(
                f"{company.name} did not take part in the covenant {covenant.slug} in {year}"
                + (f"; in {year} it took part in {slugs}" if taking_part else ""),
                field="covenant",
            )
        return covenant
    if len(taking_part) == 1:
        return taking_part[0]
    if not taking_part:
        raise ImvoError(
            f"{company.name} took part in no covenant in {year}; a supplier list is handed in "
            "for a covenant the company takes part in",
            field="covenant",
        )
    raise ImvoError(
        f"{company.name} took part in more than one covenant in {year} ({slugs}); "
        "choose the covenant the list is for",
        field="covenant",
    )


# --------------------------------------------------------------------------------------------
# Facilities
# --------------------------------------------------------------------------------------------


def facility_resolve(facility_id: str) -> Facility:
    """The facility an id stands for now, following merges; sloppy spellings are accepted.

    Raises ImvoError (field "facility_id") for an id that is malformed or unknown.
    """
    canonical = facility_id_normalise(facility_id)
    facility = Facility.objects.select_related("merged_into").filter(facility_id=canonical).first()
    if facility is None:
        raise ImvoError(f"there is no facility {canonical}", field="facility_id")
    seen = {facility.pk}
    while facility.merged_into is not None:
        facility = Facility.objects.select_related("merged_into").get(pk=facility.merged_into.pk)
        if facility.pk in seen:  # cannot happen through the services; never loop forever
            raise ImvoError(f"the merges of facility {canonical} form a loop")
        seen.add(facility.pk)
    return facility


def facility_detail(facility: Facility) -> dict[str, Any]:
    """A facility for the secretariat: its fields, every alias, merged ids and history.

    Companies are counted, never named: the links are confidential.
    """
    current = supplier_lists_current().values("pk")
    rows = facility.rows.filter(supplier_list__in=current)
    return {
        "facility_id": facility.facility_id,
        "name": facility.name,
        "address": facility.address,
        "city": facility.city or None,
        "province": facility.province or None,
        "postal_code": facility.postal_code or None,
        "country": facility.country,
        "latitude": facility.latitude,
        "longitude": facility.longitude,
        "product_types": list(facility.product_types),
        "workers_band": facility.workers_band or None,
        "companies": rows.values("supplier_list__company").distinct().count(),
        "rows": rows.count(),
        "merged_from": sorted(facility.merged_from.values_list("facility_id", flat=True)),
        "aliases": [
            {
                "alias_id": alias.pk,
                "name": alias.name,
                "address": alias.address,
                "city": alias.city or None,
                "postal_code": alias.postal_code or None,
                "country": alias.country,
                "latitude": alias.latitude,
                "longitude": alias.longitude,
                "reported_first": alias.created_at,
            }
            for alias in facility.aliases.order_by("pk")
        ],
        "events": [
            {
                "kind": event.kind,
                "facility": event.facility.facility_id,
                "other": event.other.facility_id,
                "at": event.at,
                "by": event.user.get_username() if event.user is not None else None,
            }
            for event in _facility_events(facility)
        ],
    }


def _facility_events(facility: Facility) -> QuerySet[FacilityEvent]:
    return (
        FacilityEvent.objects.filter(Q(facility=facility) | Q(other=facility))
        .select_related("facility", "other", "user")
        .order_by("at", "pk")
    )


def facility_aliases_get(*, ids: Iterable[int]) -> list[FacilityAlias]:
    """The aliases with these ids; ImvoError (field "aliases") naming any that do not exist."""
    wanted = sorted(set(ids))
    aliases = list(FacilityAlias.objects.filter(pk__in=wanted).order_by("pk"))
    missing = sorted(set(wanted) - {alias.pk for alias in aliases})
    if missing:
        raise ImvoError(f"there is no alias {', '.join(map(str, missing))}", field="aliases")
    return aliases


def registry_records(*, countries: Iterable[str] | None = None) -> KeyedRegistry:
    """Every name and address variant of the live facilities, as the matcher reads them: with
    the keys kept in the registry's snapshot (`registry_keys`), never computed again per import.

    `countries` limits the registry to those countries (the matcher blocks within country, so
    the others could never be candidates anyway).
    """
    return registry_keyed(countries=countries)


def match_decisions() -> Decisions:
    """The secretariat's remembered verdicts, by record key, with merged facilities resolved.

    A confirmed key follows its facility through merges; of two confirmations of one key the
    later wins. A rejection names the facility as it was: a merge makes a new pair.
    """
    confirmed: dict[str, str] = {}
    rejected: set[tuple[str, str]] = set()
    for key, verdict, facility_id, merged_into in (
        MatchDecision.objects.order_by("decided_at", "pk")
        .values_list(
            "record_key", "verdict", "facility__facility_id", "facility__merged_into__facility_id"
        )
        .iterator(chunk_size=5000)
    ):
        if verdict == Verdict.CONFIRMED:
            confirmed[key] = merged_into or facility_id
        else:
            rejected.add((key, facility_id))
    return Decisions(confirmed=confirmed, rejected=frozenset(rejected))


RegistryFingerprint = dict[str, tuple[Any, ...]]


def registry_fingerprint(*, countries: Iterable[str]) -> RegistryFingerprint:
    """Marks that change whenever the registry of one of the countries changes as the matcher
    reads it: an alias added (the newest alias of the country), facilities merged or split
    (each leaves an event); the key "" marks the remembered verdicts, which count for every
    country. A facility removed (only an unfinished import's own are) leaves no mark: an
    import that links a row to it fails to write and matches again.

    An import reads this before its registry snapshot and again before each write, and
    matches again the rows of the countries whose marks moved. Each mark is read through an
    index, so that this takes milliseconds however large the registry.
    """
    wanted = sorted(set(countries))
    events = dict(
        FacilityEvent.objects.filter(facility__country__in=wanted)
        .values("facility__country")
        .annotate(top=Max("pk"))
        .values_list("facility__country", "top")
    )
    marks: RegistryFingerprint = {
        country: (
            FacilityAlias.objects.filter(country=country).aggregate(top=Max("pk"))["top"] or 0,
            events.get(country, 0),
        )
        for country in wanted
    }
    decisions = MatchDecision.objects.aggregate(
        n=Count("pk"), top=Max("pk"), last=Max("decided_at")
    )
    marks[""] = (decisions["n"], decisions["top"], decisions["last"])
    return marks


def _reviews_of_complete_lists(reviews: QuerySet[MatchReview]) -> QuerySet[MatchReview]:
    """Reviews of pairs of facilities, and of rows of complete lists: a list still being
    imported is asked about once it is complete."""
    return reviews.filter(
        Q(row__isnull=True) | Q(row__supplier_list__status=SupplierListStatus.COMPLETE)
    )


def review_list(*, status: str = ReviewStatus.OPEN) -> list[dict[str, Any]]:
    """Reviews with that status, oldest first, with their row and candidates side by side."""
    reviews = (
        _reviews_of_complete_lists(MatchReview.objects.filter(status=status))
        .select_related("row__supplier_list__company", "facility")
        .order_by("created_at", "pk")
    )
    return [review_dict(review) for review in reviews]


def review_get(*, review_id: int) -> MatchReview:
    """The review with this id; ImvoError (field "review") when there is none."""
    review = _reviews_of_complete_lists(MatchReview.objects.filter(pk=review_id)).first()
    if review is None:
        raise ImvoError(f"there is no review {review_id}", field="review")
    return review


def review_dict(review: MatchReview) -> dict[str, Any]:
    """One review for the review screen: what is asked and the evidence for each candidate."""
    row = review.row
    subject: dict[str, Any]
    if row is not None:
        subject = {
            "list_id": row.supplier_list_id,
            "company": row.supplier_list.company.slug,
            "row": row.number,
            "name": row.name,
            "address": row.address,
            "city": row.city or None,
            "postal_code": row.postal_code or None,
            "country": row.country,
        }
    else:
        assert review.facility is not None  # the model's check constraint
        subject = {
            "facility_id": review.facility.facility_id,
            "name": review.facility.name,
            "address": review.facility.address,
            "city": review.facility.city or None,
            "postal_code": review.facility.postal_code or None,
            "country": review.facility.country,
        }
    return {
        "review_id": review.pk,
        "kind": "row" if row is not None else "pair",
        "status": review.status,
        "created_at": review.created_at,
        "subject": subject,
        "candidates": review.candidates,
    }


def review_counts() -> dict[str, int]:
    """Reviews by status, for the dashboard."""
    counts = {str(status): 0 for status in ReviewStatus.values}
    reviews = _reviews_of_complete_lists(MatchReview.objects.all())
    for row in reviews.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


def _current_list_ids(year: int | None) -> list[int]:
    lists = supplier_lists_current()
    if year is not None:
        lists = lists.filter(year=year)
    return list(lists.values_list("pk", flat=True))


def facility_export_rows(*, year: int | None = None) -> Iterator[FacilityExportRow]:
    """The aggregated facility list: every live facility that a list in force reports, with
    the number of companies sourcing there and no company named. `year` limits the lists."""
    list_ids = _current_list_ids(year)
    companies: dict[int, int] = defaultdict(int)
    for facility_pk, count in (
        SupplierRow.objects.filter(supplier_list__in=list_ids, facility__isnull=False)
        .values("facility_id")
        .annotate(n=Count("supplier_list__company", distinct=True))
        .values_list("facility_id", "n")
    ):
        companies[facility_pk] = count
    facilities = Facility.objects.filter(merged_into__isnull=True).order_by("facility_id")
    for facility in facilities.iterator(chunk_size=2000):
        count = companies.get(facility.pk, 0)
        if count == 0:
            continue
        yield FacilityExportRow(
            facility_id=facility.facility_id,
            name=facility.name,
            address=facility.address,
            city=facility.city or None,
            province=facility.province or None,
            postal_code=facility.postal_code or None,
            country=facility.country,
            latitude=facility.latitude,
            longitude=facility.longitude,
            product_types=tuple(facility.product_types),
            workers_band=facility.workers_band or None,
            companies=count,
        )


def source_row_export_rows(*, year: int | None = None) -> Iterator[SourceRowExport]:
    """Every row of the lists in force with its company and facility (confidential)."""
    rows = (
        SupplierRow.objects.filter(supplier_list__in=_current_list_ids(year))
        .select_related("supplier_list__company", "facility")
        .order_by("supplier_list__company__name", "supplier_list__year", "number")
    )
    for row in rows.iterator(chunk_size=2000):
        supplier_list = row.supplier_list
        yield SourceRowExport(
            list_id=supplier_list.pk,
            company=supplier_list.company.name,
            year=supplier_list.year,
            version=supplier_list.version,
            row=row.number,
            outcome=row.outcome,
            facility_id=row.facility.facility_id if row.facility is not None else None,
            name=row.name or None,
            address=row.address or None,
            city=row.city or None,
            province=row.province or None,
            postal_code=row.postal_code or None,
            country=row.country or None,
            latitude=row.latitude,
            longitude=row.longitude,
            product_types=tuple(row.product_types),
            processing_type=row.processing_type or None,
            workers=row.workers or None,
            parent_company=row.parent_company or None,
            tier=row.tier,
            parsed_city=row.parsed_city or None,
            parsed_province=row.parsed_province or None,
            parsed_postal_code=row.parsed_postal_code or None,
        )


# --------------------------------------------------------------------------------------------
# What a user may see (the web pages and the API narrow by these)
# --------------------------------------------------------------------------------------------


def supplier_lists_visible_to(user: Any) -> QuerySet[SupplierList]:
    """Every version of the lists the user may read: its own company's; for a secretariat
    those handed in for its covenants while the company took part (`accounts.permissions`)."""
    return company_objects_visible_to(
        user,
        SupplierList.objects.select_related("company", "covenant"),
        covenant_field="covenant",
        year_field="year",
    ).order_by("company__name", "-year", "-version")


def open_reviews(user: Any) -> int | None:
    """For the suppliers menu: how many open reviews the user decides; None for a user who
    decides none."""
    return reviews_visible_to(user).count() if administers_any_covenant(user) else None


def reviews_visible_to(user: Any) -> QuerySet[MatchReview]:
    """Open reviews the user decides: for a secretariat those of rows from lists handed in
    for its covenants while the company took part; every review for administrators."""
    reviews = _reviews_of_complete_lists(
        MatchReview.objects.filter(status=ReviewStatus.OPEN)
    ).order_by("created_at", "pk")
    if is_admin(user):
        return reviews
    return company_objects_administered_by(
        user,
        reviews.filter(row__isnull=False),
        company_field="row__supplier_list__company",
        covenant_field="row__supplier_list__covenant",
        year_field="row__supplier_list__year",
    )
