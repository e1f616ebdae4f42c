"""Risk priority, as the OECD Due Diligence Guidance for Responsible Business Conduct (2018)
asks: severity first, judged by scale, scope and irremediable character; likelihood second.

The formula (shown to users as `PRIORITY_FORMULA`):

- severity = the highest of scale, scope and irremediability (1-5 each). The guidance says an
  impact can be severe on any one of the three; averaging would let a small but irreversible
  harm sink below a widespread reversible one.
- risks are ranked by severity, then by likelihood (1-5); equal pairs share a rank.
- the level is high for severity 5, or severity 4 with likelihood 3 or more; medium for any
  other severity of 3 or more; low otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from imvo.core.errors import ImvoError

Level = Literal["high", "medium", "low"]
LEVELS: tuple[Level, ...] = ("high", "medium", "low")
SCORE_FIELDS = ("scale", "scope", "irremediability", "likelihood")
LOWEST, HIGHEST = 1, 5

PRIORITY_FORMULA = (
    "severity = max(scale, scope, irremediability); risks ranked by severity, then likelihood "
    "(OECD Due Diligence Guidance for Responsible Business Conduct, 2018). High: severity 5, "
    "or severity 4 with likelihood 3 or more; medium: severity 3 or more; low: the rest."
)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RiskScores:
    """A risk as the company judged it, 1 (least) to 5 (most) on each scale."""

    scale: int
    scope: int
    irremediability: int
    likelihood: int

    def __post_init__(self) -> None:
        for name in SCORE_FIELDS:
            score_check(getattr(self, name), field=name)


@dataclass(frozen=True)
class Priority:
    severity: int
    likelihood: int
    level: Level

    @property
    def key(self) -> tuple[int, int]:
        """Sorts higher priority first when used with `reverse=True`."""
        return (self.severity, self.likelihood)


@dataclass(frozen=True)
class RankedRisk(Generic[K]):
    key: K
    priority: Priority
    rank: int  # 1 is the highest priority; ties share a rank ("1, 2, 2, 4")


def score_check(value: object, *, field: str) -> int:
    """`value` as a whole number from 1 to 5, or ImvoError naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
        raise ImvoError(
            f"{field} must be a whole number from {LOWEST} to {HIGHEST}, not {value!r}",
            field=field,
        )
    return value


def severity_of(scores: RiskScores) -> int:
    """Severity: the highest of scale, scope and irremediability."""
    return max(scores.scale, scores.scope, scores.irremediability)


def level_of(severity: int, likelihood: int) -> Level:
    if severity == HIGHEST or (severity == 4 and likelihood >= 3):
        return "high"
    if severity >= 3:
        return "medium"
    return "low"


def risk_priority(scores: RiskScores) -> Priority:
    """The priority of one risk: its severity, likelihood and level."""
    severity = severity_of(scores)
    return Priority(
        severity=severity,
        likelihood=scores.likelihood,
        level=level_of(severity, scores.likelihood),
    )


def risks_ranked(risks: Iterable[tuple[K, RiskScores]]) -> list[RankedRisk[K]]:
    """Risks, highest priority first; equal priorities keep their given order and share a rank."""
    prioritised = [(key, risk_priority(scores)) for key, scores in risks]
    ordered = sorted(prioritised, key=lambda item: item[1].key, reverse=True)  # stable
    ranked: list[RankedRisk[K]] = []
    for position, (key, priority) in enumerate(ordered, start=1):
        tied = ranked and ranked[-1].priority.key == priority.key
        rank = ranked[-1].rank if tied else position
        ranked.append(RankedRisk(key=key, priority=priority, rank=rank))
    return ranked


def rank_of(ranked: Sequence[RankedRisk[K]], key: K) -> int:
    """The rank of the risk named `key`."""
    for risk in ranked:
        if risk.key == key:
            return risk.rank
    raise KeyError(key)
