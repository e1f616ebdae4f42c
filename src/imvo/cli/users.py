"""`imvo users`: accounts, roles and API tokens from the command line.

The command line is the operator's tool, run on the server with the database's own rights:
it grants any role for any company or covenant, unlike the web and the API, where a
secretariat creates company accounts only for companies whose data it sees in full
(`imvo.web.accounts.permissions.companies_invitable_by`).
"""

from __future__ import annotations

import os

import click

from imvo.cli.base import cli, database, django_setup, emit, fail, format_option

ROLES = ("company", "secretariat", "observer", "admin")
PASSWORD_VARIABLE = "IMVO_PASSWORD"


@cli.group()
def users() -> None:
    """Accounts: add users with a role, give them API tokens, list them."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The user's role.")
@click.option("--company", help="For --role company: the company's name or slug.")
@click.option("--covenant", help="For --role secretariat or observer: the covenant's slug.")
def users_add(email: str, role: str, company: str | None, covenant: str | None) -> None:
    """Add EMAIL with a role, or give an existing account another role.

    A new account's password comes from IMVO_PASSWORD when set, else from a hidden prompt.
    """
    if role == "company" and not company:
        fail("--role company needs --company NAME_OR_SLUG")
    if role in ("secretariat", "observer") and not covenant:
        fail(f"--role {role} needs --covenant SLUG")
    if company and role != "company":
        fail("--company only goes with --role company")
    if covenant and role not in ("secretariat", "observer"):
        fail("--covenant only goes with --role secretariat or observer")
    django_setup()
    from imvo.web.accounts import selectors, services
    from imvo.web.accounts.models import scope_label

    with database():
        found_company = selectors.company_find(company) if company else None
        found_covenant = selectors.covenant_find(covenant) if covenant else None
        existing = selectors.user_get_by_email(email)
        password = None
        if existing is None:
            password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
                "Password", hide_input=True, confirmation_prompt=True
            )
        user, membership = services.user_add(
            email=email,
            role=role,
            password=password,
            company=found_company,
            covenant=found_covenant,
        )
    label = scope_label(membership.role, membership.company, membership.covenant)
    if existing is None:
        click.echo(f"added {user.email} as {label}")
    else:
        click.echo(f"{user.email} is now also {label} (password unchanged)")


@users.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'ERP export'.")
def users_token(email: str, name: str) -> None:
    """Make a new API token for EMAIL and print it. It is shown this once only."""
    django_setup()
    from imvo.core.errors import ImvoError
    from imvo.web.accounts import selectors, services

    with database():
        user = selectors.user_get_by_email(email)
        if user is None:
            raise ImvoError(f"there is no account {email.strip()}", field="email")
        token, raw = services.api_token_create(user=user, name=name)
    click.echo(raw)
    click.echo(
        f"token {token.prefix}… for {user.email}: keep it now, it cannot be shown again; "
        f"send it as 'Authorization: Bearer <token>'",
        err=True,
    )


@users.command("revoke-token")
@click.argument("prefix")
def users_revoke_token(prefix: str) -> None:
    """Revoke the API token that starts with PREFIX (as `imvo users list-tokens` shows it)."""
    django_setup()
    from imvo.web.accounts import selectors, services

    with database():
        token = services.api_token_revoke(
            token=selectors.api_token_find_live(prefix), revoked_by=None
        )
    click.echo(f"revoked token {token.prefix}… of {token.user.email}")


@users.command("list")
@format_option
def users_list(fmt: str) -> None:
    """Every account with its roles and number of live API tokens."""
    django_setup()
    from imvo.web.accounts.selectors import user_list

    with database():
        items = user_list()
    emit(
        items,
        fmt,
        title="Users",
        columns=[
            ("email", "email"),
            ("active", "active"),
            ("roles", "roles"),
            ("tokens", "API tokens"),
            ("last_login", "last login"),
        ],
        rows=items,
    )


@users.command("list-tokens")
@click.argument("email", required=False)
@format_option
def users_list_tokens(email: str | None, fmt: str) -> None:
    """API tokens (prefix, owner, use, revocation), of EMAIL or of everyone."""
    django_setup()
    from imvo.web.accounts.selectors import api_token_list

    with database():
        items = api_token_list(email=email)
    emit(
        items,
        fmt,
        title="API tokens",
        columns=[
            ("prefix", "token"),
            ("user", "user"),
            ("name", "name"),
            ("created_at", "created"),
            ("last_used_at", "last used"),
            ("revoked_at", "revoked"),
        ],
        rows=items,
    )
