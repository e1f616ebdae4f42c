"""Publication: companies' consent to be named, the published releases of the open list of
production locations, and the secretariat's verdicts on coordinates that failed a check.

A `Release` and its `ReleaseRow`s are immutable once written: the rows are stored as they were
published, never recomputed, and the models refuse every change or deletion.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imvo.core.errors import ImvoError
from imvo.web.registry.models import Covenant, Organisation
from imvo.web.suppliers.models import Facility


class PublicationConsent(models.Model):
    """A company consents to be named, for a year, next to the facilities it sources from
    (and its brands with it). Withdrawn consent keeps its record; releases published while it
    held stay as they were published."""

    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="publication_consents"
    )
    year = models.PositiveSmallIntegerField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["company", "year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="publication_consent_unique")
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "given"
        return f"{self.company} {self.year}: consent {state}"


class ImmutableQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes: what was published stays as it was published."""

    def update(self, **kwargs: Any) -> int:
        raise ImvoError("a published release cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImvoError("a published release cannot be deleted")


class Immutable(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImvoError("a published release cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImvoError("a published release cannot be deleted")


class Release(Immutable):
    """A published list of a covenant's production locations for a year.

    `version` counts the releases of the covenant and year (a corrected list is the next
    version). `changelog` compares it with `previous`, the covenant's release before it.
    """

    covenant = models.ForeignKey(Covenant, on_delete=models.PROTECT, related_name="releases")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facility_count = models.PositiveIntegerField()
    participant_count = models.PositiveIntegerField(
        help_text=_("Participants whose supplier list is in the release.")
    )
    named_count = models.PositiveIntegerField(
        help_text=_("Participants named in the release (they consented).")
    )
    names_shown = models.BooleanField()
    disclosure_group = models.PositiveIntegerField()
    changelog = models.JSONField(default=dict)
    csv_sha256 = models.CharField(max_length=64)
    csv_bytes = models.PositiveBigIntegerField()
    # Made from a synthetic (demo) company's list: `imvo load demo` may delete it, through
    # `releases_synthetic_delete` only.
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["covenant", "-year", "-version"]
        get_latest_by = "published_at"
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "year", "version"], name="release_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.covenant} {self.year} v{self.version}"


class ReleaseRow(Immutable):
    """One facility of a release, as published (the columns of the release's files), and the
    names and addresses the release's lists reported it under (`aliases`)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="rows")
    registry_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    facility_id = models.CharField(max_length=16)  # as published, before any later merge
    name = models.TextField()
    address = models.TextField()
    city = models.TextField(blank=True)
    province = models.TextField(blank=True)
    country = models.CharField(max_length=2)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinate_precision = models.CharField(max_length=8)
    product_types = models.JSONField(default=list)
    workers_band = models.CharField(max_length=20, blank=True)
    participants = models.CharField(max_length=20)
    participants_min = models.PositiveIntegerField()
    participants_max = models.PositiveIntegerField(null=True, blank=True)
    companies = models.JSONField(default=list)
    brands = models.JSONField(default=list)
    aliases = models.JSONField(default=list)  # [{name, address, city}]

    class Meta:
        ordering = ["release", "facility_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "facility_id"], name="release_row_facility_unique"
            )
        ]
        indexes = [models.Index(fields=["country"])]

    def __str__(self) -> str:
        return f"{self.release}: {self.facility_id} {self.name}"


def releases_synthetic_delete() -> int:
    """Delete the synthetic releases and their rows; return how many releases went.

    The one path by which anything published is deleted, for the demo clean-up of `imvo load
    demo` alone: a synthetic release was made from demo companies' lists and never published
    real data. Releases go newest first, so each goes after the ones naming it as `previous`;
    a real release naming a synthetic one as `previous` stops the clean-up (ImvoError).
    """
    synthetic = Release.objects.filter(synthetic=True)
    blocking = Release.objects.filter(synthetic=False, previous__in=synthetic).first()
    if blocking is not None:
        raise ImvoError(
            f"release {blocking} follows a demo release; the demo cannot be removed any more"
        )
    models.QuerySet.delete(ReleaseRow.objects.filter(release__in=synthetic))
    releases = list(synthetic.order_by("-pk"))
    for release in releases:
        models.Model.delete(release)
    return len(releases)


class CoordinateVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("the coordinates are right")
    CORRECTED = "corrected", _("corrected")
    DISCARDED = "discarded", _("discarded: use the city")


class CoordinateResolution(models.Model):
    """The secretariat's verdict on a facility's coordinates that failed a check.

    It applies while the facility still has the coordinates it was given for
    (`reported_latitude`, `reported_longitude`); the latest verdict counts.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="coordinate_resolutions"
    )
    reported_latitude = models.FloatField()
    reported_longitude = models.FloatField()
    verdict = models.CharField(max_length=10, choices=CoordinateVerdict.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.facility.facility_id}: coordinates {self.verdict}"
