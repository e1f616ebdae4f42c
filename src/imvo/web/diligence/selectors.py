"""Reads for due diligence: what a user may see, a submission with its ranked risks and red
flags, an assessment with its scores and reasons, the public frameworks and aggregates."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from imvo.core.diligence import flags, priority, riskcheck, scoring
from imvo.core.diligence.templates import TemplateAction, TemplateRisk, template_write
from imvo.web.accounts.permissions import (
    company_objects_administered_by,
    company_objects_visible_to,
    is_admin,
)
from imvo.web.diligence.models import (
    Action,
    Assessment,
    AssessmentFramework,
    Outcome,
    ReportingCycle,
    RiskItem,
    Submission,
)
from imvo.web.registry.models import Participation, Theme
from imvo.web.suppliers.models import SupplierListStatus, SupplierRow

AnyUser = AbstractBaseUser | AnonymousUser

# ---------------------------------------------------------------- access


def submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    """Submissions the user may read: its own company's; for a secretariat those to its
    covenants for the years the company took part; all for administrators."""
    return company_objects_visible_to(
        user,
        Submission.objects.select_related("company", "covenant"),
        covenant_field="covenant",
        year_field="year",
    )


# From a submission's risk, action or assessment to the company, covenant and year it is of.
SUBMISSION_PATHS = {
    "company_field": "submission__company",
    "covenant_field": "submission__covenant",
    "year_field": "submission__year",
}


def risks_visible_to(user: AnyUser) -> QuerySet[RiskItem]:
    """Risks of the submissions the user may read."""
    return company_objects_visible_to(
        user,
        RiskItem.objects.select_related("submission__company", "submission__covenant", "theme"),
        **SUBMISSION_PATHS,
    )


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    """Actions of the submissions the user may read."""
    return company_objects_visible_to(
        user,
        Action.objects.select_related("submission__company", "submission__covenant"),
        **SUBMISSION_PATHS,
    )


def assessments_visible_to(user: AnyUser) -> QuerySet[Assessment]:
    """Assessments the user may read in full: the secretariat those of submissions to its
    covenants for the years the company took part (administrators all); a company's users
    their company's published ones."""
    assessments = Assessment.objects.select_related(
        "submission__company", "submission__covenant", "framework"
    )
    if is_admin(user):
        return assessments
    assessed = company_objects_administered_by(user, assessments, **SUBMISSION_PATHS)
    own = company_objects_visible_to(
        user, assessments.filter(published_at__isnull=False), **SUBMISSION_PATHS
    )
    return assessed | own


# ---------------------------------------------------------------- submissions


def submission_deadline(submission: Submission) -> datetime | None:
    cycle = ReportingCycle.objects.filter(
        covenant_id=submission.covenant_id, year=submission.year
    ).first()
    return cycle.deadline if cycle else None


def submission_membership_year(submission: Submission) -> int:
    """The company's membership year in the covenant for the submission's year."""
    joined = (
        Participation.objects.filter(
            covenant_id=submission.covenant_id, organisation_id=submission.company_id
        )
        .order_by("joined_on")
        .values_list("joined_on", flat=True)
        .first()
    )
    if joined is None:
        return 1
    return scoring.membership_year(joined_year=joined.year, year=submission.year)


def _risks(submission: Submission) -> list[RiskItem]:
    return list(
        submission.risks.select_related("theme", "facility").prefetch_related(
            Prefetch("actions", queryset=Action.objects.only("pk"))
        )
    )


def _scores(risk: RiskItem) -> priority.RiskScores:
    return priority.RiskScores(
        scale=risk.scale,
        scope=risk.scope,
        irremediability=risk.irremediability,
        likelihood=risk.likelihood,
    )


def submission_countries(submission: Submission) -> list[str]:
    """The countries of the analysis and of the company's supplier list for the covenant and
    year (a list handed in for another covenant is not this covenant's to see)."""
    listed = SupplierRow.objects.filter(
        supplier_list__company_id=submission.company_id,
        supplier_list__covenant_id=submission.covenant_id,
        supplier_list__year=submission.year,
        supplier_list__status=SupplierListStatus.COMPLETE,  # not a list still being imported
        accepted=True,
    ).values_list("country", flat=True)
    analysed = submission.risks.values_list("country", flat=True)
    return sorted({c for c in [*listed, *analysed] if c})


