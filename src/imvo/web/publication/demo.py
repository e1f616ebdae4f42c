"""`imvo load demo`, supplier-list part: the demo textile participants' lists for 2017-2019,
imported through the real intake and matcher, and their consent to be named (see
`imvo.core.demo_lists` for how the lists are shaped).

`supplier_lists_demo_delete` removes what an earlier load made; `demo_load` calls it before
it deletes the synthetic companies, which the lists point to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q

from imvo.core.demo_lists import YEARS, demo_list_bytes, demo_lists
from imvo.core.publication.geo import gazetteer_default
from imvo.web.planner import statistics_refresh
from imvo.web.publication.models import (
    PublicationConsent,
    ReleaseRow,
    releases_synthetic_delete,
)
from imvo.web.publication.services import consent_give
from imvo.web.registry.models import Covenant, Organisation, Participation
from imvo.web.suppliers.models import (
    Facility,
    FacilityAlias,
    FacilityEvent,
    FacilitySerial,
    MatchDecision,
    MatchReview,
    SupplierList,
    SupplierRow,
)
from imvo.web.suppliers.services import Clusterer, Matcher, supplier_list_import

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

    from imvo.core.matching.engine import Decisions, Outcome
    from imvo.core.matching.records import FacilityRecord

DEMO_COVENANT = "textile"


def supplier_lists_demo_load(
    *,
    seed: int = 2018,
    matcher: Matcher | None = None,
    clusterer: Clusterer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Replace the synthetic supplier lists, facilities, consents and releases with those made
    from `seed` for the synthetic participants of the textile covenant; a no-op without it.

    The lists go through `supplier_list_import` one by one, in year order, so that each year's
    lists are matched against the registry the years before built. `matcher` defaults to the
    matching engine's, fed with a registry table kept between the lists (`_RegistryTables`).
    `clusterer` defaults to none: a demo list names each facility once, so new rows are one
    facility only when their matching keys are equal (this spares the engine a second run per
    list and keeps `imvo load demo` within a minute).
    """
    covenant = Covenant.objects.filter(slug=DEMO_COVENANT).first()
    with transaction.atomic():
        supplier_lists_demo_delete()
        if covenant is None:
            return {"supplier_lists": 0, "supplier_rows": 0, "facilities": 0, "consents": 0}
        participants = _participants(covenant)
        gazetteer = gazetteer_default()
        made = demo_lists(
            seed=seed,
            participants=participants,
            known_city=lambda city, country: gazetteer.lookup(city, country) is not None,
        )
        companies = {
            company.slug: company
            for company in Organisation.objects.filter(
                synthetic=True, slug__in={item.company for item in made.lists}
            )
        }
        matcher = matcher if matcher is not None else _RegistryTables().match
        rows = 0
        for done, item in enumerate(made.lists):
            if done and done % 50 == 0:
                statistics_refresh()  # let the planner see the rows written so far
            supplier_list_import(
                company=companies[item.company],
                year=item.year,
                data=demo_list_bytes(item),
                filename=item.filename,
                covenant=covenant,
                matcher=matcher,
                clusterer=clusterer,
            )
            rows += len(item.rows)
            if progress is not None:
                progress(done + 1, len(made.lists))
        for slug, year in made.consents:
            consent_give(company=companies[slug], year=year, note="demo")
        statistics_refresh()
        facilities = (
            Facility.objects.filter(rows__supplier_list__company__synthetic=True).distinct().count()
        )
    return {
        "supplier_lists": len(made.lists),
        "supplier_rows": rows,
        "facilities": facilities,
        "consents": len(made.consents),
    }


def _participants(covenant: Covenant) -> dict[int, list[str]]:
    """The synthetic companies taking part in the covenant at some time in each demo year."""
    participants: dict[int, set[str]] = defaultdict(set)
    taking_part = Participation.objects.filter(
        covenant=covenant, organisation__synthetic=True, organisation__kind="company"
    ).values_list("organisation__slug", "joined_on", "left_on")
    for slug, joined_on, left_on in taking_part:
        for year in YEARS:
            if joined_on <= date(year, 12, 31) and (left_on is None or left_on >= date(year, 1, 1)):
                participants[year].add(slug)
    return {year: sorted(participants[year]) for year in YEARS if participants[year]}


