"""Display names for the codes the selectors return, and localised figures.

`{{ covenant.status|label:"covenant_status" }}` -> "getekend"; `{{ value|figure:metric }}` ->
"48%" for a share, "57" for a count.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from imvo.web.registry import models as m

register = template.Library()

LABELS: Mapping[str, Mapping[str, str | Promise]] = {
    "covenant_status": dict(m.CovenantStatus.choices),
    "sector_status": {
        "covenant": _("covenant in force"),
        "negotiating": _("negotiating"),
        "none": _("no covenant"),
    },
    "target_status": {
        "not-started": _("not started"),
        "on-track": _("on track"),
        "at-risk": _("at risk"),
        "off-track": _("off track"),
        "met": _("met"),
        "missed": _("missed"),
        "unknown": _("unknown"),
    },
    "basis": {
        "companies": _("counted from participating companies"),
        "observation": _("published figure"),
        "none": _("no figure"),
        "mixed": _("mixed bases"),
    },
    "metric": dict(m.Metric.choices),
    "coverage_level": dict(m.CoverageLevel.choices),
    "confidence": dict(m.Confidence.choices),
    "kind": dict(m.OrganisationKind.choices),
    "kind_plural": {
        "company": pgettext_lazy("party group", "Companies"),
        "business_association": pgettext_lazy("party group", "Business associations"),
        "union": pgettext_lazy("party group", "Unions"),
        "ngo": pgettext_lazy("party group", "NGOs"),
        "government": pgettext_lazy("party group", "Government"),
        "other": pgettext_lazy("party group", "Other parties"),
    },
    "market_measure": dict(m.MarketMeasure.choices),
}

# Badges carry a tone as well as a text, so colour is never the only signal.
TONES = {
    "covenant_status": {
        "planned": "neutral",
        "negotiating": "warn",
        "signed": "good",
        "ended": "muted",
        "terminated": "bad",
    },
    "sector_status": {"covenant": "good", "negotiating": "warn", "none": "bad"},
    "target_status": {
        "not-started": "neutral",
        "on-track": "good",
        "at-risk": "warn",
        "off-track": "bad",
        "met": "good",
        "missed": "bad",
        "unknown": "muted",
    },
    "coverage_level": {"none": "bad", "mentioned": "warn", "goal": "good", "mandatory": "good"},
}


def label_for(kind: str, code: Any) -> str:
    """The display name of `code` in the code list `kind`; unknown codes show as themselves."""
    if code is None or code == "":
        return "\u2013"
    return str(LABELS.get(kind, {}).get(str(code), code))


@register.filter
def label(code: Any, kind: str) -> str:
    return label_for(kind, code)


@register.filter
def tone(code: Any, kind: str) -> str:
    return TONES.get(kind, {}).get(str(code), "neutral")


def figure_text(value: Any, metric: str = "") -> str:
    """A figure in the active language: shares as percentages, counts as whole numbers."""
    if value is None or value == "":
        return "\u2013"
    number = float(value)
    if metric == "market_share":
        decimals = 0 if abs(number * 100 - round(number * 100)) < 0.05 else 1
        return f"{number_format(number * 100, decimal_pos=decimals)}%"
    if number.is_integer():
        return number_format(int(number), force_grouping=True)
    return number_format(number, decimal_pos=1)


@register.filter
def figure(value: Any, metric: str = "") -> str:
    return figure_text(value, metric)


@register.filter
def figure_range(observation: Mapping[str, Any], metric: str = "") -> str:
    """An observation's value, with its range when it was published as one (42-45%)."""
    low, high = observation.get("low"), observation.get("high")
    if low is not None and high is not None:
        return f"{figure_text(low, metric)}\u2013{figure_text(high, metric)}"
    return figure_text(observation.get("value"), metric)


@register.filter
def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


@register.filter
def lookup(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """`{{ names|lookup:slug }}`: the value under `key`, or the key itself when absent."""
    if not mapping:
        return key
    return mapping.get(key, key)
