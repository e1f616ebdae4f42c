"""Red flags as sentences in the page's language.

The core names each flag by kind, theme and country; the pages say it in Dutch or English and
gather a theme's reference-check flags into one line, so twelve countries flagged for child
labour read as one finding, not twelve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imvo.web.countries import country_name
from imvo.web.registry.selectors import localized_name

FLAG_LABELS = {
    "high-priority-without-action": gettext_lazy("No action"),
    "core-theme-absent": gettext_lazy("Core theme missing"),
    "reference-risk-absent": gettext_lazy("Known risk missing"),
    "no-living-wage-gap": gettext_lazy("No living-wage gap"),
}


def red_flags_display(
    flags: Iterable[Mapping[str, Any]], themes: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The flags (as `red_flags_as_json` gives them) as {kind, label, text, countries}, the
    reference-check flags of one theme merged, in the order they came."""
    shown: list[dict[str, Any]] = []
    merged: dict[str, dict[str, Any]] = {}
    for flag in flags:
        kind = flag["kind"]
        theme = _theme(themes, flag.get("theme"))
        country = country_name(flag["country"]) if flag.get("country") else ""
        if kind == "reference-risk-absent":
            entry = merged.get(theme)
            if entry is None:
                entry = merged[theme] = _entry(flag, "")
                entry["theme"] = theme
                shown.append(entry)
            entry["countries"].append(country)
            continue
        shown.append(_entry(flag, _sentence(kind, theme, country)))
    for entry in merged.values():
        entry["text"] = _(
            "%(theme)s is flagged by the reference check for %(countries)s, but is absent "
            "from the risk analysis without an explanation."
        ) % {"theme": entry["theme"], "countries": ", ".join(sorted(entry["countries"]))}
    return shown


def _entry(flag: Mapping[str, Any], text: str) -> dict[str, Any]:
    return {
        "kind": flag["kind"],
        "label": str(FLAG_LABELS.get(flag["kind"], flag["kind"])),
        "text": text,
        "countries": [],
        "risk": flag.get("risk"),
    }


def _theme(themes: Mapping[str, Any], slug: str | None) -> str:
    if not slug:
        return ""
    theme = themes.get(slug)
    return localized_name(theme) if theme is not None else slug


def _sentence(kind: str, theme: str, country: str) -> str:
    if kind == "high-priority-without-action":
        if country:
            return _("The high-priority risk %(theme)s in %(country)s has no action.") % {
                "theme": theme,
                "country": country,
            }
        return _("The high-priority risk %(theme)s has no action.") % {"theme": theme}
    if kind == "core-theme-absent":
        return _(
            "The core theme %(theme)s is absent from the risk analysis without an explanation."
        ) % {"theme": theme}
    if kind == "no-living-wage-gap":
        return _("No living-wage gap is shown for any production location.")
    return f"{kind}: {theme}"  # a kind this module does not know yet
