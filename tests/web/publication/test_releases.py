"""Publishing releases: the rows they hold, immutability, the changelog, the files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import openpyxl
import pytest

from imvo.core.errors import ImvoError
from imvo.web.publication.files import release_file, release_files_write
from imvo.web.publication.models import Release, ReleaseRow
from imvo.web.publication.selectors import coordinate_flags, release_records
from imvo.web.publication.services import (
    consent_give,
    consent_withdraw,
    coordinates_resolve,
    release_publish,
)
from imvo.web.suppliers.models import Facility
from imvo.web.suppliers.services import facility_merge

pytestmark = pytest.mark.django_db


def _rows(release: Release) -> dict[str, Any]:
    return {record.name: record for record in release_records(release)}


def test_a_release_aggregates_the_latest_lists_of_the_participants(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    rows = _rows(release)
    assert (release.facility_count, release.participant_count, release.names_shown) == (
        10,
        7,
        True,
    )
    dhaka = rows["Dhaka Knitwear Ltd."]
    # HEMA consented: named with its brands; Zeeman did not: counted in a band.
    assert (dhaka.companies, dhaka.brands, dhaka.participants) == (
        ("HEMA",),
        ("HEMA", "HEMA kids"),
        "2\u20135",
    )
    assert rows["Coimbatore Spinning Mills"].participants == "1"
    # Six unnamed companies source at the mill: the band cannot say "all six".
    assert rows["Tirupur Shared Mill"].participants == "5\u20139"
    assert rows["Tirupur Shared Mill"].workers_band == "5,001\u201310,000"
    assert dhaka.workers_band == "1,001\u20135,000"


def test_coordinates_come_with_their_precision_and_flagged_ones_are_not_shown(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    rows = _rows(release_publish(covenant=cast.textile, year=2018, user=None))
    assert rows["Anhui Silk Garment Co."].coordinate_precision == "exact"
    assert rows["Dhaka Knitwear Ltd."].coordinate_precision == "city"
    assert rows["Bursa Orme Tekstil"].coordinate_precision == "unknown"
    assert rows["Bursa Orme Tekstil"].latitude is None
    flags = coordinate_flags()
    assert [(f["name"], f["problem"]) for f in flags] == [
        ("Bursa Orme Tekstil", "the coordinates lie in BD, not in TR")
    ]


def test_a_resolved_flag_is_published_as_the_secretariat_decided(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    bursa = Facility.objects.get(name="Bursa Orme Tekstil")
    coordinates_resolve(facility=bursa, verdict="corrected", latitude=40.19, longitude=29.06)
    row = _rows(release_publish(covenant=cast.textile, year=2018, user=None))["Bursa Orme Tekstil"]
    assert (row.latitude, row.longitude, row.coordinate_precision) == (40.19, 29.06, "exact")
    assert coordinate_flags() == []
    coordinates_resolve(facility=bursa, verdict="discarded")
    row = _rows(release_publish(covenant=cast.textile, year=2018, user=None))["Bursa Orme Tekstil"]
    assert row.coordinate_precision == "city"  # Bursa is in the gazetteer


def test_a_release_cannot_be_changed_or_deleted(cast: Any, textile_2018: dict[str, Any]) -> None:
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    row = release.rows.first()
    assert row is not None
    row.name = "Something else"
    with pytest.raises(ImvoError):
        row.save()
    with pytest.raises(ImvoError):
        ReleaseRow.objects.filter(release=release).update(name="x")
    with pytest.raises(ImvoError):
        Release.objects.filter(pk=release.pk).delete()
    with pytest.raises(ImvoError):
        release.delete()


def test_a_release_keeps_its_rows_when_the_registry_changes(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    before = release_records(release)
    Facility.objects.filter(name="Dhaka Knitwear Ltd.").update(name="Renamed")
    assert release_records(release) == before


def test_the_changelog_follows_merges_and_names_new_gone_and_changed(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    first = release_publish(covenant=cast.textile, year=2018, user=None)
    coimbatore = Facility.objects.get(name="Coimbatore Spinning Mills")
    tirupur = Facility.objects.get(name="Tirupur Shared Mill")
    facility_merge(source=coimbatore, target=tirupur)
    consent_give(company=textile_2018["wibra"], year=2018)
    second = release_publish(covenant=cast.textile, year=2018, user=None)
    log = second.changelog
    assert second.version == 2 and second.previous == first
    assert log["merged"] == [{"from": coimbatore.facility_id, "to": tirupur.facility_id}]
    assert log["new"] == [] and log["gone"] == []
    changed = {c["facility_id"]: c["columns"] for c in log["changed"]}
    assert "companies" in changed[tirupur.facility_id]


def test_publishing_is_refused_for_someone_else_than_the_secretariat(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    from web.accounts.people import build_people

    people = build_people(cast)
    with pytest.raises(ImvoError, match="only the secretariat"):
        release_publish(covenant=cast.textile, year=2018, user=people.banking_secretariat)
    release = release_publish(covenant=cast.textile, year=2018, user=people.textile_secretariat)
    assert release.published_by == people.textile_secretariat


def test_a_year_without_lists_cannot_be_published(cast: Any) -> None:
    with pytest.raises(ImvoError, match="has a supplier list for 2018"):
        release_publish(covenant=cast.textile, year=2018, user=None)


def test_withdrawn_consent_stops_naming_in_later_releases(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    first = release_publish(covenant=cast.textile, year=2018, user=None)
    consent_withdraw(company=cast.hema, year=2018)
    second = release_publish(covenant=cast.textile, year=2018, user=None)
    assert _rows(first)["Coimbatore Spinning Mills"].companies == ("HEMA",)
    assert _rows(second)["Coimbatore Spinning Mills"].companies == ()


def test_the_release_files_validate_and_open(
    cast: Any, textile_2018: dict[str, Any], tmp_path: Path
) -> None:
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    written = release_files_write(release, tmp_path)
    assert sorted(p.name for p in written) == [
        "datapackage.json",
        "imvo-textile-2018-v1.csv",
        "imvo-textile-2018-v1.geojson",
        "imvo-textile-2018-v1.xlsx",
    ]
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    sheet = openpyxl.load_workbook(tmp_path / "imvo-textile-2018-v1.xlsx").active
    assert sheet is not None and sheet.max_row == 11
    geojson = json.loads((tmp_path / "imvo-textile-2018-v1.geojson").read_text())
    assert len(geojson["features"]) == 10
    data, content_type, name = release_file(release, "datapackage")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "zip")
    assert frictionless.validate(str(tmp_path / "zip" / "datapackage.json")).valid
    assert (content_type, name) == ("application/zip", "imvo-textile-2018-v1.zip")


def test_a_publication_that_lands_while_another_is_built_comes_first_and_is_its_previous(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    from imvo.web.publication.selectors import country_locator_default

    landed: list[Release] = []
    reads: list[int] = []

    def countries_of(points: Any) -> list[str]:
        # Called while the outer publication reads, outside its write transaction: another
        # publication of the covenant lands right then.
        reads.append(len(points))
        if not landed:
            landed.append(release_publish(covenant=cast.textile, year=2018, user=None))
        return country_locator_default(points)

    outer = release_publish(covenant=cast.textile, year=2018, user=None, countries_of=countries_of)
    (inner,) = landed
    assert len(reads) == 2  # built again on top of the one that landed
    assert (inner.version, outer.version) == (1, 2)
    assert outer.previous == inner
    assert outer.changelog["previous_release_id"] == inner.pk
    assert Release.objects.filter(covenant=cast.textile).count() == 2
