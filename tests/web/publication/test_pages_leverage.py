"""The pages around a release and shared leverage: a release's page with its changelog, a
company's shared facilities and its consent, the secretariat's clusters and its review of
flagged coordinates. What each shows, who may open it, that no company that did not consent is
named, and that bad input is refused with the field named and nothing written."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from imvo.web.accounts.models import AuditEvent
from imvo.web.accounts.services import membership_create
from imvo.web.publication import selectors
from imvo.web.publication.models import (
    CoordinateResolution,
    PublicationConsent,
    Release,
)
from imvo.web.publication.selectors import release_records
from imvo.web.publication.services import release_publish
from imvo.web.registry import models as m
from imvo.web.suppliers.models import Facility
from imvo.web.suppliers.services import facility_merge, supplier_list_import
from web.accounts.people import People, build_people
from web.publication.story import HEADER, NON_CONSENTING_NAMES, ZEEMAN
from web.suppliers.cast import StandInMatcher, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture
def published(cast: Any, textile_2018: dict[str, Any]) -> Release:
    return release_publish(covenant=cast.textile, year=2018, user=None)


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _named(page: str, names: list[str]) -> list[str]:
    """Those of `names` that appear as words in the page's text."""
    text = html.unescape(page)
    return [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]


def _rows(page: str, attribute: str = "data-facility") -> list[str]:
    return re.findall(rf'<tr[^>]* {attribute}="([^"]+)"', page)


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _facility_id(name: str) -> str:
    return Facility.objects.get(name=name).facility_id


def _zeeman_list(year: int, rows: list[list[str]]) -> None:
    supplier_list_import(
        company=m.Organisation.objects.get(slug="zeeman"),
        year=year,
        data=csv_bytes([HEADER, *rows], delimiter=",", encoding="utf-8"),
        filename="zeeman.csv",
        matcher=StandInMatcher(),
    )


SIALKOT = ["Sialkot Sports Works", "12 Small Industries Estate", "Sialkot", "PK", "", "", "", ""]


# ---------------------------------------------------------------- the release page


def test_release_page_shows_its_figures_downloads_checksum_and_who_is_named(
    client: Client, published: Release
) -> None:
    page = _page(client, f"/open-data/releases/{published.pk}/")
    figures = dict(re.findall(r'<dd data-figure="(\w+)">(\d+)</dd>', page))
    assert figures == {"facilities": "10", "participants": "7", "named": "1"}
    assert f'<code class="checksum" data-sha256>{published.csv_sha256}</code>' in page
    assert re.search(r'data-names-shown="yes">\s*1 of 7 participants consented', page)
    assert re.search(r"<span data-named>HEMA</span>", page)
    assert "Disclosure group: 6 companies" in page
    links = re.findall(r'<a href="([^"]+)" data-format="(\w+)"', page)
    assert links == [
        (f"/api/v1/releases/{published.pk}/files/{fmt}/", fmt)
        for fmt in ("csv", "xlsx", "geojson", "datapackage")
    ]
    csv_file = client.get(links[0][0])
    assert hashlib.sha256(csv_file.content).hexdigest() == published.csv_sha256
    assert 'data-previous=""' in page  # the covenant's first release


def test_a_release_without_names_says_why(client: Client, cast: Any, people: People) -> None:
    """Zeeman alone, not consenting, next to four consenting companies: publishing names would
    point at Zeeman, so nobody is named - and the page explains it."""
    from imvo.web.publication.services import consent_give

    _zeeman_list(2018, ZEEMAN)
    for number in range(5):
        company = m.Organisation.objects.create(
            slug=f"named-{number}", name=f"Named {number}", kind="company"
        )
        m.Participation.objects.create(
            covenant=cast.textile, organisation=company, joined_on=date(2017, 1, 1)
        )
        supplier_list_import(
            company=company,
            year=2018,
            data=csv_bytes([HEADER, ZEEMAN[3]], delimiter=",", encoding="utf-8"),
            filename="list.csv",
            matcher=StandInMatcher(),
        )
        if number < 4:
            consent_give(company=company, year=2018)
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    assert not release.names_shown
    page = _page(client, f"/open-data/releases/{release.pk}/")
    assert 'data-names-shown="no"' in page
    assert "Fewer than 5 participants did not consent" in page
    assert "data-named" not in page
    assert _named(page, ["Named 0", "Named 1", "Zeeman"]) == []


