"""`demo_load`: the synthetic population in the registry, next to the reference data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from imvo.core.demo import DEMO_COVENANTS, generate_demo
from imvo.core.errors import ImvoError
from imvo.web.registry import selectors
from imvo.web.registry.models import (
    Brand,
    Covenant,
    CovenantStatus,
    DataLoad,
    MarketEstimate,
    MarketShare,
    Organisation,
    OrganisationKind,
    Participation,
    RiskSector,
    StatusChange,
)
from imvo.web.registry.services import demo_load

pytestmark = pytest.mark.django_db

SECTORS = (
    "construction",
    "chemicals",
    "retail",
    "energy",
    "financial",
    "wholesale",
    "wood",
    "paper",
    "agriculture",
    "metal-electronics",
    "oil-gas",
    "textile",
    "food",
)
# Where the reference files name a market or date otherwise than the generator does.
REFERENCE_SEGMENTS = {"textile": "garments", "banking": "banks", "coal": "coal-fired-power"}
REFERENCE_CLOSED = {"coal": date(2018, 12, 31), "gold": date(2022, 12, 31)}


@pytest.fixture
def registry() -> dict[str, Covenant]:
    """The 13 risk sectors and covenants with their status history, as `imvo load reference`
    writes them; renewable energy is still being negotiated."""
    sectors = {
        slug: RiskSector.objects.create(slug=slug, name_nl=slug, name_en=slug, position=number)
        for number, slug in enumerate(SECTORS)
    }
    covenants = {}
    for demo in DEMO_COVENANTS:
        covenant = Covenant.objects.create(
            slug=demo.slug,
            name_nl=demo.slug,
            name_en=demo.slug,
            short_name=demo.slug,
            market_sector=sectors[demo.sector],
            market_segment=REFERENCE_SEGMENTS.get(demo.slug, demo.segment),
            market_measure=demo.measure,
        )
        if demo.slug == "renewable-energy":
            StatusChange.objects.create(
                covenant=covenant, status=CovenantStatus.NEGOTIATING, on=date(2022, 1, 1)
            )
        else:
            StatusChange.objects.create(
                covenant=covenant, status=CovenantStatus.SIGNED, on=demo.signed_on
            )
        closed_on = REFERENCE_CLOSED.get(demo.slug, demo.ended_on)
        if closed_on is not None:
            StatusChange.objects.create(
                covenant=covenant, status=CovenantStatus.ENDED, on=closed_on
            )
        covenants[demo.slug] = covenant
    return covenants


@pytest.fixture
def reference_company(registry: dict[str, Covenant]) -> Organisation:
    """A company from the reference data, not from the generator."""
    company = Organisation.objects.create(
        slug="real-company", name="Real Company", kind=OrganisationKind.COMPANY
    )
    Participation.objects.create(
        covenant=registry["textile"], organisation=company, joined_on=date(2016, 7, 4)
    )
    return company


def snapshot() -> dict[str, object]:
    """The synthetic rows, without their database keys."""
    return {
        "companies": sorted(
            Organisation.objects.filter(synthetic=True).values_list(
                "slug", "name", "kind", "sector__slug"
            )
        ),
        "brands": sorted(
            Brand.objects.filter(synthetic=True).values_list("slug", "name", "company__slug")
        ),
        "shares": sorted(
            MarketShare.objects.filter(synthetic=True).values_list(
                "company__slug", "sector__slug", "segment", "year", "share"
            )
        ),
        "estimates": sorted(
            MarketEstimate.objects.filter(synthetic=True).values_list(
                "sector__slug", "segment", "year", "measure", "amount_eur"
            )
        ),
        "participations": sorted(
            Participation.objects.filter(synthetic=True).values_list(
                "covenant__slug", "organisation__slug", "joined_on", "left_on"
            ),
            key=str,
        ),
    }


def test_demo_load_fails_clearly_without_reference_data() -> None:
    with pytest.raises(ImvoError, match=r"load the reference data first: imvo load reference"):
        demo_load()
    assert not Organisation.objects.exists()
    assert not DataLoad.objects.exists()


def test_demo_load_fails_clearly_when_a_sector_is_missing(registry: dict[str, Covenant]) -> None:
    RiskSector.objects.filter(slug="paper").delete()
    with pytest.raises(ImvoError, match=r"no risk sector paper"):
        demo_load()
    assert not Organisation.objects.filter(synthetic=True).exists()


def test_demo_load_refuses_to_take_over_a_reference_slug(registry: dict[str, Covenant]) -> None:
    Organisation.objects.create(
        slug="demo-textile-0001", name="Not demo at all", kind=OrganisationKind.COMPANY
    )
    with pytest.raises(ImvoError, match=r"'demo-textile-0001' is reference data"):
        demo_load()
    assert not Organisation.objects.filter(synthetic=True).exists()


def test_demo_load_writes_the_population_as_synthetic_companies(
    registry: dict[str, Covenant],
) -> None:
    counts = demo_load()
    assert counts["companies"] == Organisation.objects.filter(synthetic=True).count()
    assert 950 <= counts["companies"] <= 1050
    assert set(Organisation.objects.filter(synthetic=True).values_list("kind", flat=True)) == {
        OrganisationKind.COMPANY
    }
    assert counts["brands"] == Brand.objects.filter(synthetic=True).count()
    assert counts["market_shares"] == MarketShare.objects.filter(synthetic=True).count()
    assert counts["market_estimates"] == MarketEstimate.objects.filter(synthetic=True).count()
    assert counts["participations"] == Participation.objects.filter(synthetic=True).count()
    assert not Organisation.objects.filter(synthetic=True, brands__isnull=True).exists()


def test_demo_load_records_the_load(registry: dict[str, Covenant]) -> None:
    counts = demo_load(seed=11)
    load = DataLoad.objects.get(kind="demo")
    assert load.digest == "11"
    assert load.summary == counts


@pytest.mark.slow
def test_demo_load_twice_gives_the_same_rows(registry: dict[str, Covenant]) -> None:
    first_counts = demo_load()
    first = snapshot()
    second_counts = demo_load()
    assert second_counts == first_counts
    assert snapshot() == first


@pytest.mark.slow
def test_demo_load_of_another_seed_replaces_the_population(
    registry: dict[str, Covenant],
) -> None:
    demo_load(seed=1)
    demo_load(seed=2)
    expected = generate_demo(2)
    shares = dict(
        MarketShare.objects.filter(synthetic=True, year=2018).values_list("company__slug", "share")
    )
    assert shares == {s.company: s.share for s in expected.market_shares if s.year == 2018}
    assert DataLoad.objects.filter(kind="demo").latest().digest == "2"


@pytest.mark.slow
def test_demo_load_leaves_reference_rows_alone(
    registry: dict[str, Covenant], reference_company: Organisation
) -> None:
    estimate = MarketEstimate.objects.create(
        sector=RiskSector.objects.get(slug="textile"),
        segment="garments",
        year=2018,
        measure="turnover",
        amount_eur=Decimal(11_000_000_000),
    )
    counts = demo_load()
    demo_load()
    assert Organisation.objects.get(slug="real-company") == reference_company
    assert Participation.objects.filter(organisation=reference_company).count() == 1
    assert MarketEstimate.objects.get(pk=estimate.pk).amount_eur == 11_000_000_000
    assert counts["market_estimates_left_out"] == 1
    assert not MarketEstimate.objects.filter(
        synthetic=True, sector__slug="textile", segment="garments", year=2018
    ).exists()


def test_demo_markets_take_the_names_the_covenants_give_them(
    registry: dict[str, Covenant],
) -> None:
    demo_load()
    textile_segments = set(
        MarketShare.objects.filter(sector__slug="textile").values_list("segment", flat=True)
    )
    assert textile_segments == {"garments"}
    for covenant in Covenant.objects.all():
        companies = Organisation.objects.filter(participations__covenant=covenant)
        assert (
            not MarketShare.objects.filter(company__in=companies)
            .exclude(sector=covenant.market_sector, segment=covenant.market_segment)
            .exists()
        )


def test_demo_participation_stays_within_the_registered_periods(
    registry: dict[str, Covenant],
) -> None:
    demo_load()
    for covenant in Covenant.objects.prefetch_related("status_changes"):
        changes = {change.status: change.on for change in covenant.status_changes.all()}
        participations = Participation.objects.filter(covenant=covenant, synthetic=True)
        if CovenantStatus.SIGNED not in changes:
            assert not participations.exists()
            continue
        assert not participations.filter(joined_on__lt=changes[CovenantStatus.SIGNED]).exists()
        if CovenantStatus.ENDED in changes:
            ended_on = changes[CovenantStatus.ENDED]
            assert not participations.filter(left_on__isnull=True).exists()
            assert not participations.filter(left_on__gt=ended_on).exists()
    coal = Participation.objects.filter(covenant__slug="coal", synthetic=True)
    assert coal.exists()
    assert set(coal.values_list("left_on", flat=True)) == {date(2018, 12, 31)}


def test_demo_textile_coverage_through_the_registry_matches_the_published_figures(
    registry: dict[str, Covenant],
) -> None:
    demo_load()
    textile = selectors.covenant_facts(["textile"])["textile"]
    end_2018 = textile.coverage_on(date(2018, 12, 31))
    assert end_2018.market_share is not None
    assert 0.47 <= end_2018.market_share <= 0.49
    assert end_2018.brands is not None
    assert 91 <= end_2018.brands <= 93
    start = textile.coverage_on(date(2016, 7, 4))
    assert start.companies == 55
    assert start.market_share is not None
    assert start.market_share > 1 / 3


def test_demo_load_reports_its_progress(registry: dict[str, Covenant]) -> None:
    calls: list[tuple[int, int]] = []
    counts = demo_load(progress=lambda done, total: calls.append((done, total)))
    written = sum(
        counts[name]
        for name in ("companies", "brands", "market_shares", "market_estimates", "participations")
    )
    assert calls[0] == (0, written)
    assert calls[-1] == (written, written)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert {total for _, total in calls} == {written}
    assert len(calls) > 10
