"""Accounts' writes: users, roles, API tokens, invitations and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.web.accounts import selectors, services
from imvo.web.accounts.models import ApiToken, AuditEvent, Invitation, Membership
from imvo.web.accounts.permissions import is_secretariat_of
from web.accounts.people import PASSWORD, People

pytestmark = pytest.mark.usefixtures("english")


def actions_on(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


# ---------------------------------------------------------------- users and roles


def test_user_create_logs_in_by_the_lower_cased_email_with_an_argon2_hash(db: None) -> None:
    user = services.user_create(email="  Anna@Zeeman.Example ", password=PASSWORD)
    assert user.username == user.email == "anna@zeeman.example"
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)
    assert actions_on(user) == ["created"]
    assert AuditEvent.objects.get().changes == {"email": "anna@zeeman.example"}


def test_user_create_without_password_cannot_log_in(db: None) -> None:
    user = services.user_create(email="anna@zeeman.example")
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not an address", PASSWORD, "email"),
        ("anna@zeeman.example", "short", "password"),
        ("anna@zeeman.example", "anna@zeeman.example", "password"),
        ("anna@zeeman.example", "12345678901234", "password"),
    ],
)
def test_user_create_refuses_bad_addresses_and_weak_passwords(
    db: None, email: str, password: str, field: str
) -> None:
    with pytest.raises(ImvoError) as error:
        services.user_create(email=email, password=password)
    assert error.value.field == field
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_user_create_refuses_an_address_in_use_whatever_its_case(db: None) -> None:
    services.user_create(email="anna@zeeman.example")
    with pytest.raises(ImvoError, match="already exists") as error:
        services.user_create(email="ANNA@zeeman.example")
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        ("company", {}, "company"),
        ("secretariat", {}, "covenant"),
        ("observer", {}, "covenant"),
        ("chairman", {}, "role"),
    ],
)
def test_membership_create_needs_the_scope_of_its_role(
    cast: Any, role: str, scope: dict[str, Any], field: str
) -> None:
    user = services.user_create(email="anna@zeeman.example")
    with pytest.raises(ImvoError) as error:
        services.membership_create(user=user, role=role, **scope)
    assert error.value.field == field
    assert not Membership.objects.exists()


def test_membership_create_refuses_a_union_as_company(cast: Any) -> None:
    user = services.user_create(email="olga@fnv.example")
    fnv = cast.textile.participations.get(organisation__slug="fnv").organisation
    with pytest.raises(ImvoError, match="FNV is not a company"):
        services.membership_create(user=user, role="company", company=fnv)


def test_membership_create_ignores_scope_that_does_not_belong_to_the_role(cast: Any) -> None:
    user = services.user_create(email="sanne@ser.example")
    membership = services.membership_create(
        user=user, role="secretariat", covenant=cast.textile, company=cast.zeeman
    )
    assert membership.company is None
    assert membership.covenant == cast.textile


def test_membership_create_refuses_the_same_role_twice(people: People, cast: Any) -> None:
    with pytest.raises(ImvoError, match="already is company user"):
        services.membership_create(user=people.zeeman_user, role="company", company=cast.zeeman)
    assert people.zeeman_user.memberships.count() == 1


def test_a_user_may_hold_several_roles(people: People, cast: Any) -> None:
    services.membership_create(user=people.zeeman_user, role="company", company=cast.hema)
    services.membership_create(
        user=people.zeeman_user, role="observer", covenant=cast.textile, created_by=None
    )
    assert people.zeeman_user.memberships.count() == 3


def test_membership_changes_are_audited_with_who_did_them(people: People, cast: Any) -> None:
    membership = services.membership_create(
        user=people.fnv_observer,
        role="observer",
        covenant=cast.banking,
        created_by=people.administrator,
    )
    event = AuditEvent.objects.filter(action="membership-added").latest()
    assert event.actor == people.administrator
    assert event.actor_email == "admin@imvo.example"
    assert event.changes == {"user": "olga@fnv.example", "role": "observer", "covenant": "banking"}
    pk = membership.pk
    services.membership_delete(membership=membership, deleted_by=people.administrator)
    removed = AuditEvent.objects.get(action="membership-removed")
    assert removed.object_id == str(pk)
    assert not Membership.objects.filter(pk=pk).exists()


def test_the_admin_role_opens_and_closes_djangos_admin(db: None) -> None:
    user = services.user_create(email="admin@imvo.example")
    membership = services.membership_create(user=user, role="admin")
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    services.membership_delete(membership=membership, deleted_by=None)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_user_add_gives_an_existing_account_another_role_without_touching_its_password(
    cast: Any,
) -> None:
    user, _ = services.user_add(
        email="Anna@Zeeman.example", role="company", company=cast.zeeman, password=PASSWORD
    )
    again, membership = services.user_add(
        email="anna@zeeman.example", role="secretariat", covenant=cast.textile, password="x"
    )
    assert again == user
    assert membership.role == "secretariat"
    again.refresh_from_db()
    assert again.check_password(PASSWORD)


def test_user_add_writes_nothing_when_the_role_is_wrong(db: None) -> None:
    with pytest.raises(ImvoError):
        services.user_add(email="anna@zeeman.example", role="company", password=PASSWORD)
    assert not User.objects.exists()


# ---------------------------------------------------------------- API tokens


def test_api_token_create_stores_only_a_hash_and_a_prefix(people: People) -> None:
    token, raw = services.api_token_create(user=people.zeeman_user, name="ERP export")
    assert raw.startswith("imvo_") and len(raw) > 40
    stored = ApiToken.objects.get()
    assert stored.prefix == raw[:12]
    assert stored.key_hash == services.api_token_hash(raw) != raw
    assert raw not in str(
        list(ApiToken.objects.values()) + list(AuditEvent.objects.values("changes"))
    )
    assert actions_on(token) == ["token-created"]


def test_api_token_use_finds_live_tokens_and_notes_their_last_use(people: People) -> None:
    token, raw = services.api_token_create(user=people.zeeman_user)
    now = timezone.now()
    assert services.api_token_use(raw=raw, now=now) == token
    token.refresh_from_db()
    assert token.last_used_at == now
    services.api_token_use(raw=raw, now=now + timedelta(seconds=10))
    token.refresh_from_db()
    assert token.last_used_at == now, "written at most once a minute"
    services.api_token_use(raw=raw, now=now + timedelta(minutes=2))
    token.refresh_from_db()
    assert token.last_used_at == now + timedelta(minutes=2)


def test_unknown_revoked_and_orphaned_tokens_do_not_authenticate(people: People) -> None:
    token, raw = services.api_token_create(user=people.zeeman_user)
    assert services.api_token_use(raw=raw + "x") is None
    assert services.api_token_use(raw="Bearer") is None
    services.api_token_revoke(token=token, revoked_by=people.zeeman_user)
    assert services.api_token_use(raw=raw) is None
    _, other = services.api_token_create(user=people.hema_user)
    people.hema_user.is_active = False
    people.hema_user.save()
    assert services.api_token_use(raw=other) is None


def test_a_deactivated_user_gets_no_new_token(people: People) -> None:
    people.hema_user.is_active = False
    with pytest.raises(ImvoError, match="deactivated"):
        services.api_token_create(user=people.hema_user)


def test_revoking_twice_is_recorded_once(people: People) -> None:
    token, _ = services.api_token_create(user=people.zeeman_user)
    services.api_token_revoke(token=token, revoked_by=None)
    services.api_token_revoke(token=token, revoked_by=None)
    assert actions_on(token) == ["token-revoked", "token-created"]


# ---------------------------------------------------------------- invitations


def link(token: str) -> str:
    return f"https://imvo.example/accounts/invitations/accept/{token}/"


def invite(people: People, **kwargs: Any) -> tuple[Invitation, str]:
    arguments = {"invited_by": people.textile_secretariat, "accept_url": link, **kwargs}
    return services.invitation_create(**arguments)


def test_the_secretariat_invites_a_user_of_a_company_in_its_covenant(
    people: People, cast: Any
) -> None:
    invitation, token = invite(
        people, email="Chris@Zeeman.example", role="company", company=cast.zeeman
    )
    assert invitation.email == "chris@zeeman.example"
    assert invitation.nonce_hash not in token
    (message,) = mail.outbox
    assert message.to == ["chris@zeeman.example"]
    assert link(token) in message.body
    assert "company user (Zeeman)" in message.body
    assert message.subject == "Your invitation to IMVO Monitor"
    event = AuditEvent.objects.get(action="invited")
    assert event.actor == people.textile_secretariat
    assert event.changes == {
        "email": "chris@zeeman.example",
        "role": "company",
        "company": "zeeman",
    }


@pytest.mark.parametrize(
    ("inviter", "role", "scope"),
    [
        ("textile_secretariat", "company", "rabobank"),  # not in the textile covenant
        ("textile_secretariat", "observer", "banking"),
        ("textile_secretariat", "admin", None),
        ("fnv_observer", "observer", "textile"),
        ("zeeman_user", "company", "hema"),  # a company's users invite only colleagues
        ("zeeman_user", "observer", "textile"),
    ],
)
def test_nobody_invites_beyond_their_own_covenant(
    people: People, cast: Any, inviter: str, role: str, scope: str | None
) -> None:
    from imvo.web.registry.models import Covenant, Organisation

    kwargs: dict[str, Any] = {}
    if role == "company":
        kwargs["company"] = Organisation.objects.get(slug=scope)
    elif scope:
        kwargs["covenant"] = Covenant.objects.get(slug=scope)
    with pytest.raises(ImvoError, match="You cannot invite"):
        invite(
            people, invited_by=getattr(people, inviter), email="x@example.org", role=role, **kwargs
        )
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_company_user_invites_a_colleague(people: People, cast: Any) -> None:
    invitation, _ = invite(
        people,
        invited_by=people.zeeman_user,
        email="chris@zeeman.example",
        role="company",
        company=cast.zeeman,
    )
    assert (invitation.company, invitation.invited_by) == (cast.zeeman, people.zeeman_user)


def test_a_secretariat_invites_no_users_of_a_company_that_also_takes_part_elsewhere(
    people: People, cast: Any
) -> None:
    """A company user can change what is published of its company in every covenant, so only
    a secretariat that sees all of the company's data creates its accounts."""
    from datetime import date

    from imvo.web.accounts.services import participation_create

    participation_create(
        covenant=cast.banking,
        organisation=cast.zeeman,
        joined_on=date(2019, 1, 1),
        created_by=people.banking_secretariat,
    )
    for secretariat in (people.textile_secretariat, people.banking_secretariat):
        with pytest.raises(ImvoError, match="You cannot invite"):
            invite(
                people,
                invited_by=secretariat,
                email="x@zeeman.example",
                role="company",
                company=cast.zeeman,
            )
    assert not Invitation.objects.exists()
    invite(
        people,
        invited_by=people.zeeman_user,
        email="x@zeeman.example",
        role="company",
        company=cast.zeeman,
    )
    invite(
        people,
        invited_by=people.administrator,
        email="y@zeeman.example",
        role="company",
        company=cast.zeeman,
    )
    assert Invitation.objects.count() == 2