def test_release_page_shows_the_changelog_against_the_previous_release(
    client: Client, cast: Any, published: Release
) -> None:
    """Coimbatore merged into Tirupur, Zeeman's second version drops Anhui and adds Sialkot."""
    facility_merge(
        source=Facility.objects.get(name="Coimbatore Spinning Mills"),
        target=Facility.objects.get(name="Tirupur Shared Mill"),
    )
    rows = [row for row in ZEEMAN if row[0] != "Anhui Silk Garment Co."]
    _zeeman_list(2018, [*rows, SIALKOT])
    second = release_publish(covenant=cast.textile, year=2018, user=None)
    page = _page(client, f"/open-data/releases/{second.pk}/")
    log = client.get(f"/api/v1/releases/{second.pk}/").json()["changelog"]

    sialkot, anhui = _facility_id("Sialkot Sports Works"), _facility_id("Anhui Silk Garment Co.")
    coimbatore = _facility_id("Coimbatore Spinning Mills")
    tirupur = _facility_id("Tirupur Shared Mill")
    assert (log["new"], log["gone"]) == ([sialkot], [anhui])
    assert log["merged"] == [{"from": coimbatore, "to": tirupur}]
    by_kind: dict[str, list[str]] = {}
    for kind, facility_id in re.findall(r'<tr data-change="(\w+)" data-facility="([^"]+)">', page):
        by_kind.setdefault(kind, []).append(facility_id)
    assert by_kind == {
        "new": log["new"],
        "gone": log["gone"],
        "changed": [change["facility_id"] for change in log["changed"]],
        "merged": [merge["to"] for merge in log["merged"]],
    }
    assert tirupur in by_kind["changed"]  # HEMA, consenting, is named there now
    tirupur_row = re.search(
        rf'data-change="changed" data-facility="{tirupur}">(.*?)</tr>', page, re.S
    )
    assert tirupur_row is not None and "companies" in tirupur_row.group(1)
    # published facilities link to their page; Anhui is gone, its name from the old release
    assert f'<a href="/open-data/facilities/{sialkot}/"><code>{sialkot}</code></a>' in page
    assert f"/open-data/facilities/{anhui}/" not in page
    assert "Anhui Silk Garment Co." in page
    assert f"<code data-from>{coimbatore}</code>" in page
    assert f'<a href="/open-data/releases/{published.pk}/">2018 version 1</a>' in page
    assert re.search(r"1 new, 1 gone, \d+ changed, \d+ unchanged", page)


