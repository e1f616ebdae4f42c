"""Writes for due diligence: submissions and their rows, the XLSX template upload,
assessments. Keyword-only, transactional, audited; bad input raises ImvoError and changes
nothing.

Who may call what is checked here too, as a second line behind the API (which answers 404 for
another company's objects before a service is reached): a company's rows are written by its
own users and administrators only; reopening and assessing are the covenant secretariat's.
`actor=None` is the system itself (the demo loader, fixtures) and passes these checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from imvo.core.countries import country_code
from imvo.core.diligence import priority, scoring, templates
from imvo.core.errors import ImvoError, shown
from imvo.core.intake import RowError
from imvo.core.years import year_check
from imvo.web.accounts.models import AuditAction
from imvo.web.accounts.permissions import (
    can_administer_covenant,
    can_edit_company,
    stored_user,
)
from imvo.web.accounts.services import audit_record
from imvo.web.diligence import selectors
from imvo.web.diligence.models import (
    AccordStatus,
    Action,
    Assessment,
    AssessmentFramework,
    CriterionScore,
    FrameworkCriterion,
    FrameworkElement,
    LivingWageGap,
    ReportingCycle,
    RiskItem,
    SelfAssessmentAnswer,
    SelfAssessmentQuestion,
    Submission,
    SubmissionStatus,
    ThemeExplanation,
)
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind, Participation, Theme
from imvo.web.suppliers.models import Facility

AnyUser = AbstractBaseUser | AnonymousUser | None

# ---------------------------------------------------------------- checks


def _may_edit(actor: AnyUser, submission: Submission) -> None:
    if actor is not None and not can_edit_company(actor, submission.company):
        raise ImvoError("only the company's own users may change its submission")


def _may_administer(actor: AnyUser, covenant: Covenant) -> None:
    if actor is not None and not can_administer_covenant(actor, covenant):
        raise ImvoError("only the covenant's secretariat may do this")


def _editable(submission: Submission) -> None:
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ImvoError(
            "the submission is locked since it was submitted; ask the secretariat to reopen it",
            field="status",
        )


def _touch(submission: Submission) -> None:
    submission.updated_at = timezone.now()
    submission.save(update_fields=["updated_at"])


def _theme(slug: str) -> Theme:
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        raise ImvoError(f"unknown theme {shown(slug)}", field="theme")
    return theme


def _country(value: str) -> str:
    if not value.strip():
        return ""
    return country_code(value)


# ---------------------------------------------------------------- frameworks and cycles


def framework_create(
    *,
    covenant: Covenant,
    framework: scoring.Framework = scoring.TEXTILE_FRAMEWORK,
    published_on: date | None = None,
    note: str = "",
) -> AssessmentFramework:
    """A new version of the covenant's framework (the textile covenant's by default)."""
    scoring.framework_check(framework)
    with transaction.atomic():
        last = AssessmentFramework.objects.filter(covenant=covenant).order_by("-version").first()
        stored = AssessmentFramework.objects.create(
            covenant=covenant,
            version=(last.version + 1) if last else 1,
            published_on=published_on,
            thresholds=[str(t) for t in framework.thresholds],
            note=note,
        )
        for position, element in enumerate(framework.elements):
            row = FrameworkElement.objects.create(
                framework=stored,
                key=element.key,
                name=element.name,
                weight=element.weight,
                position=position,
            )
            FrameworkCriterion.objects.bulk_create(
                FrameworkCriterion(
                    element=row,
                    key=c.key,
                    text=c.text,
                    guidance=c.guidance,
                    max_points=c.max_points,
                    position=index,
                )
                for index, c in enumerate(element.criteria)
            )
    return stored


def questions_default_create(*, covenant: Covenant) -> list[SelfAssessmentQuestion]:
    """One self-assessment question per OECD due-diligence step, if the covenant has none."""
    questions = SelfAssessmentQuestion.objects.filter(covenant=covenant)
    if questions.exists():
        return list(questions)
    return SelfAssessmentQuestion.objects.bulk_create(
        SelfAssessmentQuestion(covenant=covenant, step=step, text=text, position=step)
        for step, text in scoring.OECD_STEPS
    )


def reporting_cycle_set(*, covenant: Covenant, year: int, deadline: datetime) -> ReportingCycle:
    """The deadline of the covenant's submissions for `year`."""
    cycle, _ = ReportingCycle.objects.update_or_create(
        covenant=covenant, year=year, defaults={"deadline": deadline}
    )
    return cycle


