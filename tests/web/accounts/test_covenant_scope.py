"""Access follows the covenant the data belongs to, on the date (issue 9, finding 1).

The escalation as it was found, through the web: the banking secretariat adds Zeeman, a textile
company, as a participant of banking in the admin (allowed), then opens Zeeman's textile supplier
list, submission, assessment and shared facilities, by page and by API token, and tries to
invite a user for Zeeman. Each of those must find nothing (404) or be refused; only the data
Zeeman hands in for banking, for the years it takes part, opens to it. Every change of a
participation, in the admin and through the services, is in the audit trail.
"""

from __future__ import annotations

import html
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from imvo.web.accounts.models import AuditEvent, Invitation
from imvo.web.accounts.services import api_token_create
from imvo.web.registry.models import Participation
from web.accounts.people import People, build_people

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SHARED_WITH_HEMA = "Dhaka Knitwear"  # a facility on Zeeman's and HEMA's textile lists


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def _import(cast: Any, company: Any, covenant: Any, rows: list[list[str]], year: int = 2018) -> Any:
    from imvo.web.suppliers.services import supplier_list_import
    from web.publication.story import HEADER
    from web.suppliers.cast import StandInMatcher, csv_bytes

    return supplier_list_import(
        company=company,
        year=year,
        covenant=covenant,
        data=csv_bytes([HEADER, *rows], delimiter=",", encoding="utf-8"),
        filename=f"{company.slug}-{covenant.slug}-{year}.csv",
        matcher=StandInMatcher(),
    )


@pytest.fixture
def textile_data(cast: Any) -> dict[str, Any]:
    """Zeeman's textile data of 2018: a supplier list sharing a facility with HEMA's, and a
    submission with a published assessment."""
    from web.diligence.story import zeeman_assessment
    from web.publication.story import HEMA, ZEEMAN

    _import(cast, cast.hema, cast.textile, HEMA)
    supplier_list = _import(cast, cast.zeeman, cast.textile, ZEEMAN)
    assessment = zeeman_assessment(cast)
    return {
        "list": supplier_list,
        "submission": assessment.submission,
        "assessment": assessment,
        "risk": assessment.submission.risks.first(),
    }


def _logged_in(user: Any) -> Client:
    client = Client(**EN)
    client.force_login(user)
    return client


def _token_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)[1]}", **EN)


