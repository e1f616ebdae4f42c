"""Assessment scoring: a covenant's published framework of weighted elements and criteria,
scored criterion by criterion with a reason for every score, against the threshold of the
company's membership year.

The default is the textile covenant's (AGT) five elements. Only the weight of "goals and
actions" (40%) and the thresholds (20%, 40%, 60% in membership years 1-3) are published
(FACTS.md, "Assessment of companies"); the other weights below are this project's assumption
and are marked as such in the framework's note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from imvo.core.errors import ImvoError

Outcome = Literal["met", "not-met", "incomplete"]
WEIGHT_TOLERANCE = Decimal("0.0001")


@dataclass(frozen=True)
class Criterion:
    key: str
    text: str
    max_points: int
    guidance: str = ""


@dataclass(frozen=True)
class Element:
    key: str
    name: str
    weight: Decimal  # share of the total, 0..1
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Framework:
    elements: tuple[Element, ...]
    thresholds: tuple[Decimal, ...]  # per membership year 1, 2, 3 …; the last holds after


@dataclass(frozen=True)
class Score:
    criterion: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class ElementResult:
    key: str
    points: Decimal
    max_points: int
    weight: Decimal
    weighted: Decimal  # the element's contribution to the total, 0..weight


@dataclass(frozen=True)
class AssessmentResult:
    elements: tuple[ElementResult, ...]
    total: Decimal  # 0..1
    membership_year: int
    threshold: Decimal
    outcome: Outcome
    unscored: tuple[str, ...]  # criteria without a score yet


def framework_check(framework: Framework) -> None:
    """Raise ImvoError unless the weights add up to 1, every element has criteria with
    positive maximum points, keys are unique and thresholds lie in 0..1."""
    if not framework.elements:
        raise ImvoError("a framework needs at least one element", field="elements")
    total = sum((e.weight for e in framework.elements), Decimal(0))
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise ImvoError(f"the element weights add up to {total}, not 1", field="weight")
    keys: set[str] = set()
    for element in framework.elements:
        if element.weight <= 0:
            raise ImvoError(f"element {element.key}: the weight must be positive", field="weight")
        if not element.criteria:
            raise ImvoError(f"element {element.key} has no criteria", field="criteria")
        for criterion in element.criteria:
            if criterion.key in keys:
                raise ImvoError(f"criterion {criterion.key} appears twice", field="criteria")
            keys.add(criterion.key)
            if criterion.max_points < 1:
                raise ImvoError(
                    f"criterion {criterion.key}: maximum points must be at least 1",
                    field="max_points",
                )
    if not framework.thresholds or any(not 0 <= t <= 1 for t in framework.thresholds):
        raise ImvoError("thresholds must lie between 0 and 1", field="thresholds")


def threshold_for(framework: Framework, membership_year: int) -> Decimal:
    """The share a company must reach in its `membership_year` (1 = its first year)."""
    if membership_year < 1:
        raise ImvoError("the membership year starts at 1", field="membership_year")
    return framework.thresholds[min(membership_year, len(framework.thresholds)) - 1]


def membership_year(*, joined_year: int, year: int) -> int:
    """The reporting `year` as the company's year of membership: the first full year after
    joining is year 1 (a company joining in 2016 hands in its first plan for 2017)."""
    return max(1, year - joined_year)


def score_check(criterion: Criterion, points: Decimal | int | float, reason: str) -> Score:
    """One score, or ImvoError naming the criterion when the points fall outside 0..max or the
    reason is missing."""
    try:
        value = Decimal(str(points))
    except ArithmeticError:
        raise ImvoError(
            f"criterion {criterion.key}: {points!r} is not a number", field="points"
        ) from None
    if not value.is_finite() or not 0 <= value <= criterion.max_points:
        raise ImvoError(
            f"criterion {criterion.key}: points must lie between 0 and {criterion.max_points}, "
            f"not {points}",
            field="points",
        )
    if not reason.strip():
        raise ImvoError(f"criterion {criterion.key}: every score needs a reason", field="reason")
    return Score(criterion=criterion.key, points=value, reason=reason.strip())


def assessment_score(
    framework: Framework, scores: Iterable[Score], *, membership_year: int
) -> AssessmentResult:
    """The weighted total of `scores`; the outcome is incomplete while a criterion is unscored,
    else met when the total reaches the membership year's threshold."""
    by_criterion: Mapping[str, Score] = {score.criterion: score for score in scores}
    known = {c.key for e in framework.elements for c in e.criteria}
    unknown = sorted(set(by_criterion) - known)
    if unknown:
        raise ImvoError(f"criterion {unknown[0]} is not in this framework", field="criterion")
    results = []
    unscored = []
    for element in framework.elements:
        points = Decimal(0)
        max_points = 0
        for criterion in element.criteria:
            max_points += criterion.max_points
            if criterion.key in by_criterion:
                points += by_criterion[criterion.key].points
            else:
                unscored.append(criterion.key)
        weighted = element.weight * points / max_points
        results.append(
            ElementResult(
                key=element.key,
                points=points,
                max_points=max_points,
                weight=element.weight,
                weighted=weighted,
            )
        )
    total = sum((r.weighted for r in results), Decimal(0))
    threshold = threshold_for(framework, membership_year)
    outcome: Outcome = "incomplete" if unscored else ("met" if total >= threshold else "not-met")
    return AssessmentResult(
        elements=tuple(results),
        total=total,
        membership_year=membership_year,
        threshold=threshold,
        outcome=outcome,
        unscored=tuple(unscored),
    )


