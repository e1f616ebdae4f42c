"""The account forms: login with failed-login throttling, invitations and setting a password."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm as BaseAdminUserCreationForm
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from imvo.web.accounts import selectors, services
from imvo.web.accounts.models import Role
from imvo.web.accounts.permissions import (
    administers_any_covenant,
    companies_invitable_by,
    covenants_administered_by,
    is_admin,
)
from imvo.web.registry.models import Covenant, Organisation


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. Behind `IMVO_PROXY_HOPS` trusted reverse proxies,
    the address the outermost trusted proxy saw, read from the right of X-Forwarded-For (the
    entries further left are the client's own say and can be forged); otherwise, and when the
    header is shorter than the proxies promise, the address the WSGI server saw."""
    if request is None:
        return None
    hops: int = settings.IMVO_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops][:45] or None
    return request.META.get("REMOTE_ADDR") or None


def locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts to log in. Try again in %(minutes)d minute.",
        "Too many failed attempts to log in. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledLoginMixin:
    """Refuses logins for a name and address after too many failures, and from an address
    after too many failures for any names; books each failure and success. Used by our login
    page and by the admin's."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = selectors.login_name(self.cleaned_data.get("username") or "")
        self.cleaned_data["username"] = username
        ip = client_ip(self.request)
        now = timezone.now()
        lock = selectors.login_lock(username=username, ip=ip, now=now)
        if lock is not None:
            locked_until, scope = lock
            services.login_refusal_record(username=username, ip=ip, now=now, scope=scope)
            raise ValidationError(locked_message(locked_until, now), code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError as error:
            if username and self.cleaned_data.get("password"):
                until = services.login_failure_record(username=username, ip=ip, now=now)
                if until is not None:
                    raise ValidationError(locked_message(until, now), code="locked") from error
            raise
        user = self.get_user()  # type: ignore[attr-defined]
        services.login_success_record(user=user, username=username, ip=ip, now=now)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Email address and password."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.error_messages["invalid_login"] = _(
            "This email address and password do not match an active account."
        )


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login, throttled the same way."""


class InvitationForm(forms.Form):
    """Whom to invite, in which role, for which company or covenant; the choices are limited
    to what the inviting user may grant."""

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For a company user."),
    )
    covenant = forms.ModelChoiceField(
        label=_("Covenant"),
        queryset=Covenant.objects.none(),
        required=False,
        help_text=_("For the secretariat or an observer."),
    )

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [Role.COMPANY]
        if administers_any_covenant(user):  # a company's users invite only their colleagues
            roles += [Role.OBSERVER, Role.SECRETARIAT]
        if is_admin(user):
            roles.append(Role.ADMIN)
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role_field.choices = [(role.value, role.label) for role in roles]
        company_field: forms.ModelChoiceField[Organisation] = self.fields["company"]  # type: ignore[assignment]
        company_field.queryset = companies_invitable_by(user).order_by("name")
        covenant_field: forms.ModelChoiceField[Covenant] = self.fields["covenant"]  # type: ignore[assignment]
        covenant_field.queryset = covenants_administered_by(user).order_by("slug")
        if not administers_any_covenant(user):
            del self.fields["covenant"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role == Role.COMPANY and not cleaned.get("company"):
            self.add_error("company", _("Choose the company of the new user."))
        if role in (Role.SECRETARIAT, Role.OBSERVER) and not cleaned.get("covenant"):
            self.add_error("covenant", _("Choose the covenant."))
        return cleaned


class PasswordSetForm(forms.Form):
    """The new account's password, typed twice."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. “ERP export”."),
    )


class _LoginNameMixin:
    """Admin user forms: the login name is the lower-cased email, as everywhere else, so an
    account made in the admin can log in; a name that differs only in case is refused."""

    cleaned_data: dict[str, Any]
    instance: Any

    def clean_username(self) -> str:
        username = selectors.login_name(self.cleaned_data.get("username", ""))
        taken = User.objects.filter(username__iexact=username)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("An account with this login name exists already."))
        return username

    def clean_email(self) -> str:
        return selectors.login_name(self.cleaned_data.get("email", "") or "")


class AdminUserCreationForm(_LoginNameMixin, BaseAdminUserCreationForm):
    pass


class AdminUserChangeForm(_LoginNameMixin, UserChangeForm):  # type: ignore[type-arg]
    pass
