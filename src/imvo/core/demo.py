"""The synthetic demo population: about a thousand made-up companies with their brands, market
shares, sector markets and covenant participation over 2014-2023.

Everything here is plainly fake ("Demo Textiel 0017 B.V.", slugs starting with `demo-`) but
shaped to agree with the public aggregates: the textile covenant (AGT) starts with 55 companies
holding more than a third of the market, reaches about 48% of market turnover at the end of 2018
and falls back to 40-45% in 2019; 13 banks sign the banking covenant; insurers with 99% of the
sector's investments and 73, later 81, pension funds with about 90% of assets join theirs.

Deterministic: the same seed gives the same population. Every random draw comes from a
`random.Random` seeded with the seed and the name of the part being drawn, so one part can change
without reshuffling the others.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

Measure = Literal["turnover", "assets"]
CompanySize = Literal["micro", "small", "medium", "large"]

YEARS = tuple(range(2014, 2024))
LAST_DAY = date(YEARS[-1], 12, 31)


@dataclass(frozen=True)
class DemoCompany:
    slug: str
    name: str
    sector: str  # risk sector slug
    segment: str  # the market segment within the sector, "" for the sector as a whole
    size: CompanySize  # EU size class by turnover (or balance sheet for the financial segments)


@dataclass(frozen=True)
class DemoBrand:
    slug: str
    name: str
    company: str  # company slug


@dataclass(frozen=True)
class DemoMarketShare:
    """A company's share (0..1, six decimals) of its market (sector and segment) in a year."""

    company: str
    sector: str
    segment: str
    year: int
    share: Decimal


@dataclass(frozen=True)
class DemoMarketEstimate:
    sector: str
    segment: str
    year: int
    measure: Measure
    amount_eur: int


@dataclass(frozen=True)
class DemoParticipation:
    """A company takes part from `joined_on` until `left_on` (None: still in).

    The public checkpoints fall on days when nobody joins or leaves (but the founders, on the
    signing day), so reading `left_on` as the last day in or the first day out agrees there.
    """

    covenant: str
    company: str
    joined_on: date
    left_on: date | None


@dataclass(frozen=True)
class DemoPopulation:
    seed: int
    companies: tuple[DemoCompany, ...]
    brands: tuple[DemoBrand, ...]
    market_shares: tuple[DemoMarketShare, ...]
    market_estimates: tuple[DemoMarketEstimate, ...]
    participations: tuple[DemoParticipation, ...]


@dataclass(frozen=True)
class DemoCovenant:
    """A covenant's market and signed period, as fixed by the reference data."""

    slug: str
    sector: str
    segment: str
    measure: Measure
    signed_on: date
    ended_on: date | None  # None: no end date in the reference facts


DEMO_COVENANTS: tuple[DemoCovenant, ...] = (
    DemoCovenant("coal", "energy", "coal", "turnover", date(2014, 11, 17), None),
    DemoCovenant("textile", "textile", "", "turnover", date(2016, 7, 4), date(2021, 12, 31)),
    DemoCovenant(
        "banking", "financial", "banking", "assets", date(2016, 10, 28), date(2020, 7, 13)
    ),
    DemoCovenant(
        "plant-proteins",
        "agriculture",
        "plant-proteins",
        "turnover",
        date(2017, 3, 7),
        date(2019, 3, 19),
    ),
    DemoCovenant("forestry", "wood", "", "turnover", date(2017, 3, 22), None),
    DemoCovenant("gold", "metal-electronics", "gold", "turnover", date(2017, 6, 19), None),
    DemoCovenant("food-products", "food", "", "turnover", date(2018, 6, 29), None),
    DemoCovenant("insurance", "financial", "insurance", "assets", date(2018, 7, 5), None),
    DemoCovenant("pension-funds", "financial", "pension-funds", "assets", date(2018, 12, 20), None),
    DemoCovenant(
        "natural-stone", "construction", "natural-stone", "turnover", date(2019, 5, 13), None
    ),
    DemoCovenant("metal", "metal-electronics", "", "turnover", date(2019, 7, 1), None),
    DemoCovenant(
        "floriculture",
        "agriculture",
        "floriculture",
        "turnover",
        date(2019, 7, 2),
        date(2022, 9, 22),
    ),
    DemoCovenant("renewable-energy", "energy", "renewable", "turnover", date(2023, 3, 6), None),
)


