"""A visitor finds a factory by a misspelled name and sees it on the map, in headless Chromium
with every request off the application aborted (the map library and its images are served
by the application; no tiles are configured)."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.web.publication.services import release_publish
from web.publication.story import story

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_visitor_searches_a_misspelled_factory_and_sees_its_marker_offline(
    live_cast: Any, browser_page: Any, live_server: Any, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.IMVO_MAP_TILES = ""
    story(live_cast)
    release_publish(covenant=live_cast.textile, year=2018, user=None)

    page = browser_page
    page.goto(f"{live_server.url}/open-data/facilities/")
    page.fill("#search-q", "Anhwi Silk Garmnt")
    page.click(".facility-search button[type=submit]")
    result = page.locator(".facility-results tbody tr").first
    expect(result).to_contain_text("Anhui Silk Garment Co.")
    result.locator("a").click()

    expect(page.locator("h1")).to_have_text("Anhui Silk Garment Co.")
    marker = page.locator("#facility-map-canvas .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    expect(marker).to_be_visible()
    expect(page.locator("#facility-map-canvas")).to_have_attribute("data-markers", "1")
    expect(page.locator("[data-precision='exact']")).to_contain_text("31.82, 117.23")
    assert page.locator("#facility-map-canvas .leaflet-tile").count() == 0
    # the marker's image came from the application itself
    source = marker.get_attribute("src")
    assert source is not None and source.startswith(f"{live_server.url}/static/vendor/leaflet/")


def test_release_page_shows_its_changelog_folded_when_long(
    live_cast: Any, browser_page: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    story(live_cast)
    release = release_publish(covenant=live_cast.textile, year=2018, user=None)

    page = browser_page
    page.goto(f"{live_server.url}/open-data/")
    page.click(f"a[href='/open-data/releases/{release.pk}/']")
    new = page.locator("details[data-changes='new']")
    expect(new.locator("tr[data-change='new']")).to_have_count(release.facility_count)
    expect(new.locator("tr[data-change='new']").first).to_be_visible()
    new.locator("summary").click()  # fold the section
    expect(new.locator("tr[data-change='new']").first).to_be_hidden()
