"""Due-diligence pages: a company's submissions (self-assessment, ranked risk analysis, action
plan, the XLSX template round trip, submitting), the secretariat's assessment, a company's
published assessment, and the public framework with the outcome distribution.

Views parse the request, call the services and selectors, and render. Another company's
submission or assessment is missing (404); a role that sees it but may not change it gets 403;
a business-rule error from a service is shown at its field with HTTP 400 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from imvo.core.diligence import priority, riskcheck
from imvo.core.errors import ImvoError
from imvo.web.accounts.permissions import (
    AnyUser,
    administers_any_covenant,
    can_administer_covenant,
    can_edit_company,
    companies_of,
    company_user_required,
    is_admin,
    is_company_user,
    role_required,
)
from imvo.web.diligence import selectors, services
from imvo.web.diligence.flag_text import red_flags_display
from imvo.web.diligence.forms import (
    ActionForm,
    ExplanationForm,
    LivingWageGapForm,
    RiskForm,
    ScoreForm,
    SelfAssessmentForm,
    SubmissionCreateForm,
    TemplateUploadForm,
)
from imvo.web.diligence.models import (
    Action,
    Assessment,
    FrameworkCriterion,
    RiskItem,
    SelfAssessmentQuestion,
    Submission,
)
from imvo.web.registry.models import Covenant, Theme
from imvo.web.registry.selectors import localized_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _works_with_submissions(user: AnyUser) -> bool:
    """Company users, the secretariat and administrators; observers see no company data."""
    return is_admin(user) or is_company_user(user) or administers_any_covenant(user)


submissions_access_required = role_required(_works_with_submissions)


# ---------------------------------------------------------------- lookups


def _submission(request: HttpRequest, pk: int) -> Submission:
    found: Submission = get_object_or_404(selectors.submissions_visible_to(request.user), pk=pk)
    return found


def _writable(request: HttpRequest, submission: Submission) -> Submission:
    if not can_edit_company(request.user, submission.company):
        raise PermissionDenied(_("Only the company's own users may change its submission."))
    return submission


def _administered(request: HttpRequest, covenant: Covenant) -> None:
    if not can_administer_covenant(request.user, covenant):
        raise PermissionDenied(_("Only the covenant's secretariat may do this."))


def _risk(request: HttpRequest, pk: int) -> RiskItem:
    risk: RiskItem = get_object_or_404(selectors.risks_visible_to(request.user), pk=pk)
    _writable(request, risk.submission)
    return risk


def _action(request: HttpRequest, pk: int) -> Action:
    action: Action = get_object_or_404(selectors.actions_visible_to(request.user), pk=pk)
    _writable(request, action.submission)
    return action


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    queryset: QuerySet[Assessment] = selectors.assessments_visible_to(request.user)
    return get_object_or_404(queryset, pk=pk)


def _form_error(form: forms.Form, error: ImvoError) -> None:
    """Show a service's error at its field, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


# ---------------------------------------------------------------- the list


def _own_covenants(user: AnyUser) -> list[Covenant]:
    return list(
        Covenant.objects.filter(participations__organisation__in=companies_of(user)).distinct()
    )


@require_safe
@submissions_access_required
def submissions(request: HttpRequest) -> HttpResponse:
    """The submissions the user may read: its company's, or its covenants' for the
    secretariat, per covenant and year with status and deadline."""
    return _submissions_render(
        request, SubmissionCreateForm(covenants=_own_covenants(request.user))
    )


def _submissions_render(
    request: HttpRequest, form: SubmissionCreateForm, status: int = 200
) -> HttpResponse:
    visible = selectors.submissions_visible_to(request.user).select_related("assessment")
    if covenant := request.GET.get("covenant"):
        visible = visible.filter(covenant__slug=covenant)
    rows = []
    for submission in visible.order_by("covenant__slug", "-year", "company__name"):
        assessment = getattr(submission, "assessment", None)
        rows.append(
            {
                "submission": submission,
                "deadline": selectors.submission_deadline(submission),
                "assessment": assessment,
                "may_assess": can_administer_covenant(request.user, submission.covenant),
            }
        )
    context = {
        "rows": rows,
        "form": form,
        "may_start": is_company_user(request.user) and bool(_own_covenants(request.user)),
        "show_company": administers_any_covenant(request.user)
        or companies_of(request.user).count() > 1,
    }
    return render(request, "diligence/submissions.html", context, status=status)


