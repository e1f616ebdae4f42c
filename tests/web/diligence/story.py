"""The due-diligence cast, on top of the registry cast of tests/web/conftest.py.

Zeeman hands in its 2018 submission to the textile covenant: a high-priority child-labour risk
in Bangladesh with an audit planned, a medium freedom-of-association risk without one, a
living-wage gap at one factory. The textile covenant publishes the default framework with
its six OECD questions; `textile_cycle_2018` sets the 2018 deadline where a test needs one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from imvo.web.diligence import services
from imvo.web.diligence.models import Assessment, AssessmentFramework, Submission
from imvo.web.registry.models import Theme

DEADLINE_2018 = datetime(2018, 7, 1, tzinfo=UTC)
BEFORE_DEADLINE = datetime(2018, 6, 1, tzinfo=UTC)

CHILD_LABOUR_BD = services.RiskFields(
    theme="child-labour",
    country="Bangladesh",
    product="garments",
    tier=2,
    scale=5,
    scope=3,
    irremediability=5,
    likelihood=4,
    explanation="Home workers embroider for a tier-2 supplier.",
)
FREEDOM_IN = services.RiskFields(
    theme="living-wage", country="IN", scale=3, scope=3, irremediability=2, likelihood=3
)


THEMES_BEYOND_THE_CAST = (
    ("gender", "Gender", 4),
    ("freedom-of-association", "Freedom of association", 5),
    ("land-rights", "Land rights", 6),
    ("health-safety", "Health and safety", 7),
)


def textile_framework(cast: Any) -> AssessmentFramework:
    """The default framework and questions, and the themes the registry cast leaves out."""
    for slug, name, position in THEMES_BEYOND_THE_CAST:
        Theme.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name,
                "name_nl": name,
                "position": position,
                "core": slug != "health-safety",
            },
        )
    framework = AssessmentFramework.objects.filter(covenant=cast.textile).first()
    if framework is None:
        framework = services.framework_create(covenant=cast.textile, published_on=date(2017, 1, 1))
        services.questions_default_create(covenant=cast.textile)
    return framework


def textile_cycle_2018(cast: Any) -> None:
    """Submissions for 2018 are due on 1 July 2018."""
    services.reporting_cycle_set(covenant=cast.textile, year=2018, deadline=DEADLINE_2018)


def zeeman_draft(cast: Any) -> Submission:
    """Zeeman's 2018 submission (the one already made, when a test asks twice)."""
    textile_framework(cast)
    made = Submission.objects.filter(company=cast.zeeman, covenant=cast.textile, year=2018).first()
    if made is not None:
        return made
    submission = services.submission_create(
        actor=None, company=cast.zeeman, covenant=cast.textile, year=2018
    )
    audited = services.risk_item_create(actor=None, submission=submission, fields=CHILD_LABOUR_BD)
    services.risk_item_create(actor=None, submission=submission, fields=FREEDOM_IN)
    services.action_create(
        actor=None,
        submission=submission,
        fields=services.ActionFields(
            what="Unannounced audits of home workers",
            where="Dhaka",
            due_on=date(2019, 3, 1),
            indicator="audits done",
            risk_ids=(audited.pk,),
        ),
    )
    services.living_wage_gap_create(
        actor=None, submission=submission, gap_percent=Decimal("35"), location="Factory A, Dhaka"
    )
    return submission


def zeeman_submitted(cast: Any) -> Submission:
    submission = zeeman_draft(cast)
    return services.submission_submit(actor=None, submission=submission, now=BEFORE_DEADLINE)


def zeeman_assessment(cast: Any, *, scored: bool = True, published: bool = True) -> Assessment:
    submission = zeeman_submitted(cast)
    made = Assessment.objects.filter(submission=submission).first()
    if made is not None:
        return made
    assessment = services.assessment_create(actor=None, submission=submission)
    if scored:
        services.assessment_score(
            actor=None,
            assessment=assessment,
            scores=[
                (criterion.key, 3, f"Reason for {criterion.key}.")
                for element in assessment.framework.elements.all()
                for criterion in element.criteria.all()
            ],
        )
    if published:
        services.assessment_publish(actor=None, assessment=assessment)
    return assessment
