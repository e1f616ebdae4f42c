"""The supplier-list upload: the file and what it is for, then (when needed) its columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imvo.core.intake import FIELDS, REQUIRED_FIELDS
from imvo.web.accounts.permissions import (
    AnyUser,
    can_hand_in_for,
    companies_visible_to,
    is_admin,
)
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind
from imvo.web.suppliers.jobs import TablePreview
from imvo.web.suppliers.messages import FIELD_LABELS
from imvo.web.suppliers.selectors import covenants_taken_part_in

FIRST_YEAR = 2000

IGNORE = ""


def upload_companies(user: AnyUser) -> QuerySet[Organisation]:
    """The companies the user may hand in a list for: its own company; for a secretariat the
    companies taking part in its covenants (for those covenants only: `can_hand_in_for`);
    every company for administrators."""
    if is_admin(user):
        return Organisation.objects.filter(kind=OrganisationKind.COMPANY).order_by("name")
    return companies_visible_to(user).order_by("name")


class UploadForm(forms.Form):
    """Step 1: the file, the company, the year and (optionally) the covenant."""

    company = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=gettext_lazy("Company"), empty_label=None
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)
    covenant = forms.ModelChoiceField(
        queryset=Covenant.objects.order_by("short_name", "slug"),
        required=False,
        label=gettext_lazy("Covenant"),
        empty_label=gettext_lazy("(the company's covenant)"),
    )
    file = forms.FileField(
        label=gettext_lazy("Supplier list"),
        help_text=gettext_lazy("CSV (any delimiter and encoding), XLSX, XLS or ODS."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = upload_companies(user)
        company = self.fields["company"]
        assert isinstance(company, forms.ModelChoiceField)
        company.queryset = companies
        if len(companies) == 1:
            company.initial = companies[0].pk
        year = self.fields["year"]
        assert isinstance(year, forms.IntegerField)
        this_year = timezone.localdate().year
        year.validators.append(MaxValueValidator(this_year + 1))
        year.widget.attrs.update({"min": FIRST_YEAR, "max": this_year + 1})
        year.initial = this_year
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,.xls,.ods"
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        company = cleaned.get("company")
        if company is not None and cleaned.get("year") is not None:
            self._covenant_choose(cleaned)
        if (
            company is not None
            and not self.has_error("covenant")
            and not can_hand_in_for(self.user, company=company, covenant=cleaned.get("covenant"))
        ):
            self.add_error("covenant", _("Choose a covenant you do the secretariat's work for."))
        return cleaned

    def _covenant_choose(self, cleaned: dict[str, Any]) -> None:
        """A list is for a covenant the company took part in during the year: the one chosen,
        or else the only one (`supplier_list_covenant_resolve` says the same in English)."""
        company, year, chosen = cleaned["company"], cleaned["year"], cleaned.get("covenant")
        taking_part = list(covenants_taken_part_in(company=company, year=year))
        names = {"company": company.name, "year": year}
        if chosen is not None and chosen not in taking_part:
            self.add_error(
                "covenant",
                _("%(company)s did not take part in %(covenant)s in %(year)s.")
                % {**names, "covenant": chosen.short_name or chosen.slug},
            )
        elif chosen is None and not taking_part:
            self.add_error(
                "covenant",
                _(
                    "%(company)s took part in no covenant in %(year)s; a supplier list is handed "
                    "in for a covenant the company takes part in."
                )
                % names,
            )
        elif chosen is None and len(taking_part) > 1:
            self.add_error(
                "covenant",
                _(
                    "%(company)s took part in more than one covenant in %(year)s; choose the "
                    "covenant the list is for."
                )
                % names,
            )
        elif chosen is None:
            cleaned["covenant"] = taking_part[0]


class SheetForm(forms.Form):
    """Where the list is: the sheet of a workbook and the header's row, guessed at first."""

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"), required=False)
    header_row = forms.IntegerField(
        label=gettext_lazy("Header row"),
        min_value=1,
        required=False,
        help_text=gettext_lazy(
            "The number of the row with the column names, as your spreadsheet program shows it."
        ),
    )

    def __init__(self, *args: Any, sheets: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sheet = self.fields["sheet"]
        assert isinstance(sheet, forms.ChoiceField)
        sheet.choices = [(name, name) for name in sheets]
        self.fields["header_row"].widget.attrs.update({"inputmode": "numeric", "size": 4})

    def layout(self, *, sheet: str | None, header_row: int) -> tuple[str | None, int | None]:
        """The sheet and header row to read (after `is_valid`), from the ones shown (`sheet`,
        `header_row`): another sheet without another row looks for that sheet's header anew."""
        chosen_sheet = self.cleaned_data.get("sheet") or sheet
        chosen_row: int | None = self.cleaned_data.get("header_row")
        if chosen_sheet != sheet and chosen_row in (None, header_row):
            chosen_row = None
        return chosen_sheet, chosen_row


class MappingForm(forms.Form):
    """Step 2: which field each column holds, prefilled with what the header synonyms found."""

    def __init__(self, *args: Any, preview: TablePreview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        choices = [(IGNORE, _("— leave out —")), *[(f, FIELD_LABELS[f]) for f in FIELDS]]
        for index, label in enumerate(preview.labels):
            self.fields[self.field_name(index)] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=preview.suggested.get(label) or IGNORE,
            )

    @staticmethod
    def field_name(index: int) -> str:
        return f"column_{index}"

    def columns(self) -> list[dict[str, Any]]:
        """Each column with its header, first values and its select, for the template."""
        return [
            {
                "label": label,
                "header": self.preview.headers[index] if index < len(self.preview.headers) else "",
                "samples": self.preview.samples[index],
                "field": self[self.field_name(index)],
            }
            for index, label in enumerate(self.preview.labels)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[str, str] = {}
        for index, label in enumerate(self.preview.labels):
            field = cleaned.get(self.field_name(index)) or IGNORE
            if field == IGNORE:
                continue
            if field in chosen:
                raise forms.ValidationError(
                    _("The columns %(first)s and %(second)s both hold %(field)s; choose one.")
                    % {"first": chosen[field], "second": label, "field": FIELD_LABELS[field]}
                )
            chosen[field] = label
        missing = [str(FIELD_LABELS[f]) for f in REQUIRED_FIELDS if f not in chosen]
        if missing:
            raise forms.ValidationError(
                _("Choose a column for every required field; missing: %(fields)s.")
                % {"fields": ", ".join(missing)}
            )
        return cleaned

    def mapping(self) -> dict[str, str | None]:
        """Column label -> field, or None for a column left out (after `is_valid`)."""
        return {
            label: self.cleaned_data.get(self.field_name(index)) or None
            for index, label in enumerate(self.preview.labels)
        }