# ---------------------------------------------------------------- submissions


def submission_create(
    *, actor: AnyUser, company: Organisation, covenant: Covenant, year: int
) -> Submission:
    """A draft submission of `company` to `covenant` for `year`; the company must take part."""
    if company.kind != OrganisationKind.COMPANY:
        raise ImvoError(f"{company.name} is not a company", field="company")
    if actor is not None and not can_edit_company(actor, company):
        raise ImvoError("only the company's own users may hand in its submission", field="company")
    year_check(year, today=timezone.localdate())
    takes_part = Participation.objects.filter(
        covenant=covenant, organisation=company, joined_on__year__lte=year
    ).exists()
    if not takes_part:
        raise ImvoError(
            f"{company.name} does not take part in {covenant.short_name} in {year}",
            field="covenant",
        )
    if Submission.objects.filter(company=company, covenant=covenant, year=year).exists():
        raise ImvoError(
            f"{company.name} already has a submission to {covenant.short_name} for {year}",
            field="year",
        )
    with transaction.atomic():
        submission = Submission.objects.create(company=company, covenant=covenant, year=year)
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            obj=submission,
            changes={"company": company.slug, "covenant": covenant.slug, "year": year},
        )
    return submission


def submission_update(
    *,
    actor: AnyUser,
    submission: Submission,
    accord: str | None = None,
    answers: Mapping[int, str] | None = None,
) -> Submission:
    """Change a draft: the Bangladesh Accord status and self-assessment answers (question id
    to text; an empty text removes the answer)."""
    _may_edit(actor, submission)
    _editable(submission)
    changes: dict[str, Any] = {}
    if accord is not None and accord not in AccordStatus.values:
        raise ImvoError(
            f"accord must be one of {', '.join(AccordStatus.values)}, not {accord!r}",
            field="accord",
        )
    questions = {
        q.pk: q for q in SelfAssessmentQuestion.objects.filter(covenant=submission.covenant)
    }
    for question_id in answers or {}:
        if question_id not in questions:
            raise ImvoError(f"question {question_id} is not this covenant's", field="answers")
    with transaction.atomic():
        if accord is not None and accord != submission.accord:
            changes["accord"] = {"old": submission.accord, "new": accord}
            submission.accord = accord
            submission.save(update_fields=["accord"])
        for question_id, text in (answers or {}).items():
            if text.strip():
                SelfAssessmentAnswer.objects.update_or_create(
                    submission=submission,
                    question=questions[question_id],
                    defaults={"answer": text.strip()},
                )
            else:
                SelfAssessmentAnswer.objects.filter(
                    submission=submission, question_id=question_id
                ).delete()
            changes[f"answer {question_id}"] = "changed"
        _touch(submission)
        audit_record(actor=actor, action=AuditAction.CHANGED, obj=submission, changes=changes)
    return submission


def submission_submit(
    *, actor: AnyUser, submission: Submission, now: datetime | None = None
) -> Submission:
    """Hand in the submission: it is locked until the secretariat reopens it. After the
    cycle's deadline it is refused. Submitting a submitted one changes nothing."""
    _may_edit(actor, submission)
    if submission.status == SubmissionStatus.SUBMITTED:
        return submission
    moment = now or timezone.now()
    deadline = selectors.submission_deadline(submission)
    if deadline is not None and moment > deadline and submission.status == SubmissionStatus.DRAFT:
        raise ImvoError(
            f"the deadline for {submission.year} passed on {deadline:%Y-%m-%d %H:%M}; "
            "ask the secretariat to reopen the cycle",
            field="deadline",
        )
    with transaction.atomic():
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = moment
        submission.save(update_fields=["status", "submitted_at"])
        audit_record(actor=actor, action=AuditAction.SUBMITTED, obj=submission)
    return submission


def submission_reopen(*, actor: AnyUser, submission: Submission) -> Submission:
    """The secretariat opens a submitted submission for changes (also after the deadline:
    a reopened submission may be handed in again). An open one stays as it is."""
    _may_administer(actor, submission.covenant)
    if submission.status != SubmissionStatus.SUBMITTED:
        return submission
    with transaction.atomic():
        submission.status = SubmissionStatus.REOPENED
        submission.save(update_fields=["status"])
        audit_record(actor=actor, action=AuditAction.REOPENED, obj=submission)
    return submission


