"""The review queue: decisions link rows, and are remembered so nobody is asked twice."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.web.suppliers.models import (
    Facility,
    MatchDecision,
    MatchReview,
    ReviewStatus,
    RowOutcome,
    SupplierList,
    Verdict,
)
from imvo.web.suppliers.selectors import (
    match_decisions,
    review_counts,
    review_list,
    supplier_list_summary,
)
from imvo.web.suppliers.services import review_decide, supplier_list_import
from web.suppliers.cast import StandInMatcher, csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Address", "Country"]
DOUBTFUL = "Dhaka Knit Wear"


@pytest.fixture
def registry(cast: Any) -> tuple[Facility, Facility]:
    """Two Bangladeshi facilities reported by Zeeman."""
    data = csv_bytes(
        [
            HEADER,
            ["Dhaka Knitwear Ltd.", "Plot 12, Road 7", "BD"],
            ["Dhaka Knit Fashions", "Road 9", "BD"],
        ]
    )
    supplier_list_import(
        company=cast.zeeman, year=2018, data=data, filename="z.csv", matcher=StandInMatcher()
    )
    first, second = Facility.objects.order_by("serial")
    return first, second


def doubtful_list(
    cast: Any, *, matcher: StandInMatcher | None = None, year: int = 2018
) -> SupplierList:
    """HEMA's list with one row (and a repeat of it) the matcher is unsure about."""
    data = csv_bytes(
        [HEADER, [DOUBTFUL, "Plot 12, Tejgaon", "BD"], [DOUBTFUL, "Plot 12 Tejgaon", "BD"]]
    )
    return supplier_list_import(
        company=cast.hema,
        year=year,
        data=data,
        filename="h.csv",
        matcher=matcher or StandInMatcher(review_names=[DOUBTFUL]),
    )


def open_review() -> MatchReview:
    return MatchReview.objects.get(status=ReviewStatus.OPEN)


def assert_counts_add_up(supplier_list: SupplierList) -> None:
    summary = supplier_list_summary(supplier_list)
    assert summary["rows"] == summary["accepted"] + summary["rejected"]
    assert summary["accepted"] == (
        summary["duplicates"] + summary["matched"] + summary["new"] + summary["review"]
    )


