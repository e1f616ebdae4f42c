"""The due-diligence API under /api/v1/: submissions with their risk analysis and action plan,
the XLSX template, assessments, and the public framework, outcome and risk-check figures.

Access (DESIGN §2): a company's submissions are read by its users, its covenant's secretariat
and administrators, and written by its users and administrators; to everyone else they do not
exist (404). Reopening and assessing are the secretariat's (403 for the company, which may see
the submission). Observers and the public see frameworks and aggregates only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imvo.core.diligence import riskcheck
from imvo.core.errors import ImvoError, shown
from imvo.core.years import FIRST_YEAR, year_check, year_parse
from imvo.web.accounts.permissions import (
    can_administer_covenant,
    can_edit_company,
)
from imvo.web.api_errors import first_field_error
from imvo.web.diligence import selectors, services
from imvo.web.diligence.models import (
    AccordStatus,
    Action,
    Assessment,
    RiskItem,
    Submission,
)
from imvo.web.registry.jsonable import to_jsonable
from imvo.web.registry.models import Covenant, Organisation

if TYPE_CHECKING:
    TypedSerializer = serializers.Serializer[Any]
else:
    TypedSerializer = serializers.Serializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LARGEST_ID = 2**63 - 1  # a database id; larger numbers cannot even be looked up

# ---------------------------------------------------------------- input


def _parsed(serializer_class: type[TypedSerializer], data: Any) -> dict[str, Any]:
    """Validated input; the first problem as a 400 naming its field."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        field, message = first_field_error(serializer.errors)
        raise ImvoError(message, field=field)
    return dict(serializer.validated_data)


class SubmissionIn(TypedSerializer):
    company = serializers.SlugField(help_text="The company's slug.")
    covenant = serializers.SlugField(help_text="The covenant's slug.")
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, validators=[lambda year: _year_checked(year)]
    )


class SubmissionChange(TypedSerializer):
    accord = serializers.ChoiceField(choices=AccordStatus.values, required=False)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Question id to answer; an empty answer removes it.",
    )


def _year_checked(year: int) -> None:
    try:
        year_check(year, today=timezone.localdate())
    except ImvoError as error:
        raise serializers.ValidationError(error.message) from None


def _one_to_five() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5)


class RiskIn(TypedSerializer):
    theme = serializers.SlugField()
    country = serializers.CharField(required=False, allow_blank=True, default="")
    product = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    tier = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9)
    facility = serializers.CharField(required=False, allow_blank=True, default="")
    scale = _one_to_five()
    scope = _one_to_five()
    irremediability = _one_to_five()
    likelihood = _one_to_five()
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class ActionIn(TypedSerializer):
    what = serializers.CharField()
    where = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True)
    indicator = serializers.CharField(required=False, allow_blank=True, default="")
    risks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=LARGEST_ID),
        required=False,
        default=list,
    )


class ScoreIn(TypedSerializer):
    criterion = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField(allow_blank=True)


class ScoresIn(TypedSerializer):
    scores = ScoreIn(many=True)


class TemplateIn(TypedSerializer):
    file = serializers.FileField()


def _risk_fields(data: dict[str, Any]) -> services.RiskFields:
    return services.RiskFields(
        theme=data["theme"],
        country=data.get("country", ""),
        product=data.get("product", ""),
        tier=data.get("tier"),
        facility_id=data.get("facility") or None,
        scale=data["scale"],
        scope=data["scope"],
        irremediability=data["irremediability"],
        likelihood=data["likelihood"],
        explanation=data.get("explanation", ""),
    )


def _action_fields(data: dict[str, Any]) -> services.ActionFields:
    return services.ActionFields(
        what=data["what"],
        where=data.get("where", ""),
        due_on=data.get("due_on"),
        indicator=data.get("indicator", ""),
        risk_ids=tuple(data.get("risks", ())),
    )


# ---------------------------------------------------------------- output documentation


class SubmissionSummaryOut(TypedSerializer):
    id = serializers.IntegerField()
    company = serializers.CharField()
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "SubmissionSummary"


class RiskOut(TypedSerializer):
    id = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    theme = serializers.CharField()
    country = serializers.CharField()
    product = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)
    facility = serializers.CharField(allow_null=True)
    scale = serializers.IntegerField()
    scope = serializers.IntegerField()
    irremediability = serializers.IntegerField()
    likelihood = serializers.IntegerField()
    severity = serializers.IntegerField()
    priority = serializers.CharField()
    explanation = serializers.CharField()
    actions = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        ref_name = "RiskItem"


class ActionOut(TypedSerializer):
    id = serializers.IntegerField()
    what = serializers.CharField()
    where = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    indicator = serializers.CharField()
    risks = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        ref_name = "Action"


