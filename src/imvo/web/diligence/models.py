"""Company due diligence: yearly submissions (self-assessment, ranked risk analysis, action
plan, living-wage gaps), the covenant's published assessment framework, and assessments.

Priorities and red flags are computed in `imvo.core.diligence`, never stored with the rows; an
assessment keeps a snapshot of the red flags it was published with.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imvo.web.registry.models import Covenant, Organisation, Theme
from imvo.web.suppliers.models import Facility

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class AssessmentFramework(models.Model):
    """A covenant's published assessment framework; a changed framework is a new version."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="frameworks")
    version = models.PositiveSmallIntegerField(default=1)
    published_on = models.DateField(null=True, blank=True)
    # The share to reach in membership year 1, 2, 3 …; the last holds after.
    thresholds = models.JSONField(default=list)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["covenant", "version"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "version"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.covenant} framework v{self.version}"


class FrameworkElement(models.Model):
    framework = models.ForeignKey(
        AssessmentFramework, on_delete=models.CASCADE, related_name="elements"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    weight = models.DecimalField(max_digits=5, decimal_places=4)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="framework_element_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkCriterion(models.Model):
    element = models.ForeignKey(FrameworkElement, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=100)
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    max_points = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["element", "position"]
        verbose_name_plural = _("framework criteria")

    def __str__(self) -> str:
        return self.key


class SelfAssessmentQuestion(models.Model):
    """A self-assessment question of a covenant, on one of the six OECD due-diligence steps."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="questions")
    step = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(6)])
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["covenant", "step", "position"]

    def __str__(self) -> str:
        return f"{self.covenant} step {self.step}: {self.text[:60]}"


class ReportingCycle(models.Model):
    """A covenant's monitoring cycle for a year: submissions are due by `deadline`."""

    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="cycles")
    year = models.PositiveSmallIntegerField()
    deadline = models.DateTimeField()

    class Meta:
        ordering = ["covenant", "year"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "year"], name="reporting_cycle_unique")
        ]

    def __str__(self) -> str:
        return f"{self.covenant} {self.year}: due {self.deadline:%Y-%m-%d}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REOPENED = "reopened", _("reopened")


class AccordStatus(models.TextChoices):
    """Bangladesh Accord (and the 2018 Transition Accord) signatory status."""

    SIGNED = "signed", _("signed")
    NOT_SIGNED = "not-signed", _("not signed")
    NOT_APPLICABLE = "not-applicable", _("not applicable")
    UNKNOWN = "unknown", _("not stated")


class Submission(models.Model):
    """A company's yearly due-diligence submission to a covenant."""

    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="submissions")
    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="submissions")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    accord = models.CharField(
        max_length=16, choices=AccordStatus.choices, default=AccordStatus.UNKNOWN
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["covenant", "year", "company"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "covenant", "year"], name="submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.covenant} {self.year}"

    @property
    def locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED


class SelfAssessmentAnswer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SelfAssessmentQuestion, on_delete=models.CASCADE, related_name="+")
    answer = models.TextField()

    class Meta:
        ordering = ["submission", "question"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission}: question {self.question_id}"


class RiskItem(models.Model):
    """A row of the risk analysis: theme x country x product or tier, with its severity
    (scale, scope, irremediability) and likelihood, 1-5 each."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="risks")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, blank=True)
    product = models.CharField(max_length=200, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scale = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    scope = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    irremediability = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale__gte=1, scale__lte=5)
                & models.Q(scope__gte=1, scope__lte=5)
                & models.Q(irremediability__gte=1, irremediability__lte=5)
                & models.Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_scores_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return f"{self.theme_id} {self.country}".strip()


class Action(models.Model):
    """An action of the plan: what, where, by when, how it is measured; the risks it addresses."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    where = models.CharField(max_length=300, blank=True)
    due_on = models.DateField(null=True, blank=True)
    indicator = models.CharField(max_length=300, blank=True)
    risks = models.ManyToManyField(RiskItem, blank=True, related_name="actions")

    class Meta:
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.what[:80]


class LivingWageGap(models.Model):
    """The gap between wages paid and a living wage at a production location, in percent."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="living_wage_gaps"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location = models.CharField(max_length=300, blank=True)
    gap_percent = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return f"{self.location or self.facility_id}: {self.gap_percent}%"


class ThemeExplanation(models.Model):
    """Why a core theme, or a risk the reference check flags, is absent from the analysis
    (for every country when `country` is empty)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="explanations"
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, blank=True)
    explanation = models.TextField()

    class Meta:
        ordering = ["submission", "theme", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "theme", "country"], name="theme_explanation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.theme_id} {self.country}".strip()


class Outcome(models.TextChoices):
    INCOMPLETE = "incomplete", _("incomplete")
    MET = "met", _("met")
    NOT_MET = "not-met", _("not met")


class Assessment(models.Model):
    """The secretariat's assessment of a submission against a framework version."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="assessment"
    )
    framework = models.ForeignKey(
        AssessmentFramework, on_delete=models.PROTECT, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership_year = models.PositiveSmallIntegerField(default=1)
    total = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    threshold = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.INCOMPLETE)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # The red flags as published: the submission may be reopened and change later.
    red_flags = models.JSONField(default=list, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission"]

    def __str__(self) -> str:
        return f"assessment of {self.submission}"


class CriterionScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(FrameworkCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField()

    class Meta:
        ordering = ["assessment", "criterion__element__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"