def test_an_administrator_may_invite_another_administrator(people: People) -> None:
    invitation, _ = invite(
        people, invited_by=people.administrator, email="x@example.org", role="admin"
    )
    assert invitation.role == "admin"


def test_inviting_someone_who_already_has_the_role_is_refused(people: People, cast: Any) -> None:
    with pytest.raises(ImvoError, match="already is"):
        invite(people, email="anna@zeeman.example", role="company", company=cast.zeeman)


def test_a_new_invitation_withdraws_the_earlier_open_one(people: People, cast: Any) -> None:
    _, first_token = invite(people, email="x@example.org", role="observer", covenant=cast.textile)
    invite(people, email="x@example.org", role="observer", covenant=cast.textile)
    with pytest.raises(ImvoError, match="withdrawn"):
        services.invitation_from_token(first_token)


def test_accepting_creates_the_account_with_its_role_and_uses_up_the_link(
    people: People, cast: Any
) -> None:
    invitation, token = invite(
        people, email="chris@zeeman.example", role="company", company=cast.zeeman
    )
    user = services.invitation_accept(token=token, password=PASSWORD)
    assert user.email == "chris@zeeman.example"
    assert user.check_password(PASSWORD)
    assert [(m.role, m.company) for m in user.memberships.all()] == [("company", cast.zeeman)]
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert actions_on(invitation) == ["invitation-accepted", "invited"]
    with pytest.raises(ImvoError, match="already been used"):
        services.invitation_accept(token=token, password=PASSWORD)


