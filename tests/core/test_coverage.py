import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core.covenants import StatusChange, status_on
from imvo.core.coverage import (
    ORGANISATION_KINDS,
    Coverage,
    Observation,
    Participant,
    ShareEstimate,
    active_on,
    coverage_on,
    share_for_year,
)
from imvo.core.errors import ImvoError

# The cast: the textile covenant, negotiated from 2015, signed on 2016-07-04, ended 2021-07-03.
SIGNED = date(2016, 7, 4)
TEXTILE = (
    StatusChange("negotiating", date(2015, 6, 1)),
    StatusChange("signed", SIGNED),
    StatusChange("ended", date(2021, 7, 3)),
)
ZEEMAN = Participant("zeeman", "company", SIGNED, None, brands=1)
HEMA = Participant("hema", "company", SIGNED, date(2019, 1, 1), brands=2)
WE_FASHION = Participant("we-fashion", "company", date(2017, 3, 1), None, brands=3)
FNV = Participant("fnv", "union", SIGNED, None)
MODINT = Participant("modint", "business_association", SIGNED, None)
SHARES = (
    ShareEstimate("zeeman", 2016, 0.05),
    ShareEstimate("zeeman", 2018, 0.06),
    ShareEstimate("hema", 2016, 0.04),
    ShareEstimate("we-fashion", 2020, 0.02),
)
PUBLISHED = (
    Observation(date(2016, 12, 31), "companies", 55, source="ser-2016"),
    Observation(date(2017, 12, 31), "market_share", 0.35, low=0.30, high=0.40, source="ser-2017"),
    Observation(date(2018, 12, 31), "companies", 93, source="ser-2018"),
    Observation(date(2018, 12, 31), "market_share", 0.48, source="ser-2018"),
    Observation(date(2018, 12, 31), "parties", 110, source="ser-2018"),
)


def textile_coverage(day, *, participants=(), shares=(), observations=(), changes=TEXTILE):
    return coverage_on(
        day, changes=changes, participants=participants, shares=shares, observations=observations
    )


# Active participation


def test_participant_is_active_from_joining_until_the_day_before_leaving():
    assert not active_on(date(2016, 7, 3), HEMA)
    assert active_on(SIGNED, HEMA)
    assert active_on(date(2018, 12, 31), HEMA)
    assert not active_on(date(2019, 1, 1), HEMA)


def test_participant_without_leaving_date_stays_active():
    assert active_on(date(2040, 1, 1), ZEEMAN)


# Not in force


def test_coverage_is_zero_before_signing_with_a_note():
    result = textile_coverage(date(2016, 1, 1), participants=[ZEEMAN], observations=PUBLISHED)
    assert result == Coverage(
        on=date(2016, 1, 1),
        state="negotiating",
        companies=0,
        brands=0,
        market_share=0.0,
        basis="none",
        observed_on=None,
        sources=(),
        note="not yet signed",
    )


def test_coverage_is_zero_before_the_first_status_change():
    result = textile_coverage(date(2014, 1, 1), participants=[ZEEMAN])
    assert (result.state, result.companies, result.note) == (None, 0, "not yet signed")


def test_coverage_without_any_status_says_so():
    result = textile_coverage(date(2018, 1, 1), participants=[ZEEMAN], changes=())
    assert (result.state, result.companies, result.note) == (None, 0, "no status recorded")


def test_coverage_is_zero_after_the_covenant_ended_naming_the_date():
    result = textile_coverage(date(2022, 1, 1), participants=[ZEEMAN], observations=PUBLISHED)
    assert (result.state, result.companies, result.brands, result.market_share) == (
        "ended",
        0,
        0,
        0.0,
    )
    assert result.note == "ended on 2021-07-03"


def test_coverage_after_termination_names_the_termination():
    changes = [StatusChange("signed", SIGNED), StatusChange("terminated", date(2020, 7, 13))]
    result = textile_coverage(date(2020, 7, 13), participants=[ZEEMAN], changes=changes)
    assert result.note == "terminated on 2020-07-13"


