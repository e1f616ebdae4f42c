"""Risk priority: severity (the highest of scale, scope, irremediability) first, likelihood
second, as the OECD guidance asks; ties share a rank."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.diligence.priority import (
    PRIORITY_FORMULA,
    RiskScores,
    rank_of,
    risk_priority,
    risks_ranked,
)
from imvo.core.errors import ImvoError

score = st.integers(min_value=1, max_value=5)
risk = st.builds(RiskScores, scale=score, scope=score, irremediability=score, likelihood=score)


def test_severity_is_the_highest_of_scale_scope_and_irremediability() -> None:
    found = risk_priority(RiskScores(scale=1, scope=2, irremediability=5, likelihood=1))
    assert (found.severity, found.likelihood, found.level) == (5, 1, "high")


def test_a_severe_unlikely_risk_ranks_above_a_likely_mild_one() -> None:
    ranked = risks_ranked(
        [
            ("likely-mild", RiskScores(scale=2, scope=2, irremediability=2, likelihood=5)),
            ("unlikely-severe", RiskScores(scale=4, scope=1, irremediability=1, likelihood=1)),
        ]
    )
    assert [r.key for r in ranked] == ["unlikely-severe", "likely-mild"]


def test_likelihood_breaks_ties_of_severity_and_equal_risks_share_a_rank() -> None:
    ranked = risks_ranked(
        [
            ("a", RiskScores(scale=3, scope=1, irremediability=1, likelihood=2)),
            ("b", RiskScores(scale=1, scope=3, irremediability=1, likelihood=4)),
            ("c", RiskScores(scale=3, scope=3, irremediability=3, likelihood=2)),
            ("d", RiskScores(scale=1, scope=1, irremediability=1, likelihood=1)),
        ]
    )
    assert [(r.key, r.rank) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


@pytest.mark.parametrize(
    ("severity_scores", "likelihood", "level"),
    [
        ((5, 1, 1), 1, "high"),
        ((4, 1, 1), 3, "high"),
        ((4, 1, 1), 2, "medium"),
        ((3, 3, 3), 5, "medium"),
        ((2, 2, 2), 5, "low"),
    ],
)
def test_levels_follow_the_documented_formula(
    severity_scores: tuple[int, int, int], likelihood: int, level: str
) -> None:
    scale, scope, irremediability = severity_scores
    found = risk_priority(RiskScores(scale, scope, irremediability, likelihood))
    assert found.level == level
    assert "max(scale, scope, irremediability)" in PRIORITY_FORMULA


@pytest.mark.parametrize("field", ["scale", "scope", "irremediability", "likelihood"])
@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "3", True, None])
def test_a_score_outside_one_to_five_is_an_error_naming_its_field(field: str, bad: object) -> None:
    values: dict[str, object] = {"scale": 3, "scope": 3, "irremediability": 3, "likelihood": 3}
    values[field] = bad
    with pytest.raises(ImvoError) as error:
        RiskScores(**values)  # type: ignore[arg-type]
    assert error.value.field == field


@given(st.lists(risk, min_size=1, max_size=12), st.data())
def test_raising_severity_never_lowers_a_risks_rank(
    risks: list[RiskScores], data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(risks) - 1))
    field = data.draw(st.sampled_from(["scale", "scope", "irremediability"]))
    before = rank_of(risks_ranked(enumerate(risks)), index)
    raised = list(risks)
    old = risks[index]
    values = {
        "scale": old.scale,
        "scope": old.scope,
        "irremediability": old.irremediability,
        "likelihood": old.likelihood,
    }
    values[field] = data.draw(st.integers(min_value=values[field], max_value=5))
    raised[index] = RiskScores(**values)
    after = rank_of(risks_ranked(enumerate(raised)), index)
    assert after <= before


@given(st.lists(risk, max_size=12))
def test_ranking_is_ordered_and_keeps_every_risk(risks: list[RiskScores]) -> None:
    ranked = risks_ranked(enumerate(risks))
    assert sorted(r.key for r in ranked) == list(range(len(risks)))
    keys = [r.priority.key for r in ranked]
    assert keys == sorted(keys, reverse=True)
    assert all(a.rank <= b.rank for a, b in itertools.pairwise(ranked))
    assert not ranked or ranked[0].rank == 1
