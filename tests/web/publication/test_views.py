"""The public open-data pages: they show what the public API returns, find facilities in any
spelling, put them on a map, never name a company that did not consent, and let only the
secretariat publish."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from imvo.web.publication import selectors
from imvo.web.publication.models import Release
from imvo.web.publication.services import release_publish
from imvo.web.suppliers.models import Facility
from imvo.web.suppliers.services import facility_merge
from web.accounts.people import People, build_people
from web.publication.story import NON_CONSENTING_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def client() -> Client:
    """A visitor whose browser asks for English pages (and messages)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def published(cast: Any, textile_2018: dict[str, Any]) -> Release:
    return release_publish(covenant=cast.textile, year=2018, user=None)


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _ids_on(page: str) -> list[str]:
    return re.findall(r'<tr data-facility="([^"]+)"', page)


def _map_data(page: str, map_id: str) -> dict[str, Any]:
    found = re.search(rf'<script id="{map_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None, f"no map data {map_id} on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# ---------------------------------------------------------------- search


def test_search_with_a_misspelled_name_finds_the_facility(client: Client, published: Any) -> None:
    anhui = Facility.objects.get(name="Anhui Silk Garment Co.")
    page = _page(client, "/open-data/facilities/?q=Anhwi+Silk+Garmnt")
    assert _ids_on(page)[0] == anhui.facility_id
    assert "Anhui Silk Garment Co." in page


def test_search_lists_exactly_the_facilities_the_api_returns(
    client: Client, published: Any
) -> None:
    for query in ("", "?country=IN", "?city=dhaka", "?q=tirupur+mill&country=IN"):
        api = client.get(f"/api/v1/facilities/{query}").json()["results"]
        assert _ids_on(_page(client, f"/open-data/facilities/{query}")) == [
            f["facility_id"] for f in api
        ]
    assert _ids_on(_page(client, "/open-data/facilities/?country=IN")) != []


def test_search_pages_through_many_results(
    client: Client, published: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("imvo.web.publication.views.PAGE_SIZE", 2)
    every = [f["facility_id"] for f in selectors.facility_search()]
    assert len(every) > 2
    first = _page(client, "/open-data/facilities/")
    second = _page(client, "/open-data/facilities/?page=2")
    assert _ids_on(first) == every[:2]
    assert _ids_on(second) == every[2:4]
    assert 'rel="next"' in first


# ---------------------------------------------------------------- facility page and map


def test_facility_page_shows_its_marker_with_the_coordinate_precision(
    client: Client, published: Any
) -> None:
    anhui = Facility.objects.get(name="Anhui Silk Garment Co.")
    page = _page(client, f"/open-data/facilities/{anhui.facility_id}/")
    detail = client.get(f"/api/v1/facilities/{anhui.facility_id}/").json()
    features = _map_data(page, "facility-map")["features"]
    assert features == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [detail["longitude"], detail["latitude"]]},
            "properties": {
                "facility_id": anhui.facility_id,
                "name": "Anhui Silk Garment Co.",
                "city": "Hefei",
                "country": "CN",
                "precision": "exact",
                "url": f"/open-data/facilities/{anhui.facility_id}/",
            },
        }
    ]
    assert 'data-precision="exact"' in page
    assert "31.82, 117.23" in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "Scarves" in page


def test_facility_page_shows_names_covenants_and_consenting_brands(
    client: Client, published: Any
) -> None:
    dhaka = Facility.objects.get(name="Dhaka Knitwear Ltd.")
    page = _page(client, f"/open-data/facilities/{dhaka.facility_id}/")
    detail = client.get(f"/api/v1/facilities/{dhaka.facility_id}/").json()
    assert detail["brands"] == ["HEMA", "HEMA kids"]
    assert "<dd data-brands>HEMA, HEMA kids</dd>" in page
    assert 'data-covenant="textile"' in page
    assert 'data-precision="city"' in page
    for alias in detail["reported_as"]:
        assert html.escape(alias["name"]) in page


def test_an_old_id_of_a_merged_facility_redirects_to_its_current_page(
    client: Client, published: Any
) -> None:
    coimbatore = Facility.objects.get(name="Coimbatore Spinning Mills")
    tirupur = Facility.objects.get(name="Tirupur Shared Mill")
    facility_merge(source=tirupur, target=coimbatore)
    response = client.get(f"/open-data/facilities/{tirupur.facility_id}/")
    assert response.status_code == 301
    assert response["Location"] == f"/open-data/facilities/{coimbatore.facility_id}/"


def test_an_unpublished_facility_has_no_page(client: Client, cast: Any, textile_2018: Any) -> None:
    dhaka = Facility.objects.get(name="Dhaka Knitwear Ltd.")
    _page(client, f"/open-data/facilities/{dhaka.facility_id}/", status=404)
    assert _ids_on(_page(client, "/open-data/facilities/")) == []


def test_the_map_holds_every_published_facility_with_a_point(
    client: Client, published: Any
) -> None:
    page = _page(client, "/open-data/facilities/map/")
    features = _map_data(page, "all-facilities")["features"]
    with_point = [f for f in selectors.facility_search() if f["latitude"] is not None]
    assert sorted(f["properties"]["facility_id"] for f in features) == sorted(
        f["facility_id"] for f in with_point
    )
    assert features
    assert 'data-tiles=""' in page  # no tile server by default: the map works offline


def test_the_map_uses_the_configured_tile_server(
    client: Client, published: Any, settings: Any
) -> None:
    settings.IMVO_MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = _page(client, "/open-data/facilities/map/")
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page


