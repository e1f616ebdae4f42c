"""Supplier lists and the facility registry in Django's admin, for looking things up.

Lists, rows, reviews, decisions and events are read-only here: they change only through the
services (an import, a review decision, a merge or a split), which keep the counts, aliases and
remembered decisions consistent. A facility's description may be corrected by hand; its id,
country and merge are not editable.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from imvo.web.suppliers import models as m


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.SupplierList)
class SupplierListAdmin(ReadOnlyAdmin):
    list_display = (
        "company",
        "year",
        "version",
        "filename",
        "file_format",
        "row_count",
        "accepted_count",
        "rejected_count",
        "matched_count",
        "new_count",
        "review_count",
        "uploaded_at",
    )
    list_filter = ("year", "file_format", "covenant")
    list_select_related = ("company",)
    search_fields = ("company__name", "company__slug", "filename", "sha256")
    date_hierarchy = "uploaded_at"


@admin.register(m.SupplierRow)
class SupplierRowAdmin(ReadOnlyAdmin):
    list_display = ("supplier_list", "number", "name", "country", "outcome", "facility")
    list_filter = ("outcome", "accepted", "country")
    list_select_related = ("supplier_list__company", "facility")
    search_fields = ("name", "address", "facility__facility_id")


class AliasInline(ReadOnlyInline):
    model = m.FacilityAlias
    fk_name = "facility"
    fields = ("name", "address", "city", "postal_code", "country", "latitude", "longitude")
    readonly_fields = fields


@admin.register(m.Facility)
class FacilityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("facility_id", "name", "city", "country", "merged_into")
    list_filter = ("country",)
    list_select_related = ("merged_into",)
    search_fields = ("facility_id", "name", "address", "aliases__name")
    readonly_fields = ("facility_id", "country", "serial", "merged_into", "created_at")
    inlines = (AliasInline,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # facilities are registered by imports and splits

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an id once given out stays resolvable


@admin.register(m.FacilityAlias)
class FacilityAliasAdmin(ReadOnlyAdmin):
    list_display = ("name", "address", "city", "country", "facility")
    list_filter = ("country",)
    list_select_related = ("facility",)
    search_fields = ("name", "address", "facility__facility_id")


@admin.register(m.MatchReview)
class MatchReviewAdmin(ReadOnlyAdmin):
    list_display = ("pk", "row", "facility", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("row__supplier_list__company", "facility", "decided_by")


@admin.register(m.MatchDecision)
class MatchDecisionAdmin(ReadOnlyAdmin):
    list_display = ("record_key", "facility", "verdict", "decided_by", "decided_at")
    list_filter = ("verdict",)
    list_select_related = ("facility", "decided_by")
    search_fields = ("record_key", "facility__facility_id")


@admin.register(m.FacilityEvent)
class FacilityEventAdmin(ReadOnlyAdmin):
    list_display = ("kind", "facility", "other", "user", "at")
    list_filter = ("kind",)
    list_select_related = ("facility", "other", "user")
    search_fields = ("facility__facility_id", "other__facility_id")


@admin.register(m.ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("pk", "filename", "company", "year", "status", "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("company", "created_by")
    exclude = ("token",)  # names the kept upload; no use to anyone in the admin
