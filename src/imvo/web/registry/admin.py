"""The registry in Django's admin: where a secretariat keeps covenants, parties, targets and
figures up to date. Every reference record shows its source and confidence."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from imvo.web.accounts.forms import client_ip
from imvo.web.accounts.permissions import (
    can_edit_organisation_record,
    covenants_administered_by,
    is_admin,
    organisations_editable_by,
)
from imvo.web.accounts.services import participation_delete, participation_save
from imvo.web.registry import models as m

SOURCED_FIELDS = ("source", "confidence", "note")


class RegistryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shared by the registry's admins: web addresses without a scheme are taken as https, and
    a secretariat sees only the rows of the covenants it administers (`covenant_path` names
    the lookup from the row to its covenant; "pk" for the covenant itself).

    Organisations are public and listed for every secretariat, but a secretariat changes an
    organisation (its brands, its market shares) only when every covenant it takes part in is
    one of the secretariat's, or it takes part in none yet (`organisation_path` names the
    lookup from the row to its organisation); otherwise the row opens read-only."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    covenant_path: str | None = None
    organisation_path: str | None = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and self._organisation_in_reach(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._organisation_in_reach(request, obj)

    def _organisation_in_reach(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or self.organisation_path is None or is_admin(request.user):
            return True
        organisation = (
            obj if self.organisation_path == "pk" else getattr(obj, self.organisation_path)
        )
        if organisation is None:
            return True
        return can_edit_organisation_record(request.user, organisation)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.covenant_path is None or request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.covenant_path}__in": covenants_administered_by(request.user)}
        )

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "covenant" and not request.user.is_superuser:
            kwargs["queryset"] = covenants_administered_by(request.user)
        if (
            self.organisation_path not in (None, "pk")
            and db_field.name == self.organisation_path
            and not request.user.is_superuser
        ):  # a new brand or market share only for an organisation the user may change
            kwargs["queryset"] = organisations_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourcedInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("source",)
    show_change_link = True


class StatusChangeInline(SourcedInline):
    model = m.StatusChange
    fields = ("status", "on", *SOURCED_FIELDS)


class ParticipationInline(SourcedInline):
    model = m.Participation
    fields = ("organisation", "joined_on", "left_on", "synthetic", *SOURCED_FIELDS)
    autocomplete_fields = ("organisation", "source")

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Participation]:
        return super().get_queryset(request).select_related("organisation", "source")


class TargetInline(SourcedInline):
    model = m.Target
    fields = (
        "metric",
        "baseline_value",
        "baseline_on",
        "target_value",
        "deadline",
        *SOURCED_FIELDS,
    )


class ObservationInline(SourcedInline):
    model = m.Observation
    fields = ("on", "metric", "value", "low", "high", *SOURCED_FIELDS)


class ThemeCoverageInline(SourcedInline):
    model = m.ThemeCoverage
    fields = ("theme", "level", "since", "basis", *SOURCED_FIELDS)
    autocomplete_fields = ("theme", "source")


@admin.register(m.Source)
class SourceAdmin(RegistryAdmin):
    list_display = ("key", "title", "publisher", "published_on")
    list_filter = ("publisher",)
    search_fields = ("key", "title", "publisher", "url")
    date_hierarchy = "published_on"


@admin.register(m.RiskSector)
class RiskSectorAdmin(RegistryAdmin):
    list_display = ("name_nl", "name_en", "slug", "position", "confidence")
    list_editable = ("position",)
    search_fields = ("slug", "name_nl", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("source",)


@admin.register(m.Theme)
class ThemeAdmin(RegistryAdmin):
    list_display = ("name_nl", "name_en", "slug", "core", "position")
    list_filter = ("core",)
    list_editable = ("position",)
    search_fields = ("slug", "name_nl", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("source",)


@admin.register(m.Covenant)
class CovenantAdmin(RegistryAdmin):
    covenant_path = "pk"
    list_display = ("short_name", "name_nl", "ser_process", "ends_on", "confidence")
    list_filter = ("ser_process", "confidence", "sectors")
    search_fields = ("slug", "short_name", "name_nl", "name_en")
    prepopulated_fields = {"slug": ("short_name",)}
    filter_horizontal = ("sectors",)
    autocomplete_fields = ("source", "sources", "market_sector")
    fieldsets = (
        (None, {"fields": ("slug", "short_name", "name_nl", "name_en", "sectors", "ser_process")}),
        (_("Dates and links"), {"fields": ("ends_on", "website")}),
        (_("Market"), {"fields": ("market_sector", "market_segment", "market_measure")}),
        (_("Sources"), {"fields": ("source", "sources", "confidence", "note")}),
    )
    inlines = (
        StatusChangeInline,
        ParticipationInline,
        TargetInline,
        ObservationInline,
        ThemeCoverageInline,
    )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not m.Participation:
            super().save_formset(request, form, formset, change)
            return
        # Participations go through the service, so each change is in the audit trail.
        for participation in formset.save(commit=False):
            participation_save(
                participation=participation, saved_by=request.user, ip=client_ip(request)
            )
        for participation in formset.deleted_objects:
            participation_delete(
                participation=participation, deleted_by=request.user, ip=client_ip(request)
            )


class BrandInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Brand
    extra = 0
    fields = ("name", "slug", "synthetic", *SOURCED_FIELDS)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("source",)


@admin.register(m.Organisation)
class OrganisationAdmin(RegistryAdmin):
    organisation_path = "pk"
    list_display = ("name", "kind", "sector", "synthetic", "confidence")
    list_filter = ("kind", "synthetic", "sector", "confidence")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sector", "source")
    inlines = (BrandInline,)


@admin.register(m.Brand)
class BrandAdmin(RegistryAdmin):
    organisation_path = "company"
    list_display = ("name", "company", "synthetic")
    list_filter = ("synthetic",)
    search_fields = ("name", "slug", "company__name")
    list_select_related = ("company",)
    autocomplete_fields = ("company", "source")


@admin.register(m.Participation)
class ParticipationAdmin(RegistryAdmin):
    covenant_path = "covenant"
    list_display = ("organisation", "covenant", "joined_on", "left_on", "synthetic")
    list_filter = ("covenant", "organisation__kind", "synthetic")
    search_fields = ("organisation__name", "covenant__short_name")
    list_select_related = ("organisation", "covenant")
    date_hierarchy = "joined_on"
    autocomplete_fields = ("covenant", "organisation", "source")

    # Through the services, so that every change is in the audit trail: who takes part in a
    # covenant decides whose data its secretariat reads.
    def save_model(
        self, request: HttpRequest, obj: m.Participation, form: Any, change: bool
    ) -> None:
        participation_save(participation=obj, saved_by=request.user, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: m.Participation) -> None:
        participation_delete(participation=obj, deleted_by=request.user, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[m.Participation]) -> None:
        for participation in queryset.select_related("covenant", "organisation"):
            participation_delete(
                participation=participation, deleted_by=request.user, ip=client_ip(request)
            )


@admin.register(m.MarketEstimate)
class MarketEstimateAdmin(RegistryAdmin):
    list_display = ("sector", "segment", "year", "measure", "amount_eur", "synthetic")
    list_filter = ("sector", "measure", "synthetic")
    search_fields = ("sector__name_nl", "sector__name_en", "segment")
    list_select_related = ("sector",)
    autocomplete_fields = ("sector", "source")


@admin.register(m.MarketShare)
class MarketShareAdmin(RegistryAdmin):
    organisation_path = "company"
    list_display = ("company", "sector", "segment", "year", "share", "synthetic")
    list_filter = ("sector", "year", "synthetic")
    search_fields = ("company__name", "segment")
    list_select_related = ("company", "sector")
    autocomplete_fields = ("company", "sector", "source")


@admin.register(m.StatusChange)
class StatusChangeAdmin(RegistryAdmin):
    covenant_path = "covenant"
    list_display = ("covenant", "status", "on", "confidence")
    list_filter = ("status", "covenant", "confidence")
    list_select_related = ("covenant",)
    search_fields = ("covenant__short_name", "note")
    date_hierarchy = "on"
    autocomplete_fields = ("covenant", "source")


@admin.register(m.Target)
class TargetAdmin(RegistryAdmin):
    covenant_path = "covenant"
    list_display = ("covenant", "metric", "baseline_value", "target_value", "deadline")
    list_filter = ("covenant", "metric")
    list_select_related = ("covenant",)
    search_fields = ("covenant__short_name",)
    autocomplete_fields = ("covenant", "source")


@admin.register(m.Observation)
class ObservationAdmin(RegistryAdmin):
    covenant_path = "covenant"
    list_display = ("covenant", "on", "metric", "value", "low", "high", "confidence")
    list_filter = ("covenant", "metric", "confidence")
    list_select_related = ("covenant",)
    search_fields = ("covenant__short_name", "note")
    date_hierarchy = "on"
    autocomplete_fields = ("covenant", "source")


@admin.register(m.ThemeCoverage)
class ThemeCoverageAdmin(RegistryAdmin):
    covenant_path = "covenant"
    list_display = ("covenant", "theme", "level", "since", "basis", "confidence")
    list_filter = ("level", "basis", "theme__core", "covenant", "theme")
    list_select_related = ("covenant", "theme")
    search_fields = ("covenant__short_name", "theme__name_nl", "theme__name_en", "note")
    autocomplete_fields = ("covenant", "theme", "source")


@admin.register(m.DataLoad)
class DataLoadAdmin(RegistryAdmin):
    """Read-only: loads are recorded by `imvo load`, not edited by hand."""

    list_display = ("kind", "loaded_at", "digest")
    list_filter = ("kind",)
    readonly_fields = ("kind", "digest", "loaded_at", "summary")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.site_header = _("IMVO Monitor: registry")
admin.site.site_title = _("IMVO Monitor")
admin.site.index_title = _("Covenant registry")
admin.site.site_url = "/"
