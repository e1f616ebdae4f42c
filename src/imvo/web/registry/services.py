"""Writes to the registry: loading the reference data (and the demo population)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import TypeVar, cast

from django.db import models, transaction

from imvo.core import covenants as core_covenants
from imvo.core.demo import (
    DemoPopulation,
    RegisteredCovenant,
    fit_to_registry,
    generate_demo,
    population_counts,
)
from imvo.core.errors import ImvoError
from imvo.core.reference import (
    MARKETS_FILE,
    ORGANISATIONS_FILE,
    CovenantRecord,
    ReferenceData,
    default_reference_dir,
    load_reference_dir,
    reference_digest,
)
from imvo.web.diligence.demo import diligence_demo_load
from imvo.web.planner import statistics_refresh
from imvo.web.publication.demo import supplier_lists_demo_delete, supplier_lists_demo_load
from imvo.web.registry.models import (
    Brand,
    Covenant,
    DataLoad,
    MarketEstimate,
    MarketMeasure,
    MarketShare,
    Observation,
    Organisation,
    OrganisationKind,
    Participation,
    RiskSector,
    Source,
    StatusChange,
    Target,
    Theme,
    ThemeCoverage,
)

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

REFERENCE_KIND = "reference"


def reference_load(*, path: Path | None = None, force: bool = False) -> dict[str, int | bool]:
    """Load the reference data idempotently; skip when its files are unchanged unless `force`.

    Top-level records are updated by their natural key; each covenant's status changes,
    observations, targets, theme claims and reference participations are replaced, so loading
    the same files twice gives the same database. Synthetic (demo) rows are never touched.
    Nothing is written when a file is invalid or any write fails.
    """
    directory = path if path is not None else default_reference_dir()
    if not force:
        last = DataLoad.objects.filter(kind=REFERENCE_KIND).order_by("-loaded_at", "-pk").first()
        if last is not None and last.digest == reference_digest(directory):
            return {**last.summary, "skipped": True}
    data = load_reference_dir(directory)
    with transaction.atomic():
        summary = _reference_write(data)
        DataLoad.objects.create(kind=REFERENCE_KIND, digest=data.digest, summary=summary)
    return {**summary, "skipped": False}


def _reference_write(data: ReferenceData) -> dict[str, int]:
    sources = {
        record.key: Source.objects.update_or_create(
            key=record.key,
            defaults={
                "title": record.title,
                "publisher": record.publisher,
                "url": record.url,
                "published_on": record.published_on,
                "note": record.note,
            },
        )[0]
        for record in data.sources
    }
    sectors = {
        record.slug: RiskSector.objects.update_or_create(
            slug=record.slug,
            defaults={
                "name_nl": record.name_nl,
                "name_en": record.name_en,
                "position": record.position,
                "source": sources[record.source],
                "confidence": record.confidence,
                "note": record.note,
            },
        )[0]
        for record in data.sectors
    }
    themes = {
        record.slug: Theme.objects.update_or_create(
            slug=record.slug,
            defaults={
                "name_nl": record.name_nl,
                "name_en": record.name_en,
                "core": record.core,
                "position": record.position,
                "source": sources[record.source],
                "confidence": record.confidence,
                "note": record.note,
            },
        )[0]
        for record in data.themes
    }
    organisations = _reference_organisations(data, sources, sectors)
    counts = dict.fromkeys(
        ("status_changes", "participations", "observations", "targets", "theme_coverage"), 0
    )
    for record in data.covenants:
        written = _reference_covenant(record, sources, sectors, themes, organisations)
        for name, number in written.items():
            counts[name] += number
    market_estimates = _reference_market_estimates(data, sources, sectors)
    return {
        "sources": len(sources),
        "sectors": len(sectors),
        "themes": len(themes),
        "organisations": len(organisations),
        "covenants": len(data.covenants),
        **counts,
        "market_estimates": market_estimates,
    }


def _reference_organisations(
    data: ReferenceData, sources: dict[str, Source], sectors: dict[str, RiskSector]
) -> dict[str, Organisation]:
    slugs = [record.slug for record in data.organisations]
    taken = Organisation.objects.filter(slug__in=slugs, synthetic=True).order_by("slug").first()
    if taken is not None:
        raise ImvoError(
            f"slug {taken.slug!r} belongs to a synthetic (demo) organisation; rename one of them",
            file=ORGANISATIONS_FILE,
            row=f"organisations[{taken.slug}].slug",
        )
    return {
        record.slug: Organisation.objects.update_or_create(
            slug=record.slug,
            defaults={
                "name": record.name,
                "kind": record.kind,
                "sector": sectors[record.sector] if record.sector else None,
                "synthetic": False,
                "source": sources[record.source],
                "confidence": record.confidence,
                "note": record.note,
            },
        )[0]
        for record in data.organisations
    }


def _reference_covenant(
    record: CovenantRecord,
    sources: dict[str, Source],
    sectors: dict[str, RiskSector],
    themes: dict[str, Theme],
    organisations: dict[str, Organisation],
) -> dict[str, int]:
    market = record.market
    covenant, _ = Covenant.objects.update_or_create(
        slug=record.slug,
        defaults={
            "name_nl": record.name_nl,
            "name_en": record.name_en,
            "short_name": record.short_name,
            "ser_process": record.ser_process,
            "ends_on": record.ends_on,
            "market_sector": sectors[market.sector] if market else None,
            "market_segment": market.segment if market else "",
            "market_measure": market.measure if market else MarketMeasure.TURNOVER,
            "website": record.website,
            "source": sources[record.source],
            "confidence": record.confidence,
            "note": record.note,
        },
    )
    covenant.sectors.set([sectors[slug] for slug in record.sectors])
    covenant.sources.set([sources[key] for key in record.sources])

    # Replace the covenant's reference rows; synthetic participations and those of synthetic
    # organisations belong to the demo population and stay.
    StatusChange.objects.filter(covenant=covenant).delete()
    Observation.objects.filter(covenant=covenant).delete()
    Target.objects.filter(covenant=covenant).delete()
    ThemeCoverage.objects.filter(covenant=covenant).delete()
    Participation.objects.filter(
        covenant=covenant, synthetic=False, organisation__synthetic=False
    ).delete()

    status_changes = StatusChange.objects.bulk_create(
        StatusChange(
            covenant=covenant,
            status=change.status,
            on=change.on,
            source=sources[change.source],
            confidence=change.confidence,
            note=change.note,
        )
        for change in record.status_changes
    )
    participations = Participation.objects.bulk_create(
        Participation(
            covenant=covenant,
            organisation=organisations[party.organisation],
            joined_on=party.joined_on,
            left_on=party.left_on,
            synthetic=False,
            source=sources[party.source],
            confidence=party.confidence,
            note=party.note,
        )
        for party in record.parties
    )
    observations = Observation.objects.bulk_create(
        Observation(
            covenant=covenant,
            on=observation.on,
            metric=observation.metric,
            value=observation.value,
            low=observation.low,
            high=observation.high,
            source=sources[observation.source],
            confidence=observation.confidence,
            note=observation.note,
        )
        for observation in record.observations
    )
    targets = Target.objects.bulk_create(
        Target(
            covenant=covenant,
            metric=target.metric,
            baseline_value=target.baseline_value,
            baseline_on=target.baseline_on,
            target_value=target.target_value,
            deadline=target.deadline,
            source=sources[target.source],
            confidence=target.confidence,
            note=target.note,
        )
        for target in record.targets
    )
    theme_coverage = ThemeCoverage.objects.bulk_create(
        ThemeCoverage(
            covenant=covenant,
            theme=themes[claim.theme],
            level=claim.level,
            since=claim.since,
            basis=claim.basis,
            source=sources[claim.source],
            confidence=claim.confidence,
            note=claim.note,
        )
        for claim in record.themes
    )
    return {
        "status_changes": len(status_changes),
        "participations": len(participations),
        "observations": len(observations),
        "targets": len(targets),
        "theme_coverage": len(theme_coverage),
    }


def _reference_market_estimates(
    data: ReferenceData, sources: dict[str, Source], sectors: dict[str, RiskSector]
) -> int:
    """Replace the reference market estimates; a synthetic estimate for the same sector,
    segment, year and measure is a conflict, not something to overwrite."""
    for index, record in enumerate(data.market_estimates):
        if MarketEstimate.objects.filter(
            sector__slug=record.sector,
            segment=record.segment,
            year=record.year,
            measure=record.measure,
            synthetic=True,
        ).exists():
            raise ImvoError(
                f"the demo data already has a {record.measure} estimate for {record.sector} "
                f"{record.segment or '(whole sector)'} in {record.year}",
                file=MARKETS_FILE,
                row=f"estimates[{index}]",
            )
    MarketEstimate.objects.filter(synthetic=False).delete()
    created = MarketEstimate.objects.bulk_create(
        MarketEstimate(
            sector=sectors[record.sector],
            segment=record.segment,
            year=record.year,
            measure=record.measure,
            amount_eur=record.amount_eur,
            synthetic=False,
            source=sources[record.source],
            confidence=record.confidence,
            note=record.note,
        )
        for record in data.market_estimates
    )
    return len(created)


# --------------------------------------------------------------------------------------------
# Demo data
# --------------------------------------------------------------------------------------------

DEMO_KIND = "demo"
DEMO_BATCH_SIZE = 500

_Row = TypeVar("_Row", bound=models.Model)


def demo_load(
    *,
    seed: int = 2018,
    progress: Callable[[int, int], None] | None = None,
    supplier_lists: bool = False,
) -> dict[str, int]:
    """Replace the synthetic demo population with the one generated from `seed`.

    Needs the reference data: the demo companies belong to its risk sectors and take part in its
    covenants, within the periods and under the market names the reference data records. The
    old synthetic rows go and the new ones come in one transaction, so loading the same seed
    twice gives the same rows. Reference rows are never touched; where the reference data has a
    market estimate, the synthetic one is left out. `progress(done, total)` is called as rows
    are written. With `supplier_lists` (as `imvo load demo` asks), the textile participants'
    supplier lists are imported too, through the real matcher (about a minute); without, the
    ones an earlier load made are removed.
    """
    registered = _demo_registered_covenants()
    if not registered:
        raise ImvoError("load the reference data first: imvo load reference")
    sectors = dict(RiskSector.objects.values_list("slug", "pk"))
    generated = generate_demo(seed)
    population = fit_to_registry(generated, registered)
    missing = sorted({company.sector for company in population.companies} - sectors.keys())
    if missing:
        raise ImvoError(
            f"the reference data has no risk sector {', '.join(missing)}: "
            "load the reference data again: imvo load reference"
        )
    _demo_refuse_taken_slugs(population)
    covenants = dict(Covenant.objects.values_list("slug", "pk"))
    with transaction.atomic():
        supplier_lists_demo_delete()  # the lists point to the synthetic companies
        _demo_delete()
        summary = _demo_write(population, sectors=sectors, covenants=covenants, progress=progress)
        summary["participations_left_out"] = len(generated.participations) - len(
            population.participations
        )
        summary.update(diligence_demo_load(seed=seed))
        if supplier_lists:
            summary.update(supplier_lists_demo_load(seed=seed))
        DataLoad.objects.create(kind=DEMO_KIND, digest=str(seed), summary=summary)
        statistics_refresh()  # the planner would otherwise take the new tables for empty
    return summary


def _demo_registered_covenants() -> dict[str, RegisteredCovenant]:
    changes: dict[int, list[core_covenants.StatusChange]] = defaultdict(list)
    for covenant_id, status, on in StatusChange.objects.values_list("covenant_id", "status", "on"):
        changes[covenant_id].append(
            core_covenants.StatusChange(status=cast(core_covenants.CovenantState, status), on=on)
        )
    return {
        covenant.slug: RegisteredCovenant(
            slug=covenant.slug,
            market_sector=covenant.market_sector.slug if covenant.market_sector else None,
            market_segment=covenant.market_segment,
            signed_on=core_covenants.signed_on(changes[covenant.pk]),
            closed_on=core_covenants.closed_on(changes[covenant.pk]),
            has_history=bool(changes[covenant.pk]),
        )
        for covenant in Covenant.objects.select_related("market_sector")
    }


def _demo_refuse_taken_slugs(population: DemoPopulation) -> None:
    """A reference organisation or brand named like a demo one is a conflict to resolve by
    hand, not something to overwrite."""
    for model, slugs in (
        (Organisation, {company.slug for company in population.companies}),
        (Brand, {brand.slug for brand in population.brands}),
    ):
        taken = model._default_manager.filter(synthetic=False, slug__startswith="demo-")
        clash = sorted(set(taken.values_list("slug", flat=True)) & slugs)
        if clash:
            raise ImvoError(
                f"{model._meta.verbose_name} {clash[0]!r} is reference data but has the slug "
                "of a demo one; rename it in the reference data"
            )


def _demo_delete() -> None:
    """Remove every synthetic row, whatever seed made it."""
    Participation.objects.filter(synthetic=True).delete()
    MarketShare.objects.filter(synthetic=True).delete()
    MarketEstimate.objects.filter(synthetic=True).delete()
    Brand.objects.filter(synthetic=True).delete()
    Organisation.objects.filter(synthetic=True).delete()


class _DemoWriter:
    """Bulk-creates rows in batches and reports how many of `total` are written."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        if progress is not None:
            progress(0, total)

    def create(self, model: type[_Row], rows: Iterable[_Row]) -> int:
        written = 0
        iterator = iter(rows)
        while batch := list(islice(iterator, DEMO_BATCH_SIZE)):
            model._default_manager.bulk_create(batch)
            written += len(batch)
            self.done += len(batch)
            if self.progress is not None:
                self.progress(self.done, self.total)
        return written


