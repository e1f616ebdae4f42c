"""Issue 4's first acceptance bullet: with companies A (Zeeman) and B (HEMA) and a user each
made with `imvo users add`, A's token from `imvo users token` gets 404 for every one of B's
submissions and supplier lists, on every route that holds them, and B's own token reaches them.
The CLI runs in-process on the test database, as tests/web/accounts does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from imvo.cli import main
from imvo.web.diligence import services
from web.diligence.story import CHILD_LABOUR_BD, textile_framework

pytestmark = pytest.mark.django_db

SUBMISSION_ROUTES = (
    ("get", "api-submission-detail"),
    ("patch", "api-submission-detail"),
    ("post", "api-submission-submit"),
    ("post", "api-submission-reopen"),
    ("get", "api-risk-list"),
    ("post", "api-risk-list"),
    ("get", "api-action-list"),
    ("post", "api-action-list"),
    ("get", "api-submission-template"),
    ("post", "api-submission-template"),
    ("get", "api-submission-risk-check"),
    ("post", "api-assessment-create"),
)


def imvo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exit:
        main(list(args))
    out, err = capsys.readouterr()
    assert exit.value.code == 0, err
    return out.strip()


def test_company_a_gets_404_for_every_submission_and_supplier_list_of_company_b(
    cast: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IMVO_PASSWORD", "Correct-horse-battery-staple-2018")
    try:
        imvo(capsys, "users", "add", "a@zeeman.example", "--role", "company", "--company", "zeeman")
        imvo(capsys, "users", "add", "b@hema.example", "--role", "company", "--company", "HEMA")
        a = Client(
            HTTP_AUTHORIZATION=f"Bearer {imvo(capsys, 'users', 'token', 'a@zeeman.example')}"
        )
        b = Client(HTTP_AUTHORIZATION=f"Bearer {imvo(capsys, 'users', 'token', 'b@hema.example')}")
    finally:
        translation.deactivate()
    textile_framework(cast)
    hema_submissions = []
    for year in (2017, 2018, 2019):
        submission = services.submission_create(
            actor=None, company=cast.hema, covenant=cast.textile, year=year
        )
        risk = services.risk_item_create(actor=None, submission=submission, fields=CHILD_LABOUR_BD)
        action = services.action_create(
            actor=None,
            submission=submission,
            fields=services.ActionFields(what="Audit", risk_ids=(risk.pk,)),
        )
        hema_submissions.append((submission, risk, action))

    for submission, risk, action in hema_submissions:
        urls = [(m, reverse(name, kwargs={"pk": submission.pk})) for m, name in SUBMISSION_ROUTES]
        urls += [
            (method, reverse(name, kwargs={"pk": pk}))
            for name, pk in (("api-risk-detail", risk.pk), ("api-action-detail", action.pk))
            for method in ("get", "put", "delete")
        ]
        for method, url in urls:
            response = getattr(a, method)(url, {}, content_type="application/json")
            assert response.status_code == 404, (method, url, response.status_code)
            assert "hema" not in response.content.decode().lower()
            if method == "get":
                assert b.get(url).status_code == 200, url

    listed = a.get("/api/v1/submissions/").json()
    assert listed == []
    assert [s["year"] for s in b.get("/api/v1/submissions/").json()] == [2017, 2018, 2019]
    for submission, _, _ in hema_submissions:
        submission.refresh_from_db()
        assert submission.status == "draft"
        assert submission.risks.count() == 1

    from imvo.web.suppliers.services import supplier_list_import
    from web.suppliers.cast import HEMA_ROWS, StandInMatcher, csv_bytes

    for year in (2017, 2018):
        hema_list = supplier_list_import(
            company=cast.hema,
            year=year,
            data=csv_bytes(HEMA_ROWS),
            filename="hema.csv",
            matcher=StandInMatcher(),
        )
        url = reverse("api-supplier-list", kwargs={"pk": hema_list.pk})
        assert a.get(url).status_code == 404, url
        assert b.get(url).status_code == 200, url
