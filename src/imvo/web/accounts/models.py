"""Who may do what: memberships (a user's roles), invitations, API tokens, failed logins and
the audit trail.

Django's own User stays the account; its username is the lower-cased email address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imvo.web.registry.models import Covenant, Organisation


class Role(models.TextChoices):
    """DESIGN §2: a company's user, a covenant's secretariat or observer, or an administrator."""

    COMPANY = "company", _("company user")
    SECRETARIAT = "secretariat", _("secretariat")
    OBSERVER = "observer", _("observer")
    ADMIN = "admin", _("administrator")


COVENANT_ROLES = (Role.SECRETARIAT, Role.OBSERVER)


def role_scope_constraint(name: str) -> models.CheckConstraint:
    """A company role names a company only, a covenant role a covenant only, admin neither."""
    return models.CheckConstraint(
        condition=models.Q(role=Role.COMPANY, company__isnull=False, covenant__isnull=True)
        | models.Q(role__in=COVENANT_ROLES, company__isnull=True, covenant__isnull=False)
        | models.Q(role=Role.ADMIN, company__isnull=True, covenant__isnull=True),
        name=name,
    )


class Membership(models.Model):
    """One role of a user: company user of a company, secretariat or observer of a covenant,
    or administrator. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        limit_choices_to={"kind": "company"},
    )
    covenant = models.ForeignKey(
        Covenant, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["user", "role", "pk"]
        constraints = [
            role_scope_constraint("membership_role_scope"),
            models.UniqueConstraint(
                fields=["user", "company"],
                condition=models.Q(role=Role.COMPANY),
                name="membership_company_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "covenant"],
                condition=models.Q(role__in=COVENANT_ROLES),
                name="membership_covenant_unique",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(role=Role.ADMIN), name="membership_admin_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {scope_label(self.role, self.company, self.covenant)}"


def scope_label(role: str, company: Organisation | None, covenant: Covenant | None) -> str:
    """ "company user of Zeeman", "secretariat of AGT", "administrator"."""
    label = Role(role).label
    scope = company or covenant
    return f"{label} ({scope})" if scope else str(label)


class Invitation(models.Model):
    """An invitation to take up a role, sent by email with a signed single-use link.

    Only a hash of the link's random part is kept, so a copy of the database cannot accept it.
    """

    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices)
    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    covenant = models.ForeignKey(
        Covenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    nonce_hash = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [role_scope_constraint("invitation_role_scope")]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email}: {scope_label(self.role, self.company, self.covenant)}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its sha256 is stored; the prefix identifies it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginFailure(models.Model):
    """A failed login for a login name from an address; counted to throttle guessing."""

    username = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")
    SUBMITTED = "submitted", _("submitted")
    REOPENED = "reopened", _("reopened")
    ASSESSED = "assessed", _("assessed")
    PUBLISHED = "published", _("published")
    LOGGED_IN = "logged-in", _("logged in")
    LOGGED_OUT = "logged-out", _("logged out")
    LOGIN_FAILED = "login-failed", _("login failed")
    LOGIN_LOCKED = "login-locked", _("login refused: too many attempts")
    INVITED = "invited", _("invited")
    INVITATION_ACCEPTED = "invitation-accepted", _("invitation accepted")
    INVITATION_REVOKED = "invitation-revoked", _("invitation revoked")
    TOKEN_CREATED = "token-created", _("API token created")
    TOKEN_REVOKED = "token-revoked", _("API token revoked")
    MEMBERSHIP_ADDED = "membership-added", _("role granted")
    MEMBERSHIP_REMOVED = "membership-removed", _("role withdrawn")


class AuditEvent(models.Model):
    """Who did what to which object, and when. Written by `audit_record`, never edited.

    `changes` is a short JSON of what changed; confidential values (passwords, tokens) are
    never in it.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(
        max_length=254, blank=True, help_text=_("Kept when the account is deleted.")
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        who = self.actor_email or "-"
        what = f"{self.object_type} {self.object_id}".strip()
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {what}".strip()
