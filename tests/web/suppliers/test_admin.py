"""The suppliers app in the admin: every table can be looked up; writes go through services."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.web.suppliers.services import supplier_list_import
from web.suppliers.cast import HEMA_ROWS, ZEEMAN_ROWS, StandInMatcher, csv_bytes, xls_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(cast: Any) -> None:
    for company, data, filename in (
        (cast.zeeman, xls_bytes(ZEEMAN_ROWS), "zeeman.xls"),
        (cast.hema, csv_bytes(HEMA_ROWS), "hema.csv"),
    ):
        supplier_list_import(
            company=company, year=2018, data=data, filename=filename, matcher=StandInMatcher()
        )


def test_every_suppliers_changelist_and_a_facility_page_open_in_the_admin(
    lists: None, admin_client: Any
) -> None:
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse

    from imvo.web.suppliers.models import Facility, FacilitySerial

    for model in apps.get_app_config("suppliers").get_models():
        if model is FacilitySerial:
            continue  # a counter, nothing to look up
        assert admin.site.is_registered(model), model.__name__
        url = reverse(f"admin:suppliers_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, model.__name__
    facility = Facility.objects.get(country="BD")
    page = admin_client.get(reverse("admin:suppliers_facility_change", args=[facility.pk]))
    assert page.status_code == 200
    assert "DHAKA KNITWEAR LIMITED" in page.content.decode()


def test_lists_and_reviews_cannot_be_edited_in_the_admin(lists: None, admin_client: Any) -> None:
    from django.urls import reverse

    from imvo.web.suppliers.models import SupplierList

    supplier_list = SupplierList.objects.first()
    assert supplier_list is not None
    page = admin_client.get(reverse("admin:suppliers_supplierlist_change", args=[supplier_list.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:suppliers_supplierlist_add")).status_code == 403
