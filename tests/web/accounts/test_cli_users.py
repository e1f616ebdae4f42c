"""`imvo users add|token|list|list-tokens|revoke-token`, run in-process on the test database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from imvo.cli import cli, main
from imvo.web.accounts.models import ApiToken, Membership
from web.accounts.people import PASSWORD


@pytest.fixture(autouse=True)
def restore_language() -> Iterator[None]:
    """The CLI activates English; give the next test back the default."""
    yield
    translation.deactivate()


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("IMVO_PASSWORD", PASSWORD)
    return PASSWORD


def imvo(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit.value.code or 0), out, err


def test_users_add_creates_a_company_user_with_the_password_from_the_environment(
    cast: Any, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = imvo(
        capsys, "users", "add", "Anna@Zeeman.example", "--role", "company", "--company", "Zeeman"
    )
    assert code == 0
    assert out.strip() == "added anna@zeeman.example as company user (Zeeman)"
    user = User.objects.get(username="anna@zeeman.example")
    assert user.check_password(password)
    assert user.password.startswith("argon2")
    assert [(m.role, m.company) for m in user.memberships.all()] == [("company", cast.zeeman)]


def test_users_add_finds_the_company_by_slug_or_name(
    cast: Any, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        imvo(capsys, "users", "add", "a@hema.example", "--role", "company", "--company", "hema")[0]
        == 0
    )
    assert (
        imvo(capsys, "users", "add", "b@hema.example", "--role", "company", "--company", "HEMA")[0]
        == 0
    )
    assert Membership.objects.filter(company=cast.hema).count() == 2


def test_users_add_gives_an_existing_account_another_role(
    cast: Any, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    imvo(
        capsys,
        "users",
        "add",
        "sanne@ser.example",
        "--role",
        "secretariat",
        "--covenant",
        "textile",
    )
    code, out, _ = imvo(
        capsys, "users", "add", "sanne@ser.example", "--role", "observer", "--covenant", "banking"
    )
    assert code == 0
    assert "now also observer (Banken) (password unchanged)" in out


def test_users_add_admin(db: None, password: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert imvo(capsys, "users", "add", "root@imvo.example", "--role", "admin")[0] == 0
    user = User.objects.get()
    assert user.is_superuser and user.is_staff


def test_users_add_prompts_for_a_hidden_password(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("IMVO_PASSWORD", raising=False)
    result = CliRunner().invoke(
        cli,
        ["users", "add", "olga@fnv.example", "--role", "observer", "--covenant", "textile"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert User.objects.get(username="olga@fnv.example").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "company"], "--role company needs --company NAME_OR_SLUG"),
        (["--role", "secretariat"], "--role secretariat needs --covenant SLUG"),
        (["--role", "observer", "--company", "zeeman"], "--role observer needs --covenant"),
        (["--role", "admin", "--covenant", "textile"], "--covenant only goes with"),
        (["--role", "secretariat", "--covenant", "textile", "--company", "hema"], "--company"),
        (["--role", "company", "--company", "Primark"], "There is no company Primark."),
        (["--role", "company", "--company", "fnv"], "There is no company fnv."),
        (["--role", "observer", "--covenant", "cocoa"], "There is no covenant cocoa"),
        (["--role", "chairman"], "Invalid value for '--role'"),
    ],
)
def test_users_add_errors_are_one_line_with_exit_code_2(
    cast: Any,
    password: str,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, _, err = imvo(capsys, "users", "add", "x@example.org", *args)
    assert code == 2
    assert err.startswith("imvo: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert not User.objects.exists()


def test_users_add_refuses_a_weak_password(
    cast: Any, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IMVO_PASSWORD", "zeeman")
    code, _, err = imvo(
        capsys, "users", "add", "anna@zeeman.example", "--role", "company", "--company", "zeeman"
    )
    assert code == 2
    assert err.startswith("imvo: error: password: ")
    assert "This password is too short." in err
    assert not User.objects.exists()


def test_users_token_prints_a_working_token_once(
    cast: Any, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    imvo(capsys, "users", "add", "anna@zeeman.example", "--role", "company", "--company", "zeeman")
    code, out, err = imvo(capsys, "users", "token", "anna@zeeman.example", "--name", "ERP")
    assert code == 0
    raw = out.strip()
    assert raw.startswith("imvo_") and "\n" not in raw
    assert "cannot be shown again" in err
    assert ApiToken.objects.get().name == "ERP"
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["email"] == "anna@zeeman.example"


def test_users_token_for_an_unknown_account_fails(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = imvo(capsys, "users", "token", "nobody@example.org")
    assert code == 2
    assert "there is no account nobody@example.org" in err


def test_users_list_and_token_revocation(
    cast: Any, password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    imvo(capsys, "users", "add", "anna@zeeman.example", "--role", "company", "--company", "zeeman")
    raw = imvo(capsys, "users", "token", "anna@zeeman.example")[1].strip()
    import json

    listed = json.loads(imvo(capsys, "users", "list", "--format", "json")[1])
    assert listed == [
        {
            "email": "anna@zeeman.example",
            "active": True,
            "roles": ["company:zeeman"],
            "tokens": 1,
            "last_login": None,
        }
    ]
    tokens = json.loads(imvo(capsys, "users", "list-tokens", "--format", "json")[1])
    assert [t["prefix"] for t in tokens] == [raw[:12]]
    code, out, _ = imvo(capsys, "users", "revoke-token", raw[:12] + "…")
    assert code == 0
    assert out.strip() == f"revoked token {raw[:12]}… of anna@zeeman.example"
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    code, _, err = imvo(capsys, "users", "revoke-token", raw[:12])
    assert code == 2
    assert "No live API token starts with" in err