@dataclass(frozen=True)
class _MarketSpec:
    sector: str
    segment: str
    name_format: str  # the company name around its number
    companies: int
    coverage: float  # share of the market the listed companies hold together; the rest is tail
    concentration: float  # sigma of the log-normal company sizes: higher, fewer giants
    billions_2014: float  # market size in 2014, in billions of euros
    growth: float  # yearly growth of the market

    @property
    def measure(self) -> Measure:
        # The financial covenants measured coverage as a share of invested assets.
        return "assets" if self.sector == "financial" else "turnover"


# Rough orders of magnitude of the Dutch markets, rounded to millions and meant to look made up.
# fmt: off
_MARKETS: tuple[_MarketSpec, ...] = (
    _MarketSpec("textile", "", "Demo Textiel {} B.V.", 220, 0.88, 1.3, 10.4, 0.012),
    _MarketSpec("financial", "banking", "Demo Bank {} N.V.", 30, 0.96, 1.8, 2300, 0.01),
    _MarketSpec("financial", "insurance", "Demo Verzekeringen {} N.V.", 45, 0.997, 1.8, 460, 0.02),
    _MarketSpec("financial", "pension-funds", "Stichting Demo Pensioenfonds {}", 170, 0.97, 1.9,
                1200, 0.045),
    _MarketSpec("metal-electronics", "gold", "Demo Goud {} B.V.", 60, 0.86, 1.5, 1.1, 0.01),
    _MarketSpec("metal-electronics", "", "Demo Metaal {} B.V.", 50, 0.85, 1.4, 75, 0.02),
    _MarketSpec("construction", "natural-stone", "Demo Natuursteen {} B.V.", 45, 0.86, 1.1, 0.9,
                0.015),
    _MarketSpec("construction", "", "Demo Bouw {} B.V.", 30, 0.84, 1.4, 70, 0.025),
    _MarketSpec("agriculture", "floriculture", "Demo Sierteelt {} B.V.", 50, 0.86, 1.2, 6.2, 0.02),
    _MarketSpec("agriculture", "plant-proteins", "Demo Eiwit {} B.V.", 20, 0.88, 1.5, 3.1, 0.015),
    _MarketSpec("agriculture", "", "Demo Agro {} B.V.", 25, 0.84, 1.3, 26, 0.015),
    _MarketSpec("wood", "", "Demo Hout {} B.V.", 35, 0.85, 1.2, 4.2, 0.015),
    _MarketSpec("food", "", "Demo Voeding {} B.V.", 60, 0.87, 1.5, 65, 0.02),
    _MarketSpec("energy", "coal", "Demo Kolen {} N.V.", 10, 0.89, 1.2, 2.4, -0.09),
    _MarketSpec("energy", "renewable", "Demo Wind en Zon {} B.V.", 35, 0.86, 1.4, 3.5, 0.13),
    _MarketSpec("energy", "", "Demo Energie {} N.V.", 15, 0.88, 1.6, 40, 0.01),
    _MarketSpec("chemicals", "", "Demo Chemie {} B.V.", 25, 0.85, 1.5, 55, 0.015),
    _MarketSpec("oil-gas", "", "Demo Olie en Gas {} B.V.", 15, 0.89, 1.8, 40, 0.0),
    _MarketSpec("retail", "", "Demo Winkel {} B.V.", 30, 0.85, 1.4, 110, 0.02),
    _MarketSpec("wholesale", "", "Demo Groothandel {} B.V.", 30, 0.8, 1.3, 400, 0.02),
    _MarketSpec("paper", "", "Demo Papier {} B.V.", 15, 0.86, 1.2, 7.0, 0.0),
)
# fmt: on

# Years that moved a market beyond its trend: (sector, segment) -> {year: extra growth}.
_SHOCKS: Mapping[tuple[str, str], Mapping[int, float]] = {
    ("textile", ""): {2020: -0.16, 2021: 0.11},
    ("financial", "pension-funds"): {2022: -0.2},
}