def test_long_changelog_sections_start_folded(
    client: Client, published: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/open-data/releases/{published.pk}/"
    assert re.search(r'<details class="changelog" data-changes="new" open>', _page(client, url))
    monkeypatch.setattr("imvo.web.publication.views.CHANGELOG_OPEN_LIMIT", 9)
    folded = _page(client, url)
    assert re.search(r'<details class="changelog" data-changes="new">', folded)
    assert len(re.findall(r'<tr data-change="new"', folded)) == 10  # folded, not cut


def test_an_unknown_release_has_no_page(client: Client, published: Release) -> None:
    _page(client, f"/open-data/releases/{published.pk + 1}/", status=404)


def test_every_release_on_the_releases_page_links_to_its_page(
    client: Client, cast: Any, published: Release
) -> None:
    second = release_publish(covenant=cast.textile, year=2018, user=None)
    page = _page(client, "/open-data/")
    assert re.findall(r'<a href="/open-data/releases/(\d+)/" data-release-link>', page) == [
        str(second.pk),
        str(published.pk),
    ]


def test_no_release_page_names_a_company_that_did_not_consent(
    client: Client, cast: Any, published: Release
) -> None:
    facility_merge(
        source=Facility.objects.get(name="Coimbatore Spinning Mills"),
        target=Facility.objects.get(name="Tirupur Shared Mill"),
    )
    second = release_publish(covenant=cast.textile, year=2018, user=None)
    pages = [_page(client, f"/open-data/releases/{r.pk}/") for r in (published, second)]
    assert all("HEMA" in page for page in pages)  # guards against empty pages
    assert _named("\n".join(pages), NON_CONSENTING_NAMES) == []


# ---------------------------------------------------------------- shared facilities


def test_a_company_sees_its_shared_facilities_with_only_consenting_others_named(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.zeeman_user)
    page = _page(client, "/suppliers/shared/")
    shared = selectors.shared_facilities(company=textile_2018["zeeman"], year=2018)
    assert _rows(page) == [f["facility_id"] for f in shared["facilities"]]
    cells = re.findall(
        r"<td class=\"num\" data-others>(\d+)</td>\s*<td data-named>([^<]*)</td>", page
    )
    assert cells == [("1", "HEMA"), ("5", "—")]
    assert _named(page, NON_CONSENTING_NAMES[1:]) == []
    assert re.findall(r'<option value="(\d{4})" selected>', page) == ["2018"]
    assert 'href="/suppliers/shared/"' in page and 'aria-current="page">Shared facilities' in page


def test_another_company_sees_no_name_of_a_company_that_did_not_consent(
    client: Client, people: People, textile_2018: Any
) -> None:
    """HEMA shares Dhaka Knitwear with Zeeman, which did not consent: counted, never named."""
    client.force_login(people.hema_user)
    page = _page(client, "/suppliers/shared/")
    assert _rows(page) == [_facility_id("Dhaka Knitwear Ltd.")]
    assert re.search(r"<td class=\"num\" data-others>1</td>\s*<td data-named>—</td>", page)
    download = _csv(client.get("/suppliers/shared/csv/?company=hema&year=2018"))
    assert download == [
        {
            "facility_id": _facility_id("Dhaka Knitwear Ltd."),
            "name": "Dhaka Knitwear Ltd.",
            "city": "Dhaka",
            "country": "BD",
            "other_companies": "1",
            "named_companies": "",
        }
    ]
    assert _named(page, NON_CONSENTING_NAMES) == []


def test_the_shared_facilities_download_holds_the_table(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.zeeman_user)
    page = _page(client, "/suppliers/shared/?company=zeeman&year=2018")
    assert 'href="/suppliers/shared/csv/?company=zeeman&amp;year=2018"' in page
    rows = _csv(client.get("/suppliers/shared/csv/?company=zeeman&year=2018"))
    assert [(r["facility_id"], r["other_companies"], r["named_companies"]) for r in rows] == [
        (_facility_id("Dhaka Knitwear Ltd."), "1", "HEMA"),
        (_facility_id("Tirupur Shared Mill"), "5", ""),
    ]


def test_the_shared_facilities_download_is_safe_in_a_spreadsheet(
    client: Client, people: People, cast: Any
) -> None:
    formula = ['=HYPERLINK("http://evil.example")', "1 Road", "Dhaka", "BD", "", "", "", ""]
    for company in (cast.zeeman, cast.hema):
        supplier_list_import(
            company=company,
            year=2019,
            data=csv_bytes([HEADER, formula], delimiter=",", encoding="utf-8"),
            filename="list.csv",
            matcher=StandInMatcher(),
        )
    client.force_login(people.zeeman_user)
    (row,) = _csv(client.get("/suppliers/shared/csv/?company=zeeman&year=2019"))
    assert row["name"].startswith("'=")


def test_the_secretariat_opens_a_company_by_slug_and_reads_its_consent(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.textile_secretariat)
    chooser = _page(client, "/suppliers/shared/")
    assert "data-choose" in chooser
    assert {"zeeman", "hema", "wibra"} <= set(re.findall(r'<option value="([a-z-]+)"', chooser))
    page = _page(client, "/suppliers/shared/?company=hema")
    assert _rows(page) == [_facility_id("Dhaka Knitwear Ltd.")]
    assert 'data-consent-year="2018" data-consent="given"' in page
    assert "data-consent-read-only" in page
    assert 'action="/suppliers/shared/consent/"' not in page
    assert 'href="/suppliers/clusters/"' in page  # the secretariat's menu


def test_another_companys_page_does_not_exist(
    client: Client, people: People, textile_2018: Any
) -> None:
    for user in (people.hema_user, people.banking_secretariat, people.fnv_observer):
        client.force_login(user)
        _page(client, "/suppliers/shared/?company=zeeman", status=404)
        _page(client, "/suppliers/shared/csv/?company=zeeman", status=404)
    client.force_login(people.zeeman_user)
    _page(client, "/suppliers/shared/?company=no-such-company", status=404)
    client.force_login(people.fnv_observer)
    _page(client, "/suppliers/shared/", status=403)


def test_a_user_of_several_companies_chooses_among_them(
    client: Client, people: People, textile_2018: Any
) -> None:
    membership_create(user=people.zeeman_user, role="company", company=textile_2018["hema"])
    client.force_login(people.zeeman_user)
    page = _page(client, "/suppliers/shared/")
    assert re.findall(r'<option value="([a-z-]+)"( selected)?>', page) == [
        ("hema", " selected"),
        ("zeeman", ""),
    ]
    assert 'data-company="hema"' in page
    assert 'data-company="zeeman"' in _page(client, "/suppliers/shared/?company=zeeman")


def test_a_year_that_is_not_four_digits_is_refused_naming_the_field(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.zeeman_user)
    for url in ("/suppliers/shared/?year=18", "/suppliers/shared/csv/?company=zeeman&year=x"):
        response = client.get(url)
        assert response.status_code == 400
        assert "year" in response.content.decode().lower()
    page = client.get("/suppliers/shared/?year=18").content.decode()
    assert 'data-field="year"' in page
    assert "data-shared-facilities" not in page
    assert "data-consent-form" in page  # the consent stays at hand


# ---------------------------------------------------------------- consent


def test_consent_given_on_the_page_names_the_company_in_the_next_release_only(
    client: Client, cast: Any, people: People, textile_2018: Any
) -> None:
    before = release_publish(covenant=cast.textile, year=2018, user=None)
    client.force_login(people.zeeman_user)
    page = _page(client, "/suppliers/shared/")
    assert 'data-consent-year="2018" data-consent="none"' in page
    response = client.post(
        "/suppliers/shared/consent/", {"company": "zeeman", "year": "2018", "action": "give"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/suppliers/shared/?company=zeeman#consent"
    assert 'data-consent-year="2018" data-consent="given"' in _page(client, response["Location"])
    assert AuditEvent.objects.filter(
        actor=people.zeeman_user, object_type="publication.publicationconsent"
    ).exists()

    named = release_publish(covenant=cast.textile, year=2018, user=None)
    dhaka = {r.name: r for r in release_records(named)}["Dhaka Knitwear Ltd."]
    assert dhaka.companies == ("HEMA", "Zeeman")
    assert "Zeeman" in _page(client, f"/open-data/releases/{named.pk}/")
    assert "Zeeman" not in {c for r in release_records(before) for c in r.companies}

    response = client.post(
        "/suppliers/shared/consent/", {"company": "zeeman", "year": "2018", "action": "withdraw"}
    )
    assert response.status_code == 302
    page = _page(client, "/suppliers/shared/")
    assert 'data-consent-year="2018" data-consent="withdrawn"' in page
    unnamed = release_publish(covenant=cast.textile, year=2018, user=None)
    assert "Zeeman" not in {c for r in release_records(unnamed) for c in r.companies}
    # what was published while the consent held stays as published
    assert {r.name: r for r in release_records(named)}["Dhaka Knitwear Ltd."].companies == (
        "HEMA",
        "Zeeman",
    )


def test_consent_for_a_year_without_a_list_can_be_given_ahead(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.zeeman_user)
    response = client.post(
        "/suppliers/shared/consent/", {"company": "zeeman", "year": "2019", "action": "give"}
    )
    assert response.status_code == 302
    page = _page(client, "/suppliers/shared/")
    assert re.search(r'data-consent-year="2019" data-consent="given"', page)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"company": "zeeman", "year": "18", "action": "give"}, "year"),
        ({"company": "zeeman", "year": "", "action": "give"}, "year"),
        ({"company": "no-such-company", "year": "2018", "action": "give"}, "company"),
        ({"company": "hema", "year": "2018", "action": "give"}, "company"),  # not Zeeman's
        ({"company": "zeeman", "year": "2018", "action": "maybe"}, "action"),
        ({"company": "zeeman", "year": "2018", "action": "withdraw"}, "year"),  # none to withdraw
    ],
)
def test_bad_consent_input_is_refused_naming_the_field_and_writes_nothing(
    client: Client, people: People, textile_2018: Any, data: dict[str, str], field: str
) -> None:
    consents = list(PublicationConsent.objects.values_list("company__slug", "year", "withdrawn_at"))
    client.force_login(people.zeeman_user)
    response = client.post("/suppliers/shared/consent/", data)
    assert response.status_code == 400
    assert f'data-consent-error data-field="{field}"' in response.content.decode()
    after = list(PublicationConsent.objects.values_list("company__slug", "year", "withdrawn_at"))
    assert after == consents


