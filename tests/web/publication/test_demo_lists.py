"""`imvo load demo` hands in supplier lists for the textile participants, so that a release of
2018 can be published from the demo; reloading replaces them, releases included."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import frictionless
import pytest

from imvo.core.demo_lists import CONSENT_YEARS, LIST_SIZE, demo_list_bytes, demo_lists
from imvo.core.intake import read_table
from imvo.core.publication.geo import gazetteer_default
from imvo.web.publication.demo import supplier_lists_demo_delete, supplier_lists_demo_load
from imvo.web.publication.files import release_files_write
from imvo.web.publication.models import PublicationConsent, Release, ReleaseRow
from imvo.web.publication.selectors import facility_search
from imvo.web.publication.services import release_publish
from imvo.web.registry.models import Covenant, Organisation
from imvo.web.registry.services import demo_load
from imvo.web.suppliers.models import Facility, SupplierList, SupplierRow
from web.suppliers.cast import StandInMatcher
from web.test_demo_load import registry  # noqa: F401 - the fixture

PARTICIPANTS = {
    2017: [f"company-{n:02d}" for n in range(30)],
    2018: [f"company-{n:02d}" for n in range(36)],
    2019: [f"company-{n:02d}" for n in range(2, 40)],
}


@pytest.fixture
def sqlite_only(request: pytest.FixtureRequest) -> None:
    """Skipped in the PostgreSQL pass to keep it short: reloading is the ORM's deletes and the
    same imports as the release test, which does run there; the demo's own reload runs on
    PostgreSQL in tests/web/test_demo_load.py."""
    if request.config.getoption("database") == "postgres":
        pytest.skip(
            "reloading the demo lists: checked on SQLite; the PostgreSQL pass is kept short"
        )


@pytest.fixture(scope="module")
def made() -> Any:
    gazetteer = gazetteer_default()
    return demo_lists(
        seed=2018,
        participants=PARTICIPANTS,
        known_city=lambda city, country: gazetteer.lookup(city, country) is not None,
    )


# --- the generator ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_files(made: Any) -> None:
    again = demo_lists(seed=2018, participants=PARTICIPANTS, known_city=None)
    other = demo_lists(seed=7, participants=PARTICIPANTS, known_city=None)
    first = [demo_list_bytes(item) for item in made.lists if item.kind != "xlsx"]
    # Without the gazetteer check the pool differs, so compare a run with itself.
    assert [demo_list_bytes(item) for item in again.lists if item.kind != "xlsx"] == [
        demo_list_bytes(item)
        for item in demo_lists(seed=2018, participants=PARTICIPANTS).lists
        if item.kind != "xlsx"
    ]
    assert first and again.lists != other.lists


def test_every_participant_hands_in_one_list_a_year_of_10_to_150_rows(made: Any) -> None:
    per_year = defaultdict(list)
    for item in made.lists:
        per_year[item.year].append(item.company)
        assert LIST_SIZE[0] <= len(item.rows) <= LIST_SIZE[1]
        assert len({row.facility for row in item.rows}) == len(item.rows)
    assert {year: sorted(c) for year, c in per_year.items()} == PARTICIPANTS


def test_the_rows_lie_in_sourcing_countries_and_cities_the_gazetteer_knows(made: Any) -> None:
    gazetteer = gazetteer_default()
    rows = [row for item in made.lists for row in item.rows]
    countries = Counter(row.country for row in rows)
    assert {"CN", "BD", "IN", "TR", "VN", "PK"} <= set(countries)
    with_city = [row for row in rows if row.city]
    known = [row for row in with_city if gazetteer.lookup(row.city, row.country) is not None]
    assert len(with_city) > 0.8 * len(rows)
    assert len(known) > 0.9 * len(with_city)
    with_coordinates = [row for row in rows if row.latitude is not None]
    assert 0.1 * len(rows) < len(with_coordinates) < 0.6 * len(rows)


def test_facilities_are_shared_and_spelt_differently_by_different_companies(made: Any) -> None:
    spellings: dict[str, set[str]] = defaultdict(set)
    companies: dict[str, set[str]] = defaultdict(set)
    for item in made.lists:
        for row in item.rows:
            spellings[row.facility].add(row.name)
            companies[row.facility].add(item.company)
    shared = [facility for facility, names in companies.items() if len(names) > 1]
    assert len(shared) > 0.2 * len(companies)
    assert sum(1 for facility in shared if len(spellings[facility]) > 1) > 0.3 * len(shared)


def test_lists_change_from_one_year_to_the_next(made: Any) -> None:
    lists = {(item.company, item.year): {row.facility for row in item.rows} for item in made.lists}
    for company in PARTICIPANTS[2017]:
        before, after = lists[(company, 2017)], lists[(company, 2018)]
        assert before & after
    assert any(lists[(c, 2017)] != lists[(c, 2018)] for c in PARTICIPANTS[2017]), "no list changed"


def test_about_half_the_companies_consent_for_2018_and_2019_only(made: Any) -> None:
    consenting = {company for company, _ in made.consents}
    everyone = {item.company for item in made.lists}
    assert 0.25 * len(everyone) < len(consenting) < 0.75 * len(everyone)
    assert {year for _, year in made.consents} == set(CONSENT_YEARS)


def test_the_files_are_latin1_semicolon_csv_utf8_csv_and_xlsx_the_intake_reads(
    made: Any,
) -> None:
    seen = set()
    accented = 0
    for item in made.lists:
        data = demo_list_bytes(item)
        table = read_table(data, filename=item.filename)
        seen.add((table.format, table.delimiter or "", item.kind))
        assert len(table.rows) == len(item.rows)
        if item.kind == "csv-latin1" and not data.isascii():
            accented += 1
            assert table.encoding != "utf-8"
            data.decode("latin-1")
    assert {kind for *_, kind in seen} == {"csv-latin1", "csv-utf8", "xlsx"}
    assert ("csv", ";", "csv-latin1") in seen and accented


# --- the loader ------------------------------------------------------------------------------


def _snapshot() -> dict[str, Any]:
    return {
        "lists": sorted(
            SupplierList.objects.values_list("company__slug", "year", "version", "row_count")
        ),
        "facilities": sorted(Facility.objects.values_list("facility_id", "name")),
        "consents": sorted(PublicationConsent.objects.values_list("company__slug", "year")),
    }


def _check_release(release: Release, tmp_path: Path) -> None:
    release_files_write(release, tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    consenting = set(
        PublicationConsent.objects.filter(year=release.year).values_list("company__name", flat=True)
    )
    named = {name for row in ReleaseRow.objects.filter(release=release) for name in row.companies}
    assert named and named <= consenting
    silent = set(
        Organisation.objects.filter(supplier_lists__year=release.year)
        .exclude(name__in=consenting)
        .values_list("name", flat=True)
    )
    published = "\n".join(
        path.read_text() for path in tmp_path.glob("*.*") if path.suffix != ".xlsx"
    )
    assert not {name for name in silent if json.dumps(name)[1:-1] in published}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_lists_make_a_release_of_2018_that_names_only_consenting_companies(
    registry: dict[str, Covenant],  # noqa: F811
    tmp_path: Path,
) -> None:
    demo_load()
    summary = supplier_lists_demo_load(seed=2018, matcher=StandInMatcher())
    assert summary["supplier_lists"] > 100 and summary["facilities"] > 1000
    assert summary["consents"] > 0
    release = release_publish(covenant=registry["textile"], year=2018, user=None)
    assert release.synthetic and release.facility_count > 1000 and release.names_shown
    assert release.participant_count == SupplierList.objects.filter(year=2018).count()
    _check_release(release, tmp_path)
    # the public pages and API read the same facilities the release holds
    released = set(ReleaseRow.objects.filter(release=release).values_list("facility_id", flat=True))
    assert {facility["facility_id"] for facility in facility_search()} == released


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("sqlite_only")
def test_reloading_the_demo_replaces_lists_facilities_consents_and_releases(
    registry: dict[str, Covenant],  # noqa: F811
) -> None:
    demo_load()
    supplier_lists_demo_load(seed=2018, matcher=StandInMatcher())
    release_publish(covenant=registry["textile"], year=2018, user=None)
    first = _snapshot()
    demo_load()  # removes the lists and the release
    assert not Release.objects.exists() and not SupplierRow.objects.exists()
    assert not Facility.objects.exists()
    supplier_lists_demo_load(seed=2018, matcher=StandInMatcher())
    release_publish(covenant=registry["textile"], year=2018, user=None)
    assert _snapshot() == first
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_clean_up_leaves_real_lists_facilities_and_releases(cast: Any) -> None:
    from web.publication.story import story

    story(cast)
    real = release_publish(covenant=cast.textile, year=2018, user=None)
    before = _snapshot()
    assert not real.synthetic
    supplier_lists_demo_delete()
    assert Release.objects.filter(pk=real.pk).exists()
    assert _snapshot() == before
