"""`imvo load demo` includes submissions and assessments of the textile covenant for 2017-2019,
shaped to the published outcomes, with a red flag to show."""

from __future__ import annotations

from collections import Counter

import pytest

from imvo.web.diligence import selectors
from imvo.web.diligence.models import Assessment, Submission
from imvo.web.registry.services import demo_load, reference_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def outcomes() -> dict[int, Counter[str]]:
    found: dict[int, Counter[str]] = {}
    for year, outcome in Assessment.objects.values_list("submission__year", "outcome"):
        found.setdefault(year, Counter())[outcome] += 1
    return found


def test_the_demo_has_assessed_submissions_for_2017_to_2019_shaped_to_the_facts() -> None:
    reference_load()
    summary = demo_load()
    assert summary["submissions"] == Submission.objects.filter(synthetic=True).count() > 0
    by_year = outcomes()
    assert sorted(by_year) == [2017, 2018, 2019]
    assert all(set(counts) <= {"met", "not-met"} for counts in by_year.values())
    met_2018 = by_year[2018]["met"] / sum(by_year[2018].values())
    met_2019 = by_year[2019]["met"] / sum(by_year[2019].values())
    assert 0.04 <= met_2018 <= 0.12  # 5 of about 60
    assert 0.58 <= met_2019 <= 0.68  # 36 of 57
    assert not Submission.objects.filter(synthetic=True, company__synthetic=False).exists()
    distribution = selectors.outcome_distribution(covenant="textile")
    assert [row["year"] for row in distribution] == [2017, 2018, 2019]


def test_a_demo_assessment_shows_the_unaddressed_child_labour_risk(client: object) -> None:
    reference_load()
    demo_load()
    flagged = [
        a
        for a in Assessment.objects.filter(synthetic=True)
        if any(
            f["kind"] == "high-priority-without-action" and f["theme"] == "child-labour"
            for f in a.red_flags
        )
    ]
    assert flagged
    response = client.get(f"/api/v1/assessments/{flagged[0].pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 401  # the public sees aggregates only
    detail = selectors.assessment_detail(flagged[0])
    assert any(
        f["kind"] == "high-priority-without-action" and f["theme"] == "child-labour"
        for f in detail["red_flags"]
    )


def test_loading_the_demo_twice_gives_the_same_submissions_and_scores() -> None:
    reference_load()

    def snapshot() -> list[tuple[object, ...]]:
        return sorted(
            Assessment.objects.values_list(
                "submission__company__slug", "submission__year", "total", "outcome"
            )
        )

    demo_load()
    first = snapshot()
    demo_load()
    assert snapshot() == first
