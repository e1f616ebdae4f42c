"""SMART targets: from a baseline (nulmeting) to a target value by a deadline.

A target runs in a straight line, the trajectory, from its baseline value on the day of the
baseline measurement (the nulmeting) to its target value on the deadline. The textile covenant,
for instance, aimed to cover at least 50% of the Dutch market turnover by 2018-12-31, from
about 34% on 2016-07-04. A target may also go down (fewer incidents, less water used); then
"reaching" it means getting at or below the target value.

How a target's status on a day is decided:

- Before the baseline date: **not started**.
- On or after the deadline, the value on the deadline counts: **met** if it reached the target,
  **missed** if not.
- Before the deadline, the value on the day counts:
  - **met** if it already reached the target;
  - **on track** if it is at or beyond the trajectory's value on that day (the expected value);
  - **at risk** if, at the pace since the baseline, the target would be reached no later than
    a quarter of the target's duration after the deadline, or if the progress made is at least
    75% of the progress expected by now;
  - **off track** otherwise.
- **Unknown** when there is no value for the day that counts.

The pace is the progress since the baseline divided by the days since the baseline; the
projected date is when that pace reaches the target (none when the pace is zero or backwards,
or the date lies beyond the calendar).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from imvo.core.errors import ImvoError

TargetState = Literal["not-started", "on-track", "at-risk", "off-track", "met", "missed", "unknown"]

GRACE_FRACTION = 0.25  # of the target's duration, after the deadline, still "at risk"
PROGRESS_FRACTION = 0.75  # of the expected progress, still "at risk"


@dataclass(frozen=True)
class Target:
    """A SMART target on one metric: from `baseline` on `baseline_on` to `target` by `deadline`."""

    metric: str
    baseline: float  # nulmeting
    baseline_on: date
    target: float
    deadline: date

    def __post_init__(self) -> None:
        if self.deadline <= self.baseline_on:
            raise ImvoError(
                f"the deadline {self.deadline} of the {self.metric} target must come after its "
                f"baseline date {self.baseline_on}",
                field="deadline",
            )
        if not (math.isfinite(self.baseline) and math.isfinite(self.target)):
            raise ImvoError(f"the {self.metric} target needs finite values", field="target")

    @property
    def rising(self) -> bool:
        """Whether the target is reached by going up (a target equal to the baseline counts)."""
        return self.target >= self.baseline

    @property
    def duration(self) -> int:
        """Days from the baseline to the deadline."""
        return (self.deadline - self.baseline_on).days


@dataclass(frozen=True)
class TargetStatus:
    """Where a target stands on a day, by the rules in this module's docstring."""

    state: TargetState
    actual: float | None
    measured_on: date | None  # the date the actual value refers to (the deadline once passed)
    expected: float | None  # the trajectory's value on that date
    projected_on: date | None  # when the target is reached at the current pace, None if never


def expected_on(day: date, target: Target) -> float:
    """The trajectory's value on `day`: linear from baseline to target, constant outside."""
    if day <= target.baseline_on:
        return target.baseline
    if day >= target.deadline:
        return target.target
    fraction = (day - target.baseline_on).days / target.duration
    return target.baseline + (target.target - target.baseline) * fraction


def trajectory(target: Target) -> tuple[tuple[date, float], tuple[date, float]]:
    """The trajectory's two ends: (baseline date, baseline) and (deadline, target)."""
    return (target.baseline_on, target.baseline), (target.deadline, target.target)


def target_status_on(
    day: date, target: Target, actual_on: Callable[[date], float | None]
) -> TargetStatus:
    """The target's status on `day`, given the metric's actual value on any date."""
    if day < target.baseline_on:
        return TargetStatus("not-started", None, None, None, None)
    measured_on = min(day, target.deadline)
    expected = expected_on(measured_on, target)
    actual = actual_on(measured_on)
    if actual is None:
        return TargetStatus("unknown", None, measured_on, expected, None)
    projected = projected_on(measured_on, actual, target)
    state: TargetState
    if _progress(actual, target) >= _progress(target.target, target):
        state = "met"
    elif measured_on >= target.deadline:
        state = "missed"
    elif _progress(actual, target) >= _progress(expected, target):
        state = "on-track"
    elif _at_risk(actual, expected, projected, target):
        state = "at-risk"
    else:
        state = "off-track"
    return TargetStatus(state, actual, measured_on, expected, projected)


def projected_on(day: date, actual: float, target: Target) -> date | None:
    """When the target is reached at the pace from the baseline to `actual` on `day`."""
    days = (day - target.baseline_on).days
    progress = _progress(actual, target)
    if days <= 0 or progress <= 0:
        return None
    pace = progress / days
    if pace <= 0:  # a progress so small that the pace underflows: no projection
        return None
    try:
        return target.baseline_on + timedelta(
            days=math.ceil(_progress(target.target, target) / pace)
        )
    except OverflowError:
        return None


def _progress(value: float, target: Target) -> float:
    """How far `value` has moved from the baseline in the target's direction."""
    return value - target.baseline if target.rising else target.baseline - value


def _at_risk(actual: float, expected: float, projected: date | None, target: Target) -> bool:
    grace = math.ceil(GRACE_FRACTION * target.duration)
    if projected is not None and (projected - target.deadline).days <= grace:
        return True
    return _progress(actual, target) >= PROGRESS_FRACTION * _progress(expected, target)
