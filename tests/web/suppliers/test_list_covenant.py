"""A supplier list belongs to a company, a covenant and a year (issue 9, finding 2).

A list for a covenant the company did not take part in that year is refused (service, web form,
API); without a covenant the company's only covenant is taken; versions are numbered within the
company, covenant and year, so a list for one covenant never replaces the list in another
covenant's release; and everything that reads "the list in force" reads it per covenant.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imvo.core.errors import ImvoError
from imvo.web.accounts.services import api_token_create
from imvo.web.publication.selectors import release_lists, shared_facilities
from imvo.web.registry.models import Participation
from imvo.web.suppliers.models import (
    MatchReview,
    ReviewStatus,
    SupplierList,
)
from imvo.web.suppliers.selectors import (
    facility_export_rows,
    source_row_export_rows,
    supplier_list_versions,
    supplier_lists_current,
)
from imvo.web.suppliers.services import supplier_list_import
from web.accounts.people import People, build_people
from web.suppliers.cast import StandInMatcher, csv_bytes, database_counts

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Address", "Country"]
MILLS = csv_bytes([HEADER, ["Mill One", "1 Road", "BD"], ["Mill Two", "2 Road", "BD"]])
OTHER = csv_bytes([HEADER, ["Gold Mine", "3 Road", "PE"]])


def import_list(company: Any, data: bytes = MILLS, **options: Any) -> SupplierList:
    options.setdefault("matcher", StandInMatcher())
    options.setdefault("year", 2018)
    return supplier_list_import(company=company, data=data, filename="list.csv", **options)


def join_banking(cast: Any, **dates: date) -> Participation:
    return Participation.objects.create(
        covenant=cast.banking,
        organisation=cast.zeeman,
        joined_on=dates.get("joined_on", date(2017, 1, 1)),
        left_on=dates.get("left_on"),
    )


def test_a_list_for_a_covenant_the_company_is_not_in_is_refused_naming_the_field(
    cast: Any,
) -> None:
    before = database_counts()
    with pytest.raises(ImvoError) as raised:
        import_list(cast.zeeman, covenant=cast.banking)
    assert raised.value.field == "covenant"
    assert "Zeeman did not take part in the covenant banking in 2018" in raised.value.message
    assert "it took part in textile" in raised.value.message
    assert database_counts() == before


def test_a_covenant_left_before_the_year_is_refused(cast: Any) -> None:
    join_banking(cast, joined_on=date(2016, 12, 7), left_on=date(2017, 6, 30))
    assert import_list(cast.zeeman, year=2017, covenant=cast.banking).covenant == cast.banking
    with pytest.raises(ImvoError) as raised:
        import_list(cast.zeeman, year=2018, covenant=cast.banking)
    assert raised.value.field == "covenant"


def test_without_a_covenant_the_companys_only_covenant_is_taken(cast: Any) -> None:
    assert import_list(cast.zeeman).covenant == cast.textile


def test_a_company_in_two_covenants_must_choose(cast: Any) -> None:
    join_banking(cast)
    with pytest.raises(ImvoError) as raised:
        import_list(cast.zeeman)
    assert raised.value.field == "covenant"
    assert "more than one covenant in 2018 (banking, textile)" in raised.value.message
    assert "choose the covenant" in raised.value.message
    assert import_list(cast.zeeman, covenant=cast.banking).covenant == cast.banking


def test_a_company_in_no_covenant_that_year_is_refused(cast: Any) -> None:
    with pytest.raises(ImvoError) as raised:
        import_list(cast.zeeman, year=2015)
    assert raised.value.field == "covenant"
    assert "took part in no covenant in 2015" in raised.value.message


def test_versions_are_numbered_per_covenant_and_a_list_for_another_covenant_replaces_nothing(
    cast: Any,
) -> None:
    """Finding 2: a second covenant's list used to become version 2 of the company's year and
    push its list out of the first covenant's release."""
    join_banking(cast)
    textile = import_list(cast.zeeman, covenant=cast.textile)
    banking = import_list(cast.zeeman, OTHER, covenant=cast.banking)
    corrected = import_list(cast.zeeman, covenant=cast.textile)

    assert (textile.version, banking.version, corrected.version) == (1, 1, 2)
    assert list(supplier_list_versions(company=cast.zeeman, covenant=cast.textile, year=2018)) == [
        textile,
        corrected,
    ]
    assert set(supplier_lists_current()) == {banking, corrected}
    assert list(release_lists(covenant=cast.textile, year=2018)) == [corrected]
    assert list(release_lists(covenant=cast.banking, year=2018)) == [banking]