def test_only_the_companys_users_and_administrators_change_its_consent(
    client: Client, people: People, textile_2018: Any
) -> None:
    data = {"company": "zeeman", "year": "2018", "action": "give"}
    for user in (people.textile_secretariat, people.fnv_observer):
        client.force_login(user)
        assert client.post("/suppliers/shared/consent/", data).status_code == 403
    assert not PublicationConsent.objects.filter(company__slug="zeeman").exists()
    client.force_login(people.administrator)
    assert client.post("/suppliers/shared/consent/", data).status_code == 302
    consent = PublicationConsent.objects.get(company__slug="zeeman", year=2018)
    assert consent.given_by == people.administrator


def test_posts_without_a_csrf_token_are_refused(
    cast: Any, people: People, textile_2018: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.zeeman_user)
    response = client.post(
        "/suppliers/shared/consent/", {"company": "zeeman", "year": "2018", "action": "give"}
    )
    assert response.status_code == 403
    assert not PublicationConsent.objects.filter(company__slug="zeeman").exists()
    client.force_login(people.textile_secretariat)
    bursa = _facility_id("Bursa Orme Tekstil")
    response = client.post(f"/open-data/coordinates/{bursa}/resolve/", {"verdict": "confirmed"})
    assert response.status_code == 403
    assert not CoordinateResolution.objects.exists()


