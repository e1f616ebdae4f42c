"""Selectors on the shipped reference data plus the synthetic demo population."""

from __future__ import annotations

from datetime import date

import pytest

from imvo.web.registry import selectors
from imvo.web.registry.services import demo_load, reference_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape() -> None:
    reference_load()
    demo_load()


def sector(slug: str, on: date) -> dict:
    return next(s for s in selectors.sector_list(on=on) if s["slug"] == slug)


def test_sector_with_one_covered_market_reports_its_market_share(landscape: None) -> None:
    textile = sector("textile", date(2018, 12, 31))
    assert textile["status"] == "covenant"
    assert textile["coverage"]["basis"] == "companies"
    assert textile["coverage"]["market_share"] == pytest.approx(0.48, abs=0.015)


def test_sector_with_several_markets_reports_shares_per_covenant_only(landscape: None) -> None:
    financial = sector("financial", date(2019, 6, 30))
    coverage = financial["coverage"]
    assert coverage["market_share"] is None
    by_covenant = {c["covenant"]: c for c in coverage["by_covenant"]}
    assert set(by_covenant) == {"banking", "insurance", "pension-funds"}
    assert all(c["market_share"] for c in by_covenant.values())
    assert coverage["companies"] == sum(c["companies"] for c in by_covenant.values())


def test_company_level_data_takes_over_from_the_published_figure(landscape: None) -> None:
    result = selectors.coverage_get(covenant="textile", on=date(2018, 12, 31))
    assert result["basis"] == "companies"
    assert result["brands"] == pytest.approx(92, abs=3)
    targets = selectors.target_list(on=date(2018, 12, 31), covenant="textile")
    first = next(t for t in targets if t["deadline"] == date(2018, 12, 31))
    assert first["status"] == "missed"
    assert first["basis"] == "companies"


def test_series_runs_monthly_from_signing_to_the_end(landscape: None) -> None:
    detail = selectors.covenant_detail(slug="textile", on=date(2026, 1, 1))
    months = detail["series"]["months"]
    assert months[0] == date(2016, 7, 31)
    assert len(months) == len(set(months))
    assert months[-1] <= date(2022, 1, 31)
    shares = [s for s in detail["series"]["market_share"] if s]
    assert min(shares) > 0.3
    assert max(shares) < 0.6


def test_timeline_periods_stay_within_the_window(landscape: None) -> None:
    rows = selectors.covenant_timeline(start=date(2014, 1, 1), end=date(2024, 1, 1))
    assert {r["slug"] for r in rows} >= {"coal", "textile", "renewable-energy"}
    for row in rows:
        for period in row["periods"]:
            assert date(2014, 1, 1) <= period["start"] <= period["end"] <= date(2024, 1, 1)
