"""Publishing from the web as background work (kind "publication.publish").

The page queues the publication and shows its status; `imvo worker` publishes through the same
service the command line calls in the foreground (`release_publish`). A publication is one
transaction, so an attempt whose worker died leaves nothing to remove before the retry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imvo.core.errors import ImvoError
from imvo.web.accounts.permissions import AnyUser, stored_user
from imvo.web.publication.services import release_publish
from imvo.web.registry.models import Covenant
from imvo.web.work.kinds import Kind, Progress, kind_register
from imvo.web.work.models import Work
from imvo.web.work.services import work_enqueue

PUBLISH_KIND = "publication.publish"


def release_publish_start(*, covenant: Covenant, year: int, user: AnyUser) -> Work:
    """Queue the publication of the covenant's list for the year by `user` (who must do the
    covenant's secretariat work; the service checks it when it runs)."""
    account = stored_user(user)
    if account is None:
        raise ImvoError("sign in to publish")
    return work_enqueue(
        kind=PUBLISH_KIND,
        subject=f"{covenant.slug} {year}",
        params={"covenant": covenant.pk, "year": year, "user": account.pk},
        user=account,
    )


def release_publish_run(work: Work, progress: Progress) -> dict[str, Any]:
    covenant = Covenant.objects.filter(pk=work.params["covenant"]).first()
    user = get_user_model().objects.filter(pk=work.params["user"], is_active=True).first()
    if covenant is None or user is None:
        # Never publish as nobody: None would mean the operator at the command line.
        raise ImvoError("the covenant or the account that asked for this publication is gone")
    release = release_publish(covenant=covenant, year=int(work.params["year"]), user=user)
    return {
        "release": release.pk,
        "version": release.version,
        "facilities": release.facility_count,
    }


def _release_link(work: Work) -> str | None:
    release = work.result.get("release")
    return reverse("publication:release", args=[release]) if release else None


def work_kinds_register() -> None:
    """Make publishing known to the background work (from `PublicationConfig.ready`)."""
    kind_register(
        Kind(
            name=PUBLISH_KIND,
            title=_("Publication of a list of production locations"),
            run=release_publish_run,
            link=_release_link,
        )
    )
