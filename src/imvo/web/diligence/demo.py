"""`imvo load demo`, due-diligence part: submissions and assessments of the synthetic textile
companies for 2017-2019 (see `imvo.core.diligence.demo` for how they are shaped)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from imvo.core.diligence.demo import YEARS, demo_scores, demo_submissions
from imvo.web.diligence import selectors, services
from imvo.web.diligence.models import (
    Action,
    Assessment,
    AssessmentFramework,
    CriterionScore,
    FrameworkCriterion,
    LivingWageGap,
    ReportingCycle,
    RiskItem,
    Submission,
    SubmissionStatus,
    ThemeExplanation,
)
from imvo.web.registry.models import Covenant, Participation, Theme

DEMO_COVENANT = "textile"


def cycle_deadline(year: int) -> datetime:
    """The demo's deadline for a year's submissions: 1 July of the year, midnight UTC."""
    return datetime.combine(date(year, 7, 1), time(0, 0), tzinfo=UTC)


def diligence_demo_load(*, seed: int = 2018) -> dict[str, int]:
    """Replace the synthetic submissions and assessments; a no-op without the textile
    covenant. Creates the covenant's framework, questions and 2017-2019 cycles when missing."""
    covenant = Covenant.objects.filter(slug=DEMO_COVENANT).first()
    if covenant is None:
        return {"submissions": 0, "assessments": 0}
    with transaction.atomic():
        Submission.objects.filter(synthetic=True).delete()
        framework = AssessmentFramework.objects.filter(covenant=covenant).order_by(
            "-version"
        ).first() or services.framework_create(
            covenant=covenant,
            published_on=date(2017, 1, 1),
            note="Textile covenant framework (demo); see the framework note in the code.",
        )
        services.questions_default_create(covenant=covenant)
        for year in YEARS:
            if not ReportingCycle.objects.filter(covenant=covenant, year=year).exists():
                services.reporting_cycle_set(
                    covenant=covenant, year=year, deadline=cycle_deadline(year)
                )
        participants: dict[int, list[str]] = defaultdict(list)
        joined: dict[str, date] = {}
        companies: dict[str, int] = {}
        for p in Participation.objects.filter(covenant=covenant, synthetic=True).select_related(
            "organisation"
        ):
            for year in YEARS:
                if p.joined_on.year < year and (p.left_on is None or p.left_on.year >= year):
                    participants[year].append(p.organisation.slug)
            slug = p.organisation.slug
            joined[slug] = min(joined.get(slug, p.joined_on), p.joined_on)
            companies[slug] = p.organisation_id
        made = demo_submissions(
            seed=seed, participants={y: sorted(set(c)) for y, c in participants.items()}
        )
        themes = dict(Theme.objects.values_list("slug", "pk"))
        core_framework = selectors.framework_core(framework)
        criteria = dict(
            FrameworkCriterion.objects.filter(element__framework=framework).values_list("key", "pk")
        )
        assessments = 0
        for item in made:
            deadline = cycle_deadline(item.year)
            submission = Submission.objects.create(
                company_id=companies[item.company],
                covenant=covenant,
                year=item.year,
                status=SubmissionStatus.SUBMITTED,
                submitted_at=deadline - timedelta(days=10 + len(item.risks)),
                accord=item.accord,
                synthetic=True,
            )
            risks = {
                r.ref: RiskItem(
                    submission=submission,
                    theme_id=themes[r.theme],
                    country=r.country,
                    product=r.product,
                    tier=r.tier,
                    scale=r.scale,
                    scope=r.scope,
                    irremediability=r.irremediability,
                    likelihood=r.likelihood,
                )
                for r in item.risks
                if r.theme in themes
            }
            for risk in risks.values():
                risk.save()
            for a in item.actions:
                action = Action.objects.create(
                    submission=submission,
                    what=a.what,
                    where=a.where,
                    due_on=a.due_on,
                    indicator=a.indicator,
                )
                action.risks.set([risks[ref] for ref in a.risk_refs if ref in risks])
            LivingWageGap.objects.bulk_create(
                LivingWageGap(submission=submission, location=location, gap_percent=gap)
                for location, gap in item.living_wage_gaps
            )
            ThemeExplanation.objects.bulk_create(
                ThemeExplanation(submission=submission, theme_id=themes[theme], explanation=text)
                for theme, text in item.explanations
                if theme in themes
            )
            year_of_membership = max(1, item.year - joined[item.company].year)
            scores = demo_scores(
                core_framework,
                membership_year=year_of_membership,
                met=item.met,
                seed=seed,
                key=f"{item.company}:{item.year}",
            )
            assessment = Assessment.objects.create(
                submission=submission,
                framework=framework,
                membership_year=year_of_membership,
                synthetic=True,
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(
                    assessment=assessment,
                    criterion_id=criteria[s.criterion],
                    points=s.points,
                    reason=s.reason,
                )
                for s in scores
            )
            services.assessment_recompute(assessment)
            assessment.red_flags = selectors.red_flags_as_json(
                selectors.submission_red_flags(submission)
            )
            assessment.published_at = deadline + timedelta(days=120)
            assessment.save(update_fields=["red_flags", "published_at"])
            assessments += 1
    return {"submissions": len(made), "assessments": assessments}
