"""The due-diligence API: each role's view of submissions and assessments, bad input as 400
naming the field, the template round trip, the public framework and aggregates."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imvo.core.diligence.templates import TemplateRisk, template_write
from imvo.web.accounts.services import api_token_create
from imvo.web.diligence.models import RiskItem, Submission
from web.accounts.people import People
from web.diligence.story import zeeman_assessment, zeeman_draft, zeeman_submitted

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)[1]}")


RISK = {
    "theme": "gender",
    "country": "Bangladesh",
    "scale": 4,
    "scope": 4,
    "irremediability": 2,
    "likelihood": 4,
}


def test_a_company_user_starts_and_fills_in_a_submission(
    cast: Any, people: People, framework: Any
) -> None:
    client = api(people.zeeman_user)
    created = client.post(
        "/api/v1/submissions/",
        {"company": "zeeman", "covenant": "textile", "year": 2019},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    risk = client.post(f"/api/v1/submissions/{pk}/risks/", RISK, content_type="application/json")
    assert risk.status_code == 201
    assert (risk.json()["country"], risk.json()["priority"]) == ("BD", "high")
    action = client.post(
        f"/api/v1/submissions/{pk}/actions/",
        {"what": "Women's committees", "risks": [risk.json()["id"]], "due_on": "2020-01-31"},
        content_type="application/json",
    )
    assert action.status_code == 201
    detail = client.get(f"/api/v1/submissions/{pk}/").json()
    assert detail["risks"][0]["actions"] == [action.json()["id"]]
    submitted = client.post(f"/api/v1/submissions/{pk}/submit/")
    assert submitted.json()["status"] == "submitted"
    locked = client.post(f"/api/v1/submissions/{pk}/risks/", RISK, content_type="application/json")
    assert locked.status_code == 400
    assert list(locked.json()) == ["status"]
    assert RiskItem.objects.count() == 1


def test_a_company_user_cannot_start_a_submission_for_another_company(
    cast: Any, people: People
) -> None:
    response = api(people.hema_user).post(
        "/api/v1/submissions/",
        {"company": "zeeman", "covenant": "textile", "year": 2019},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"company": ["unknown company 'zeeman'"]}
    assert not Submission.objects.exists()


def test_a_company_posting_to_another_companys_submission_gets_404_and_nothing_changes(
    cast: Any, people: People
) -> None:
    submission = zeeman_draft(cast)
    risk = submission.risks.first()
    assert risk is not None
    hema = api(people.hema_user)
    attempts = [
        hema.post(
            f"/api/v1/submissions/{submission.pk}/risks/", RISK, content_type="application/json"
        ),
        hema.post(f"/api/v1/submissions/{submission.pk}/submit/"),
        hema.patch(
            f"/api/v1/submissions/{submission.pk}/",
            {"accord": "signed"},
            content_type="application/json",
        ),
        hema.put(f"/api/v1/risks/{risk.pk}/", RISK, content_type="application/json"),
        hema.delete(f"/api/v1/risks/{risk.pk}/"),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    submission.refresh_from_db()
    assert (submission.status, submission.accord, submission.risks.count()) == (
        "draft",
        "unknown",
        2,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scale": 7}, "scale"),
        ({"likelihood": "often"}, "likelihood"),
        ({"theme": "tea"}, "theme"),
        ({"country": "Atlantis"}, "country"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    cast: Any, people: People, change: dict[str, Any], field: str
) -> None:
    submission = zeeman_draft(cast)
    response = api(people.zeeman_user).post(
        f"/api/v1/submissions/{submission.pk}/risks/",
        {**RISK, **change},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert submission.risks.count() == 2


def test_an_assessment_shows_the_company_its_scores_reasons_and_red_flags(
    cast: Any, people: People
) -> None:
    assessment = zeeman_assessment(cast)
    body = api(people.zeeman_user).get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert body["outcome"] == "met"
    assert len(body["scores"]) == 10
    assert all(score["reason"] for score in body["scores"])
    assert {"kind": "core-theme-absent", "theme": "gender"}.items() <= next(
        f for f in body["red_flags"] if f["theme"] == "gender"
    ).items()
    for user in (people.hema_user, people.fnv_observer, people.banking_secretariat):
        assert api(user).get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404


def test_the_secretariat_assesses_scores_and_publishes_through_the_api(
    cast: Any, people: People
) -> None:
    submission = zeeman_submitted(cast)
    secretariat = api(people.textile_secretariat)
    created = secretariat.post(f"/api/v1/submissions/{submission.pk}/assessment/")
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = secretariat.post(
        f"/api/v1/assessments/{pk}/scores/",
        {"scores": [{"criterion": "policy-commitment", "points": 9, "reason": "great"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "policy-commitment" in bad.json()["points"][0]
    no_reason = secretariat.post(
        f"/api/v1/assessments/{pk}/scores/",
        {"criterion": "policy-commitment", "points": 2, "reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert api(people.zeeman_user).get(f"/api/v1/assessments/{pk}/").status_code == 404
    early = secretariat.post(f"/api/v1/assessments/{pk}/publish/")
    assert early.status_code == 400
    from imvo.web.diligence.models import FrameworkCriterion

    scores = [
        {"criterion": key, "points": 1, "reason": "Thin"}
        for key in FrameworkCriterion.objects.values_list("key", flat=True)
    ]
    scored = secretariat.post(
        f"/api/v1/assessments/{pk}/scores/", {"scores": scores}, content_type="application/json"
    )
    assert scored.json()["outcome"] == "not-met"  # 25% in membership year 2 (40%)
    assert secretariat.post(f"/api/v1/assessments/{pk}/publish/").status_code == 200
    seen = api(people.zeeman_user).get(f"/api/v1/assessments/{pk}/").json()
    assert seen["total"] == 0.25


def test_the_template_downloads_with_the_rows_and_uploads_back(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    client = api(people.zeeman_user)
    download = client.get(f"/api/v1/submissions/{submission.pk}/template/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("plan.xlsx", download.content)
    response = client.post(f"/api/v1/submissions/{submission.pk}/template/", {"file": upload})
    assert response.status_code == 200, response.json()
    assert response.json() == {"risks": 2, "actions": 1, "errors": []}
    after = client.get(f"/api/v1/submissions/{submission.pk}/").json()
    assert [r["theme"] for r in after["risks"]] == ["child-labour", "living-wage"]
    assert after["risks"][0]["actions"] == [after["actions"][0]["id"]]


def test_an_upload_with_row_errors_writes_nothing(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    content = template_write(
        risks=[
            TemplateRisk("R1", "gender", 3, 3, 3, 3, "BD"),
            TemplateRisk("R2", "tea", 3, 3, 3, 3, "BD"),
        ]
    )
    response = api(people.zeeman_user).post(
        f"/api/v1/submissions/{submission.pk}/template/",
        {"file": SimpleUploadedFile("plan.xlsx", content)},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "field": "theme", "message": "Risk analysis: unknown theme 'tea'"}
    ]
    assert [r.theme_id for r in submission.risks.all()] != []
    assert submission.risks.count() == 2


def test_a_broken_upload_is_a_400_naming_no_path(cast: Any, people: People) -> None:
    submission = zeeman_draft(cast)
    response = api(people.zeeman_user).post(
        f"/api/v1/submissions/{submission.pk}/template/",
        {"file": SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 this is no workbook")},
    )
    assert response.status_code == 400
    assert "/" not in next(iter(response.json().values()))[0]
    assert submission.risks.count() == 2


def test_the_public_sees_frameworks_and_outcome_counts_but_no_company(
    cast: Any, people: People
) -> None:
    zeeman_assessment(cast)
    public = Client()
    frameworks = public.get("/api/v1/assessment-frameworks/").json()
    assert frameworks[0]["covenant"] == "textile"
    assert frameworks[0]["thresholds"] == [0.2, 0.4, 0.6]
    weights = {e["key"]: e["weight"] for e in frameworks[0]["elements"]}
    assert weights["goals-actions"] == 0.4
    outcomes = public.get("/api/v1/assessment-outcomes/").json()
    assert outcomes == [
        {
            "covenant": "textile",
            "year": 2018,
            "assessed": 1,
            "met": 1,
            "not_met": 0,
            "red_flags_by_theme": outcomes[0]["red_flags_by_theme"],
        }
    ]
    assert outcomes[0]["red_flags_by_theme"]["gender"] >= 1
    assert "zeeman" not in str(outcomes).lower()
    assert public.get("/api/v1/submissions/").status_code == 401


def test_the_public_risk_check_ranks_and_keeps_unknowns(cast: Any) -> None:
    response = Client().get(
        "/api/v1/risk-check/",
        {"sector": "textile", "product": "garments", "country": ["Bangladesh", "KH"]},
    )
    hits = response.json()
    assert hits[0]["severity_hint"] == "high"
    assert {"theme": "child-labour", "country": "KH", "severity_hint": "unknown"}.items() <= next(
        h for h in hits if (h["theme"], h["country"]) == ("child-labour", "KH")
    ).items()
    missing = Client().get("/api/v1/risk-check/", {"sector": "textile"})
    assert missing.status_code == 400
    assert list(missing.json()) == ["country"]


def test_lists_show_each_user_only_what_it_may_see(cast: Any, people: People) -> None:
    zeeman_draft(cast)

    def companies(user: Any) -> list[str]:
        return [s["company"] for s in api(user).get("/api/v1/submissions/").json()]

    assert companies(people.zeeman_user) == ["zeeman"]
    assert companies(people.textile_secretariat) == ["zeeman"]
    assert companies(people.hema_user) == []
    assert companies(people.fnv_observer) == []
    assert companies(people.banking_secretariat) == []
    bad_year = api(people.zeeman_user).get("/api/v1/submissions/", {"year": "twenty"})
    assert bad_year.status_code == 400


def test_the_download_is_a_real_workbook(cast: Any, people: People) -> None:
    import zipfile

    submission = zeeman_draft(cast)
    content = api(people.zeeman_user).get(f"/api/v1/submissions/{submission.pk}/template/").content
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "xl/workbook.xml" in names
