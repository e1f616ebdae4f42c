"""Accounts in Django's admin: roles through the services, the audit trail read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from imvo.web.accounts import services
from imvo.web.accounts.models import AuditEvent, Membership
from imvo.web.registry.models import Covenant
from web.accounts.people import People


@pytest.fixture
def admin_client(people: People) -> Client:
    client = Client()
    client.force_login(people.administrator)
    return client


@pytest.mark.parametrize(
    "model", list(apps.get_app_config("accounts").get_models()), ids=lambda m: m.__name__
)
def test_every_accounts_changelist_opens(admin_client: Client, model: Any) -> None:
    url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


def test_the_user_page_shows_roles_and_tokens(admin_client: Client, people: People) -> None:
    services.api_token_create(user=people.zeeman_user)
    url = reverse("admin:auth_user_change", args=[people.zeeman_user.pk])
    html = admin_client.get(url).content.decode()
    assert "Zeeman" in html
    assert people.zeeman_user.api_tokens.get().prefix in html


def test_the_audit_trail_cannot_be_added_changed_or_deleted(
    admin_client: Client, people: People
) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    assert admin_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode(), "shown read-only"
    admin_client.post(change, {"action": "deleted"})
    event.refresh_from_db()
    assert event.action != "deleted"
    delete = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_role_granted_in_the_admin_is_audited(
    admin_client: Client, people: People, cast: Any
) -> None:
    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": people.hema_user.pk, "role": "observer", "covenant": cast.textile.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=people.hema_user, role="observer")
    event = AuditEvent.objects.get(action="membership-added", object_id=str(membership.pk))
    assert event.actor == people.administrator


def test_a_role_with_the_wrong_scope_is_refused_in_the_admin(
    admin_client: Client, people: People, cast: Any
) -> None:
    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": people.hema_user.pk, "role": "observer", "company": cast.hema.pk},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Membership.objects.filter(user=people.hema_user, role="observer").exists()


def test_tokens_are_revoked_with_an_admin_action(admin_client: Client, people: People) -> None:
    token, raw = services.api_token_create(user=people.zeeman_user)
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert services.api_token_use(raw=raw) is None
    assert AuditEvent.objects.filter(action="token-revoked", actor=people.administrator).exists()


def test_company_users_do_not_reach_the_admin(people: People) -> None:
    client = Client()
    client.force_login(people.zeeman_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_secretariat_edits_only_its_own_covenant_in_the_admin(people: People) -> None:
    client = Client()
    client.force_login(people.textile_secretariat)
    assert client.get("/admin/").status_code == 200
    listing = client.get(reverse("admin:registry_covenant_changelist"))
    assert listing.status_code == 200
    shown = {c.slug for c in listing.context["cl"].result_list}
    assert shown == {"textile"}
    textile = Covenant.objects.get(slug="textile")
    banking = Covenant.objects.get(slug="banking")
    assert (
        client.get(reverse("admin:registry_covenant_change", args=[textile.pk])).status_code == 200
    )
    other = client.get(reverse("admin:registry_covenant_change", args=[banking.pk]))
    assert other.status_code == 302  # Django's admin: "doesn't exist", back to the list
    # shared reference lists are read-only, the accounts are not theirs at all
    assert client.get(reverse("admin:registry_risksector_add")).status_code == 403
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 403


def test_withdrawing_the_last_secretariat_role_closes_the_admin(people: People) -> None:
    user = people.textile_secretariat
    membership = Membership.objects.get(user=user, role="secretariat")
    services.membership_delete(membership=membership, deleted_by=people.administrator)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()


def test_a_secretariat_changes_only_organisations_of_its_own_covenants(people: People) -> None:
    from imvo.web.registry.models import Brand, Organisation

    client = Client()
    client.force_login(people.textile_secretariat)
    zeeman = Organisation.objects.get(slug="zeeman")
    rabobank = Organisation.objects.get(slug="rabobank")
    listing = client.get(reverse("admin:registry_organisation_changelist"))
    assert {"zeeman", "rabobank"} <= {o.slug for o in listing.context["cl"].result_list}

    own = client.get(reverse("admin:registry_organisation_change", args=[zeeman.pk]))
    assert own.status_code == 200 and own.context["has_change_permission"]
    other = client.get(reverse("admin:registry_organisation_change", args=[rabobank.pk]))
    assert other.status_code == 200 and not other.context["has_change_permission"]
    posted = client.post(
        reverse("admin:registry_organisation_change", args=[rabobank.pk]),
        {"name": "Renamed", "slug": "rabobank", "kind": "company"},
    )
    assert posted.status_code == 403
    rabobank.refresh_from_db()
    assert rabobank.name != "Renamed"
    deleted = client.post(
        reverse("admin:registry_organisation_delete", args=[rabobank.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403 and Organisation.objects.filter(pk=rabobank.pk).exists()

    brand = Brand.objects.create(company=rabobank, name="Rabo", slug="rabo")
    page = client.get(reverse("admin:registry_brand_change", args=[brand.pk]))
    assert not page.context["has_change_permission"]
    # the administrator changes anything
    admin = Client()
    admin.force_login(people.administrator)
    page = admin.get(reverse("admin:registry_organisation_change", args=[rabobank.pk]))
    assert page.context["has_change_permission"]


def test_an_account_added_in_the_admin_gets_a_lower_case_login_and_can_log_in(
    admin_client: Client, people: People
) -> None:
    from django.contrib.auth.models import User

    added = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "  Kees@Wibra.Example ",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "usable_password": "true",
        },
    )
    assert added.status_code == 302
    user = User.objects.get(username="kees@wibra.example")
    client = Client()
    assert client.login(username="kees@wibra.example", password="a long enough passphrase 42")
    again = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "KEES@wibra.example",
            "password1": "another long passphrase 43",
            "password2": "another long passphrase 43",
            "usable_password": "true",
        },
    )
    assert again.status_code == 200
    assert list(again.context["adminform"].form.errors) == ["username"]
    assert User.objects.filter(username__iexact="kees@wibra.example").count() == 1
    assert user.pk