def test_accepting_with_a_weak_password_changes_nothing(people: People, cast: Any) -> None:
    _, token = invite(people, email="chris@zeeman.example", role="company", company=cast.zeeman)
    with pytest.raises(ImvoError) as error:
        services.invitation_accept(token=token, password="zeeman")
    assert error.value.field == "password"
    assert selectors.user_get_by_email("chris@zeeman.example") is None
    services.invitation_accept(token=token, password=PASSWORD)  # the link still works


def test_an_expired_invitation_cannot_be_accepted(people: People, cast: Any) -> None:
    sent = timezone.now() - timedelta(days=8)
    _, token = invite(
        people, email="x@example.org", role="observer", covenant=cast.textile, now=sent
    )
    with pytest.raises(ImvoError, match="expired"):
        services.invitation_accept(token=token, password=PASSWORD)
    assert services.invitation_from_token(token, now=sent + timedelta(days=6))


def test_a_tampered_or_forged_link_is_not_valid(people: People, cast: Any) -> None:
    invitation, token = invite(
        people, email="x@example.org", role="observer", covenant=cast.textile
    )
    forged = signing.dumps({"i": invitation.pk, "n": "guessed"}, salt=services.INVITATION_SALT)
    unsigned = signing.dumps({"i": invitation.pk, "n": "guessed"}, salt="another-salt")
    for bad in (token[:-2] + "xx", forged, unsigned, "", "not-a-token"):
        with pytest.raises(ImvoError, match="not valid") as error:
            services.invitation_from_token(bad)
        assert error.value.field == "token"


