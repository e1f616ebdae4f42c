"""Who may see what: the permission functions every view calls (DESIGN §2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from imvo.web.accounts import permissions as p
from imvo.web.accounts.services import membership_delete, user_create
from imvo.web.diligence.models import Submission
from imvo.web.registry import models as m
from web.accounts.people import People

ANONYMOUS = AnonymousUser()


def slugs(queryset: Any) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_each_role_is_recognised_only_for_its_own_scope(people: People, cast: Any) -> None:
    assert p.is_secretariat_of(people.textile_secretariat, cast.textile)
    assert not p.is_secretariat_of(people.textile_secretariat, cast.banking)
    assert not p.is_secretariat_of(people.banking_secretariat, cast.textile)
    assert p.is_observer_of(people.fnv_observer, cast.textile)
    assert not p.is_observer_of(people.fnv_observer, cast.banking)
    assert not p.is_secretariat_of(people.fnv_observer, cast.textile)
    assert p.is_company_user(people.zeeman_user)
    assert not p.is_company_user(people.textile_secretariat)
    admins = {name for name, user in people.by_name().items() if p.is_admin(user)}
    assert admins == {"administrator"}
    assert not p.is_admin(ANONYMOUS)


def test_administrators_are_not_secretariat_by_membership_but_may_do_its_work(
    people: People, cast: Any
) -> None:
    assert not p.is_secretariat_of(people.administrator, cast.textile)
    assert p.can_administer_covenant(people.administrator, cast.textile)
    assert slugs(p.covenants_administered_by(people.administrator)) == {"textile", "banking"}


def test_a_django_superuser_counts_as_administrator(db: None) -> None:
    from django.contrib.auth.models import User

    superuser = User.objects.create_superuser("root@imvo.example", "root@imvo.example", None)
    assert p.is_admin(superuser)


def test_covenants_administered_and_visible_follow_the_roles(people: People, cast: Any) -> None:
    assert slugs(p.covenants_administered_by(people.textile_secretariat)) == {"textile"}
    assert slugs(p.covenants_administered_by(people.fnv_observer)) == set()
    assert slugs(p.covenants_visible_to(people.fnv_observer)) == {"textile"}
    assert slugs(p.covenants_visible_to(people.zeeman_user)) == set()
    assert slugs(p.covenants_visible_to(ANONYMOUS)) == set()
    assert p.can_view_covenant_figures(people.fnv_observer, cast.textile)
    assert not p.can_view_covenant_figures(people.fnv_observer, cast.banking)
    assert not p.can_view_covenant_figures(people.zeeman_user, cast.textile)


def test_companies_visible_to_each_person(people: People) -> None:
    """The companies a page may offer each person to choose (not what it reads of them)."""
    expected = {
        "zeeman_user": {"zeeman"},
        "hema_user": {"hema"},
        "textile_secretariat": {"zeeman", "hema"},  # FNV takes part too, but is no company
        "banking_secretariat": {"rabobank"},
        "fnv_observer": set(),
        "administrator": {"zeeman", "hema", "rabobank"},
    }
    seen = {name: slugs(p.companies_visible_to(user)) for name, user in people.by_name().items()}
    assert seen == expected
    assert slugs(p.companies_visible_to(ANONYMOUS)) == set()


def test_a_company_user_can_view_and_edit_only_its_own_company(people: People, cast: Any) -> None:
    for covenant in (cast.textile, cast.banking, None):
        assert p.can_view_company_data(
            people.zeeman_user, company=cast.zeeman, covenant=covenant, year=2018
        )
    assert p.can_edit_company(people.zeeman_user, cast.zeeman)
    assert not p.can_view_company_data(
        people.zeeman_user, company=cast.hema, covenant=cast.textile, year=2018
    )
    assert not p.can_edit_company(people.zeeman_user, cast.hema)


def test_the_secretariat_reads_but_does_not_edit_its_covenants_data(
    people: People, cast: Any
) -> None:
    def reads(name: str, covenant: Any, year: int = 2018) -> bool:
        user = getattr(people, name)
        return p.can_view_company_data(user, company=cast.zeeman, covenant=covenant, year=year)

    assert reads("textile_secretariat", cast.textile)
    assert not reads("textile_secretariat", cast.textile, year=2015)  # before Zeeman joined
    assert not reads("textile_secretariat", None)  # a list without a covenant: Zeeman's own
    assert not reads("textile_secretariat", cast.banking)
    assert not p.can_edit_company(people.textile_secretariat, cast.zeeman)
    assert not reads("banking_secretariat", cast.textile)
    assert not reads("banking_secretariat", cast.banking)  # Zeeman takes no part in banking
    assert not reads("fnv_observer", cast.textile)
    assert reads("administrator", cast.banking)
    assert p.can_edit_company(people.administrator, cast.zeeman)


def test_a_participation_added_later_opens_only_its_own_covenant_and_years(
    people: People, cast: Any
) -> None:
    """The escalation of issue 9: the banking secretariat adds Zeeman to banking."""
    from datetime import date

    from imvo.web.accounts.services import participation_create

    participation_create(
        covenant=cast.banking,
        organisation=cast.zeeman,
        joined_on=date(2019, 3, 1),
        created_by=people.banking_secretariat,
    )
    banking = people.banking_secretariat
    assert "zeeman" in slugs(p.companies_visible_to(banking))  # it may choose Zeeman …
    for covenant, year in ((cast.textile, 2019), (cast.textile, 2018), (cast.banking, 2018)):
        # … but not read its textile data, nor banking data of before it joined
        assert not p.can_view_company_data(
            banking, company=cast.zeeman, covenant=covenant, year=year
        )
    assert p.can_view_company_data(banking, company=cast.zeeman, covenant=cast.banking, year=2019)
    # and Zeeman no longer belongs to the textile covenant alone: no accounts for it from there
    assert "zeeman" not in slugs(p.companies_invitable_by(people.textile_secretariat))
    assert "zeeman" not in slugs(p.companies_invitable_by(banking))
    assert not p.can_edit_organisation_record(people.textile_secretariat, cast.zeeman)
    assert p.can_edit_organisation_record(people.textile_secretariat, cast.hema)


def test_a_company_that_left_the_covenant_is_visible_only_for_the_years_it_took_part(
    people: People, cast: Any
) -> None:
    from datetime import date

    participation = m.Participation.objects.get(covenant=cast.textile, organisation=cast.hema)
    participation.left_on = date(2018, 3, 31)
    participation.save()
    for year, expected in ((2016, True), (2018, True), (2019, False), (2015, False)):
        assert (
            p.can_view_company_data(
                people.textile_secretariat, company=cast.hema, covenant=cast.textile, year=year
            )
            is expected
        ), year


def test_companies_invitable_by_each_person(people: People, cast: Any) -> None:
    expected = {
        "zeeman_user": {"zeeman"},
        "hema_user": {"hema"},
        "textile_secretariat": {"zeeman", "hema"},
        "banking_secretariat": {"rabobank"},
        "fnv_observer": set(),
        "administrator": {"zeeman", "hema", "rabobank"},
    }
    seen = {name: slugs(p.companies_invitable_by(u)) for name, u in people.by_name().items()}
    assert seen == expected


def test_get_company_object_or_404_hides_another_companys_object(people: People, cast: Any) -> None:
    from web.diligence.story import zeeman_draft

    draft = zeeman_draft(cast)
    submissions = Submission.objects.all()
    paths = {"covenant_field": "covenant", "year_field": "year"}
    assert p.get_company_object_or_404(people.zeeman_user, submissions, pk=draft.pk, **paths)
    for name in ("hema_user", "fnv_observer", "banking_secretariat"):
        with pytest.raises(Http404):
            p.get_company_object_or_404(getattr(people, name), submissions, pk=draft.pk, **paths)
    with pytest.raises(Http404):
        p.get_company_object_or_404(ANONYMOUS, submissions, pk=draft.pk, **paths)
    found = p.get_company_object_or_404(
        people.textile_secretariat, submissions, pk=draft.pk, **paths
    )
    assert found == draft


def test_company_objects_visible_to_follows_lookup_paths(people: People, cast: Any) -> None:
    from imvo.web.diligence.models import RiskItem
    from web.diligence.story import zeeman_draft

    draft = zeeman_draft(cast)
    risks = RiskItem.objects.all()
    paths = {
        "company_field": "submission__company",
        "covenant_field": "submission__covenant",
        "year_field": "submission__year",
    }
    for name, expected in (
        ("zeeman_user", True),
        ("textile_secretariat", True),
        ("administrator", True),
        ("hema_user", False),
        ("banking_secretariat", False),
        ("fnv_observer", False),
    ):
        visible = p.company_objects_visible_to(getattr(people, name), risks, **paths)
        assert set(visible) == (set(draft.risks.all()) if expected else set()), name
    administered = p.company_objects_administered_by(people.zeeman_user, risks, **paths)
    assert not administered.exists()  # its own users do no secretariat work on it


def test_covenant_objects_are_limited_to_the_secretariats_covenants(
    people: People, cast: Any
) -> None:
    target = m.Target.objects.get(covenant=cast.textile)
    targets = m.Target.objects.all()
    assert p.get_covenant_object_or_404(people.textile_secretariat, targets, pk=target.pk)
    assert p.get_covenant_object_or_404(people.administrator, targets, pk=target.pk)
    for name in ("banking_secretariat", "fnv_observer", "zeeman_user"):
        with pytest.raises(Http404):
            p.get_covenant_object_or_404(getattr(people, name), targets, pk=target.pk)


def test_a_deactivated_user_loses_every_role(people: People, cast: Any) -> None:
    user = people.textile_secretariat
    user.is_active = False
    user.save()
    p.grants_forget(user)
    assert not p.can_administer_covenant(user, cast.textile)
    assert not p.can_view_company_data(user, company=cast.zeeman, covenant=cast.textile, year=2018)
    admin = people.administrator
    admin.is_active = False
    assert not p.is_admin(admin)


def test_roles_are_read_once_per_user_object_and_forgotten_after_a_change(
    people: People, cast: Any, django_assert_num_queries: Any
) -> None:
    user = people.textile_secretariat
    p.grants_forget(user)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert p.is_secretariat_of(user, cast.textile)
    membership = user.memberships.get()
    membership_delete(membership=membership, deleted_by=None)
    assert not p.is_secretariat_of(user, cast.textile)


def test_stored_user_is_none_for_anonymous(people: People) -> None:
    assert p.stored_user(ANONYMOUS) is None
    assert p.stored_user(None) is None
    assert p.stored_user(people.zeeman_user) == people.zeeman_user


# ---------------------------------------------------------------- view decorators


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret work")


def _request(user: Any) -> HttpRequest:
    request = RequestFactory().get("/work/?page=2")
    request.user = user
    return request


def test_secretariat_required_sends_anonymous_users_to_the_login_page(db: None) -> None:
    response = p.secretariat_required(_view)(_request(ANONYMOUS))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/work/%3Fpage%3D2"


def test_secretariat_required_refuses_other_roles(people: People) -> None:
    view = p.secretariat_required(_view)
    assert view(_request(people.textile_secretariat)).status_code == 200
    assert view(_request(people.administrator)).status_code == 200
    for user in (people.zeeman_user, people.fnv_observer):
        with pytest.raises(PermissionDenied):
            view(_request(user))


def test_admin_and_company_user_required(people: People) -> None:
    with pytest.raises(PermissionDenied):
        p.admin_required(_view)(_request(people.textile_secretariat))
    assert p.admin_required(_view)(_request(people.administrator)).status_code == 200
    assert p.company_user_required(_view)(_request(people.hema_user)).status_code == 200
    with pytest.raises(PermissionDenied):
        p.company_user_required(_view)(_request(people.fnv_observer))


# ---------------------------------------------------------------- API permission classes


class _View:
    company_field = "company"
    covenant_field = "covenant"
    year_field = "year"


def _api_request(user: Any, method: str = "get") -> Request:
    request = Request(getattr(APIRequestFactory(), method)("/api/v1/x/"))
    request.user = user
    return request


def test_company_object_access_is_404_for_another_company_and_403_for_readers(
    people: People, cast: Any
) -> None:
    from web.diligence.story import zeeman_draft

    share = zeeman_draft(cast)  # Zeeman's submission to the textile covenant for 2018
    access = p.CompanyObjectAccess()
    view: Any = _View()
    assert access.has_object_permission(_api_request(people.zeeman_user), view, share)
    assert access.has_object_permission(_api_request(people.zeeman_user, "post"), view, share)
    with pytest.raises(exceptions.NotFound):
        access.has_object_permission(_api_request(people.hema_user), view, share)
    with pytest.raises(exceptions.NotFound):
        access.has_object_permission(_api_request(people.hema_user, "post"), view, share)
    # The secretariat may read Zeeman's data, so refusing its write reveals nothing.
    assert access.has_object_permission(_api_request(people.textile_secretariat), view, share)
    assert not access.has_object_permission(
        _api_request(people.textile_secretariat, "post"), view, share
    )
    with pytest.raises(exceptions.NotFound):
        access.has_object_permission(_api_request(people.banking_secretariat), view, share)
    assert not access.has_permission(_api_request(ANONYMOUS), view)


def test_secretariat_and_figures_permissions_hide_other_covenants(
    people: People, cast: Any
) -> None:
    target = m.Target.objects.get(covenant=cast.textile)
    view: Any = _View()
    secretariat = p.IsSecretariat()
    assert secretariat.has_permission(_api_request(people.banking_secretariat), view)
    assert not secretariat.has_permission(_api_request(people.fnv_observer), view)
    assert secretariat.has_object_permission(_api_request(people.textile_secretariat), view, target)
    with pytest.raises(exceptions.NotFound):
        secretariat.has_object_permission(_api_request(people.banking_secretariat), view, target)
    figures = p.CovenantFiguresAccess()
    assert figures.has_object_permission(_api_request(people.fnv_observer), view, target)
    with pytest.raises(exceptions.NotFound):
        figures.has_object_permission(_api_request(people.zeeman_user), view, target)
    assert p.IsAdmin().has_permission(_api_request(people.administrator), view)
    assert not p.IsAdmin().has_permission(_api_request(people.textile_secretariat), view)


def test_related_object_follows_lookup_paths(cast: Any) -> None:
    share = m.MarketShare.objects.get(company=cast.zeeman)
    assert p.related_object(share, "company") == cast.zeeman
    assert p.related_object(share, "company__sector") == cast.textile_sector
    assert p.related_object(share, "pk") is share


def test_new_users_without_roles_see_nothing(db: None, cast: Any) -> None:
    nobody = user_create(email="nobody@example.org")
    assert slugs(p.companies_visible_to(nobody)) == set()
    assert slugs(p.covenants_visible_to(nobody)) == set()
    assert not p.administers_any_covenant(nobody)
