"""The public open-data pages: facility search, facility pages, the map, country summaries,
brand pages ("who made my product"), and the releases (each with its changelog) with the
secretariat's publish form.

The public pages read the same selectors as the public API, so they show exactly what the API
returns: published releases only, and companies named only where they consented.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from imvo.core.errors import ImvoError
from imvo.core.publication.disclosure import MIN_GROUP
from imvo.web.accounts.permissions import (
    administers_any_covenant,
    covenants_administered_by,
    secretariat_required,
)
from imvo.web.countries import country_name
from imvo.web.publication import selectors
from imvo.web.publication.jobs import release_publish_start
from imvo.web.publication.models import Release
from imvo.web.registry.selectors import localized_name

PAGE_SIZE = 50
CHANGELOG_OPEN_LIMIT = 25  # longer sections of a changelog start folded
FILE_LABELS = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON", "datapackage": "Data Package"}


def map_settings() -> dict[str, str]:
    """The map's tile server (empty: markers on a plain background) and its attribution."""
    return {
        "tiles": settings.IMVO_MAP_TILES,
        "attribution": settings.IMVO_MAP_ATTRIBUTION,
    }


def map_features(facilities: list[dict[str, Any]]) -> dict[str, Any]:
    """The facilities that have a point, as a GeoJSON FeatureCollection for map.js."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [facility["longitude"], facility["latitude"]],
                },
                "properties": {
                    "facility_id": facility["facility_id"],
                    "name": facility["name"],
                    "city": facility["city"],
                    "country": facility["country"],
                    "precision": facility["coordinate_precision"],
                    "url": reverse("publication:facility", args=[facility["facility_id"]]),
                },
            }
            for facility in facilities
            if facility["latitude"] is not None and facility["longitude"] is not None
        ],
    }


# --------------------------------------------------------------------------------------------
# Facilities
# --------------------------------------------------------------------------------------------


@require_safe
def facility_search(request: HttpRequest) -> HttpResponse:
    """Published facilities by name (any spelling), country and city; paginated."""
    q = request.GET.get("q", "").strip()[:200]
    country = request.GET.get("country", "").strip()[:2]
    city = request.GET.get("city", "").strip()[:200]
    results = selectors.facility_search(q=q, country=country, city=city)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    countries = sorted({f["country"] for f in selectors.facility_search()})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publication/facility_search.html",
        {
            "q": q,
            "country": country.upper(),
            "city": city,
            "page": page,
            "total": len(results),
            "countries": [(code, country_name(code)) for code in countries],
            "query": query.urlencode(),
            "searched": bool(q or country or city),
        },
    )


@require_safe
def facility_detail(request: HttpRequest, facility_id: str) -> HttpResponse:
    """A published facility; an old id of a merged facility redirects to the current one."""
    try:
        detail = selectors.public_facility_detail(facility_id=facility_id)
    except ImvoError:
        raise Http404(
            _("There is no published facility %(id)s.") % {"id": facility_id[:40]}
        ) from None
    if detail["facility_id"] != facility_id:
        return redirect("publication:facility", facility_id=detail["facility_id"], permanent=True)
    return render(
        request,
        "publication/facility_detail.html",
        {
            "facility": detail,
            "country_name": country_name(detail["country"]),
            "features": map_features([detail]),
            "map": map_settings(),
        },
    )


@require_safe
def facility_map(request: HttpRequest) -> HttpResponse:
    """Every published location with a point, as markers on one map."""
    facilities = selectors.facility_search()
    features = map_features(facilities)
    return render(
        request,
        "publication/facility_map.html",
        {
            "features": features,
            "total": len(facilities),
            "without_point": len(facilities) - len(features["features"]),
            "map": map_settings(),
        },
    )


@require_safe
def country_summary(request: HttpRequest) -> HttpResponse:
    """The number of published facilities per country, the most first."""
    counts = Counter(f["country"] for f in selectors.facility_search())
    rows = [
        {"code": code, "name": country_name(code), "facilities": count}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return render(
        request,
        "publication/countries.html",
        {"countries": rows, "total": sum(counts.values())},
    )


# --------------------------------------------------------------------------------------------
# Brands
# --------------------------------------------------------------------------------------------


@require_safe
def brand_index(request: HttpRequest) -> HttpResponse:
    """Brands whose companies consented to be named."""
    brands = [{**brand, "slug": slugify(brand["brand"])} for brand in selectors.brand_list()]
    return render(request, "publication/brands.html", {"brands": brands})


@require_safe
def brand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A consenting brand's facilities by product type: "who made my product"."""
    brand = next((b for b in selectors.brand_list() if slugify(b["brand"]) == slug), None)
    if brand is None:
        raise Http404(_("No published release names the brand %(slug)s.") % {"slug": slug[:40]})
    facilities = {f["facility_id"]: f for f in selectors.facility_search()}
    products = [
        {
            "product_type": group["product_type"],
            "facilities": [facilities[i] for i in group["facility_ids"] if i in facilities],
        }
        for group in brand["by_product_type"]
    ]
    return render(
        request,
        "publication/brand_detail.html",
        {"brand": brand, "products": products},
    )


