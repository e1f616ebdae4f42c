"""Writes for accounts: users and their roles, invitations, API tokens, login bookkeeping and
the audit trail. Every write that changes who may do what is recorded with `audit_record`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from imvo.core.errors import ImvoError
from imvo.web.accounts import selectors
from imvo.web.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    Invitation,
    LoginFailure,
    Membership,
    Role,
    scope_label,
)
from imvo.web.accounts.permissions import (
    can_administer_covenant,
    companies_invitable_by,
    grants_forget,
    is_admin,
    stored_user,
)
from imvo.web.busy import write_unless_busy
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind, Participation

AnyUser = AbstractBaseUser | AnonymousUser

# ---------------------------------------------------------------- audit trail

AUDIT_HIDDEN = "[hidden]"
AUDIT_SECRET_WORDS = ("password", "token", "secret", "hash", "nonce", "key")
AUDIT_MAX_KEYS = 40
AUDIT_MAX_TEXT = 200


def audit_record(
    *,
    actor: AnyUser | None,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (an `AuditAction`) to `obj`, with a short summary of
    what changed. Values under secret-looking keys are replaced, long texts shortened."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    user = stored_user(actor)
    return AuditEvent.objects.create(
        at=now or timezone.now(),
        actor=user,
        actor_email=_user_label(user) if user is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:AUDIT_MAX_TEXT] if obj is not None else "",
        changes=audit_changes_clean(changes or {}),
        ip_address=ip or None,
    )


def audit_changes_clean(changes: Mapping[str, Any], *, depth: int = 0) -> dict[str, Any]:
    """`changes` as short JSON: secrets hidden, texts cut, at most `AUDIT_MAX_KEYS` keys, and
    nothing nested deeper than {"field": {"old": …, "new": …}}."""
    clean: dict[str, Any] = {}
    for key in list(changes)[:AUDIT_MAX_KEYS]:
        name = str(key)[:AUDIT_MAX_TEXT]
        if any(word in name.lower() for word in AUDIT_SECRET_WORDS):
            clean[name] = AUDIT_HIDDEN
        else:
            clean[name] = _audit_value(changes[key], depth=depth)
    return clean


def _audit_value(value: Any, *, depth: int) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth == 0 and isinstance(value, Mapping):
        return audit_changes_clean(value, depth=1)
    if depth == 0 and isinstance(value, list | tuple | set | frozenset):
        return [_audit_value(item, depth=1) for item in list(value)[:AUDIT_MAX_KEYS]]
    return str(value)[:AUDIT_MAX_TEXT]


def _user_label(user: AbstractBaseUser) -> str:
    return str(getattr(user, "email", "") or user.get_username())


# ---------------------------------------------------------------- users and roles


def _email_checked(email: str) -> str:
    normalised = selectors.login_name(email)
    try:
        validate_email(normalised)
    except ValidationError:
        raise ImvoError(
            _("%(email)s is not an email address.") % {"email": email.strip()[:100]},
            field="email",
        ) from None
    return normalised


def _password_checked(password: str, *, email: str) -> None:
    if not password:
        raise ImvoError(_("Choose a password."), field="password")
    try:
        validate_password(password, user=User(username=email, email=email))
    except ValidationError as error:
        raise ImvoError(" ".join(error.messages), field="password") from None


def user_create(
    *,
    email: str,
    password: str | None = None,
    created_by: AnyUser | None = None,
    ip: str | None = None,
) -> User:
    """A new account whose login name is the lower-cased email; without a password, the
    account cannot log in until one is set (through an invitation)."""
    email = _email_checked(email)
    if selectors.user_get_by_email(email) is not None:
        raise ImvoError(
            _("An account for %(email)s already exists.") % {"email": email}, field="email"
        )
    if password is not None:
        _password_checked(password, email=email)
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password)
        audit_record(
            actor=created_by, action=AuditAction.CREATED, obj=user, changes={"email": email}, ip=ip
        )
    return user


def _scope_checked(
    role: str, company: Organisation | None, covenant: Covenant | None
) -> tuple[Role, Organisation | None, Covenant | None]:
    """The role and its scope, or a clear error when they do not fit together."""
    if role not in Role.values:
        choices = ", ".join(Role.values)
        raise ImvoError(
            _("%(role)s is not a role; choose one of %(choices)s.")
            % {"role": role, "choices": choices},
            field="role",
        )
    checked = Role(role)
    if checked == Role.COMPANY:
        if company is None:
            raise ImvoError(_("A company user needs a company."), field="company")
        if company.kind != OrganisationKind.COMPANY:
            raise ImvoError(
                _("%(name)s is not a company.") % {"name": company.name}, field="company"
            )
        return checked, company, None
    if checked in (Role.SECRETARIAT, Role.OBSERVER):
        if covenant is None:
            raise ImvoError(_("A secretariat or observer role needs a covenant."), field="covenant")
        return checked, None, covenant
    return checked, None, None


def membership_create(
    *,
    user: User,
    role: str,
    company: Organisation | None = None,
    covenant: Covenant | None = None,
    created_by: AnyUser | None = None,
    ip: str | None = None,
) -> Membership:
    """Give `user` a role: company user of `company`, secretariat or observer of `covenant`,
    or administrator (which also opens Django's admin to them). Scope arguments that do not
    belong to the role are ignored."""
    checked, company, covenant = _scope_checked(role, company, covenant)
    if selectors.membership_find(user=user, role=checked, company=company, covenant=covenant):
        raise ImvoError(
            _("%(email)s already is %(role)s.")
            % {"email": _user_label(user), "role": scope_label(checked, company, covenant)},
            field="role",
        )
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user,
            role=checked,
            company=company,
            covenant=covenant,
            created_by=stored_user(created_by),
        )
        if checked == Role.ADMIN and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        _registry_editing_sync(user)
        audit_record(
            actor=created_by,
            action=AuditAction.MEMBERSHIP_ADDED,
            obj=membership,
            changes=_membership_summary(membership),
            ip=ip,
        )
    grants_forget(user)
    return membership


def membership_delete(
    *, membership: Membership, deleted_by: AnyUser | None, ip: str | None = None
) -> None:
    """Withdraw a role; withdrawing the administrator role closes Django's admin again."""
    user = membership.user
    summary = _membership_summary(membership)
    with transaction.atomic():
        audit_record(
            actor=deleted_by,
            action=AuditAction.MEMBERSHIP_REMOVED,
            obj=membership,
            changes=summary,
            ip=ip,
        )
        if membership.role == Role.ADMIN:
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        membership.delete()
        _registry_editing_sync(user)
    grants_forget(user)


# A secretariat keeps its covenants' registry rows in Django's admin; the admin itself limits
# the rows to the covenants it administers (imvo.web.registry.admin.RegistryAdmin).
SECRETARIAT_GROUP = "secretariat"
SECRETARIAT_PERMISSIONS = {
    "covenant": ("view", "change"),
    "statuschange": ("view", "add", "change", "delete"),
    "participation": ("view", "add", "change", "delete"),
    "observation": ("view", "add", "change", "delete"),
    "target": ("view", "add", "change", "delete"),
    "themecoverage": ("view", "add", "change", "delete"),
    "organisation": ("view", "add", "change"),
    "brand": ("view", "add", "change"),
    "source": ("view", "add", "change"),
    "risksector": ("view",),
    "theme": ("view",),
}


def secretariat_group() -> Group:
    """The group whose permissions let a secretariat edit its covenants in the admin."""
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions in SECRETARIAT_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="registry", codename__in=codenames
    )
    group.permissions.set(permissions)
    return group


