"""The web tests' cast: a small registry telling the 2018 story, and the browser fixtures.

The cast: the textile covenant (signed 2016-07-04, Zeeman and HEMA taking part, HEMA with two
brands, a target of half the market by the end of 2018, a published ~48% figure, a disputed
claim about living wage), the banking covenant (signed December 2016), and the chemicals and
oil-and-gas sectors that never got one. `demo_company` adds a synthetic party.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Cast:
    textile: Any
    banking: Any
    zeeman: Any
    hema: Any
    textile_sector: Any
    chemicals: Any


def build_cast() -> Cast:
    """Write the cast to the database (inside whatever transaction the test runs in)."""
    from imvo.web.registry import models as m

    ser = m.Source.objects.create(
        key="ser-agt-2016",
        title="Convenant Duurzame Kleding en Textiel",
        publisher="SER",
        url="https://www.imvoconvenanten.nl/kleding-textiel",
        published_on=date(2016, 7, 4),
    )
    debate = m.Source.objects.create(
        key="kamerstuk-26485-258",
        title="Verslag van een algemeen overleg <IMVO> & convenanten",
        publisher="Tweede Kamer",
        published_on=date(2018, 3, 6),
    )
    textile_sector = m.RiskSector.objects.create(
        slug="textile", name_nl="Textiel en kleding", name_en="Textile and clothing", position=1
    )
    financial = m.RiskSector.objects.create(
        slug="financial", name_nl="Financiële sector", name_en="Financial sector", position=2
    )
    chemicals = m.RiskSector.objects.create(
        slug="chemicals", name_nl="Chemie", name_en="Chemicals", position=3
    )
    m.RiskSector.objects.create(
        slug="oil-and-gas", name_nl="Olie en gas", name_en="Oil and gas", position=4
    )
    child_labour = m.Theme.objects.create(
        slug="child-labour", name_nl="Kinderarbeid", name_en="Child labour", core=True, position=1
    )
    living_wage = m.Theme.objects.create(
        slug="living-wage", name_nl="Leefbaar loon", name_en="Living wage", core=True, position=2
    )
    m.Theme.objects.create(
        slug="animal-welfare", name_nl="Dierenwelzijn", name_en="Animal welfare", position=3
    )

    textile = m.Covenant.objects.create(
        slug="textile",
        name_nl="Convenant Duurzame Kleding en Textiel",
        name_en="Dutch Agreement on Sustainable Garments and Textile",
        short_name="AGT",
        market_sector=textile_sector,
        ends_on=date(2021, 12, 31),
        source=ser,
    )
    textile.sectors.add(textile_sector)
    textile.sources.add(ser)
    m.StatusChange.objects.create(
        covenant=textile, status="negotiating", on=date(2015, 3, 1), source=ser
    )
    m.StatusChange.objects.create(
        covenant=textile, status="signed", on=date(2016, 7, 4), source=ser
    )
    m.StatusChange.objects.create(covenant=textile, status="ended", on=date(2021, 12, 31))

    banking = m.Covenant.objects.create(
        slug="banking",
        name_nl="Convenant Bancaire Sector",
        name_en="Dutch Banking Sector Agreement",
        short_name="Banken",
        market_sector=financial,
        market_measure="assets",
    )
    banking.sectors.add(financial)
    m.StatusChange.objects.create(covenant=banking, status="signed", on=date(2016, 12, 7))

    zeeman = m.Organisation.objects.create(
        slug="zeeman", name="Zeeman", kind="company", sector=textile_sector
    )
    hema = m.Organisation.objects.create(
        slug="hema", name="HEMA", kind="company", sector=textile_sector
    )
    m.Brand.objects.create(slug="hema", name="HEMA", company=hema)
    m.Brand.objects.create(slug="hema-kids", name="HEMA kids", company=hema)
    union = m.Organisation.objects.create(slug="fnv", name="FNV", kind="union")
    rabobank = m.Organisation.objects.create(slug="rabobank", name="Rabobank", kind="company")
    m.Participation.objects.create(
        covenant=textile, organisation=zeeman, joined_on=date(2016, 7, 4)
    )
    m.Participation.objects.create(covenant=textile, organisation=hema, joined_on=date(2016, 7, 4))
    m.Participation.objects.create(covenant=textile, organisation=union, joined_on=date(2016, 7, 4))
    m.Participation.objects.create(
        covenant=banking, organisation=rabobank, joined_on=date(2016, 12, 7)
    )
    m.MarketShare.objects.create(company=zeeman, sector=textile_sector, year=2016, share="0.150000")
    m.MarketShare.objects.create(company=hema, sector=textile_sector, year=2016, share="0.200000")

    m.Target.objects.create(
        covenant=textile,
        metric="market_share",
        baseline_value=0.33,
        baseline_on=date(2016, 7, 4),
        target_value=0.5,
        deadline=date(2018, 12, 31),
        source=ser,
    )
    m.Observation.objects.create(
        covenant=textile,
        on=date(2018, 12, 31),
        metric="market_share",
        value=0.48,
        low=0.46,
        high=0.5,
        source=ser,
    )
    m.ThemeCoverage.objects.create(
        covenant=textile, theme=child_labour, level="mandatory", source=ser
    )
    m.ThemeCoverage.objects.create(covenant=textile, theme=living_wage, level="goal", source=ser)
    m.ThemeCoverage.objects.create(
        covenant=textile,
        theme=living_wage,
        level="none",
        basis="statement",
        source=debate,
        note="Van den Hul (PvdA): living wage is still not a topic.",
    )
    m.ThemeCoverage.objects.create(
        covenant=banking, theme=child_labour, level="mentioned", source=debate
    )
    return Cast(
        textile=textile,
        banking=banking,
        zeeman=zeeman,
        hema=hema,
        textile_sector=textile_sector,
        chemicals=chemicals,
    )


@pytest.fixture(scope="session", autouse=True)
def static_root() -> None:
    """WhiteNoise warns (an error here) when STATIC_ROOT is missing, as it is before the first
    `collectstatic`; the pages serve their files through the finders either way."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def tasks_immediate(settings: Any) -> None:
    """Background work runs within the request, as `IMVO_TASKS=immediate` has it; the tests of
    the worker itself (tests/web/work/test_worker.py) queue it in the database instead."""
    settings.IMVO_TASKS = "immediate"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def live_cast(transactional_db: None) -> Cast:
    """The cast committed to the database, for the live server's threads to see."""
    return build_cast()


