from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.themes import LEVELS, ThemeClaim, ThemeGap, ThemeInfo, level_on, theme_matrix

DEBATE = date(2018, 3, 6)
THEMES = (
    ThemeInfo("child-labour", core=True),
    ThemeInfo("living-wage", core=True),
    ThemeInfo("animal-welfare", core=False),
)
CLAIMS = (
    ThemeClaim("textile", "child-labour", "mandatory", None),
    ThemeClaim("textile", "living-wage", "mentioned", None),
    ThemeClaim("textile", "living-wage", "goal", date(2019, 1, 1)),
    ThemeClaim("textile", "living-wage", "none", DEBATE, basis="statement", source="debate-2018"),
    ThemeClaim("food", "animal-welfare", "goal", None),
    ThemeClaim("food", "child-labour", "goal", date(2018, 5, 1)),
    ThemeClaim(
        "food", "child-labour", "goal", date(2018, 5, 1), basis="statement", source="ngo-report"
    ),
)


def claims_for(covenant, theme):
    return [c for c in CLAIMS if (c.covenant, c.theme) == (covenant, theme)]


def test_level_is_the_latest_text_claim_in_effect():
    assert level_on(date(2018, 6, 1), claims_for("textile", "living-wage")) == "mentioned"
    assert level_on(date(2019, 1, 1), claims_for("textile", "living-wage")) == "goal"


def test_claim_without_since_holds_from_the_start():
    assert level_on(date(1990, 1, 1), claims_for("textile", "child-labour")) == "mandatory"


def test_level_is_none_before_the_first_claim_and_without_claims():
    assert level_on(date(2018, 4, 30), claims_for("food", "child-labour")) == "none"
    assert level_on(date(2018, 4, 30), []) == "none"


def test_statements_do_not_change_the_text_level():
    statement = ThemeClaim("textile", "gender", "mandatory", None, basis="statement")
    assert level_on(date(2020, 1, 1), [statement]) == "none"


def test_same_day_text_claims_resolve_to_the_higher_level():
    same_day = [
        ThemeClaim("food", "gender", "goal", date(2019, 1, 1)),
        ThemeClaim("food", "gender", "mentioned", date(2019, 1, 1)),
    ]
    assert level_on(date(2019, 1, 1), same_day) == "goal"
    assert level_on(date(2019, 1, 1), reversed(same_day)) == "goal"


def test_level_on_refuses_claims_of_several_cells():
    with pytest.raises(ImvoError):
        level_on(date(2019, 1, 1), [CLAIMS[0], CLAIMS[1]])


def test_matrix_holds_the_level_of_every_covenant_and_theme():
    matrix = theme_matrix(date(2018, 6, 1), ["textile", "food"], THEMES, CLAIMS)
    assert matrix.covenants == ("textile", "food")
    assert matrix.themes == ("child-labour", "living-wage", "animal-welfare")
    assert dict(matrix.levels) == {
        ("textile", "child-labour"): "mandatory",
        ("textile", "living-wage"): "mentioned",
        ("textile", "animal-welfare"): "none",
        ("food", "child-labour"): "goal",
        ("food", "living-wage"): "none",
        ("food", "animal-welfare"): "goal",
    }


def test_gaps_are_core_themes_not_covered_in_covenant_then_theme_order():
    matrix = theme_matrix(date(2018, 4, 1), ["textile", "food"], THEMES, CLAIMS)
    assert matrix.gaps == (
        ThemeGap("food", "child-labour"),
        ThemeGap("food", "living-wage"),
    )


def test_statement_contradicting_the_text_is_a_dispute():
    matrix = theme_matrix(date(2018, 6, 1), ["textile", "food"], THEMES, CLAIMS)
    assert matrix.disputes == (CLAIMS[3],)


def test_statement_agreeing_with_the_text_is_no_dispute():
    matrix = theme_matrix(date(2018, 6, 1), ["food"], THEMES, CLAIMS)
    assert matrix.disputes == ()


def test_statement_made_after_the_day_is_no_dispute_yet():
    matrix = theme_matrix(date(2018, 3, 5), ["textile"], THEMES, CLAIMS)
    assert matrix.disputes == ()


def test_later_statement_of_the_same_source_replaces_the_earlier():
    retraction = ThemeClaim(
        "textile",
        "living-wage",
        "mentioned",
        date(2018, 9, 1),
        basis="statement",
        source="debate-2018",
    )
    matrix = theme_matrix(date(2018, 10, 1), ["textile"], THEMES, [*CLAIMS, retraction])
    assert matrix.disputes == ()


def test_claims_of_covenants_outside_the_matrix_are_ignored():
    matrix = theme_matrix(date(2018, 6, 1), ["textile"], THEMES, CLAIMS)
    assert matrix.covenants == ("textile",)
    assert all(covenant == "textile" for covenant, _ in matrix.levels)


@pytest.mark.parametrize(
    ("level", "basis", "field"), [("partial", "text", "level"), ("goal", "rumour", "basis")]
)
def test_unknown_level_or_basis_is_rejected(level, basis, field):
    with pytest.raises(ImvoError) as raised:
        ThemeClaim("textile", "gender", level, None, basis=basis)
    assert raised.value.field == field


claims_strategy = st.lists(
    st.builds(
        ThemeClaim,
        covenant=st.sampled_from(("textile", "food", "gold")),
        theme=st.sampled_from([t.slug for t in THEMES]),
        level=st.sampled_from(LEVELS),
        since=st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2022, 1, 1)),
        basis=st.sampled_from(("text", "statement")),
        source=st.sampled_from((None, "a", "b")),
    ),
    max_size=12,
)


@given(claims_strategy, st.dates(min_value=date(2014, 1, 1), max_value=date(2023, 1, 1)))
def test_matrix_gaps_and_disputes_agree_with_the_levels(claims, day):
    matrix = theme_matrix(day, ["textile", "food"], THEMES, claims)
    assert len(matrix.levels) == 2 * len(THEMES)
    core = {t.slug for t in THEMES if t.core}
    assert set(matrix.gaps) == {
        ThemeGap(c, t) for (c, t), level in matrix.levels.items() if t in core and level == "none"
    }
    for dispute in matrix.disputes:
        assert dispute.basis == "statement"
        assert dispute.since is None or dispute.since <= day
        assert dispute.level != matrix.levels[(dispute.covenant, dispute.theme)]
