"""Template tags that turn selector output into the SVG charts of `imvo.core.charts`.

The charts themselves are language-free; the texts (titles, descriptions, legends) are
translated here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imvo.core import charts
from imvo.web.registry.templatetags.labels import LABELS, figure_text, label_for

register = template.Library()

# The participation charts: the share of the market on a 0-100% axis, and the counts
# (companies, brands, parties) on an axis of whole numbers.
PARTICIPATION_CHARTS = (
    ("market_share", ("market_share",)),
    ("count", ("companies", "brands", "parties")),
)


@register.simple_tag
def landscape_chart(rows: Sequence[Mapping[str, Any]], start: date, end: date, on: date) -> str:
    """The covenant landscape: one row per covenant, coloured by status, with `on` marked."""
    timeline_rows = [
        charts.TimelineRow(
            label=row["short_name"] or row["name"],
            periods=tuple(
                charts.Period(status=p["status"], start=p["start"], end=p["end"])
                for p in row["periods"]
            ),
        )
        for row in rows
    ]
    status_on = {row["short_name"] or row["name"]: _status_on(row["periods"], on) for row in rows}
    counts: dict[str, int] = {}
    for status in status_on.values():
        if status:
            counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(
        f"{count} {label_for('covenant_status', status)}"
        for status, count in sorted(counts.items(), key=lambda item: _status_order(item[0]))
    )
    desc = _("Covenants and their status from %(start)s to %(end)s. On %(on)s: %(summary)s.") % {
        "start": start.year,
        "end": end.year,
        "on": date_format(on),
        "summary": summary or _("no covenants"),
    }
    svg = charts.timeline_chart(
        timeline_rows,
        start=start,
        end=end,
        title=_("The covenant landscape from %(start)s to %(end)s")
        % {"start": start.year, "end": end.year},
        desc=desc,
        labels={key: str(value) for key, value in LABELS["covenant_status"].items()},
        marker=on,
        marker_label=_("Shown date: %(on)s") % {"on": date_format(on)},
        empty_text=_("No covenants"),
        data={"chart": "landscape"},
        chart_id="landscape-chart",
    )
    return mark_safe(svg)  # safe: charts.timeline_chart escapes every text it writes


def _status_on(periods: Sequence[Mapping[str, Any]], on: date) -> str | None:
    current = [p for p in periods if p["start"] <= on]
    return str(current[-1]["status"]) if current else None


def _status_order(status: str) -> int:
    order = list(LABELS["covenant_status"])
    return order.index(status) if status in order else len(order)


@register.simple_tag
def participation_charts(detail: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A chart of the market share and one of the counts, each drawn when it has figures or a
    target; an empty count chart when the covenant has neither, so the page shows where the
    figures will go."""
    result = []
    for chart, metrics in PARTICIPATION_CHARTS:
        plotted = _plotted_metrics(detail, metrics)
        if plotted:
            result.append({"metric": chart, "svg": _participation_chart(detail, chart, plotted)})
    if not result:
        result.append({"metric": "count", "svg": _participation_chart(detail, "count", [])})
    return result


def _plotted_metrics(detail: Mapping[str, Any], metrics: Sequence[str]) -> list[str]:
    series = detail.get("series") or {}
    return [
        metric
        for metric in metrics
        if any(v is not None for v in series.get(metric) or [])
        or any(t["metric"] == metric for t in detail.get("trajectories", []))
        or any(o["metric"] == metric for o in detail.get("observations", []))
    ]


def _participation_chart(detail: Mapping[str, Any], chart: str, metrics: Sequence[str]) -> str:
    series = detail.get("series") or {}
    months: Sequence[date] = series.get("months") or []
    several = len(metrics) > 1
    lines = []
    for metric in metrics:
        values: Sequence[float | None] = series.get(metric) or []
        if any(v is not None for v in values):
            points = tuple(
                (day, None if value is None else float(value))
                for day, value in zip(months, values, strict=False)
            )
            lines.append(charts.Series(name=capfirst(label_for("metric", metric)), points=points))
    trajectories = [t for t in detail.get("trajectories", []) if t["metric"] in metrics]
    observations = [o for o in detail.get("observations", []) if o["metric"] in metrics]
    paths = [
        charts.Trajectory(
            name=_target_name(t, several=several),
            start=(t["points"][0][0], float(t["points"][0][1])),
            end=(t["points"][1][0], float(t["points"][1][1])),
        )
        for t in trajectories
    ]
    markers = [
        charts.Marker(
            name=(
                _("Published figure: %(metric)s") % {"metric": label_for("metric", o["metric"])}
                if several
                else _("Published figure")
            ),
            on=o["on"],
            value=float(o["value"]),
            low=o.get("low"),
            high=o.get("high"),
        )
        for o in observations
    ]
    share = chart == "market_share"
    title_metric = label_for("metric", "market_share") if share else _("participants")
    svg = charts.line_chart(
        lines,
        title=_("%(covenant)s: %(metric)s against the target path")
        % {"covenant": detail["short_name"] or detail["name"], "metric": title_metric},
        desc=" ".join(
            _participation_desc(
                metric, months, series.get(metric) or [], trajectories, observations
            )
            for metric in metrics
        )
        or _("No figures measured."),
        trajectories=paths,
        markers=markers,
        y_max=1.0 if share else None,
        percent=share,
        whole_numbers=not share,
        width=600,
        height=260,
        empty_text=_("No participation figures yet"),
        data={"chart": "participation", "metric": chart},
        chart_id=f"participation-{chart}",
    )
    return mark_safe(svg)  # safe: charts.line_chart escapes every text it writes


def _target_name(target: Mapping[str, Any], *, several: bool) -> str:
    values = {
        "value": figure_text(target["target"], target["metric"]),
        "deadline": date_format(target["deadline"]),
        "metric": label_for("metric", target["metric"]),
    }
    if several:
        return _("Target, %(metric)s: %(value)s by %(deadline)s") % values
    return _("Target: %(value)s by %(deadline)s") % values


def _participation_desc(
    metric: str,
    months: Sequence[date],
    values: Sequence[float | None],
    trajectories: Sequence[Mapping[str, Any]],
    observations: Sequence[Mapping[str, Any]],
) -> str:
    """One metric of a chart in words, for screen readers and anyone who cannot see the lines."""
    trajectories = [t for t in trajectories if t["metric"] == metric]
    observations = [o for o in observations if o["metric"] == metric]
    name = capfirst(label_for("metric", metric))
    known = [(day, v) for day, v in zip(months, values, strict=False) if v is not None]
    if known:
        day, value = known[-1]
        parts = [
            _("%(metric)s: latest figure %(value)s on %(on)s.")
            % {"metric": name, "value": figure_text(value, metric), "on": date_format(day)}
        ]
    else:
        parts = [_("%(metric)s: no figures measured.") % {"metric": name}]
    for t in trajectories:
        parts.append(
            _("Target: from %(baseline)s on %(baseline_on)s to %(target)s by %(deadline)s.")
            % {
                "baseline": figure_text(t["points"][0][1], metric),
                "baseline_on": date_format(t["points"][0][0]),
                "target": figure_text(t["target"], metric),
                "deadline": date_format(t["deadline"]),
            }
        )
    if observations:
        parts.append(
            ngettext(
                "%(count)s published figure marked.",
                "%(count)s published figures marked.",
                len(observations),
            )
            % {"count": len(observations)}
        )
    return " ".join(parts)
