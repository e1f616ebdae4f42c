"""Supplier lists as companies send them, and the facility registry their rows are linked to.

A company hands in a `SupplierList` per year; every row of the file is kept as a `SupplierRow`,
verbatim and with its problems, whether it was accepted or not. Accepted rows are linked to a
`Facility` of the registry: matched automatically, decided by the secretariat through a
`MatchReview`, or registered as a new facility. A facility keeps every name and address it was
reported under as a `FacilityAlias`; those are what incoming rows are matched against. Verdicts
of the secretariat are kept as `MatchDecision`s so that nobody is asked about the same pair
twice, and merges and splits as `FacilityEvent`s; a merged facility keeps its id, pointing to
the facility it was merged into.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imvo.web.registry.models import Covenant, Organisation


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    XLS = "xls", "XLS"
    ODS = "ods", "ODS"


class SupplierListStatus(models.TextChoices):
    IMPORTING = "importing", _("importing")
    COMPLETE = "complete", _("complete")


class CompleteListManager(models.Manager["SupplierList"]):
    """The lists whose import has finished: a list still being written is read by nobody."""

    def get_queryset(self) -> models.QuerySet[SupplierList]:
        return super().get_queryset().filter(status=SupplierListStatus.COMPLETE)


class SupplierList(models.Model):
    """One file of production locations a company handed in for a covenant and a year.

    A corrected list for the same company, covenant and year is a new version; earlier
    versions stay. The counts always add up: rows = accepted + rejected, and the accepted rows
    are duplicates, matched, new or in review.

    While its rows are written (in short transactions) a list is `importing`, has version 0
    and is hidden: `SupplierList.objects` holds the complete lists only, and so do the
    reverse relations (`company.supplier_lists`); `SupplierList.all_objects` holds every list,
    for the intake itself. Lists handed in before lists belonged to a covenant may have none.
    """

    company = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supplier_lists"
    )
    year = models.PositiveSmallIntegerField()
    covenant = models.ForeignKey(
        Covenant, on_delete=models.PROTECT, null=True, blank=True, related_name="supplier_lists"
    )
    version = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    sheet = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    header_row = models.PositiveIntegerField(default=1)
    # The column labels in file order; every row's `raw` holds one value per label.
    columns = models.JSONField(default=list)
    # Which column (by label) holds which field.
    mapping = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    row_count = models.PositiveIntegerField(default=0)
    accepted_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=SupplierListStatus.choices, default=SupplierListStatus.COMPLETE
    )

    all_objects = models.Manager()
    objects = CompleteListManager()

    class Meta:
        ordering = ["company", "year", "version"]
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "covenant", "year", "version"],
                condition=models.Q(status="complete"),
                name="supplier_list_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year} v{self.version} ({self.filename})"


class Facility(models.Model):
    """A production location in the registry, with a stable id such as `BD000001J`.

    The fields hold its current description: taken from the first report and filled in from
    later ones. A facility merged into another keeps its id and points to it (`merged_into`).
    """

    facility_id = models.CharField(max_length=16, unique=True)
    country = models.CharField(max_length=2)
    serial = models.PositiveBigIntegerField()
    name = models.TextField()
    address = models.TextField()
    city = models.TextField(blank=True)
    province = models.TextField(blank=True)
    postal_code = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    product_types = models.JSONField(default=list, blank=True)
    workers_band = models.CharField(max_length=20, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["facility_id"]
        verbose_name_plural = "facilities"
        constraints = [
            models.UniqueConstraint(fields=["country", "serial"], name="facility_serial_unique"),
        ]
        indexes = [models.Index(fields=["country", "merged_into"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.name}"


class FacilitySerial(models.Model):
    """The last serial handed out in a country; locked while an import registers facilities."""

    country = models.CharField(max_length=2, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.country}: {self.last}"


class FacilityAlias(models.Model):
    """One name and address under which a facility was reported; `rows` are the rows that
    reported it.

    `origin` is the facility the alias was first registered under; after a wrong merge it tells
    which facility a split should bring back.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="aliases")
    origin = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    name = models.TextField()
    address = models.TextField()
    city = models.TextField(blank=True)
    postal_code = models.TextField(blank=True)
    country = models.CharField(max_length=2)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["facility", "pk"]
        verbose_name_plural = "facility aliases"
        indexes = [models.Index(fields=["country"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.address} ({self.country})"


class RowOutcome(models.TextChoices):
    MATCHED = "matched", _("matched")
    REVIEW = "review", _("in review")
    NEW = "new", _("new facility")
    DUPLICATE = "duplicate", _("duplicate within the list")
    REJECTED = "rejected", _("rejected")


class SupplierRow(models.Model):
    """One row of a supplier list: verbatim, its problems, its cleaned fields and its facility.

    `number` is the row number a spreadsheet program shows (the header is row 1). `raw` holds
    the row's values in the list's column order (JSON objects do not keep their key order in
    PostgreSQL). `errors` is a list of {field, message, code, params} (rows stored before codes
    have only field and message); a row with errors is rejected.
    """

    supplier_list = models.ForeignKey(SupplierList, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    raw = models.JSONField(default=list)
    errors = models.JSONField(default=list, blank=True)
    accepted = models.BooleanField()
    name = models.TextField(blank=True)
    address = models.TextField(blank=True)
    city = models.TextField(blank=True)
    province = models.TextField(blank=True)
    postal_code = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True)
    # City, province and postal code read from the address (`imvo.core.places`), kept beside
    # the columns the company gave, which win where they are filled.
    parsed_city = models.TextField(blank=True)
    parsed_province = models.TextField(blank=True)
    parsed_postal_code = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    product_types = models.JSONField(default=list, blank=True)
    processing_type = models.TextField(blank=True)
    workers = models.CharField(max_length=40, blank=True)  # as understood: "1200", "500-1000"
    workers_band = models.CharField(max_length=20, blank=True)
    parent_company = models.TextField(blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    duplicate_of = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="rows"
    )
    alias = models.ForeignKey(
        FacilityAlias, on_delete=models.PROTECT, null=True, blank=True, related_name="rows"
    )
    probability = models.FloatField(null=True, blank=True)
    # exact, model, remembered, none (new), secretariat (a review decision), duplicate
    method = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["supplier_list", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_list", "number"], name="supplier_row_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_list} row {self.number}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    NEW = "new", _("new facility")
    SUPERSEDED = "superseded", _("superseded by a later version of the list")


class MatchReview(models.Model):
    """An uncertain match for the secretariat to decide; an open review of a row is closed as
    superseded when the company hands in a new version of the list.

    For a supplier row (`row` set): which of the candidates, if any, is its facility. For a
    pair found by re-de-duplicating the registry (`row` empty): whether `facility` and the one
    candidate are the same place. `candidates` lists, best first, {facility_id, probability,
    evidence: [{field, level, detail}]}; rejected candidates are taken off the list.
    """

    row = models.ForeignKey(
        SupplierRow, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    candidates = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(row__isnull=False) | models.Q(facility__isnull=False),
                name="match_review_has_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = self.row if self.row_id is not None else self.facility
        return f"review of {subject} ({self.status})"


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class MatchDecision(models.Model):
    """A remembered verdict: the record with `record_key` is (or is not) `facility`.

    `record_key` is the matcher's key of a normalised country, name and address; `key_digest`
    (its SHA-256) keeps the index small whatever the length of the key.
    """

    record_key = models.TextField()
    key_digest = models.CharField(max_length=64)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="decisions")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    review = models.ForeignKey(
        MatchReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_digest", "facility"], name="match_decision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_key} {self.verdict} {self.facility.facility_id}"


class FacilityEventKind(models.TextChoices):
    MERGED = "merged", _("merged")
    SPLIT = "split", _("split")


class FacilityEvent(models.Model):
    """A merge (`other` merged into `facility`) or a split (`other` split off `facility`)."""

    kind = models.CharField(max_length=10, choices=FacilityEventKind.choices)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="events")
    other = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.other.facility_id} {self.kind} {self.facility.facility_id}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A supplier-list upload being imported in the background, and how far it got.

    The uploaded bytes wait under `VAR_DIR / "uploads"` by `token` until the worker reads them;
    `done` and `total` count the rows matched so far. A failed job keeps the problem in
    `message` (English, and `field`; `problem` names it by code for a translation), and no
    list; a finished one points to its `supplier_list`.
    """

    status = models.CharField(
        max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    covenant = models.ForeignKey(
        Covenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sheet = models.CharField(max_length=200, blank=True)
    # The header's row number as the user set it on the upload page; None: the guess.
    header_row = models.PositiveIntegerField(null=True, blank=True)
    # Column label -> field (or None to leave the column out), from the column-mapping step.
    mapping = models.JSONField(default=dict, blank=True)
    token = models.CharField(max_length=64, unique=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    field = models.CharField(max_length=100, blank=True)
    # The failure's message code, parameters, file and row, to show it in the page's language.
    problem = models.JSONField(default=dict, blank=True)
    supplier_list = models.ForeignKey(
        SupplierList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import of {self.filename} for {self.company} ({self.status})"