def submission_risk_check(submission: Submission) -> list[riskcheck.RiskCheckHit]:
    """The reference risk check for the submission's countries and products."""
    covenant = submission.covenant
    sector = covenant.market_sector.slug if covenant.market_sector else ""
    countries = submission_countries(submission)
    products = {""} | {p.lower() for p in submission.risks.values_list("product", flat=True) if p}
    hits: dict[tuple[str, str], riskcheck.RiskCheckHit] = {}
    order = {hint: i for i, hint in enumerate(riskcheck.HINTS)}
    for product in sorted(products):
        for hit in riskcheck.risk_check(sector=sector, product=product, countries=countries):
            known = hits.get((hit.theme, hit.country))
            if known is None or order[hit.severity_hint] < order[known.severity_hint]:
                hits[(hit.theme, hit.country)] = hit
    return sorted(hits.values(), key=lambda h: (order[h.severity_hint], h.theme, h.country))


def submission_red_flags(submission: Submission) -> tuple[flags.RedFlag, ...]:
    risks = _risks(submission)
    hits = submission_risk_check(submission)
    return flags.red_flags(
        risks=[
            flags.AnalysedRisk(
                risk_id=risk.pk,
                theme=risk.theme.slug,
                country=risk.country,
                level=priority.risk_priority(_scores(risk)).level,
                has_action=bool(risk.actions.all()),
            )
            for risk in risks
        ],
        explanations=[
            flags.Explanation(theme=e.theme.slug, country=e.country)
            for e in submission.explanations.select_related("theme")
        ],
        reference=[
            flags.FlaggedReference(theme=h.theme, country=h.country, source=h.source or "")
            for h in riskcheck.flagged(hits)
        ],
        living_wage_gaps=submission.living_wage_gaps.count(),
    )


def red_flags_as_json(red_flags: tuple[flags.RedFlag, ...]) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "message": f.message,
            "theme": f.theme,
            "country": f.country,
            "risk": f.risk_id,
        }
        for f in red_flags
    ]


def submission_detail(submission: Submission) -> dict[str, Any]:
    """The submission with its ranked risk analysis, action plan, gaps, explanations, the
    reference check and the red flags."""
    risks = {risk.pk: risk for risk in _risks(submission)}
    ranked = priority.risks_ranked((pk, _scores(risk)) for pk, risk in risks.items())
    deadline = submission_deadline(submission)
    return {
        "id": submission.pk,
        "company": submission.company.slug,
        "covenant": submission.covenant.slug,
        "year": submission.year,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
        "deadline": deadline,
        "accord": submission.accord,
        "answers": [
            {"question": a.question_id, "step": a.question.step, "answer": a.answer}
            for a in submission.answers.select_related("question")
        ],
        "priority_formula": priority.PRIORITY_FORMULA,
        "risks": [risk_as_json(risks[r.key], r) for r in ranked],
        "actions": [action_as_json(a) for a in submission.actions.prefetch_related("risks")],
        "living_wage_gaps": [
            {
                "facility": g.facility.facility_id if g.facility else None,
                "location": g.location,
                "gap_percent": g.gap_percent,
            }
            for g in submission.living_wage_gaps.select_related("facility")
        ],
        "explanations": [
            {"theme": e.theme.slug, "country": e.country, "explanation": e.explanation}
            for e in submission.explanations.select_related("theme")
        ],
        "red_flags": red_flags_as_json(submission_red_flags(submission)),
    }


def risk_as_json(risk: RiskItem, ranked: priority.RankedRisk[int] | None = None) -> dict[str, Any]:
    found = ranked.priority if ranked else priority.risk_priority(_scores(risk))
    return {
        "id": risk.pk,
        "rank": ranked.rank if ranked else None,
        "theme": risk.theme.slug,
        "country": risk.country,
        "product": risk.product,
        "tier": risk.tier,
        "facility": risk.facility.facility_id if risk.facility else None,
        "scale": risk.scale,
        "scope": risk.scope,
        "irremediability": risk.irremediability,
        "likelihood": risk.likelihood,
        "severity": found.severity,
        "priority": found.level,
        "explanation": risk.explanation,
        "actions": sorted(a.pk for a in risk.actions.all()),
    }


def action_as_json(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "what": action.what,
        "where": action.where,
        "due_on": action.due_on,
        "indicator": action.indicator,
        "risks": sorted(r.pk for r in action.risks.all()),
    }


def submission_summary(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "company": submission.company.slug,
        "covenant": submission.covenant.slug,
        "year": submission.year,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
    }


# ---------------------------------------------------------------- frameworks and assessments


