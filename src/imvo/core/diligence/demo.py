"""Synthetic due-diligence submissions and assessments for the demo population.

Shaped to the textile covenant's published outcomes (FACTS.md, "Assessment of companies"): in
2018 only 5 of about 60 companies fully met the framework, in 2019 36 of 57 (63%). No figure
is published for 2017; the demo assumes a quarter. Deterministic: the same seed, companies and
years give the same submissions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from imvo.core.diligence.scoring import Framework, Score, assessment_score

MET_SHARE = {2017: 0.25, 2018: 5 / 60, 2019: 36 / 57}
YEARS = tuple(sorted(MET_SHARE))
COUNTRIES = (
    ("CN", 30),
    ("BD", 20),
    ("IN", 14),
    ("TR", 12),
    ("VN", 6),
    ("PK", 6),
    ("ID", 4),
    ("KH", 4),
    ("MM", 4),
)
THEMES = (
    "child-labour",
    "gender",
    "living-wage",
    "freedom-of-association",
    "forced-labour",
    "health-safety",
    "water-chemicals-energy",
    "raw-materials",
    "animal-welfare",
)
TEXTILE_CORE_THEMES = ("child-labour", "gender", "living-wage", "freedom-of-association")
LAND_RIGHTS_EXPLANATION = (
    "We buy finished garments; land use in our chain is limited to cotton growing, which our "
    "cotton standard assesses (synthetic demo text)."
)
PRODUCTS = ("garments", "cotton", "leather", "wool")
ACCORDS = ("signed", "not-signed", "not-applicable")
ACTIONS = (
    "Joint audit with the covenant's other buyers",
    "Remediation plan agreed with the supplier",
    "Training for supplier management and workers",
    "Collective project with unions and NGOs",
    "Grievance mechanism for workers",
    "Switch to certified raw material",
)
INDICATORS = (
    "audits done",
    "workers trained",
    "grievances resolved",
    "share of certified volume",
)
REASONS = (
    "Described for all production locations.",
    "Present, but only for tier 1 suppliers.",
    "Partly described; no timeline.",
    "Not described in the plan.",
    "Clear goals with indicators and deadlines.",
)


@dataclass(frozen=True)
class DemoRisk:
    ref: str
    theme: str
    country: str
    product: str
    tier: int
    scale: int
    scope: int
    irremediability: int
    likelihood: int


@dataclass(frozen=True)
class DemoAction:
    what: str
    where: str
    due_on: date
    indicator: str
    risk_refs: tuple[str, ...]


@dataclass(frozen=True)
class DemoSubmission:
    company: str
    year: int
    accord: str
    risks: tuple[DemoRisk, ...]
    actions: tuple[DemoAction, ...]
    living_wage_gaps: tuple[tuple[str, Decimal], ...]  # location, gap in percent
    met: bool  # the outcome its assessment is made to reach
    explanations: tuple[tuple[str, str], ...] = ()  # theme, why it is absent


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(f"{seed}:diligence:" + ":".join(str(p) for p in parts))


def demo_submissions(
    *, seed: int, participants: Mapping[int, Sequence[str]]
) -> tuple[DemoSubmission, ...]:
    """A submission per company slug and year in `participants`. The first company of the last
    year has a high-priority child-labour risk in Bangladesh without an action, so the red flag
    shows in the demo."""
    made = []
    for year in sorted(participants):
        companies = sorted(participants[year])
        share = MET_SHARE.get(year, 0.5)
        met = set(_rng(seed, "met", year).sample(companies, round(share * len(companies))))
        for company in companies:
            made.append(_submission(seed, company, year, company in met))
    if made:
        last_year = max(participants)
        flagged = next(s for s in made if s.year == last_year)
        made[made.index(flagged)] = _with_unaddressed_child_labour(flagged)
    return tuple(made)


def _submission(seed: int, company: str, year: int, met: bool) -> DemoSubmission:
    rng = _rng(seed, company, year)
    countries = [c for c, _ in COUNTRIES]
    weights = [w for _, w in COUNTRIES]
    # Companies that meet the framework analyse the textile core themes; the others leave
    # some out, which the red flags then show.
    core = [t for t in TEXTILE_CORE_THEMES if met or rng.random() < 0.6]
    others = [t for t in THEMES if t not in TEXTILE_CORE_THEMES]
    themes = core + rng.sample(others, rng.randint(1, 3))
    risks = tuple(
        DemoRisk(
            ref=f"R{index}",
            theme=theme,
            country=rng.choices(countries, weights)[0],
            product=rng.choice(PRODUCTS),
            tier=rng.randint(1, 3),
            scale=rng.randint(1, 5),
            scope=rng.randint(1, 5),
            irremediability=rng.randint(1, 5),
            likelihood=rng.randint(1, 5),
        )
        for index, theme in enumerate(themes, start=1)
    )
    addressed = [r.ref for r in risks if met or rng.random() < 0.5]
    actions = tuple(
        DemoAction(
            what=rng.choice(ACTIONS),
            where=ref_country,
            due_on=date(year + 1, rng.randint(1, 12), 1),
            indicator=rng.choice(INDICATORS),
            risk_refs=(ref,),
        )
        for ref, ref_country in ((r.ref, r.country) for r in risks if r.ref in addressed)
    )
    gaps: tuple[tuple[str, Decimal], ...] = ()
    if met or rng.random() < 0.3:
        gaps = tuple(
            (f"Demo factory {rng.randint(1, 999):03d}, {r.country}", Decimal(rng.randint(5, 60)))
            for r in risks[:2]
        )
    explanations: tuple[tuple[str, str], ...] = ()
    if met or rng.random() < 0.3:
        explanations = (("land-rights", LAND_RIGHTS_EXPLANATION),)
    return DemoSubmission(
        company=company,
        year=year,
        accord=rng.choice(ACCORDS),
        risks=risks,
        actions=actions,
        living_wage_gaps=gaps,
        met=met,
        explanations=explanations,
    )


def _with_unaddressed_child_labour(submission: DemoSubmission) -> DemoSubmission:
    ref = f"R{len(submission.risks) + 1}"
    risk = DemoRisk(
        ref=ref,
        theme="child-labour",
        country="BD",
        product="garments",
        tier=2,
        scale=5,
        scope=3,
        irremediability=5,
        likelihood=4,
    )
    return DemoSubmission(
        company=submission.company,
        year=submission.year,
        accord=submission.accord,
        risks=(*submission.risks, risk),
        actions=submission.actions,
        living_wage_gaps=submission.living_wage_gaps,
        met=submission.met,
        explanations=submission.explanations,
    )


def demo_scores(
    framework: Framework, *, membership_year: int, met: bool, seed: int, key: str
) -> tuple[Score, ...]:
    """Scores with reasons for every criterion whose total meets the membership year's
    threshold exactly when `met`."""
    rng = _rng(seed, "scores", key)
    criteria = [c for e in framework.elements for c in e.criteria]
    result = assessment_score(framework, (), membership_year=membership_year)
    threshold = float(result.threshold)
    target = min(1.0, threshold + rng.uniform(0.05, 0.3)) if met else threshold * rng.random()
    points = {
        c.key: max(0, min(c.max_points, round(target * c.max_points + rng.uniform(-1, 1))))
        for c in criteria
    }

    def scored() -> tuple[Score, ...]:
        return tuple(
            Score(
                criterion=c.key,
                points=Decimal(points[c.key]),
                reason=f"{points[c.key]}/{c.max_points}: {rng.choice(REASONS)}",
            )
            for c in criteria
        )

    for _ in range(len(criteria) * 8):
        outcome = assessment_score(framework, scored(), membership_year=membership_year).outcome
        if (outcome == "met") == met:
            break
        if met:
            lowest = min(criteria, key=lambda c: points[c.key] / c.max_points)
            points[lowest.key] = min(lowest.max_points, points[lowest.key] + 1)
        else:
            highest = max(criteria, key=lambda c: points[c.key] / c.max_points)
            points[highest.key] = max(0, points[highest.key] - 1)
    return scored()
