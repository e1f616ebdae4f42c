"""Pages the other browser tests do not visit keep working under the Content Security Policy:
Swagger UI (its own relaxed policy) and the admin's login. `browser_page` fails the test on
any refusal of the policy."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_swagger_ui_renders_the_api_under_its_policy(
    live_cast: Any, browser_page: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("IMVO Monitor API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()


def test_the_admin_login_page_works_under_the_policy(
    live_cast: Any, browser_page: Any, live_server: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.locator("input[name=username]")).to_be_visible()
    page.fill("input[name=username]", "nobody@example.org")
    page.fill("input[name=password]", "wrong password")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_be_visible()
