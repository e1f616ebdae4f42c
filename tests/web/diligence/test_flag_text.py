"""Red flags read as sentences in the page's language; a theme's reference-check flags are one
line listing the countries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import translation

from imvo.web.countries import country_name
from imvo.web.diligence.flag_text import red_flags_display

THEMES = {
    "child-labour": SimpleNamespace(name_nl="Kinderarbeid", name_en="Child labour"),
    "living-wage": SimpleNamespace(name_nl="Leefbaar loon", name_en="Living wage"),
}
FLAGS: list[dict[str, Any]] = [
    {"kind": "high-priority-without-action", "theme": "child-labour", "country": "BD", "risk": 7},
    {"kind": "core-theme-absent", "theme": "living-wage", "country": None, "risk": None},
    {"kind": "reference-risk-absent", "theme": "child-labour", "country": "IN", "risk": None},
    {"kind": "reference-risk-absent", "theme": "living-wage", "country": "TR", "risk": None},
    {"kind": "reference-risk-absent", "theme": "child-labour", "country": "PK", "risk": None},
    {"kind": "no-living-wage-gap", "theme": "living-wage", "country": None, "risk": None},
]


def test_flags_read_in_dutch_with_dutch_theme_and_country_names() -> None:
    with translation.override("nl"):
        shown = red_flags_display(FLAGS, THEMES)
    texts = [item["text"] for item in shown]
    assert "Kinderarbeid" in texts[0] and "Bangladesh" in texts[0] and "geen" in texts[0].lower()
    assert "Leefbaar loon" in texts[1]
    assert "Turkije" in texts[3]
    assert not any("absent from" in text or "flagged" in text for text in texts)
    assert all(item["label"] for item in shown)


def test_a_themes_reference_flags_are_one_line_listing_the_countries() -> None:
    with translation.override("en"):
        shown = red_flags_display(FLAGS, THEMES)
    assert [item["kind"] for item in shown] == [
        "high-priority-without-action",
        "core-theme-absent",
        "reference-risk-absent",
        "reference-risk-absent",
        "no-living-wage-gap",
    ]
    child = shown[2]
    assert child["countries"] == ["India", "Pakistan"]
    assert "Child labour" in child["text"] and "India, Pakistan" in child["text"]
    assert shown[0]["risk"] == 7


def test_country_names_follow_the_language_and_unknown_codes_stay_codes() -> None:
    assert country_name("DE", "nl") == "Duitsland"
    assert country_name("DE", "en") == "Germany"
    assert country_name("XX", "nl") == "XX"
    assert country_name("", "nl") == ""
    with translation.override("nl"):
        assert country_name("cn") == "China"