class RedFlagOut(TypedSerializer):
    kind = serializers.CharField()
    message = serializers.CharField()
    theme = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    risk = serializers.IntegerField(allow_null=True)

    class Meta:
        ref_name = "RedFlag"


class SubmissionOut(TypedSerializer):
    id = serializers.IntegerField()
    company = serializers.CharField()
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    accord = serializers.CharField()
    answers = serializers.ListField(child=serializers.DictField())
    priority_formula = serializers.CharField()
    risks = RiskOut(many=True)
    actions = ActionOut(many=True)
    living_wage_gaps = serializers.ListField(child=serializers.DictField())
    explanations = serializers.ListField(child=serializers.DictField())
    red_flags = RedFlagOut(many=True)

    class Meta:
        ref_name = "Submission"


class RiskCheckOut(TypedSerializer):
    theme = serializers.CharField()
    country = serializers.CharField()
    severity_hint = serializers.ChoiceField(choices=list(riskcheck.HINTS))
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    basis = serializers.CharField()
    confidence = serializers.CharField()
    note = serializers.CharField()

    class Meta:
        ref_name = "RiskCheckHit"


class AssessmentOut(TypedSerializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField()
    company = serializers.CharField()
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    framework_version = serializers.IntegerField()
    membership_year = serializers.IntegerField()
    threshold = serializers.FloatField()
    total = serializers.FloatField()
    outcome = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    scores = inline_serializer(
        "CriterionScore",
        fields={
            "criterion": serializers.CharField(),
            "element": serializers.CharField(),
            "points": serializers.FloatField(),
            "max_points": serializers.IntegerField(),
            "reason": serializers.CharField(),
        },
        many=True,
    )
    red_flags = RedFlagOut(many=True)

    class Meta:
        ref_name = "Assessment"


class FrameworkOut(TypedSerializer):
    covenant = serializers.CharField()
    version = serializers.IntegerField()
    published_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    thresholds = serializers.ListField(child=serializers.FloatField())
    elements = serializers.ListField(child=serializers.DictField())

    class Meta:
        ref_name = "AssessmentFramework"


class OutcomesOut(TypedSerializer):
    covenant = serializers.CharField()
    year = serializers.IntegerField()
    assessed = serializers.IntegerField()
    met = serializers.IntegerField()
    not_met = serializers.IntegerField()
    red_flags_by_theme = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        ref_name = "AssessmentOutcomes"


class UploadOut(TypedSerializer):
    risks = serializers.IntegerField()
    actions = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]

    class Meta:
        ref_name = "TemplateUpload"


def _json(value: Any, code: int = status.HTTP_200_OK) -> Response:
    return Response(to_jsonable(value), status=code)


# ---------------------------------------------------------------- lookups


def _submission(request: Request, pk: int) -> Submission:
    found: Submission = get_object_or_404(selectors.submissions_visible_to(request.user), pk=pk)
    return found


def _writable(request: Request, submission: Submission) -> Submission:
    if not can_edit_company(request.user, submission.company):
        raise exceptions.PermissionDenied("only the company's own users may change this")
    return submission


def _administered(request: Request, covenant: Covenant) -> None:
    if not can_administer_covenant(request.user, covenant):
        raise exceptions.PermissionDenied("only the covenant's secretariat may do this")


def _assessment(request: Request, pk: int) -> Assessment:
    queryset: QuerySet[Assessment] = selectors.assessments_visible_to(request.user)
    return get_object_or_404(queryset, pk=pk)


# ---------------------------------------------------------------- submissions


class SubmissionListView(APIView):
    """The submissions the user may see; a company user hands in a new one."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        responses=SubmissionSummaryOut(many=True),
        summary="Submissions the user may see",
        parameters=[
            OpenApiParameter("covenant", str, required=False),
            OpenApiParameter("year", int, required=False),
        ],
    )
    def get(self, request: Request) -> Response:
        submissions = selectors.submissions_visible_to(request.user)
        if covenant := request.query_params.get("covenant"):
            submissions = submissions.filter(covenant__slug=covenant)
        if year := request.query_params.get("year"):
            submissions = submissions.filter(year=year_parse(year, today=timezone.localdate()))
        return _json([selectors.submission_summary(s) for s in submissions])

    @extend_schema(request=SubmissionIn, responses={201: SubmissionOut}, summary="Start one")
    def post(self, request: Request) -> Response:
        data = _parsed(SubmissionIn, request.data)
        company = Organisation.objects.filter(slug=data["company"]).first()
        if company is None or not can_edit_company(request.user, company):
            # Another company is reported as unknown, like a missing one.
            raise ImvoError(f"unknown company {shown(data['company'])}", field="company")
        covenant = Covenant.objects.filter(slug=data["covenant"]).first()
        if covenant is None:
            raise ImvoError(f"unknown covenant {shown(data['covenant'])}", field="covenant")
        submission = services.submission_create(
            actor=request.user, company=company, covenant=covenant, year=data["year"]
        )
        return _json(selectors.submission_detail(submission), status.HTTP_201_CREATED)


class SubmissionDetailView(APIView):
    """One submission with its ranked risks, action plan and red flags."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=SubmissionOut, summary="A submission")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.submission_detail(_submission(request, pk)))

    @extend_schema(request=SubmissionChange, responses=SubmissionOut, summary="Change a draft")
    def patch(self, request: Request, pk: int) -> Response:
        submission = _writable(request, _submission(request, pk))
        data = _parsed(SubmissionChange, request.data)
        answers = None
        if "answers" in data:
            keys = list(data["answers"])
            if not all(key.isascii() and key.isdigit() and int(key) <= LARGEST_ID for key in keys):
                raise ImvoError("answers are keyed by question id", field="answers")
            answers = {int(key): text for key, text in data["answers"].items()}
        services.submission_update(
            actor=request.user, submission=submission, accord=data.get("accord"), answers=answers
        )
        return _json(selectors.submission_detail(submission))


class SubmissionSubmitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=SubmissionOut, summary="Hand in (locks it)")
    def post(self, request: Request, pk: int) -> Response:
        submission = _writable(request, _submission(request, pk))
        services.submission_submit(actor=request.user, submission=submission)
        return _json(selectors.submission_detail(submission))


class SubmissionReopenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=SubmissionOut, summary="Reopen (secretariat)")
    def post(self, request: Request, pk: int) -> Response:
        submission = _submission(request, pk)
        _administered(request, submission.covenant)
        services.submission_reopen(actor=request.user, submission=submission)
        return _json(selectors.submission_detail(submission))


class RiskListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=RiskOut(many=True), summary="The risk analysis, ranked")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.submission_detail(_submission(request, pk))["risks"])

    @extend_schema(request=RiskIn, responses={201: RiskOut}, summary="Add a risk")
    def post(self, request: Request, pk: int) -> Response:
        submission = _writable(request, _submission(request, pk))
        fields = _risk_fields(_parsed(RiskIn, request.data))
        risk = services.risk_item_create(actor=request.user, submission=submission, fields=fields)
        return _json(selectors.risk_as_json(risk), status.HTTP_201_CREATED)


class RiskDetailView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _risk(self, request: Request, pk: int) -> RiskItem:
        found: RiskItem = get_object_or_404(selectors.risks_visible_to(request.user), pk=pk)
        return found

    @extend_schema(responses=RiskOut, summary="A risk")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.risk_as_json(self._risk(request, pk)))

    @extend_schema(request=RiskIn, responses=RiskOut, summary="Change a risk")
    def put(self, request: Request, pk: int) -> Response:
        risk = self._risk(request, pk)
        _writable(request, risk.submission)
        fields = _risk_fields(_parsed(RiskIn, request.data))
        services.risk_item_update(actor=request.user, risk=risk, fields=fields)
        return _json(selectors.risk_as_json(risk))

    @extend_schema(request=None, responses={204: None}, summary="Remove a risk")
    def delete(self, request: Request, pk: int) -> Response:
        risk = self._risk(request, pk)
        _writable(request, risk.submission)
        services.risk_item_delete(actor=request.user, risk=risk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActionListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=ActionOut(many=True), summary="The action plan")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.submission_detail(_submission(request, pk))["actions"])

    @extend_schema(request=ActionIn, responses={201: ActionOut}, summary="Add an action")
    def post(self, request: Request, pk: int) -> Response:
        submission = _writable(request, _submission(request, pk))
        fields = _action_fields(_parsed(ActionIn, request.data))
        action = services.action_create(actor=request.user, submission=submission, fields=fields)
        return _json(selectors.action_as_json(action), status.HTTP_201_CREATED)


