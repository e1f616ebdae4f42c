"""Forms of the due-diligence pages: they parse and check input; the services decide.

The help texts of the risk form explain the four 1-5 scales with examples: the guided form for
small companies shows them, the compact form on the submission page keeps them as notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from imvo.web.diligence import services
from imvo.web.diligence.models import (
    AccordStatus,
    Action,
    FrameworkCriterion,
    RiskItem,
    SelfAssessmentQuestion,
    Submission,
)
from imvo.web.registry.models import Covenant, Theme

if TYPE_CHECKING:  # the lazy-string type exists in django-stubs only
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise
else:
    StrOrPromise = str
ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _one_to_five(label: StrOrPromise, help_text: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=ONE_TO_FIVE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale-choice"}),
        help_text=help_text,
    )


class ThemeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_en)


class SubmissionCreateForm(forms.Form):
    """Start a submission: one of the covenants the user's company takes part in, a year."""

    covenant = forms.ModelChoiceField(queryset=Covenant.objects.none(), label=_("Covenant"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, covenants: Iterable[Covenant] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["covenant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Covenant.objects.filter(pk__in=[c.pk for c in covenants])


class SelfAssessmentForm(forms.Form):
    """The Bangladesh Accord status and an answer per self-assessment question."""

    accord = forms.ChoiceField(
        label=_("Bangladesh Accord"),
        choices=AccordStatus.choices,
        help_text=_(
            "Whether the company signed the Accord on Fire and Building Safety in Bangladesh "
            "(or the 2018 Transition Accord); “not applicable” when it does not source there."
        ),
    )

    def __init__(
        self, *args: Any, questions: Iterable[SelfAssessmentQuestion] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}

    def steps(self) -> list[tuple[int, list[forms.BoundField]]]:
        """The question fields grouped by OECD step."""
        grouped: dict[int, list[forms.BoundField]] = {}
        for question in self.questions:
            grouped.setdefault(question.step, []).append(self[f"question_{question.pk}"])
        return sorted(grouped.items())


class RiskForm(forms.Form):
    """A row of the risk analysis; the help texts carry the guided form's examples."""

    theme = ThemeChoiceField(
        queryset=Theme.objects.all(),
        to_field_name="slug",
        label=_("Theme"),
        help_text=_("What could go wrong, for example child labour or a wage below a living wage."),
    )
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=60,
        help_text=_("Where: a country name or its ISO code, for example Bangladesh or BD."),
    )
    product = forms.CharField(
        label=_("Product"),
        required=False,
        max_length=200,
        help_text=_("Which product or raw material, for example garments, cotton or leather."),
    )
    tier = forms.IntegerField(
        label=_("Tier"),
        required=False,
        min_value=0,
        max_value=9,
        help_text=_(
            "How far up the chain: 1 for the factory that makes the product, 2 for its "
            "suppliers (spinning, dyeing), and so on."
        ),
    )
    scale = _one_to_five(
        _("Scale"),
        _(
            "How grave the harm is for the people concerned. 1: an inconvenience, such as "
            "unpaid overtime now and then; 5: a threat to life or health, such as a building "
            "that may collapse, or forced labour."
        ),
    )
    scope = _one_to_five(
        _("Scope"),
        _(
            "How many people it reaches. 1: a few workers in one place; 5: most workers of "
            "a region or a whole supply chain, such as child labour in cotton picking."
        ),
    )
    irremediability = _one_to_five(
        _("Irremediability"),
        _(
            "How hard the harm is to undo. 1: it can be put right in full, such as back pay "
            "of wages; 5: it cannot be undone, such as a death, or a childhood spent working "
            "instead of at school."
        ),
    )
    likelihood = _one_to_five(
        _("Likelihood"),
        _(
            "How likely it is to happen in your chain. 1: unlikely, with no reports; 5: known "
            "to happen, such as reports or audits that found it at your suppliers."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you know and where it comes from, for example an audit or a report."),
    )

    def fields_value(self) -> services.RiskFields:
        data = self.cleaned_data
        return services.RiskFields(
            theme=data["theme"].slug,
            country=data.get("country") or "",
            product=data.get("product") or "",
            tier=data.get("tier"),
            scale=data["scale"],
            scope=data["scope"],
            irremediability=data["irremediability"],
            likelihood=data["likelihood"],
            explanation=data.get("explanation") or "",
        )

    @classmethod
    def initial_of(cls, risk: RiskItem) -> dict[str, Any]:
        return {
            "theme": risk.theme.slug,
            "country": risk.country,
            "product": risk.product,
            "tier": risk.tier,
            "scale": risk.scale,
            "scope": risk.scope,
            "irremediability": risk.irremediability,
            "likelihood": risk.likelihood,
            "explanation": risk.explanation,
        }


class RiskChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        where = ", ".join(part for part in (obj.country, obj.product) if part)
        return f"{obj.theme.name_en} ({where})" if where else str(obj.theme.name_en)


class ActionForm(forms.Form):
    """An action of the plan and the risks it addresses."""

    what = forms.CharField(
        label=_("What"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: unannounced audits of home workers."),
    )
    where = forms.CharField(label=_("Where"), required=False, max_length=300)
    due_on = forms.DateField(
        label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    indicator = forms.CharField(
        label=_("Indicator"),
        required=False,
        max_length=300,
        help_text=_("How progress is measured, for example the number of audits done."),
    )
    risks = RiskChoiceField(
        queryset=RiskItem.objects.none(),
        label=_("Risks addressed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["risks"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = submission.risks.select_related("theme")

    def fields_value(self) -> services.ActionFields:
        data = self.cleaned_data
        return services.ActionFields(
            what=data["what"],
            where=data.get("where") or "",
            due_on=data.get("due_on"),
            indicator=data.get("indicator") or "",
            risk_ids=tuple(r.pk for r in data.get("risks") or ()),
        )

    @classmethod
    def initial_of(cls, action: Action) -> dict[str, Any]:
        return {
            "what": action.what,
            "where": action.where,
            "due_on": action.due_on,
            "indicator": action.indicator,
            "risks": list(action.risks.all()),
        }


class LivingWageGapForm(forms.Form):
    location = forms.CharField(
        label=_("Production location"),
        max_length=300,
        help_text=_("For example: Factory A, Dhaka."),
    )
    gap_percent = forms.DecimalField(
        label=_("Gap to a living wage (%)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        decimal_places=2,
        help_text=_("How much the wage paid falls short of a living wage, in percent."),
    )


class ExplanationForm(forms.Form):
    """Why a core theme or a flagged reference risk is absent from the analysis."""

    theme = ThemeChoiceField(queryset=Theme.objects.all(), to_field_name="slug", label=_("Theme"))
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=60,
        help_text=_("Leave empty when the explanation holds for every country."),
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}))


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (XLSX)"),
        help_text=_("Replaces the risk analysis and the action plan; nothing changes on errors."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ScoreForm(forms.Form):
    """Points and a reason per criterion. A criterion left empty is not scored yet; points
    without a reason, or out of range, are errors shown at the criterion."""

    def __init__(
        self,
        *args: Any,
        criteria: Iterable[FrameworkCriterion],
        scores: Mapping[str, tuple[Decimal, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        known = scores or {}
        for criterion in self.criteria:
            points, reason = known.get(criterion.key, (None, ""))
            self.fields[f"points_{criterion.key}"] = forms.DecimalField(
                label=_("Points"),
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(criterion.max_points),
                decimal_places=2,
                initial=points,
            )
            self.fields[f"reason_{criterion.key}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=reason,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for criterion in self.criteria:
            points = cleaned.get(f"points_{criterion.key}")
            reason = (cleaned.get(f"reason_{criterion.key}") or "").strip()
            if points is not None and not reason:
                self.add_error(f"reason_{criterion.key}", _("Give the reason for this score."))
            if points is None and reason and f"points_{criterion.key}" not in self.errors:
                self.add_error(f"points_{criterion.key}", _("Give the points for this reason."))
        return cleaned

    def scores(self) -> list[tuple[str, Decimal, str]]:
        result = []
        for criterion in self.criteria:
            points = self.cleaned_data.get(f"points_{criterion.key}")
            if points is not None:
                reason = self.cleaned_data[f"reason_{criterion.key}"].strip()
                result.append((criterion.key, points, reason))
        return result

    def rows(self) -> list[dict[str, Any]]:
        """Per criterion: the criterion and its two bound fields, for the template."""
        return [
            {
                "criterion": c,
                "points": self[f"points_{c.key}"],
                "reason": self[f"reason_{c.key}"],
            }
            for c in self.criteria
        ]