class _FormReader(HTMLParser):
    """The values a browser would send for the first form with a `name`d field: inputs,
    checked boxes, selected options and text areas (enough for Django's admin forms)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.data[name] = found.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = found.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in found:
            self.data[self._select] = found.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += html.unescape(data)


def _form_of(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    return reader.data


def _participation_audits() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="registry.participation").order_by("pk"))


def test_a_participation_added_in_the_admin_opens_none_of_the_other_covenants_data(
    people: People, cast: Any, textile_data: dict[str, Any]
) -> None:
    """Finding 1 of issue 9, step by step."""
    banking = _logged_in(people.banking_secretariat)
    # 1. In the admin, the banking secretariat adds Zeeman to its own covenant (allowed).
    add = "/admin/registry/participation/add/"
    form = _form_of(banking.get(add).content.decode())
    form.update(
        {
            "covenant": str(cast.banking.pk),
            "organisation": str(cast.zeeman.pk),
            "joined_on": "2018-01-01",
            "confidence": "confirmed",
        }
    )
    response = banking.post(add, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Participation.objects.filter(covenant=cast.banking, organisation=cast.zeeman).exists()

    # 2. Zeeman's textile data stays missing for it: pages ...
    pages = [
        f"/suppliers/lists/{textile_data['list'].pk}/",
        f"/diligence/submissions/{textile_data['submission'].pk}/",
        f"/diligence/assessments/{textile_data['assessment'].pk}/",
        f"/diligence/risks/{textile_data['risk'].pk}/",
    ]
    for url in pages:
        assert banking.get(url).status_code == 404, url
        assert _logged_in(people.textile_secretariat).get(url).status_code in (200, 403), url
    # ... and the API, by token
    api = _token_client(people.banking_secretariat)
    for url in (
        f"/api/v1/supplier-lists/{textile_data['list'].pk}/",
        f"/api/v1/submissions/{textile_data['submission'].pk}/",
        f"/api/v1/submissions/{textile_data['submission'].pk}/risks/",
        f"/api/v1/assessments/{textile_data['assessment'].pk}/",
        f"/api/v1/risks/{textile_data['risk'].pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.get("/api/v1/supplier-lists/").json() == []
    assert api.get("/api/v1/submissions/").json() == []
    # Zeeman may be chosen on the shared-facilities page now, but shows nothing of textile
    shared = api.get("/api/v1/companies/zeeman/shared-facilities/").json()
    assert shared["facilities"] == []
    page = banking.get("/suppliers/shared/?company=zeeman").content.decode()
    assert SHARED_WITH_HEMA not in html.unescape(page)
    csv_text = banking.get("/suppliers/shared/csv/?company=zeeman").content.decode()
    assert SHARED_WITH_HEMA not in csv_text
    # (the textile secretariat does see the shared facility, so the check can fail)
    textile = _logged_in(people.textile_secretariat)
    assert SHARED_WITH_HEMA in html.unescape(
        textile.get("/suppliers/shared/?company=zeeman").content.decode()
    )

    # 3. It cannot create an account for Zeeman: the form does not offer Zeeman, a forged
    # post is refused, and nothing is sent.
    invitations = banking.get("/accounts/invitations/").content.decode()
    assert ">Zeeman</option>" not in invitations
    refused = banking.post(
        "/accounts/invitations/",
        {"email": "mole@example.org", "role": "company", "company": str(cast.zeeman.pk)},
    )
    assert refused.status_code == 400
    assert not Invitation.objects.exists()
    assert not mail.outbox
    # Nor through the admin: roles are not a secretariat's to grant there.
    assert banking.get("/admin/accounts/membership/add/").status_code == 403
    assert banking.get("/admin/auth/user/add/").status_code == 403
    # Nor may the textile secretariat any more: Zeeman's data is not all of its covenant's.
    refused = textile.post(
        "/accounts/invitations/",
        {"email": "mole@example.org", "role": "company", "company": str(cast.zeeman.pk)},
    )
    assert refused.status_code == 400
    assert not Invitation.objects.exists()

    # 4. Nor change Zeeman's record (its name, its brands) in the admin.
    change = f"/admin/registry/organisation/{cast.zeeman.pk}/change/"
    form = _form_of(banking.get(change).content.decode())
    assert banking.post(change, {**form, "name": "Zeeman (renamed)"}).status_code == 403
    cast.zeeman.refresh_from_db()
    assert cast.zeeman.name == "Zeeman"
    brand = "/admin/registry/brand/add/"
    form = _form_of(banking.get(brand).content.decode())
    form.update({"company": str(cast.zeeman.pk), "name": "Zeeman Bank", "slug": "zeeman-bank"})
    assert banking.post(brand, form).status_code == 200  # the form refuses the company
    assert not cast.zeeman.brands.filter(slug="zeeman-bank").exists()
    form.update({"company": str(cast.hema.pk), "name": "HEMA home", "slug": "hema-home"})
    assert textile.post(brand, form).status_code == 302  # HEMA is the textile covenant's alone

    # 5. The participation it added is in the audit trail.
    (audit,) = _participation_audits()
    assert (audit.action, audit.actor) == ("created", people.banking_secretariat)
    assert audit.changes["organisation"] == "zeeman" and audit.changes["covenant"] == "banking"


def test_the_other_covenants_secretariat_reads_what_is_handed_in_for_it_while_taking_part(
    people: People, cast: Any, textile_data: dict[str, Any]
) -> None:
    from web.accounts.people import zeeman_joins_banking, zeeman_leaves_banking
    from web.publication.story import HEMA, ZEEMAN

    zeeman_joins_banking(cast, people)
    banking_2018 = _import(cast, cast.zeeman, cast.banking, ZEEMAN[:2])
    banking_2019 = _import(cast, cast.zeeman, cast.banking, ZEEMAN[:2], year=2019)
    zeeman_leaves_banking(cast, people)
    api = _token_client(people.banking_secretariat)
    assert [item["list_id"] for item in api.get("/api/v1/supplier-lists/").json()] == [
        banking_2018.pk
    ]
    assert api.get(f"/api/v1/supplier-lists/{banking_2018.pk}/").status_code == 200
    assert api.get(f"/api/v1/supplier-lists/{banking_2019.pk}/").status_code == 404  # it left
    textile = _token_client(people.textile_secretariat)
    assert api.get(f"/api/v1/supplier-lists/{textile_data['list'].pk}/").status_code == 404
    assert textile.get(f"/api/v1/supplier-lists/{banking_2018.pk}/").status_code == 404
    zeeman = _token_client(people.zeeman_user)
    listed = {item["list_id"] for item in zeeman.get("/api/v1/supplier-lists/").json()}
    assert {textile_data["list"].pk, banking_2018.pk, banking_2019.pk} <= listed
    # A HEMA banking list shares Dhaka Knitwear with Zeeman's banking list of 2018: the banking
    # secretariat sees that facility on Zeeman's page, as Zeeman's banking list reports it.
    from imvo.web.registry.models import Participation as P

    P.objects.create(covenant=cast.banking, organisation=cast.hema, joined_on=date(2018, 1, 1))
    _import(cast, cast.hema, cast.banking, HEMA)
    shared = api.get("/api/v1/companies/zeeman/shared-facilities/?year=2018").json()
    assert [f["name"] for f in shared["facilities"]] == ["Dhaka Knitwear Ltd."]


def test_a_secretariat_hands_in_lists_only_for_its_own_covenants(people: People, cast: Any) -> None:
    """Writing into another covenant's data would replace the company's list there."""
    from web.accounts.people import zeeman_joins_banking
    from web.publication.story import HEADER, ZEEMAN
    from web.suppliers.cast import csv_bytes

    zeeman_joins_banking(cast, people)
    data = csv_bytes([HEADER, *ZEEMAN], delimiter=",", encoding="utf-8")
    api = _token_client(people.banking_secretariat)
    response = api.post(
        "/api/v1/supplier-lists/",
        {
            "file": _upload(data),
            "company": "zeeman",
            "year": "2018",
            "covenant": "textile",
        },
    )
    assert response.status_code == 400
    assert "covenant" in response.json()
    page = _logged_in(people.banking_secretariat).post(
        "/suppliers/upload/",
        {
            "file": _upload(data),
            "company": str(cast.zeeman.pk),
            "year": "2018",
            "covenant": str(cast.textile.pk),
        },
    )
    assert page.status_code == 400


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("zeeman.csv", data, content_type="text/csv")


def test_every_participation_change_in_the_admin_is_in_the_audit_trail(
    people: People, cast: Any
) -> None:
    textile = _logged_in(people.textile_secretariat)
    hema = Participation.objects.get(covenant=cast.textile, organisation=cast.hema)
    change = f"/admin/registry/participation/{hema.pk}/change/"
    form = _form_of(textile.get(change).content.decode())
    assert textile.post(change, {**form, "left_on": "2019-06-30"}).status_code == 302
    delete = f"/admin/registry/participation/{hema.pk}/delete/"
    assert textile.post(delete, {"post": "yes"}).status_code == 302
    changed, deleted = _participation_audits()
    assert changed.action == "changed" and changed.actor == people.textile_secretariat
    assert changed.changes["left_on"] == {"old": None, "new": "2019-06-30"}
    assert changed.changes["organisation"] == "hema"
    assert deleted.action == "deleted" and deleted.changes["left_on"] == "2019-06-30"
    assert not Participation.objects.filter(pk=hema.pk).exists()


def test_participations_edited_within_the_covenants_page_are_audited_too(
    people: People, cast: Any
) -> None:
    """The covenant's admin page lists its participations inline."""
    textile = _logged_in(people.textile_secretariat)
    change = f"/admin/registry/covenant/{cast.textile.pk}/change/"
    form = _form_of(textile.get(change).content.decode())
    prefix = next(
        key.removesuffix("-TOTAL_FORMS")
        for key in form
        if key.endswith("-TOTAL_FORMS") and "participation" in key
    )
    rows = int(form[f"{prefix}-TOTAL_FORMS"])
    form[f"{prefix}-TOTAL_FORMS"] = str(rows + 1)
    form.update(
        {
            f"{prefix}-{rows}-organisation": str(cast.zeeman.pk),
            f"{prefix}-{rows}-joined_on": "2016-07-04",
            f"{prefix}-{rows}-left_on": "",
            f"{prefix}-{rows}-confidence": "confirmed",
            f"{prefix}-{rows}-covenant": str(cast.textile.pk),
        }
    )
    # end HEMA's participation in the same save
    hema_row = next(
        key.removesuffix("-id")
        for key, value in form.items()
        if key.startswith(prefix)
        and key.endswith("-id")
        and value
        and int(value)
        == Participation.objects.get(covenant=cast.textile, organisation=cast.hema).pk
    )
    form[f"{hema_row}-left_on"] = "2018-12-31"
    # a second Zeeman row with the same start would break the unique constraint: use 2020
    form[f"{prefix}-{rows}-joined_on"] = "2020-01-01"
    response = textile.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    actions = sorted((e.action, e.changes["organisation"]) for e in _participation_audits())
    assert actions == [("changed", "hema"), ("created", "zeeman")]


