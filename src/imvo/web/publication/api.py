"""The publication API: releases and their files, published facilities (search and detail)
and brands, all public; shared facilities for a company and clusters for the secretariat.

The public endpoints read published releases only, through the same selectors as the public
pages. Lists are paginated (`?page=`, `?page_size=` up to 500).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imvo.core.errors import ImvoError, shown
from imvo.core.years import year_parse
from imvo.web.accounts.permissions import (
    administers_any_covenant,
    can_administer_covenant,
    get_company_or_404,
)
from imvo.web.publication import selectors
from imvo.web.publication.files import release_file
from imvo.web.publication.models import Release
from imvo.web.registry.jsonable import to_jsonable
from imvo.web.registry.models import Covenant
from imvo.web.suppliers.selectors import supplier_lists_visible_to

if TYPE_CHECKING:
    TypedSerializer = serializers.Serializer[Any]
else:  # DRF's Serializer is generic only in its stubs
    TypedSerializer = serializers.Serializer


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# ---- Documentation of the JSON ------------------------------------------------------------


class ReleaseSerializer(TypedSerializer):
    release_id = serializers.IntegerField()
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    facilities = serializers.IntegerField()
    participants = serializers.IntegerField(help_text="Participants with a list in the release.")
    named_participants = serializers.IntegerField()
    names_shown = serializers.BooleanField()
    new = serializers.IntegerField()
    gone = serializers.IntegerField()
    changed = serializers.IntegerField()
    files = serializers.ListField(child=serializers.CharField())


class PreviousSerializer(TypedSerializer):
    release_id = serializers.IntegerField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()


class ChangeSerializer(TypedSerializer):
    facility_id = serializers.CharField()
    columns = serializers.ListField(
        child=serializers.CharField(), help_text="The published columns that changed."
    )


class MergeSerializer(TypedSerializer):
    def get_fields(self) -> dict[str, Any]:  # "from" is a Python keyword
        return {"from": serializers.CharField(), "to": serializers.CharField()}


class ChangelogSerializer(TypedSerializer):
    previous_release_id = serializers.IntegerField(allow_null=True)
    new = serializers.ListField(child=serializers.CharField())
    gone = serializers.ListField(child=serializers.CharField())
    changed = ChangeSerializer(many=True)
    merged = MergeSerializer(many=True)
    unchanged = serializers.IntegerField()


class ReleaseDetailSerializer(ReleaseSerializer):
    previous = PreviousSerializer(allow_null=True)
    disclosure_group = serializers.IntegerField()
    csv_sha256 = serializers.CharField()
    changelog = ChangelogSerializer()


class FacilitySerializer(TypedSerializer):
    facility_id = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    province = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    coordinate_precision = serializers.ChoiceField(["exact", "city", "country", "unknown"])
    product_types = serializers.ListField(child=serializers.CharField())
    workers_band = serializers.CharField(allow_null=True)
    covenants = serializers.ListField(child=serializers.CharField())


class ReportedAsSerializer(TypedSerializer):
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField(allow_null=True)


class SourcingSerializer(TypedSerializer):
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    release_id = serializers.IntegerField()
    participants = serializers.CharField(help_text="Exact, or a range: see the disclosure rules.")
    companies = serializers.ListField(child=serializers.CharField())
    brands = serializers.ListField(child=serializers.CharField())


class FacilityDetailSerializer(FacilitySerializer):
    requested_id = serializers.CharField()
    reported_as = ReportedAsSerializer(many=True)
    sourcing = SourcingSerializer(many=True)
    brands = serializers.ListField(child=serializers.CharField())


class ProductFacilitiesSerializer(TypedSerializer):
    product_type = serializers.CharField()
    facility_ids = serializers.ListField(child=serializers.CharField())


class BrandSerializer(TypedSerializer):
    brand = serializers.CharField()
    facilities = serializers.IntegerField()
    by_product_type = ProductFacilitiesSerializer(many=True)


class SharedFacilitySerializer(TypedSerializer):
    facility_id = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    other_companies = serializers.IntegerField()
    named = serializers.ListField(
        child=serializers.CharField(), help_text="Those of them that consented to be named."
    )


class SharedSerializer(TypedSerializer):
    company = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    facilities = SharedFacilitySerializer(many=True)


class ClusterSerializer(TypedSerializer):
    facility_id = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    companies = serializers.ListField(child=serializers.CharField())


class ClustersSerializer(TypedSerializer):
    covenant = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    clusters = ClusterSerializer(many=True)


YEAR = OpenApiParameter("year", int, description="The year (default: the latest with lists).")


def _year(request: Request) -> int | None:
    text = request.query_params.get("year", "").strip()
    if not text:
        return None
    return year_parse(text, today=timezone.localdate())


class _PublicList(ListAPIView):  # type: ignore[type-arg]
    """A paginated list of selector results, returned as the shared JSON encoding."""

    pagination_class = Pages
    http_method_names = ["get", "head", "options"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        items = self.get_queryset()
        page = self.paginate_queryset(items)
        return self.get_paginated_response(to_jsonable(page))


# ---- Releases -----------------------------------------------------------------------------


class ReleaseListView(_PublicList):
    """Published releases of the open list of production locations, the newest first."""

    serializer_class = ReleaseSerializer

    @extend_schema(
        operation_id="releases_list",
        parameters=[OpenApiParameter("covenant", str, description="A covenant's slug.")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        slug = self.request.query_params.get("covenant", "").strip()
        covenant = None
        if slug:
            covenant = Covenant.objects.filter(slug=slug).first()
            if covenant is None:
                raise ImvoError(f"unknown covenant {shown(slug)}", field="covenant")
        return selectors.releases_list(covenant=covenant)


class ReleaseDetailView(APIView):
    """A release with its changelog against the covenant's previous release."""

    http_method_names = ["get", "head", "options"]

    @extend_schema(operation_id="release_detail", responses=ReleaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        release = get_object_or_404(Release.objects.select_related("covenant"), pk=pk)
        return Response(to_jsonable(selectors.release_detail(release)))


class ReleaseFileView(APIView):
    """A release's file: csv, xlsx, geojson, or datapackage (a zip of datapackage.json with
    the CSV it describes)."""

    http_method_names = ["get", "head", "options"]

    @extend_schema(
        operation_id="release_file",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        release = get_object_or_404(Release.objects.select_related("covenant"), pk=pk)
        if fmt not in selectors.RELEASE_FILE_FORMATS:
            raise exceptions.NotFound(
                f"no {fmt!r} file; there are {selectors.RELEASE_FILE_FORMATS}"
            )
        data, content_type, filename = release_file(release, fmt)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# ---- Published facilities and brands -------------------------------------------------------


class FacilityListView(_PublicList):
    """Published facilities: search by name in any spelling, narrow by country and city."""

    serializer_class = FacilitySerializer

    @extend_schema(
        operation_id="facilities_search",
        parameters=[
            OpenApiParameter("q", str, description="A name, in any spelling or misspelled."),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code."),
            OpenApiParameter("city", str),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.facility_search(
            q=params.get("q", ""), country=params.get("country", ""), city=params.get("city", "")
        )


class FacilityDetailView(APIView):
    """A published facility; an old id of a merged facility gives the facility it is now."""

    http_method_names = ["get", "head", "options"]

    @extend_schema(operation_id="facility_detail", responses=FacilityDetailSerializer)
    def get(self, request: Request, facility_id: str) -> Response:
        try:
            detail = selectors.public_facility_detail(facility_id=facility_id)
        except ImvoError as error:
            raise exceptions.NotFound(error.message) from None
        return Response(to_jsonable(detail))


class BrandListView(_PublicList):
    """Brands whose companies consented to be named, with their facilities by product type."""

    serializer_class = BrandSerializer

    @extend_schema(operation_id="brands_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.brand_list()


# ---- Shared leverage ------------------------------------------------------------------------


class SharedFacilitiesView(APIView):
    """The facilities a company shares with other participants: counts, and names only of
    those that consented. The company's own users and administrators; a secretariat as far
    as the company's lists for its covenants go."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]

    @extend_schema(operation_id="shared_facilities", parameters=[YEAR], responses=SharedSerializer)
    def get(self, request: Request, slug: str) -> Response:
        company = get_company_or_404(request.user, slug=slug)
        shared = selectors.shared_facilities(
            company=company, year=_year(request), lists=supplier_lists_visible_to(request.user)
        )
        return Response(to_jsonable(shared))


class CovenantClustersView(APIView):
    """Every facility two or more of the covenant's participants report, with the companies:
    for the covenant's secretariat and administrators."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        operation_id="covenant_clusters", parameters=[YEAR], responses=ClustersSerializer
    )
    def get(self, request: Request, slug: str) -> Response:
        if not administers_any_covenant(request.user):
            raise exceptions.PermissionDenied()
        covenant = get_object_or_404(Covenant, slug=slug)
        if not can_administer_covenant(request.user, covenant):
            raise exceptions.NotFound()
        return Response(
            to_jsonable(selectors.covenant_clusters(covenant=covenant, year=_year(request)))
        )