def test_country_summary_counts_the_published_facilities_per_country(
    client: Client, published: Any
) -> None:
    page = _page(client, "/open-data/facilities/countries/")
    counts = dict(
        re.findall(r'<tr data-country="(\w\w)">.*?<td class="num">(\d+)</td>', page, re.S)
    )
    expected: dict[str, int] = {}
    for facility in selectors.facility_search():
        expected[facility["country"]] = expected.get(facility["country"], 0) + 1
    assert {code: int(n) for code, n in counts.items()} == expected
    assert "Bangladesh" in page


# ---------------------------------------------------------------- brands


def test_brand_page_lists_its_facilities_by_product_type(client: Client, published: Any) -> None:
    page = _page(client, "/open-data/brands/hema/")
    products = re.findall(r'data-product="([^"]+)"', page)
    assert products == ["Polo shirts", "T-shirts", "Yarn"]
    assert "Dhaka Knitwear Ltd." in page
    assert "Coimbatore Spinning Mills" in page
    index = _page(client, "/open-data/brands/")
    assert re.findall(r'data-brand="([^"]+)"', index) == ["hema", "hema-kids"]


def test_a_brand_of_a_company_that_did_not_consent_has_no_page(
    client: Client, cast: Any, published: Any
) -> None:
    from imvo.web.registry.models import Brand

    Brand.objects.create(slug="zeeman", name="Zeeman", company=cast.zeeman)
    _page(client, "/open-data/brands/zeeman/", status=404)
    _page(client, "/open-data/brands/no-such-brand/", status=404)


# ---------------------------------------------------------------- disclosure


def test_no_public_page_names_a_company_that_did_not_consent(
    client: Client, published: Any
) -> None:
    urls = [
        "/open-data/",
        "/open-data/facilities/",
        "/open-data/facilities/?q=mill",
        "/open-data/facilities/map/",
        "/open-data/facilities/countries/",
        "/open-data/brands/",
        "/open-data/brands/hema/",
        "/open-data/brands/hema-kids/",
    ]
    urls += [f"/open-data/facilities/{f['facility_id']}/" for f in selectors.facility_search()]
    everything = "\n".join(html.unescape(_page(client, url)) for url in urls)
    assert "HEMA" in everything  # guards against checking empty pages
    named = [n for n in NON_CONSENTING_NAMES if re.search(rf"\b{re.escape(n)}\b", everything)]
    assert named == []


# ---------------------------------------------------------------- releases and publishing


def test_the_public_sees_releases_with_download_links_that_work(
    client: Client, published: Release
) -> None:
    page = _page(client, "/open-data/")
    assert "Publish a release" not in page
    links = re.findall(r'<a href="([^"]+)" data-format="(\w+)"', page)
    assert [fmt for _, fmt in links] == ["csv", "xlsx", "geojson", "datapackage"]
    for url, fmt in links:
        assert url == f"/api/v1/releases/{published.pk}/files/{fmt}/"
        assert client.get(url).status_code == 200


def test_the_secretariat_publishes_a_year_from_the_web(
    client: Client, cast: Any, textile_2018: Any, people: People
) -> None:
    client.force_login(people.textile_secretariat)
    page = _page(client, "/open-data/")
    assert 'name="covenant"' in page and 'value="textile"' in page
    response = client.post("/open-data/publish/", {"covenant": "textile", "year": "2018"})
    assert response.status_code == 302
    assert response["Location"].startswith("/work/")  # background work, run at once here
    release = Release.objects.get(covenant=cast.textile, year=2018)
    assert release.published_by == people.textile_secretariat
    assert release.facility_count == len(selectors.facility_search())
    status = _page(client, response["Location"])
    assert 'data-work-status="done"' in status
    assert f'href="/open-data/releases/{release.pk}/"' in status
    assert "hx-trigger" not in status  # finished: no more polling
    follow = _page(client, "/open-data/")
    assert f'data-release="{release.pk}"' in follow


def test_publishing_a_year_without_lists_shows_the_error_and_publishes_nothing(
    client: Client, cast: Any, textile_2018: Any, people: People
) -> None:
    client.force_login(people.textile_secretariat)
    response = client.post("/open-data/publish/", {"covenant": "textile", "year": "2017"})
    assert response.status_code == 302
    status = _page(client, response["Location"])
    assert 'data-work-status="failed"' in status
    assert "data-work-error" in status
    assert "no participant of AGT has a supplier list for 2017" in status
    bad_year = client.post("/open-data/publish/", {"covenant": "textile", "year": "next"})
    assert bad_year.status_code == 400
    assert not Release.objects.exists()


def test_only_the_covenants_secretariat_may_publish(
    client: Client, cast: Any, textile_2018: Any, people: People
) -> None:
    data = {"covenant": "textile", "year": "2018"}
    anonymous = client.post("/open-data/publish/", data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for user, status in (
        (people.zeeman_user, 403),
        (people.fnv_observer, 403),
        (people.banking_secretariat, 404),
    ):
        client.force_login(user)
        assert client.post("/open-data/publish/", data).status_code == status
    assert not Release.objects.exists()
    client.force_login(people.zeeman_user)
    assert "Publish a release" not in _page(client, "/open-data/")
    client.force_login(people.banking_secretariat)  # its own covenant only
    form = _page(client, "/open-data/")
    assert 'value="banking"' in form and 'value="textile"' not in form
