"""The read-only registry API under /api/v1/.

Each view parses `?on=`, calls one selector and returns its result through `to_jsonable`, the
encoding the CLI's `--format json` uses too, so both give the same JSON. The serializers below
only document that JSON in the OpenAPI schema; they never touch the data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, get_args

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imvo.core.covenants import CovenantState
from imvo.core.coverage import ORGANISATION_KINDS, CoverageBasis
from imvo.core.errors import ImvoError
from imvo.core.sectors import SectorState
from imvo.core.targets import TargetState
from imvo.core.themes import CoverageLevel
from imvo.web.registry import selectors
from imvo.web.registry.jsonable import to_jsonable
from imvo.web.registry.models import Confidence, MarketMeasure, Metric

# Choice sets, named once for the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
COVENANT_STATES = get_args(CovenantState)
SECTOR_STATES = get_args(SectorState)
TARGET_STATES = get_args(TargetState)
COVERAGE_BASES = get_args(CoverageBasis)
SECTOR_COVERAGE_BASES = (*COVERAGE_BASES, "mixed")  # "mixed": its covenants differ in basis
COVERAGE_LEVELS = get_args(CoverageLevel)
CONFIDENCES = tuple(Confidence.values)
MARKET_MEASURES = tuple(MarketMeasure.values)
METRICS = tuple(Metric.values)


def _choice(values: tuple[str, ...], **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=list(values), **kwargs)


def _date(help_text: str = "", **kwargs: Any) -> serializers.DateField:
    return serializers.DateField(help_text=help_text, **kwargs)


# ---- Response documentation ---------------------------------------------------------------

if TYPE_CHECKING:
    TypedSerializer = serializers.Serializer[Any]
else:  # DRF's Serializer is generic only in its stubs
    TypedSerializer = serializers.Serializer

# A field named `source` needs `type: ignore[assignment]`: the stubs give every Field a
# `source` attribute (the `source=` argument), which a declared field seems to overwrite.


class SourceSerializer(TypedSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    url = serializers.CharField(help_text="Empty when the source is not online.")
    published_on = _date(allow_null=True)


class CovenantSerializer(TypedSerializer):
    slug = serializers.CharField()
    name = serializers.CharField(help_text="In the language of the request (nl or en).")
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    short_name = serializers.CharField()
    sectors = serializers.ListField(child=serializers.CharField(), help_text="Risk sector slugs.")
    status = _choice(COVENANT_STATES, allow_null=True, help_text="Status on the day asked for.")
    ser_process = serializers.BooleanField(help_text="Concluded in the SER's covenant process.")
    signed_on = _date(allow_null=True)
    closed_on = _date(allow_null=True, help_text="Ended or terminated on.")
    ends_on = _date(allow_null=True, help_text="Planned end of the agreement.")
    website = serializers.CharField()
    sources = SourceSerializer(many=True)
    confidence = _choice(CONFIDENCES)
    note = serializers.CharField()


class CoverageSerializer(TypedSerializer):
    covenant = serializers.CharField(help_text="Covenant slug.")
    on = _date()
    status = _choice(COVENANT_STATES, allow_null=True)
    companies = serializers.IntegerField(allow_null=True)
    brands = serializers.IntegerField(allow_null=True)
    market_share = serializers.FloatField(allow_null=True, help_text="Fraction 0..1.")
    market_measure = _choice(MARKET_MEASURES)
    basis = _choice(
        COVERAGE_BASES,
        help_text="companies: counted from the participants; observation: a published "
        "aggregate; none: no data.",
    )
    observed_on = _date(allow_null=True, help_text="Date of the observation used, if any.")
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    sources = SourceSerializer(many=True)
    note = serializers.CharField()


class SectorCoverageSerializer(TypedSerializer):
    companies = serializers.IntegerField(allow_null=True)
    market_share = serializers.FloatField(allow_null=True)
    basis = _choice(SECTOR_COVERAGE_BASES)
    by_covenant = CoverageSerializer(many=True)


class SectorSerializer(TypedSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    status = _choice(SECTOR_STATES)
    covenants = serializers.ListField(child=serializers.CharField())
    coverage = SectorCoverageSerializer(allow_null=True, help_text="Null without a covenant.")
    note = serializers.CharField()


class TargetSerializer(TypedSerializer):
    covenant = serializers.CharField()
    metric = _choice(METRICS)
    baseline = serializers.FloatField(help_text="Baseline value (nulmeting).")
    baseline_on = _date()
    target = serializers.FloatField()
    deadline = _date()
    actual = serializers.FloatField(allow_null=True)
    measured_on = _date(allow_null=True)
    basis = _choice(COVERAGE_BASES, allow_null=True)
    expected = serializers.FloatField(allow_null=True, help_text="On the trajectory.")
    status = _choice(TARGET_STATES)
    projected_on = _date(allow_null=True, help_text="When reached at the current pace.")
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    confidence = _choice(CONFIDENCES)
    note = serializers.CharField()


class ThemeSerializer(TypedSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    core = serializers.BooleanField(help_text="A core theme every covenant should cover.")


class ThemeRowSerializer(TypedSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    coverage = serializers.DictField(
        child=_choice(COVERAGE_LEVELS), help_text="Level per theme slug."
    )


class ThemeGapSerializer(TypedSerializer):
    covenant = serializers.CharField()
    theme = serializers.CharField()


class ThemeDisputeSerializer(TypedSerializer):
    covenant = serializers.CharField()
    theme = serializers.CharField()
    level = _choice(COVERAGE_LEVELS, help_text="As claimed by others.")
    text_level = _choice(COVERAGE_LEVELS, help_text="As in the covenant text.")
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    note = serializers.CharField()


class ThemeMatrixSerializer(TypedSerializer):
    on = _date()
    themes = ThemeSerializer(many=True)
    covenants = ThemeRowSerializer(many=True)
    gaps = ThemeGapSerializer(many=True, help_text="Core themes a covenant does not cover.")
    disputes = ThemeDisputeSerializer(many=True)


class MarketSerializer(TypedSerializer):
    sector = serializers.CharField(allow_null=True)
    segment = serializers.CharField()
    measure = _choice(MARKET_MEASURES)


class PartySerializer(TypedSerializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = _choice(ORGANISATION_KINDS)
    joined_on = _date()
    left_on = _date(allow_null=True)
    synthetic = serializers.BooleanField(help_text="Made up by the demo data generator.")


class StatusChangeSerializer(TypedSerializer):
    status = _choice(COVENANT_STATES)
    on = _date()
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    confidence = _choice(CONFIDENCES)
    note = serializers.CharField()


class ThemeStatementSerializer(TypedSerializer):
    level = _choice(COVERAGE_LEVELS)
    source = serializers.CharField(allow_null=True, help_text="Key.")  # type: ignore[assignment]
    note = serializers.CharField()


class CovenantThemeSerializer(TypedSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    core = serializers.BooleanField()
    level = _choice(COVERAGE_LEVELS)
    since = _date(allow_null=True)
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    note = serializers.CharField()
    statements = ThemeStatementSerializer(many=True)


class ObservationSerializer(TypedSerializer):
    on = _date()
    metric = _choice(METRICS)
    value = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]
    confidence = _choice(CONFIDENCES)
    note = serializers.CharField()


class SeriesSerializer(TypedSerializer):
    months = serializers.ListField(child=_date(), help_text="Month ends.")
    companies = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    brands = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    market_share = serializers.ListField(child=serializers.FloatField(allow_null=True))
    basis = serializers.ListField(child=_choice(COVERAGE_BASES))


@extend_schema_field(
    {
        "type": "array",
        "description": "[date, value] pairs: the baseline and the target.",
        "items": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"oneOf": [{"type": "string", "format": "date"}, {"type": "number"}]},
        },
    }
)
class TrajectoryPointsField(serializers.ListField):
    pass


class TrajectorySerializer(TypedSerializer):
    metric = _choice(METRICS)
    points = TrajectoryPointsField()
    target = serializers.FloatField()
    deadline = _date()


class CovenantDetailSerializer(CovenantSerializer):
    market = MarketSerializer()
    parties = PartySerializer(many=True)
    status_changes = StatusChangeSerializer(many=True)
    coverage = CoverageSerializer()
    targets = TargetSerializer(many=True)
    themes = CovenantThemeSerializer(many=True)
    observations = ObservationSerializer(many=True)
    series = SeriesSerializer(help_text="Monthly participation.")
    trajectories = TrajectorySerializer(many=True)


# ---- Views --------------------------------------------------------------------------------


class OnQuerySerializer(TypedSerializer):
    on = serializers.DateField(
        required=False, help_text="The day to report on, YYYY-MM-DD. Default: today."
    )


class TargetQuerySerializer(OnQuerySerializer):
    covenant = serializers.SlugField(required=False, help_text="Only this covenant's targets.")


def _error(name: str, help_text: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=inline_serializer(
            name=name, fields={"detail": serializers.CharField(help_text=help_text)}
        ),
        description=help_text,
    )


BAD_QUERY = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
    },
    description="A bad query parameter, named with its messages.",
)
NOT_FOUND = _error("NotFound", "No covenant with this slug.")
SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Covenant slug."
)


class ReadOnlyView(APIView):
    """Public, read-only: no authentication (so no CSRF), GET and HEAD only."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    query_serializer: type[OnQuerySerializer] = OnQuerySerializer

    def query(self, request: Request) -> dict[str, Any]:
        """The validated query parameters, `on` defaulting to today."""
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        values.setdefault("on", selectors.today())
        return values


