"""The account pages: roles and API tokens, invitations by the secretariat, acceptance."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from imvo.web.accounts import services
from imvo.web.accounts.models import ApiToken, Invitation
from web.accounts.people import PASSWORD, People

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_lists_the_users_roles(people: People) -> None:
    html = as_user(people.zeeman_user).get("/accounts/", **EN).content.decode()
    assert "anna@zeeman.example" in html
    assert re.search(r'data-role="company">\s*Company user: Zeeman', html)
    assert 'href="/accounts/invitations/"' in html  # its colleagues
    observer = as_user(people.fnv_observer).get("/accounts/", **EN).content.decode()
    assert "Invite users" not in observer
    secretariat = as_user(people.textile_secretariat).get("/accounts/", **EN).content.decode()
    assert "Secretariat: AGT" in secretariat
    assert 'href="/accounts/invitations/"' in secretariat


def test_a_new_api_token_is_shown_once_and_only_its_prefix_afterwards(people: People) -> None:
    client = as_user(people.zeeman_user)
    response = client.post("/accounts/tokens/", {"name": "ERP export"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r'<code class="token-value">(imvo_[\w-]+)</code>', html)
    assert raw is not None
    token = ApiToken.objects.get(user=people.zeeman_user)
    assert token.name == "ERP export"
    assert token.key_hash == services.api_token_hash(raw.group(1))
    later = client.get("/accounts/", **EN).content.decode()
    assert raw.group(1) not in later
    assert f"{token.prefix}…" in later
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_user_revokes_an_own_token_but_never_finds_anothers(people: People) -> None:
    token, raw = services.api_token_create(user=people.zeeman_user)
    url = f"/accounts/tokens/{token.pk}/revoke/"
    assert as_user(people.hema_user).post(url).status_code == 404
    assert as_user(people.administrator).post(url).status_code == 404
    assert services.api_token_use(raw=raw) is not None
    response = as_user(people.zeeman_user).post(url, follow=True, **EN)
    assert "no longer works" in response.content.decode()
    assert services.api_token_use(raw=raw) is None


def test_the_invitation_form_offers_only_the_secretariats_own_scope(people: People) -> None:
    html = as_user(people.textile_secretariat).get("/accounts/invitations/", **EN)
    text = html.content.decode()
    assert ">Zeeman</option>" in text and ">HEMA</option>" in text
    assert "Rabobank" not in text
    assert ">AGT</option>" in text and ">Banken</option>" not in text
    assert 'value="admin"' not in text
    admin = as_user(people.administrator).get("/accounts/invitations/").content.decode()
    assert 'value="admin"' in admin and "Rabobank" in admin


def test_a_company_user_invites_colleagues_of_its_own_company_only(
    people: People, cast: Any
) -> None:
    client = as_user(people.zeeman_user)
    text = client.get("/accounts/invitations/", **EN).content.decode()
    assert ">Zeeman</option>" in text and "HEMA" not in text
    assert 'value="observer"' not in text and 'value="secretariat"' not in text
    refused = client.post(
        "/accounts/invitations/",
        {"email": "x@hema.example", "role": "company", "company": cast.hema.pk},
        **EN,
    )
    assert refused.status_code == 400
    assert not Invitation.objects.exists()
    response = client.post(
        "/accounts/invitations/",
        {"email": "chris@zeeman.example", "role": "company", "company": cast.zeeman.pk},
        follow=True,
        **EN,
    )
    assert "An invitation was sent to chris@zeeman.example." in response.content.decode()
    (invitation,) = Invitation.objects.all()
    assert (invitation.company, invitation.invited_by) == (cast.zeeman, people.zeeman_user)
    assert (
        as_user(people.hema_user).post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code
        == 404
    )


def test_the_secretariat_invites_by_email(people: People, cast: Any) -> None:
    client = as_user(people.textile_secretariat)
    response = client.post(
        "/accounts/invitations/",
        {"email": "chris@zeeman.example", "role": "company", "company": cast.zeeman.pk},
        follow=True,
        **EN,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An invitation was sent to chris@zeeman.example." in html
    assert 'data-invitation-status="pending"' in html
    (message,) = mail.outbox
    assert re.search(r"http://testserver/accounts/invitations/accept/\S+/", message.body)


def test_the_invitation_form_names_what_is_missing(people: People, cast: Any) -> None:
    client = as_user(people.textile_secretariat)
    response = client.post(
        "/accounts/invitations/", {"email": "chris@zeeman.example", "role": "company"}, **EN
    )
    assert response.status_code == 400
    assert "Choose the company of the new user." in response.content.decode()
    response = client.post(
        "/accounts/invitations/",
        {"email": "chris@zeeman.example", "role": "observer", "covenant": cast.banking.pk},
        **EN,
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_secretariat_withdraws_only_invitations_of_its_covenant(
    people: People, cast: Any
) -> None:
    invitation, _ = services.invitation_create(
        invited_by=people.textile_secretariat,
        email="x@example.org",
        role="observer",
        covenant=cast.textile,
        accept_url=str,
    )
    url = f"/accounts/invitations/{invitation.pk}/revoke/"
    assert as_user(people.banking_secretariat).post(url).status_code == 404
    assert as_user(people.fnv_observer).post(url).status_code == 403
    assert as_user(people.textile_secretariat).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def _invitation_token(people: People, cast: Any, email: str = "chris@zeeman.example") -> str:
    _, token = services.invitation_create(
        invited_by=people.textile_secretariat,
        email=email,
        role="company",
        company=cast.zeeman,
        accept_url=str,
    )
    return token


def test_the_invitee_chooses_a_password_and_is_logged_in(people: People, cast: Any) -> None:
    url = f"/accounts/invitations/accept/{_invitation_token(people, cast)}/"
    client = Client()
    page = client.get(url, **EN).content.decode()
    assert "as company user (Zeeman)" in page and "chris@zeeman.example" in page
    mismatch = client.post(url, {"password": PASSWORD, "password_again": PASSWORD + "!"}, **EN)
    assert mismatch.status_code == 400
    assert "The two passwords differ." in mismatch.content.decode()
    weak = client.post(url, {"password": "zeeman", "password_again": "zeeman"}, **EN)
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    response = client.post(url, {"password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert "_auth_user_id" in client.session
    used = Client().get(url, **EN)
    assert used.status_code == 400
    assert "This invitation has already been used." in used.content.decode()


def test_an_existing_account_logs_in_before_accepting(people: People, cast: Any) -> None:
    url = f"/accounts/invitations/accept/{_invitation_token(people, cast, 'olga@fnv.example')}/"
    page = Client().get(url, **EN).content.decode()
    assert "This address has an account already." in page
    assert "/accounts/login/?next=/accounts/invitations/accept/" in page
    assert as_user(people.hema_user).post(url, **EN).status_code == 400
    response = as_user(people.fnv_observer).post(url)
    assert response.status_code == 302
    assert people.fnv_observer.memberships.filter(role="company", company=cast.zeeman).exists()


def test_a_broken_invitation_link_gets_a_clear_page(db: None) -> None:
    response = Client().get("/accounts/invitations/accept/nonsense/", **EN)
    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()


def test_the_403_page_explains_the_missing_role(people: People) -> None:
    response = as_user(people.fnv_observer).get("/accounts/invitations/", **EN)
    assert response.status_code == 403
    assert "no role that gives access" in response.content.decode()