@require_POST
@company_user_required
def submission_start(request: HttpRequest) -> HttpResponse:
    """Start the company's submission to a covenant for a year."""
    form = SubmissionCreateForm(request.POST, covenants=_own_covenants(request.user))
    if not form.is_valid():
        return _submissions_render(request, form, status=400)
    companies = list(
        companies_of(request.user).filter(participations__covenant=form.cleaned_data["covenant"])
    )
    try:
        submission = services.submission_create(
            actor=request.user,
            company=companies[0],
            covenant=form.cleaned_data["covenant"],
            year=form.cleaned_data["year"],
        )
    except ImvoError as error:
        _form_error(form, error)
        return _submissions_render(request, form, status=400)
    return redirect("diligence:submission", pk=submission.pk)


# ---------------------------------------------------------------- a submission


def _questions(submission: Submission) -> QuerySet[SelfAssessmentQuestion]:
    return SelfAssessmentQuestion.objects.filter(covenant=submission.covenant, active=True)


def _self_assessment_form(submission: Submission) -> SelfAssessmentForm:
    answers = {a.question_id: a.answer for a in submission.answers.all()}
    initial: dict[str, Any] = {"accord": submission.accord}
    initial.update({f"question_{pk}": text for pk, text in answers.items()})
    return SelfAssessmentForm(initial=initial, questions=_questions(submission))


def _submission_render(
    request: HttpRequest,
    submission: Submission,
    *,
    status: int = 200,
    error: str | None = None,
    upload_errors: tuple[Any, ...] = (),
    **given: forms.Form,
) -> HttpResponse:
    detail = selectors.submission_detail(submission)
    themes = {t.slug: t for t in Theme.objects.all()}
    risks = detail["risks"]
    ranks = {risk["id"]: risk["rank"] for risk in risks}
    hits = selectors.submission_risk_check(submission)
    analysed = {(r["theme"], r["country"]) for r in risks}
    explained = {(e["theme"], e["country"]) for e in detail["explanations"]}
    absent = [
        hit
        for hit in riskcheck.absent_from_analysis(hits, analysed)
        if (hit.theme, hit.country) not in explained and (hit.theme, "") not in explained
    ]
    editable = can_edit_company(request.user, submission.company) and not submission.locked
    forms_ = {
        "answers_form": _self_assessment_form(submission),
        "risk_form": RiskForm(),
        "action_form": ActionForm(submission=submission),
        "gap_form": LivingWageGapForm(),
        "explanation_form": ExplanationForm(),
        "upload_form": TemplateUploadForm(),
        **given,
    }
    context = {
        "submission": submission,
        "detail": detail,
        "red_flags": red_flags_display(detail["red_flags"], themes),
        "themes": themes,
        "risks": [{**r, "theme_name": _theme_name(themes, r["theme"])} for r in risks],
        "actions": [
            {**a, "risk_ranks": sorted(ranks[pk] for pk in a["risks"] if pk in ranks)}
            for a in detail["actions"]
        ],
        "risk_check": hits,
        "absent": absent,
        "formula": priority.PRIORITY_FORMULA,
        "editable": editable,
        "may_reopen": submission.locked
        and can_administer_covenant(request.user, submission.covenant),
        "may_assess": submission.locked
        and can_administer_covenant(request.user, submission.covenant),
        "assessment": Assessment.objects.filter(submission=submission).first(),
        "textile": "textile" in submission.covenant.slug,
        "error": error,
        "upload_errors": upload_errors,
        **forms_,
    }
    return render(request, "diligence/submission.html", context, status=status)


def _theme_name(themes: dict[str, Theme], slug: str) -> str:
    theme = themes.get(slug)
    return localized_name(theme) if theme else slug


@require_safe
@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_render(request, _submission(request, pk))