def _covenant_or_404(read: Callable[[], Any]) -> Any:
    """An unknown covenant in the URL is a missing resource, not a bad request."""
    try:
        return read()
    except ImvoError as error:
        if error.field == "covenant":
            raise NotFound(error.message) from error
        raise


class CovenantListView(ReadOnlyView):
    """The covenants that had a status on the day (signed, negotiating, ended...)."""

    @extend_schema(
        operation_id="covenant_list",
        summary="Covenants with a status on the day",
        parameters=[OnQuerySerializer],
        responses={200: CovenantSerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request: Request) -> Response:
        on: date = self.query(request)["on"]
        return Response(to_jsonable(selectors.covenant_list(on=on)))


class CovenantDetailView(ReadOnlyView):
    """Everything about one covenant on the day, each fact with its source."""

    @extend_schema(
        operation_id="covenant_detail",
        summary="One covenant: parties, coverage, targets, themes, observations, series",
        parameters=[SLUG, OnQuerySerializer],
        responses={200: CovenantDetailSerializer, 400: BAD_QUERY, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        on: date = self.query(request)["on"]
        detail = _covenant_or_404(lambda: selectors.covenant_detail(slug=slug, on=on))
        return Response(to_jsonable(detail))


class CoverageView(ReadOnlyView):
    """How much of its sector a covenant covers on the day, and on what basis: counted from
    the participants or taken from a published aggregate."""

    @extend_schema(
        operation_id="coverage_get",
        summary="Participation in a covenant: companies, brands and market share",
        parameters=[SLUG, OnQuerySerializer],
        responses={200: CoverageSerializer, 400: BAD_QUERY, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        on: date = self.query(request)["on"]
        coverage = _covenant_or_404(lambda: selectors.coverage_get(covenant=slug, on=on))
        return Response(to_jsonable(coverage))


class SectorListView(ReadOnlyView):
    """The risk sectors, whether a covenant covers them on the day, and how much of them."""

    @extend_schema(
        operation_id="sector_list",
        summary="The risk sectors with their covenant status and coverage",
        parameters=[OnQuerySerializer],
        responses={200: SectorSerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request: Request) -> Response:
        on: date = self.query(request)["on"]
        return Response(to_jsonable(selectors.sector_list(on=on)))


class TargetListView(ReadOnlyView):
    """The SMART targets, each with where it stands on the day against its trajectory."""

    query_serializer = TargetQuerySerializer

    @extend_schema(
        operation_id="target_list",
        summary="Targets with their status on the day",
        parameters=[TargetQuerySerializer],
        responses={200: TargetSerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request: Request) -> Response:
        query = self.query(request)
        targets = selectors.target_list(on=query["on"], covenant=query.get("covenant"))
        return Response(to_jsonable(targets))


class ThemeMatrixView(ReadOnlyView):
    """Which themes each covenant in force covers, the core themes it misses, and claims by
    others that contradict the covenant text."""

    @extend_schema(
        operation_id="theme_matrix_get",
        summary="Theme coverage of the covenants in force, with gaps in the core themes",
        parameters=[OnQuerySerializer],
        responses={200: ThemeMatrixSerializer, 400: BAD_QUERY},
    )
    def get(self, request: Request) -> Response:
        on: date = self.query(request)["on"]
        return Response(to_jsonable(selectors.theme_matrix_get(on=on)))
