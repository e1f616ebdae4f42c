"""The secretariat works through the review queue in headless Chromium, by keyboard only."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.web.suppliers.models import MatchReview, ReviewStatus
from imvo.web.suppliers.services import supplier_list_import
from web.accounts.people import build_people
from web.suppliers.cast import HEMA_ROWS, StandInMatcher, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REVIEWED = [
    ["Name", "Address", "Country"],
    ["Dhaka Knit II", "Plot 99", "BD"],
    ["Hefei Silk 2", "1 Road", "CN"],
]


def test_secretariat_decides_two_reviews_with_the_keyboard_only(
    live_cast: Any, browser_page: Any, live_server: Any
) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from playwright.sync_api import expect

    people = build_people(live_cast)
    for company, rows, names in (
        (live_cast.hema, [*HEMA_ROWS, ["Chittagong Denim", "5 Port Rd", "", "BD", "", ""]], []),
        (live_cast.zeeman, REVIEWED, ["Dhaka Knit II", "Hefei Silk 2"]),
    ):
        supplier_list_import(
            company=company,
            year=2018,
            data=csv_bytes(rows),
            filename="list.csv",
            matcher=StandInMatcher(review_names=names),
        )
    first, second = MatchReview.objects.order_by("pk")
    user = people.textile_secretariat
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.session_key, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/suppliers/review/")
    item = page.locator("#review-item")
    expect(item).to_have_attribute("data-review", str(first.pk))
    expect(page.locator("[data-key-legend]")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    def settled() -> None:  # keys are ignored while a review is being swapped in
        expect(page.locator("body[data-review-busy]")).to_have_count(0)

    # j and k walk the queue without deciding anything.
    page.keyboard.press("j")
    expect(item).to_have_attribute("data-review", str(second.pk))
    settled()
    page.keyboard.press("k")
    expect(item).to_have_attribute("data-review", str(first.pk))
    settled()

    # The first: the second candidate (key 2) is the one, confirmed with y.
    chosen = first.candidates[1]["facility_id"]
    page.keyboard.press("2")
    expect(page.locator(f'input[name="facility"][value="{chosen}"]')).to_be_checked()
    page.keyboard.press("y")
    expect(item).to_have_attribute("data-review", str(second.pk))
    settled()

    # The second: none of them; f registers a new facility.
    page.keyboard.press("f")
    expect(page.locator("[data-review-empty]")).to_be_visible()
    expect(item).to_have_attribute("data-open-reviews", "0")
    assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped, no reload

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReviewStatus.CONFIRMED
    assert first.row is not None and first.row.facility is not None
    assert first.row.facility.facility_id == chosen
    assert second.status == ReviewStatus.NEW