@require_POST
@login_required
def submission_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the self-assessment and the Accord status of a draft."""
    submission = _writable(request, _submission(request, pk))
    form = SelfAssessmentForm(request.POST, questions=_questions(submission))
    if form.is_valid():
        try:
            services.submission_update(
                actor=request.user,
                submission=submission,
                accord=form.cleaned_data["accord"],
                answers=form.answers(),
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:submission", pk=submission.pk)
    return _submission_render(request, submission, status=400, answers_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def risk_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a risk; GET shows the guided form, step by step with examples."""
    submission = _writable(request, _submission(request, pk))
    form = RiskForm(request.POST or None)
    guided = request.method != "POST" or request.POST.get("guided") == "1"
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_item_create(
                actor=request.user, submission=submission, fields=form.fields_value()
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:submission", pk=submission.pk)
    if guided:
        status = 400 if request.method == "POST" else 200
        return _risk_page(request, submission, form, risk=None, status=status)
    return _submission_render(request, submission, status=400, risk_form=form)


def _risk_page(
    request: HttpRequest,
    submission: Submission,
    form: RiskForm,
    *,
    risk: RiskItem | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "submission": submission,
        "form": form,
        "risk": risk,
        "formula": priority.PRIORITY_FORMULA,
        "locked": submission.locked,
    }
    return render(request, "diligence/risk_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change or delete a risk of a draft."""
    risk = _risk(request, pk)
    submission = risk.submission
    form = RiskForm(request.POST or None, initial=RiskForm.initial_of(risk))
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                services.risk_item_delete(actor=request.user, risk=risk)
                return redirect("diligence:submission", pk=submission.pk)
            if form.is_valid():
                services.risk_item_update(actor=request.user, risk=risk, fields=form.fields_value())
                return redirect("diligence:submission", pk=submission.pk)
        except ImvoError as error:
            _form_error(form, error)
        return _risk_page(request, submission, form, risk=risk, status=400)
    return _risk_page(request, submission, form, risk=risk)


@require_POST
@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, _submission(request, pk))
    form = ActionForm(request.POST, submission=submission)
    if form.is_valid():
        try:
            services.action_create(
                actor=request.user, submission=submission, fields=form.fields_value()
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:submission", pk=submission.pk)
    return _submission_render(request, submission, status=400, action_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change or delete an action of a draft."""
    action = _action(request, pk)
    submission = action.submission
    form = ActionForm(
        request.POST or None, initial=ActionForm.initial_of(action), submission=submission
    )
    status = 200
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                services.action_delete(actor=request.user, action=action)
                return redirect("diligence:submission", pk=submission.pk)
            if form.is_valid():
                services.action_update(
                    actor=request.user, action=action, fields=form.fields_value()
                )
                return redirect("diligence:submission", pk=submission.pk)
        except ImvoError as error:
            _form_error(form, error)
        status = 400
    context = {"submission": submission, "form": form, "action": action}
    return render(request, "diligence/action_form.html", context, status=status)


@require_POST
@login_required
def gap_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the living-wage gap at a production location."""
    submission = _writable(request, _submission(request, pk))
    form = LivingWageGapForm(request.POST)
    if form.is_valid():
        try:
            services.living_wage_gap_create(
                actor=request.user,
                submission=submission,
                gap_percent=form.cleaned_data["gap_percent"],
                location=form.cleaned_data["location"],
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:submission", pk=submission.pk)
    return _submission_render(request, submission, status=400, gap_form=form)


@require_POST
@login_required
def explanation_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Explain why a core theme or a flagged reference risk is absent from the analysis."""
    submission = _writable(request, _submission(request, pk))
    form = ExplanationForm(request.POST)
    if form.is_valid():
        try:
            services.theme_explanation_set(
                actor=request.user,
                submission=submission,
                theme=form.cleaned_data["theme"].slug,
                country=form.cleaned_data.get("country") or "",
                explanation=form.cleaned_data["explanation"],
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:submission", pk=submission.pk)
    return _submission_render(request, submission, status=400, explanation_form=form)


@require_POST
@login_required
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the submission in; it is locked until the secretariat reopens it."""
    submission = _writable(request, _submission(request, pk))
    try:
        services.submission_submit(actor=request.user, submission=submission)
    except ImvoError as error:
        return _submission_render(request, submission, status=400, error=error.message)
    return redirect("diligence:submission", pk=submission.pk)


@require_POST
@login_required
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat opens a submitted submission for changes."""
    submission = _submission(request, pk)
    _administered(request, submission.covenant)
    services.submission_reopen(actor=request.user, submission=submission)
    return redirect("diligence:submission", pk=submission.pk)


# ---------------------------------------------------------------- the XLSX template


@require_safe
@login_required
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The XLSX template, filled in with the submission's risks and actions."""
    submission = _submission(request, pk)
    content = selectors.submission_template(submission)
    response = HttpResponse(content, content_type=XLSX)
    name = f"risk-analysis-{submission.company.slug}-{submission.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def template_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the analysis and plan with a filled-in template; on any row error nothing is
    written and the errors are listed by row, field and message."""
    submission = _writable(request, _submission(request, pk))
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _submission_render(request, submission, status=400, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        outcome = services.template_upload(
            actor=request.user,
            submission=submission,
            data=upload.read(),
            filename=upload.name or "template.xlsx",
        )
    except ImvoError as error:
        _form_error(form, error)
        return _submission_render(request, submission, status=400, upload_form=form)
    if outcome.errors:
        form.add_error(
            "file",
            _("%(count)d rows have errors; nothing was changed.") % {"count": len(outcome.errors)},
        )
        return _submission_render(
            request, submission, status=400, upload_form=form, upload_errors=outcome.errors
        )
    return redirect("diligence:submission", pk=submission.pk)


# ---------------------------------------------------------------- assessments


@require_POST
@login_required
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start assessing a submitted submission (or open the assessment already started)."""
    submission = _submission(request, pk)
    _administered(request, submission.covenant)
    assessment = Assessment.objects.filter(submission=submission).first()
    if assessment is None:
        try:
            assessment = services.assessment_create(actor=request.user, submission=submission)
        except ImvoError as error:
            return _submission_render(request, submission, status=400, error=error.message)
    return redirect("diligence:assessment", pk=assessment.pk)


def _criteria(assessment: Assessment) -> QuerySet[FrameworkCriterion]:
    return FrameworkCriterion.objects.filter(element__framework=assessment.framework).order_by(
        "element__position", "position"
    )


def _assessment_render(
    request: HttpRequest,
    assessment: Assessment,
    *,
    form: ScoreForm | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    detail = selectors.assessment_detail(assessment)
    scored = {s["criterion"]: s for s in detail["scores"]}
    may_score = (
        can_administer_covenant(request.user, assessment.submission.covenant)
        and assessment.published_at is None
    )
    if form is None and may_score:
        form = ScoreForm(
            criteria=_criteria(assessment),
            scores={key: (s["points"], s["reason"]) for key, s in scored.items()},
        )
    elements = []
    for element in assessment.framework.elements.prefetch_related("criteria"):
        elements.append(
            {
                "element": element,
                "criteria": [
                    {"criterion": c, "score": scored.get(c.key)} for c in element.criteria.all()
                ],
            }
        )
    context = {
        "assessment": assessment,
        "submission": assessment.submission,
        "detail": detail,
        "red_flags": red_flags_display(
            detail["red_flags"], {t.slug: t for t in Theme.objects.all()}
        ),
        "elements": elements,
        "form": form,
        "rows": {row["criterion"].key: row for row in form.rows()} if form else {},
        "may_score": may_score,
        "error": error,
    }
    return render(request, "diligence/assessment.html", context, status=status)


@require_safe
@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's scoring page; for the company, its published scores and reasons."""
    return _assessment_render(request, _assessment(request, pk))


@require_POST
@login_required
def assessment_score(request: HttpRequest, pk: int) -> HttpResponse:
    """Score criterion by criterion; every score needs a reason (shown at the criterion)."""
    assessment = _assessment(request, pk)
    _administered(request, assessment.submission.covenant)
    form = ScoreForm(request.POST, criteria=_criteria(assessment))
    if form.is_valid():
        try:
            services.assessment_score(
                actor=request.user, assessment=assessment, scores=form.scores()
            )
        except ImvoError as error:
            _form_error(form, error)
        else:
            return redirect("diligence:assessment", pk=assessment.pk)
    return _assessment_render(request, assessment, form=form, status=400)


@require_POST
@login_required
def assessment_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a fully scored assessment to the company."""
    assessment = _assessment(request, pk)
    _administered(request, assessment.submission.covenant)
    try:
        services.assessment_publish(actor=request.user, assessment=assessment)
    except ImvoError as error:
        return _assessment_render(request, assessment, status=400, error=error.message)
    return redirect("diligence:assessment", pk=assessment.pk)


# ---------------------------------------------------------------- public


@require_safe
def framework(request: HttpRequest) -> HttpResponse:
    """The published assessment frameworks and the outcome distribution (aggregates only)."""
    covenants = {c.slug: c for c in Covenant.objects.all()}
    frameworks = selectors.framework_list()
    for item in frameworks:
        covenant = covenants.get(item["covenant"])
        item["covenant_name"] = covenant.short_name if covenant else item["covenant"]
    context = {
        "frameworks": frameworks,
        "diligence_outcomes": selectors.outcome_distribution(),
        "covenant_names": {slug: c.short_name for slug, c in covenants.items()},
        "theme_names": {t.slug: localized_name(t) for t in Theme.objects.all()},
        "formula": priority.PRIORITY_FORMULA,
    }
    return render(request, "diligence/framework.html", context)