def _registry_editing_sync(user: User) -> None:
    """Staff access and the secretariat group follow the user's secretariat memberships."""
    is_secretariat = Membership.objects.filter(user=user, role=Role.SECRETARIAT).exists()
    group = secretariat_group()
    if is_secretariat:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    staff = is_secretariat or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def _membership_summary(membership: Membership) -> dict[str, Any]:
    summary: dict[str, Any] = {"user": _user_label(membership.user), "role": membership.role}
    if membership.company is not None:
        summary["company"] = membership.company.slug
    if membership.covenant is not None:
        summary["covenant"] = membership.covenant.slug
    return summary


def user_add(
    *,
    email: str,
    role: str,
    password: str | None = None,
    company: Organisation | None = None,
    covenant: Covenant | None = None,
    created_by: AnyUser | None = None,
) -> tuple[User, Membership]:
    """`imvo users add`: create the account if it is new (with `password`), then give it the
    role. For an existing account the password is left as it is."""
    _scope_checked(role, company, covenant)  # fail before anything is written
    with transaction.atomic():
        user = selectors.user_get_by_email(email)
        if user is None:
            user = user_create(email=email, password=password, created_by=created_by)
        membership = membership_create(
            user=user, role=role, company=company, covenant=covenant, created_by=created_by
        )
    return user, membership


