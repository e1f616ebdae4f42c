"""The public pages: the dashboard and a page per covenant.

Views parse the request, call the registry's selectors and render; the shaping done here is
presentation only (grouping, numbering footnotes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from imvo.core.errors import ImvoError
from imvo.web.accounts.permissions import administers_any_covenant
from imvo.web.diligence.selectors import outcome_distribution
from imvo.web.registry import selectors
from imvo.web.suppliers.selectors import reviews_visible_to

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
LANDSCAPE_START = date(2014, 1, 1)  # the year of KPMG's sector risk analysis
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
PARTY_KINDS = ("company", "business_association", "union", "ngo", "government", "other")


def day_param(request: HttpRequest, name: str = "on") -> date:
    """The date in query parameter `name` (YYYY-MM-DD); today when absent or empty."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return selectors.today()
    if not ISO_DAY.fullmatch(raw):
        raise ImvoError(
            _("%(value)s is not a date: write it as YYYY-MM-DD, for example 2018-03-06.")
            % {"value": raw[:40]},
            field=name,
        )
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ImvoError(
            _("%(value)s is not a day of the calendar.") % {"value": raw}, field=name
        ) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ImvoError(
            _("%(value)s is out of range: choose a date from %(earliest)s to %(latest)s.")
            % {
                "value": raw,
                "earliest": EARLIEST_DAY.isoformat(),
                "latest": LATEST_DAY.isoformat(),
            },
            field=name,
        )
    return day


def bad_request(request: HttpRequest, error: ImvoError) -> HttpResponse:
    """HTTP 400 with the message and the field it concerns."""
    return render(
        request,
        "registry/bad_request.html",
        {"message": error.message, "field": error.field},
        status=400,
    )


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The covenant landscape, risk sectors, targets and themes on one date."""
    try:
        on = day_param(request)
    except ImvoError as error:
        return bad_request(request, error)
    today = selectors.today()
    all_covenants = selectors.covenant_list(on=on, include_all=True)
    covenants = [c for c in all_covenants if c["status"] is not None]
    sectors = selectors.sector_list(on=on)
    targets = selectors.target_list(on=on)
    matrix = selectors.theme_matrix_get(on=on)
    landscape_end = max(today, on)
    names = {c["slug"]: c for c in all_covenants}
    theme_names = {t["slug"]: t["name"] for t in matrix["themes"]}
    context = {
        "on": on,
        "today": today,
        "is_today": on == today,
        "covenants": covenants,
        "covenant_names": {slug: c["short_name"] or c["name"] for slug, c in names.items()},
        "in_force": [c for c in covenants if c["status"] == "signed"],
        "sectors": sectors,
        "sectors_without": [s for s in sectors if s["status"] != "covenant"],
        "targets": [{**t, "covenant_name": _covenant_name(names, t["covenant"])} for t in targets],
        "targets_behind": [t for t in targets if t["status"] in {"at-risk", "off-track", "missed"}],
        "matrix": matrix,
        "matrix_rows": matrix_rows(matrix),
        "disputes": [
            {
                **d,
                "number": n,
                "covenant_name": _covenant_name(names, d["covenant"]),
                "theme_name": theme_names.get(d["theme"], d["theme"]),
            }
            for n, d in enumerate(matrix["disputes"], start=1)
        ],
        "timeline": selectors.covenant_timeline(start=LANDSCAPE_START, end=landscape_end),
        "landscape_start": LANDSCAPE_START,
        "landscape_end": landscape_end,
        # only a count and a link, for the secretariat: no confidential data on this page
        # aggregates of published assessments only (issue 4): no company is named
        "diligence_outcomes": outcome_distribution(),
        "theme_names": theme_names,
        "open_reviews": (
            reviews_visible_to(request.user).count()
            if administers_any_covenant(request.user)
            else None
        ),
    }
    htmx = getattr(request, "htmx", None)  # set by django_htmx's middleware
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    template = "registry/_dashboard_sections.html" if partial else "registry/dashboard.html"
    response = render(request, template, {**context, "partial": partial})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _covenant_name(names: Mapping[str, Mapping[str, Any]], slug: str) -> str:
    item = names.get(slug)
    return str(item["short_name"] or item["name"]) if item else slug


def matrix_rows(matrix: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The theme matrix as rows of cells, each knowing whether it is a core-theme gap and
    which disputed claims (numbered as their footnotes) concern it."""
    gaps = {(g["covenant"], g["theme"]) for g in matrix["gaps"]}
    notes: dict[tuple[str, str], list[int]] = {}
    for number, dispute in enumerate(matrix["disputes"], start=1):
        notes.setdefault((dispute["covenant"], dispute["theme"]), []).append(number)
    return [
        {
            "slug": covenant["slug"],
            "name": covenant["name"],
            "cells": [
                {
                    "theme": theme,
                    "level": covenant["coverage"].get(theme["slug"], "none"),
                    "gap": (covenant["slug"], theme["slug"]) in gaps,
                    "notes": notes.get((covenant["slug"], theme["slug"]), []),
                }
                for theme in matrix["themes"]
            ],
        }
        for covenant in matrix["covenants"]
    ]


@require_safe
def covenant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One covenant: parties, themes, targets, status history, participation chart, sources."""
    try:
        on = day_param(request)
    except ImvoError as error:
        return bad_request(request, error)
    try:
        detail = selectors.covenant_detail(slug=slug, on=on)
    except ImvoError as error:
        if error.field == "covenant":
            raise Http404(_("There is no covenant %(slug)s.") % {"slug": slug}) from None
        return bad_request(request, error)
    sector_names = {s["slug"]: s["name"] for s in selectors.sector_list(on=on)}
    context = {
        "on": on,
        "today": selectors.today(),
        "covenant": detail,
        "sector_names": [sector_names.get(slug, slug) for slug in detail["sectors"]],
        "party_groups": party_groups(detail["parties"]),
        "synthetic_parties": sum(1 for p in detail["parties"] if p["synthetic"]),
        "sources": cited_sources(detail),
    }
    return render(request, "registry/covenant_detail.html", context)


def party_groups(parties: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Parties grouped by kind, companies first, in a fixed order of kinds."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for party in parties:
        groups.setdefault(party["kind"], []).append(party)
    order = [k for k in PARTY_KINDS if k in groups] + sorted(set(groups) - set(PARTY_KINDS))
    return [
        {"kind": kind, "parties": sorted(groups[kind], key=lambda p: str(p["name"]).lower())}
        for kind in order
    ]


def cited_sources(detail: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every source the page cites, once, in order of first citation."""
    found: dict[str, Mapping[str, Any]] = {}

    def add(source: Mapping[str, Any] | None) -> None:
        if source and source.get("key") and source["key"] not in found:
            found[source["key"]] = source

    for source in detail.get("sources", []):
        add(source)
    for change in detail.get("status_changes", []):
        add(change.get("source"))
    coverage = detail.get("coverage") or {}
    for source in coverage.get("sources", []):
        add(source)
    for row in (*detail.get("targets", []), *detail.get("themes", [])):
        add(row.get("source"))
    for observation in detail.get("observations", []):
        add(observation.get("source"))
    return list(found.values())