# ---------------------------------------------------------------- risk analysis and action plan


@dataclass(frozen=True)
class RiskFields:
    theme: str
    scale: int
    scope: int
    irremediability: int
    likelihood: int
    country: str = ""
    product: str = ""
    tier: int | None = None
    explanation: str = ""
    facility_id: str | None = None  # the registry's facility id


def _risk_values(fields: RiskFields) -> dict[str, Any]:
    priority.RiskScores(
        scale=fields.scale,
        scope=fields.scope,
        irremediability=fields.irremediability,
        likelihood=fields.likelihood,
    )  # raises ImvoError naming the field
    if fields.tier is not None and not (
        isinstance(fields.tier, int) and not isinstance(fields.tier, bool) and 0 <= fields.tier <= 9
    ):
        raise ImvoError("tier must be a whole number from 0 to 9", field="tier")
    facility = None
    if fields.facility_id:
        facility = Facility.objects.filter(facility_id=fields.facility_id).first()
        if facility is None:
            raise ImvoError(f"unknown facility {shown(fields.facility_id)}", field="facility")
    return {
        "theme": _theme(fields.theme),
        "country": _country(fields.country),
        "product": fields.product.strip()[:200],
        "tier": fields.tier,
        "facility": facility,
        "scale": fields.scale,
        "scope": fields.scope,
        "irremediability": fields.irremediability,
        "likelihood": fields.likelihood,
        "explanation": fields.explanation.strip(),
    }


def risk_item_create(*, actor: AnyUser, submission: Submission, fields: RiskFields) -> RiskItem:
    """A row of the risk analysis of a draft submission."""
    _may_edit(actor, submission)
    _editable(submission)
    values = _risk_values(fields)
    with transaction.atomic():
        risk = RiskItem.objects.create(submission=submission, **values)
        _touch(submission)
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            obj=risk,
            changes={"theme": fields.theme, "country": values["country"]},
        )
    return risk


def risk_item_update(*, actor: AnyUser, risk: RiskItem, fields: RiskFields) -> RiskItem:
    _may_edit(actor, risk.submission)
    _editable(risk.submission)
    values = _risk_values(fields)
    with transaction.atomic():
        for name, value in values.items():
            setattr(risk, name, value)
        risk.save()
        _touch(risk.submission)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGED,
            obj=risk,
            changes={"theme": fields.theme, "country": values["country"]},
        )
    return risk


def risk_item_delete(*, actor: AnyUser, risk: RiskItem) -> None:
    _may_edit(actor, risk.submission)
    _editable(risk.submission)
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETED, obj=risk)
        risk.delete()


@dataclass(frozen=True)
class ActionFields:
    what: str
    where: str = ""
    due_on: date | None = None
    indicator: str = ""
    risk_ids: tuple[int, ...] = ()


def _action_risks(submission: Submission, fields: ActionFields) -> list[RiskItem]:
    if not fields.what.strip():
        raise ImvoError("say what the action is", field="what")
    risks = list(RiskItem.objects.filter(submission=submission, pk__in=fields.risk_ids))
    if len(risks) != len(set(fields.risk_ids)):
        raise ImvoError("an action can only address risks of the same submission", field="risks")
    return risks


def action_create(*, actor: AnyUser, submission: Submission, fields: ActionFields) -> Action:
    """An action of the plan of a draft submission, linked to the risks it addresses."""
    _may_edit(actor, submission)
    _editable(submission)
    risks = _action_risks(submission, fields)
    with transaction.atomic():
        action = Action.objects.create(
            submission=submission,
            what=fields.what.strip(),
            where=fields.where.strip()[:300],
            due_on=fields.due_on,
            indicator=fields.indicator.strip()[:300],
        )
        action.risks.set(risks)
        _touch(submission)
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            obj=action,
            changes={"risks": sorted(r.pk for r in risks)},
        )
    return action


