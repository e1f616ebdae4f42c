"""Submission, risk, action and assessment services: drafts change, submitted ones are locked,
deadlines hold, the secretariat reopens and scores with reasons; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.web.accounts.models import AuditEvent
from imvo.web.diligence import selectors, services
from imvo.web.diligence.models import (
    Assessment,
    CriterionScore,
    RiskItem,
    Submission,
    SubmissionStatus,
)
from web.accounts.people import People
from web.diligence.story import (
    BEFORE_DEADLINE,
    CHILD_LABOUR_BD,
    textile_cycle_2018,
    zeeman_assessment,
    zeeman_draft,
    zeeman_submitted,
)

pytestmark = pytest.mark.django_db


def test_a_company_user_starts_a_draft_for_its_own_company(cast: Any, people: People) -> None:
    submission = services.submission_create(
        actor=people.zeeman_user, company=cast.zeeman, covenant=cast.textile, year=2019
    )
    assert submission.status == SubmissionStatus.DRAFT
    assert AuditEvent.objects.filter(action="created", object_id=str(submission.pk)).exists()


def test_a_company_user_cannot_start_another_companys_submission(cast: Any, people: People) -> None:
    with pytest.raises(ImvoError):
        services.submission_create(
            actor=people.hema_user, company=cast.zeeman, covenant=cast.textile, year=2019
        )
    assert not Submission.objects.exists()


def test_a_company_outside_the_covenant_or_year_cannot_submit(cast: Any) -> None:
    with pytest.raises(ImvoError) as error:
        services.submission_create(
            actor=None, company=cast.zeeman, covenant=cast.banking, year=2018
        )
    assert error.value.field == "covenant"
    with pytest.raises(ImvoError):
        services.submission_create(
            actor=None, company=cast.zeeman, covenant=cast.textile, year=2015
        )


def test_one_submission_per_company_covenant_and_year(cast: Any) -> None:
    zeeman_draft(cast)
    with pytest.raises(ImvoError) as error:
        services.submission_create(
            actor=None, company=cast.zeeman, covenant=cast.textile, year=2018
        )
    assert error.value.field == "year"


def test_risks_are_ranked_with_the_formula_shown(cast: Any) -> None:
    detail = selectors.submission_detail(zeeman_draft(cast))
    assert [(r["rank"], r["theme"], r["severity"], r["priority"]) for r in detail["risks"]] == [
        (1, "child-labour", 5, "high"),
        (2, "living-wage", 3, "medium"),
    ]
    assert detail["risks"][0]["country"] == "BD"
    assert "severity = max(scale, scope, irremediability)" in detail["priority_formula"]


def test_a_submitted_submission_is_locked_for_every_change(cast: Any) -> None:
    submission = zeeman_submitted(cast)
    risk = submission.risks.first()
    action = submission.actions.first()
    assert risk is not None and action is not None
    attempts = [
        lambda: services.risk_item_create(
            actor=None, submission=submission, fields=CHILD_LABOUR_BD
        ),
        lambda: services.risk_item_update(actor=None, risk=risk, fields=CHILD_LABOUR_BD),
        lambda: services.risk_item_delete(actor=None, risk=risk),
        lambda: services.action_delete(actor=None, action=action),
        lambda: services.submission_update(actor=None, submission=submission, accord="signed"),
        lambda: services.living_wage_gap_create(
            actor=None, submission=submission, gap_percent=10, location="x"
        ),
        lambda: services.theme_explanation_set(
            actor=None, submission=submission, theme="gender", explanation="x"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ImvoError, match="locked"):
            attempt()
    assert submission.risks.count() == 2
    assert Submission.objects.get(pk=submission.pk).accord == "unknown"


def test_submitting_after_the_deadline_is_refused_and_changes_nothing(cast: Any) -> None:
    textile_cycle_2018(cast)
    submission = zeeman_draft(cast)
    with pytest.raises(ImvoError) as error:
        services.submission_submit(
            actor=None, submission=submission, now=datetime(2018, 7, 2, tzinfo=UTC)
        )
    assert error.value.field == "deadline"
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


def test_the_secretariat_reopens_and_the_company_may_hand_in_again_after_the_deadline(
    cast: Any, people: People
) -> None:
    textile_cycle_2018(cast)
    submission = zeeman_submitted(cast)
    with pytest.raises(ImvoError):
        services.submission_reopen(actor=people.zeeman_user, submission=submission)
    with pytest.raises(ImvoError):
        services.submission_reopen(actor=people.banking_secretariat, submission=submission)
    services.submission_reopen(actor=people.textile_secretariat, submission=submission)
    assert submission.status == SubmissionStatus.REOPENED
    services.risk_item_create(
        actor=people.zeeman_user, submission=submission, fields=CHILD_LABOUR_BD
    )
    services.submission_submit(
        actor=people.zeeman_user, submission=submission, now=datetime(2018, 9, 1, tzinfo=UTC)
    )
    assert submission.status == SubmissionStatus.SUBMITTED
    actions = list(
        AuditEvent.objects.filter(object_id=str(submission.pk), object_type="diligence.submission")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["submitted", "reopened", "submitted"]


def test_the_secretariat_does_not_write_a_companys_submission(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    with pytest.raises(ImvoError):
        services.risk_item_create(
            actor=people.textile_secretariat, submission=submission, fields=CHILD_LABOUR_BD
        )
    with pytest.raises(ImvoError):
        services.risk_item_create(
            actor=people.hema_user, submission=submission, fields=CHILD_LABOUR_BD
        )
    assert submission.risks.count() == 2


def test_an_action_may_only_address_risks_of_its_own_submission(cast: Any) -> None:
    zeeman = zeeman_draft(cast)
    hema = services.submission_create(
        actor=None, company=cast.hema, covenant=cast.textile, year=2018
    )
    foreign = services.risk_item_create(actor=None, submission=hema, fields=CHILD_LABOUR_BD)
    with pytest.raises(ImvoError) as error:
        services.action_create(
            actor=None,
            submission=zeeman,
            fields=services.ActionFields(what="Audit", risk_ids=(foreign.pk,)),
        )
    assert error.value.field == "risks"
    assert zeeman.actions.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scale": 6}, "scale"),
        ({"likelihood": 0}, "likelihood"),
        ({"theme": "tea"}, "theme"),
        ({"country": "Atlantis"}, "country"),
        ({"tier": 12}, "tier"),
    ],
)
def test_a_bad_risk_row_is_refused_naming_its_field(
    cast: Any, change: dict[str, Any], field: str | None
) -> None:
    submission = zeeman_draft(cast)
    values = {**CHILD_LABOUR_BD.__dict__, **change}
    with pytest.raises(ImvoError) as error:
        services.risk_item_create(
            actor=None, submission=submission, fields=services.RiskFields(**values)
        )
    if field:
        assert error.value.field == field
    assert RiskItem.objects.filter(submission=submission).count() == 2


def test_an_assessment_needs_a_submitted_submission(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    with pytest.raises(ImvoError, match="submitted"):
        services.assessment_create(actor=people.textile_secretariat, submission=submission)


def test_every_score_needs_a_reason_and_points_within_range_else_nothing_changes(
    cast: Any, people: People
) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    secretariat = people.textile_secretariat
    good = ("policy-commitment", 3, "Published policy")
    with pytest.raises(ImvoError) as error:
        services.assessment_score(
            actor=secretariat,
            assessment=assessment,
            scores=[good, ("goals-actions-smart", 5, "Too generous")],
        )
    assert "goals-actions-smart" in error.value.message
    with pytest.raises(ImvoError) as error:
        services.assessment_score(
            actor=secretariat, assessment=assessment, scores=[("policy-embedding", 2, " ")]
        )
    assert error.value.field == "reason"
    assert not CriterionScore.objects.exists()
    with pytest.raises(ImvoError):
        services.assessment_score(actor=people.zeeman_user, assessment=assessment, scores=[good])
    services.assessment_score(actor=secretariat, assessment=assessment, scores=[good])
    assert CriterionScore.objects.get().reason == "Published policy"


def test_the_outcome_follows_the_membership_year_threshold(cast: Any) -> None:
    assessment = zeeman_assessment(cast)  # joined 2016, assessed for 2018: year 2, 40%
    assert assessment.membership_year == 2
    assert assessment.threshold == Decimal("0.4")
    assert assessment.total == Decimal("0.75")
    assert assessment.outcome == "met"


def test_an_incomplete_assessment_cannot_be_published(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    with pytest.raises(ImvoError, match="score every criterion"):
        services.assessment_publish(actor=people.textile_secretariat, assessment=assessment)
    assert Assessment.objects.get().published_at is None


def test_a_published_assessment_keeps_its_red_flags_and_scores(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast)
    kinds = [flag["kind"] for flag in assessment.red_flags]
    assert "core-theme-absent" in kinds
    with pytest.raises(ImvoError, match="published"):
        services.assessment_score(
            actor=people.textile_secretariat,
            assessment=assessment,
            scores=[("policy-commitment", 0, "changed my mind")],
        )


def test_red_flags_name_a_high_priority_risk_without_action(cast: Any) -> None:
    submission = zeeman_draft(cast)
    unaddressed = services.risk_item_create(
        actor=None,
        submission=submission,
        fields=services.RiskFields(
            theme="child-labour", country="IN", scale=5, scope=5, irremediability=5, likelihood=5
        ),
    )
    flags = selectors.submission_red_flags(submission)
    high = [f for f in flags if f.kind == "high-priority-without-action"]
    assert [(f.theme, f.country, f.risk_id) for f in high] == [
        ("child-labour", "IN", unaddressed.pk)
    ]
    # The reference check flags freedom of association in Bangladesh and India: not analysed.
    reference = {(f.theme, f.country) for f in flags if f.kind == "reference-risk-absent"}
    assert ("freedom-of-association", "BD") in reference
    assert ("child-labour", "BD") not in reference
    services.theme_explanation_set(
        actor=None,
        submission=submission,
        theme="freedom-of-association",
        explanation="Covered by the Accord's union work.",
    )
    after = {(f.kind, f.theme) for f in selectors.submission_red_flags(submission)}
    assert ("reference-risk-absent", "freedom-of-association") not in after
    assert ("core-theme-absent", "freedom-of-association") not in after


def test_submissions_and_assessments_are_visible_by_role(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast, published=False)
    submission = assessment.submission
    assert list(selectors.submissions_visible_to(people.zeeman_user)) == [submission]
    assert list(selectors.submissions_visible_to(people.hema_user)) == []
    assert list(selectors.submissions_visible_to(people.fnv_observer)) == []
    assert list(selectors.assessments_visible_to(people.textile_secretariat)) == [assessment]
    assert list(selectors.assessments_visible_to(people.banking_secretariat)) == []
    assert list(selectors.assessments_visible_to(people.zeeman_user)) == []  # not yet published
    services.assessment_publish(actor=people.textile_secretariat, assessment=assessment)
    assert list(selectors.assessments_visible_to(people.zeeman_user)) == [assessment]
    assert list(selectors.assessments_visible_to(people.hema_user)) == []


def test_submitting_twice_changes_nothing(cast: Any) -> None:
    submission = zeeman_submitted(cast)
    first = submission.submitted_at
    services.submission_submit(
        actor=None, submission=submission, now=BEFORE_DEADLINE.replace(day=20)
    )
    assert Submission.objects.get(pk=submission.pk).submitted_at == first
