"""Publication in Django's admin: consent is recorded here (through the consent service),
flagged coordinates are resolved here (through `coordinates_resolve`); releases are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from imvo.web.publication import models as m
from imvo.web.publication.services import consent_give, coordinates_resolve
from imvo.web.suppliers.admin import ReadOnlyAdmin


@admin.register(m.PublicationConsent)
class PublicationConsentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("company", "year", "given_at", "withdrawn_at", "given_by")
    list_filter = ("year",)
    list_select_related = ("company", "given_by")
    search_fields = ("company__name", "company__slug")
    fields = ("company", "year", "note", "given_at", "withdrawn_at", "given_by")
    readonly_fields = ("given_at", "given_by")
    autocomplete_fields = ("company",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdraw instead: the record of consent stays

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = consent_give(company=obj.company, year=obj.year, user=request.user, note=obj.note)
        obj.pk = saved.pk


@admin.register(m.Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = (
        "covenant",
        "year",
        "version",
        "published_at",
        "facility_count",
        "participant_count",
        "named_count",
    )
    list_filter = ("covenant", "year")
    list_select_related = ("covenant",)


@admin.register(m.CoordinateResolution)
class CoordinateResolutionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("facility", "verdict", "latitude", "longitude", "decided_by", "decided_at")
    list_filter = ("verdict",)
    search_fields = ("facility__facility_id", "facility__name")
    fields = ("facility", "verdict", "latitude", "longitude")
    raw_id_fields = ("facility",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a new verdict replaces the old one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = coordinates_resolve(
            facility=obj.facility,
            verdict=obj.verdict,
            user=request.user,
            latitude=obj.latitude,
            longitude=obj.longitude,
        )
        obj.pk = saved.pk