def action_update(*, actor: AnyUser, action: Action, fields: ActionFields) -> Action:
    _may_edit(actor, action.submission)
    _editable(action.submission)
    risks = _action_risks(action.submission, fields)
    with transaction.atomic():
        action.what = fields.what.strip()
        action.where = fields.where.strip()[:300]
        action.due_on = fields.due_on
        action.indicator = fields.indicator.strip()[:300]
        action.save()
        action.risks.set(risks)
        _touch(action.submission)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGED,
            obj=action,
            changes={"risks": sorted(r.pk for r in risks)},
        )
    return action


def action_delete(*, actor: AnyUser, action: Action) -> None:
    _may_edit(actor, action.submission)
    _editable(action.submission)
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETED, obj=action)
        action.delete()


def living_wage_gap_create(
    *,
    actor: AnyUser,
    submission: Submission,
    gap_percent: Decimal | int | float,
    location: str = "",
    facility_id: str | None = None,
) -> LivingWageGap:
    """The living-wage gap at one production location (a registry facility or free text)."""
    _may_edit(actor, submission)
    _editable(submission)
    try:
        gap = Decimal(str(gap_percent))
    except ArithmeticError:
        raise ImvoError(f"{shown(gap_percent)} is not a number", field="gap_percent") from None
    if not gap.is_finite() or not 0 <= gap <= 1000:
        raise ImvoError("the gap must lie between 0 and 1000 percent", field="gap_percent")
    facility = None
    if facility_id:
        facility = Facility.objects.filter(facility_id=facility_id).first()
        if facility is None:
            raise ImvoError(f"unknown facility {shown(facility_id)}", field="facility")
    if facility is None and not location.strip():
        raise ImvoError("name the production location or its facility", field="location")
    with transaction.atomic():
        row = LivingWageGap.objects.create(
            submission=submission, facility=facility, location=location.strip(), gap_percent=gap
        )
        _touch(submission)
        audit_record(
            actor=actor, action=AuditAction.CREATED, obj=submission, changes={"gap": str(gap)}
        )
    return row


def theme_explanation_set(
    *, actor: AnyUser, submission: Submission, theme: str, explanation: str, country: str = ""
) -> ThemeExplanation:
    """Why a core theme or a flagged reference risk is absent from the analysis."""
    _may_edit(actor, submission)
    _editable(submission)
    if not explanation.strip():
        raise ImvoError("give the explanation", field="explanation")
    with transaction.atomic():
        row, _ = ThemeExplanation.objects.update_or_create(
            submission=submission,
            theme=_theme(theme),
            country=_country(country),
            defaults={"explanation": explanation.strip()},
        )
        _touch(submission)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGED,
            obj=submission,
            changes={"explanation": theme, "country": row.country},
        )
    return row


# ---------------------------------------------------------------- XLSX template


@dataclass(frozen=True)
class TemplateUpload:
    """The outcome of an upload: either everything written, or row errors and nothing."""

    risks: int
    actions: int
    errors: tuple[RowError, ...]


def template_upload(
    *, actor: AnyUser, submission: Submission, data: bytes, filename: str
) -> TemplateUpload:
    """Replace the risk analysis and action plan of a draft with a filled-in template.

    Row errors come back as `{row, field, message}` like a supplier list's; with any error
    nothing is written. A file that cannot be read raises ImvoError naming the file.
    """
    _may_edit(actor, submission)
    _editable(submission)
    known_themes = set(Theme.objects.values_list("slug", flat=True))
    parsed = templates.template_read(
        data, filename=filename, themes=known_themes, country_code=country_code
    )
    if parsed.errors:
        return TemplateUpload(risks=0, actions=0, errors=parsed.errors)
    themes = {t.slug: t for t in Theme.objects.all()}
    with transaction.atomic():
        submission.actions.all().delete()
        submission.risks.all().delete()
        stored: dict[str, RiskItem] = {}
        for row in parsed.risks:
            stored[row.ref] = RiskItem.objects.create(
                submission=submission,
                theme=themes[row.theme],
                country=row.country,
                product=row.product,
                tier=row.tier,
                scale=row.scale,
                scope=row.scope,
                irremediability=row.irremediability,
                likelihood=row.likelihood,
                explanation=row.explanation,
            )
        for item in parsed.actions:
            action = Action.objects.create(
                submission=submission,
                what=item.what,
                where=item.where,
                due_on=item.due_on,
                indicator=item.indicator,
            )
            action.risks.set([stored[ref] for ref in item.risk_refs])
        _touch(submission)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGED,
            obj=submission,
            changes={
                "template": filename,
                "risks": len(parsed.risks),
                "actions": len(parsed.actions),
            },
        )
    return TemplateUpload(risks=len(parsed.risks), actions=len(parsed.actions), errors=())


