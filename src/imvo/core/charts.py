"""Server-side SVG charts: participation against target trajectories, and the covenant
landscape over time.

Pure functions, values in and one SVG string out, so the same charts serve the web pages and a
printed report. Every text is escaped; no script, no external reference. Each chart is an
accessible image (role="img" with <title> and <desc>) and scales to its container through its
viewBox. Colours are presentation attributes, so a page's CSS can restyle them (print, themes).
Texts are passed in by the caller, already translated: this module knows no language.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape as _escape_html

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH = 6.6  # average width of a 12px sans-serif character, for laying out labels
AXIS_COLOUR = "#5b6470"
GRID_COLOUR = "#e3e7ec"
TEXT_COLOUR = "#1f2933"
LINE_COLOURS = ("#1f5fa8", "#b3541e", "#2b7a4b", "#7b3fa0", "#8a6d00")

# Okabe-Ito based, distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = {
    "planned": "#c9d3df",
    "negotiating": "#e69f00",
    "signed": "#2b8a5e",
    "ended": "#8c96a3",
    "terminated": "#d55e00",
}
OTHER_STATUS_COLOUR = "#b0b7c0"


@dataclass(frozen=True)
class Series:
    """A measured line; a None value breaks the line (no figure for that point)."""

    name: str
    points: tuple[tuple[date, float | None], ...]


@dataclass(frozen=True)
class Trajectory:
    """The straight path a target sets: from its baseline (nulmeting) to its value by the
    deadline."""

    name: str
    start: tuple[date, float]
    end: tuple[date, float]


@dataclass(frozen=True)
class Marker:
    """One published figure, drawn as a point; `low` and `high` draw its range."""

    name: str
    on: date
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Period:
    """A stretch of time with one status (planned, negotiating, signed, ...)."""

    status: str
    start: date
    end: date


@dataclass(frozen=True)
class TimelineRow:
    """One row of the landscape chart: a covenant and its status periods."""

    label: str
    periods: tuple[Period, ...]


@dataclass(frozen=True)
class _Scale:
    """Maps dates to x and values to y within the plot area."""

    x0: float
    x1: float
    start: date
    end: date
    y0: float = 0.0
    y1: float = 0.0
    top: float = 1.0

    def x(self, day: date) -> float:
        span = (self.end - self.start).days or 1
        return self.x0 + (self.x1 - self.x0) * (day - self.start).days / span

    def y(self, value: float) -> float:
        """Values outside 0..top (never expected: counts and shares) stay on the plot's edge."""
        fraction = min(max(value / self.top, 0.0), 1.0) if self.top else 0.0
        return self.y0 - (self.y0 - self.y1) * fraction


