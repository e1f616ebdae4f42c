"""Red flags: high-priority risks without action, core themes and reference risks absent
without explanation, no living-wage gap."""

from __future__ import annotations

from imvo.core.diligence.flags import (
    CORE_THEMES,
    AnalysedRisk,
    Explanation,
    FlaggedReference,
    flag_counts_by_theme,
    red_flags,
)

ALL_CORE = [
    AnalysedRisk(risk_id=i, theme=theme, country="BD", level="low", has_action=False)
    for i, theme in enumerate(CORE_THEMES, start=100)
]


def kinds(flags: tuple[object, ...]) -> list[str]:
    return [f.kind for f in flags]  # type: ignore[attr-defined]


def test_a_high_priority_risk_without_an_action_is_flagged_with_its_theme_and_row() -> None:
    risks = [
        *ALL_CORE,
        AnalysedRisk(risk_id=1, theme="child-labour", country="BD", level="high", has_action=False),
        AnalysedRisk(risk_id=2, theme="gender", country="BD", level="high", has_action=True),
        AnalysedRisk(risk_id=3, theme="gender", country="IN", level="medium", has_action=False),
    ]
    flags = red_flags(risks=risks, living_wage_gaps=1)
    assert [(f.kind, f.theme, f.country, f.risk_id) for f in flags] == [
        ("high-priority-without-action", "child-labour", "BD", 1)
    ]


def test_core_themes_absent_are_flagged_unless_explained() -> None:
    flags = red_flags(
        risks=[AnalysedRisk(1, "child-labour", "BD", "low", False)],
        explanations=[Explanation(theme="land-rights")],
        living_wage_gaps=1,
    )
    assert [(f.kind, f.theme) for f in flags] == [
        ("core-theme-absent", "gender"),
        ("core-theme-absent", "living-wage"),
        ("core-theme-absent", "freedom-of-association"),
    ]


def test_a_reference_risk_absent_from_the_analysis_is_flagged_once_per_country() -> None:
    reference = [
        FlaggedReference("child-labour", "IN", "usdol-goods-2018"),
        FlaggedReference("child-labour", "IN", "usdol-goods-2018"),
        FlaggedReference("child-labour", "BD", "usdol-goods-2018"),  # analysed
        FlaggedReference("forced-labour", "CN", "usdol-goods-2018"),  # explained for CN
        FlaggedReference("health-safety", "BD", "bangladesh-accord-2013"),  # explained anywhere
    ]
    flags = red_flags(
        risks=ALL_CORE,
        explanations=[Explanation("forced-labour", "CN"), Explanation("health-safety")],
        reference=reference,
        living_wage_gaps=2,
    )
    assert [(f.kind, f.theme, f.country) for f in flags] == [
        ("reference-risk-absent", "child-labour", "IN")
    ]
    assert "absent from your analysis" in flags[0].message


def test_no_living_wage_gap_is_a_flag() -> None:
    assert kinds(red_flags(risks=ALL_CORE, living_wage_gaps=0)) == ["no-living-wage-gap"]
    assert kinds(red_flags(risks=ALL_CORE, living_wage_gaps=1)) == []


def test_flags_are_counted_per_theme() -> None:
    flags = red_flags(risks=[], living_wage_gaps=0)
    counts = flag_counts_by_theme(flags)
    assert counts["living-wage"] == 2  # the core theme and the missing gap
    assert counts["child-labour"] == 1
