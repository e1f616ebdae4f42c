"""The supplier-list API: upload a list (token auth), read the lists and the import jobs.

`POST /api/v1/supplier-lists/` queues an import and answers 202 with the job; with
`?wait=true` a small file is imported before the answer, 201 with the list's summary. Another
company's list or job is missing (404), never forbidden. A body over the size limit is refused
before it is read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imvo.core.errors import ImvoError, shown
from imvo.core.intake import map_headers
from imvo.core.years import year_parse
from imvo.web.accounts.permissions import (
    administers_any_covenant,
    can_hand_in_for,
    get_company_object_or_404,
    is_admin,
    is_company_user,
    stored_user,
)
from imvo.web.registry.models import Covenant, Organisation
from imvo.web.suppliers.forms import upload_companies
from imvo.web.suppliers.jobs import (
    TablePreview,
    import_job_create,
    import_job_progress,
    import_job_start,
    import_job_work,
    table_preview,
    upload_limits,
    upload_stage,
)
from imvo.web.suppliers.models import ImportJob, ImportJobStatus
from imvo.web.suppliers.selectors import (
    covenant_get,
    supplier_list_covenant_resolve,
    supplier_list_summary,
    supplier_lists_visible_to,
)

if TYPE_CHECKING:
    TypedSerializer = serializers.Serializer[Any]
else:  # DRF's Serializer is generic only in its stubs
    TypedSerializer = serializers.Serializer

WAIT_MAX_BYTES = 1024 * 1024  # ?wait=true is honoured for files up to this size
BODY_ALLOWANCE = 64 * 1024


class WorksWithLists(BasePermission):
    """Company users, the secretariat and administrators; observers read no company data."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return is_admin(user) or is_company_user(user) or administers_any_covenant(user)


# ---- Documentation of the JSON ------------------------------------------------------------


class RowErrorSerializer(TypedSerializer):
    row = serializers.IntegerField(help_text="As a spreadsheet program numbers it (header: 1).")
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class DuplicateRowSerializer(TypedSerializer):
    row = serializers.IntegerField()
    duplicate_of = serializers.IntegerField(help_text="The first row with the same facility.")


class SupplierListSummarySerializer(TypedSerializer):
    list_id = serializers.IntegerField()
    company = serializers.CharField(help_text="The company's slug.")
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    filename = serializers.CharField()
    format = serializers.ChoiceField(choices=["csv", "xlsx", "xls", "ods"])
    rows = serializers.IntegerField(help_text="accepted + rejected")
    accepted = serializers.IntegerField(help_text="duplicates + matched + new + review")
    rejected = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    matched = serializers.IntegerField()
    new = serializers.IntegerField()
    review = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]
    duplicate_rows = DuplicateRowSerializer(many=True)


class SupplierListItemSerializer(TypedSerializer):
    list_id = serializers.IntegerField()
    company = serializers.CharField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    filename = serializers.CharField()
    format = serializers.ChoiceField(choices=["csv", "xlsx", "xls", "ods"])
    uploaded_at = serializers.DateTimeField()
    rows = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    matched = serializers.IntegerField()
    new = serializers.IntegerField()
    review = serializers.IntegerField()


class ImportJobSerializer(TypedSerializer):
    job_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportJobStatus.values)
    company = serializers.CharField()
    year = serializers.IntegerField()
    filename = serializers.CharField()
    done = serializers.IntegerField(help_text="Rows matched so far.")
    total = serializers.IntegerField(help_text="Rows to match; 0 while the file is read.")
    message = serializers.CharField(help_text="Why the import failed; empty otherwise.")
    field = serializers.CharField(help_text="The field the failure concerns, if any.")
    list_id = serializers.IntegerField(allow_null=True, help_text="Set once the job is done.")
    attempt = serializers.IntegerField(
        help_text="The attempt that runs or waits (1 first; more after its worker died)."
    )
    max_attempts = serializers.IntegerField(help_text="Attempts before it fails for good.")
    retrying = serializers.BooleanField(help_text="Tried again after its worker died.")
    status_url = serializers.CharField()
    list_url = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class UploadSerializer(TypedSerializer):
    """The multipart form of an upload (documentation; the view parses it)."""

    file = serializers.FileField(help_text="CSV, XLSX, XLS or ODS.")
    company = serializers.CharField(
        required=False, help_text="The company's slug; a user of one company may leave it out."
    )
    year = serializers.IntegerField()
    covenant = serializers.CharField(
        required=False,
        help_text="The slug of the covenant the list is for, one the company took part in that "
        "year; may be left out when it took part in only one.",
    )
    sheet = serializers.CharField(
        required=False,
        help_text="The sheet's name; default: the sheet whose header names the most fields.",
    )
    header_row = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The header's row number as a spreadsheet program shows it; default: the row "
        "among the first 30 that names the most fields.",
    )
    mapping = serializers.CharField(
        required=False,
        help_text="JSON object: column header -> field (or null to leave it out), e.g. "
        '{"Fabriek": "name", "Opmerking": null}.',
    )