_MICRO = 1_000_000  # shares are kept in millionths, as the database stores them


@dataclass(frozen=True)
class _Market:
    """One generated market: its companies and their share of it, per year, in millionths."""

    spec: _MarketSpec
    slugs: tuple[str, ...]
    micro_shares: Mapping[tuple[str, int], int]
    amounts: Mapping[int, int]

    def share(self, slug: str, year: int) -> float:
        return self.micro_shares[(slug, year)] / _MICRO


def generate_demo(seed: int = 2018) -> DemoPopulation:
    """The synthetic demo population for `seed`: same seed, same population."""
    companies: list[DemoCompany] = []
    brands: list[DemoBrand] = []
    shares: list[DemoMarketShare] = []
    estimates: list[DemoMarketEstimate] = []
    markets: dict[tuple[str, str], _Market] = {}
    brand_counts: dict[str, int] = {}
    number = 0
    for spec in _MARKETS:
        rng = _rng(seed, "market", spec.sector, spec.segment)
        numbers = range(number + 1, number + spec.companies + 1)
        number += spec.companies
        market = _market(rng, spec, numbers)
        markets[(spec.sector, spec.segment)] = market
        for slug, company_number in zip(market.slugs, numbers, strict=True):
            size = _size(spec.measure, market.share(slug, 2018) * market.amounts[2018])
            companies.append(
                DemoCompany(
                    slug=slug,
                    name=spec.name_format.format(f"{company_number:04d}"),
                    sector=spec.sector,
                    segment=spec.segment,
                    size=size,
                )
            )
            count = _brand_count(rng, size, market.share(slug, 2018))
            brand_counts[slug] = count
            brands.extend(
                DemoBrand(
                    slug=f"demo-brand-{company_number:04d}-{letter.lower()}",
                    name=f"Demo Brand {company_number:04d}-{letter}",
                    company=slug,
                )
                for letter in "ABCDEFGH"[:count]
            )
            shares.extend(
                DemoMarketShare(
                    company=slug,
                    sector=spec.sector,
                    segment=spec.segment,
                    year=year,
                    share=Decimal(market.micro_shares[(slug, year)]).scaleb(-6),
                )
                for year in YEARS
            )
        estimates.extend(
            DemoMarketEstimate(spec.sector, spec.segment, year, spec.measure, market.amounts[year])
            for year in YEARS
        )
    participations: list[DemoParticipation] = []
    for covenant in DEMO_COVENANTS:
        market = markets[(covenant.sector, covenant.segment)]
        rng = _rng(seed, "participation", covenant.slug)
        try:
            if covenant.slug == "textile":
                participations.extend(_textile(rng, covenant, market, brand_counts))
            else:
                participations.extend(_participants(rng, covenant, market))
        except _NoSolution:
            # Never seen for the seeds tried; a failure here is a bug in the generator.
            raise RuntimeError(
                f"no {covenant.slug} participants match the public figures for seed {seed}"
            ) from None
    return DemoPopulation(
        seed=seed,
        companies=tuple(companies),
        brands=tuple(brands),
        market_shares=tuple(shares),
        market_estimates=tuple(estimates),
        participations=tuple(participations),
    )


def _rng(seed: int, *part: str) -> random.Random:
    # A str seed is hashed with SHA-512 by `random`, so this is stable across runs and platforms.
    return random.Random(":".join(("imvo-demo", str(seed), *part)))


def _market(rng: random.Random, spec: _MarketSpec, numbers: range) -> _Market:
    slugs = tuple(f"demo-{spec.segment or spec.sector}-{n:04d}" for n in numbers)
    # Log-normal sizes, with the far tail cut off: no demo company dwarfs a whole market.
    sizes = [math.exp(spec.concentration * min(rng.gauss(0.0, 1.0), 2.6)) for _ in slugs]
    micro_shares: dict[tuple[str, int], int] = {}
    amounts: dict[int, int] = {}
    amount = spec.billions_2014 * 1e9
    shocks = _SHOCKS.get((spec.sector, spec.segment), {})
    ceiling = min(spec.coverage + 0.005, 0.999)
    for year in YEARS:
        if year > YEARS[0]:
            # Shares drift a little from year to year; so does the listed part of the market.
            sizes = [size * math.exp(rng.gauss(0.0, 0.07)) for size in sizes]
            amount *= 1 + spec.growth + shocks.get(year, 0.0) + rng.gauss(0.0, 0.012)
        coverage = min(ceiling, max(spec.coverage - 0.006, spec.coverage + rng.gauss(0.0, 0.004)))
        total = sum(sizes)
        for slug, size in zip(slugs, sizes, strict=True):
            # Rounded down so that a market's shares never add up to more than its coverage.
            micro_shares[(slug, year)] = max(1, math.floor(size / total * coverage * _MICRO))
        amounts[year] = round(amount / 1e6) * 1_000_000
    return _Market(spec=spec, slugs=slugs, micro_shares=micro_shares, amounts=amounts)