# ---------------------------------------------------------------- participations

# Who takes part in which covenant decides whose data a secretariat reads, so every change of a
# participation is recorded here, in the audit trail (the registry itself sits below it).
PARTICIPATION_AUDITED = ("covenant", "organisation", "joined_on", "left_on", "synthetic")


def _participation_values(participation: Participation) -> dict[str, Any]:
    return {
        "covenant": participation.covenant.slug,
        "organisation": participation.organisation.slug,
        "joined_on": participation.joined_on.isoformat() if participation.joined_on else None,
        "left_on": participation.left_on.isoformat() if participation.left_on else None,
        "synthetic": participation.synthetic,
    }


def _participation_checked(participation: Participation, actor: AnyUser | None) -> None:
    if actor is not None and not can_administer_covenant(actor, participation.covenant):
        raise ImvoError(
            _("You cannot change who takes part in %(covenant)s.")
            % {"covenant": participation.covenant.short_name},
            field="covenant",
        )
    if participation.left_on is not None and participation.left_on < participation.joined_on:
        raise ImvoError(_("A participation cannot end before it began."), field="left_on")


def participation_save(
    *, participation: Participation, saved_by: AnyUser | None, ip: str | None = None
) -> Participation:
    """Store a new or changed participation (as the admin's form filled it in) and record
    it: a new one with its values, a change with each field's old and new value. `saved_by`
    must do secretariat work on the covenant, before and after a change (None: the operator)."""
    before = (
        Participation.objects.select_related("covenant", "organisation")
        .filter(pk=participation.pk)
        .first()
        if participation.pk is not None
        else None
    )
    if before is not None:
        _participation_checked(before, saved_by)
    _participation_checked(participation, saved_by)
    with transaction.atomic():
        participation.save()
        after = _participation_values(participation)
        if before is None:
            audit_record(
                actor=saved_by, action=AuditAction.CREATED, obj=participation, changes=after, ip=ip
            )
        else:
            old = _participation_values(before)
            changed = {
                name: {"old": old[name], "new": after[name]}
                for name in PARTICIPATION_AUDITED
                if old[name] != after[name]
            }
            audit_record(
                actor=saved_by,
                action=AuditAction.CHANGED,
                obj=participation,
                changes={
                    "covenant": after["covenant"],
                    "organisation": after["organisation"],
                    **changed,
                },
                ip=ip,
            )
    return participation


def participation_create(
    *,
    covenant: Covenant,
    organisation: Organisation,
    joined_on: date,
    left_on: date | None = None,
    created_by: AnyUser | None = None,
    ip: str | None = None,
) -> Participation:
    """`organisation` takes part in `covenant` from `joined_on` (until `left_on`), recorded in
    the audit trail."""
    return participation_save(
        participation=Participation(
            covenant=covenant, organisation=organisation, joined_on=joined_on, left_on=left_on
        ),
        saved_by=created_by,
        ip=ip,
    )