ERRORS = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="Bad input: the field and what is wrong with it."
)


# ---- Views ---------------------------------------------------------------------------------


def _job_json(request: Request, job: ImportJob) -> dict[str, Any]:
    done, total = import_job_progress(job)
    work = import_job_work(job)
    return {
        "job_id": job.pk,
        "status": job.status,
        "company": job.company.slug,
        "year": job.year,
        "filename": job.filename,
        "done": done,
        "total": total,
        "message": job.message,
        "field": job.field,
        "list_id": job.supplier_list_id,
        "attempt": work.attempt if work is not None else 1,
        "max_attempts": work.max_attempts if work is not None else 1,
        "retrying": work.retrying if work is not None else False,
        "status_url": request.build_absolute_uri(reverse("api-import-job", args=[job.pk])),
        "list_url": (
            request.build_absolute_uri(reverse("api-supplier-list", args=[job.supplier_list_id]))
            if job.supplier_list_id is not None
            else None
        ),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _bad(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


class SupplierListsView(APIView):
    """The supplier lists you may see; upload a new one."""

    permission_classes = [WorksWithLists]
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Refuse an oversized body on its announced length, before anything reads it.
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > upload_limits().max_bytes + BODY_ALLOWANCE:
                raise _bad("file", _too_large())
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="supplier_list_list",
        summary="The supplier lists you may see, every version",
        responses=SupplierListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "list_id": item.pk,
                    "company": item.company.slug,
                    "year": item.year,
                    "version": item.version,
                    "filename": item.filename,
                    "format": item.file_format,
                    "uploaded_at": item.uploaded_at,
                    "rows": item.row_count,
                    "accepted": item.accepted_count,
                    "rejected": item.rejected_count,
                    "duplicates": item.duplicate_count,
                    "matched": item.matched_count,
                    "new": item.new_count,
                    "review": item.review_count,
                }
                for item in supplier_lists_visible_to(request.user)
            ]
        )

    @extend_schema(
        operation_id="supplier_list_upload",
        summary="Upload a supplier list",
        request={"multipart/form-data": UploadSerializer},
        parameters=[
            OpenApiParameter(
                "wait",
                bool,
                description="Import before answering (files up to 1 MB): 201 with the summary.",
            )
        ],
        responses={
            201: SupplierListSummarySerializer,
            202: ImportJobSerializer,
            400: ERRORS,
            404: OpenApiResponse(description="No such company, or not one you may upload for."),
        },
    )
    def post(self, request: Request) -> Response:
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise _bad("file", "send the supplier list as the multipart field `file`")
        limit = upload_limits().max_bytes
        if uploaded.size is not None and uploaded.size > limit:
            raise _bad("file", _too_large())
        company = self._company(request)
        year = self._year(request)
        covenant = supplier_list_covenant_resolve(
            company=company, year=year, covenant=self._covenant(request)
        )
        if not can_hand_in_for(request.user, company=company, covenant=covenant):
            raise _bad("covenant", "name a covenant whose secretariat you are")
        sheet = (request.data.get("sheet") or "").strip() or None
        header_row = self._header_row(request)
        mapping = self._mapping(request)
        data = uploaded.read(limit + 1)
        filename = uploaded.name or "upload"
        try:
            preview = table_preview(data, filename=filename, sheet=sheet, header_row=header_row)
        except ImvoError as error:
            where = "header_row" if (error.code or "").startswith("header.") else "file"
            raise _bad(where, f"{filename}: {error.message}") from None
        if mapping is not None:
            _mapping_check(mapping, preview)
        if mapping is None and preview.missing:
            missing = ", ".join(field.replace("_", " ") for field in preview.missing)
            raise _bad(
                "mapping",
                f"{filename}: no column holds the required {missing}; send a mapping of the "
                f"columns {', '.join(preview.labels)}",
            )
        job = import_job_create(
            company=company,
            year=year,
            covenant=covenant,
            token=upload_stage(data),
            filename=filename,
            sheet=preview.sheet,
            header_row=header_row,
            mapping=mapping,
            user=stored_user(request.user),
        )
        wait = request.query_params.get("wait", "").lower() in {"1", "true", "yes"}
        wait = wait and len(data) <= WAIT_MAX_BYTES
        job = import_job_start(job, wait=wait)
        if wait and job.status == ImportJobStatus.FAILED:
            raise _bad(
                job.field if job.field in {"file", "mapping", "year", "covenant"} else "file",
                job.message,
            )
        if wait and job.status == ImportJobStatus.DONE and job.supplier_list is not None:
            return Response(
                supplier_list_summary(job.supplier_list), status=status.HTTP_201_CREATED
            )
        return Response(
            _job_json(request, job),
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api-import-job", args=[job.pk])},
        )

    @staticmethod
    def _company(request: Request) -> Organisation:
        companies = upload_companies(request.user)
        slug = (request.data.get("company") or "").strip()
        if not slug:
            only = list(companies[:2])
            if len(only) != 1:
                raise _bad("company", "name the company (its slug) the list is for")
            return only[0]
        company = companies.filter(slug=slug.lower()).first()
        if company is None:
            raise exceptions.NotFound(f"no company {shown(slug)} that you may upload a list for")
        return company

    @staticmethod
    def _year(request: Request) -> int:
        raw = str(request.data.get("year") or "").strip()
        if not raw:
            raise _bad("year", "give the year the list is for, e.g. 2018")
        return year_parse(raw, today=timezone.localdate())

    @staticmethod
    def _header_row(request: Request) -> int | None:
        raw = str(request.data.get("header_row") or "").strip()
        if not raw:
            return None
        if not raw.isdigit() or int(raw) < 1:
            raise _bad("header_row", f"header_row {raw!r} is not a row number (1 or more)")
        return int(raw)

    @staticmethod
    def _covenant(request: Request) -> Covenant | None:
        slug = (request.data.get("covenant") or "").strip()
        return covenant_get(slug=slug) if slug else None

    @staticmethod
    def _mapping(request: Request) -> dict[str, str | None] | None:
        raw = request.data.get("mapping")
        if raw in (None, ""):
            return None
        try:
            mapping = json.loads(str(raw))
        except (TypeError, ValueError):
            raise _bad("mapping", "mapping must be a JSON object") from None
        if not isinstance(mapping, dict) or not all(
            isinstance(key, str) and (value is None or isinstance(value, str))
            for key, value in mapping.items()
        ):
            raise _bad("mapping", "mapping must map column headers to field names or null")
        return mapping