def test_a_withdrawn_invitation_cannot_be_accepted(people: People, cast: Any) -> None:
    invitation, token = invite(
        people, email="x@example.org", role="observer", covenant=cast.textile
    )
    services.invitation_revoke(invitation=invitation, revoked_by=people.textile_secretariat)
    with pytest.raises(ImvoError, match="withdrawn"):
        services.invitation_accept(token=token, password=PASSWORD)


def test_an_existing_account_accepts_only_while_logged_in_as_itself(
    people: People, cast: Any
) -> None:
    _, token = invite(people, email="anna@zeeman.example", role="observer", covenant=cast.textile)
    with pytest.raises(ImvoError, match="log in"):
        services.invitation_accept(token=token, password=PASSWORD)
    with pytest.raises(ImvoError, match=r"for anna@zeeman\.example"):
        services.invitation_accept(token=token, user=people.hema_user)
    user = services.invitation_accept(token=token, user=people.zeeman_user)
    assert user == people.zeeman_user
    assert is_secretariat_of(user, cast.textile) is False
    assert user.memberships.filter(role="observer", covenant=cast.textile).exists()


# ---------------------------------------------------------------- audit trail


def test_audit_record_refuses_an_unknown_action(db: None) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        services.audit_record(actor=None, action="hacked")


def test_audit_record_keeps_the_actor_email_when_the_account_is_deleted(people: People) -> None:
    event = services.audit_record(
        actor=people.hema_user, action="submitted", obj=people.hema_user, changes={"year": 2018}
    )
    people.hema_user.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_email == "bram@hema.example"
    assert event.changes == {"year": 2018}


def test_audit_changes_hide_secrets_and_cut_long_texts() -> None:
    clean = services.audit_changes_clean(
        {
            "password": "hunter2",
            "api_token": "imvo_abc",
            "nested": {"secret_key": "x", "name": {"deeper": "y"}},
            "long": "z" * 1000,
            "items": [1, "two", {"three": 3}],
        }
    )
    assert clean["password"] == clean["api_token"] == "[hidden]"
    assert clean["nested"] == {"secret_key": "[hidden]", "name": "{'deeper': 'y'}"}
    assert len(clean["long"]) == services.AUDIT_MAX_TEXT
    assert clean["items"] == [1, "two", "{'three': 3}"]


SECRET_KEYS = st.sampled_from(["password", "Password2", "token", "key_hash", "nonce", "secret"])
PLAIN_KEYS = st.text(st.characters(codec="utf-8"), max_size=20).filter(
    lambda key: not any(word in key.lower() for word in services.AUDIT_SECRET_WORDS)
)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(PLAIN_KEYS, inner, max_size=5),
    max_leaves=20,
)


@given(
    secrets=st.dictionaries(SECRET_KEYS, st.text(min_size=8, alphabet="abcdefgh"), min_size=1),
    plain=st.dictionaries(PLAIN_KEYS, VALUES, max_size=60),
)
def test_audit_changes_never_keep_a_secret_value_and_stay_small(
    secrets: dict[str, str], plain: dict[str, Any]
) -> None:
    clean = services.audit_changes_clean({**secrets, **plain})
    assert len(clean) <= services.AUDIT_MAX_KEYS
    for key in secrets:
        assert clean.get(key, "[hidden]") == "[hidden]"

    def depth(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    assert depth(clean) <= 2
    import json

    json.dumps(clean)  # storable as JSON
