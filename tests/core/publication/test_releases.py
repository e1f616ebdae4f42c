"""A release's rows, its changelog against the previous one, its bands and its Frictionless
descriptor."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from pathlib import Path

import frictionless
import pytest

from imvo.core.exports import export_write
from imvo.core.publication.bands import PLEDGE_BANDS, pledge_band, pledge_band_of
from imvo.core.publication.datapackage import datapackage_descriptor
from imvo.core.publication.geo import Located
from imvo.core.publication.releases import (
    Change,
    FacilitySource,
    ReleaseRecord,
    changelog,
    release_build,
)


def _source(facility_id: str, companies: set[str], **changes: object) -> FacilitySource:
    source = FacilitySource(
        facility_id=facility_id,
        name=f"Factory {facility_id}",
        address="Plot 12",
        city="Dhaka",
        province=None,
        country="BD",
        located=Located(23.71, 90.41, "city"),
        product_types=("T-shirts",),
        workers_band=PLEDGE_BANDS[1],
        companies=frozenset(companies),
    )
    return replace(source, **changes)  # type: ignore[arg-type]


NAMES = {"hema": "HEMA", "zeeman": "Zeeman"}
BRANDS = {"hema": ("HEMA", "HEMA kids")}


def _build(*sources: FacilitySource) -> tuple[ReleaseRecord, ...]:
    _, records = release_build(
        sources,
        participants=frozenset(NAMES),
        consenting=frozenset(NAMES),
        company_names=NAMES,
        brands=BRANDS,
    )
    return records


def test_rows_name_consenting_companies_and_their_brands_sorted_by_facility_id() -> None:
    records = _build(_source("BD2", {"zeeman"}), _source("BD1", {"hema", "zeeman"}))
    assert [(r.facility_id, r.companies, r.brands, r.participants) for r in records] == [
        ("BD1", ("HEMA", "Zeeman"), ("HEMA", "HEMA kids"), "2"),
        ("BD2", ("Zeeman",), (), "1"),
    ]
    assert records[0].coordinate_precision == "city"


def test_the_changelog_tells_new_gone_and_changed_facilities_following_merges() -> None:
    before = _build(_source("BD1", {"hema"}), _source("BD2", {"hema"}), _source("BD3", {"hema"}))
    after = _build(
        _source("BD1", {"hema"}, name="Factory BD1 renamed"),
        _source("BD4", {"zeeman"}),
        _source("BD5", {"hema"}, name="Factory BD3"),
    )
    log = changelog(before, after, resolve=lambda fid: {"BD3": "BD5"}.get(fid, fid))
    assert log.new == ("BD4",)
    assert log.gone == ("BD2",)
    assert log.changed == (Change("BD1", ("name",)),)
    assert log.merged == (("BD3", "BD5"),)
    assert log.unchanged == 1


def test_against_no_previous_release_everything_is_new() -> None:
    log = changelog((), _build(_source("BD1", {"hema"})), resolve=lambda fid: fid)
    assert (log.new, log.gone, log.changed, log.unchanged) == (("BD1",), (), (), 0)


@pytest.mark.parametrize(
    ("low", "high", "band"),
    [
        (1, 1, 0),
        (1000, 1000, 0),
        (1001, 1001, 1),
        (5000, 5000, 1),
        (5001, None, 2),
        (10000, 10000, 2),
        (10001, 10001, 3),
        (500, 1000, 0),
        (900, 1300, 1),
    ],
)
def test_workers_fall_in_the_transparency_pledge_bands(
    low: int, high: int | None, band: int
) -> None:
    assert pledge_band(low, high) == PLEDGE_BANDS[band]


def test_every_band_the_intake_stores_has_its_pledge_band() -> None:
    from imvo.core.exports import workers_band

    for low in (1, 100, 101, 500, 501, 1000, 1001, 5000, 5001, 10000, 10001, 99999):
        assert pledge_band_of(workers_band(low, low)) == pledge_band(low, low)
    assert pledge_band_of("") is None


def _package(tmp_path: Path, records: tuple[ReleaseRecord, ...]) -> Path:
    out = io.BytesIO()
    export_write(records, record_type=ReleaseRecord, fmt="csv", out=out)
    data = out.getvalue()
    (tmp_path / "facilities.csv").write_bytes(data)
    descriptor = datapackage_descriptor(
        name="imvo-textile-2018-v1",
        title="Production locations 2018",
        description="A test release.",
        created="2019-01-15T10:00:00+00:00",
        csv_path="facilities.csv",
        csv_sha256=hashlib.sha256(data).hexdigest(),
        csv_bytes=len(data),
    )
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    return path


def test_the_data_package_validates_with_frictionless(tmp_path: Path) -> None:
    records = _build(
        _source("BD1", {"hema", "zeeman"}, name="=HYPERLINK(1)", product_types=("a", "b")),
        _source("BD2", {"zeeman"}, located=Located(None, None, "country"), workers_band=None),
    )
    report = frictionless.validate(str(_package(tmp_path, records)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_changed_file_fails_validation(tmp_path: Path) -> None:
    path = _package(tmp_path, _build(_source("BD1", {"hema"})))
    csv_path = tmp_path / "facilities.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Factory", b"Fabriek"))
    assert not frictionless.validate(str(path)).valid
