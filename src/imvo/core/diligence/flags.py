"""Red flags on a submission: what an assessor should not miss (issue 4, part 4).

- a high-priority risk without an action addressing it;
- a core theme (child labour, gender, living wage, freedom of association, land rights) absent
  from the risk analysis without an explanation;
- a risk the reference check flags for the company's countries and products, absent from the
  analysis without an explanation;
- no living-wage gap shown for any production location.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from imvo.core.diligence.priority import Level

CORE_THEMES = ("child-labour", "gender", "living-wage", "freedom-of-association", "land-rights")

FlagKind = Literal[
    "high-priority-without-action",
    "core-theme-absent",
    "reference-risk-absent",
    "no-living-wage-gap",
]
FLAG_KINDS: tuple[FlagKind, ...] = (
    "high-priority-without-action",
    "core-theme-absent",
    "reference-risk-absent",
    "no-living-wage-gap",
)


@dataclass(frozen=True)
class AnalysedRisk:
    """A row of the risk analysis as the flags need it."""

    risk_id: int
    theme: str
    country: str  # ISO code; "" when the row is not about one country
    level: Level
    has_action: bool


@dataclass(frozen=True)
class FlaggedReference:
    """A risk the reference check flags (severity hint high) for a country."""

    theme: str
    country: str
    source: str


@dataclass(frozen=True)
class Explanation:
    """Why a theme (for every country when `country` is "") is absent from the analysis."""

    theme: str
    country: str = ""


@dataclass(frozen=True)
class RedFlag:
    kind: FlagKind
    message: str
    theme: str | None = None
    country: str | None = None
    risk_id: int | None = None


def red_flags(
    *,
    risks: Sequence[AnalysedRisk],
    explanations: Iterable[Explanation] = (),
    reference: Iterable[FlaggedReference] = (),
    living_wage_gaps: int,
    core_themes: Collection[str] = CORE_THEMES,
) -> tuple[RedFlag, ...]:
    """The red flags of one submission, in the order of `FLAG_KINDS`."""
    explained = {(e.theme, e.country) for e in explanations}
    analysed_themes = {risk.theme for risk in risks}
    analysed_pairs = {(risk.theme, risk.country) for risk in risks}
    flags = [
        RedFlag(
            kind="high-priority-without-action",
            message=f"high-priority risk ({risk.theme}"
            + (f", {risk.country}" if risk.country else "")
            + ") has no action",
            theme=risk.theme,
            country=risk.country or None,
            risk_id=risk.risk_id,
        )
        for risk in risks
        if risk.level == "high" and not risk.has_action
    ]
    flags += [
        RedFlag(
            kind="core-theme-absent",
            message=f"core theme {theme} is absent from the risk analysis without an explanation",
            theme=theme,
        )
        for theme in core_themes
        if theme not in analysed_themes and (theme, "") not in explained
    ]
    seen: set[tuple[str, str]] = set()
    for item in reference:
        pair = (item.theme, item.country)
        if pair in seen:
            continue
        seen.add(pair)
        if pair in analysed_pairs or pair in explained or (item.theme, "") in explained:
            continue
        flags.append(
            RedFlag(
                kind="reference-risk-absent",
                message=f"{item.theme} is flagged for {item.country} ({item.source}) but is "
                "absent from your analysis",
                theme=item.theme,
                country=item.country,
            )
        )
    if living_wage_gaps == 0:
        flags.append(
            RedFlag(
                kind="no-living-wage-gap",
                message="no living-wage gap is shown for any production location",
                theme="living-wage",
            )
        )
    return tuple(flags)


def flag_counts_by_theme(flags: Iterable[RedFlag]) -> dict[str, int]:
    """How many flags name each theme (flags without a theme are left out)."""
    counts: dict[str, int] = {}
    for flag in flags:
        if flag.theme:
            counts[flag.theme] = counts.get(flag.theme, 0) + 1
    return dict(sorted(counts.items()))
