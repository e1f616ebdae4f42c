"""The public pages, through Django's test client, on the cast in conftest.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from imvo.web.registry import selectors

SVG = "{http://www.w3.org/2000/svg}"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def svgs(html: str, **attributes: str) -> list[ET.Element]:
    """Every inline <svg> of the page with the given data-* attributes, parsed as XML."""
    found = []
    for match in re.finditer(r"<svg\b.*?</svg>", html, flags=re.DOTALL):
        root = ET.fromstring(match.group(0))
        if all(root.get(f"data-{k}") == v for k, v in attributes.items()):
            found.append(root)
    return found


class Links(HTMLParser):
    """The page's scripts, style sheets and images: what a browser would fetch by itself."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.fetched.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.fetched.append(values["href"] or "")
        if tag in {"img", "iframe", "source"} and values.get("src"):
            self.fetched.append(values["src"] or "")


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return str(response.content.decode())


# The dashboard


def test_dashboard_is_dutch_by_default(client: Client, cast: Any) -> None:
    html = page(client, "/?on=2019-01-15")
    assert '<html lang="nl">' in html
    assert "De IMVO-convenanten in één oogopslag" in html
    assert "Convenant Duurzame Kleding en Textiel" in html
    assert "Textiel en kleding" in html
    assert "ondertekend" in html


def test_dashboard_speaks_english_after_switching_language(client: Client, cast: Any) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/?on=2019-01-15"}, follow=True
    )
    assert response.redirect_chain == [("/?on=2019-01-15", 302)]
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The IMVO covenants at a glance" in html
    assert "Dutch Agreement on Sustainable Garments and Textile" in html
    assert "Textile and clothing" in html
    assert "De IMVO-convenanten" not in html


def test_dashboard_lists_sectors_without_a_covenant(client: Client, cast: Any) -> None:
    html = page(english(client), "/?on=2019-01-15")
    callout = re.search(r'<p class="callout callout--bad">(.*?)</p>', html, flags=re.DOTALL)
    assert callout is not None
    text = " ".join(callout.group(1).split())
    assert "2 sectors without a covenant in force" in text
    assert "Chemicals" in text and "Oil and gas" in text
    assert "Textile" not in text
    assert 'data-sector="chemicals" data-status="none"' in html
    assert 'data-sector="textile" data-status="covenant"' in html


def test_dashboard_answers_for_the_date_asked(client: Client, cast: Any) -> None:
    before_signing = page(english(client), "/?on=2015-06-01")
    assert 'data-on="2015-06-01"' in before_signing
    assert 'data-covenant="textile"' in before_signing
    assert 'data-covenant="banking"' not in before_signing  # not yet planned in 2015
    assert "negotiating" in before_signing
    after = page(client, "/?on=2019-01-15")
    assert 'data-covenant="banking"' in after


def test_dashboard_defaults_to_today(client: Client, cast: Any) -> None:
    html = page(client, "/")
    assert f'data-on="{selectors.today().isoformat()}"' in html
    # an emptied date field means today too
    assert f'data-on="{selectors.today().isoformat()}"' in page(client, "/?on=")


def test_landscape_chart_has_a_row_per_covenant_coloured_by_status(
    client: Client, cast: Any
) -> None:
    (chart,) = svgs(page(english(client), "/?on=2019-01-15"), chart="landscape")
    assert chart.get("role") == "img"
    title = chart.find(f"{SVG}title")
    assert title is not None and title.text
    assert title.text.startswith("The covenant landscape from 2014 to")
    rows = chart.findall(f"{SVG}g[@class='row']")
    assert sorted(r.find(f"{SVG}title").text or "" for r in rows) == ["AGT", "Banken"]  # type: ignore[union-attr]
    statuses = {rect.get("class") for rect in chart.iter(f"{SVG}rect") if rect.get("class")}
    assert {"period status-negotiating", "period status-signed", "period status-ended"} <= statuses
    desc = chart.find(f"{SVG}desc")
    assert desc is not None and "2 signed" in (desc.text or "")