def test_coverage_before_signing_ignores_conflicting_data():
    conflicting = [ShareEstimate("zeeman", 2016, 0.1), ShareEstimate("zeeman", 2016, 0.2)]
    result = textile_coverage(date(2016, 1, 1), participants=[ZEEMAN], shares=conflicting)
    assert result.companies == 0


# Company-level data


def test_coverage_counts_only_companies():
    result = textile_coverage(date(2017, 1, 1), participants=[ZEEMAN, HEMA, FNV, MODINT])
    assert result.basis == "companies"
    assert result.companies == 2


def test_coverage_counts_company_once_over_overlapping_periods():
    second_period = Participant("zeeman", "company", date(2016, 9, 1), None, brands=1)
    result = textile_coverage(date(2017, 1, 1), participants=[ZEEMAN, second_period])
    assert (result.companies, result.brands) == (1, 1)


def test_coverage_counts_company_that_rejoined_once():
    rejoined = Participant("hema", "company", date(2020, 1, 1), None, brands=2)
    result = textile_coverage(date(2020, 6, 1), participants=[HEMA, rejoined])
    assert (result.companies, result.brands) == (1, 2)


def test_coverage_sums_brands_of_active_companies():
    result = textile_coverage(date(2018, 1, 1), participants=[ZEEMAN, HEMA, WE_FASHION, FNV])
    assert result.brands == 1 + 2 + 3


def test_coverage_leaves_out_companies_that_left():
    result = textile_coverage(date(2019, 6, 1), participants=[ZEEMAN, HEMA, WE_FASHION])
    assert (result.companies, result.brands) == (2, 4)


def test_market_share_uses_the_estimate_for_the_days_year():
    result = textile_coverage(date(2018, 6, 1), participants=[ZEEMAN], shares=SHARES)
    assert result.market_share == pytest.approx(0.06)


def test_market_share_falls_back_to_the_latest_earlier_estimate():
    result = textile_coverage(date(2017, 6, 1), participants=[ZEEMAN, HEMA], shares=SHARES)
    assert result.market_share == pytest.approx(0.05 + 0.04)
    assert result.note == "2 participating companies"


def test_market_share_ignores_estimates_for_later_years():
    result = textile_coverage(date(2019, 6, 1), participants=[WE_FASHION], shares=SHARES)
    assert result.market_share is None
    assert result.note == "1 participating company; market share unknown"


def test_market_share_ignores_estimates_of_companies_not_participating():
    result = textile_coverage(date(2019, 6, 1), participants=[ZEEMAN], shares=SHARES)
    assert result.market_share == pytest.approx(0.06)


def test_partial_market_share_says_how_many_companies_have_an_estimate():
    result = textile_coverage(date(2018, 6, 1), participants=[ZEEMAN, WE_FASHION], shares=SHARES)
    assert result.market_share == pytest.approx(0.06)
    assert result.note == "2 participating companies; market share from the estimates of 1 of them"


def test_market_share_falls_back_to_the_published_figure_without_estimates():
    result = textile_coverage(
        date(2019, 6, 1), participants=[ZEEMAN, WE_FASHION], observations=PUBLISHED
    )
    assert result.basis == "companies"
    assert result.companies == 2
    assert result.market_share == pytest.approx(0.48)
    assert result.observed_on == date(2018, 12, 31)
    assert result.sources == ("ser-2018",)
    assert "market share as published on 2018-12-31" in result.note


def test_company_level_data_takes_precedence_over_published_counts():
    result = textile_coverage(
        date(2019, 6, 1), participants=[ZEEMAN], shares=SHARES, observations=PUBLISHED
    )
    assert (result.basis, result.companies, result.observed_on, result.sources) == (
        "companies",
        1,
        None,
        (),
    )


# Published aggregates


