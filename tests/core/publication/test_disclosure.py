"""The disclosure rules: only consenting companies are named, and no published row lets a
reader conclude that a particular company that did not consent sources at a facility."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.publication.disclosure import (
    MIN_GROUP,
    DisclosurePlan,
    Sourcing,
    disclose,
    unnamed_band,
)


@st.composite
def releases(draw: st.DrawFn) -> tuple[list[Sourcing], frozenset[str], frozenset[str]]:
    """A covenant's participants with lists, who consented, and who sources where."""
    size = draw(st.integers(min_value=1, max_value=14))
    companies = [f"c{i:02d}" for i in range(size)]
    consenting = frozenset(draw(st.lists(st.sampled_from(companies), unique=True)))
    facilities = draw(st.integers(min_value=1, max_value=8))
    sourcing = [
        Sourcing(
            f"F{f}",
            frozenset(
                draw(st.lists(st.sampled_from(companies), min_size=1, max_size=size, unique=True))
            ),
        )
        for f in range(facilities)
    ]
    return sourcing, frozenset(companies), consenting


def _publish(
    sourcing: list[Sourcing], participants: frozenset[str], consenting: frozenset[str]
) -> DisclosurePlan | None:
    try:
        return disclose(sourcing, participants=participants, consenting=consenting)
    except ImvoError:
        return None


@settings(max_examples=300, deadline=None)
@given(releases())
def test_only_companies_that_consented_are_ever_named(
    release: tuple[list[Sourcing], frozenset[str], frozenset[str]],
) -> None:
    sourcing, participants, consenting = release
    plan = _publish(sourcing, participants, consenting)
    if plan is None:
        return
    for source, row in zip(sourcing, plan.rows, strict=True):
        assert set(row.named) <= consenting & source.companies


@settings(max_examples=300, deadline=None)
@given(releases())
def test_the_published_count_always_contains_the_true_count(
    release: tuple[list[Sourcing], frozenset[str], frozenset[str]],
) -> None:
    sourcing, participants, consenting = release
    plan = _publish(sourcing, participants, consenting)
    if plan is None:
        return
    for source, row in zip(sourcing, plan.rows, strict=True):
        assert row.participants_min <= len(source.companies)
        assert row.participants_max is None or len(source.companies) <= row.participants_max
        exact = row.participants_min == row.participants_max
        assert exact == (set(row.named) == source.companies)


@settings(max_examples=400, deadline=None)
@given(releases())
def test_no_company_that_did_not_consent_can_be_singled_out(
    release: tuple[list[Sourcing], frozenset[str], frozenset[str]],
) -> None:
    """For every non-consenting company at a facility there is another world - it swapped for
    a company that does not source there, or left out - that publishes the very same release."""
    sourcing, participants, consenting = release
    plan = _publish(sourcing, participants, consenting)
    if plan is None:
        return
    pool = participants - consenting if plan.names_shown else participants
    for index, source in enumerate(sourcing):
        for company in sorted(source.companies - consenting):
            stand_ins = sorted(pool - source.companies)
            if stand_ins:
                others = source.companies - {company} | {stand_ins[0]}
            else:
                others = source.companies - {company}
            if not others:
                pytest.fail(f"{company} alone at {source.facility_id} in a group of one")
            world = [
                *sourcing[:index],
                Sourcing(source.facility_id, others),
                *sourcing[index + 1 :],
            ]
            assert _publish(world, participants, consenting) == plan, (company, source)


@settings(max_examples=200, deadline=None)
@given(releases())
def test_a_release_refused_is_one_that_would_point_at_fewer_than_five(
    release: tuple[list[Sourcing], frozenset[str], frozenset[str]],
) -> None:
    sourcing, participants, consenting = release
    unnamed = participants - consenting
    plan = _publish(sourcing, participants, consenting)
    if plan is None:
        assert unnamed and len(unnamed) < MIN_GROUP and len(participants) < MIN_GROUP
    else:
        assert not unnamed or plan.group >= MIN_GROUP


def test_a_single_non_consenting_participant_of_a_small_covenant_is_never_counted_exactly() -> None:
    # Six participants, only one of which did not consent: nobody is named, counts are banded.
    participants = frozenset({"hema", "zeeman", "c&a", "wibra", "we", "bever"})
    consenting = participants - {"zeeman"}
    plan = disclose(
        [Sourcing("BD1", frozenset({"zeeman"})), Sourcing("BD2", frozenset({"hema", "we"}))],
        participants=participants,
        consenting=consenting,
    )
    assert not plan.names_shown
    assert [(row.named, row.participants) for row in plan.rows] == [
        ((), "1\u20134"),
        ((), "1\u20134"),
    ]


def test_when_every_participant_consented_all_are_named_with_exact_counts() -> None:
    plan = disclose(
        [Sourcing("BD1", frozenset({"hema", "zeeman"}))],
        participants=frozenset({"hema", "zeeman"}),
        consenting=frozenset({"hema", "zeeman"}),
    )
    assert plan.rows[0].named == ("hema", "zeeman")
    assert plan.rows[0].participants == "2"


def test_a_named_company_beside_unnamed_ones_shifts_the_band() -> None:
    companies = frozenset(f"c{i}" for i in range(9))  # six did not consent
    plan = disclose(
        [Sourcing("CN1", frozenset({"c0", "c5", "c6"}))],
        participants=companies,
        consenting=frozenset({"c0", "c1", "c2"}),
    )
    row = plan.rows[0]
    assert (row.named, row.participants, row.participants_min, row.participants_max) == (
        ("c0",),
        "2\u20135",
        2,
        5,
    )


def test_two_participants_one_not_consenting_cannot_be_published() -> None:
    with pytest.raises(ImvoError, match="fewer than 5"):
        disclose(
            [Sourcing("BD1", frozenset({"zeeman"}))],
            participants=frozenset({"zeeman", "hema"}),
            consenting=frozenset({"hema"}),
        )


def test_a_band_starting_at_the_whole_group_is_widened_downwards() -> None:
    # Five unnamed at a facility in a group of five: "5-9" would name all five.
    assert unnamed_band(5, group=5) == (1, 9)
    assert unnamed_band(5, group=6) == (5, 9)
    assert unnamed_band(50, group=50) == (20, None)
    assert unnamed_band(4, group=5) == unnamed_band(5, group=5)


def test_a_company_without_a_list_in_the_release_is_refused() -> None:
    with pytest.raises(ImvoError, match="no list in the release"):
        disclose(
            [Sourcing("BD1", frozenset({"stranger"}))],
            participants=frozenset({"hema"}),
            consenting=frozenset({"hema"}),
        )
