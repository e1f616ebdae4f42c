"""The registry's admin: every model editable by staff, the covenant with its inlines."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from imvo.web.registry import models as m


@pytest.fixture
def secretariat(db: None) -> Client:
    """A logged-in administrator (the secretariat keeps the registry)."""
    user = User.objects.create_superuser("secretariat", "secretariat@example.org", "not-a-secret")
    client = Client()
    client.force_login(user)
    return client


def registry_models() -> list[type[Any]]:
    return list(apps.get_app_config("registry").get_models())


def test_every_registry_model_is_in_the_admin() -> None:
    missing = [model.__name__ for model in registry_models() if not admin.site.is_registered(model)]
    assert not missing


@pytest.mark.parametrize("model", registry_models(), ids=lambda model: model.__name__)
def test_every_changelist_opens(secretariat: Client, cast: Any, model: type[Any]) -> None:
    url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
    response = secretariat.get(url)
    assert response.status_code == 200


def test_covenant_page_edits_its_history_parties_targets_figures_and_themes(
    secretariat: Client, cast: Any
) -> None:
    url = reverse("admin:registry_covenant_change", args=[cast.textile.pk])
    html = secretariat.get(url).content.decode()
    for prefix in ("status_changes", "participations", "targets", "observations", "theme_coverage"):
        assert f'id="id_{prefix}-TOTAL_FORMS"' in html, prefix
    assert 'value="Zeeman"' in html or "Zeeman" in html
    assert 'name="status_changes-0-status"' in html


def test_covenant_list_searches_and_filters(secretariat: Client, cast: Any) -> None:
    url = reverse("admin:registry_covenant_changelist")
    found = secretariat.get(url, {"q": "Textiel"}).content.decode()
    assert "AGT" in found and "Banken" not in found
    filtered = secretariat.get(url, {"ser_process__exact": "1"})
    assert filtered.status_code == 200


def test_organisations_filter_synthetic_parties(
    secretariat: Client, cast: Any, demo_company: Any
) -> None:
    url = reverse("admin:registry_organisation_changelist")
    html = secretariat.get(url, {"synthetic__exact": "1"}).content.decode()
    assert "Demo Fashion B.V." in html
    assert "Zeeman" not in html


def test_secretariat_adds_a_status_change_through_the_covenant(
    secretariat: Client, cast: Any
) -> None:
    url = reverse("admin:registry_covenant_change", args=[cast.banking.pk])
    response = secretariat.get(url)
    form = response.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"sectors", "sources"} and value is not None
    }
    data.update(
        {
            "sectors": [s.pk for s in cast.banking.sectors.all()],
            "market_sector": cast.banking.market_sector_id,
            "ends_on": "",
            "website": "",
        }
    )
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for field in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{field}"] = management[field].value()
        for index, subform in enumerate(formset.forms):
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[f"{formset.prefix}-{index}-{name}"] = value
    total = int(data["status_changes-TOTAL_FORMS"])
    data["status_changes-TOTAL_FORMS"] = total + 1
    data[f"status_changes-{total}-status"] = "ended"
    data[f"status_changes-{total}-on"] = "2019-12-07"
    data[f"status_changes-{total}-confidence"] = "confirmed"
    data[f"status_changes-{total}-covenant"] = cast.banking.pk
    response = secretariat.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in [response.context["adminform"].form]
    ]
    assert list(
        m.StatusChange.objects.filter(covenant=cast.banking).values_list("status", flat=True)
    ) == ["signed", "ended"]


def test_data_loads_are_read_only(secretariat: Client, db: None) -> None:
    load = m.DataLoad.objects.create(kind="reference", digest="abc", summary={"covenants": 13})
    assert secretariat.get(reverse("admin:registry_dataload_add")).status_code == 403
    view = secretariat.get(reverse("admin:registry_dataload_change", args=[load.pk]))
    assert view.status_code == 200
    assert 'name="digest"' not in view.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client: Client, db: None) -> None:
    response = client.get(reverse("admin:registry_covenant_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_speaks_dutch_with_the_registry_title(secretariat: Client, db: None) -> None:
    html = secretariat.get(reverse("admin:index")).content.decode()
    assert "IMVO Monitor: register" in html
    assert "Convenantenregister" in html