def test_targets_show_their_status(client: Client, cast: Any) -> None:
    html = page(english(client), "/?on=2017-07-01")
    match = re.search(r'<tr data-target-status="([a-z-]+)">(.*?)</tr>', html, flags=re.DOTALL)
    assert match is not None
    status, row = match.groups()
    assert status in {"on-track", "at-risk", "off-track"}
    assert "share of the market" in row
    assert "50%" in row


def test_theme_matrix_highlights_core_theme_gaps_and_footnotes_disputes(
    client: Client, cast: Any
) -> None:
    html = page(english(client), "/?on=2019-01-15")
    themes = html[html.index('id="themes"') :]
    # Banking does not cover living wage, a core theme: a gap.
    banking_row = re.search(
        r"<tr>\s*<th scope=\"row\"><a href=\"/covenants/banking/\">.*?</tr>",
        themes,
        flags=re.DOTALL,
    )
    assert banking_row is not None
    assert banking_row.group(0).count('data-gap="true"') == 1
    # Textile's living wage: its text says goal, a statement in the debate says not covered.
    footnote = re.search(r'<li id="dispute-1">(.*?)</li>', themes, flags=re.DOTALL)
    assert footnote is not None
    text = " ".join(footnote.group(1).split())
    assert "AGT, Living wage" in text
    assert "“not covered”" in text and "“goal”" in text
    assert '<a href="#dispute-1" id="dispute-ref-1"' in themes


def test_htmx_request_gets_only_the_sections(client: Client, cast: Any) -> None:
    response = client.get("/?on=2017-01-01", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="dashboard-sections" class="sections" data-on="2017-01-01">' in html
    assert "<html" not in html
    # The language switch stays on the page, so it learns the date now shown.
    assert 'id="language-next" value="/?on=2017-01-01" hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client: Client, cast: Any) -> None:
    response = client.get(
        "/?on=2017-01-01",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_dashboard_works_without_javascript(client: Client, cast: Any) -> None:
    html = page(client, "/")
    form = re.search(r'<form class="date-picker" method="get" action="/"', html)
    assert form is not None
    assert '<input type="date" id="on-date" name="on"' in html
    assert '<button type="submit">Toon</button>' in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2018-13-40", "2018-13-40 is not a day of the calendar."),
        ("yesterday", "yesterday is not a date: write it as YYYY-MM-DD"),
        ("6-3-2018", "6-3-2018 is not a date"),
        ("1900-01-01", "1900-01-01 is out of range"),
    ],
)
def test_bad_date_is_a_400_naming_the_field(
    client: Client, cast: Any, value: str, message: str
) -> None:
    html = page(english(client), f"/?on={value}", status=400)
    assert 'data-error-field="on"' in html
    assert "The field <code>on</code> is not valid:" in html
    assert message in html


def test_bad_date_message_is_translated(client: Client, cast: Any) -> None:
    html = page(client, "/?on=gisteren", status=400)
    assert "gisteren is geen datum: schrijf hem als JJJJ-MM-DD" in html


# The covenant page


def test_covenant_page_shows_parties_grouped_by_kind(client: Client, cast: Any) -> None:
    html = page(english(client), "/covenants/textile/?on=2019-01-15")
    assert "<h1>Dutch Agreement on Sustainable Garments and Textile</h1>" in html
    companies = html[html.index('data-kind="company"') : html.index('data-kind="union"')]
    assert "Companies <small>(2)</small>" in companies
    assert "HEMA" in companies and "Zeeman" in companies
    unions = html[html.index('data-kind="union"') :]
    assert "FNV" in unions[: unions.index("</div>")]


def test_covenant_page_has_a_participation_chart_against_the_target_path(
    client: Client, cast: Any
) -> None:
    html = page(english(client), "/covenants/textile/?on=2019-01-15")
    charts = svgs(html, chart="participation")
    assert [c.get("data-metric") for c in charts] == ["market_share", "count"]
    share = charts[0]
    assert share.get("role") == "img"
    title = share.find(f"{SVG}title")
    assert title is not None
    assert title.text == "AGT: share of the market against the target path"
    desc = share.find(f"{SVG}desc")
    assert desc is not None
    assert "Target: from 33% on July 4, 2016 to 50% by Dec. 31, 2018." in (desc.text or "")
    assert share.find(f".//{SVG}g[@class='trajectory']") is not None
    assert share.find(f".//{SVG}g[@class='series']") is not None
    assert share.find(f".//{SVG}g[@class='marker']") is not None  # the published ~48%


