"""Due diligence in Django's admin, for administrators to look things up.

Submissions are confidential company data and the secretariat's staff accounts reach the admin
for other covenants too, so these pages are for administrators only, and read-only: every
change goes through the services (locking, deadlines, audit trail).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from imvo.web.accounts.permissions import is_admin
from imvo.web.diligence import models as m


class AdministratorsReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.AssessmentFramework)
class FrameworkAdmin(AdministratorsReadOnly):
    list_display = ("covenant", "version", "published_on")


@admin.register(m.ReportingCycle)
class ReportingCycleAdmin(AdministratorsReadOnly):
    list_display = ("covenant", "year", "deadline")


@admin.register(m.Submission)
class SubmissionAdmin(AdministratorsReadOnly):
    list_display = ("company", "covenant", "year", "status", "submitted_at", "synthetic")
    list_filter = ("status", "year", "covenant", "synthetic")
    list_select_related = ("company", "covenant")
    search_fields = ("company__name", "company__slug")


@admin.register(m.Assessment)
class AssessmentAdmin(AdministratorsReadOnly):
    list_display = ("submission", "outcome", "total", "threshold", "published_at")
    list_filter = ("outcome",)
    list_select_related = ("submission__company", "submission__covenant")