def test_published_figures_are_used_without_company_level_data():
    result = textile_coverage(date(2019, 6, 1), participants=[FNV], observations=PUBLISHED)
    assert result.basis == "observation"
    assert (result.companies, result.brands, result.market_share) == (93, None, 0.48)
    assert result.observed_on == date(2018, 12, 31)
    assert result.sources == ("ser-2018",)
    assert result.note == "published figures of 2018-12-31"


def test_published_figures_are_used_before_companies_join():
    result = textile_coverage(date(2017, 1, 15), participants=[WE_FASHION], observations=PUBLISHED)
    assert (result.basis, result.companies) == ("observation", 55)


def test_published_figures_take_the_latest_of_each_metric_on_or_before_the_day():
    result = textile_coverage(date(2018, 6, 1), observations=PUBLISHED)
    assert (result.companies, result.market_share) == (55, 0.35)
    assert result.observed_on == date(2016, 12, 31)
    assert result.sources == ("ser-2016", "ser-2017")
    assert result.note == "published figures: companies of 2016-12-31, market share of 2017-12-31"


def test_published_range_keeps_its_value_as_given():
    result = textile_coverage(date(2018, 1, 1), observations=PUBLISHED)
    assert result.market_share == 0.35


def test_published_figures_after_the_day_are_ignored():
    result = textile_coverage(date(2016, 12, 30), observations=PUBLISHED)
    assert result.basis == "none"


def test_party_counts_alone_are_no_participation_data():
    parties = [Observation(date(2018, 12, 31), "parties", 110)]
    result = textile_coverage(date(2019, 1, 1), observations=parties)
    assert (result.basis, result.companies, result.market_share) == ("none", None, None)
    assert result.note == "signed, but no participation data"


def test_signed_covenant_without_data_has_unknown_coverage():
    result = textile_coverage(date(2019, 1, 1), participants=[FNV, MODINT])
    assert (result.state, result.companies, result.brands, result.market_share) == (
        "signed",
        None,
        None,
        None,
    )


def test_published_counts_are_rounded_to_whole_companies():
    result = textile_coverage(
        date(2019, 1, 1), observations=[Observation(date(2018, 1, 1), "companies", 92.5 + 0.2)]
    )
    assert result.companies == 93


# Bad input


def test_conflicting_share_estimates_are_rejected():
    conflicting = [ShareEstimate("zeeman", 2017, 0.1), ShareEstimate("zeeman", 2017, 0.2)]
    with pytest.raises(ImvoError, match="two market shares for zeeman in 2017"):
        textile_coverage(date(2018, 1, 1), participants=[ZEEMAN], shares=conflicting)


def test_repeated_identical_share_estimates_are_accepted():
    repeated = [ShareEstimate("zeeman", 2017, 0.1), ShareEstimate("zeeman", 2017, 0.1)]
    assert share_for_year(2018, repeated) == ShareEstimate("zeeman", 2017, 0.1)


def test_conflicting_published_figures_on_one_day_are_rejected():
    conflicting = [
        Observation(date(2018, 1, 1), "companies", 90),
        Observation(date(2018, 1, 1), "companies", 93),
    ]
    with pytest.raises(ImvoError, match="two published companies figures on 2018-01-01"):
        textile_coverage(date(2019, 1, 1), observations=conflicting)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Participant("x", "shop", SIGNED, None), "kind"),
        (lambda: Participant("x", "company", SIGNED, date(2016, 1, 1)), "left_on"),
        (lambda: Participant("x", "company", SIGNED, None, brands=-1), "brands"),
        (lambda: ShareEstimate("x", 2017, 1.2), "share"),
        (lambda: ShareEstimate("x", 2017, math.nan), "share"),
        (lambda: Observation(SIGNED, "turnover", 1.0), "metric"),
        (lambda: Observation(SIGNED, "market_share", 1.5), "value"),
        (lambda: Observation(SIGNED, "companies", -3), "value"),
        (lambda: Observation(SIGNED, "companies", 5, low=6, high=4), "low"),
        (lambda: Observation(SIGNED, "companies", 5, low=math.inf), "low"),
    ],
)
def test_bad_values_are_rejected_naming_the_field(make, field):
    with pytest.raises(ImvoError) as raised:
        make()
    assert raised.value.field == field