# --------------------------------------------------------------------------------------------
# Releases and publishing
# --------------------------------------------------------------------------------------------


def _downloads(release: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "fmt": fmt,
            "label": FILE_LABELS.get(fmt, fmt),
            "url": reverse("api-release-file", args=[release["release_id"], fmt]),
        }
        for fmt in release["files"]
    ]


def _releases_context(request: HttpRequest) -> dict[str, Any]:
    releases = [
        {**release, "downloads": _downloads(release)} for release in selectors.releases_list()
    ]
    administered = (
        list(covenants_administered_by(request.user).order_by("slug"))
        if administers_any_covenant(request.user)
        else []
    )
    return {
        "releases": releases,
        "administered": administered,
    }


@require_safe
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A release: its figures, who it names and why, its downloads and its changelog."""
    release = Release.objects.select_related("covenant", "previous").filter(pk=pk).first()
    if release is None:
        raise Http404(_("There is no release %(id)s.") % {"id": pk})
    detail = selectors.release_detail(release)
    changelog = selectors.release_changelog(release)
    return render(
        request,
        "publication/release_detail.html",
        {
            "release": {**detail, "downloads": _downloads(detail)},
            "covenant": release.covenant,
            "covenant_name": localized_name(release.covenant),
            "named": selectors.release_named(release),
            "unnamed": detail["participants"] - detail["named_participants"],
            "min_group": MIN_GROUP,
            "changelog": changelog,
            "sections": [
                {"key": "new", "title": _("New facilities"), "entries": changelog["new"]},
                {"key": "gone", "title": _("Facilities gone"), "entries": changelog["gone"]},
                {
                    "key": "changed",
                    "title": _("Changed facilities"),
                    "entries": changelog["changed"],
                },
                {"key": "merged", "title": _("Merged facilities"), "entries": changelog["merged"]},
            ],
            "open_limit": CHANGELOG_OPEN_LIMIT,
        },
    )


@require_safe
def release_index(request: HttpRequest) -> HttpResponse:
    """Published releases with their downloads; for the secretariat also the publish form."""
    return render(request, "publication/releases.html", _releases_context(request))


@require_POST
@secretariat_required
def release_publish_view(request: HttpRequest) -> HttpResponse:
    """Queue the publication of a covenant's list for a year (the service checks the
    secretariat and audits when it runs)."""
    slug = request.POST.get("covenant", "").strip()
    covenant = covenants_administered_by(request.user).filter(slug=slug).first()
    if covenant is None:
        raise Http404(_("There is no covenant %(slug)s.") % {"slug": slug[:40]})
    year_text = request.POST.get("year", "").strip()
    error: str | None = None
    if not (year_text.isdigit() and len(year_text) == 4):
        error = _("%(value)s is not a year: write it as four digits, for example 2018.") % {
            "value": year_text[:10]
        }
    else:
        # Publishing reads and writes every facility of the covenant: background work, whose
        # status page says when the release is there (or why not).
        try:
            work = release_publish_start(covenant=covenant, year=int(year_text), user=request.user)
        except ImvoError as failure:
            error = failure.message
        else:
            return redirect("work:status", pk=work.pk)
    context = {
        **_releases_context(request),
        "error": error,
        "chosen": covenant.slug,
        "year": year_text[:10],
    }
    return render(request, "publication/releases.html", context, status=400)