def test_covenant_page_shows_targets_history_themes_and_sources(client: Client, cast: Any) -> None:
    html = page(english(client), "/covenants/textile/?on=2019-01-15")
    assert 'data-target-status="' in html
    history = html[html.index('id="history-heading"') :]
    assert history.index("March 1, 2015") < history.index("July 4, 2016")
    assert "Living wage" in html and "core theme" in html
    assert "A statement says: “not covered”." in html
    sources = html[html.index('id="sources-heading"') :]
    assert '<li id="source-ser-agt-2016">' in sources
    assert 'href="https://www.imvoconvenanten.nl/kleding-textiel"' in sources
    assert 'href="#source-ser-agt-2016"' in html  # facts cite their source on the page
    observations = html[html.index('id="observations-heading"') :]
    assert "46%\u201350%" in observations


def test_covenant_without_figures_still_shows_where_the_chart_will_be(
    client: Client, cast: Any
) -> None:
    from imvo.web.registry import models as m

    m.Participation.objects.filter(covenant=cast.banking).delete()
    charts = svgs(page(english(client), "/covenants/banking/"), chart="participation")
    assert len(charts) == 1
    assert "No participation figures yet" in ET.tostring(charts[0], encoding="unicode")


def test_unknown_covenant_is_404(client: Client, cast: Any) -> None:
    html = page(english(client), "/covenants/no-such-covenant/", status=404)
    assert "Page not found" in html


def test_covenant_page_bad_date_is_400(client: Client, cast: Any) -> None:
    html = page(client, "/covenants/textile/?on=2018-02-30", status=400)
    assert 'data-error-field="on"' in html


# Synthetic data, escaping, no external requests


def test_no_banner_without_synthetic_data(client: Client, cast: Any) -> None:
    assert 'data-banner="synthetic"' not in page(client, "/")
    assert 'data-banner="synthetic"' not in page(client, "/covenants/textile/")


def test_banner_and_marked_parties_with_synthetic_data(
    client: Client, cast: Any, demo_company: Any
) -> None:
    html = page(english(client), "/")
    assert 'data-banner="synthetic"' in html
    assert "This registry contains synthetic demo data." in html
    detail = page(Client(), "/covenants/textile/")  # a new visitor, in Dutch
    assert 'data-banner="synthetic"' in detail
    assert "Dit register bevat synthetische demodata." in detail
    party = re.search(r'<li class="synthetic" data-synthetic="true">(.*?)</li>', detail, re.DOTALL)
    assert party is not None
    assert "Demo Fashion B.V." in party.group(1)
    assert "synthetisch" in party.group(1)
    assert "1 partij is synthetische demodata." in detail


def test_names_are_escaped_in_html_and_in_charts(client: Client, cast: Any) -> None:
    cast.textile.short_name = "<script>alert(1)</script>"
    cast.textile.save()
    for url in ("/?on=2019-01-15", "/covenants/textile/?on=2019-01-15"):
        html = page(client, url)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert svgs(html)  # still well-formed


@pytest.mark.parametrize("url", ["/", "/covenants/textile/", "/covenants/none/", "/?on=x"])
def test_pages_fetch_nothing_from_elsewhere(client: Client, cast: Any, url: str) -> None:
    links = Links()
    links.feed(client.get(url).content.decode())
    assert links.fetched
    assert all(src.startswith("/static/") for src in links.fetched), links.fetched


def test_vendored_htmx_and_css_are_served_by_the_application(client: Client, db: None) -> None:
    for path in ("/static/imvo/htmx.min.js", "/static/imvo/site.css"):
        response = client.get(path)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert body
        response.close()


def test_dashboard_date_is_kept_when_following_a_covenant_link(client: Client, cast: Any) -> None:
    html = page(client, "/?on=2017-05-01")
    assert 'href="/covenants/textile/?on=2017-05-01"' in html
    assert date(2017, 5, 1).isoformat() in page(client, "/covenants/textile/?on=2017-05-01")