def _criteria(element: str, *items: tuple[str, str, str]) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(key=f"{element}-{key}", text=text, guidance=guidance, max_points=4)
        for key, text, guidance in items
    )


TEXTILE_THRESHOLDS = (Decimal("0.20"), Decimal("0.40"), Decimal("0.60"))
TEXTILE_NOTE = (
    "Elements and the 40% weight of goals and actions, and the thresholds 20/40/60% for "
    "membership years 1-3: AGT practice (SER). The other weights and the criteria are this "
    "project's assumption (uncertain)."
)
TEXTILE_FRAMEWORK = Framework(
    elements=(
        Element(
            "policy",
            "Policy",
            Decimal("0.15"),
            _criteria(
                "policy",
                (
                    "commitment",
                    "A due-diligence policy endorsed by management",
                    "4: published, covers all themes; 2: internal only; 0: none.",
                ),
                (
                    "embedding",
                    "Responsibilities and procurement practices embed the policy",
                    "4: named owners and buying practices; 0: not described.",
                ),
            ),
        ),
        Element(
            "risk-analysis",
            "Risk analysis (inventory and prioritisation)",
            Decimal("0.20"),
            _criteria(
                "risk-analysis",
                (
                    "inventory",
                    "Risks inventoried per theme, country and production step",
                    "4: all nine themes and tiers; 2: tier 1 only; 0: none.",
                ),
                (
                    "prioritisation",
                    "Risks prioritised by severity and likelihood",
                    "4: severity (scale, scope, irremediability) and likelihood; 0: none.",
                ),
            ),
        ),
        Element(
            "goals-actions",
            "Goals and actions on all themes",
            Decimal("0.40"),
            _criteria(
                "goals-actions",
                (
                    "smart",
                    "SMART goals for the prioritised risks",
                    "4: every high-priority risk has a measurable goal with a deadline.",
                ),
                (
                    "actions",
                    "Actions linked to the risks they address",
                    "4: what, where, by when and an indicator for each action.",
                ),
                (
                    "living-wage",
                    "A living-wage gap shown and a plan to close it",
                    "4: gap per production location with steps; 0: no gap shown.",
                ),
            ),
        ),
        Element(
            "evaluation-communication",
            "Evaluation and communication",
            Decimal("0.15"),
            _criteria(
                "evaluation-communication",
                (
                    "tracking",
                    "Results of last year's actions tracked",
                    "4: results per action against its indicator; 0: not tracked.",
                ),
                (
                    "reporting",
                    "Public reporting on due diligence",
                    "4: yearly public report; 0: nothing public.",
                ),
            ),
        ),
        Element(
            "stakeholders",
            "Stakeholder consultation",
            Decimal("0.10"),
            _criteria(
                "stakeholders",
                (
                    "consultation",
                    "Workers, unions and NGOs consulted on risks and remedies",
                    "4: named stakeholders and what changed; 0: none.",
                ),
            ),
        ),
    ),
    thresholds=TEXTILE_THRESHOLDS,
)

OECD_STEPS = (
    (1, "Embed responsible business conduct into policies and management systems."),
    (2, "Identify and assess actual and potential adverse impacts."),
    (3, "Cease, prevent or mitigate adverse impacts."),
    (4, "Track implementation and results."),
    (5, "Communicate how impacts are addressed."),
    (6, "Provide for or cooperate in remediation when appropriate."),
)
