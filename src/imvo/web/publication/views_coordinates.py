"""Coordinates flagged for review, for the secretariat: facilities whose reported coordinates
fail a check (outside the stated country, swapped, impossible) and are published without a
point until someone confirms, corrects or discards them.

Administrators see every flag; a covenant's secretariat sees the facilities that companies
taking part in its covenants report. Another secretariat's facility is missing (404).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from imvo.core.errors import ImvoError
from imvo.web.accounts.permissions import (
    AnyUser,
    covenants_administered_by,
    is_admin,
    secretariat_required,
)
from imvo.web.countries import country_name
from imvo.web.publication import selectors
from imvo.web.publication.models import CoordinateVerdict
from imvo.web.publication.services import coordinates_resolve
from imvo.web.registry.models import Covenant
from imvo.web.suppliers.selectors import open_reviews


def covenants_in_scope(user: AnyUser) -> Iterable[Covenant] | None:
    """The covenants whose flags the user reviews; None for administrators (all flags)."""
    return None if is_admin(user) else list(covenants_administered_by(user))


def coordinate_parse(text: str, *, field: str) -> float | None:
    """A latitude or longitude as typed (a decimal comma is accepted); None when left empty,
    ImvoError naming `field` when it is not a finite number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImvoError(
            _("%(value)s is not a number of degrees, for example 23.81.") % {"value": text[:20]},
            field=field,
        )
    return value


_ELSEWHERE = re.compile(r"the coordinates lie in (\w\w), not in (\w\w)")


def problem_text(problem: str) -> str:
    """The check's finding (written in English by the core) in the page's language, with
    country names; a finding this page does not know is shown as it is."""
    found = _ELSEWHERE.fullmatch(problem)
    if found is not None:
        return _("The coordinates lie in %(found)s, not in %(stated)s.") % {
            "found": country_name(found.group(1)),
            "stated": country_name(found.group(2)),
        }
    known = {
        "latitude and longitude look swapped": _("Latitude and longitude look swapped."),
        "the coordinates are out of range": _("The coordinates are out of range."),
        "the coordinates are (0, 0), a placeholder rather than a place": _(
            "The coordinates are (0, 0), a placeholder rather than a place."
        ),
    }
    return known.get(problem, problem)


def _render(
    request: HttpRequest,
    *,
    status: int = 200,
    error: dict[str, Any] | None = None,
) -> HttpResponse:
    flags = selectors.coordinate_flags(covenants=covenants_in_scope(request.user))
    labels = {
        "verdict": _("Verdict"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "facility": _("Facility"),
        "facility_id": _("Facility"),
    }
    if error is not None:
        error = {**error, "label": labels.get(error["field"], error["field"])}
    context = {
        "flags": [
            {
                **flag,
                "country_name": country_name(flag["country"]),
                "problem_text": problem_text(flag["problem"] or ""),
            }
            for flag in flags
        ],
        "verdicts": CoordinateVerdict.choices,
        "error": error,
        "open_reviews": open_reviews(request.user),
    }
    return render(request, "publication/coordinates.html", context, status=status)


@require_safe
@secretariat_required
def coordinate_flags(request: HttpRequest) -> HttpResponse:
    """The flags the user reviews, each with a form for the verdict."""
    return _render(request)


@require_POST
@secretariat_required
def coordinate_resolve(request: HttpRequest, facility_id: str) -> HttpResponse:
    """Confirm, correct or discard a facility's flagged coordinates (the service audits it).
    Bad input is a 400 naming the field, and nothing is written."""
    try:
        facility = selectors.coordinate_facility_get(
            facility_id=facility_id, covenants=covenants_in_scope(request.user)
        )
    except ImvoError:
        raise Http404(
            _("There is no facility %(id)s to review.") % {"id": facility_id[:40]}
        ) from None
    verdict = request.POST.get("verdict", "").strip()
    entered = {
        "verdict": verdict,
        "latitude": request.POST.get("latitude", "")[:40],
        "longitude": request.POST.get("longitude", "")[:40],
    }
    try:
        if verdict not in CoordinateVerdict.values:
            raise ImvoError(_("Choose a verdict."), field="verdict")
        latitude = coordinate_parse(entered["latitude"], field="latitude")
        longitude = coordinate_parse(entered["longitude"], field="longitude")
        if verdict == CoordinateVerdict.CORRECTED:
            for value, field in ((latitude, "latitude"), (longitude, "longitude")):
                if value is None:
                    raise ImvoError(
                        _("A correction needs a latitude and a longitude."), field=field
                    )
        coordinates_resolve(
            facility=facility,
            verdict=verdict,
            user=request.user,
            latitude=latitude,
            longitude=longitude,
        )
    except ImvoError as problem:
        error = {
            "facility_id": facility.facility_id,
            "field": problem.field or "verdict",
            "message": problem.message,
            "entered": entered,
        }
        return _render(request, status=400, error=error)
    messages.success(
        request,
        _("The coordinates of %(id)s (%(name)s) are reviewed: %(verdict)s.")
        % {
            "id": facility.facility_id,
            "name": facility.name,
            "verdict": CoordinateVerdict(verdict).label,
        },
    )
    return redirect("publication:coordinates")
