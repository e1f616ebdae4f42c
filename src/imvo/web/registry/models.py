"""The covenant registry: risk sectors, themes, covenants, parties, participation, markets,
targets and the sources every reference fact cites."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    UNCERTAIN = "uncertain", _("uncertain")


class Source(models.Model):
    """A publication that a reference fact rests on."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class SourcedFact(models.Model):
    """Fields shared by every reference record: its source and how sure we are of it."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confidence = models.CharField(
        max_length=12, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    note = models.TextField(blank=True)

    class Meta:
        abstract = True


class RiskSector(SourcedFact):
    """One of the 13 risk sectors (KPMG sector risk analysis, 2014)."""

    slug = models.SlugField(max_length=60, unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en


class Theme(SourcedFact):
    """A due-diligence theme such as child labour or living wage."""

    slug = models.SlugField(max_length=60, unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    core = models.BooleanField(
        default=False, help_text=_("A core theme every covenant should cover.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en


class MarketMeasure(models.TextChoices):
    TURNOVER = "turnover", _("market turnover")
    ASSETS = "assets", _("invested assets")


class Covenant(SourcedFact):
    """An IMVO covenant (convenant): a sector agreement between companies and other parties."""

    slug = models.SlugField(max_length=60, unique=True)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    sectors = models.ManyToManyField(RiskSector, related_name="covenants")
    ser_process = models.BooleanField(
        default=True, help_text=_("Concluded in the SER's IMVO covenant process.")
    )
    ends_on = models.DateField(null=True, blank=True, help_text=_("Planned end of the agreement."))
    market_sector = models.ForeignKey(
        RiskSector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The sector whose market this covenant's market share is measured against."),
    )
    market_segment = models.CharField(max_length=60, blank=True)
    market_measure = models.CharField(
        max_length=12, choices=MarketMeasure.choices, default=MarketMeasure.TURNOVER
    )
    website = models.URLField(max_length=500, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="covenants")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.short_name


class CovenantStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    NEGOTIATING = "negotiating", _("negotiating")
    SIGNED = "signed", _("signed")
    ENDED = "ended", _("ended")
    TERMINATED = "terminated", _("terminated")


class StatusChange(SourcedFact):
    """From `on`, the covenant had `status` (until the next change)."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=12, choices=CovenantStatus.choices)
    on = models.DateField()

    class Meta:
        ordering = ["covenant", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "on", "status"], name="status_change_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covenant}: {self.status} on {self.on}"


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("company")
    BUSINESS_ASSOCIATION = "business_association", _("business association")
    UNION = "union", _("union")
    NGO = "ngo", _("NGO")
    GOVERNMENT = "government", _("government")
    OTHER = "other", _("other")


class Organisation(SourcedFact):
    """A party to a covenant: company, business association, union, NGO, government or other."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=OrganisationKind.choices)
    sector = models.ForeignKey(
        RiskSector, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    synthetic = models.BooleanField(
        default=False, help_text=_("Made up by the demo data generator.")
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name


class Brand(SourcedFact):
    """A brand of a company: the textile covenant reported participation in brands."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="brands")
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Participation(SourcedFact):
    """An organisation took part in a covenant from `joined_on` until `left_on` (if it left)."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["covenant", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "organisation", "joined_on"], name="participation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="participation_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.covenant}"


class MarketEstimate(SourcedFact):
    """The size of a sector's Dutch market in a year: turnover or invested assets, in euros."""

    sector = models.ForeignKey(
        RiskSector, on_delete=models.CASCADE, related_name="market_estimates"
    )
    segment = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=12, choices=MarketMeasure.choices)
    amount_eur = models.DecimalField(max_digits=18, decimal_places=0)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["sector", "segment", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "segment", "year", "measure"], name="market_estimate_unique"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.sector} {self.segment}".strip()
        return f"{label} {self.year}: {self.measure} EUR {self.amount_eur}"


class MarketShare(SourcedFact):
    """A company's estimated share (0..1) of its sector's market in a year."""

    company = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="market_shares"
    )
    sector = models.ForeignKey(RiskSector, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField()
    share = models.DecimalField(max_digits=7, decimal_places=6)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["company", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "sector", "segment", "year"], name="market_share_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=1), name="market_share_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}: {self.share}"


class Metric(models.TextChoices):
    COMPANIES = "companies", _("participating companies")
    BRANDS = "brands", _("participating brands")
    MARKET_SHARE = "market_share", _("share of the market")
    PARTIES = "parties", _("parties")


class Observation(SourcedFact):
    """A published aggregate figure, where only the aggregate is public
    ("~48% of market turnover on 2018-12-31"). A range is kept as low and high."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="observations")
    on = models.DateField()
    metric = models.CharField(max_length=16, choices=Metric.choices)
    value = models.FloatField()
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["covenant", "on", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "on", "metric"], name="observation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.covenant} {self.metric} on {self.on}: {self.value}"


class Target(SourcedFact):
    """A SMART target: from the baseline (nulmeting) to `target_value` by `deadline`."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    baseline_value = models.FloatField()
    baseline_on = models.DateField()
    target_value = models.FloatField()
    deadline = models.DateField()

    class Meta:
        ordering = ["covenant", "deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["covenant", "metric", "deadline"], name="target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.covenant}: {self.metric} {self.target_value} by {self.deadline}"


class CoverageLevel(models.TextChoices):
    NONE = "none", _("not covered")
    MENTIONED = "mentioned", _("mentioned")
    GOAL = "goal", _("goal")
    MANDATORY = "mandatory", _("mandatory with indicator")


class ClaimBasis(models.TextChoices):
    TEXT = "text", _("covenant text")
    STATEMENT = "statement", _("statement by others")


class ThemeCoverage(SourcedFact):
    """How a covenant covers a theme from `since` on. Statements that contradict the covenant
    text (as in the 2018 debate) are kept beside it with basis `statement`."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="theme_coverage")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="coverage")
    level = models.CharField(max_length=12, choices=CoverageLevel.choices)
    since = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=12, choices=ClaimBasis.choices, default=ClaimBasis.TEXT)

    class Meta:
        ordering = ["covenant", "theme", "since"]

    def __str__(self) -> str:
        return f"{self.covenant} / {self.theme}: {self.level}"


class DataLoad(models.Model):
    """A record of `imvo load reference|demo`: what was loaded, its digest, and when."""

    kind = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.kind} load at {self.loaded_at:%Y-%m-%d %H:%M}"
