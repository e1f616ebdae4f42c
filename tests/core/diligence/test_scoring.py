"""Assessment scoring: weights, the membership-year thresholds (20/40/60%), a reason for every
score, points within 0..max."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.diligence.scoring import (
    TEXTILE_FRAMEWORK,
    Criterion,
    Element,
    Framework,
    Score,
    assessment_score,
    framework_check,
    membership_year,
    score_check,
    threshold_for,
)
from imvo.core.errors import ImvoError

CRITERIA = {c.key: c for e in TEXTILE_FRAMEWORK.elements for c in e.criteria}


def all_scored(points: int) -> list[Score]:
    return [Score(key, Decimal(points), "reason") for key in CRITERIA]


def test_the_textile_framework_weighs_goals_and_actions_forty_percent() -> None:
    framework_check(TEXTILE_FRAMEWORK)
    weights = {e.key: e.weight for e in TEXTILE_FRAMEWORK.elements}
    assert len(weights) == 5
    assert weights["goals-actions"] == Decimal("0.40")
    assert sum(weights.values()) == 1


@pytest.mark.parametrize(
    ("year", "threshold"), [(1, "0.20"), (2, "0.40"), (3, "0.60"), (7, "0.60")]
)
def test_thresholds_rise_with_the_membership_year(year: int, threshold: str) -> None:
    assert threshold_for(TEXTILE_FRAMEWORK, year) == Decimal(threshold)


def test_membership_year_counts_from_the_first_full_year() -> None:
    assert membership_year(joined_year=2016, year=2017) == 1
    assert membership_year(joined_year=2016, year=2019) == 3
    assert membership_year(joined_year=2018, year=2018) == 1


def test_half_the_points_meets_year_two_but_not_year_three() -> None:
    scores = all_scored(2)  # every criterion 2 of 4
    assert assessment_score(TEXTILE_FRAMEWORK, scores, membership_year=2).outcome == "met"
    result = assessment_score(TEXTILE_FRAMEWORK, scores, membership_year=3)
    assert (result.total, result.outcome) == (Decimal("0.5"), "not-met")


def test_goals_and_actions_alone_give_forty_percent() -> None:
    scores = [
        Score(key, Decimal(CRITERIA[key].max_points), "full marks")
        for key in CRITERIA
        if key.startswith("goals-actions")
    ] + [Score(key, Decimal(0), "nothing") for key in CRITERIA if not key.startswith("goals-")]
    result = assessment_score(TEXTILE_FRAMEWORK, scores, membership_year=2)
    assert result.total == Decimal("0.4")
    assert result.outcome == "met"


def test_an_unscored_criterion_leaves_the_outcome_incomplete() -> None:
    scores = all_scored(4)[1:]
    result = assessment_score(TEXTILE_FRAMEWORK, scores, membership_year=1)
    assert result.outcome == "incomplete"
    assert result.unscored == ("policy-commitment",)


@pytest.mark.parametrize("points", [-1, 5, "NaN", "a lot", float("inf")])
def test_points_outside_zero_to_max_are_an_error_naming_the_criterion(points: object) -> None:
    with pytest.raises(ImvoError) as error:
        score_check(CRITERIA["policy-commitment"], points, "a reason")  # type: ignore[arg-type]
    assert "policy-commitment" in error.value.message
    assert error.value.field == "points"


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_score_needs_a_reason(reason: str) -> None:
    with pytest.raises(ImvoError) as error:
        score_check(CRITERIA["policy-commitment"], 3, reason)
    assert error.value.field == "reason"
    assert "policy-commitment" in error.value.message


def test_a_score_for_an_unknown_criterion_is_refused() -> None:
    with pytest.raises(ImvoError, match="no-such"):
        assessment_score(TEXTILE_FRAMEWORK, [Score("no-such", Decimal(1), "x")], membership_year=1)


def test_a_framework_whose_weights_do_not_add_up_is_refused() -> None:
    element = Element("a", "A", Decimal("0.5"), (Criterion("a-1", "x", 4),))
    with pytest.raises(ImvoError, match="add up"):
        framework_check(Framework(elements=(element,), thresholds=(Decimal("0.2"),)))


@given(st.lists(st.integers(min_value=0, max_value=4), min_size=10, max_size=10), st.data())
def test_more_points_never_lower_the_total(points: list[int], data: st.DataObject) -> None:
    keys = list(CRITERIA)
    index = data.draw(st.integers(min_value=0, max_value=len(keys) - 1))
    before = [Score(k, Decimal(p), "r") for k, p in zip(keys, points, strict=True)]
    raised = list(points)
    raised[index] = data.draw(st.integers(min_value=points[index], max_value=4))
    after = [Score(k, Decimal(p), "r") for k, p in zip(keys, raised, strict=True)]
    total_before = assessment_score(TEXTILE_FRAMEWORK, before, membership_year=1).total
    total_after = assessment_score(TEXTILE_FRAMEWORK, after, membership_year=1).total
    assert total_after >= total_before
    assert 0 <= total_after <= 1