class ActionDetailView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _action(self, request: Request, pk: int) -> Action:
        found: Action = get_object_or_404(selectors.actions_visible_to(request.user), pk=pk)
        return found

    @extend_schema(responses=ActionOut, summary="An action")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.action_as_json(self._action(request, pk)))

    @extend_schema(request=ActionIn, responses=ActionOut, summary="Change an action")
    def put(self, request: Request, pk: int) -> Response:
        action = self._action(request, pk)
        _writable(request, action.submission)
        fields = _action_fields(_parsed(ActionIn, request.data))
        services.action_update(actor=request.user, action=action, fields=fields)
        return _json(selectors.action_as_json(action))

    @extend_schema(request=None, responses={204: None}, summary="Remove an action")
    def delete(self, request: Request, pk: int) -> Response:
        action = self._action(request, pk)
        _writable(request, action.submission)
        services.action_delete(actor=request.user, action=action)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateView(APIView):
    """The XLSX template with the submission's rows; upload it filled in."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, summary="Download the template")
    def get(self, request: Request, pk: int) -> HttpResponse:
        submission = _submission(request, pk)
        content = selectors.submission_template(submission)
        response = HttpResponse(content, content_type=XLSX)
        name = f"risk-analysis-{submission.company.slug}-{submission.year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(
        request={"multipart/form-data": TemplateIn},
        responses={200: UploadOut, 400: UploadOut},
        summary="Upload the filled-in template (replaces risks and actions)",
    )
    def post(self, request: Request, pk: int) -> Response:
        submission = _writable(request, _submission(request, pk))
        upload = _parsed(TemplateIn, request.data)["file"]
        outcome = services.template_upload(
            actor=request.user,
            submission=submission,
            data=upload.read(),
            filename=upload.name or "template.xlsx",
        )
        code = status.HTTP_400_BAD_REQUEST if outcome.errors else status.HTTP_200_OK
        errors = [{"row": e.row, "field": e.field, "message": e.message} for e in outcome.errors]
        return _json({"risks": outcome.risks, "actions": outcome.actions, "errors": errors}, code)


class SubmissionRiskCheckView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RiskCheckOut(many=True), summary="Reference risks for its countries")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.submission_risk_check(_submission(request, pk)))


# ---------------------------------------------------------------- assessments


class AssessmentCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: AssessmentOut, 200: AssessmentOut})
    def post(self, request: Request, pk: int) -> Response:
        """Start the assessment of a submitted submission (secretariat); an existing one is
        returned as it is."""
        submission = _submission(request, pk)
        _administered(request, submission.covenant)
        existing = Assessment.objects.filter(submission=submission).first()
        if existing is not None:
            return _json(selectors.assessment_detail(existing))
        assessment = services.assessment_create(actor=request.user, submission=submission)
        return _json(selectors.assessment_detail(assessment), status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AssessmentOut, summary="Scores, reasons and red flags")
    def get(self, request: Request, pk: int) -> Response:
        return _json(selectors.assessment_detail(_assessment(request, pk)))


class AssessmentScoreView(APIView):
    """Score criteria: `{"scores": [{criterion, points, reason}, …]}`, or one score as the
    fields `criterion`, `points`, `reason` (a form)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=ScoresIn, responses=AssessmentOut, summary="Score criteria")
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        _administered(request, assessment.submission.covenant)
        if isinstance(request.data, Mapping) and "scores" in request.data:
            scores = _parsed(ScoresIn, request.data)["scores"]
        else:
            scores = [_parsed(ScoreIn, request.data)]
        services.assessment_score(
            actor=request.user,
            assessment=assessment,
            scores=[(s["criterion"], s["points"], s["reason"]) for s in scores],
        )
        return _json(selectors.assessment_detail(assessment))


class AssessmentPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=AssessmentOut, summary="Publish to the company")
    def post(self, request: Request, pk: int) -> Response:
        assessment = _assessment(request, pk)
        _administered(request, assessment.submission.covenant)
        services.assessment_publish(actor=request.user, assessment=assessment)
        return _json(selectors.assessment_detail(assessment))


# ---------------------------------------------------------------- public


class FrameworkListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=FrameworkOut(many=True),
        summary="Published assessment frameworks",
        parameters=[OpenApiParameter("covenant", str, required=False)],
    )
    def get(self, request: Request) -> Response:
        return _json(selectors.framework_list(covenant=request.query_params.get("covenant")))


class OutcomeListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=OutcomesOut(many=True),
        summary="Assessment outcomes per covenant and year, red flags per theme",
        parameters=[OpenApiParameter("covenant", str, required=False)],
    )
    def get(self, request: Request) -> Response:
        return _json(selectors.outcome_distribution(covenant=request.query_params.get("covenant")))


class RiskCheckView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=RiskCheckOut(many=True),
        summary="Reference risk check for a sector, product and countries",
        parameters=[
            OpenApiParameter("sector", str, required=True),
            OpenApiParameter("product", str, required=False),
            OpenApiParameter("country", str, required=True, many=True),
        ],
    )
    def get(self, request: Request) -> Response:
        sector = request.query_params.get("sector", "").strip()
        if not sector:
            raise ImvoError("name a sector", field="sector")
        countries = request.query_params.getlist("country")
        if not countries:
            raise ImvoError("name at least one country", field="country")
        from imvo.core.countries import country_code

        codes = [country_code(c) for c in countries]
        hits = riskcheck.risk_check(
            sector=sector, product=request.query_params.get("product", ""), countries=codes
        )
        return _json(hits)