def _size(measure: Measure, amount_eur: float) -> CompanySize:
    """The EU SME classes: turnover up to 2, 10 and 50 million, or balance sheet up to 43."""
    medium_limit = 50e6 if measure == "turnover" else 43e6
    if amount_eur <= 2e6:
        return "micro"
    if amount_eur <= 10e6:
        return "small"
    if amount_eur <= medium_limit:
        return "medium"
    return "large"


def _brand_count(rng: random.Random, size: CompanySize, share: float) -> int:
    if share >= 0.04:
        return rng.randint(3, 7)
    weights = {
        "micro": (1.0,),
        "small": (0.85, 0.15),
        "medium": (0.6, 0.3, 0.1),
        "large": (0.35, 0.3, 0.2, 0.15),
    }[size]
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


@dataclass(frozen=True)
class _Goal:
    """Move `offset + sum(values of the chosen)` to within `tolerance` of `target`."""

    values: Mapping[str, float]
    target: float
    tolerance: float
    offset: float = 0.0


class _NoSolution(Exception):
    pass


def _choose(
    rng: random.Random, pool: Sequence[str], k: int, goals: Sequence[_Goal], *, tries: int = 6000
) -> tuple[str, ...]:
    """k members of `pool` meeting every goal, by hill-climbing on random swaps."""
    if k > len(pool):
        raise _NoSolution
    chosen = rng.sample(list(pool), k)
    taken = set(chosen)
    others = [slug for slug in pool if slug not in taken]
    sums = [goal.offset + sum(goal.values[slug] for slug in chosen) for goal in goals]

    def badness(candidate: Sequence[float]) -> float:
        return sum(
            ((total - goal.target) / goal.tolerance) ** 2
            for total, goal in zip(candidate, goals, strict=True)
        )

    def met(candidate: Sequence[float]) -> bool:
        return all(
            abs(total - goal.target) <= goal.tolerance
            for total, goal in zip(candidate, goals, strict=True)
        )

    current = badness(sums)
    for _ in range(tries):
        if met(sums):
            return tuple(sorted(chosen))
        if not others:
            break
        i = rng.randrange(k)
        j = rng.randrange(len(others))
        out, into = chosen[i], others[j]
        moved = [
            total - goal.values[out] + goal.values[into]
            for total, goal in zip(sums, goals, strict=True)
        ]
        if (score := badness(moved)) < current:
            chosen[i], others[j] = into, out
            sums, current = moved, score
    if met(sums):
        return tuple(sorted(chosen))
    raise _NoSolution


def _weighted_sample(
    rng: random.Random, pool: Sequence[str], weights: Mapping[str, float], k: int
) -> tuple[str, ...]:
    """k members drawn without replacement, each with odds in proportion to its weight."""
    keys = {slug: rng.random() ** (1.0 / max(weights[slug], 1e-9)) for slug in pool}
    return tuple(sorted(sorted(pool, key=lambda slug: keys[slug], reverse=True)[:k]))


def _textile(
    rng: random.Random,
    covenant: DemoCovenant,
    market: _Market,
    brand_counts: Mapping[str, int],
) -> list[DemoParticipation]:
    """The AGT: 55 founders, about 48% of market turnover at the end of 2018, 40-45% in 2019."""
    for _ in range(100):
        try:
            return _textile_attempt(rng, covenant, market, brand_counts)
        except _NoSolution:
            continue
    raise _NoSolution