def supplier_lists_demo_delete() -> None:
    """Remove what the demo's supplier lists brought: synthetic releases, the synthetic
    companies' consents, lists and rows, and the facilities no other list reported.

    A facility stays when a real list reported it, a real release published it, or a facility
    that stays was merged into it. Facility serials are set back to the highest one left, so
    that loading the same seed again hands out the same facility ids.
    """
    releases_synthetic_delete()
    PublicationConsent.objects.filter(company__synthetic=True).delete()
    lists = SupplierList.all_objects.filter(company__synthetic=True)  # also unfinished ones
    rows = SupplierRow.objects.filter(supplier_list__in=lists)
    reached: set[int] = set(rows.exclude(facility=None).values_list("facility_id", flat=True))
    reached |= set(
        FacilityAlias.objects.filter(rows__in=rows).values_list("facility_id", flat=True)
    )
    doomed = reached - _facilities_kept(reached)
    MatchReview.objects.filter(Q(row__in=rows) | Q(facility__in=doomed)).delete()
    rows.delete()
    lists.delete()
    MatchDecision.objects.filter(facility__in=doomed).delete()
    FacilityEvent.objects.filter(Q(facility__in=doomed) | Q(other__in=doomed)).delete()
    FacilityAlias.objects.filter(Q(facility__in=doomed) | Q(origin__in=doomed)).delete()
    Facility.objects.filter(pk__in=doomed).update(merged_into=None)
    Facility.objects.filter(pk__in=doomed).delete()
    countries = set(FacilitySerial.objects.values_list("country", flat=True))
    highest = dict(
        Facility.objects.values("country")
        .annotate(highest=Max("serial"))
        .values_list("country", "highest")
    )
    for country in countries:
        FacilitySerial.objects.filter(country=country).update(last=highest.get(country, 0))


def _facilities_kept(reached: set[int]) -> set[int]:
    """Those of `reached` something real still points to."""
    real_rows = SupplierRow.objects.exclude(supplier_list__company__synthetic=True)
    kept: set[int] = {
        pk
        for pk in real_rows.filter(facility__in=reached).values_list("facility_id", flat=True)
        if pk is not None
    }
    kept |= set(
        ReleaseRow.objects.filter(registry_facility__in=reached).values_list(
            "registry_facility_id", flat=True
        )
    )
    kept |= set(
        FacilityAlias.objects.filter(rows__in=real_rows, origin__in=reached).values_list(
            "origin_id", flat=True
        )
    )
    links = list(
        Facility.objects.filter(Q(pk__in=reached) | Q(merged_into__in=reached))
        .exclude(merged_into=None)
        .values_list("pk", "merged_into_id")
    )
    changed = True
    while changed:  # a facility that stays keeps the one it was merged into
        changed = False
        for pk, target in links:
            if (pk in kept or pk not in reached) and target in reached and target not in kept:
                kept.add(target)
                changed = True
    return kept


class _RegistryTables:
    """The matching engine with each registry record's matching keys computed once for all the
    demo's lists, instead of once per list: the registry grows by a list's new facilities at a
    time and is otherwise the same from one list to the next."""

    def __init__(self) -> None:
        self._chunks: list[pa.Table] = []
        self._where: dict[FacilityRecord, int] = {}

    def match(
        self,
        incoming: Sequence[FacilityRecord],
        registry: Sequence[FacilityRecord],
        /,
        *,
        decisions: Decisions,
        progress: Callable[[int, int], None] | None,
    ) -> tuple[Outcome, ...]:
        from imvo.core.matching.engine import match_records

        return match_records(
            incoming, self._table(registry), decisions=decisions, progress=progress
        )

    def _table(self, registry: Sequence[FacilityRecord]) -> Any:
        import pyarrow as pa

        from imvo.core.matching.records import registry_table

        missing = list(dict.fromkeys(r for r in registry if r not in self._where))
        if missing:
            offset = len(self._where)
            self._chunks.append(registry_table(missing))
            self._where.update((record, offset + n) for n, record in enumerate(missing))
        table = pa.concat_tables(self._chunks) if self._chunks else registry_table(())
        return table.take(pa.array([self._where[record] for record in registry], pa.int64()))