@pytest.fixture
def demo_company(cast: Cast) -> Any:
    """A made-up company in the textile covenant, as `imvo load demo` would add."""
    from imvo.web.registry import models as m

    company = m.Organisation.objects.create(
        slug="demo-fashion", name="Demo Fashion B.V.", kind="company", synthetic=True
    )
    m.Participation.objects.create(
        covenant=cast.textile, organisation=company, joined_on=date(2017, 1, 1), synthetic=True
    )
    return company


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; the browser tests skip without it, except in CI where they must run."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); CI runs this")
    return CHROMIUM


@pytest.fixture
def browser_page(
    chromium_path: str, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A fresh Chromium page whose every request off the live server is aborted and recorded;
    the test fails at teardown if any was attempted, or if the Content Security Policy
    refused anything (an inline script or style, say)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # under one unless told that this is deliberate.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    origin = live_server.url.rstrip("/")

    def route(route: Any) -> None:
        url = route.request.url
        if url == origin or url.startswith(origin + "/"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(locale="nl-NL")
            context.route("**/*", route)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            refused: list[str] = []  # what the Content Security Policy blocked
            page.on(
                "console",
                lambda message: (
                    refused.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            yield page
            context.close()
        finally:
            browser.close()
    assert not blocked, f"the pages tried to reach outside the server: {blocked}"
    assert not errors, f"JavaScript errors on the pages: {errors}"
    assert not refused, f"the Content Security Policy refused: {refused}"