def test_review_list_shows_the_row_and_its_candidates_best_first(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    doubtful_list(cast)
    (item,) = review_list()
    assert item["kind"] == "row"
    assert item["subject"]["name"] == DOUBTFUL
    assert item["subject"]["company"] == "hema"
    probabilities = [candidate["probability"] for candidate in item["candidates"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert [c["facility_id"] for c in item["candidates"]] == [f.facility_id for f in registry]
    assert review_counts()["open"] == 1


def test_confirm_links_the_row_and_its_repeats_and_remembers_the_decision(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    supplier_list = doubtful_list(cast)
    decided = review_decide(review=open_review(), verdict="confirm")
    assert decided.status == ReviewStatus.CONFIRMED
    assert decided.decided_at is not None
    row, repeat = supplier_list.rows.order_by("number")
    assert (row.outcome, row.facility, row.method) == (
        RowOutcome.MATCHED,
        registry[0],
        "secretariat",
    )
    assert repeat.outcome == RowOutcome.DUPLICATE
    assert repeat.facility == registry[0]
    assert registry[0].aliases.filter(name=DOUBTFUL).exists()
    supplier_list.refresh_from_db()
    assert (supplier_list.matched_count, supplier_list.review_count) == (1, 0)
    assert_counts_add_up(supplier_list)
    decision = MatchDecision.objects.get()
    assert (decision.facility, decision.verdict) == (registry[0], Verdict.CONFIRMED)


def test_a_confirmed_row_is_not_asked_about_again_next_year(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    doubtful_list(cast)
    review_decide(review=open_review(), verdict="confirm", facility=registry[1])
    matcher = StandInMatcher(review_names=[DOUBTFUL])
    next_year = doubtful_list(cast, matcher=matcher, year=2019)
    assert matcher.calls[0][2].confirmed  # the decision reached the matcher
    row = next_year.rows.get(number=2)
    assert (row.outcome, row.facility, row.method) == (
        RowOutcome.MATCHED,
        registry[1],
        "remembered",
    )
    assert not MatchReview.objects.filter(status=ReviewStatus.OPEN).exists()


def test_reject_moves_on_to_the_next_candidate(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    supplier_list = doubtful_list(cast)
    review = review_decide(review=open_review(), verdict="reject")
    assert review.status == ReviewStatus.OPEN
    assert [c["facility_id"] for c in review.candidates] == [registry[1].facility_id]
    assert supplier_list.rows.get(number=2).outcome == RowOutcome.REVIEW
    key = MatchDecision.objects.get().record_key
    assert (key, registry[0].facility_id) in match_decisions().rejected


def test_rejecting_the_last_candidate_registers_a_new_facility(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    supplier_list = doubtful_list(cast)
    review_decide(review=open_review(), verdict="reject")
    review = review_decide(review=open_review(), verdict="reject")
    assert review.status == ReviewStatus.REJECTED
    row, repeat = supplier_list.rows.order_by("number")
    assert row.outcome == RowOutcome.NEW
    assert row.facility not in registry
    assert row.facility is not None
    assert row.facility.name == DOUBTFUL
    assert repeat.facility == row.facility
    supplier_list.refresh_from_db()
    assert (supplier_list.new_count, supplier_list.review_count) == (1, 0)
    assert_counts_add_up(supplier_list)


def test_a_rejected_pair_is_never_proposed_again(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    doubtful_list(cast)
    review_decide(review=open_review(), verdict="reject")
    matcher = StandInMatcher(review_names=[DOUBTFUL])
    doubtful_list(cast, matcher=matcher, year=2019)
    again = MatchReview.objects.filter(status=ReviewStatus.OPEN).order_by("-pk").first()
    assert again is not None
    assert registry[0].facility_id not in [c["facility_id"] for c in again.candidates]


def test_new_rules_out_every_candidate_and_registers_a_facility(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    supplier_list = doubtful_list(cast)
    review = review_decide(review=open_review(), verdict="new")
    assert review.status == ReviewStatus.NEW
    assert set(MatchDecision.objects.values_list("facility", "verdict")) == {
        (registry[0].pk, Verdict.REJECTED),
        (registry[1].pk, Verdict.REJECTED),
    }
    assert Facility.objects.count() == 3
    assert_counts_add_up(supplier_list)


def test_a_review_is_decided_once(cast: Any, registry: tuple[Facility, Facility]) -> None:
    doubtful_list(cast)
    review = open_review()
    review_decide(review=review, verdict="confirm")
    with pytest.raises(ImvoError, match="already decided"):
        review_decide(review=review, verdict="reject")


def test_unknown_verdict_is_refused(cast: Any, registry: tuple[Facility, Facility]) -> None:
    doubtful_list(cast)
    with pytest.raises(ImvoError, match="verdict 'maybe'") as caught:
        review_decide(review=open_review(), verdict="maybe")
    assert caught.value.field == "verdict"


def test_confirm_follows_a_candidate_merged_in_the_meantime(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    from imvo.web.suppliers.services import facility_merge

    supplier_list = doubtful_list(cast)
    facility_merge(source=registry[0], target=registry[1])
    review_decide(review=open_review(), verdict="confirm")
    assert supplier_list.rows.get(number=2).facility == registry[1]


def test_decisions_are_recorded_with_who_made_them(
    cast: Any, registry: tuple[Facility, Facility], django_user_model: Any
) -> None:
    secretary = django_user_model.objects.create_user(username="sec@ser.nl", password="x")
    doubtful_list(cast)
    review = review_decide(review=open_review(), verdict="confirm", user=secretary)
    assert review.decided_by == secretary
    assert MatchDecision.objects.get().decided_by == secretary


def test_a_new_version_of_the_list_supersedes_the_open_reviews_of_the_old(
    cast: Any, registry: tuple[Facility, Facility]
) -> None:
    doubtful_list(cast)
    earlier = open_review()
    other_year = doubtful_list(cast, year=2017)
    corrected = doubtful_list(cast)
    assert corrected.version == 2
    earlier.refresh_from_db()
    assert earlier.status == ReviewStatus.SUPERSEDED
    still_open = MatchReview.objects.filter(status=ReviewStatus.OPEN)
    assert {review.row.supplier_list for review in still_open if review.row} == {
        other_year,
        corrected,
    }
    with pytest.raises(ImvoError, match="already decided"):
        review_decide(review=earlier, verdict="confirm")
