"""Login and logout, the account page with API tokens, invitations by the secretariat (and by
a company's users, for their colleagues) and their acceptance. Views parse the request, call
one service or selector and render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from imvo.core.errors import ImvoError
from imvo.web.accounts import selectors, services
from imvo.web.accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    LoginForm,
    PasswordSetForm,
    client_ip,
)
from imvo.web.accounts.models import scope_label
from imvo.web.accounts.permissions import (
    AnyUser,
    administers_any_covenant,
    is_admin,
    is_company_user,
    role_required,
    stored_user,
)


def _may_invite(user: AnyUser) -> bool:
    """A secretariat invites for its covenants; a company's users invite their colleagues."""
    return administers_any_covenant(user) or is_company_user(user)


invitations_access_required = role_required(_may_invite)


class AccountLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class AccountLogoutView(LogoutView):
    """Log out (POST only, as Django requires), noted in the audit trail."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.logout_record(user=request.user, ip=client_ip(request))
        return super().post(request, *args, **kwargs)


def _account(request: HttpRequest) -> User:
    """The logged-in account (the view's decorator made sure there is one)."""
    user = stored_user(request.user)
    if user is None:
        raise PermissionDenied
    return user


def _account_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "memberships": selectors.memberships_of(request.user),
        "tokens": selectors.api_tokens_of(request.user),
        "token_form": ApiTokenForm(),
        "may_invite": _may_invite(request.user),
        "is_admin": is_admin(request.user),
        **extra,
    }


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Who you are here: your roles and your API tokens."""
    return render(request, "accounts/account.html", _account_context(request))


@require_POST
@login_required
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    """A new API token, shown once on the page that answers this request."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/account.html", _account_context(request, token_form=form), status=400
        )
    token, raw = services.api_token_create(
        user=_account(request),
        name=form.cleaned_data["name"],
        created_by=request.user,
    )
    return render(
        request, "accounts/account.html", _account_context(request, new_token=raw, new=token)
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of your own tokens; another user's token is not found."""
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token, revoked_by=request.user)
    messages.success(
        request, _("The API token %(prefix)s… no longer works.") % {"prefix": token.prefix}
    )
    return redirect("accounts:account")


@invitations_access_required
def invitations(request: HttpRequest) -> HttpResponse:
    """Invite users for your covenant or your company, and see the invitations sent."""
    form = InvitationForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(
                    invited_by=_account(request),
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    company=form.cleaned_data.get("company"),
                    covenant=form.cleaned_data.get("covenant"),
                    accept_url=lambda token: request.build_absolute_uri(
                        reverse("accounts:invitation-accept", args=[token])
                    ),
                    ip=client_ip(request),
                )
            except ImvoError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("accounts:invitations")
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    now = timezone.now()
    sent = [
        {"invitation": invitation, "status": selectors.invitation_status(invitation, now)}
        for invitation in selectors.invitations_visible_to(request.user)[:200]
    ]
    context = {"form": form, "sent": sent, "invitation_days": settings.IMVO_INVITATION_DAYS}
    return render(request, "accounts/invitations.html", context, status=status)


@require_POST
@invitations_access_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an invitation of your covenant or company; others are not found."""
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, revoked_by=request.user)
    except ImvoError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:invitations")


@sensitive_post_parameters("password", "password_again")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Take up an invitation: choose a password for a new account, or confirm while logged
    in as the invited account."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        invitation = services.invitation_from_token(token)
    except ImvoError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": error.message}, status=400
        )
    has_account = selectors.user_get_by_email(invitation.email) is not None
    form = PasswordSetForm(request.POST or None) if not has_account else None
    error_message = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password"] if form is not None else None,
                user=request.user if has_account else None,
                ip=client_ip(request),
            )
        except ImvoError as error:
            if form is not None and error.field == "password":
                form.add_error("password", error.message)
            else:
                error_message = error.message
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome: your invitation has been accepted."))
            return redirect("accounts:account")
    context = {
        "invitation": invitation,
        "form": form,
        "has_account": has_account,
        "error_message": error_message,
        "role": scope_label(invitation.role, invitation.company, invitation.covenant),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", context, status=status)