def test_participant_may_leave_on_the_day_it_joined():
    assert not active_on(SIGNED, Participant("x", "company", SIGNED, SIGNED))


# Properties

ORGANISATIONS = ("zeeman", "hema", "we-fashion", "c-and-a", "fnv")
YEARS = st.integers(min_value=2015, max_value=2022)
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2022, 12, 31))
ALWAYS_SIGNED = (StatusChange("signed", date(2015, 1, 1)),)


@st.composite
def participants(draw):
    joined = draw(DAYS)
    left = draw(st.none() | st.dates(min_value=joined, max_value=date(2023, 12, 31)))
    return Participant(
        organisation=draw(st.sampled_from(ORGANISATIONS)),
        kind=draw(st.sampled_from(("company", "company", *ORGANISATION_KINDS))),
        joined_on=joined,
        left_on=left,
        brands=draw(st.integers(min_value=0, max_value=5)),
    )


share_sets = st.dictionaries(
    st.tuples(st.sampled_from(ORGANISATIONS), YEARS), st.floats(min_value=0, max_value=1)
).map(lambda found: [ShareEstimate(org, year, share) for (org, year), share in found.items()])
participant_lists = st.lists(participants(), max_size=8)


def signed_coverage(day, people, shares):
    return coverage_on(
        day, changes=ALWAYS_SIGNED, participants=people, shares=shares, observations=()
    )


@given(DAYS, participant_lists, share_sets)
def test_market_share_never_exceeds_the_sum_of_all_estimates(day, people, shares):
    result = signed_coverage(day, people, shares)
    if result.market_share is not None:
        assert 0 <= result.market_share <= math.fsum(s.share for s in shares)


@given(DAYS, participant_lists, share_sets)
def test_counts_are_never_negative_and_count_each_active_company_once(day, people, shares):
    result = signed_coverage(day, people, shares)
    active = {p.organisation for p in people if p.kind == "company" and active_on(day, p)}
    if active:
        assert result.companies == len(active)
        assert result.brands is not None
        assert result.brands >= 0
    else:
        assert (result.companies, result.brands, result.basis) == (None, None, "none")


@given(DAYS, participant_lists, share_sets)
def test_repeating_participation_periods_changes_nothing(day, people, shares):
    assert signed_coverage(day, people + people, shares) == signed_coverage(day, people, shares)


@given(DAYS, participant_lists, share_sets, st.randoms(use_true_random=False))
def test_coverage_does_not_depend_on_input_order(day, people, shares, random):
    shuffled_people, shuffled_shares = list(people), list(shares)
    random.shuffle(shuffled_people)
    random.shuffle(shuffled_shares)
    assert signed_coverage(day, shuffled_people, shuffled_shares) == signed_coverage(
        day, people, shares
    )


@given(DAYS, participant_lists, participant_lists, share_sets)
def test_coverage_is_monotone_in_the_participant_set(day, people, more_people, shares):
    fewer = signed_coverage(day, people, shares)
    more = signed_coverage(day, people + more_people, shares)
    assert (more.companies or 0) >= (fewer.companies or 0)
    assert (more.brands or 0) >= (fewer.brands or 0)
    assert (more.market_share or 0.0) >= (fewer.market_share or 0.0)


@given(
    DAYS,
    st.lists(
        st.builds(
            StatusChange,
            status=st.sampled_from(("planned", "negotiating", "signed", "ended", "terminated")),
            on=DAYS,
        ),
        max_size=5,
    ),
    participant_lists,
    share_sets,
)
def test_coverage_is_zero_whenever_the_covenant_is_not_in_force(day, changes, people, shares):
    result = coverage_on(day, changes=changes, participants=people, shares=shares, observations=())
    assert result.state == status_on(day, changes)
    if result.state != "signed":
        assert (result.companies, result.brands, result.market_share) == (0, 0, 0.0)
        assert result.note
