"""Which due-diligence themes each covenant covers, and where the core themes are missing.

Members of parliament wanted the core themes (child labour, gender, living wage, freedom of
association, land rights) in every covenant, and disagreed in the 2018 debate with the government
about what some covenant texts said. So each claim about a covenant's coverage of a theme has a
basis: "text" (what the covenant text itself says, from `since`, or from the start) or
"statement" (what someone else said it covers). The matrix shows the text level; statements that
disagree with it on the day are listed as disputes beside it.

Levels, from least to most: none, mentioned, goal, mandatory (with an indicator). Two text
claims for the same covenant, theme and date resolve to the higher level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from imvo.core.errors import ImvoError

CoverageLevel = Literal["none", "mentioned", "goal", "mandatory"]
ClaimBasis = Literal["text", "statement"]

LEVELS: tuple[CoverageLevel, ...] = ("none", "mentioned", "goal", "mandatory")
BASES: tuple[ClaimBasis, ...] = ("text", "statement")


@dataclass(frozen=True)
class ThemeClaim:
    """A claim that `covenant` covers `theme` at `level` from `since` (None: from the start)."""

    covenant: str
    theme: str
    level: CoverageLevel
    since: date | None
    basis: ClaimBasis = "text"
    source: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ImvoError(
                f"unknown coverage level {self.level!r}; expected one of {', '.join(LEVELS)}",
                field="level",
            )
        if self.basis not in BASES:
            raise ImvoError(
                f"unknown claim basis {self.basis!r}; expected one of {', '.join(BASES)}",
                field="basis",
            )


@dataclass(frozen=True)
class ThemeInfo:
    """A theme and whether it is a core theme every covenant should cover."""

    slug: str
    core: bool


@dataclass(frozen=True)
class ThemeGap:
    """A core theme that a covenant does not cover."""

    covenant: str
    theme: str


@dataclass(frozen=True)
class ThemeMatrix:
    """The coverage level of every theme in every covenant, with gaps and disputes."""

    themes: tuple[str, ...]
    covenants: tuple[str, ...]
    levels: Mapping[tuple[str, str], CoverageLevel]  # (covenant, theme) -> level by the text
    gaps: tuple[ThemeGap, ...]  # core themes at level "none", in covenant then theme order
    disputes: tuple[ThemeClaim, ...]  # statements that disagree with the text level on the day


def level_on(day: date, claims: Iterable[ThemeClaim]) -> CoverageLevel:
    """The text level of one covenant's theme on `day`: the latest claim in effect, or "none"."""
    text = [claim for claim in claims if claim.basis == "text"]
    if len({(claim.covenant, claim.theme) for claim in text}) > 1:
        raise ImvoError("level_on takes the claims of one covenant and theme", field="claims")
    latest = _latest(day, text)
    return latest.level if latest else "none"


def theme_matrix(
    day: date,
    covenants: Sequence[str],
    themes: Sequence[ThemeInfo],
    claims: Sequence[ThemeClaim],
) -> ThemeMatrix:
    """The themes each covenant covers on `day`, the core themes missing, and the disputes."""
    by_cell: dict[tuple[str, str], list[ThemeClaim]] = {}
    for claim in claims:
        by_cell.setdefault((claim.covenant, claim.theme), []).append(claim)
    levels: dict[tuple[str, str], CoverageLevel] = {}
    gaps: list[ThemeGap] = []
    disputes: list[ThemeClaim] = []
    for covenant in covenants:
        for theme in themes:
            cell = by_cell.get((covenant, theme.slug), [])
            level = level_on(day, cell)
            levels[(covenant, theme.slug)] = level
            if theme.core and level == "none":
                gaps.append(ThemeGap(covenant=covenant, theme=theme.slug))
            disputes.extend(
                statement
                for statement in _current_statements(day, cell)
                if statement.level != level
            )
    return ThemeMatrix(
        themes=tuple(theme.slug for theme in themes),
        covenants=tuple(covenants),
        levels=levels,
        gaps=tuple(gaps),
        disputes=tuple(disputes),
    )


def _effective(day: date, claim: ThemeClaim) -> bool:
    return claim.since is None or claim.since <= day


def _latest(day: date, claims: Iterable[ThemeClaim]) -> ThemeClaim | None:
    """The claim in effect on `day`: the latest `since`, the higher level on the same date."""
    effective = [claim for claim in claims if _effective(day, claim)]
    return (
        max(effective, key=lambda c: (c.since or date.min, LEVELS.index(c.level)))
        if effective
        else None
    )


def _current_statements(day: date, claims: Iterable[ThemeClaim]) -> list[ThemeClaim]:
    """Per source, the latest statement in effect on `day`, in the order of `since`."""
    by_source: dict[str | None, list[ThemeClaim]] = {}
    for claim in claims:
        if claim.basis == "statement":
            by_source.setdefault(claim.source, []).append(claim)
    current = [
        latest for group in by_source.values() if (latest := _latest(day, group)) is not None
    ]
    return sorted(current, key=lambda c: (c.since or date.min, c.source or ""))
