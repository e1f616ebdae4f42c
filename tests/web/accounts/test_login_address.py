"""Failed logins from one address against many accounts lock that address out (issue 9,
finding 8: one password tried against every account), with an audit entry; other addresses
and the pair lock keep working as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from imvo.web.accounts import selectors, services
from imvo.web.accounts.models import AuditEvent, LoginFailure
from web.accounts.people import PASSWORD

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.9"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def limit(settings: Any) -> int:
    settings.IMVO_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    return 6


@pytest.fixture
def anna(db: None) -> User:
    return services.user_create(email="anna@zeeman.example", password=PASSWORD)


def attempt(client: Client, email: str, password: str, ip: str = ATTACKER) -> Any:
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **EN)


def spray(client: Client, count: int, ip: str = ATTACKER) -> list[Any]:
    """One password tried against `count` different accounts, as a sprayer does."""
    return [attempt(client, f"user{n}@example.org", "Summer2018!", ip) for n in range(count)]


def test_one_password_against_many_accounts_locks_the_address(
    client: Client, anna: User, limit: int
) -> None:
    answers = spray(client, limit)
    assert all("Too many" not in r.content.decode() for r in answers[:-1])
    assert "Too many failed attempts to log in. Try again in 15 minutes." in (
        answers[-1].content.decode()
    )
    # Now even the right password for a fresh account is refused from that address.
    refused = attempt(client, "anna@zeeman.example", PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(ip_address=ATTACKER).count() == limit


def test_the_address_lock_is_audited_once_and_each_refusal_names_its_scope(
    client: Client, anna: User, limit: int
) -> None:
    spray(client, limit)
    attempt(client, "anna@zeeman.example", PASSWORD)
    attempt(client, "anna@zeeman.example", "other guess")
    locked = AuditEvent.objects.filter(action="login-locked", ip_address=ATTACKER)
    (lock,) = [event for event in locked if "until" in event.changes]
    assert lock.changes["scope"] == "address"
    assert lock.changes["failures"] == limit
    refusals = [event for event in locked if "until" not in event.changes]
    assert [event.changes["scope"] for event in refusals] == ["address", "address"]
    assert refusals[0].object_id == str(anna.pk)


def test_other_addresses_are_not_locked_out(client: Client, anna: User, limit: int) -> None:
    spray(client, limit)
    assert attempt(client, "anna@zeeman.example", PASSWORD, ip="198.51.100.7").status_code == 302


def test_fewer_failures_than_the_limit_across_accounts_lock_nothing(
    client: Client, anna: User, limit: int
) -> None:
    spray(client, limit - 1)
    assert attempt(client, "anna@zeeman.example", PASSWORD).status_code == 302


def test_the_address_lock_lifts_when_the_failures_leave_the_window(
    client: Client, anna: User, limit: int
) -> None:
    spray(client, limit)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert attempt(client, "anna@zeeman.example", PASSWORD).status_code == 302


def test_old_failures_of_the_address_are_pruned_whatever_the_name(
    client: Client, anna: User, limit: int
) -> None:
    spray(client, 3)
    LoginFailure.objects.update(at=timezone.now() - timedelta(hours=1))
    attempt(client, "someone@example.org", "guess")
    assert LoginFailure.objects.filter(ip_address=ATTACKER).count() == 1


def test_no_address_is_no_address_lock(db: None, limit: int) -> None:
    now = timezone.now()
    for n in range(limit + 2):
        services.login_failure_record(username=f"user{n}@example.org", ip=None, now=now)
    assert selectors.login_address_locked_until(ip=None, now=now) is None
    assert selectors.login_lock(username="new@example.org", ip=None, now=now) is None


def test_the_default_limit_is_documented_and_above_the_pair_limit(settings: Any) -> None:
    assert settings.IMVO_LOGIN_ADDRESS_FAILURE_LIMIT == 20
    assert settings.IMVO_LOGIN_ADDRESS_FAILURE_LIMIT > settings.IMVO_LOGIN_FAILURE_LIMIT
