"""A visitor's way through the site in headless Chromium, with every outside request blocked."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_visitor_reads_the_dashboard_switches_to_english_and_finds_the_textile_chart(
    live_cast: Any, browser_page: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/?on=2019-01-15")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("De IMVO-convenanten in één oogopslag")
    expect(page.locator('svg[data-chart="landscape"]')).to_be_visible()

    # The date picker swaps the sections in place (htmx) without reloading the page.
    page.evaluate("window.stillTheSamePage = true")
    page.fill("#on-date", "2015-06-01")
    page.dispatch_event("#on-date", "change")
    expect(page.locator("#dashboard-sections")).to_have_attribute("data-on", "2015-06-01")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.url.endswith("/?on=2015-06-01")
    expect(page.locator('a[data-covenant="banking"]')).to_have_count(0)

    page.click('button[data-language="en"]')
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("The IMVO covenants at a glance")
    expect(page.locator("#dashboard-sections")).to_have_attribute("data-on", "2015-06-01")

    page.fill("#on-date", "2019-01-15")
    page.click(".date-picker button[type=submit]")
    expect(page.locator("#dashboard-sections")).to_have_attribute("data-on", "2019-01-15")
    page.click('a[data-covenant="textile"]')
    expect(page.locator("h1")).to_have_text("Dutch Agreement on Sustainable Garments and Textile")

    chart = page.locator('svg[data-chart="participation"][data-metric="market_share"]')
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text(
        "AGT: share of the market against the target path"
    )
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
