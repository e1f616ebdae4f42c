"""The synthetic demo population: deterministic, plainly fake, and true to the public figures."""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo.core.demo import (
    DEMO_COVENANTS,
    YEARS,
    DemoParticipation,
    DemoPopulation,
    RegisteredCovenant,
    fit_to_registry,
    generate_demo,
    population_counts,
)

TEXTILE_START = date(2016, 7, 4)
MID_2018 = date(2018, 7, 1)
END_2018 = date(2018, 12, 31)
END_2019 = date(2019, 12, 31)
SECTORS_WITHOUT_COVENANT = {"chemicals", "oil-gas", "retail", "wholesale", "paper"}
PERIODS = {c.slug: (c.signed_on, c.ended_on) for c in DEMO_COVENANTS}
MARKETS = {c.slug: (c.sector, c.segment) for c in DEMO_COVENANTS}


@pytest.fixture(scope="module")
def population() -> DemoPopulation:
    return generate_demo()


@dataclass(frozen=True)
class Participation:
    companies: int
    brands: int
    share: Decimal


def participation_on(population: DemoPopulation, covenant: str, day: date) -> Participation:
    """Companies in `covenant` on `day` (left_on is the first day out), their brands and the sum
    of their market shares in the day's year."""
    active = {
        p.company
        for p in population.participations
        if p.covenant == covenant and p.joined_on <= day and (p.left_on is None or day < p.left_on)
    }
    brands = Counter(b.company for b in population.brands)
    shares = {
        s.company: s.share
        for s in population.market_shares
        if s.year == day.year and s.company in active
    }
    return Participation(
        companies=len(active),
        brands=sum(brands[slug] for slug in active),
        share=sum(shares.values(), Decimal(0)),
    )


def changes_on(participations: Iterable[DemoParticipation], covenant: str, day: date) -> list[str]:
    return [
        p.company
        for p in participations
        if p.covenant == covenant and (p.joined_on == day or p.left_on == day)
    ]


def test_same_seed_gives_the_same_population(population: DemoPopulation) -> None:
    assert generate_demo(2018) == population


def test_another_seed_gives_another_population(population: DemoPopulation) -> None:
    other = generate_demo(7)
    assert other.market_shares != population.market_shares
    assert other.participations != population.participations