# ---------------------------------------------------------------- clusters


def test_the_secretariat_sees_the_clusters_largest_first_with_the_companies(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.textile_secretariat)
    index = client.get("/suppliers/clusters/")
    assert index.status_code == 302 and index["Location"] == "/suppliers/clusters/textile/"
    page = _page(client, "/suppliers/clusters/textile/")
    assert _rows(page) == [_facility_id("Tirupur Shared Mill"), _facility_id("Dhaka Knitwear Ltd.")]
    assert re.findall(r"<td class=\"num\" data-size>(\d+)</td>", page) == ["6", "2"]
    companies = re.findall(r"<td data-companies>([^<]*)</td>", html.unescape(page))
    assert companies == ["Bever, C&A, Score, WE Fashion, Wibra, Zeeman", "HEMA, Zeeman"]
    assert re.findall(r'<option value="(\d{4})" selected>', page) == ["2018"]
    rows = _csv(client.get("/suppliers/clusters/textile/csv/?year=2018"))
    assert [(r["name"], r["company_count"], r["companies"]) for r in rows] == [
        ("Tirupur Shared Mill", "6", "Bever; C&A; Score; WE Fashion; Wibra; Zeeman"),
        ("Dhaka Knitwear Ltd.", "2", "HEMA; Zeeman"),
    ]


