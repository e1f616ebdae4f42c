"""Accounts in Django's admin. Roles are granted and withdrawn through the services, so the
audit trail sees every change; tokens and invitations can only be revoked here; the audit
trail can be read and never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from imvo.core.errors import ImvoError
from imvo.web.accounts import services
from imvo.web.accounts.forms import AdminLoginForm, AdminUserChangeForm, AdminUserCreationForm
from imvo.web.accounts.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    LoginFailure,
    Membership,
)

admin.site.login_form = AdminLoginForm


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shown, never added or changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "user"
    fields = ("role", "company", "covenant", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApiTokenInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApiToken
    fk_name = "user"
    fields = ("prefix", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = (MembershipInline, ApiTokenInline)
    add_form = AdminUserCreationForm
    form = AdminUserChangeForm

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else ()  # roles and tokens once it exists


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "company", "covenant", "created_at", "created_by")
    list_filter = ("role", "covenant")
    search_fields = ("user__username", "user__email", "company__name", "covenant__slug")
    autocomplete_fields = ("user", "company", "covenant")
    fields = ("user", "role", "company", "covenant")
    list_select_related = ("user", "company", "covenant", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        created = services.membership_create(
            user=obj.user,
            role=obj.role,
            company=obj.company,
            covenant=obj.covenant,
            created_by=request.user,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_delete(membership=obj, deleted_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "company", "covenant"):
            services.membership_delete(membership=membership, deleted_by=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username")
    exclude = ("key_hash",)
    list_select_related = ("user",)
    actions = ("revoke",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            services.api_token_revoke(token=token, revoked_by=request.user)
        self.message_user(request, _("The selected tokens no longer work."), messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "role", "company", "covenant", "invited_by", "created_at")
    list_filter = ("role", "covenant")
    search_fields = ("email",)
    exclude = ("nonce_hash",)
    list_select_related = ("company", "covenant", "invited_by")
    actions = ("revoke",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        for invitation in queryset:
            try:
                services.invitation_revoke(invitation=invitation, revoked_by=request.user)
            except ImvoError as error:
                self.message_user(request, f"{invitation.email}: {error.message}", messages.WARNING)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Deleting a login's failures lifts its lock-out."""

    list_display = ("username", "ip_address", "at")
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "ip_address",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_email", "object_label", "object_id")
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