def test_open_reviews_are_superseded_only_by_a_new_version_for_the_same_covenant(
    cast: Any,
) -> None:
    join_banking(cast)
    import_list(cast.hema, csv_bytes([HEADER, ["Rahman Mills", "Road 1", "BD"]]))
    reviewing = StandInMatcher(review_names=["Rahman Knitting"])
    uncertain = csv_bytes([HEADER, ["Rahman Knitting", "Road 1", "BD"]])
    import_list(cast.zeeman, uncertain, covenant=cast.textile, matcher=reviewing)
    (review,) = MatchReview.objects.filter(status=ReviewStatus.OPEN)

    import_list(cast.zeeman, OTHER, covenant=cast.banking)
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN, "a banking list is no new version of textile's"

    import_list(cast.zeeman, covenant=cast.textile)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUPERSEDED


def test_a_list_without_covenant_counts_until_the_company_hands_one_in_for_a_covenant(
    cast: Any,
) -> None:
    legacy = import_list(cast.zeeman)
    SupplierList.objects.filter(pk=legacy.pk).update(covenant=None)  # as handed in before
    assert list(supplier_lists_current()) == [legacy]
    assert list(release_lists(covenant=cast.textile, year=2018)) == [legacy]

    bound = import_list(cast.zeeman, OTHER)
    assert bound.version == 1
    assert list(supplier_lists_current()) == [bound]
    assert list(release_lists(covenant=cast.textile, year=2018)) == [bound]


def test_exports_and_leverage_read_the_latest_list_of_each_covenant(cast: Any) -> None:
    join_banking(cast)
    import_list(cast.hema)
    import_list(cast.zeeman, covenant=cast.textile)
    import_list(cast.zeeman, OTHER, covenant=cast.banking)
    import_list(cast.zeeman, OTHER, covenant=cast.banking)  # version 2 replaces version 1 only

    exported = {row.name: row.companies for row in facility_export_rows(year=2018)}
    assert exported == {"Mill One": 2, "Mill Two": 2, "Gold Mine": 1}
    rows = [(row.company, row.version, row.name) for row in source_row_export_rows(year=2018)]
    assert sorted(rows) == [
        ("HEMA", 1, "Mill One"),
        ("HEMA", 1, "Mill Two"),
        ("Zeeman", 1, "Mill One"),
        ("Zeeman", 1, "Mill Two"),
        ("Zeeman", 2, "Gold Mine"),
    ]
    shared = shared_facilities(company=cast.zeeman, year=2018)
    assert sorted(f["name"] for f in shared["facilities"]) == ["Mill One", "Mill Two"]


def test_the_migration_gives_old_lists_the_one_covenant_their_company_was_in(cast: Any) -> None:
    join_banking(cast)
    hema = import_list(cast.hema)
    zeeman = import_list(cast.zeeman, covenant=cast.textile)
    SupplierList.objects.filter(pk__in=[hema.pk, zeeman.pk]).update(covenant=None)
    migration = importlib.import_module(
        "imvo.web.suppliers.migrations.0004_supplier_list_covenant_version_status"
    )

    migration.covenants_backfill(apps, None)

    hema.refresh_from_db()
    zeeman.refresh_from_db()
    assert hema.covenant == cast.textile
    assert zeeman.covenant is None, "Zeeman was in two covenants in 2018: no guess"


# ---- the web form and the API --------------------------------------------------------------


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def test_the_upload_form_refuses_another_covenant_in_the_page_language(
    cast: Any, people: People, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(people.zeeman_user)
    form = {
        "year": 2018,
        "company": cast.zeeman.pk,
        "covenant": cast.banking.pk,
        "file": SimpleUploadedFile("list.csv", MILLS),
    }
    response = client.post("/suppliers/upload/", form)
    assert response.status_code == 400
    assert "Zeeman nam in 2018 niet deel aan Banken." in response.content.decode()
    assert SupplierList.all_objects.count() == 0


def test_the_api_refuses_another_covenant_with_a_400_naming_it(
    cast: Any, people: People, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path
    _, raw = api_token_create(user=people.zeeman_user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"year": "2018", "covenant": "banking", "file": SimpleUploadedFile("list.csv", MILLS)}
    response = client.post("/api/v1/supplier-lists/?wait=true", body)
    assert response.status_code == 400, response.content
    (message,) = response.json()["covenant"]
    assert "Zeeman did not take part in the covenant banking in 2018" in message
    body = {"year": "2018", "file": SimpleUploadedFile("list.csv", MILLS)}
    accepted = client.post("/api/v1/supplier-lists/?wait=true", body)
    assert accepted.status_code == 201, accepted.content
    assert SupplierList.objects.get(pk=accepted.json()["list_id"]).covenant == cast.textile