def participation_delete(
    *, participation: Participation, deleted_by: AnyUser | None, ip: str | None = None
) -> None:
    """Remove a participation (a mistake; a company that leaves gets `left_on` instead),
    recorded in the audit trail with what it was."""
    _participation_checked(participation, deleted_by)
    with transaction.atomic():
        audit_record(
            actor=deleted_by,
            action=AuditAction.DELETED,
            obj=participation,
            changes=_participation_values(participation),
            ip=ip,
        )
        participation.delete()


# ---------------------------------------------------------------- API tokens

API_TOKEN_START = "imvo_"
API_TOKEN_PREFIX_LENGTH = 12


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str = "",
    created_by: AnyUser | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for `user`. The token itself is returned once and never stored."""
    if not user.is_active:
        raise ImvoError(
            _("%(email)s is deactivated and cannot have API tokens.")
            % {"email": _user_label(user)},
            field="user",
        )
    raw = API_TOKEN_START + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=raw[:API_TOKEN_PREFIX_LENGTH],
            key_hash=api_token_hash(raw),
            created_at=now or timezone.now(),
            created_by=stored_user(created_by),
        )
        audit_record(
            actor=created_by,
            action=AuditAction.TOKEN_CREATED,
            obj=token,
            changes={"user": _user_label(user), "prefix": token.prefix, "name": token.name},
            now=now,
        )
    return token, raw


def api_token_revoke(
    *, token: ApiToken, revoked_by: AnyUser | None, now: datetime | None = None
) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    now = now or timezone.now()
    with transaction.atomic():
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=revoked_by,
            action=AuditAction.TOKEN_REVOKED,
            obj=token,
            changes={"user": _user_label(token.user), "prefix": token.prefix},
            now=now,
        )
    return token


API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def api_token_use(*, raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token `raw` stands for, its last use noted (at most once a minute, to spare
    the database a write per request; skipped while the database is busy, so that a request
    never fails over it); None when unknown, revoked or its user deactivated."""
    if not raw.startswith(API_TOKEN_START):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        noted = now
        if write_unless_busy(
            lambda: ApiToken.objects.filter(pk=token.pk).update(last_used_at=noted),
            what=f"the last use of token {token.prefix}",
        ):
            token.last_used_at = now
    return token


# ---------------------------------------------------------------- invitations

INVITATION_SALT = "imvo.accounts.invitation"


def can_invite(
    user: AnyUser, role: str, company: Organisation | None, covenant: Covenant | None
) -> bool:
    """Administrators invite anyone; a secretariat invites its covenant's secretariat and
    observers, and users of companies whose data it sees in full (they take part in its
    covenants and in no other: `companies_invitable_by`); a company's users invite their
    colleagues. A company user may change what is published of the company, so a secretariat
    never creates one for a company that also hands in data to another covenant."""
    if is_admin(user):
        return True
    if role in (Role.SECRETARIAT, Role.OBSERVER):
        return covenant is not None and can_administer_covenant(user, covenant)
    if role == Role.COMPANY:
        return company is not None and companies_invitable_by(user).filter(pk=company.pk).exists()
    return False