def _textile_attempt(
    rng: random.Random,
    covenant: DemoCovenant,
    market: _Market,
    brand_counts: Mapping[str, int],
) -> list[DemoParticipation]:
    pool = market.slugs
    share = {year: {slug: market.share(slug, year) for slug in pool} for year in YEARS}
    brands = {slug: float(brand_counts[slug]) for slug in pool}

    # Membership is checked on 2016-07-04, 2018-07-01, 2018-12-31 and 2019-12-31. Nobody joins or
    # leaves on one of those days (but the founders), so whether the day of joining or leaving
    # counts as in or out gives one answer.

    # The second half of 2018: a few companies with several brands join, one small one leaves.
    # In the middle of 2018 the members hold 42-45% and 79 brands; at the end about 48% and 92.
    left_2018 = _weighted_sample(rng, pool, {s: 1 / share[2018][s] for s in pool}, 1)
    rest = [slug for slug in pool if slug not in left_2018]
    joined_late_2018 = _choose_retrying(
        rng,
        rest,
        (5, 6, 4, 7),
        [
            _Goal(share[2018], 0.045, 0.003, offset=-share[2018][left_2018[0]]),
            _Goal(brands, 13.5, 0.5, offset=-brands[left_2018[0]]),
        ],
        attempts=3,
    )
    # The members through 2018, 53 or so, such that both checkpoints hold.
    rest = [slug for slug in rest if slug not in joined_late_2018]
    stayed = _choose(
        rng,
        rest,
        58 - len(joined_late_2018),
        [
            _Goal(share[2018], 0.435, 0.005, offset=share[2018][left_2018[0]]),
            _Goal(brands, 79, 0.5, offset=brands[left_2018[0]]),
        ],
    )
    end_2018 = tuple(sorted(set(stayed) | set(joined_late_2018)))
    mid_2018 = tuple(sorted(set(stayed) | set(left_2018)))
    # The 55 founders: three of the mid-2018 members joined after the start, the founders who
    # left before (small ones, mostly) make up the rest; together they hold over a third.
    outside = [slug for slug in pool if slug not in end_2018 and slug not in mid_2018]
    left_early = _weighted_sample(
        rng, outside, {s: 1 / share[2016][s] for s in outside}, 55 - (len(mid_2018) - 3)
    )
    founders_share = sum(share[2016][s] for s in mid_2018) + sum(share[2016][s] for s in left_early)
    joined_early = _choose(rng, mid_2018, 3, [_Goal(share[2016], founders_share - 0.36, 0.012)])
    founders = tuple(sorted((set(mid_2018) - set(joined_early)) | set(left_early)))
    # In 2019 three leave (a big one among them) and two join: 57 companies with 40-45%.
    taken = set(end_2018) | set(left_2018) | set(left_early)
    outside = [slug for slug in pool if slug not in taken]
    joined_2019 = _weighted_sample(rng, outside, share[2019], 2)
    end_2019_share = sum(share[2019][s] for s in end_2018) + sum(
        share[2019][s] for s in joined_2019
    )
    left_2019 = _choose(rng, end_2018, 3, [_Goal(share[2019], end_2019_share - 0.425, 0.012)])
    end_2019 = tuple(sorted((set(end_2018) - set(left_2019)) | set(joined_2019)))
    # 2020-2021: two more leave, one joins; the rest stay until the covenant ends.
    left_later = _weighted_sample(rng, end_2019, dict.fromkeys(end_2019, 1.0), 2)
    outside = [slug for slug in pool if slug not in taken and slug not in joined_2019]
    joined_later = _weighted_sample(rng, outside, share[2020], 1)

    def between(first: date, last: date) -> date:
        return _day_between(rng, first, last)

    joined: dict[str, date] = dict.fromkeys(founders, covenant.signed_on)
    joined.update({s: between(date(2016, 7, 5), date(2018, 6, 30)) for s in joined_early})
    joined.update({s: between(date(2018, 7, 2), date(2018, 12, 30)) for s in joined_late_2018})
    joined.update({s: between(date(2019, 1, 2), date(2019, 12, 30)) for s in joined_2019})
    joined.update({s: between(date(2020, 1, 2), date(2020, 12, 30)) for s in joined_later})
    left: dict[str, date] = dict.fromkeys(joined, covenant.ended_on or LAST_DAY)
    left.update({s: between(date(2016, 10, 1), date(2018, 6, 30)) for s in left_early})
    left.update({s: between(date(2018, 7, 2), date(2018, 12, 30)) for s in left_2018})
    left.update({s: between(date(2019, 1, 2), date(2019, 12, 30)) for s in left_2019})
    left.update({s: between(date(2020, 1, 2), date(2021, 12, 30)) for s in left_later})
    for slug in left:
        # A leaver who joined late in a window cannot leave before joining.
        left[slug] = max(left[slug], joined[slug])
    return [
        DemoParticipation(covenant.slug, slug, joined[slug], left[slug])
        for slug in sorted(joined, key=lambda s: (joined[s], s))
    ]