# ---------------------------------------------------------------- assessments


def assessment_create(
    *,
    actor: AnyUser,
    submission: Submission,
    framework: AssessmentFramework | None = None,
    synthetic: bool = False,
) -> Assessment:
    """Start assessing a submitted submission against the covenant's latest framework."""
    _may_administer(actor, submission.covenant)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ImvoError("only a submitted submission can be assessed", field="status")
    if Assessment.objects.filter(submission=submission).exists():
        raise ImvoError("this submission is already being assessed", field="submission")
    chosen = (
        framework
        or AssessmentFramework.objects.filter(covenant=submission.covenant)
        .order_by("-version")
        .first()
    )
    if chosen is None or chosen.covenant_id != submission.covenant_id:
        raise ImvoError(
            f"{submission.covenant.short_name} has no assessment framework", field="framework"
        )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            submission=submission,
            framework=chosen,
            assessor=stored_user(actor) if actor is not None else None,
            membership_year=selectors.submission_membership_year(submission),
            synthetic=synthetic,
        )
        assessment_recompute(assessment)
        audit_record(actor=actor, action=AuditAction.CREATED, obj=assessment)
    return assessment


def assessment_score(
    *,
    actor: AnyUser,
    assessment: Assessment,
    scores: Iterable[tuple[str, Decimal | int | float, str]],
) -> Assessment:
    """Score criteria (key, points, reason): every score needs a reason and points within
    0..max, else ImvoError naming the criterion and nothing changes. Scores of a published
    assessment are final."""
    _may_administer(actor, assessment.submission.covenant)
    if assessment.published_at is not None:
        raise ImvoError("a published assessment cannot be changed", field="published")
    criteria = {
        c.key: c for c in FrameworkCriterion.objects.filter(element__framework=assessment.framework)
    }
    checked = []
    for key, points, reason in scores:
        criterion = criteria.get(key)
        if criterion is None:
            raise ImvoError(f"criterion {key} is not in this framework", field="criterion")
        core = scoring.Criterion(key=key, text=criterion.text, max_points=criterion.max_points)
        checked.append((criterion, scoring.score_check(core, points, str(reason or ""))))
    with transaction.atomic():
        for criterion, score in checked:
            CriterionScore.objects.update_or_create(
                assessment=assessment,
                criterion=criterion,
                defaults={"points": score.points, "reason": score.reason},
            )
        assessment_recompute(assessment)
        audit_record(
            actor=actor,
            action=AuditAction.ASSESSED,
            obj=assessment,
            changes={score.criterion: str(score.points) for _, score in checked},
        )
    return assessment


def assessment_publish(
    *, actor: AnyUser, assessment: Assessment, now: datetime | None = None
) -> Assessment:
    """Publish a fully scored assessment to the company, with a snapshot of its red flags.
    Publishing a published one changes nothing."""
    _may_administer(actor, assessment.submission.covenant)
    if assessment.published_at is not None:
        return assessment
    if assessment.outcome == "incomplete":
        raise ImvoError("score every criterion before publishing", field="scores")
    with transaction.atomic():
        assessment.red_flags = selectors.red_flags_as_json(
            selectors.submission_red_flags(assessment.submission)
        )
        assessment.published_at = now or timezone.now()
        assessment.save(update_fields=["red_flags", "published_at"])
        audit_record(actor=actor, action=AuditAction.PUBLISHED, obj=assessment)
    return assessment


def assessment_recompute(assessment: Assessment) -> None:
    """Store the total, threshold and outcome of the assessment's current scores."""
    result = scoring.assessment_score(
        selectors.framework_core(assessment.framework),
        [
            scoring.Score(criterion=s.criterion.key, points=s.points, reason=s.reason)
            for s in assessment.scores.select_related("criterion")
        ],
        membership_year=assessment.membership_year,
    )
    assessment.total = result.total.quantize(Decimal("0.000001"))
    assessment.threshold = result.threshold
    assessment.outcome = result.outcome
    assessment.save(update_fields=["total", "threshold", "outcome"])