class SupplierListDetailView(APIView):
    """What became of one list: its counts and every rejected row's reasons."""

    permission_classes = [IsAuthenticated]  # another company's list: 404, for observers too

    @extend_schema(
        operation_id="supplier_list_get",
        summary="A supplier list's summary",
        responses={200: SupplierListSummarySerializer, 404: OpenApiResponse(description="")},
    )
    def get(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(supplier_lists_visible_to(request.user), pk=pk)
        return Response(supplier_list_summary(found))


class ImportJobView(APIView):
    """How far an upload's import got."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="import_job_get",
        summary="An import job's status",
        responses={200: ImportJobSerializer, 404: OpenApiResponse(description="")},
    )
    def get(self, request: Request, pk: int) -> Response:
        job = get_company_object_or_404(
            request.user,
            ImportJob.objects.select_related("company"),
            covenant_field="covenant",
            year_field="year",
            pk=pk,
        )
        return Response(_job_json(request, job))


def _mapping_check(mapping: dict[str, str | None], preview: TablePreview) -> None:
    """Refuse a mapping to an unknown field or column, or one that leaves a required field
    without a column, before anything is queued."""
    try:
        explicit: dict[str | int, str | None] = dict(mapping.items())
        checked = map_headers(preview.headers, explicit)
    except ImvoError as error:
        raise _bad("mapping", error.message) from None
    if checked.missing:
        missing = ", ".join(field.replace("_", " ") for field in checked.missing)
        raise _bad("mapping", f"no column holds the required {missing}")


def _too_large() -> str:
    return f"the file is larger than the limit of {settings.IMVO_UPLOAD_MAX_MB} MB"