def invitation_create(
    *,
    invited_by: User,
    email: str,
    role: str,
    company: Organisation | None = None,
    covenant: Covenant | None = None,
    accept_url: Callable[[str], str],
    now: datetime | None = None,
    ip: str | None = None,
) -> tuple[Invitation, str]:
    """Invite `email` to take up a role and email them a link, `accept_url(token)`. The link
    works once, until it expires; an earlier open invitation to the same role is revoked."""
    email = _email_checked(email)
    checked, company, covenant = _scope_checked(role, company, covenant)
    if not can_invite(invited_by, checked, company, covenant):
        raise ImvoError(
            _("You cannot invite users for %(scope)s.")
            % {"scope": scope_label(checked, company, covenant)},
            field="company" if checked == Role.COMPANY else "covenant",
        )
    existing = selectors.user_get_by_email(email)
    if existing is not None and selectors.membership_find(
        user=existing, role=checked, company=company, covenant=covenant
    ):
        raise ImvoError(
            _("%(email)s already is %(role)s.")
            % {"email": email, "role": scope_label(checked, company, covenant)},
            field="email",
        )
    now = now or timezone.now()
    nonce = secrets.token_urlsafe(24)
    with transaction.atomic():
        Invitation.objects.filter(
            email=email,
            role=checked,
            company=company,
            covenant=covenant,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            email=email,
            role=checked,
            company=company,
            covenant=covenant,
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.IMVO_INVITATION_DAYS),
            nonce_hash=api_token_hash(nonce),
        )
        token = signing.dumps({"i": invitation.pk, "n": nonce}, salt=INVITATION_SALT)
        audit_record(
            actor=invited_by,
            action=AuditAction.INVITED,
            obj=invitation,
            changes={"email": email, **_invitation_scope(invitation)},
            ip=ip,
            now=now,
        )
        _invitation_send(invitation, accept_url(token))
    return invitation, token


def _invitation_scope(invitation: Invitation) -> dict[str, str]:
    scope = {"role": invitation.role}
    if invitation.company is not None:
        scope["company"] = invitation.company.slug
    if invitation.covenant is not None:
        scope["covenant"] = invitation.covenant.slug
    return scope


def _invitation_send(invitation: Invitation, link: str) -> None:
    """The invitation email, in the language active for the inviter's request."""
    context = {
        "invitation": invitation,
        "role": scope_label(invitation.role, invitation.company, invitation.covenant),
        "link": link,
        "inviter": _user_label(invitation.invited_by) if invitation.invited_by else "",
    }
    subject = render_to_string("accounts/invitation_email_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email], fail_silently=False)


def invitation_from_token(
    token: str, *, now: datetime | None = None, for_update: bool = False
) -> Invitation:
    """The open invitation a link stands for, or a clear error: not a valid link, already
    used, withdrawn or expired."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT)
        pk, nonce = int(payload["i"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ImvoError(_("This invitation link is not valid."), field="token") from None
    invitations = Invitation.objects.select_related("company", "covenant", "invited_by")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=pk).first()
    if invitation is None or not hmac.compare_digest(invitation.nonce_hash, api_token_hash(nonce)):
        raise ImvoError(_("This invitation link is not valid."), field="token")
    if invitation.accepted_at is not None:
        raise ImvoError(_("This invitation has already been used."), field="token")
    if invitation.revoked_at is not None:
        raise ImvoError(_("This invitation has been withdrawn."), field="token")
    if (now or timezone.now()) >= invitation.expires_at:
        raise ImvoError(
            _("This invitation has expired; ask for a new one."),
            field="token",
        )
    return invitation


def invitation_accept(
    *,
    token: str,
    password: str | None = None,
    user: AnyUser | None = None,
    now: datetime | None = None,
    ip: str | None = None,
) -> User:
    """Take up an invitation: as a new account with `password`, or, for an address that has
    an account already, as that account's logged-in `user`. The link is then used up."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_from_token(token, now=now, for_update=True)
        inviter = invitation.invited_by
        if inviter is None or not can_invite(
            inviter, invitation.role, invitation.company, invitation.covenant
        ):
            # The inviter may no longer grant the role (it lost its own, or the company now
            # hands in data to a covenant it does not see): the link lapses.
            raise ImvoError(
                _("This invitation is no longer valid; ask for a new one."), field="token"
            )
        existing = selectors.user_get_by_email(invitation.email)
        if user is not None and user.is_authenticated:
            if existing is None or existing.pk != user.pk:
                raise ImvoError(
                    _("This invitation is for %(email)s; log out and open the link again.")
                    % {"email": invitation.email},
                    field="token",
                )
            account = existing
        elif existing is not None:
            raise ImvoError(
                _("An account for %(email)s already exists: log in, then open the link again.")
                % {"email": invitation.email},
                field="token",
            )
        else:
            _password_checked(password or "", email=invitation.email)
            account = user_create(
                email=invitation.email, password=password, created_by=invitation.invited_by, ip=ip
            )
        if not selectors.membership_find(
            user=account,
            role=invitation.role,
            company=invitation.company,
            covenant=invitation.covenant,
        ):
            membership_create(
                user=account,
                role=invitation.role,
                company=invitation.company,
                covenant=invitation.covenant,
                created_by=invitation.invited_by,
                ip=ip,
            )
        invitation.accepted_at = now
        invitation.accepted_by = account
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=account,
            action=AuditAction.INVITATION_ACCEPTED,
            obj=invitation,
            changes=_invitation_scope(invitation),
            ip=ip,
            now=now,
        )
    return account