@dataclass(frozen=True)
class _Wave:
    """`count` companies join between `first` and `last` (both inclusive)."""

    count: int
    first: date
    last: date


def _waves(
    covenant: DemoCovenant, *later: tuple[int, date, date], founders: int
) -> tuple[_Wave, ...]:
    at_signing = _Wave(founders, covenant.signed_on, covenant.signed_on)
    return (at_signing, *(_Wave(count, first, last) for count, first, last in later))


def _participants(
    rng: random.Random, covenant: DemoCovenant, market: _Market
) -> list[DemoParticipation]:
    """A plausible handful; for gold and the financial covenants, matching the public shares."""
    year = min(max(covenant.signed_on.year, YEARS[0]), YEARS[-1])
    share = {slug: market.share(slug, year) for slug in market.slugs}
    c = covenant
    members: tuple[str, ...]
    if c.slug == "insurance":
        # Via their associations: members holding 99% of the sector's investments.
        n = len(market.slugs)
        members = _choose_retrying(
            rng,
            market.slugs,
            (*range(n - 4, n - 15, -1), n - 3, n - 2, n - 1),
            [_Goal(share, 0.99, 0.004)],
        )
        waves = _waves(c, founders=len(members))
    elif c.slug == "pension-funds":
        # 73 funds at the signing, 81 in 2019 with about 90% of the assets.
        share_2019 = {slug: market.share(slug, 2019) for slug in market.slugs}
        members = _choose_retrying(rng, market.slugs, (81,), [_Goal(share_2019, 0.90, 0.015)])
        waves = _waves(c, (8, date(2019, 1, 15), date(2019, 11, 30)), founders=73)
    elif c.slug == "gold":
        # The debate in 2018: a handful of companies, about 1% of the relevant retail.
        share_2018 = {slug: market.share(slug, 2018) for slug in market.slugs}
        members = _choose_retrying(
            rng, market.slugs, (5, 6, 4, 7, 3), [_Goal(share_2018, 0.010, 0.002)]
        )
        waves = _waves(c, (1, date(2017, 9, 1), date(2017, 12, 31)), founders=len(members) - 1)
    else:
        waves = {
            "coal": _waves(c, founders=5),
            "banking": _waves(c, founders=13),
            "plant-proteins": _waves(c, (1, date(2017, 6, 1), date(2018, 6, 30)), founders=3),
            "forestry": _waves(c, (2, date(2017, 6, 1), date(2019, 12, 31)), founders=6),
            "food-products": _waves(c, (2, date(2018, 9, 1), date(2019, 12, 31)), founders=6),
            "natural-stone": _waves(
                c,
                (5, date(2019, 5, 14), date(2019, 10, 31)),
                (3, date(2020, 1, 1), date(2021, 12, 31)),
                founders=20,
            ),
            "metal": _waves(c, founders=7),
            "floriculture": _waves(c, (4, date(2020, 1, 1), date(2020, 12, 31)), founders=8),
            "renewable-energy": _waves(c, (3, date(2023, 4, 1), date(2023, 12, 31)), founders=10),
        }[c.slug]
        # Bigger companies are likelier to sign.
        members = _weighted_sample(rng, market.slugs, share, sum(w.count for w in waves))
    order = list(members)
    rng.shuffle(order)
    participations: list[DemoParticipation] = []
    for wave in waves:
        for slug in sorted(order[: wave.count]):
            joined_on = _day_between(rng, wave.first, wave.last)
            participations.append(DemoParticipation(c.slug, slug, joined_on, c.ended_on))
        order = order[wave.count :]
    return participations