def test_clusters_choose_a_covenant_and_a_year(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.administrator)
    page = _page(client, "/suppliers/clusters/textile/")
    assert re.findall(r'<option value="(banking|textile)"', page) == ["banking", "textile"]
    chosen = client.get("/suppliers/clusters/?covenant=textile&year=2018")
    assert chosen["Location"] == "/suppliers/clusters/textile/?year=2018"
    assert "data-no-lists" in _page(client, "/suppliers/clusters/banking/")
    assert "data-no-clusters" in _page(client, "/suppliers/clusters/textile/?year=2017")
    response = client.get("/suppliers/clusters/textile/?year=twenty")
    assert response.status_code == 400
    assert 'data-field="year"' in response.content.decode()


def test_clusters_of_another_covenant_do_not_exist_and_companies_are_refused(
    client: Client, people: People, textile_2018: Any
) -> None:
    client.force_login(people.banking_secretariat)
    _page(client, "/suppliers/clusters/textile/", status=404)
    _page(client, "/suppliers/clusters/textile/csv/", status=404)
    _page(client, "/suppliers/clusters/?covenant=textile", status=404)
    for user in (people.zeeman_user, people.fnv_observer):
        client.force_login(user)
        _page(client, "/suppliers/clusters/textile/", status=403)
    anonymous = Client().get("/suppliers/clusters/textile/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# ---------------------------------------------------------------- coordinate flags


def _rabobank_flagged(cast: Any) -> str:
    """A list of Rabobank (banking covenant) with an Amsterdam office placed in Bangladesh."""
    rabobank = m.Organisation.objects.get(slug="rabobank")
    supplier_list_import(
        company=rabobank,
        year=2018,
        data=csv_bytes(
            [HEADER, ["Rabo Print Shop", "1 Dam", "Amsterdam", "NL", "23.81", "90.41", "", ""]],
            delimiter=",",
            encoding="utf-8",
        ),
        filename="rabobank.csv",
        matcher=StandInMatcher(),
    )
    return _facility_id("Rabo Print Shop")


def test_coordinate_flags_are_scoped_to_the_covenants_of_the_secretariat(
    cast: Any, textile_2018: Any
) -> None:
    rabo = _rabobank_flagged(cast)
    bursa = _facility_id("Bursa Orme Tekstil")

    def ids(**scope: Any) -> list[str]:
        return [flag["facility_id"] for flag in selectors.coordinate_flags(**scope)]

    assert ids() == sorted([bursa, rabo])
    assert ids(covenants=[cast.textile]) == [bursa]
    assert ids(covenants=[cast.banking]) == [rabo]
    assert ids(covenants=[]) == []


def test_the_secretariat_reviews_its_flags_with_the_problem_shown(
    client: Client, cast: Any, people: People, textile_2018: Any
) -> None:
    rabo = _rabobank_flagged(cast)
    bursa = _facility_id("Bursa Orme Tekstil")
    client.force_login(people.textile_secretariat)
    page = _page(client, "/open-data/coordinates/")
    assert _rows(page, "data-flag") == [bursa]
    assert "The coordinates lie in Bangladesh, not in Türkiye." in page
    assert 'data-problem="the coordinates lie in BD, not in TR"' in page
    assert f'action="/open-data/coordinates/{bursa}/resolve/"' in page
    client.force_login(people.banking_secretariat)
    assert _rows(_page(client, "/open-data/coordinates/"), "data-flag") == [rabo]
    client.force_login(people.administrator)
    assert sorted(_rows(_page(client, "/open-data/coordinates/"), "data-flag")) == sorted(
        [bursa, rabo]
    )
    for user in (people.zeeman_user, people.fnv_observer):
        client.force_login(user)
        _page(client, "/open-data/coordinates/", status=403)


def test_a_correction_from_the_page_is_published_in_the_next_release(
    client: Client, cast: Any, people: People, textile_2018: Any
) -> None:
    bursa = _facility_id("Bursa Orme Tekstil")
    client.force_login(people.textile_secretariat)
    response = client.post(
        f"/open-data/coordinates/{bursa}/resolve/",
        {"verdict": "corrected", "latitude": "40,19", "longitude": "29.06"},
    )
    assert response.status_code == 302 and response["Location"] == "/open-data/coordinates/"
    resolution = CoordinateResolution.objects.get()
    assert (resolution.latitude, resolution.longitude, resolution.decided_by) == (
        40.19,
        29.06,
        people.textile_secretariat,
    )
    page = _page(client, "/open-data/coordinates/")
    assert "data-no-flags" in page and f"{bursa} (Bursa Orme Tekstil) are reviewed" in page
    release = release_publish(covenant=cast.textile, year=2018, user=None)
    row = {r.name: r for r in release_records(release)}["Bursa Orme Tekstil"]
    assert (row.latitude, row.longitude, row.coordinate_precision) == (40.19, 29.06, "exact")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "verdict"),
        ({"verdict": "maybe"}, "verdict"),
        ({"verdict": "corrected", "latitude": "north", "longitude": "29"}, "latitude"),
        ({"verdict": "corrected", "latitude": "40.1", "longitude": "nan"}, "longitude"),
        ({"verdict": "corrected", "latitude": "40.1"}, "longitude"),
        ({"verdict": "corrected", "latitude": "123", "longitude": "29"}, "latitude"),
    ],
)
def test_a_bad_verdict_is_refused_naming_the_field_and_writes_nothing(
    client: Client, people: People, textile_2018: Any, data: dict[str, str], field: str
) -> None:
    bursa = _facility_id("Bursa Orme Tekstil")
    client.force_login(people.textile_secretariat)
    response = client.post(f"/open-data/coordinates/{bursa}/resolve/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-error data-field="{field}"' in page
    assert 'class="row--error"' in page
    assert not CoordinateResolution.objects.exists()


def test_a_facility_outside_the_secretariats_covenants_cannot_be_reviewed(
    client: Client, cast: Any, people: People, textile_2018: Any
) -> None:
    bursa = _facility_id("Bursa Orme Tekstil")
    client.force_login(people.banking_secretariat)
    response = client.post(f"/open-data/coordinates/{bursa}/resolve/", {"verdict": "confirmed"})
    assert response.status_code == 404
    client.force_login(people.textile_secretariat)
    response = client.post("/open-data/coordinates/F-NOPE/resolve/", {"verdict": "confirmed"})
    assert response.status_code == 404
    assert not CoordinateResolution.objects.exists()


def test_the_pages_speak_dutch(cast: Any, people: People, published: Release) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    release = _page(client, f"/open-data/releases/{published.pk}/")
    assert "Wie genoemd wordt, en waarom" in release
    assert "1 van de 7 deelnemers gaven toestemming" in release
    client.force_login(people.textile_secretariat)
    flags = _page(client, "/open-data/coordinates/")
    assert "De coördinaten liggen in Bangladesh, niet in Turkije." in flags
    assert "Toestemming om genoemd te worden" in _page(client, "/suppliers/shared/?company=zeeman")
