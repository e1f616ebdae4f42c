"""Reads of background work."""

from __future__ import annotations

from django.db.models import QuerySet

from imvo.web.accounts.permissions import AnyUser, is_admin, stored_user
from imvo.web.work.models import Work


def work_latest(*, kind: str, subject: str) -> Work | None:
    """The latest piece of work of `kind` about `subject`."""
    return Work.objects.filter(kind=kind, subject=subject).order_by("-created_at", "-pk").first()


def work_visible_to(user: AnyUser) -> QuerySet[Work]:
    """The work a user may follow: what they started; administrators see all."""
    if is_admin(user):
        return Work.objects.all()
    account = stored_user(user)
    if account is None:
        return Work.objects.none()
    return Work.objects.filter(created_by=account)


def work_open(*, kind: str, subject: str | None = None) -> QuerySet[Work]:
    """Queued or running work of `kind` (about `subject`, if given)."""
    found = Work.objects.filter(kind=kind, status__in=["queued", "running"])
    return found.filter(subject=subject) if subject is not None else found