def _choose_retrying(
    rng: random.Random,
    pool: Sequence[str],
    ks: Iterable[int],
    goals: Sequence[_Goal],
    *,
    attempts: int = 20,
) -> tuple[str, ...]:
    """The first of the sizes `ks` for which `_choose` meets the goals."""
    for k in ks:
        for _ in range(attempts):
            try:
                return _choose(rng, pool, k, goals)
            except _NoSolution:
                continue
    raise _NoSolution


def population_counts(population: DemoPopulation) -> dict[str, int]:
    """How many of each kind of record the population holds."""
    return {
        "companies": len(population.companies),
        "brands": len(population.brands),
        "market_shares": len(population.market_shares),
        "market_estimates": len(population.market_estimates),
        "participations": len(population.participations),
    }


@dataclass(frozen=True)
class RegisteredCovenant:
    """What the registry holds of a covenant: its market and the period it was in force."""

    slug: str
    market_sector: str | None
    market_segment: str
    signed_on: date | None  # None: never signed, or no status history at all
    closed_on: date | None  # ended or terminated; None: still in force
    has_history: bool  # whether any status change is recorded


def fit_to_registry(
    population: DemoPopulation, covenants: Mapping[str, RegisteredCovenant]
) -> DemoPopulation:
    """The population as the registry can hold it: markets named as the registry's covenants
    name them, and participation only in registered covenants, within their signed period.

    The reference data is the authority on a covenant's dates and market segment; the generator
    only knows them as they were when it was written.
    """
    renamed = _segment_names(covenants)

    def segment(sector: str, name: str) -> str:
        return renamed.get((sector, name), name)

    participations: list[DemoParticipation] = []
    for p in population.participations:
        registered = covenants.get(p.covenant)
        if registered is None:
            continue
        fitted = _within_period(p, registered)
        if fitted is not None:
            participations.append(fitted)
    return DemoPopulation(
        seed=population.seed,
        companies=tuple(
            replace(c, segment=segment(c.sector, c.segment)) for c in population.companies
        ),
        brands=population.brands,
        market_shares=tuple(
            replace(s, segment=segment(s.sector, s.segment)) for s in population.market_shares
        ),
        market_estimates=tuple(
            replace(e, segment=segment(e.sector, e.segment)) for e in population.market_estimates
        ),
        participations=tuple(participations),
    )


def _segment_names(covenants: Mapping[str, RegisteredCovenant]) -> dict[tuple[str, str], str]:
    """Generator segment -> registry segment, where a covenant's registered market is in the
    same sector but named differently (and no other generated market has that name)."""
    generated = {(spec.sector, spec.segment) for spec in _MARKETS}
    renamed: dict[tuple[str, str], str] = {}
    for demo in DEMO_COVENANTS:
        registered = covenants.get(demo.slug)
        if registered is None or registered.market_sector != demo.sector:
            continue
        target = (demo.sector, registered.market_segment)
        if target[1] != demo.segment and target not in generated:
            renamed[(demo.sector, demo.segment)] = registered.market_segment
    # Two markets that would merge into one keep their generated names.
    uses = Counter((sector, name) for (sector, _), name in renamed.items())
    return {key: name for key, name in renamed.items() if uses[(key[0], name)] == 1}


def _within_period(
    participation: DemoParticipation, covenant: RegisteredCovenant
) -> DemoParticipation | None:
    """The participation cut to the covenant's signed period; None when nothing is left."""
    if not covenant.has_history:
        return participation
    if covenant.signed_on is None:
        return None
    joined_on = max(participation.joined_on, covenant.signed_on)
    left_on = participation.left_on
    if covenant.closed_on is not None:
        if joined_on >= covenant.closed_on:
            return None
        left_on = covenant.closed_on if left_on is None else min(left_on, covenant.closed_on)
    if left_on is not None and left_on < joined_on:
        return None
    return replace(participation, joined_on=joined_on, left_on=left_on)
