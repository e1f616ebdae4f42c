"""Reads for accounts: finding users, companies and covenants by what people type, the
lock-out state of a login, and the lists the account pages and `imvo users list` show."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from imvo.core.errors import ImvoError
from imvo.web.accounts.models import ApiToken, Invitation, LoginFailure, Membership, Role
from imvo.web.accounts.permissions import (
    companies_invitable_by,
    covenants_administered_by,
    is_admin,
    stored_user,
)
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind

AnyUser = AbstractBaseUser | AnonymousUser


def login_name(raw: str) -> str:
    """What a login form's name field is compared as: the trimmed, lower-cased email."""
    return raw.strip().lower()[:254]


def user_get_by_email(email: str) -> User | None:
    return User.objects.filter(username=login_name(email)).first()


def membership_find(
    *, user: User, role: str, company: Organisation | None, covenant: Covenant | None
) -> Membership | None:
    return Membership.objects.filter(
        user=user, role=role, company=company, covenant=covenant
    ).first()


def memberships_of(user: AnyUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=stored_user(user)).select_related("company", "covenant")


def company_find(name_or_slug: str) -> Organisation:
    """The company with this slug, or else with this name (case ignored)."""
    text = name_or_slug.strip()
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    found = companies.filter(slug=text.lower()).first()
    if found is not None:
        return found
    by_name = list(companies.filter(name__iexact=text)[:2])
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise ImvoError(
            _("Several companies are called %(name)s; give the slug instead.") % {"name": text},
            field="company",
        )
    raise ImvoError(_("There is no company %(name)s.") % {"name": text}, field="company")


def covenant_find(slug: str) -> Covenant:
    found = Covenant.objects.filter(slug=slug.strip().lower()).first()
    if found is None:
        known = ", ".join(Covenant.objects.values_list("slug", flat=True))
        raise ImvoError(
            _("There is no covenant %(slug)s; known covenants: %(known)s.")
            % {"slug": slug.strip(), "known": known or "-"},
            field="covenant",
        )
    return found


def user_list() -> list[dict[str, Any]]:
    """Every account with its roles and live API tokens, by email."""
    users = User.objects.order_by("username").annotate(
        live_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True))
    )
    roles: dict[int, list[str]] = {}
    for membership in Membership.objects.select_related("company", "covenant").order_by("pk"):
        scope = membership.company or membership.covenant
        label = f"{membership.role}:{scope.slug}" if scope else membership.role
        roles.setdefault(membership.user_id, []).append(label)
    return [
        {
            "email": user.email or user.username,
            "active": user.is_active,
            "roles": roles.get(user.pk, []) + (["superuser"] if user.is_superuser else []),
            "tokens": user.live_tokens,
            "last_login": user.last_login,
        }
        for user in users
    ]


def api_token_list(*, email: str | None = None) -> list[dict[str, Any]]:
    """API tokens by owner (all, or those of `email`): prefix, name, use and revocation."""
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    if email:
        tokens = tokens.filter(user__username=login_name(email))
    return [
        {
            "prefix": token.prefix,
            "user": token.user.email or token.user.username,
            "name": token.name,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        for token in tokens
    ]


def api_token_find_live(prefix: str) -> ApiToken:
    """The one live token starting with `prefix` (as listed, an ellipsis allowed)."""
    text = prefix.strip().rstrip("…")
    found = list(
        ApiToken.objects.select_related("user").filter(
            prefix__startswith=text, revoked_at__isnull=True
        )[:2]
    )
    if not found or not text:
        raise ImvoError(
            _("No live API token starts with %(prefix)s.") % {"prefix": text}, field="prefix"
        )
    if len(found) > 1:
        raise ImvoError(
            _("Several API tokens start with %(prefix)s; give more of it.") % {"prefix": text},
            field="prefix",
        )
    return found[0]


def api_tokens_of(user: AnyUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=stored_user(user)).order_by("revoked_at", "-created_at")


# ---------------------------------------------------------------- invitations


def invitations_visible_to(user: AnyUser) -> QuerySet[Invitation]:
    """Invitations the user may see and withdraw: all for administrators; for a secretariat,
    those of its covenants; those for the companies it may invite users of (its own company,
    for a company user); and those it sent itself."""
    invitations = Invitation.objects.select_related("company", "covenant", "invited_by")
    if is_admin(user):
        return invitations
    visible = Q(
        role__in=(Role.SECRETARIAT, Role.OBSERVER), covenant__in=covenants_administered_by(user)
    ) | Q(role=Role.COMPANY, company__in=companies_invitable_by(user))
    inviter = stored_user(user)
    if inviter is not None:
        visible |= Q(invited_by=inviter)
    return invitations.filter(visible)


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    """pending, accepted, revoked or expired."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if (now or timezone.now()) >= invitation.expires_at:
        return "expired"
    return "pending"


# ---------------------------------------------------------------- failed-login throttling


def login_failure_limit() -> int:
    return max(1, int(settings.IMVO_LOGIN_FAILURE_LIMIT))


def login_failure_window() -> timedelta:
    return timedelta(minutes=max(1, int(settings.IMVO_LOGIN_FAILURE_WINDOW_MINUTES)))


def login_address_failure_limit() -> int:
    return max(1, int(settings.IMVO_LOGIN_ADDRESS_FAILURE_LIMIT))


def login_locked_until(*, username: str, ip: str | None, now: datetime) -> datetime | None:
    """Until when logins for this name from this address are refused, or None."""
    lock = login_lock(username=username, ip=ip, now=now)
    return lock[0] if lock is not None else None


def login_lock(*, username: str, ip: str | None, now: datetime) -> tuple[datetime, str] | None:
    """Until when logins for this name from this address are refused, and why: "account"
    (too many failures for this name from this address) or "address" (too many from this
    address, whatever the names: one password tried against many accounts). None if not.

    Locked while `limit` failures lie within the window: until the oldest of the last
    `limit` failures leaves it.
    """
    window = login_failure_window()
    since = now - window
    locks = []
    pair = LoginFailure.objects.filter(
        username=login_name(username), ip_address=ip or None, at__gt=since
    )
    if (until := _locked_until(pair, login_failure_limit(), window)) is not None:
        locks.append((until, "account"))
    if (until := login_address_locked_until(ip=ip, now=now)) is not None:
        locks.append((until, "address"))
    return max(locks) if locks else None


def login_address_locked_until(*, ip: str | None, now: datetime) -> datetime | None:
    """Until when every login from this address is refused, or None (also without an
    address: one unknown address would otherwise stand for every client)."""
    if not ip:
        return None
    window = login_failure_window()
    failures = LoginFailure.objects.filter(ip_address=ip, at__gt=now - window)
    return _locked_until(failures, login_address_failure_limit(), window)


def _locked_until(
    failures: QuerySet[LoginFailure], limit: int, window: timedelta
) -> datetime | None:
    recent = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    return recent[-1] + window
