"""A piece of background work and how far it got."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


ENDED = (WorkStatus.DONE, WorkStatus.FAILED)


class Work(models.Model):
    """One piece of background work: an import, a publication, a de-duplication.

    `kind` names the registered kind that runs it and `subject` what it is about (an import
    job's id, a covenant and year). While it runs its worker writes `heartbeat_at`; a running
    piece whose heartbeat stopped is retried (`attempts` counts the attempts started) or
    failed. A failure keeps `problem` (a message code and its parameters, shown in the page's
    language) and `message` (English, for logs and the command line).
    """

    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=WorkStatus.choices, default=WorkStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    worker_id = models.CharField(max_length=64, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    problem = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "subject"], name="work_kind_subject_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="work_status_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.status})"

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def retrying(self) -> bool:
        """Running again (or waiting to) after an attempt whose worker died."""
        return not self.ended and (
            self.attempts > 1 or (self.attempts == 1 and self.status == WorkStatus.QUEUED)
        )

    @property
    def attempt(self) -> int:
        """The attempt that runs now, or waits to run (1 for the first)."""
        return self.attempts + (1 if self.status == WorkStatus.QUEUED else 0)
