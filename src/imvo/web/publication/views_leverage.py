"""Shared leverage, beside a company's supplier pages: the facilities a company shares with
other participants (and its consent to be named), and the secretariat's clusters per covenant.

Both are confidential. A company sees how many others source at its facilities and the names of
those that consented, never the others; the secretariat of a covenant sees its clusters in full,
and a participant's shared facilities as far as its lists for that covenant go. Another
company's page is missing (404), never forbidden; a covenant the user does no secretariat work
for is missing too.

Consent is the company's own decision: its users (and administrators, who can also record it in
the admin) give or withdraw it here. The secretariat sees the state but does not change it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from imvo.core.errors import ImvoError
from imvo.core.exports import export_write
from imvo.web.accounts.permissions import (
    AnyUser,
    can_edit_company,
    companies_of,
    companies_visible_to,
    company_user_required,
    covenants_administered_by,
    get_company_or_404,
    is_admin,
    secretariat_required,
)
from imvo.web.publication import selectors
from imvo.web.publication.services import consent_give, consent_withdraw
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind
from imvo.web.suppliers.selectors import open_reviews, supplier_lists_visible_to

PAGE_SIZE = 50
CONSENT_ACTIONS = ("give", "withdraw")


def year_parse(text: str | None, *, required: bool = False) -> int | None:
    """A year as a request gives it: None when left empty (unless `required`); ImvoError
    (field "year") unless it is four digits."""
    text = (text or "").strip()
    if not text and not required:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise ImvoError(
            _("%(value)s is not a year: write it as four digits, for example 2018.")
            % {"value": text[:10] or "\u2014"},
            field="year",
        )
    return int(text)


def field_label(field: str | None) -> str:
    """The form field an error is about, as the page names it."""
    labels = {
        "year": _("Year"),
        "company": _("Company"),
        "action": _("Action"),
        "covenant": _("Covenant"),
    }
    return labels.get(field or "", field or "")


def _problem(error: ImvoError) -> dict[str, str]:
    return {"field": error.field or "", "label": field_label(error.field), "message": error.message}


def _csv_response(records: list[Any], record_type: type[Any], filename: str) -> HttpResponse:
    out = io.BytesIO()
    export_write(records, record_type=record_type, fmt="csv", out=out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------------------------
# A company's shared facilities and its consent
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedFacilityExport:
    """A row of the shared-facilities download: only consenting companies are named."""

    facility_id: str
    name: str
    city: str | None
    country: str
    other_companies: int
    named_companies: tuple[str, ...]


def company_choices(user: AnyUser) -> QuerySet[Organisation]:
    """Companies whose shared facilities the user may open: its own, and for the secretariat
    and administrators those with a supplier list it may read."""
    with_lists = supplier_lists_visible_to(user).values("company")
    own = companies_of(user).values("pk")
    return (
        companies_visible_to(user)
        .filter(Q(pk__in=own) | Q(pk__in=with_lists))
        .distinct()
        .order_by("name", "slug")
    )


def _company_from(request: HttpRequest) -> Organisation | None:
    """The company asked for (`?company=`, 404 unless the user may choose it: its own, or for
    a secretariat one taking part in its covenants), else the user's own first company; None
    for a user without one (the page offers a chooser). What is shown of the company is
    still only what the user may read (`supplier_lists_visible_to`)."""
    slug = request.GET.get("company", "").strip()[:100]
    if slug:
        return get_company_or_404(request.user, slug=slug)
    own: Organisation | None = companies_of(request.user).order_by("name", "slug").first()
    return own


def _shared_render(
    request: HttpRequest,
    company: Organisation | None,
    *,
    year: int | None,
    status: int = 200,
    error: dict[str, str] | None = None,
    consent_error: dict[str, str] | None = None,
) -> HttpResponse:
    choices = list(company_choices(request.user))
    context: dict[str, Any] = {
        "company": company,
        "choices": choices,
        "error": error,
        "consent_error": consent_error,
        "open_reviews": open_reviews(request.user),
    }
    if company is None:
        return render(request, "publication/shared.html", context, status=status)
    lists = supplier_lists_visible_to(request.user)
    list_years = selectors.supplier_list_years(company=company, lists=lists)
    consent_by_year = {
        c["year"]: c
        for c in selectors.consent_list(company=company)
        if can_edit_company(request.user, company) or c["year"] in list_years
    }
    context.update(
        {
            "years": list_years,
            "consents": [
                {"year": y, "state": consent_by_year.get(y), "has_list": y in list_years}
                for y in sorted(set(list_years) | set(consent_by_year), reverse=True)
            ],
            "may_consent": can_edit_company(request.user, company),
        }
    )
    if error is None:
        shared = selectors.shared_facilities(company=company, year=year, lists=lists)
        published = selectors.published_facility_ids() if shared["facilities"] else frozenset()
        facilities = [
            {**facility, "published": facility["facility_id"] in published}
            for facility in shared["facilities"]
        ]
        chosen = {"year": shared["year"]} if shared["year"] else {}
        context.update(
            {
                "year": shared["year"],
                "page": Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page")),
                "total": len(facilities),
                "query": urlencode({"company": company.slug, **chosen}),
                "csv_url": reverse("suppliers:shared-csv")
                + "?"
                + urlencode({"company": company.slug, **chosen}),
            }
        )
    return render(request, "publication/shared.html", context, status=status)


@require_safe
def shared_facilities(request: HttpRequest) -> HttpResponse:
    """The facilities a company shares with other participants, for a year (default: the
    latest it handed in a list for), and its consent to be named."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    company = _company_from(request)
    if company is None and not company_choices(request.user).exists():
        raise PermissionDenied(_("Your account has no role that gives access to this."))
    try:
        year = year_parse(request.GET.get("year"))
    except ImvoError as error:
        return _shared_render(request, company, year=None, status=400, error=_problem(error))
    return _shared_render(request, company, year=year)


