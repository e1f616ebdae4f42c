"""The due-diligence pages for each role: a company's own submissions only (another company's
are 404), the ranked analysis with its formula, locking and the deadline, the template upload
that writes nothing on a broken row, criterion scoring with inline errors, the company's
published assessment, and the public framework with aggregates only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imvo.core.diligence.priority import PRIORITY_FORMULA
from imvo.core.diligence.templates import TemplateRisk, template_write
from imvo.web.diligence.models import CriterionScore, SubmissionStatus
from web.accounts.people import People
from web.diligence.story import (
    textile_cycle_2018,
    zeeman_assessment,
    zeeman_draft,
    zeeman_submitted,
)

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_company_user_lists_only_its_own_submissions(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    own = logged_in(people.zeeman_user).get("/diligence/")
    other = logged_in(people.hema_user).get("/diligence/")
    assert f'data-submission="{submission.pk}"' in own.content.decode()
    assert f'data-submission="{submission.pk}"' not in other.content.decode()


def test_another_companys_submission_is_missing(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    hema = logged_in(people.hema_user)
    assert hema.get(f"/diligence/submissions/{submission.pk}/").status_code == 404
    response = hema.post(
        f"/diligence/submissions/{submission.pk}/gaps/",
        {"location": "Factory B", "gap_percent": "10"},
    )
    assert response.status_code == 404
    assert submission.living_wage_gaps.count() == 1


def test_the_submission_page_ranks_risks_and_shows_the_formula(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    page = logged_in(people.zeeman_user).get(f"/diligence/submissions/{submission.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert PRIORITY_FORMULA in html
    child, wage = html.index('data-theme="child-labour"'), html.index('data-theme="living-wage"')
    assert child < wage  # severity 5 ranks above severity 3
    assert 'data-flag="high-priority-without-action"' not in html  # the child-labour risk has one
    assert 'data-flag="core-theme-absent"' in html


def test_a_company_user_adds_a_risk_and_an_action_linked_to_it(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    client = logged_in(people.zeeman_user)
    response = client.post(
        f"/diligence/submissions/{submission.pk}/risks/",
        {
            "theme": "gender",
            "country": "BD",
            "scale": "4",
            "scope": "3",
            "irremediability": "2",
            "likelihood": "3",
        },
    )
    assert response.status_code == 302
    risk = submission.risks.get(theme__slug="gender")
    response = client.post(
        f"/diligence/submissions/{submission.pk}/actions/",
        {"what": "Training on harassment", "risks": [str(risk.pk)]},
    )
    assert response.status_code == 302
    assert list(submission.actions.get(what="Training on harassment").risks.all()) == [risk]


def test_a_risk_score_out_of_range_is_a_form_error(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    response = logged_in(people.zeeman_user).post(
        f"/diligence/submissions/{submission.pk}/risks/",
        {"theme": "gender", "scale": "7", "scope": "3", "irremediability": "2", "likelihood": "3"},
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert submission.risks.count() == 2


def test_the_guided_form_explains_each_scale_with_examples(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    page = logged_in(people.zeeman_user).get(f"/diligence/submissions/{submission.pk}/risks/")
    html = page.content.decode()
    assert page.status_code == 200
    for step in ("Step 1", "Step 2", "Step 3", "Step 4"):
        assert step in html
    assert "cannot be undone" in html  # the irremediability example


def test_a_submitted_submission_is_locked(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    client = logged_in(people.zeeman_user)
    assert client.post(f"/diligence/submissions/{submission.pk}/submit/").status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    response = client.post(
        f"/diligence/submissions/{submission.pk}/risks/",
        {"theme": "gender", "scale": "3", "scope": "3", "irremediability": "3", "likelihood": "3"},
    )
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert submission.risks.count() == 2
    risk = submission.risks.first()
    assert risk is not None
    assert client.post(f"/diligence/risks/{risk.pk}/", {"delete": "1"}).status_code == 400
    assert submission.risks.count() == 2


def test_submitting_after_the_deadline_is_a_clear_error(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    textile_cycle_2018(cast)  # due 1 July 2018, long past
    response = logged_in(people.zeeman_user).post(f"/diligence/submissions/{submission.pk}/submit/")
    assert response.status_code == 400
    assert "deadline for 2018 passed" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_the_secretariat_reopens_and_the_company_may_not(cast: Any, people: People) -> None:
    submission = zeeman_submitted(cast)
    url = f"/diligence/submissions/{submission.pk}/reopen/"
    assert logged_in(people.zeeman_user).post(url).status_code == 403
    assert logged_in(people.textile_secretariat).post(url).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REOPENED


def test_an_upload_with_a_broken_row_lists_the_errors_and_writes_nothing(
    cast: Any, people: People
) -> None:
    submission = zeeman_draft(cast)
    before = sorted(submission.risks.values_list("pk", flat=True))
    content = template_write(
        risks=[
            TemplateRisk("R1", "gender", 3, 3, 3, 3, "BD"),
            TemplateRisk("R2", "tea", 3, 3, 3, 3, "BD"),
        ]
    )
    response = logged_in(people.zeeman_user).post(
        f"/diligence/submissions/{submission.pk}/upload/",
        {"file": SimpleUploadedFile("plan.xlsx", content)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "data-row-errors" in html
    assert "unknown theme &#x27;tea&#x27;" in html
    assert sorted(submission.risks.values_list("pk", flat=True)) == before


def test_the_template_downloads_and_uploads_back_unchanged(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    client = logged_in(people.zeeman_user)
    download = client.get(f"/diligence/submissions/{submission.pk}/template/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(
        f"/diligence/submissions/{submission.pk}/upload/",
        {"file": SimpleUploadedFile("plan.xlsx", download.content)},
    )
    assert response.status_code == 302
    assert sorted(submission.risks.values_list("theme__slug", flat=True)) == [
        "child-labour",
        "living-wage",
    ]
    assert submission.actions.get().risks.get().theme.slug == "child-labour"


def test_a_score_without_a_reason_is_an_inline_error_and_saves_nothing(
    cast: Any, people: People
) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    response = logged_in(people.textile_secretariat).post(
        f"/diligence/assessments/{assessment.pk}/scores/",
        {"points_policy-commitment": "3", "reason_policy-commitment": ""},
    )
    assert response.status_code == 400
    assert "Give the reason for this score." in response.content.decode()
    assert not CriterionScore.objects.filter(assessment=assessment).exists()


def test_points_above_the_maximum_are_an_inline_error(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    response = logged_in(people.textile_secretariat).post(
        f"/diligence/assessments/{assessment.pk}/scores/",
        {"points_policy-commitment": "99", "reason_policy-commitment": "Generous."},
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert not CriterionScore.objects.filter(assessment=assessment).exists()


def test_the_secretariat_scores_with_reasons_and_the_total_follows(
    cast: Any, people: People
) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    response = logged_in(people.textile_secretariat).post(
        f"/diligence/assessments/{assessment.pk}/scores/",
        {"points_policy-commitment": "3", "reason_policy-commitment": "Published policy."},
    )
    assert response.status_code == 302
    score = CriterionScore.objects.get(assessment=assessment)
    assert (score.criterion.key, score.reason) == ("policy-commitment", "Published policy.")
    assessment.refresh_from_db()
    assert assessment.total > 0


def test_publishing_an_incomplete_assessment_is_refused(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast, scored=False, published=False)
    response = logged_in(people.textile_secretariat).post(
        f"/diligence/assessments/{assessment.pk}/publish/"
    )
    assert response.status_code == 400
    assert "score every criterion" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.published_at is None


def test_the_company_sees_its_assessment_only_once_published(cast: Any, people: People) -> None:
    assessment = zeeman_assessment(cast, published=False)
    client = logged_in(people.zeeman_user)
    url = f"/diligence/assessments/{assessment.pk}/"
    assert client.get(url).status_code == 404
    logged_in(people.textile_secretariat).post(f"/diligence/assessments/{assessment.pk}/publish/")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Reason for policy-commitment." in html
    assert "data-red-flags" in html
    assert "data-score-form" not in html
    assert logged_in(people.hema_user).get(url).status_code == 404


def test_the_framework_page_is_public_and_names_no_company(cast: Any, people: People) -> None:
    zeeman_assessment(cast)
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/diligence/framework/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-thresholds" in html
    assert "40%" in html  # goals and actions weigh 40%
    assert f'data-outcome-row="{cast.textile.slug}-2018"' in html
    assert cast.zeeman.name not in html


def test_the_dashboard_shows_the_outcome_distribution(cast: Any) -> None:
    zeeman_assessment(cast)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert f'data-outcome-row="{cast.textile.slug}-2018"' in html
    assert cast.zeeman.name not in html.split("data-outcomes")[1]
