"""Supplier-list pages: upload with the column-mapping step, the import's status, the lists,
and the secretariat's review queue.

Views parse the request, call the services, selectors and jobs, and render. Another company's
list or job is missing (404), never forbidden. The uploaded bytes wait between the steps under
a random token kept in the session; the client never names a file on the server.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from imvo.core.errors import ImvoError
from imvo.core.intake import map_headers
from imvo.web.accounts.forms import client_ip
from imvo.web.accounts.models import AuditAction
from imvo.web.accounts.permissions import (
    AnyUser,
    administers_any_covenant,
    get_company_object_or_404,
    is_admin,
    is_company_user,
    role_required,
    secretariat_required,
    stored_user,
)
from imvo.web.accounts.services import audit_record
from imvo.web.registry.models import Covenant
from imvo.web.suppliers.forms import MappingForm, SheetForm, UploadForm, upload_companies
from imvo.web.suppliers.jobs import (
    DEDUPLICATE_KIND,
    TablePreview,
    deduplicate_start,
    import_job_create,
    import_job_progress,
    import_job_start,
    import_job_work,
    table_preview,
    upload_discard,
    upload_limits,
    upload_read,
    upload_stage,
)
from imvo.web.suppliers.messages import error_text, job_problem_text, row_errors_shown, text
from imvo.web.suppliers.models import (
    Facility,
    ImportJob,
    ImportJobStatus,
    MatchReview,
    SupplierList,
)
from imvo.web.suppliers.selectors import (
    facility_resolve,
    open_reviews,
    review_dict,
    reviews_visible_to,
    supplier_list_row_errors,
    supplier_list_summary,
    supplier_list_versions,
    supplier_lists_visible_to,
    supplier_row_raw,
)
from imvo.web.suppliers.services import review_decide
from imvo.web.work.messages import problem_text
from imvo.web.work.selectors import work_visible_to
from imvo.web.work.views import work_context

SESSION_KEY = "suppliers_upload"
MAX_CANDIDATES = 5  # the keys 1..5 choose one
BODY_ALLOWANCE = 64 * 1024  # room for the other form fields around the file
VERDICTS = ("confirm", "reject", "new")


def _works_with_lists(user: AnyUser) -> bool:
    """Company users, the secretariat and administrators; observers see no company data."""
    return is_admin(user) or is_company_user(user) or administers_any_covenant(user)


lists_access_required = role_required(_works_with_lists)


def _htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


# --------------------------------------------------------------------------------------------
# Upload, step 1: the file
# --------------------------------------------------------------------------------------------


@csrf_exempt
@lists_access_required
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and what it is for. A body over the size limit is refused before it
    is read (and so before the CSRF check, which would read it)."""
    if request.method == "POST" and _body_too_large(request):
        form = UploadForm(user=request.user)
        return _upload_render(request, form, status=400, error=_too_large_message())
    return _upload_checked(request)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def _upload_checked(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method != "POST":
        return _upload_render(request, form)
    if not form.is_valid():
        return _upload_render(request, form, status=400)
    uploaded = form.cleaned_data["file"]
    limit = upload_limits().max_bytes
    if uploaded.size > limit:
        form.add_error("file", _too_large_message())
        return _upload_render(request, form, status=400)
    data = uploaded.read(limit + 1)
    filename = uploaded.name or "upload"
    try:
        preview = table_preview(data, filename=filename)
    except ImvoError as error:
        form.add_error("file", _file_problem(filename, error))
        return _upload_render(request, form, status=400)
    _upload_forget(request)
    covenant = form.cleaned_data.get("covenant")
    request.session[SESSION_KEY] = {
        "token": upload_stage(data),
        "filename": filename,
        "company": form.cleaned_data["company"].pk,
        "year": form.cleaned_data["year"],
        "covenant": covenant.pk if covenant is not None else None,
        "sheet": preview.sheet,
        "header_row": None,  # guessed until the user sets it on the next page
    }
    if preview.needs_mapping or preview.layout_guessed:
        return redirect("suppliers:upload-columns")
    return _job_begin(request, preview, mapping=None)


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > upload_limits().max_bytes + BODY_ALLOWANCE


def _too_large_message() -> str:
    return _("The file is larger than the limit of %(mb)s MB.") % {
        "mb": settings.IMVO_UPLOAD_MAX_MB
    }


def _file_problem(filename: str, error: ImvoError) -> str:
    return error_text(error, file=filename)


def _upload_render(
    request: HttpRequest, form: UploadForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {"form": form, "max_mb": settings.IMVO_UPLOAD_MAX_MB, "error": error}
    return render(request, "suppliers/upload.html", context, status=status)


def _upload_forget(request: HttpRequest) -> None:
    """Drop an upload left half-way (a new one replaces it)."""
    pending = request.session.pop(SESSION_KEY, None)
    if isinstance(pending, dict) and isinstance(pending.get("token"), str):
        with contextlib.suppress(ImvoError):  # a token tampered with names nothing
            upload_discard(pending["token"])


# --------------------------------------------------------------------------------------------
# Upload, step 2: the sheet and the columns
# --------------------------------------------------------------------------------------------


@lists_access_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_columns(request: HttpRequest) -> HttpResponse:
    """Step 2: where the list is (the sheet and the header row, as guessed, to correct) and
    which column holds which field."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return redirect("suppliers:upload")
    sheet_form: SheetForm | None = None
    try:
        data = upload_read(pending["token"])
        preview = _pending_preview(data, pending)
        if request.method == "POST" and request.POST.get("action") in ("sheet", "layout"):
            sheet_form = SheetForm(request.POST, sheets=preview.sheets)
            if sheet_form.is_valid():
                sheet, header_row = sheet_form.layout(
                    sheet=preview.sheet, header_row=preview.header_row
                )
                try:
                    table_preview(
                        data, filename=pending["filename"], sheet=sheet, header_row=header_row
                    )
                except ImvoError as error:
                    if not (error.code or "").startswith("header."):
                        raise
                    sheet_form.add_error(
                        "header_row", text(error.code, error.params, error.message)
                    )
                else:
                    pending["sheet"], pending["header_row"] = sheet, header_row
                    request.session[SESSION_KEY] = pending
                    return redirect("suppliers:upload-columns")
    except ImvoError as error:
        _upload_forget(request)
        form = UploadForm(user=request.user)
        problem = _file_problem(pending.get("filename", ""), error)
        return _upload_render(request, form, status=400, error=problem)
    mapping_post = request.POST if request.method == "POST" and sheet_form is None else None
    mapping_form = MappingForm(mapping_post, preview=preview)
    if mapping_post is not None and mapping_form.is_valid():
        explicit: dict[str | int, str | None] = dict(mapping_form.mapping().items())
        try:
            map_headers(preview.headers, explicit)
        except ImvoError as error:
            mapping_form.add_error(None, text(error.code, error.params, error.message))
        else:
            return _job_begin(request, preview, mapping=mapping_form.mapping())
    context = {
        "preview": preview,
        "form": mapping_form,
        "sheet_form": sheet_form
        or SheetForm(
            initial={"sheet": preview.sheet, "header_row": preview.header_row},
            sheets=preview.sheets,
        ),
        "pending": pending,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/upload_columns.html", context, status=status)


def _pending_preview(data: bytes, pending: dict[str, Any]) -> TablePreview:
    return table_preview(
        data,
        filename=pending["filename"],
        sheet=pending["sheet"],
        header_row=pending.get("header_row"),
    )


def _job_begin(
    request: HttpRequest, preview: TablePreview, *, mapping: dict[str, str | None] | None
) -> HttpResponse:
    """Queue the import of the pending upload and show its status."""
    pending = request.session.pop(SESSION_KEY)
    company = get_object_or_404(upload_companies(request.user), pk=pending["company"])
    covenant = (
        Covenant.objects.filter(pk=pending["covenant"]).first() if pending["covenant"] else None
    )
    job = import_job_create(
        company=company,
        year=pending["year"],
        covenant=covenant,
        token=pending["token"],
        filename=pending["filename"],
        sheet=preview.sheet,
        header_row=pending.get("header_row"),
        mapping=mapping,
        user=stored_user(request.user),
    )
    import_job_start(job)
    return redirect("suppliers:job", pk=job.pk)


# --------------------------------------------------------------------------------------------
# The import's status
# --------------------------------------------------------------------------------------------


@require_safe
@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """How far an import got; polled every second by htmx until it has ended."""
    found = get_company_object_or_404(
        request.user,
        ImportJob.objects.select_related("company", "supplier_list"),
        covenant_field="covenant",
        year_field="year",
        pk=pk,
    )
    done, total = import_job_progress(found)
    work = import_job_work(found)
    summary = (
        _summary_shown(found.supplier_list)
        if found.status == ImportJobStatus.DONE and found.supplier_list is not None
        else None
    )
    context = {
        "job": found,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "ended": found.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED),
        "summary": summary,
        "problem": problem_text(found.problem, "")
        or job_problem_text(found.problem, found.message),
        "work": work,
    }
    template = "suppliers/_job_status.html" if _htmx(request) else "suppliers/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


@require_safe
@lists_access_required
def lists(request: HttpRequest) -> HttpResponse:
    """The supplier lists the user may see, the latest first per company."""
    context = {
        "lists": supplier_lists_visible_to(request.user)[:500],
        "may_upload": upload_companies(request.user).exists(),
        "jobs": ImportJob.objects.filter(
            created_by=stored_user(request.user),
            status__in=[ImportJobStatus.QUEUED, ImportJobStatus.RUNNING],
        )[:20]
        if stored_user(request.user) is not None
        else [],
        "open_reviews": open_reviews(request.user),
    }
    return render(request, "suppliers/lists.html", context)


@require_safe
@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One list: its counts, its versions and every rejected row's problems."""
    found = get_object_or_404(supplier_lists_visible_to(request.user), pk=pk)
    context = {
        "list": found,
        "summary": _summary_shown(found),
        # the versions for the same company, covenant and year: visible with the list itself
        "versions": supplier_list_versions(
            company=found.company, year=found.year, covenant=found.covenant
        ),
    }
    return render(request, "suppliers/list_detail.html", context)


def _summary_shown(supplier_list: SupplierList) -> dict[str, Any]:
    """The list's summary with its row errors in the page's language."""
    summary = supplier_list_summary(supplier_list)
    summary["errors"] = row_errors_shown(supplier_list_row_errors(supplier_list))
    return summary


# --------------------------------------------------------------------------------------------
# The review queue
# --------------------------------------------------------------------------------------------


@require_safe
@secretariat_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The oldest open review the user decides (or word that none is left)."""
    first = reviews_visible_to(request.user).first()
    return _review_render(request, first)


@require_safe
@secretariat_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One open review, with links to the one before and after it."""
    found = get_object_or_404(reviews_visible_to(request.user), pk=pk)
    return _review_render(request, found)


@require_POST
@secretariat_required
def review_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide a review: confirm the chosen candidate, reject it, or register a new facility.
    Then the next review: swapped in by htmx, or by a redirect without JavaScript."""
    found = get_object_or_404(reviews_visible_to(request.user), pk=pk)
    verdict = request.POST.get("verdict", "")
    error = ""
    if verdict not in VERDICTS:
        error = _("Choose confirm, not this one, or new facility.")
    else:
        try:
            _decide(request, found, verdict, request.POST.get("facility", ""))
        except ImvoError as problem:
            error = problem.message
    if error:
        response = _review_render(request, found, error=error)
        response.status_code = 400
        return response
    following = _review_after(request.user, found)
    if _htmx(request):
        response = _review_render(request, following)
        if following is not None:
            response["HX-Push-Url"] = reverse("suppliers:review", args=[following.pk])
        else:
            response["HX-Push-Url"] = reverse("suppliers:review-queue")
        return response
    if following is None:
        return redirect("suppliers:review-queue")
    return HttpResponseRedirect(reverse("suppliers:review", args=[following.pk]))


def _decide(request: HttpRequest, found: MatchReview, verdict: str, facility_id: str) -> None:
    facility: Facility | None = None
    if facility_id and verdict != "new":
        offered = {candidate["facility_id"] for candidate in found.candidates}
        if facility_id not in offered:
            raise ImvoError(_("That facility is not a candidate of this review."), field="facility")
        facility = facility_resolve(facility_id)
    user = stored_user(request.user)
    with transaction.atomic():
        decided = review_decide(review=found, verdict=verdict, facility=facility, user=user)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGED,
            obj=decided,
            changes={
                "verdict": verdict,
                "facility": facility.facility_id if facility is not None else None,
                "status": decided.status,
            },
            ip=client_ip(request),
        )


def _review_after(user: AnyUser, decided: MatchReview) -> MatchReview | None:
    """The review to show after one was decided: the same one while it is still open (the
    next candidate is asked about), else the next in the queue, else the first."""
    visible = reviews_visible_to(user)
    if visible.filter(pk=decided.pk).exists():
        return visible.get(pk=decided.pk)
    later = visible.filter(created_at__gte=decided.created_at).exclude(pk=decided.pk)
    return later.filter(pk__gt=decided.pk).first() or visible.first()


def _review_render(
    request: HttpRequest, found: MatchReview | None, *, error: str = ""
) -> HttpResponse:
    visible = reviews_visible_to(request.user)
    context: dict[str, Any] = {"item": None, "open_reviews": visible.count(), "error": error}
    if found is not None:
        found.refresh_from_db()
        ids = list(visible.values_list("pk", flat=True)[:10_000])
        position = ids.index(found.pk) if found.pk in ids else None
        context.update(
            {
                "item": _review_item(found),
                "review": found,
                "position": position + 1 if position is not None else None,
                "previous": ids[position - 1] if position else None,
                "next": (
                    ids[position + 1] if position is not None and position + 1 < len(ids) else None
                ),
            }
        )
    template = "suppliers/_review_item.html" if _htmx(request) else "suppliers/review.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _review_item(found: MatchReview) -> dict[str, Any]:
    """The review as the screen shows it: the incoming row beside each candidate facility."""
    item = review_dict(found)
    row = found.row
    if row is not None:
        item["subject"].update(
            {
                "latitude": row.latitude,
                "longitude": row.longitude,
                "province": row.province or None,
                "raw": supplier_row_raw(row),
            }
        )
    candidates = []
    for number, candidate in enumerate(found.candidates[:MAX_CANDIDATES], start=1):
        try:
            facility = facility_resolve(candidate["facility_id"])
        except ImvoError:
            continue  # merged away into nothing cannot happen; never fail the page over it
        agreed = [
            e for e in candidate.get("evidence", []) if e.get("level") in ("exact", "similar")
        ]
        candidates.append(
            {
                "number": number,
                "facility_id": candidate["facility_id"],
                "facility": facility,
                "probability": candidate.get("probability"),
                "evidence": candidate.get("evidence", []),
                "agreed": [e.get("field") for e in agreed],
            }
        )
    item["candidate_rows"] = candidates
    return item


# --------------------------------------------------------------------------------------------
# De-duplication of the registry
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@secretariat_required
def deduplicate(request: HttpRequest) -> HttpResponse:
    """Look for duplicates in the whole registry, as background work: the latest run's status,
    and a button to start one (unless one is under way)."""
    latest = (
        work_visible_to(request.user).filter(kind=DEDUPLICATE_KIND).order_by("-created_at").first()
    )
    if request.method == "POST":
        work = deduplicate_start(user=stored_user(request.user))
        return redirect("work:status", pk=work.pk)
    context = {"latest": work_context(latest) if latest is not None else None}
    return render(request, "suppliers/deduplicate.html", context)
