"""The reference risk check: a sourced country x theme table, ranked; unknown stays unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from imvo.core.diligence.riskcheck import (
    absent_from_analysis,
    indicators_load,
    indicators_parse,
    risk_check,
    shipped_indicators,
)
from imvo.core.errors import ImvoError

DEMO_COUNTRIES = {"CN", "BD", "IN", "TR", "VN", "PK", "ID", "KH", "MM"}


def small_table() -> dict[str, Any]:
    return {
        "sources": [{"key": "ituc", "title": "ITUC Global Rights Index", "publisher": "ITUC"}],
        "indicators": [
            {"country": "BD", "theme": "freedom-of-association", "level": "high", "source": "ituc"},
            {"country": "BD", "theme": "gender", "level": "unknown", "source": "ituc"},
            {"country": "IN", "theme": "living-wage", "level": "medium", "source": "ituc"},
        ],
        "product_hints": [
            {
                "sector": "textile",
                "product": "garments",
                "theme": "gender",
                "level": "high",
                "source": "ituc",
            }
        ],
    }


def test_the_shipped_table_cites_a_known_source_for_every_value() -> None:
    table = indicators_load()
    assert {i.country for i in table.indicators} == DEMO_COUNTRIES
    assert all(i.source in table.sources for i in table.indicators)
    assert all(h.source in table.sources for h in table.product_hints)
    assert all(s.title and s.publisher for s in table.sources.values())


def test_hits_are_ranked_by_severity_hint_then_theme_and_country() -> None:
    table = indicators_parse(small_table())
    hits = risk_check(sector="textile", product="garments", countries=["in", "BD"], table=table)
    assert [(h.theme, h.country, h.severity_hint, h.basis) for h in hits] == [
        ("freedom-of-association", "BD", "high", "country"),
        ("gender", "BD", "high", "product"),
        ("gender", "IN", "high", "product"),
        ("living-wage", "IN", "medium", "country"),
        ("freedom-of-association", "IN", "unknown", "none"),
        ("living-wage", "BD", "unknown", "none"),
    ]


def test_unknown_stays_unknown_without_a_source() -> None:
    table = indicators_parse(small_table())
    hits = risk_check(sector="textile", product="", countries=["BD", "IN"], table=table)
    unknown = [h for h in hits if h.severity_hint == "unknown"]
    assert unknown and all(h.source is None for h in unknown)
    # The table records gender in Bangladesh as unknown: it is listed as unknown, not dropped
    # and not turned into low.
    gender = [(h.country, h.severity_hint, h.source) for h in hits if h.theme == "gender"]
    assert gender == [("BD", "unknown", None), ("IN", "unknown", None)]


def test_a_country_the_table_does_not_know_gets_only_unknowns_and_product_hints() -> None:
    table = indicators_parse(small_table())
    hits = risk_check(sector="textile", product="garments", countries=["ET", "BD"], table=table)
    ethiopia = {(h.theme, h.severity_hint) for h in hits if h.country == "ET"}
    assert ethiopia == {("freedom-of-association", "unknown"), ("gender", "high")}


def test_the_comparison_names_flagged_risks_absent_from_the_analysis() -> None:
    hits = risk_check(sector="textile", product="garments", countries=["BD"])
    absent = absent_from_analysis(hits, {("child-labour", "BD")})
    themes = {h.theme for h in absent}
    assert "child-labour" not in themes
    assert {"freedom-of-association", "health-safety", "gender"} <= themes


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t["indicators"][0].update(level="severe"), "level"),
        (lambda t: t["indicators"][0].update(source="nobody"), "source"),
        (lambda t: t["indicators"][0].update(country="Bangladesh"), "country"),
        (lambda t: t["indicators"].append(dict(t["indicators"][0])), "theme"),
        (lambda t: t["sources"].append(dict(t["sources"][0])), "key"),
        (lambda t: t["indicators"][0].update(confidence="likely"), "confidence"),
        (lambda t: t["indicators"][0].pop("theme"), "theme"),
    ],
)
def test_a_broken_table_is_an_error_naming_the_entry_and_field(change: Any, field: str) -> None:
    table = small_table()
    change(table)
    with pytest.raises(ImvoError) as error:
        indicators_parse(table)
    assert error.value.field == field
    assert error.value.row is not None


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "risk.yaml"
    broken.write_text("sources: [unclosed", encoding="utf-8")
    with pytest.raises(ImvoError) as error:
        indicators_load(broken)
    assert error.value.file == "risk.yaml"


def test_the_shipped_table_is_valid_yaml_read_once() -> None:
    assert shipped_indicators() is shipped_indicators()
    document = yaml.safe_load(
        Path(__file__)
        .parents[3]
        .joinpath("src/imvo/reference/diligence/risk_indicators.yaml")
        .read_text(encoding="utf-8")
    )
    assert len(document["indicators"]) == len(shipped_indicators().indicators)
