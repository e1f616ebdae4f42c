"""Writes for publication: consent, publishing a release, verdicts on flagged coordinates.

Each service runs in one transaction, records what was done in the audit trail, and raises
`ImvoError` for bad input so that nothing is half-written.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from imvo.core.errors import ImvoError
from imvo.core.publication.geo import CountryLocator, Gazetteer, coordinates_problem
from imvo.core.publication.releases import ReleaseRecord, changelog, release_build
from imvo.web.accounts.models import AuditAction
from imvo.web.accounts.permissions import can_administer_covenant, stored_user
from imvo.web.accounts.services import audit_record
from imvo.web.publication.files import release_csv
from imvo.web.publication.models import (
    CoordinateResolution,
    CoordinateVerdict,
    PublicationConsent,
    Release,
    ReleaseRow,
)
from imvo.web.publication.selectors import (
    facility_live,
    release_input,
    release_previous,
    release_records,
)
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind
from imvo.web.suppliers.models import Facility

if TYPE_CHECKING:
    from imvo.web.accounts.permissions import AnyUser


# --------------------------------------------------------------------------------------------
# Consent
# --------------------------------------------------------------------------------------------


def consent_give(
    *, company: Organisation, year: int, user: AnyUser | None = None, note: str = ""
) -> PublicationConsent:
    """Record that the company consents to be named next to its facilities for the year."""
    if company.kind != OrganisationKind.COMPANY:
        raise ImvoError(f"{company.name} is not a company", field="company")
    with transaction.atomic():
        consent, _ = PublicationConsent.objects.update_or_create(
            company=company,
            year=year,
            defaults={
                "given_by": stored_user(user),
                "given_at": timezone.now(),
                "withdrawn_at": None,
                "note": note,
            },
        )
        audit_record(actor=user, action=AuditAction.CREATED, obj=consent, changes={"year": year})
    return consent


def consent_withdraw(
    *, company: Organisation, year: int, user: AnyUser | None = None
) -> PublicationConsent:
    """Withdraw the consent for the year: later releases no longer name the company (the ones
    already published stay as published)."""
    with transaction.atomic():
        consent = (
            PublicationConsent.objects.select_for_update()
            .filter(company=company, year=year, withdrawn_at__isnull=True)
            .first()
        )
        if consent is None:
            raise ImvoError(f"{company.name} has no consent for {year} to withdraw", field="year")
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(actor=user, action=AuditAction.CHANGED, obj=consent, changes={"withdrawn": 1})
    return consent


# --------------------------------------------------------------------------------------------
# Releases
# --------------------------------------------------------------------------------------------

# How often a publication is built again when another one landed while it was being built.
PUBLISH_ATTEMPTS = 3


def release_publish(
    *,
    covenant: Covenant,
    year: int,
    user: AnyUser | None,
    gazetteer: Gazetteer | None = None,
    countries_of: CountryLocator | None = None,
) -> Release:
    """Publish the covenant's aggregated list of production locations for the year.

    `user` is the secretariat member (or administrator) publishing; None for the operator at
    the command line. The rows are stored in the release and never recomputed. Raises
    ImvoError when nobody may publish it: no participant handed in a list, the disclosure rules
    forbid it, or `user` does not do the covenant's secretariat work.
    """
    if user is not None and not can_administer_covenant(user, covenant):
        raise ImvoError(f"only the secretariat of {covenant.short_name} publishes its lists")
    # Read and build outside any transaction (seconds at the scale of a covenant, during which
    # the site keeps writing); then store in one short transaction, which first checks that no
    # other publication of the covenant landed meanwhile, and builds again on top of it if one
    # did, so that the version and `previous` stay consistent.
    for _attempt in range(PUBLISH_ATTEMPTS):
        previous = release_previous(covenant=covenant)
        read = release_input(
            covenant=covenant, year=year, gazetteer=gazetteer, countries_of=countries_of
        )
        if not read.participants:
            raise ImvoError(
                f"no participant of {covenant.short_name} has a supplier list for {year}",
                field="year",
            )
        plan, records = release_build(
            read.sources,
            participants=read.participants,
            consenting=read.consenting,
            company_names=read.company_names,
            brands=read.brands,
        )
        log = changelog(
            release_records(previous) if previous is not None else (),
            records,
            resolve=_resolver(),
        )
        csv_data = release_csv(list(records))
        synthetic = Organisation.objects.filter(slug__in=read.participants, synthetic=True).exists()
        with transaction.atomic():
            Covenant.objects.select_for_update().filter(pk=covenant.pk).first()
            latest = release_previous(covenant=covenant)
            if _release_pk(latest) != _release_pk(previous):
                continue
            version = Release.objects.filter(covenant=covenant, year=year).count() + 1
            release = Release.objects.create(
                covenant=covenant,
                year=year,
                version=version,
                published_by=stored_user(user),
                previous=previous,
                facility_count=len(records),
                participant_count=len(read.participants),
                named_count=len(read.consenting & read.participants) if plan.names_shown else 0,
                names_shown=plan.names_shown,
                disclosure_group=plan.group,
                changelog=_changelog_json(log, previous),
                csv_sha256=hashlib.sha256(csv_data).hexdigest(),
                csv_bytes=len(csv_data),
                synthetic=synthetic,
            )
            ReleaseRow.objects.bulk_create(
                [
                    _row(release, record, read.facilities[record.facility_id], read.aliases)
                    for record in records
                ],
                batch_size=1000,
            )
            audit_record(
                actor=user,
                action=AuditAction.PUBLISHED,
                obj=release,
                changes={"facilities": len(records), "version": version},
            )
        return release
    raise ImvoError(
        f"other publications of {covenant.short_name} kept landing meanwhile; publish again"
    )


def _release_pk(release: Release | None) -> int | None:
    return release.pk if release is not None else None


def _resolver() -> Any:
    cache: dict[int, Facility] = {}
    by_id: dict[str, str] = {}

    def resolve(facility_id: str) -> str:
        if facility_id not in by_id:
            facility = Facility.objects.filter(facility_id=facility_id).first()
            by_id[facility_id] = (
                facility_live(facility, cache).facility_id if facility is not None else facility_id
            )
        return by_id[facility_id]

    return resolve


def _changelog_json(log: Any, previous: Release | None) -> dict[str, Any]:
    return {
        "previous_release_id": previous.pk if previous is not None else None,
        "new": list(log.new),
        "gone": list(log.gone),
        "changed": [
            {"facility_id": change.facility_id, "columns": list(change.fields)}
            for change in log.changed
        ],
        "merged": [{"from": old, "to": new} for old, new in log.merged],
        "unchanged": log.unchanged,
    }


def _row(
    release: Release,
    record: ReleaseRecord,
    facility: Facility,
    aliases: dict[str, list[dict[str, str]]],
) -> ReleaseRow:
    values = asdict(record)
    return ReleaseRow(
        release=release,
        registry_facility=facility,
        aliases=aliases.get(record.facility_id, []),
        **{
            **values,
            "city": values["city"] or "",
            "province": values["province"] or "",
            "workers_band": values["workers_band"] or "",
            "product_types": list(record.product_types),
            "companies": list(record.companies),
            "brands": list(record.brands),
        },
    )


# --------------------------------------------------------------------------------------------
# Coordinates flagged for review
# --------------------------------------------------------------------------------------------


def coordinates_resolve(
    *,
    facility: Facility,
    verdict: str,
    user: AnyUser | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> CoordinateResolution:
    """The secretariat's verdict on a facility's flagged coordinates: confirmed (published as
    exact), corrected (to `latitude`, `longitude`) or discarded (the city's, if the gazetteer
    knows it)."""
    if verdict not in CoordinateVerdict.values:
        raise ImvoError(
            f"unknown verdict {verdict!r}; use one of {', '.join(CoordinateVerdict.values)}",
            field="verdict",
        )
    if facility.latitude is None or facility.longitude is None:
        raise ImvoError(f"facility {facility.facility_id} has no coordinates", field="facility")
    if verdict == CoordinateVerdict.CORRECTED:
        if latitude is None or longitude is None:
            raise ImvoError("a correction needs a latitude and a longitude", field="latitude")
        problem = coordinates_problem(latitude, longitude)
        if problem is not None:
            raise ImvoError(problem, field="latitude")
    else:
        latitude = longitude = None
    with transaction.atomic():
        resolution = CoordinateResolution.objects.create(
            facility=facility,
            reported_latitude=facility.latitude,
            reported_longitude=facility.longitude,
            verdict=verdict,
            latitude=latitude,
            longitude=longitude,
            decided_by=stored_user(user),
        )
        audit_record(actor=user, action=AuditAction.ASSESSED, obj=resolution)
    return resolution
