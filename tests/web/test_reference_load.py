"""`reference_load` writes the shipped reference data once, idempotently, in one transaction,
and leaves the synthetic demo rows alone."""

from __future__ import annotations

import shutil
import typing
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from imvo.core import reference as core_reference
from imvo.core.errors import ImvoError
from imvo.core.reference import default_reference_dir, load_reference_dir
from imvo.web.registry import models as m
from imvo.web.registry.services import reference_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(
        default_reference_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot() -> dict[str, Counter[tuple[Any, ...]]]:
    """Every registry row the reference data can touch, without database ids."""
    sourced = ("source__key", "confidence", "note")
    tables: dict[str, Any] = {
        "sources": m.Source.objects.values_list(
            "key", "title", "publisher", "url", "published_on", "note"
        ),
        "sectors": m.RiskSector.objects.values_list(
            "slug", "name_nl", "name_en", "position", *sourced
        ),
        "themes": m.Theme.objects.values_list(
            "slug", "name_nl", "name_en", "core", "position", *sourced
        ),
        "organisations": m.Organisation.objects.values_list(
            "slug", "name", "kind", "sector__slug", "synthetic", *sourced
        ),
        "covenants": m.Covenant.objects.values_list(
            "slug",
            "name_nl",
            "name_en",
            "short_name",
            "ser_process",
            "ends_on",
            "market_sector__slug",
            "market_segment",
            "market_measure",
            "website",
            *sourced,
        ),
        "covenant_sectors": m.Covenant.sectors.through.objects.values_list(
            "covenant__slug", "risksector__slug"
        ),
        "covenant_sources": m.Covenant.sources.through.objects.values_list(
            "covenant__slug", "source__key"
        ),
        "status_changes": m.StatusChange.objects.values_list(
            "covenant__slug", "status", "on", *sourced
        ),
        "participations": m.Participation.objects.values_list(
            "covenant__slug", "organisation__slug", "joined_on", "left_on", "synthetic", *sourced
        ),
        "observations": m.Observation.objects.values_list(
            "covenant__slug", "on", "metric", "value", "low", "high", *sourced
        ),
        "targets": m.Target.objects.values_list(
            "covenant__slug",
            "metric",
            "baseline_value",
            "baseline_on",
            "target_value",
            "deadline",
            *sourced,
        ),
        "theme_coverage": m.ThemeCoverage.objects.values_list(
            "covenant__slug", "theme__slug", "level", "since", "basis", *sourced
        ),
        "market_estimates": m.MarketEstimate.objects.values_list(
            "sector__slug", "segment", "year", "measure", "amount_eur", "synthetic", *sourced
        ),
    }
    return {name: Counter(rows) for name, rows in tables.items()}


def test_the_first_load_writes_the_shipped_reference_data():
    data = load_reference_dir(default_reference_dir())
    summary = reference_load()
    assert summary["skipped"] is False
    assert summary["sectors"] == m.RiskSector.objects.count() == 13
    assert summary["covenants"] == m.Covenant.objects.count() == 13
    assert summary["themes"] == m.Theme.objects.count() == len(data.themes)
    assert m.Theme.objects.filter(core=True).count() == 5
    assert summary["sources"] == m.Source.objects.count() == len(data.sources)
    assert summary["status_changes"] == m.StatusChange.objects.count()
    assert summary["observations"] == m.Observation.objects.count()
    assert summary["targets"] == m.Target.objects.count() == 2
    assert summary["theme_coverage"] == m.ThemeCoverage.objects.count()
    assert summary["participations"] == m.Participation.objects.count()
    load = m.DataLoad.objects.get()
    assert (load.kind, load.digest) == ("reference", data.digest)
    assert load.summary == {k: v for k, v in summary.items() if k != "skipped"}


def test_loaded_facts_match_the_sources():
    reference_load()
    textile = m.Covenant.objects.get(slug="textile")
    signed = textile.status_changes.get(status="signed")
    assert (signed.on, signed.source.key) == (date(2016, 7, 4), "agt-covenant-text")
    assert [s.slug for s in textile.sectors.all()] == ["textile"]
    assert (textile.market_sector.slug, textile.market_measure) == ("textile", "turnover")
    assert {"agt-covenant-text", "imvoconvenanten", "kamerstuk-26485-258"} <= set(
        textile.sources.values_list("key", flat=True)
    )
    brands = textile.observations.get(on=date(2018, 12, 31), metric="brands")
    assert (brands.value, brands.low, brands.high) == (92.5, 92, 93)
    assert m.Covenant.objects.get(slug="coal").ser_process is False
    assert m.Covenant.objects.get(slug="banking").market_measure == "assets"
    debate_claim = textile.theme_coverage.get(theme__slug="living-wage", basis="statement")
    assert (debate_claim.level, debate_claim.since) == ("none", date(2018, 3, 6))
    assert debate_claim.source.key == "kamerstuk-26485-258"


def test_parties_join_on_the_signing_date_unless_the_file_says_otherwise():
    reference_load()
    nvb = m.Participation.objects.get(covenant__slug="banking", organisation__slug="nvb")
    assert (nvb.joined_on, nvb.left_on, nvb.synthetic) == (date(2016, 10, 28), None, False)


def test_a_second_load_of_unchanged_files_is_skipped():
    first = reference_load()
    before = snapshot()
    second = reference_load()
    assert second["skipped"] is True
    assert {k: v for k, v in second.items() if k != "skipped"} == {
        k: v for k, v in first.items() if k != "skipped"
    }
    assert snapshot() == before
    assert m.DataLoad.objects.count() == 1


def test_force_reloads_without_duplicates():
    reference_load()
    before = snapshot()
    again = reference_load(force=True)
    assert again["skipped"] is False
    assert snapshot() == before
    assert m.DataLoad.objects.count() == 2


def test_reference_rows_edited_in_the_database_are_restored_by_a_forced_load():
    reference_load()
    before = snapshot()
    m.Covenant.objects.filter(slug="textile").update(name_en="Edited in the admin")
    m.Observation.objects.filter(covenant__slug="textile").delete()
    reference_load(force=True)
    assert snapshot() == before


def test_a_changed_file_is_loaded_without_force(reference_copy):
    reference_load(path=reference_copy)
    edit(reference_copy / "covenants" / "textile.yaml", "short_name: Textile", "short_name: AGT")
    summary = reference_load(path=reference_copy)
    assert summary["skipped"] is False
    assert m.Covenant.objects.get(slug="textile").short_name == "AGT"


def test_a_record_removed_from_a_file_disappears_on_reload(reference_copy):
    reference_load(path=reference_copy)
    textile = reference_copy / "covenants" / "textile.yaml"
    edit(
        textile,
        "  - date: 2019-12-31\n    metric: companies\n    value: 57\n",
        "  - date: 2019-12-31\n    metric: parties\n    value: 57\n",
    )
    reference_load(path=reference_copy)
    metrics = set(
        m.Observation.objects.filter(covenant__slug="textile", on=date(2019, 12, 31)).values_list(
            "metric", flat=True
        )
    )
    assert metrics == {"parties", "market_share"}


def test_a_reload_keeps_the_synthetic_demo_rows():
    reference_load()
    textile = m.Covenant.objects.get(slug="textile")
    sector = m.RiskSector.objects.get(slug="textile")
    demo = m.Organisation.objects.create(
        slug="demo-fashion", name="Demo Fashion", kind="company", sector=sector, synthetic=True
    )
    m.Participation.objects.create(
        covenant=textile, organisation=demo, joined_on=date(2017, 1, 1), synthetic=True
    )
    government = m.Organisation.objects.get(slug="dutch-government")
    m.Participation.objects.create(
        covenant=textile, organisation=government, joined_on=date(2019, 1, 1), synthetic=True
    )
    m.MarketEstimate.objects.create(
        sector=sector, year=2018, measure="turnover", amount_eur=10**10, synthetic=True
    )
    before = snapshot()
    reference_load(force=True)
    assert snapshot() == before
    assert m.Participation.objects.filter(synthetic=True).count() == 2


def test_a_broken_file_leaves_the_database_unchanged(reference_copy):
    reference_load(path=reference_copy)
    before = snapshot()
    edit(reference_copy / "covenants" / "textile.yaml", "deadline: 2018-12-31", "deadline: 2018")
    with pytest.raises(ImvoError, match=r"covenants/textile\.yaml: targets\[0\]\.deadline"):
        reference_load(path=reference_copy)
    assert snapshot() == before
    assert m.DataLoad.objects.count() == 1


def test_a_write_that_fails_halfway_rolls_everything_back(reference_copy):
    reference_load(path=reference_copy)
    before = snapshot()
    # The edit is written first (sources and sectors come before organisations) ...
    edit(reference_copy / "sectors.yaml", "name_en: Wood", "name_en: Timber")
    edit(
        reference_copy / "organisations.yaml",
        "organisations:\n",
        "organisations:\n  - {slug: demo-bank, name: Demo Bank, kind: company, source: ser}\n",
    )
    # ... and then a synthetic organisation holds a reference slug.
    m.Organisation.objects.create(
        slug="demo-bank", name="Demo Bank", kind="company", synthetic=True
    )
    before["organisations"] = snapshot()["organisations"]
    with pytest.raises(ImvoError) as raised:
        reference_load(path=reference_copy)
    assert str(raised.value).startswith("organisations.yaml: organisations[demo-bank].slug: ")
    assert snapshot() == before
    assert m.RiskSector.objects.get(slug="wood").name_en == "Wood"
    assert m.DataLoad.objects.count() == 1


def test_a_failed_first_load_writes_nothing():
    m.Organisation.objects.create(slug="nvb", name="Demo NVB", kind="company", synthetic=True)
    with pytest.raises(ImvoError, match="synthetic"):
        reference_load()
    assert m.Source.objects.count() == 0
    assert m.Covenant.objects.count() == 0
    assert m.DataLoad.objects.count() == 0


def test_a_market_estimate_the_demo_data_already_holds_is_a_conflict(reference_copy):
    reference_load(path=reference_copy)
    edit(
        reference_copy / "markets.yaml",
        "estimates: []",
        "estimates:\n  - {sector: textile, segment: garments, year: 2018, measure: turnover,"
        " amount_eur: 1000, source: ser}",
    )
    sector = m.RiskSector.objects.get(slug="textile")
    m.MarketEstimate.objects.create(
        sector=sector,
        segment="garments",
        year=2018,
        measure="turnover",
        amount_eur=5,
        synthetic=True,
    )
    with pytest.raises(ImvoError, match=r"markets\.yaml: estimates\[0\]: the demo data"):
        reference_load(path=reference_copy)
    assert m.MarketEstimate.objects.get().amount_eur == 5


def test_reference_market_estimates_are_replaced_on_reload(reference_copy):
    markets = reference_copy / "markets.yaml"
    edit(
        markets,
        "estimates: []",
        "estimates:\n  - {sector: textile, year: 2018, measure: turnover, amount_eur: 1000,"
        " source: ser}",
    )
    assert reference_load(path=reference_copy)["market_estimates"] == 1
    edit(markets, "year: 2018, measure", "year: 2019, measure")
    reference_load(path=reference_copy)
    assert list(m.MarketEstimate.objects.values_list("year", flat=True)) == [2019]


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (core_reference.Confidence, m.Confidence),
        (core_reference.CovenantStatus, m.CovenantStatus),
        (core_reference.OrganisationKind, m.OrganisationKind),
        (core_reference.Metric, m.Metric),
        (core_reference.MarketMeasure, m.MarketMeasure),
        (core_reference.CoverageLevel, m.CoverageLevel),
        (core_reference.ClaimBasis, m.ClaimBasis),
    ],
    ids=["confidence", "status", "kind", "metric", "measure", "level", "basis"],
)
def test_the_values_the_files_accept_are_the_models_choices(literal, choices):
    assert set(typing.get_args(literal)) == set(choices.values)