def test_population_does_not_depend_on_hash_randomisation(population: DemoPopulation) -> None:
    script = (
        "import hashlib; from imvo.core.demo import generate_demo; "
        "print(hashlib.sha256(repr(generate_demo()).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(population).encode()).hexdigest()}


def test_about_a_thousand_companies(population: DemoPopulation) -> None:
    assert 950 <= len(population.companies) <= 1050


def test_counts_match_the_records(population: DemoPopulation) -> None:
    counts = population_counts(population)
    assert counts["companies"] == len(population.companies)
    assert counts["market_shares"] == len(population.companies) * len(YEARS)


def test_slugs_are_unique_and_prefixed(population: DemoPopulation) -> None:
    company_slugs = [c.slug for c in population.companies]
    brand_slugs = [b.slug for b in population.brands]
    assert len(set(company_slugs)) == len(company_slugs)
    assert len(set(brand_slugs)) == len(brand_slugs)
    assert all(slug.startswith("demo-") for slug in company_slugs + brand_slugs)


def test_names_are_plainly_synthetic(population: DemoPopulation) -> None:
    assert all(" Demo " in f" {c.name} " for c in population.companies)
    assert all(b.name.startswith("Demo Brand ") for b in population.brands)
    assert len({c.name for c in population.companies}) == len(population.companies)
    assert len({b.name for b in population.brands}) == len(population.brands)


def test_every_company_has_one_to_a_few_brands(population: DemoPopulation) -> None:
    brands = Counter(b.company for b in population.brands)
    assert {c.slug for c in population.companies} == set(brands)
    assert all(1 <= n <= 8 for n in brands.values())


def test_big_companies_have_more_brands(population: DemoPopulation) -> None:
    brands = Counter(b.company for b in population.brands)
    by_size = defaultdict(list)
    for company in population.companies:
        by_size[company.size].append(brands[company.slug])
    assert statistics.mean(by_size["large"]) > statistics.mean(by_size["small"])
    assert max(by_size["micro"]) == 1


def test_every_company_has_a_share_in_every_year(population: DemoPopulation) -> None:
    years = defaultdict(set)
    for share in population.market_shares:
        years[share.company].add(share.year)
    assert all(found == set(YEARS) for found in years.values())
    assert len(years) == len(population.companies)


def test_a_share_is_of_the_company_s_own_market(population: DemoPopulation) -> None:
    market = {c.slug: (c.sector, c.segment) for c in population.companies}
    assert all(market[s.company] == (s.sector, s.segment) for s in population.market_shares)


def test_shares_of_a_market_add_up_to_at_most_one(population: DemoPopulation) -> None:
    totals: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for share in population.market_shares:
        assert Decimal(0) < share.share <= Decimal(1)
        assert share.share == share.share.quantize(Decimal("0.000001"))
        totals[(share.sector, share.segment, share.year)] += share.share
    assert max(totals.values()) <= 1
    # Outside the financial segments a long tail of the market stays outside the list.
    assert all(total <= Decimal("0.9") for key, total in totals.items() if key[0] != "financial")


def test_shares_drift_a_little_from_year_to_year(population: DemoPopulation) -> None:
    share = {(s.company, s.year): float(s.share) for s in population.market_shares}
    changes = [
        abs(share[(c.slug, year + 1)] / share[(c.slug, year)] - 1)
        for c in population.companies
        for year in YEARS[:-1]
    ]
    assert 0 < statistics.median(changes) < 0.15


def test_every_market_has_an_estimate_every_year(population: DemoPopulation) -> None:
    markets = {(c.sector, c.segment) for c in population.companies}
    estimates = {(e.sector, e.segment, e.year) for e in population.market_estimates}
    assert estimates == {(sector, segment, y) for sector, segment in markets for y in YEARS}


def test_financial_markets_are_measured_in_assets(population: DemoPopulation) -> None:
    for estimate in population.market_estimates:
        expected = "assets" if estimate.sector == "financial" else "turnover"
        assert estimate.measure == expected


def test_market_sizes_are_plausible(population: DemoPopulation) -> None:
    amount = {(e.sector, e.segment, e.year): e.amount_eur for e in population.market_estimates}
    assert 5e9 < amount[("textile", "", 2018)] < 20e9
    assert 1e12 < amount[("financial", "pension-funds", 2018)] < 3e12
    assert all(value % 1_000_000 == 0 for value in amount.values())


def test_no_participation_outside_the_signed_period(population: DemoPopulation) -> None:
    for p in population.participations:
        signed_on, ended_on = PERIODS[p.covenant]
        assert signed_on <= p.joined_on <= date(YEARS[-1], 12, 31)
        assert p.left_on is None or p.joined_on < p.left_on
        if ended_on is not None:
            assert p.left_on is not None
            assert p.left_on <= ended_on


def test_participants_belong_to_the_covenant_s_market(population: DemoPopulation) -> None:
    market = {c.slug: (c.sector, c.segment) for c in population.companies}
    assert all(market[p.company] == MARKETS[p.covenant] for p in population.participations)


def test_sectors_without_a_covenant_have_companies_but_no_participation(
    population: DemoPopulation,
) -> None:
    sector = {c.slug: c.sector for c in population.companies}
    assert set(sector.values()) >= SECTORS_WITHOUT_COVENANT
    assert not {sector[p.company] for p in population.participations} & SECTORS_WITHOUT_COVENANT


def test_every_covenant_has_participants(population: DemoPopulation) -> None:
    assert {p.covenant for p in population.participations} == set(PERIODS)


def assert_textile_checkpoints(population: DemoPopulation) -> None:
    # The SER and imvoconvenanten.nl figures, as in shared/reference/FACTS.md.
    start = participation_on(population, "textile", TEXTILE_START)
    assert start.companies == 55
    assert Fraction(str(start.share)) > Fraction(1, 3)
    mid_2018 = participation_on(population, "textile", MID_2018)
    assert Decimal("0.42") <= mid_2018.share <= Decimal("0.45")
    assert 77 <= mid_2018.brands <= 81
    end_2018 = participation_on(population, "textile", END_2018)
    assert Decimal("0.47") <= end_2018.share <= Decimal("0.49")
    assert 91 <= end_2018.brands <= 93
    assert 55 <= end_2018.companies <= 60
    end_2019 = participation_on(population, "textile", END_2019)
    assert Decimal("0.40") <= end_2019.share <= Decimal("0.45")
    assert 55 <= end_2019.companies <= 59


def test_textile_participation_matches_the_published_checkpoints(
    population: DemoPopulation,
) -> None:
    assert_textile_checkpoints(population)


def test_textile_checkpoints_do_not_depend_on_how_leaving_is_counted(
    population: DemoPopulation,
) -> None:
    # Nobody but the founders joins or leaves on a checkpoint day, so reading left_on as the
    # last day in or the first day out gives the same figures.
    assert changes_on(population.participations, "textile", MID_2018) == []
    assert changes_on(population.participations, "textile", END_2018) == []
    assert changes_on(population.participations, "textile", END_2019) == []
    assert all(
        p.left_on != TEXTILE_START for p in population.participations if p.covenant == "textile"
    )


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_textile_checkpoints_hold_for_any_seed(seed: int) -> None:
    assert_textile_checkpoints(generate_demo(seed))


def test_thirteen_banks_sign_the_banking_covenant(population: DemoPopulation) -> None:
    assert participation_on(population, "banking", date(2017, 6, 1)).companies == 13


def test_insurers_with_99_percent_of_investments_join(population: DemoPopulation) -> None:
    insurers = participation_on(population, "insurance", date(2018, 12, 1))
    assert Decimal("0.98") <= insurers.share <= Decimal("0.999")


def test_pension_funds_grow_from_73_to_81_with_90_percent_of_assets(
    population: DemoPopulation,
) -> None:
    assert participation_on(population, "pension-funds", date(2018, 12, 20)).companies == 73
    in_2019 = participation_on(population, "pension-funds", END_2019)
    assert in_2019.companies == 81
    assert Decimal("0.88") <= in_2019.share <= Decimal("0.92")


def test_a_handful_of_gold_companies_hold_about_one_percent(population: DemoPopulation) -> None:
    gold = participation_on(population, "gold", date(2018, 3, 6))
    assert 3 <= gold.companies <= 7
    assert Decimal("0.007") <= gold.share <= Decimal("0.013")


def test_natural_stone_grows_from_25_to_28_companies(population: DemoPopulation) -> None:
    assert participation_on(population, "natural-stone", date(2019, 11, 1)).companies == 25
    assert participation_on(population, "natural-stone", date(2022, 1, 1)).companies == 28


def test_nobody_takes_part_in_a_covenant_before_it_is_signed(population: DemoPopulation) -> None:
    for slug, (signed_on, _) in PERIODS.items():
        before = date.fromordinal(signed_on.toordinal() - 1)
        assert participation_on(population, slug, before).companies == 0


# fit_to_registry: the registry's word on dates and market names wins.


def registered(slug: str, **changes: Any) -> RegisteredCovenant:
    """The covenant as the generator knows it, with `changes` made by the registry."""
    demo = next(c for c in DEMO_COVENANTS if c.slug == slug)
    known = RegisteredCovenant(
        slug=slug,
        market_sector=demo.sector,
        market_segment=demo.segment,
        signed_on=demo.signed_on,
        closed_on=demo.ended_on,
        has_history=True,
    )
    return replace(known, **changes)


def test_fit_renames_a_market_as_the_registry_names_it(population: DemoPopulation) -> None:
    fitted = fit_to_registry(population, {"textile": registered("textile", market_segment="x")})
    textile = [c for c in fitted.companies if c.sector == "textile"]
    assert textile and {c.segment for c in textile} == {"x"}
    assert {s.segment for s in fitted.market_shares if s.sector == "textile"} == {"x"}
    assert {e.segment for e in fitted.market_estimates if e.sector == "textile"} == {"x"}
    # Other markets keep their names.
    assert {c.segment for c in fitted.companies if c.sector == "food"} == {""}


def test_fit_keeps_two_markets_apart(population: DemoPopulation) -> None:
    # The gold covenant's market is a segment of its own; metal's cannot be renamed onto it.
    fitted = fit_to_registry(
        population,
        {"metal": registered("metal", market_segment="gold"), "gold": registered("gold")},
    )
    segments = {c.segment for c in fitted.companies if c.sector == "metal-electronics"}
    assert segments == {"", "gold"}


def test_fit_cuts_participation_to_the_registered_end(population: DemoPopulation) -> None:
    closed_on = date(2018, 12, 31)
    fitted = fit_to_registry(population, {"coal": registered("coal", closed_on=closed_on)})
    coal = [p for p in fitted.participations if p.covenant == "coal"]
    assert len(coal) == sum(1 for p in population.participations if p.covenant == "coal")
    assert all(p.left_on == closed_on for p in coal)


def test_fit_moves_joining_to_the_registered_signing(population: DemoPopulation) -> None:
    signed_on = date(2016, 12, 7)
    fitted = fit_to_registry(population, {"banking": registered("banking", signed_on=signed_on)})
    assert {p.joined_on for p in fitted.participations} == {signed_on}


def test_fit_drops_participation_in_unregistered_or_unsigned_covenants(
    population: DemoPopulation,
) -> None:
    fitted = fit_to_registry(
        population,
        {
            "metal": registered("metal", signed_on=None, closed_on=None),
            "floriculture": registered("floriculture", closed_on=date(2019, 7, 2)),
            "gold": registered("gold", signed_on=None, closed_on=None, has_history=False),
        },
    )
    assert {p.covenant for p in fitted.participations} == {"gold"}
    assert len(fitted.companies) == len(population.companies)
