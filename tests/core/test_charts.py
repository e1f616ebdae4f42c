"""The SVG charts: well-formed, accessible, escaped, and drawn where the figures say."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.charts import (
    Marker,
    Period,
    Series,
    TimelineRow,
    Trajectory,
    escape,
    format_value,
    line_chart,
    nice_step,
    timeline_chart,
    value_ticks,
    year_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
STATUS_LABELS = {
    "planned": "gepland",
    "negotiating": "in onderhandeling",
    "signed": "ondertekend",
    "ended": "afgelopen",
    "terminated": "beëindigd",
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def textile_share() -> Series:
    months = [date(2016, 7, 1), date(2016, 8, 1), date(2016, 9, 1), date(2016, 10, 1)]
    return Series("share of the market", tuple(zip(months, [0.33, 0.35, 0.4, 0.42], strict=True)))


def half_by_2018() -> Trajectory:
    return Trajectory("Target: 50% by 2018", (date(2016, 7, 4), 0.33), (date(2018, 12, 31), 0.5))


# line_chart


def test_line_chart_is_an_accessible_image_with_title_and_desc_first() -> None:
    root = parse(line_chart([textile_share()], title="AGT: share", desc="Latest 42%."))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert (first.tag, first.text) == (f"{SVG}title", "AGT: share")
    assert (second.tag, second.text) == (f"{SVG}desc", "Latest 42%.")
    assert root.get("aria-labelledby") == f"{first.get('id')} {second.get('id')}"


def test_line_chart_escapes_every_text_it_is_given() -> None:
    hostile = '<script>alert("x")</script> & co'
    svg = line_chart(
        [Series(hostile, ((date(2017, 1, 1), 1.0), (date(2018, 1, 1), 2.0)))],
        title=hostile,
        desc=hostile,
        trajectories=[Trajectory(hostile, (date(2017, 1, 1), 0.0), (date(2019, 1, 1), 5.0))],
        markers=[Marker(hostile, date(2018, 6, 1), 3.0)],
        data={"chart": hostile},
    )
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == hostile  # type: ignore[union-attr]
    assert root.get("data-chart") == hostile
    assert hostile in texts(root)


def test_line_chart_writes_data_attributes_for_finding_the_chart() -> None:
    root = parse(
        line_chart(
            [textile_share()], title="t", desc="d", data={"chart": "participation", "metric": "x"}
        )
    )
    assert root.get("data-chart") == "participation"
    assert root.get("data-metric") == "x"


def test_missing_values_break_the_line_and_a_lone_value_becomes_a_dot() -> None:
    points = (
        (date(2017, 1, 1), 1.0),
        (date(2017, 2, 1), 2.0),
        (date(2017, 3, 1), None),
        (date(2017, 4, 1), 3.0),
        (date(2017, 5, 1), None),
        (date(2017, 6, 1), 4.0),
        (date(2017, 7, 1), 5.0),
    )
    root = parse(line_chart([Series("companies", points)], title="t", desc="d"))
    series = root.find(f".//{SVG}g[@class='series']")
    assert series is not None
    path = series.find(f"{SVG}path")
    assert path is not None
    assert path.get("d", "").count("M") == 2  # two runs of two points each
    assert len(series.findall(f"{SVG}circle")) == 1  # the lone April value


def test_a_value_that_is_not_a_number_counts_as_missing() -> None:
    points = ((date(2017, 1, 1), 1.0), (date(2017, 2, 1), math.nan), (date(2017, 3, 1), 2.0))
    svg = line_chart([Series("companies", points)], title="t", desc="d")
    assert "nan" not in svg.lower()
    assert len(parse(svg).findall(f".//{SVG}g[@class='series']/{SVG}circle")) == 2


def test_trajectory_rises_from_baseline_to_target_and_marks_the_deadline() -> None:
    root = parse(
        line_chart([], title="t", desc="d", trajectories=[half_by_2018()], y_max=1.0, percent=True)
    )
    group = root.find(f".//{SVG}g[@class='trajectory']")
    assert group is not None
    line = group.find(f"{SVG}line")
    end = group.find(f"{SVG}circle")
    assert line is not None and end is not None
    assert line.get("stroke-dasharray")
    x1, y1, x2, y2 = (float(line.get(name, "nan")) for name in ("x1", "y1", "x2", "y2"))
    assert x2 > x1
    assert y2 < y1  # higher value, higher on the page
    assert (float(end.get("cx", "nan")), float(end.get("cy", "nan"))) == (x2, y2)
    assert group.find(f"{SVG}title").text == "Target: 50% by 2018"  # type: ignore[union-attr]


def test_fixed_y_max_gives_a_percentage_axis_up_to_100() -> None:
    root = parse(line_chart([textile_share()], title="t", desc="d", y_max=1.0, percent=True))
    axis = root.find(f".//{SVG}g[@class='axis axis-y']")
    assert axis is not None
    labels = [t.text for t in axis.iter(f"{SVG}text")]
    assert labels[0] == "0%"
    assert labels[-1] == "100%"


def test_counts_get_whole_number_ticks() -> None:
    series = Series("companies", ((date(2017, 1, 1), 2.0), (date(2018, 1, 1), 3.0)))
    root = parse(line_chart([series], title="t", desc="d", whole_numbers=True))
    axis = root.find(f".//{SVG}g[@class='axis axis-y']")
    assert axis is not None
    labels = [t.text or "" for t in axis.iter(f"{SVG}text")]
    assert labels == ["0", "1", "2", "3"]


def test_x_axis_is_labelled_with_the_years_in_range() -> None:
    root = parse(line_chart([], title="t", desc="d", trajectories=[half_by_2018()]))
    axis = root.find(f".//{SVG}g[@class='axis axis-x']")
    assert axis is not None
    assert [t.text for t in axis.iter(f"{SVG}text")] == ["2017", "2018"]


def test_published_range_is_drawn_as_a_whisker_with_its_range_in_the_tooltip() -> None:
    marker = Marker("Published figure", date(2018, 12, 31), 0.48, low=0.46, high=0.5)
    root = parse(line_chart([], title="t", desc="d", markers=[marker], y_max=1.0, percent=True))
    group = root.find(f".//{SVG}g[@class='marker']")
    assert group is not None
    assert len(group.findall(f"{SVG}line")) == 3
    tooltip = group.find(f"{SVG}title")
    assert tooltip is not None
    assert tooltip.text == "Published figure: 46%\u201350% (2018-12-31)"


def test_chart_without_figures_says_so() -> None:
    root = parse(line_chart([], title="t", desc="d", empty_text="No figures yet"))
    assert "No figures yet" in texts(root)
    assert root.find(f".//{SVG}path") is None


def test_legend_names_each_line_target_and_kind_of_marker_once() -> None:
    markers = [
        Marker("Published figure", date(2018, 7, 1), 0.43),
        Marker("Published figure", date(2018, 12, 31), 0.48),
    ]
    root = parse(
        line_chart(
            [textile_share()], title="t", desc="d", trajectories=[half_by_2018()], markers=markers
        )
    )
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{SVG}text")] == [
        "share of the market",
        "Target: 50% by 2018",
        "Published figure",
    ]


def test_same_input_gives_the_same_chart_and_id() -> None:
    first = line_chart([textile_share()], title="t", desc="d")
    assert first == line_chart([textile_share()], title="t", desc="d")
    other = line_chart([textile_share()], title="u", desc="d")
    assert parse(first).get("id") != parse(other).get("id")


# timeline_chart


def landscape() -> list[TimelineRow]:
    return [
        TimelineRow(
            "AGT",
            (
                Period("negotiating", date(2015, 3, 1), date(2016, 7, 4)),
                Period("signed", date(2016, 7, 4), date(2021, 12, 31)),
                Period("ended", date(2021, 12, 31), date(2025, 1, 1)),
            ),
        ),
        TimelineRow(
            "Plantaardige eiwitten",
            (
                Period("signed", date(2017, 3, 7), date(2019, 3, 19)),
                Period("terminated", date(2019, 3, 19), date(2025, 1, 1)),
            ),
        ),
    ]


def test_timeline_has_a_row_per_covenant_and_a_bar_per_status_period() -> None:
    root = parse(
        timeline_chart(
            landscape(),
            start=date(2014, 1, 1),
            end=date(2025, 1, 1),
            title="Landscape",
            desc="d",
            labels=STATUS_LABELS,
        )
    )
    assert root.get("role") == "img"
    rows = root.findall(f"{SVG}g[@class='row']")
    assert [r.find(f"{SVG}title").text for r in rows] == ["AGT", "Plantaardige eiwitten"]  # type: ignore[union-attr]
    classes = [rect.get("class") for rect in rows[0].iter(f"{SVG}rect")]
    assert classes == ["period status-negotiating", "period status-signed", "period status-ended"]
    tooltip = rows[0].find(f"{SVG}rect/{SVG}title")
    assert tooltip is not None
    assert tooltip.text == "AGT: in onderhandeling, 2015-03-01 \u2013 2016-07-04"


def test_timeline_bars_follow_time_and_are_clipped_to_the_window() -> None:
    rows = [TimelineRow("Coal", (Period("signed", date(2010, 1, 1), date(2030, 1, 1)),))]
    root = parse(
        timeline_chart(
            rows, start=date(2014, 1, 1), end=date(2020, 1, 1), title="t", desc="d", width=700
        )
    )
    rect = root.find(f".//{SVG}rect[@class='period status-signed']")
    assert rect is not None
    x, width = float(rect.get("x", "nan")), float(rect.get("width", "nan"))
    assert x == 150  # the label column's width: the bar starts at the window's start
    assert x + width == pytest.approx(700 - 12)
    assert rect.find(f"{SVG}title").text == "Coal: signed, 2014-01-01 \u2013 2020-01-01"  # type: ignore[union-attr]


def test_timeline_legend_follows_the_label_order_and_lists_only_statuses_shown() -> None:
    root = parse(
        timeline_chart(
            landscape(),
            start=date(2014, 1, 1),
            end=date(2025, 1, 1),
            title="t",
            desc="d",
            labels=STATUS_LABELS,
        )
    )
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{SVG}text")] == [
        "in onderhandeling",
        "ondertekend",
        "afgelopen",
        "beëindigd",
    ]


def test_timeline_marks_the_shown_date_only_inside_the_window() -> None:
    def marker_line(on: date) -> ET.Element | None:
        svg = timeline_chart(
            landscape(),
            start=date(2014, 1, 1),
            end=date(2025, 1, 1),
            title="t",
            desc="d",
            marker=on,
            marker_label="Shown date",
        )
        return parse(svg).find(f".//{SVG}g[@class='marker']")

    inside = marker_line(date(2018, 3, 6))
    assert inside is not None
    assert inside.find(f"{SVG}title").text == "Shown date"  # type: ignore[union-attr]
    assert marker_line(date(2010, 1, 1)) is None


def test_long_covenant_names_are_shortened_in_the_row_but_whole_in_its_title() -> None:
    name = "Convenant Bevorderen Duurzaam Bosbeheer in de Houtsector"
    root = parse(
        timeline_chart(
            [TimelineRow(name, (Period("signed", date(2017, 3, 22), date(2020, 1, 1)),))],
            start=date(2014, 1, 1),
            end=date(2021, 1, 1),
            title="t",
            desc="d",
        )
    )
    row = root.find(f"{SVG}g[@class='row']")
    assert row is not None
    assert row.find(f"{SVG}title").text == name  # type: ignore[union-attr]
    shown = row.find(f"{SVG}text").text or ""  # type: ignore[union-attr]
    assert shown.endswith("\u2026")
    assert len(shown) < len(name)


def test_timeline_without_covenants_says_so() -> None:
    root = parse(
        timeline_chart(
            [],
            start=date(2014, 1, 1),
            end=date(2020, 1, 1),
            title="t",
            desc="d",
            empty_text="Geen convenanten",
        )
    )
    assert "Geen convenanten" in texts(root)


def test_timeline_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        timeline_chart([], start=date(2020, 1, 1), end=date(2020, 1, 1), title="t", desc="d")


# axis helpers


def test_nice_steps_are_round() -> None:
    assert nice_step(1.0) == pytest.approx(0.2)
    assert nice_step(57) == 20
    assert nice_step(0.48) == pytest.approx(0.1)
    assert nice_step(0) == 1.0


def test_value_ticks_reach_the_first_round_value_above_the_top() -> None:
    assert value_ticks(57) == [0, 20, 40, 60]
    assert value_ticks(2, whole_numbers=True) == [0, 1, 2]


def test_year_ticks_are_thinned_to_the_space_available() -> None:
    assert year_ticks(date(2014, 1, 1), date(2018, 6, 1)) == [
        date(y, 1, 1) for y in range(2014, 2019)
    ]
    thinned = year_ticks(date(2000, 1, 1), date(2030, 1, 1), max_ticks=8)
    assert len(thinned) <= 8
    assert thinned[0] == date(2000, 1, 1)


def test_format_value_writes_shares_as_percentages_and_counts_whole() -> None:
    assert format_value(0.48, percent=True) == "48%"
    assert format_value(0.005, percent=True, step=0.005) == "0.5%"
    assert format_value(57.0, percent=False) == "57"
    assert format_value(2.5, percent=False) == "2.5"


def test_escape_drops_characters_xml_cannot_hold() -> None:
    assert escape('a\x00<b>"&\x1f\ud800z') == "a&lt;b&gt;&quot;&amp;z"


# properties

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e9, allow_nan=False))


@given(top=st.floats(min_value=1e-6, max_value=1e12), max_ticks=st.integers(2, 10))
def test_nice_step_is_one_two_two_and_a_half_or_five_times_a_power_of_ten(
    top: float, max_ticks: int
) -> None:
    step = nice_step(top, max_ticks)
    assert top / step <= max_ticks * (1 + 1e-9)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))


@given(
    name=st.text(),
    points=st.lists(st.tuples(days, values), max_size=40),
    start=days,
    length=st.integers(0, 4000),
    target=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_any_line_chart_is_well_formed_and_stays_inside_its_box(
    name: str,
    points: list[tuple[date, float | None]],
    start: date,
    length: int,
    target: float,
) -> None:
    trajectory = Trajectory(name, (start, 0.0), (start + timedelta(days=length), target))
    svg = line_chart(
        [Series(name, tuple(points))],
        title=name,
        desc=name,
        trajectories=[trajectory],
        width=600,
        height=260,
    )
    root = parse(svg)
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
    for element in root.iter():
        for attribute in ("x", "x1", "x2", "cx"):
            if element.get(attribute) is not None:
                assert -0.5 <= float(element.get(attribute, "")) <= width + 0.5
        for attribute in ("y", "y1", "y2", "cy"):
            if element.get(attribute) is not None:
                assert -0.5 <= float(element.get(attribute, "")) <= height + 0.5
    for path in root.iter(f"{SVG}path"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        assert all(-0.5 <= n <= max(width, height) + 0.5 for n in numbers)


@given(
    labels=st.lists(st.text(), min_size=0, max_size=6),
    status=st.text(),
    start=days,
    length=st.integers(1, 9000),
)
def test_any_timeline_is_well_formed(
    labels: list[str], status: str, start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    rows = [TimelineRow(label, (Period(status, start, end),)) for label in labels]
    root = parse(timeline_chart(rows, start=start, end=end, title="t", desc="d"))
    assert len(root.findall(f"{SVG}g[@class='row']")) == len(labels)
