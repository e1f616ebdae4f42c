"""Logging in and out: email as login name, argon2, failed-login throttling, audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from imvo.web.accounts import services
from imvo.web.accounts.models import AuditEvent, LoginFailure
from web.accounts.people import PASSWORD

LOGIN = "/accounts/login/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def anna(db: None) -> User:
    return services.user_create(email="anna@zeeman.example", password=PASSWORD)


def attempt(
    client: Client, password: str, *, email: str = "anna@zeeman.example", ip: str = "192.0.2.1"
) -> Any:
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **EN)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_login_page_asks_for_email_and_password(client: Client, db: None) -> None:
    html = client.get(LOGIN, **EN).content.decode()
    assert "Email address" in html
    assert 'type="password"' in html
    assert 'autocomplete="email"' in html


def test_login_with_the_email_in_any_case_goes_to_the_account_page(
    client: Client, anna: User
) -> None:
    response = attempt(client, PASSWORD, email=" Anna@Zeeman.EXAMPLE ")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert logged_in(client)
    event = AuditEvent.objects.get(action="logged-in")
    assert event.actor == anna
    assert event.ip_address == "192.0.2.1"


def test_login_follows_a_safe_next_address_only(client: Client, anna: User) -> None:
    response = client.post(
        LOGIN + "?next=/accounts/invitations/",
        {"username": "anna@zeeman.example", "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/invitations/"
    client.logout()
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "anna@zeeman.example", "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/"


def test_a_wrong_password_gets_a_clear_message_and_is_audited(client: Client, anna: User) -> None:
    response = attempt(client, "wrong password")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert not logged_in(client)
    event = AuditEvent.objects.get(action="login-failed")
    assert event.actor is None
    assert event.object_id == str(anna.pk)
    assert event.changes == {"username": "anna@zeeman.example"}
    assert "wrong password" not in str(list(AuditEvent.objects.values()))


def test_five_failures_lock_the_account_and_address_for_fifteen_minutes(
    client: Client, anna: User
) -> None:
    for _ in range(4):
        assert "Too many" not in attempt(client, "wrong").content.decode()
    fifth = attempt(client, "wrong").content.decode()
    assert "Too many failed attempts to log in. Try again in 15 minutes." in fifth
    refused = attempt(client, PASSWORD)
    assert refused.status_code == 200
    assert (
        "Too many failed attempts to log in. Try again in 15 minutes." in refused.content.decode()
    )
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="login-locked").count() == 1
    assert LoginFailure.objects.count() == 5, "refused attempts are not counted again"


def test_the_lock_is_per_address_and_per_account(client: Client, anna: User) -> None:
    services.user_create(email="bram@hema.example", password=PASSWORD)
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, email="bram@hema.example").status_code == 302


def test_the_lock_lifts_when_the_failures_leave_the_window(client: Client, anna: User) -> None:
    for _ in range(5):
        attempt(client, "wrong")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=11))
    message = attempt(client, PASSWORD).content.decode()
    assert "Try again in 4 minutes." in message
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert attempt(client, PASSWORD).status_code == 302


def test_a_successful_login_forgives_earlier_failures(client: Client, anna: User) -> None:
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_unknown_accounts_are_throttled_alike(client: Client, db: None) -> None:
    for _ in range(5):
        response = attempt(client, "guess", email="nobody@example.org")
    assert "Too many failed attempts" in response.content.decode()
    assert AuditEvent.objects.filter(action="login-failed", object_id="").count() == 5


def test_the_admin_login_is_throttled_too(client: Client, db: None) -> None:
    admin = services.user_create(email="admin@imvo.example", password=PASSWORD)
    services.membership_create(user=admin, role="admin")
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "admin@imvo.example", "password": "wrong"}, **EN
        )
    assert "Too many failed attempts" in response.content.decode()
    response = client.post(
        "/admin/login/", {"username": "admin@imvo.example", "password": PASSWORD}, **EN
    )
    assert not logged_in(client)


def test_a_deactivated_account_cannot_log_in(client: Client, anna: User) -> None:
    anna.is_active = False
    anna.save()
    assert attempt(client, PASSWORD).status_code == 200
    assert not logged_in(client)


def test_logout_is_a_post_that_is_audited(client: Client, anna: User) -> None:
    client.force_login(anna)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not logged_in(client)
    assert AuditEvent.objects.get(action="logged-out").actor == anna


def test_the_header_shows_login_or_account_and_logout(client: Client, anna: User) -> None:
    html = client.get("/accounts/login/", **EN).content.decode()
    assert "data-account-nav" in html
    client.force_login(anna)
    html = client.get("/accounts/", **EN).content.decode()
    assert 'action="/accounts/logout/"' in html
    assert "My account" in html


def test_a_logged_in_user_visiting_the_login_page_goes_to_the_account(
    client: Client, anna: User
) -> None:
    client.force_login(anna)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"


def test_the_login_page_and_lock_message_speak_dutch(client: Client, anna: User) -> None:
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "E-mailadres" in page and "Inloggen" in page
    for _ in range(5):
        response = client.post(
            LOGIN,
            {"username": "anna@zeeman.example", "password": "fout"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert "Probeer het over 15 minuten opnieuw." in response.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_locked_out(
    client: Client, anna: User, settings: Any
) -> None:
    settings.IMVO_PROXY_HOPS = 1
    proxy = "10.0.0.2"

    def via_proxy(password: str, forwarded: str) -> Any:
        return client.post(
            LOGIN,
            {"username": "anna@zeeman.example", "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
            **EN,
        )

    # the attacker forges an address at the left; the proxy appends the one it saw
    for n in range(5):
        via_proxy("wrong", f"203.0.113.{n}, 198.51.100.66")
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    assert via_proxy(PASSWORD, "198.51.100.66").status_code == 200  # locked
    assert via_proxy(PASSWORD, "192.0.2.99").status_code == 302  # someone else, via the proxy
    assert AuditEvent.objects.get(action="logged-in").ip_address == "192.0.2.99"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(
    client: Client, anna: User
) -> None:
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "anna@zeeman.example", "password": "wrong"},
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **EN,
        )
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"192.0.2.1"}