def invitation_revoke(
    *, invitation: Invitation, revoked_by: AnyUser, now: datetime | None = None
) -> Invitation:
    """Withdraw an invitation that was not used yet; its link stops working."""
    if invitation.accepted_at is not None:
        raise ImvoError(_("This invitation has already been used."), field="invitation")
    if invitation.revoked_at is not None:
        return invitation
    now = now or timezone.now()
    with transaction.atomic():
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=revoked_by,
            action=AuditAction.INVITATION_REVOKED,
            obj=invitation,
            changes={"email": invitation.email, **_invitation_scope(invitation)},
            now=now,
        )
    return invitation


# ---------------------------------------------------------------- login bookkeeping


def login_failure_record(
    *, username: str, ip: str | None, now: datetime | None = None
) -> datetime | None:
    """Count a failed login for this login name and address; returns until when the pair (or
    the whole address) is locked out when this failure reached a limit, else None. The
    failure that locks the address out is audited as such."""
    now = now or timezone.now()
    window = selectors.login_failure_window()
    username = selectors.login_name(username)
    with transaction.atomic():
        LoginFailure.objects.filter(ip_address=ip or None, at__lt=now - window).delete()
        address_was_locked = selectors.login_address_locked_until(ip=ip, now=now) is not None
        LoginFailure.objects.create(username=username, ip_address=ip or None, at=now)
        user = selectors.user_get_by_email(username)
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            changes={"username": username},
            ip=ip,
            now=now,
        )
        lock = selectors.login_lock(username=username, ip=ip, now=now)
        address_until = selectors.login_address_locked_until(ip=ip, now=now)
        if address_until is not None and not address_was_locked:
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_LOCKED,
                obj=None,
                changes={
                    "scope": "address",
                    "failures": selectors.login_address_failure_limit(),
                    "until": address_until.isoformat(),
                },
                ip=ip,
                now=now,
            )
    return lock[0] if lock is not None else None


def login_refusal_record(
    *, username: str, ip: str | None, now: datetime | None = None, scope: str = "account"
) -> None:
    """Note an attempt refused because the login name and address (scope "account") or the
    address as a whole (scope "address") are locked out."""
    user = selectors.user_get_by_email(selectors.login_name(username))
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_LOCKED,
        obj=user,
        changes={"username": selectors.login_name(username), "scope": scope},
        ip=ip,
        now=now,
    )


def login_success_record(
    *, user: AbstractBaseUser, username: str, ip: str | None, now: datetime | None = None
) -> None:
    """A successful login: the failures counted for this name and address are forgiven."""
    with transaction.atomic():
        LoginFailure.objects.filter(
            username=selectors.login_name(username), ip_address=ip or None
        ).delete()
        audit_record(actor=user, action=AuditAction.LOGGED_IN, obj=user, ip=ip, now=now)


def logout_record(*, user: AnyUser, ip: str | None) -> None:
    if isinstance(user, AbstractBaseUser) and user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGGED_OUT, obj=user, ip=ip)