def _demo_write(
    population: DemoPopulation,
    *,
    sectors: Mapping[str, int],
    covenants: Mapping[str, int],
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    reference_markets = set(
        MarketEstimate.objects.filter(synthetic=False).values_list(
            "sector__slug", "segment", "year", "measure"
        )
    )
    estimates = [
        e
        for e in population.market_estimates
        if (e.sector, e.segment, e.year, e.measure) not in reference_markets
    ]
    counts = population_counts(population)
    counts["market_estimates"] = len(estimates)
    writer = _DemoWriter(sum(counts.values()), progress)
    note = f"Synthetic: made up by the demo data generator (seed {population.seed})."

    writer.create(
        Organisation,
        (
            Organisation(
                slug=company.slug,
                name=company.name,
                kind=OrganisationKind.COMPANY,
                sector_id=sectors[company.sector],
                synthetic=True,
                note=note,
            )
            for company in population.companies
        ),
    )
    # Read the keys back rather than rely on bulk_create setting them on every backend.
    companies = dict(Organisation.objects.filter(synthetic=True).values_list("slug", "pk"))
    writer.create(
        Brand,
        (
            Brand(
                slug=brand.slug,
                name=brand.name,
                company_id=companies[brand.company],
                synthetic=True,
            )
            for brand in population.brands
        ),
    )
    writer.create(
        MarketShare,
        (
            MarketShare(
                company_id=companies[share.company],
                sector_id=sectors[share.sector],
                segment=share.segment,
                year=share.year,
                share=share.share,
                synthetic=True,
            )
            for share in population.market_shares
        ),
    )
    writer.create(
        MarketEstimate,
        (
            MarketEstimate(
                sector_id=sectors[estimate.sector],
                segment=estimate.segment,
                year=estimate.year,
                measure=estimate.measure,
                amount_eur=estimate.amount_eur,
                synthetic=True,
                note=note,
            )
            for estimate in estimates
        ),
    )
    writer.create(
        Participation,
        (
            Participation(
                covenant_id=covenants[p.covenant],
                organisation_id=companies[p.company],
                joined_on=p.joined_on,
                left_on=p.left_on,
                synthetic=True,
            )
            for p in population.participations
        ),
    )
    counts["market_estimates_left_out"] = len(population.market_estimates) - len(estimates)
    return counts
