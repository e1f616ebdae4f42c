"""Reads of the covenant registry, answered through the core computations.

Every selector returns plain dicts and lists (dates stay `datetime.date`): the CLI's
`--format json`, the API and the templates all render the same values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from imvo.core import covenants as core_covenants
from imvo.core import coverage as core_coverage
from imvo.core import sectors as core_sectors
from imvo.core import targets as core_targets
from imvo.core import themes as core_themes
from imvo.core import timeseries
from imvo.core.errors import ImvoError
from imvo.web.registry import models as m

SOURCE_FIELDS = ("key", "title", "publisher", "url", "published_on")


def today() -> date:
    return timezone.localdate()


def source_dict(source: m.Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {name: getattr(source, name) for name in SOURCE_FIELDS}


def localized_name(obj: Any) -> str:
    """`name_nl` or `name_en`, by the active language."""
    language = (get_language() or "nl").lower()
    return str(obj.name_nl if language.startswith("nl") else obj.name_en)


@dataclass
class CovenantFacts:
    """Everything the core needs about one covenant, read in a few queries for all covenants."""

    covenant: m.Covenant
    sectors: tuple[str, ...]
    changes: list[core_covenants.StatusChange] = field(default_factory=list)
    change_rows: list[m.StatusChange] = field(default_factory=list)
    participants: list[core_coverage.Participant] = field(default_factory=list)
    shares: list[core_coverage.ShareEstimate] = field(default_factory=list)
    observations: list[core_coverage.Observation] = field(default_factory=list)
    sources: dict[str, m.Source] = field(default_factory=dict)

    def coverage_on(self, day: date) -> core_coverage.Coverage:
        return core_coverage.coverage_on(
            day,
            changes=self.changes,
            participants=self.participants,
            shares=self.shares,
            observations=self.observations,
        )

    def status_on(self, day: date) -> str | None:
        return core_covenants.status_on(day, self.changes)


def covenant_facts(slugs: Iterable[str] | None = None) -> dict[str, CovenantFacts]:
    """Read covenants with their status history, participants, shares and observations."""
    covenants = m.Covenant.objects.prefetch_related("sectors", "sources").select_related("source")
    if slugs is not None:
        covenants = covenants.filter(slug__in=list(slugs))
    facts = {
        c.slug: CovenantFacts(c, tuple(sorted(s.slug for s in c.sectors.all()))) for c in covenants
    }
    by_id = {f.covenant.pk: f for f in facts.values()}
    if not by_id:
        return facts
    sources = {s.pk: s for s in m.Source.objects.all()}

    for change in m.StatusChange.objects.filter(covenant_id__in=by_id).select_related("source"):
        bundle = by_id[change.covenant_id]
        bundle.change_rows.append(change)
        bundle.changes.append(core_covenants.StatusChange(status=change.status, on=change.on))  # type: ignore[arg-type]

    participations = (
        m.Participation.objects.filter(covenant_id__in=by_id)
        .select_related("organisation")
        .annotate(brand_count=Count("organisation__brands"))
    )
    company_ids: set[int] = set()
    for p in participations:
        org = p.organisation
        if org.kind == m.OrganisationKind.COMPANY:
            company_ids.add(org.pk)
        by_id[p.covenant_id].participants.append(
            core_coverage.Participant(
                organisation=org.slug,
                kind=org.kind,
                joined_on=p.joined_on,
                left_on=p.left_on,
                brands=p.brand_count,
            )
        )

    markets: dict[tuple[int | None, str], list[CovenantFacts]] = defaultdict(list)
    for bundle in by_id.values():
        markets[(bundle.covenant.market_sector_id, bundle.covenant.market_segment)].append(bundle)
    share_rows = m.MarketShare.objects.filter(company_id__in=company_ids).values_list(
        "company__slug", "sector_id", "segment", "year", "share"
    )
    for slug, sector_id, segment, year, share in share_rows:
        for bundle in markets.get((sector_id, segment), ()):
            bundle.shares.append(
                core_coverage.ShareEstimate(organisation=slug, year=year, share=float(share))
            )

    for obs in m.Observation.objects.filter(covenant_id__in=by_id):
        bundle = by_id[obs.covenant_id]
        source = sources.get(obs.source_id) if obs.source_id else None
        if source is not None:
            bundle.sources[source.key] = source
        bundle.observations.append(
            core_coverage.Observation(
                on=obs.on,
                metric=obs.metric,
                value=obs.value,
                low=obs.low,
                high=obs.high,
                source=source.key if source else None,
            )
        )
    return facts


def _facts_for(slug: str) -> CovenantFacts:
    facts = covenant_facts([slug])
    if slug not in facts:
        raise ImvoError(f"unknown covenant {slug!r}", field="covenant")
    return facts[slug]


def _covenant_item(bundle: CovenantFacts, on: date) -> dict[str, Any]:
    covenant = bundle.covenant
    return {
        "slug": covenant.slug,
        "name": localized_name(covenant),
        "name_nl": covenant.name_nl,
        "name_en": covenant.name_en,
        "short_name": covenant.short_name,
        "sectors": list(bundle.sectors),
        "status": bundle.status_on(on),
        "ser_process": covenant.ser_process,
        "signed_on": core_covenants.signed_on(bundle.changes),
        "closed_on": core_covenants.closed_on(bundle.changes),
        "ends_on": covenant.ends_on,
        "website": covenant.website,
        "sources": [source_dict(s) for s in covenant.sources.all()],
        "confidence": covenant.confidence,
        "note": covenant.note,
    }


def covenant_list(*, on: date, include_all: bool = False) -> list[dict[str, Any]]:
    """The covenants that had a status on `on` (all of them with `include_all`)."""
    items = [_covenant_item(bundle, on) for bundle in covenant_facts().values()]
    if not include_all:
        items = [item for item in items if item["status"] is not None]
    return sorted(items, key=lambda i: (i["signed_on"] or date.max, i["slug"]))


def _coverage_dict(bundle: CovenantFacts, on: date) -> dict[str, Any]:
    result = bundle.coverage_on(on)
    sources = [source_dict(bundle.sources[key]) for key in result.sources if key in bundle.sources]
    return {
        "covenant": bundle.covenant.slug,
        "on": on,
        "status": result.state,
        "companies": result.companies,
        "brands": result.brands,
        "market_share": result.market_share,
        "market_measure": bundle.covenant.market_measure,
        "basis": result.basis,
        "observed_on": result.observed_on,
        "source": sources[0] if sources else None,
        "sources": sources,
        "note": result.note,
    }


def coverage_get(*, covenant: str, on: date) -> dict[str, Any]:
    """Participation in `covenant` on `on`, by companies, brands and market share."""
    return _coverage_dict(_facts_for(covenant), on)


def _sector_inputs(
    facts: dict[str, CovenantFacts],
) -> dict[str, tuple[frozenset[str], Sequence[core_covenants.StatusChange]]]:
    return {slug: (frozenset(b.sectors), b.changes) for slug, b in facts.items()}


def sector_list(*, on: date) -> list[dict[str, Any]]:
    """The 13 risk sectors with their covenant status and coverage on `on`."""
    facts = covenant_facts()
    inputs = _sector_inputs(facts)
    items = []
    for sector in m.RiskSector.objects.all():
        status = core_sectors.sector_status_on(on, sector.slug, inputs)
        in_force = [
            facts[slug] for slug in status.covenants if facts[slug].status_on(on) == "signed"
        ]
        items.append(
            {
                "slug": sector.slug,
                "name": localized_name(sector),
                "name_nl": sector.name_nl,
                "name_en": sector.name_en,
                "status": status.state,
                "covenants": list(status.covenants),
                "coverage": _sector_coverage(sector, in_force, on),
                "note": sector.note,
            }
        )
    return items


def _sector_coverage(
    sector: m.RiskSector, in_force: list[CovenantFacts], on: date
) -> dict[str, Any] | None:
    """Companies summed over the sector's covenants in force. A market share for the sector
    only when one market of this sector is covered; several markets (banking, insurance and
    pension funds in the financial sector) are reported per covenant."""
    if not in_force:
        return None
    per_covenant = [_coverage_dict(bundle, on) for bundle in in_force]
    counts = [c["companies"] for c in per_covenant if c["companies"] is not None]
    own_markets = {
        (bundle.covenant.market_segment, c["market_share"])
        for c, bundle in zip(per_covenant, in_force, strict=True)
        if bundle.covenant.market_sector_id == sector.pk
    }
    segments = {segment for segment, _ in own_markets}
    shares = [share for _, share in own_markets if share is not None]
    bases = {c["basis"] for c in per_covenant}
    return {
        "companies": sum(counts) if counts else None,
        "market_share": max(shares) if len(segments) == 1 and shares else None,
        "basis": bases.pop() if len(bases) == 1 else "mixed",
        "by_covenant": per_covenant,
    }


def _metric_on(bundle: CovenantFacts, metric: str, day: date) -> float | None:
    result = bundle.coverage_on(day)
    value = {
        "companies": result.companies,
        "brands": result.brands,
        "market_share": result.market_share,
    }.get(metric)
    return None if value is None else float(value)


def _target_dict(bundle: CovenantFacts, target: m.Target, on: date) -> dict[str, Any]:
    core_target = core_targets.Target(
        metric=target.metric,
        baseline=target.baseline_value,
        baseline_on=target.baseline_on,
        target=target.target_value,
        deadline=target.deadline,
    )
    status = core_targets.target_status_on(
        on, core_target, lambda day: _metric_on(bundle, target.metric, day)
    )
    measured = bundle.coverage_on(status.measured_on) if status.measured_on else None
    return {
        "covenant": bundle.covenant.slug,
        "metric": target.metric,
        "baseline": target.baseline_value,
        "baseline_on": target.baseline_on,
        "target": target.target_value,
        "deadline": target.deadline,
        "actual": status.actual,
        "measured_on": status.measured_on,
        "basis": measured.basis if measured else None,
        "expected": status.expected,
        "status": status.state,
        "projected_on": status.projected_on,
        "source": source_dict(target.source),
        "confidence": target.confidence,
        "note": target.note,
    }


def target_list(*, on: date, covenant: str | None = None) -> list[dict[str, Any]]:
    """Every target (of one covenant) with its status on `on`."""
    facts = covenant_facts([covenant] if covenant else None)
    if covenant and covenant not in facts:
        raise ImvoError(f"unknown covenant {covenant!r}", field="covenant")
    targets = m.Target.objects.filter(covenant__slug__in=facts).select_related("covenant", "source")
    return [_target_dict(facts[t.covenant.slug], t, on) for t in targets]


def _claims() -> list[core_themes.ThemeClaim]:
    rows = m.ThemeCoverage.objects.select_related("covenant", "theme", "source")
    return [
        core_themes.ThemeClaim(
            covenant=row.covenant.slug,
            theme=row.theme.slug,
            level=row.level,  # type: ignore[arg-type]
            since=row.since,
            basis=row.basis,  # type: ignore[arg-type]
            source=row.source.key if row.source else None,
            note=row.note,
        )
        for row in rows
    ]


def theme_matrix_get(*, on: date) -> dict[str, Any]:
    """The theme coverage of the covenants in force on `on`, with gaps in the core themes."""
    facts = covenant_facts()
    signed = sorted(slug for slug, bundle in facts.items() if bundle.status_on(on) == "signed")
    themes = list(m.Theme.objects.all())
    sources = {s.key: s for s in m.Source.objects.all()}
    matrix = core_themes.theme_matrix(
        on,
        signed,
        [core_themes.ThemeInfo(slug=t.slug, core=t.core) for t in themes],
        _claims(),
    )
    return {
        "on": on,
        "themes": [{"slug": t.slug, "name": localized_name(t), "core": t.core} for t in themes],
        "covenants": [
            {
                "slug": slug,
                "name": localized_name(facts[slug].covenant),
                "coverage": {t.slug: matrix.levels[(slug, t.slug)] for t in themes},
            }
            for slug in matrix.covenants
        ],
        "gaps": [{"covenant": g.covenant, "theme": g.theme} for g in matrix.gaps],
        "disputes": [
            {
                "covenant": claim.covenant,
                "theme": claim.theme,
                "level": claim.level,
                "text_level": matrix.levels[(claim.covenant, claim.theme)],
                "source": source_dict(sources.get(claim.source or "")),
                "note": claim.note,
            }
            for claim in matrix.disputes
        ],
    }


def covenant_detail(*, slug: str, on: date) -> dict[str, Any]:
    """One covenant with parties, themes, targets, observations and a monthly series."""
    bundle = _facts_for(slug)
    covenant = bundle.covenant
    item = _covenant_item(bundle, on)
    item["market"] = {
        "sector": covenant.market_sector.slug if covenant.market_sector else None,
        "segment": covenant.market_segment,
        "measure": covenant.market_measure,
    }
    item["parties"] = [
        {
            "name": p.organisation.name,
            "slug": p.organisation.slug,
            "kind": p.organisation.kind,
            "joined_on": p.joined_on,
            "left_on": p.left_on,
            "synthetic": p.organisation.synthetic,
        }
        for p in covenant.participations.select_related("organisation").order_by(
            "organisation__kind", "organisation__name"
        )
    ]
    item["status_changes"] = [
        {
            "status": c.status,
            "on": c.on,
            "source": source_dict(c.source),
            "confidence": c.confidence,
            "note": c.note,
        }
        for c in sorted(bundle.change_rows, key=lambda c: c.on)
    ]
    item["coverage"] = _coverage_dict(bundle, on)
    targets = list(covenant.targets.select_related("source"))
    item["targets"] = [_target_dict(bundle, t, on) for t in targets]
    item["themes"] = _covenant_themes(covenant, on)
    item["observations"] = [
        {
            "on": o.on,
            "metric": o.metric,
            "value": o.value,
            "low": o.low,
            "high": o.high,
            "source": source_dict(o.source),
            "confidence": o.confidence,
            "note": o.note,
        }
        for o in covenant.observations.select_related("source")
    ]
    item["series"] = _series(bundle, on)
    item["trajectories"] = [
        {
            "metric": t.metric,
            "points": [(t.baseline_on, t.baseline_value), (t.deadline, t.target_value)],
            "target": t.target_value,
            "deadline": t.deadline,
        }
        for t in targets
    ]
    return item


def _covenant_themes(covenant: m.Covenant, on: date) -> list[dict[str, Any]]:
    claims = [c for c in _claims() if c.covenant == covenant.slug]
    rows = {
        (r.theme_id, r.since, r.basis): r
        for r in covenant.theme_coverage.select_related("source", "theme")
    }
    themes = []
    for theme in m.Theme.objects.all():
        own = [c for c in claims if c.theme == theme.slug and c.basis == "text"]
        level = core_themes.level_on(on, own)
        current = [c for c in own if c.since is None or c.since <= on]
        latest = max(current, key=lambda c: c.since or date.min) if current else None
        row = rows.get((theme.pk, latest.since, "text")) if latest else None
        themes.append(
            {
                "slug": theme.slug,
                "name": localized_name(theme),
                "core": theme.core,
                "level": level,
                "since": latest.since if latest else None,
                "source": source_dict(row.source) if row else None,
                "note": row.note if row else "",
                "statements": [
                    {"level": c.level, "source": c.source, "note": c.note}
                    for c in claims
                    if c.theme == theme.slug and c.basis == "statement"
                ],
            }
        )
    return themes


def _series(bundle: CovenantFacts, on: date) -> dict[str, Any]:
    """Monthly participation from signing (or the first observation) up to the end or `on`."""
    starts = [d for d in (core_covenants.signed_on(bundle.changes),) if d]
    starts += [o.on for o in bundle.observations]
    if not starts:
        return {"months": [], "companies": [], "brands": [], "market_share": [], "basis": []}
    start = min(starts)
    closed = core_covenants.closed_on(bundle.changes)
    end = min(d for d in (closed, max(on, start)) if d is not None)
    points = timeseries.monthly(start, end, bundle.coverage_on)
    return {
        "months": [day for day, _ in points],
        "companies": [c.companies for _, c in points],
        "brands": [c.brands for _, c in points],
        "market_share": [c.market_share for _, c in points],
        "basis": [c.basis for _, c in points],
    }


def covenant_timeline(*, start: date, end: date) -> list[dict[str, Any]]:
    """Per covenant, the periods of each status between `start` and `end` (landscape chart)."""
    rows = []
    for bundle in covenant_facts().values():
        changes = sorted(bundle.changes, key=lambda c: c.on)
        periods = []
        for index, change in enumerate(changes):
            until = changes[index + 1].on if index + 1 < len(changes) else end
            if until < start or change.on > end:
                continue
            periods.append(
                {"status": change.status, "start": max(change.on, start), "end": min(until, end)}
            )
        if periods:
            rows.append(
                {
                    "slug": bundle.covenant.slug,
                    "name": localized_name(bundle.covenant),
                    "short_name": bundle.covenant.short_name,
                    "periods": periods,
                }
            )
    return sorted(rows, key=lambda r: (r["periods"][0]["start"], r["slug"]))


def synthetic_data_present() -> bool:
    return m.Organisation.objects.filter(synthetic=True).exists()


def data_loads() -> list[dict[str, Any]]:
    """The latest load of each kind, for the footer and `imvo status`."""
    latest: dict[str, dict[str, Any]] = {}
    for load in m.DataLoad.objects.all():
        latest.setdefault(
            load.kind, {"kind": load.kind, "loaded_at": load.loaded_at, "summary": load.summary}
        )
    return list(latest.values())