def nice_step(top: float, max_ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most `max_ticks`
    intervals from 0 to `top`."""
    if top <= 0 or not math.isfinite(top):
        return 1.0
    raw = max(top / max_ticks, 1e-12)  # a subnormal top would underflow to 0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0):
        step = multiple * magnitude
        if step >= raw * (1 - 1e-9):
            return step
    return 10.0 * magnitude


def value_ticks(top: float, max_ticks: int = 5, *, whole_numbers: bool = False) -> list[float]:
    """Ticks from 0 up to the first round value at or above `top`; with `whole_numbers` (counts)
    the step is at least 1."""
    step = nice_step(top, max_ticks)
    if whole_numbers:
        step = max(1.0, math.ceil(step))
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(i * step, 10) for i in range(count + 1)]


def year_ticks(start: date, end: date, max_ticks: int = 12) -> list[date]:
    """1 January of the years between `start` and `end`, thinned to at most `max_ticks`."""
    years = [date(y, 1, 1) for y in range(start.year, end.year + 1) if start <= date(y, 1, 1)]
    years = [d for d in years if d <= end]
    if len(years) <= max_ticks:
        return years
    every = math.ceil(len(years) / max_ticks)
    return [d for d in years if (d.year - years[0].year) % every == 0]


def format_value(value: float, *, percent: bool, step: float | None = None) -> str:
    """A value as axis and tooltip text: 0.48 -> "48%" for shares, 57.0 -> "57" for counts."""
    if percent:
        digits = 0 if step is None or step * 100 >= 1 else 1
        return f"{value * 100:.{digits}f}%"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u2009")
    return f"{value:.1f}"


# Characters XML 1.0 forbids even when escaped: C0 controls other than tab, newline and
# return, lone surrogates, and the non-characters U+FFFE and U+FFFF.
_FORBIDDEN_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """`text` safe inside SVG markup and attribute values: escaped, without the control
    characters XML cannot hold."""
    return _escape_html(_FORBIDDEN_IN_XML.sub("", text), quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _class_token(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", text.lower()) or "none"


def _chart_id(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{kind}-{digest}"


def _open_svg(
    *,
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    data: Mapping[str, str] | None,
    css_class: str,
) -> list[str]:
    attributes = "".join(
        f' data-{_class_token(key)}="{escape(value)}"' for key, value in (data or {}).items()
    )
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" id="{chart_id}"'
        f' viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}"'
        f' height="{_num(height)}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' preserveAspectRatio="xMinYMin meet" font-family="{escape(FONT)}" font-size="12"'
        f"{attributes}>",
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


@dataclass(frozen=True)
class _LegendItem:
    label: str
    swatch: str  # an SVG fragment drawn in a 16x12 box at the origin


def _legend(items: Sequence[_LegendItem], *, x: float, y: float, width: float) -> list[str]:
    """Legend items laid out left to right, wrapping into rows of 18px within `width`."""
    parts = [f'<g class="legend" transform="translate({_num(x)} {_num(y)})">']
    cx, cy = 0.0, 0.0
    for item in items:
        item_width = 22 + len(item.label) * CHAR_WIDTH + 16
        if cx > 0 and cx + item_width > width:
            cx, cy = 0.0, cy + 18
        parts.append(
            f'<g transform="translate({_num(cx)} {_num(cy)})">{item.swatch}'
            f'<text x="22" y="10" fill="{TEXT_COLOUR}">{escape(item.label)}</text></g>'
        )
        cx += item_width
    parts.append("</g>")
    return parts


def _legend_height(items: Sequence[_LegendItem], width: float) -> float:
    if not items:
        return 0.0
    rows, cx = 1, 0.0
    for item in items:
        item_width = 22 + len(item.label) * CHAR_WIDTH + 16
        if cx > 0 and cx + item_width > width:
            rows, cx = rows + 1, 0.0
        cx += item_width
    return rows * 18.0


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    trajectories: Sequence[Trajectory] = (),
    markers: Sequence[Marker] = (),
    y_max: float | None = None,
    percent: bool = False,
    whole_numbers: bool = False,
    start: date | None = None,
    end: date | None = None,
    width: int = 720,
    height: int = 280,
    empty_text: str = "No figures",
    data: Mapping[str, str] | None = None,
    chart_id: str | None = None,
) -> str:
    """Measured lines against dashed target trajectories, with published figures as points.

    `y_max` fixes the top of the value axis (1.0 for a share of the market); otherwise it is
    the first round value above everything drawn. `percent` writes values as percentages,
    `whole_numbers` keeps the ticks of counts whole. `data` becomes `data-*` attributes.
    """
    chart_id = chart_id or _chart_id("line", title, series, trajectories, markers)
    # A value that is not a finite number is a missing figure, not a point at infinity.
    series = [
        Series(
            s.name,
            tuple((d, v if v is not None and math.isfinite(v) else None) for d, v in s.points),
        )
        for s in series
    ]
    trajectories = [
        t for t in trajectories if math.isfinite(t.start[1]) and math.isfinite(t.end[1])
    ]
    markers = [
        Marker(
            m.name,
            m.on,
            m.value,
            m.low if m.low is not None and math.isfinite(m.low) else None,
            m.high if m.high is not None and math.isfinite(m.high) else None,
        )
        for m in markers
        if math.isfinite(m.value)
    ]
    dates = [d for s in series for d, v in s.points if v is not None]
    dates += [d for t in trajectories for d in (t.start[0], t.end[0])]
    dates += [m.on for m in markers]
    values = [v for s in series for _, v in s.points if v is not None]
    values += [v for t in trajectories for v in (t.start[1], t.end[1])]
    values += [v for m in markers for v in (m.value, m.low, m.high) if v is not None]

    legend_items = [
        _LegendItem(
            s.name,
            f'<line x1="0" y1="6" x2="16" y2="6" stroke="{_line_colour(i)}" stroke-width="2.5"/>',
        )
        for i, s in enumerate(series)
    ]
    legend_items += [
        _LegendItem(
            t.name,
            f'<line x1="0" y1="6" x2="16" y2="6" stroke="{_line_colour(len(series) + i)}"'
            ' stroke-width="2" stroke-dasharray="4 3"/>',
        )
        for i, t in enumerate(trajectories)
    ]
    legend_items += [
        _LegendItem(
            name,
            f'<circle cx="8" cy="6" r="4" fill="#ffffff" stroke="{TEXT_COLOUR}" stroke-width="2"/>',
        )
        for name in dict.fromkeys(m.name for m in markers)
    ]

    left, right, top_margin, bottom = 52.0, 16.0, 14.0, 30.0
    legend_height = _legend_height(legend_items, width - left - right)
    total_height = height + (legend_height + 8 if legend_items else 0)
    parts = _open_svg(
        chart_id=chart_id,
        width=width,
        height=total_height,
        title=title,
        desc=desc,
        data=data,
        css_class="chart-line",
    )
    plot_bottom = height - bottom
    if not dates:
        parts.append(
            f'<rect x="{_num(left)}" y="{_num(top_margin)}" width="{_num(width - left - right)}"'
            f' height="{_num(plot_bottom - top_margin)}" fill="none" stroke="{GRID_COLOUR}"/>'
        )
        parts.append(
            f'<text class="chart-empty" x="{_num(width / 2)}" y="{_num(height / 2)}"'
            f' text-anchor="middle" fill="{AXIS_COLOUR}">{escape(empty_text)}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    first, last = start or min(dates), end or max(dates)
    if last <= first:
        first, last = first - timedelta(days=15), first + timedelta(days=15)
    top_value = y_max if y_max is not None else max([*values, 0.0])
    ticks = value_ticks(
        top_value if top_value > 0 else (1.0 if percent else 5.0), whole_numbers=whole_numbers
    )
    if y_max is not None:
        ticks = [t for t in ticks if t <= y_max + 1e-9]
        top_value = y_max
    else:
        top_value = ticks[-1]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else None
    scale = _Scale(
        x0=left,
        x1=width - right,
        start=first,
        end=last,
        y0=plot_bottom,
        y1=top_margin,
        top=top_value,
    )

    parts.append('<g class="axis axis-y">')
    for tick in ticks:
        y = scale.y(tick)
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(width - right)}" y2="{_num(y)}"'
            f' stroke="{GRID_COLOUR}"/>'
            f'<text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end"'
            f' fill="{AXIS_COLOUR}">{escape(format_value(tick, percent=percent, step=step))}</text>'
        )
    parts.append("</g>")
    parts.extend(_x_axis(scale, first, last, y=plot_bottom))

    for index, trajectory in enumerate(trajectories):
        (d0, v0), (d1, v1) = trajectory.start, trajectory.end
        colour = _line_colour(len(series) + index)
        parts.append(
            f'<g class="trajectory"><title>{escape(trajectory.name)}</title>'
            f'<line x1="{_num(scale.x(d0))}" y1="{_num(scale.y(v0))}" x2="{_num(scale.x(d1))}"'
            f' y2="{_num(scale.y(v1))}" stroke="{colour}" stroke-width="2"'
            ' stroke-dasharray="6 4"/>'
            f'<circle cx="{_num(scale.x(d1))}" cy="{_num(scale.y(v1))}" r="4" fill="{colour}"/>'
            "</g>"
        )

    for index, line in enumerate(series):
        parts.extend(_series_path(line, scale, _line_colour(index), percent=percent))

    for marker in markers:
        parts.append(_marker(marker, scale, percent=percent))

    if legend_items:
        parts.extend(_legend(legend_items, x=left, y=height + 4, width=width - left - right))
    parts.append("</svg>")
    return "".join(parts)


def _line_colour(index: int) -> str:
    return LINE_COLOURS[index % len(LINE_COLOURS)]


def _x_axis(scale: _Scale, first: date, last: date, *, y: float) -> list[str]:
    parts = [
        '<g class="axis axis-x">',
        f'<line x1="{_num(scale.x0)}" y1="{_num(y)}" x2="{_num(scale.x1)}" y2="{_num(y)}"'
        f' stroke="{AXIS_COLOUR}"/>',
    ]
    ticks = year_ticks(first, last, max_ticks=max(2, int((scale.x1 - scale.x0) // 48)))
    for tick in ticks:
        x = scale.x(tick)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x)}" y2="{_num(y + 5)}"'
            f' stroke="{AXIS_COLOUR}"/>'
            f'<text x="{_num(x)}" y="{_num(y + 18)}" text-anchor="middle"'
            f' fill="{AXIS_COLOUR}">{tick.year}</text>'
        )
    parts.append("</g>")
    return parts


def _series_path(line: Series, scale: _Scale, colour: str, *, percent: bool) -> list[str]:
    """The line as one path, broken where a value is missing; lone points as dots."""
    runs: list[list[tuple[date, float]]] = [[]]
    for day, value in sorted(line.points, key=lambda p: p[0]):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((day, value))
    runs = [run for run in runs if run]
    commands = []
    dots = []
    for run in runs:
        if len(run) == 1:
            day, value = run[0]
            dots.append(
                f'<circle cx="{_num(scale.x(day))}" cy="{_num(scale.y(value))}" r="2.5"'
                f' fill="{colour}"/>'
            )
            continue
        commands.append(
            " ".join(
                f"{'M' if i == 0 else 'L'}{_num(scale.x(d))} {_num(scale.y(v))}"
                for i, (d, v) in enumerate(run)
            )
        )
    parts = [f'<g class="series"><title>{escape(line.name)}</title>']
    if commands:
        parts.append(
            f'<path d="{" ".join(commands)}" fill="none" stroke="{colour}" stroke-width="2.5"'
            ' stroke-linejoin="round"/>'
        )
    parts.extend(dots)
    parts.append("</g>")
    return parts


def _marker(marker: Marker, scale: _Scale, *, percent: bool) -> str:
    x, y = scale.x(marker.on), scale.y(marker.value)
    value_text = format_value(marker.value, percent=percent)
    if marker.low is not None and marker.high is not None:
        value_text = (
            f"{format_value(marker.low, percent=percent)}\u2013"
            f"{format_value(marker.high, percent=percent)}"
        )
    label = f"{marker.name}: {value_text} ({marker.on.isoformat()})"
    whisker = ""
    if marker.low is not None and marker.high is not None:
        y_low, y_high = scale.y(marker.low), scale.y(marker.high)
        whisker = (
            f'<line x1="{_num(x)}" y1="{_num(y_low)}" x2="{_num(x)}" y2="{_num(y_high)}"'
            f' stroke="{TEXT_COLOUR}" stroke-width="1.5"/>'
            f'<line x1="{_num(x - 4)}" y1="{_num(y_low)}" x2="{_num(x + 4)}" y2="{_num(y_low)}"'
            f' stroke="{TEXT_COLOUR}" stroke-width="1.5"/>'
            f'<line x1="{_num(x - 4)}" y1="{_num(y_high)}" x2="{_num(x + 4)}"'
            f' y2="{_num(y_high)}" stroke="{TEXT_COLOUR}" stroke-width="1.5"/>'
        )
    return (
        f'<g class="marker"><title>{escape(label)}</title>{whisker}'
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="#ffffff" stroke="{TEXT_COLOUR}"'
        ' stroke-width="2"/></g>'
    )


def timeline_chart(
    rows: Sequence[TimelineRow],
    *,
    start: date,
    end: date,
    title: str,
    desc: str,
    labels: Mapping[str, str] | None = None,
    marker: date | None = None,
    marker_label: str = "",
    width: int = 760,
    row_height: int = 24,
    label_width: int = 150,
    empty_text: str = "No covenants",
    data: Mapping[str, str] | None = None,
    chart_id: str | None = None,
) -> str:
    """One row per covenant, its periods coloured by status, from `start` to `end`.

    `labels` maps a status to its display name (legend, tooltips); its order is the legend's.
    `marker` draws a vertical line on that day (the date the page is showing).
    """
    if end <= start:
        raise ValueError("the timeline must end after it starts")
    labels = dict(labels or {})
    chart_id = chart_id or _chart_id("timeline", title, rows, start, end, marker)
    statuses = {p.status for row in rows for p in row.periods}
    ordered = [s for s in labels if s in statuses]
    ordered += sorted(statuses - set(ordered))
    legend_items = [
        _LegendItem(
            labels.get(status, status),
            f'<rect x="0" y="0" width="16" height="12" rx="2" fill="{_status_colour(status)}"/>',
        )
        for status in ordered
    ]

    top_margin, axis_height = 8.0, 26.0
    plot_height = max(1, len(rows)) * row_height
    legend_height = _legend_height(legend_items, width - label_width - 12)
    height = top_margin + plot_height + axis_height + (legend_height + 6 if legend_items else 0)
    parts = _open_svg(
        chart_id=chart_id,
        width=width,
        height=height,
        title=title,
        desc=desc,
        data=data,
        css_class="chart-timeline",
    )
    scale = _Scale(x0=float(label_width), x1=width - 12.0, start=start, end=end)
    axis_y = top_margin + plot_height

    parts.append('<g class="grid">')
    for tick in year_ticks(start, end, max_ticks=max(2, int((scale.x1 - scale.x0) // 44))):
        x = scale.x(tick)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top_margin)}" x2="{_num(x)}" y2="{_num(axis_y + 5)}"'
            f' stroke="{GRID_COLOUR}"/>'
            f'<text x="{_num(x)}" y="{_num(axis_y + 18)}" text-anchor="middle"'
            f' fill="{AXIS_COLOUR}">{tick.year}</text>'
        )
    parts.append("</g>")

    if not rows:
        parts.append(
            f'<text class="chart-empty" x="{_num((scale.x0 + scale.x1) / 2)}"'
            f' y="{_num(top_margin + row_height * 0.65)}" text-anchor="middle"'
            f' fill="{AXIS_COLOUR}">{escape(empty_text)}</text>'
        )

    max_label_chars = int((label_width - 10) // CHAR_WIDTH)
    for index, row in enumerate(rows):
        y = top_margin + index * row_height
        parts.append(f'<g class="row"><title>{escape(row.label)}</title>')
        parts.append(
            f'<text x="{_num(label_width - 8)}" y="{_num(y + row_height * 0.65)}"'
            f' text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{escape(_shorten(row.label, max_label_chars))}</text>"
        )
        for period in row.periods:
            first, last = max(period.start, start), min(period.end, end)
            if last < first:
                continue
            x0, x1 = scale.x(first), scale.x(last)
            status_label = labels.get(period.status, period.status)
            tooltip = f"{row.label}: {status_label}, {first.isoformat()} \u2013 {last.isoformat()}"
            parts.append(
                f'<rect class="period status-{_class_token(period.status)}" x="{_num(x0)}"'
                f' y="{_num(y + 4)}" width="{_num(max(x1 - x0, 1.5))}"'
                f' height="{_num(row_height - 8)}" rx="2"'
                f' fill="{_status_colour(period.status)}"><title>{escape(tooltip)}</title></rect>'
            )
        parts.append("</g>")

    parts.append(
        f'<line x1="{_num(scale.x0)}" y1="{_num(axis_y)}" x2="{_num(scale.x1)}"'
        f' y2="{_num(axis_y)}" stroke="{AXIS_COLOUR}"/>'
    )
    if marker is not None and start <= marker <= end:
        x = scale.x(marker)
        parts.append(
            f'<g class="marker"><title>{escape(marker_label or marker.isoformat())}</title>'
            f'<line x1="{_num(x)}" y1="{_num(top_margin - 4)}" x2="{_num(x)}"'
            f' y2="{_num(axis_y)}" stroke="{TEXT_COLOUR}" stroke-width="1.5"'
            ' stroke-dasharray="3 3"/></g>'
        )
    if legend_items:
        parts.extend(
            _legend(
                legend_items,
                x=label_width,
                y=axis_y + axis_height + 2,
                width=width - label_width - 12,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def _status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, OTHER_STATUS_COLOUR)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "\u2026"