def _csv_bad_request(error: ImvoError) -> HttpResponse:
    """A CSV download's bad parameter: 400 with the field named, as plain text."""
    return HttpResponse(
        f"{field_label(error.field)}: {error.message}",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def shared_facilities_csv(request: HttpRequest) -> HttpResponse:
    """The shared-facilities table as CSV (safe to open in a spreadsheet program)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    company = _company_from(request)
    if company is None:
        raise PermissionDenied(_("Your account has no role that gives access to this."))
    try:
        year = year_parse(request.GET.get("year"))
    except ImvoError as error:
        return _csv_bad_request(error)
    shared = selectors.shared_facilities(
        company=company, year=year, lists=supplier_lists_visible_to(request.user)
    )
    records = [
        SharedFacilityExport(
            facility_id=f["facility_id"],
            name=f["name"],
            city=f["city"],
            country=f["country"],
            other_companies=f["other_companies"],
            named_companies=tuple(f["named"]),
        )
        for f in shared["facilities"]
    ]
    filename = f"shared-facilities-{company.slug}-{shared['year'] or 'none'}.csv"
    return _csv_response(records, SharedFacilityExport, filename)


def _consent_companies(user: AnyUser) -> QuerySet[Organisation]:
    """Companies whose consent the user may change: its own; every company for administrators."""
    if is_admin(user):
        return Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    return companies_of(user)


@require_POST
@company_user_required
def consent_change(request: HttpRequest) -> HttpResponse:
    """Give or withdraw a company's consent to be named for a year (the service audits it).
    Bad input is a 400 naming the field, and nothing is written."""
    slug = request.POST.get("company", "").strip()[:100]
    company = _consent_companies(request.user).filter(slug=slug).first() if slug else None
    try:
        if company is None:
            raise ImvoError(
                _("There is no company %(slug)s among yours.") % {"slug": slug or "\u2014"},
                field="company",
            )
        year = year_parse(request.POST.get("year"), required=True)
        assert year is not None
        action = request.POST.get("action", "")
        if action not in CONSENT_ACTIONS:
            raise ImvoError(_("Choose to give or to withdraw consent."), field="action")
        if action == "give":
            consent_give(company=company, year=year, user=request.user)
            messages.success(
                request,
                _("%(company)s consents to be named for %(year)s.")
                % {"company": company.name, "year": year},
            )
        else:
            consent_withdraw(company=company, year=year, user=request.user)
            messages.success(
                request,
                _("%(company)s no longer consents to be named for %(year)s.")
                % {"company": company.name, "year": year},
            )
    except ImvoError as error:
        shown = company or _consent_companies(request.user).order_by("name", "slug").first()
        return _shared_render(request, shown, year=None, status=400, consent_error=_problem(error))
    url = reverse("suppliers:shared") + "?" + urlencode({"company": company.slug})
    return redirect(url + "#consent")


# --------------------------------------------------------------------------------------------
# Clusters of a covenant, for its secretariat
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterExport:
    """A row of the clusters download (confidential: every company is named)."""

    facility_id: str
    name: str
    city: str | None
    country: str
    company_count: int
    companies: tuple[str, ...]


def clusters_largest_first(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clusters by the number of companies, the largest first; then by facility id."""
    return sorted(
        clusters, key=lambda cluster: (-len(cluster["companies"]), cluster["facility_id"])
    )


def _administered_covenant(request: HttpRequest, slug: str) -> Covenant:
    covenant: Covenant = get_object_or_404(covenants_administered_by(request.user), slug=slug)
    return covenant


@require_safe
@secretariat_required
def clusters_index(request: HttpRequest) -> HttpResponse:
    """The clusters of the covenant chosen (`?covenant=`, `?year=`), else of the first
    covenant the user does secretariat work for that has supplier lists."""
    administered = covenants_administered_by(request.user).order_by("slug")
    slug = request.GET.get("covenant", "").strip()[:100]
    chosen: Covenant | None
    if slug:
        chosen = get_object_or_404(administered, slug=slug)
    else:  # the first covenant whose participants handed in lists, else the first one
        chosen = next(
            (c for c in administered if selectors.covenant_list_years(covenant=c)),
            administered.first(),
        )
    if chosen is None:
        raise Http404(_("There is no covenant to show."))
    url = reverse("suppliers:clusters-covenant", args=[chosen.slug])
    year = request.GET.get("year", "").strip()[:10]
    return redirect(f"{url}?{urlencode({'year': year})}" if year else url)


@require_safe
@secretariat_required
def clusters(request: HttpRequest, slug: str) -> HttpResponse:
    """Every facility two or more of the covenant's participants report, the largest first."""
    covenant = _administered_covenant(request, slug)
    context: dict[str, Any] = {
        "covenant": covenant,
        "covenants": list(covenants_administered_by(request.user).order_by("slug")),
        "years": selectors.covenant_list_years(covenant=covenant),
        "open_reviews": open_reviews(request.user),
    }
    try:
        year = year_parse(request.GET.get("year"))
    except ImvoError as error:
        context["error"] = _problem(error)
        return render(request, "publication/clusters.html", context, status=400)
    found = selectors.covenant_clusters(covenant=covenant, year=year)
    ordered = clusters_largest_first(found["clusters"])
    published = selectors.published_facility_ids() if ordered else frozenset()
    rows = [{**cluster, "published": cluster["facility_id"] in published} for cluster in ordered]
    context.update(
        {
            "year": found["year"],
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "query": urlencode({"year": found["year"] or ""}),
            "csv_url": reverse("suppliers:clusters-csv", args=[covenant.slug])
            + (f"?{urlencode({'year': found['year']})}" if found["year"] else ""),
        }
    )
    return render(request, "publication/clusters.html", context)


@require_safe
@secretariat_required
def clusters_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The covenant's clusters as CSV, the largest first (safe to open in a spreadsheet)."""
    covenant = _administered_covenant(request, slug)
    try:
        year = year_parse(request.GET.get("year"))
    except ImvoError as error:
        return _csv_bad_request(error)
    found = selectors.covenant_clusters(covenant=covenant, year=year)
    records = [
        ClusterExport(
            facility_id=c["facility_id"],
            name=c["name"],
            city=c["city"],
            country=c["country"],
            company_count=len(c["companies"]),
            companies=tuple(c["companies"]),
        )
        for c in clusters_largest_first(found["clusters"])
    ]
    filename = f"clusters-{covenant.slug}-{found['year'] or 'none'}.csv"
    return _csv_response(records, ClusterExport, filename)
