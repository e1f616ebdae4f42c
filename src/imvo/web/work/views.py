"""The status page of a piece of background work, polled by htmx until it has ended."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from imvo.web.work.kinds import kind_get
from imvo.web.work.messages import problem_text
from imvo.web.work.models import Work
from imvo.web.work.selectors import work_visible_to


def work_context(work: Work) -> dict[str, Any]:
    """What `work/_status.html` shows of a piece of work."""
    try:
        kind = kind_get(work.kind)
    except LookupError:
        kind = None
    return {
        "work": work,
        "title": kind.title if kind is not None else work.kind,
        "link": kind.link(work)
        if kind is not None and kind.link and work.status == "done"
        else None,
        "problem": problem_text(work.problem, work.message),
    }


@require_safe
@login_required
def work_status(request: HttpRequest, pk: int) -> HttpResponse:
    """How far a piece of work got; what another user started is missing (404)."""
    work = get_object_or_404(work_visible_to(request.user), pk=pk)
    template = "work/_status.html" if request.headers.get("HX-Request") else "work/work.html"
    response = render(request, template, work_context(work))
    patch_vary_headers(response, ["HX-Request"])
    return response
