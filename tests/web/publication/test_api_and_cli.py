"""The publication API and commands, and the acceptance test that no file, selector or API
response names a company that did not consent."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from imvo.web.publication import selectors
from imvo.web.publication.files import release_file
from imvo.web.publication.services import release_publish
from imvo.web.registry.jsonable import to_jsonable
from imvo.web.suppliers.models import Facility
from imvo.web.suppliers.services import facility_merge
from web.publication.story import NON_CONSENTING_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(cast: Any, textile_2018: dict[str, Any]) -> Any:
    return release_publish(covenant=cast.textile, year=2018, user=None)


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_no_public_output_names_a_company_that_did_not_consent(
    client: Client, published: Any
) -> None:
    texts = []
    for fmt in ("csv", "geojson"):
        texts.append(release_file(published, fmt)[0].decode("utf-8-sig"))
    workbook = openpyxl.load_workbook(io.BytesIO(release_file(published, "xlsx")[0]))
    texts.append(" ".join(str(c.value) for row in workbook.active.iter_rows() for c in row))  # type: ignore[union-attr]
    with zipfile.ZipFile(io.BytesIO(release_file(published, "datapackage")[0])) as archive:
        texts.extend(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    urls = ["/api/v1/releases/", f"/api/v1/releases/{published.pk}/", "/api/v1/brands/"]
    urls.append("/api/v1/facilities/?page_size=500")
    urls += [f"/api/v1/facilities/{f.facility_id}/" for f in Facility.objects.all()]
    texts += [client.get(url).content.decode() for url in urls]
    texts.append(json.dumps(to_jsonable(selectors.brand_list())))
    everything = "\n".join(texts)
    assert "HEMA" in everything  # guards against checking empty outputs
    assert [name for name in NON_CONSENTING_NAMES if name in everything] == []


def test_releases_are_listed_with_their_changelog_and_files(client: Client, published: Any) -> None:
    listed = _json(client.get("/api/v1/releases/"))
    assert listed["count"] == 1
    assert listed["results"] == to_jsonable(selectors.releases_list())
    detail = _json(client.get(f"/api/v1/releases/{published.pk}/"))
    assert detail == to_jsonable(selectors.release_detail(published))
    assert len(detail["changelog"]["new"]) == 10
    csv = client.get(f"/api/v1/releases/{published.pk}/files/csv/")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert b"Dhaka Knitwear Ltd." in csv.content
    assert client.get(f"/api/v1/releases/{published.pk}/files/pdf/").status_code == 404


def test_a_misspelled_name_finds_the_facility(client: Client, published: Any) -> None:
    found = _json(client.get("/api/v1/facilities/", {"q": "Daka Knitwaer"}))
    assert [f["name"] for f in found["results"]][:1] == ["Dhaka Knitwear Ltd."]
    assert found["results"] == to_jsonable(selectors.facility_search(q="Daka Knitwaer"))
    by_city = _json(client.get("/api/v1/facilities/", {"country": "IN", "city": "TIRUPUR"}))
    assert [f["name"] for f in by_city["results"]] == ["Tirupur Shared Mill"]


def test_facility_search_is_paginated(client: Client, published: Any) -> None:
    page = _json(client.get("/api/v1/facilities/", {"page_size": 3, "page": 2}))
    assert page["count"] == 10 and len(page["results"]) == 3 and page["previous"]


def test_a_facility_page_gives_its_reported_names_covenants_and_brands(
    client: Client, published: Any
) -> None:
    dhaka = Facility.objects.get(name="Dhaka Knitwear Ltd.")
    detail = _json(client.get(f"/api/v1/facilities/{dhaka.facility_id}/"))
    assert detail == to_jsonable(selectors.public_facility_detail(facility_id=dhaka.facility_id))
    assert detail["covenants"] == ["textile"]
    assert detail["brands"] == ["HEMA", "HEMA kids"]
    assert detail["product_types"] == ["Polo shirts", "T-shirts"]
    assert detail["coordinate_precision"] == "city"


def test_an_old_id_of_a_merged_facility_resolves(client: Client, published: Any) -> None:
    coimbatore = Facility.objects.get(name="Coimbatore Spinning Mills")
    tirupur = Facility.objects.get(name="Tirupur Shared Mill")
    facility_merge(source=tirupur, target=coimbatore)
    detail = _json(client.get(f"/api/v1/facilities/{tirupur.facility_id}/"))
    assert detail["facility_id"] == coimbatore.facility_id
    assert detail["requested_id"] == tirupur.facility_id


def test_an_unpublished_facility_is_not_found(client: Client, cast: Any, textile_2018: Any) -> None:
    dhaka = Facility.objects.get(name="Dhaka Knitwear Ltd.")
    assert client.get(f"/api/v1/facilities/{dhaka.facility_id}/").status_code == 404
    assert _json(client.get("/api/v1/facilities/"))["count"] == 0


def test_brands_list_their_facilities_by_product_type(client: Client, published: Any) -> None:
    brands = _json(client.get("/api/v1/brands/"))["results"]
    assert [b["brand"] for b in brands] == ["HEMA", "HEMA kids"]
    products = {p["product_type"] for p in brands[0]["by_product_type"]}
    assert products == {"Polo shirts", "T-shirts", "Yarn"}


def test_a_company_sees_its_shared_facilities_counted_and_consenting_others_named(
    cast: Any, textile_2018: dict[str, Any]
) -> None:
    shared = selectors.shared_facilities(company=cast.zeeman, year=2018)
    assert [(f["name"], f["other_companies"], f["named"]) for f in shared["facilities"]] == [
        ("Dhaka Knitwear Ltd.", 1, ["HEMA"]),
        ("Tirupur Shared Mill", 5, []),
    ]


def test_the_secretariat_sees_the_full_clusters(cast: Any, textile_2018: dict[str, Any]) -> None:
    clusters = selectors.covenant_clusters(covenant=cast.textile, year=2018)["clusters"]
    assert [(c["name"], c["companies"]) for c in clusters] == [
        ("Dhaka Knitwear Ltd.", ["HEMA", "Zeeman"]),
        ("Tirupur Shared Mill", ["Bever", "C&A", "Score", "WE Fashion", "Wibra", "Zeeman"]),
    ]


def test_imvo_publish_writes_the_files_and_imvo_releases_lists_them(
    cast: Any, textile_2018: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from imvo.cli import main

    with pytest.raises(SystemExit) as exit:
        main(["publish", "textile", "2018", "--out", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert exit.value.code == 0, err
    published = json.loads(out)
    assert published["facilities"] == 10
    assert (tmp_path / "datapackage.json").exists()
    with pytest.raises(SystemExit) as exit:
        main(["releases", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert exit.value.code == 0
    assert out.splitlines()[1].split(",")[1:4] == ["textile", "2018", "1"]


def test_imvo_publish_of_an_unknown_covenant_is_one_line(
    cast: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from imvo.cli import main

    with pytest.raises(SystemExit) as exit:
        main(["publish", "tea", "2018"])
    assert exit.value.code == 2
    assert "there is no covenant 'tea'" in capsys.readouterr().err