def test_a_secretariat_cannot_move_a_participation_to_a_covenant_it_does_not_run(
    people: People, cast: Any
) -> None:
    from imvo.core.errors import ImvoError
    from imvo.web.accounts.services import participation_create, participation_save

    with pytest.raises(ImvoError, match="cannot change who takes part"):
        participation_create(
            covenant=cast.textile,
            organisation=cast.zeeman,
            joined_on=date(2019, 1, 1),
            created_by=people.banking_secretariat,
        )
    hema = Participation.objects.get(covenant=cast.textile, organisation=cast.hema)
    hema.covenant = cast.banking
    with pytest.raises(ImvoError, match="cannot change who takes part"):
        participation_save(participation=hema, saved_by=people.banking_secretariat)
    hema.covenant = cast.textile
    hema.left_on = date(2010, 1, 1)
    with pytest.raises(ImvoError, match="cannot end before"):
        participation_save(participation=hema, saved_by=people.textile_secretariat)
    assert not _participation_audits()


def test_an_invitation_lapses_when_its_company_joins_a_covenant_the_inviter_does_not_run(
    people: People, cast: Any
) -> None:
    from imvo.core.errors import ImvoError
    from imvo.web.accounts.services import (
        invitation_accept,
        invitation_create,
        participation_create,
    )

    def invited(email: str) -> str:
        return invitation_create(
            invited_by=people.textile_secretariat,
            email=email,
            role="company",
            company=cast.hema,
            accept_url=str,
        )[1]

    early, kept = invited("early@hema.example"), invited("kept@hema.example")
    invitation_accept(token=kept, password="Correct-horse-battery-staple-2018")
    participation_create(
        covenant=cast.banking,
        organisation=cast.hema,
        joined_on=date(2019, 1, 1),
        created_by=people.banking_secretariat,
    )
    with pytest.raises(ImvoError, match="no longer valid"):
        invitation_accept(token=early, password="Correct-horse-battery-staple-2018")
    assert not Invitation.objects.filter(email="early@hema.example", accepted_at__isnull=False)