def framework_core(framework: AssessmentFramework) -> scoring.Framework:
    """The stored framework as the core scores it."""
    return scoring.Framework(
        elements=tuple(
            scoring.Element(
                key=element.key,
                name=element.name,
                weight=element.weight,
                criteria=tuple(
                    scoring.Criterion(
                        key=c.key, text=c.text, max_points=c.max_points, guidance=c.guidance
                    )
                    for c in element.criteria.all()
                ),
            )
            for element in framework.elements.prefetch_related("criteria")
        ),
        thresholds=tuple(Decimal(str(t)) for t in framework.thresholds),
    )


def framework_as_json(framework: AssessmentFramework) -> dict[str, Any]:
    return {
        "covenant": framework.covenant.slug,
        "version": framework.version,
        "published_on": framework.published_on,
        "note": framework.note,
        "thresholds": [float(t) for t in framework.thresholds],
        "elements": [
            {
                "key": element.key,
                "name": element.name,
                "weight": element.weight,
                "criteria": [
                    {
                        "key": c.key,
                        "text": c.text,
                        "guidance": c.guidance,
                        "max_points": c.max_points,
                    }
                    for c in element.criteria.all()
                ],
            }
            for element in framework.elements.prefetch_related("criteria")
        ],
    }


def framework_list(*, covenant: str | None = None) -> list[dict[str, Any]]:
    """Every covenant's published frameworks, all versions (public)."""
    frameworks = AssessmentFramework.objects.select_related("covenant").order_by(
        "covenant__slug", "version"
    )
    if covenant:
        frameworks = frameworks.filter(covenant__slug=covenant)
    return [framework_as_json(f) for f in frameworks]


def assessment_detail(assessment: Assessment) -> dict[str, Any]:
    """An assessment with every score and its reason, the result and the red flags (as
    published; computed now while unpublished)."""
    submission = assessment.submission
    red = (
        assessment.red_flags
        if assessment.published_at
        else red_flags_as_json(submission_red_flags(submission))
    )
    return {
        "id": assessment.pk,
        "submission": submission.pk,
        "company": submission.company.slug,
        "covenant": submission.covenant.slug,
        "year": submission.year,
        "framework_version": assessment.framework.version,
        "membership_year": assessment.membership_year,
        "threshold": assessment.threshold,
        "total": assessment.total,
        "outcome": assessment.outcome,
        "published_at": assessment.published_at,
        "scores": [
            {
                "criterion": s.criterion.key,
                "element": s.criterion.element.key,
                "points": s.points,
                "max_points": s.criterion.max_points,
                "reason": s.reason,
            }
            for s in assessment.scores.select_related("criterion__element")
        ],
        "red_flags": red,
    }


def outcome_distribution(*, covenant: str | None = None) -> list[dict[str, Any]]:
    """Per covenant and year: published assessments by outcome, and red-flag counts per theme
    (public). No company is named; only published assessments count, for everyone alike."""
    assessments = Assessment.objects.filter(published_at__isnull=False).select_related(
        "submission__covenant"
    )
    if covenant:
        assessments = assessments.filter(submission__covenant__slug=covenant)
    outcomes: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    themes: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for assessment in assessments:
        key = (assessment.submission.covenant.slug, assessment.submission.year)
        outcomes[key][assessment.outcome] += 1
        for flag in assessment.red_flags:
            if flag.get("theme"):
                themes[key][flag["theme"]] += 1
    return [
        {
            "covenant": slug,
            "year": year,
            "assessed": sum(outcomes[(slug, year)].values()),
            "met": outcomes[(slug, year)][Outcome.MET],
            "not_met": outcomes[(slug, year)][Outcome.NOT_MET],
            "red_flags_by_theme": dict(sorted(themes[(slug, year)].items())),
        }
        for slug, year in sorted(outcomes)
    ]


def submission_template(submission: Submission) -> bytes:
    """The XLSX template filled in with the submission's risks and actions (refs R1, R2, ...),
    as the web page and the API hand it out for offline work."""
    risks = list(submission.risks.select_related("theme"))
    refs = {risk.pk: f"R{index}" for index, risk in enumerate(risks, start=1)}
    return template_write(
        risks=[
            TemplateRisk(
                ref=refs[r.pk],
                theme=r.theme.slug,
                country=r.country,
                product=r.product,
                tier=r.tier,
                scale=r.scale,
                scope=r.scope,
                irremediability=r.irremediability,
                likelihood=r.likelihood,
                explanation=r.explanation,
            )
            for r in risks
        ],
        actions=[
            TemplateAction(
                what=a.what,
                where=a.where,
                due_on=a.due_on,
                indicator=a.indicator,
                risk_refs=tuple(refs[r.pk] for r in a.risks.all() if r.pk in refs),
            )
            for a in submission.actions.prefetch_related("risks")
        ],
        themes=[(t.slug, t.name_en) for t in Theme.objects.all()],
    )
