"""Who may see and do what (DESIGN §2), as small functions every view and API class calls.

Naming: `is_secretariat_of` and `is_observer_of` state a membership and nothing more; the
`can_*` functions and the `*_visible_to` / `*_administered_by` querysets answer the access
question, so they let administrators through. Company data of another company is reported as
missing (404), never as forbidden (403), so its existence is not revealed.

A company's data belongs to the covenant it was handed in for and to a year; a secretariat
reads it only for its own covenants and only for the years the company took part in them
(`company_objects_visible_to`). Knowing a company (choosing it on a page) is wider than
reading its data (`companies_visible_to`); creating its accounts is narrower
(`companies_invitable_by`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from imvo.web.accounts.models import Membership, Role
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind, Participation

if TYPE_CHECKING:  # importing DRF's views here would load the authentication classes early
    from rest_framework.request import Request
    from rest_framework.views import APIView

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)

_GRANTS_CACHE = "_imvo_grants"


def stored_user(user: AnyUser | None) -> User | None:
    """The account behind `request.user`, typed for foreign keys; None when anonymous."""
    return user if isinstance(user, User) and user.is_authenticated else None


@dataclass(frozen=True)
class Grant:
    """One role of a user, by the ids of its company or covenant."""

    role: str
    company_id: int | None = None
    covenant_id: int | None = None


def grants_of(user: AnyUser) -> frozenset[Grant]:
    """The user's roles; none for anonymous or deactivated users. Read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Grant] | None = getattr(user, _GRANTS_CACHE, None)
    if cached is None:
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "role", "company_id", "covenant_id"
        )
        cached = frozenset(Grant(role, company, covenant) for role, company, covenant in rows)
        setattr(user, _GRANTS_CACHE, cached)
    return cached


def grants_forget(user: AnyUser) -> None:
    """Drop the roles read for this user object (after they changed)."""
    if hasattr(user, _GRANTS_CACHE):
        delattr(user, _GRANTS_CACHE)


# ---------------------------------------------------------------- roles


def is_admin(user: AnyUser) -> bool:
    """An administrator: sees and does everything (Django superusers count)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or any(
        g.role == Role.ADMIN for g in grants_of(user)
    )


def is_secretariat_of(user: AnyUser, covenant: Covenant) -> bool:
    """A member of this covenant's secretariat (administrators are not, by this test)."""
    return Grant(Role.SECRETARIAT, None, covenant.pk) in grants_of(user)


def is_observer_of(user: AnyUser, covenant: Covenant) -> bool:
    """An observer (union or NGO party) of this covenant."""
    return Grant(Role.OBSERVER, None, covenant.pk) in grants_of(user)


def is_company_user(user: AnyUser) -> bool:
    """A user of at least one company."""
    return any(g.role == Role.COMPANY for g in grants_of(user))


def _covenant_ids(user: AnyUser, *roles: str) -> set[int]:
    return {g.covenant_id for g in grants_of(user) if g.role in roles and g.covenant_id}


def _company_ids(user: AnyUser) -> set[int]:
    return {g.company_id for g in grants_of(user) if g.role == Role.COMPANY and g.company_id}


def covenants_administered_by(user: AnyUser) -> QuerySet[Covenant]:
    """Covenants whose secretariat work the user may do: its own, or all for administrators."""
    if is_admin(user):
        return Covenant.objects.all()
    return Covenant.objects.filter(pk__in=_covenant_ids(user, Role.SECRETARIAT))


def covenants_visible_to(user: AnyUser) -> QuerySet[Covenant]:
    """Covenants whose non-public aggregate figures the user may see: as secretariat or
    observer, or all for administrators."""
    if is_admin(user):
        return Covenant.objects.all()
    return Covenant.objects.filter(pk__in=_covenant_ids(user, Role.SECRETARIAT, Role.OBSERVER))


def can_administer_covenant(user: AnyUser, covenant: Covenant) -> bool:
    """Secretariat work on this covenant: assessing, reviewing, publishing."""
    return is_admin(user) or is_secretariat_of(user, covenant)


def can_view_covenant_figures(user: AnyUser, covenant: Covenant) -> bool:
    """The covenant's aggregate, non-public figures: its secretariat, observers, admins."""
    return can_administer_covenant(user, covenant) or is_observer_of(user, covenant)


def administers_any_covenant(user: AnyUser) -> bool:
    return is_admin(user) or bool(_covenant_ids(user, Role.SECRETARIAT))


# ---------------------------------------------------------------- companies
#
# A company's confidential data (supplier lists, submissions, assessments, shared facilities)
# belongs to the covenant it was handed in for, and to a year. Its own users and administrators
# read all of it. A secretariat reads an object only when it belongs to one of the
# secretariat's covenants *and* the company took part in that covenant during the object's
# year: a participation added later, or one that ended, opens nothing of another covenant's or
# another time's data. Lists handed in without a covenant (before lists had one) are for the
# company's own users and administrators only.


def took_part_during(*, company: Any, covenant: Any, year: Any) -> Exists:
    """An `Exists` that the company took part in the covenant at some time in the year:
    joined by 31 December and not left before 1 January. The arguments are values or
    expressions (`OuterRef("company")`)."""
    return Exists(
        Participation.objects.filter(
            organisation=company, covenant=covenant, joined_on__year__lte=year
        ).filter(Q(left_on__isnull=True) | Q(left_on__year__gte=year))
    )


def companies_of(user: AnyUser) -> QuerySet[Organisation]:
    """The companies the user works for (company memberships only)."""
    return Organisation.objects.filter(pk__in=_company_ids(user), kind=OrganisationKind.COMPANY)


def companies_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """The companies a page may offer the user to choose (`?company=`, a company list): its
    own, for a secretariat every company that has (or had) a participation in one of its
    covenants, all for administrators. Choosing a company opens nothing by itself: what is
    shown of it is narrowed by `company_objects_visible_to`."""
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    if is_admin(user):
        return companies
    chosen = Q(pk__in=sorted(_company_ids(user)))
    administered = _covenant_ids(user, Role.SECRETARIAT)
    if administered:
        chosen |= Q(
            Exists(
                Participation.objects.filter(
                    organisation=OuterRef("pk"), covenant_id__in=sorted(administered)
                )
            )
        )
    return companies.filter(chosen)


def companies_invitable_by(user: AnyUser) -> QuerySet[Organisation]:
    """Companies the user may create accounts for (invite users of): its own companies; for a
    secretariat the companies whose data it sees in full, i.e. that took part in its
    covenants and in no other; all for administrators. A company user can change its
    company's consent to be named, so this must never reach data of another covenant."""
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    if is_admin(user):
        return companies
    invitable = Q(pk__in=sorted(_company_ids(user)))
    administered = sorted(_covenant_ids(user, Role.SECRETARIAT))
    if administered:
        of_company = Participation.objects.filter(organisation=OuterRef("pk"))
        invitable |= Q(Exists(of_company.filter(covenant_id__in=administered))) & ~Q(
            Exists(of_company.exclude(covenant_id__in=administered))
        )
    return companies.filter(invitable)


def organisations_editable_by(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations whose registry record (name, brands, market shares) the user may change
    in the admin: all for administrators; for a secretariat those that take part in none but
    its covenants (or in none yet), since a brand or a name is published in every covenant."""
    if is_admin(user):
        return Organisation.objects.all()
    administered = sorted(_covenant_ids(user, Role.SECRETARIAT))
    if not administered:
        return Organisation.objects.none()
    elsewhere = Participation.objects.filter(organisation=OuterRef("pk")).exclude(
        covenant_id__in=administered
    )
    return Organisation.objects.filter(~Exists(elsewhere))


def can_edit_organisation_record(user: AnyUser, organisation: Organisation) -> bool:
    """May the user change this organisation's registry record (`organisations_editable_by`)?"""
    return organisations_editable_by(user).filter(pk=organisation.pk).exists()


def can_view_company_data(
    user: AnyUser, *, company: Organisation, covenant: Covenant | None, year: int
) -> bool:
    """May the user read this company's data handed in for `covenant` and `year`?"""
    if is_admin(user) or company.pk in _company_ids(user):
        return True
    if covenant is None or covenant.pk not in _covenant_ids(user, Role.SECRETARIAT):
        return False
    return bool(
        Organisation.objects.filter(pk=company.pk)
        .filter(took_part_during(company=company.pk, covenant=covenant.pk, year=year))
        .exists()
    )


def can_edit_company(user: AnyUser, company: Organisation) -> bool:
    """May the user change this company's data? Its own users and administrators only; the
    secretariat reads and assesses but does not write a company's submissions."""
    return is_admin(user) or company.pk in _company_ids(user)


def can_hand_in_for(user: AnyUser, *, company: Organisation, covenant: Covenant | None) -> bool:
    """May the user hand in data (a supplier list) for this company and covenant? The
    company's own users and administrators for any covenant; a secretariat only for its own
    covenants, so that it never writes into another covenant's data."""
    if can_edit_company(user, company):
        return True
    return covenant is not None and covenant.pk in _covenant_ids(user, Role.SECRETARIAT)


def _as_secretariat(
    user: AnyUser, *, company_field: str, covenant_field: str, year_field: str
) -> Q | None:
    """The objects the user reads as a secretariat, as a filter; None for no secretariat."""
    administered = _covenant_ids(user, Role.SECRETARIAT)
    if not administered:
        return None
    return Q(**{f"{covenant_field}__in": sorted(administered)}) & Q(
        took_part_during(
            company=OuterRef(company_field),
            covenant=OuterRef(covenant_field),
            year=OuterRef(year_field),
        )
    )


def company_objects_visible_to(
    user: AnyUser,
    queryset: QuerySet[M],
    *,
    company_field: str = "company",
    covenant_field: str,
    year_field: str,
) -> QuerySet[M]:
    """`queryset` narrowed to the company data the user may read: its own companies' (every
    covenant), for a secretariat the objects of its covenants whose company took part in that
    covenant during the object's year, everything for administrators. The fields name the
    path from an object to its company, covenant and year (`"submission__company"`,
    `"submission__covenant"`, `"submission__year"`)."""
    if is_admin(user):
        return queryset
    allowed = Q(**{f"{company_field}__in": sorted(_company_ids(user))})
    as_secretariat = _as_secretariat(
        user, company_field=company_field, covenant_field=covenant_field, year_field=year_field
    )
    if as_secretariat is not None:
        allowed |= as_secretariat
    return queryset.filter(allowed)


def company_objects_administered_by(
    user: AnyUser,
    queryset: QuerySet[M],
    *,
    company_field: str = "company",
    covenant_field: str,
    year_field: str,
) -> QuerySet[M]:
    """`queryset` narrowed to the company data the user does secretariat work on (reviews,
    assessments): as `company_objects_visible_to`, without the user's own companies."""
    if is_admin(user):
        return queryset
    as_secretariat = _as_secretariat(
        user, company_field=company_field, covenant_field=covenant_field, year_field=year_field
    )
    return queryset.none() if as_secretariat is None else queryset.filter(as_secretariat)


def get_company_object_or_404(
    user: AnyUser,
    queryset: QuerySet[M],
    *,
    company_field: str = "company",
    covenant_field: str,
    year_field: str,
    **lookup: Any,
) -> M:
    """The object matching `lookup` if the user may read it (`company_objects_visible_to`);
    otherwise 404, exactly as if it did not exist."""
    visible = company_objects_visible_to(
        user,
        queryset,
        company_field=company_field,
        covenant_field=covenant_field,
        year_field=year_field,
    )
    return get_object_or_404(visible, **lookup)


def get_company_or_404(user: AnyUser, **lookup: Any) -> Organisation:
    """A company the user may choose (`companies_visible_to`); otherwise 404."""
    company: Organisation = get_object_or_404(companies_visible_to(user), **lookup)
    return company


# ---------------------------------------------------------------- covenant objects


def covenant_objects_administered_by(
    user: AnyUser, queryset: QuerySet[M], *, covenant_field: str = "covenant"
) -> QuerySet[M]:
    """`queryset` narrowed to objects of covenants the user does secretariat work for."""
    if is_admin(user):
        return queryset
    return queryset.filter(**{f"{covenant_field}__in": _covenant_ids(user, Role.SECRETARIAT)})


def get_covenant_object_or_404(
    user: AnyUser, queryset: QuerySet[M], *, covenant_field: str = "covenant", **lookup: Any
) -> M:
    """The object matching `lookup` if the user is its covenant's secretariat; otherwise 404."""
    return get_object_or_404(
        covenant_objects_administered_by(user, queryset, covenant_field=covenant_field), **lookup
    )


def related_object(obj: Any, path: str) -> Any:
    """Follow a Django lookup path (`"submission__company"`) on an instance; `"pk"` or an
    empty path gives the object itself."""
    if path in {"", "pk"}:
        return obj
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


# ---------------------------------------------------------------- web views


ViewFunction = Callable[..., HttpResponse]


def role_required(test: Callable[[AnyUser], bool]) -> Callable[[ViewFunction], ViewFunction]:
    """A view decorator: anonymous users go to the login page, users failing `test` get 403."""

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied(_("Your account has no role that gives access to this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(is_admin)
secretariat_required = role_required(administers_any_covenant)
company_user_required = role_required(lambda user: is_admin(user) or is_company_user(user))


# ---------------------------------------------------------------- API permission classes


class IsAdmin(BasePermission):
    """Administrators only."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request.user)


class IsSecretariat(BasePermission):
    """The secretariat of the object's covenant (or an administrator). The view names the path
    to the covenant in `covenant_field` (default `"covenant"`; `"pk"` for a covenant itself).
    Objects of other covenants are reported as missing."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return administers_any_covenant(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        covenant = related_object(obj, getattr(view, "covenant_field", "covenant"))
        if not can_administer_covenant(request.user, covenant):
            raise exceptions.NotFound()
        return True


class CovenantFiguresAccess(BasePermission):
    """The covenant's secretariat, observers and administrators (aggregate figures)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        covenant = related_object(obj, getattr(view, "covenant_field", "covenant"))
        if not can_view_covenant_figures(request.user, covenant):
            raise exceptions.NotFound()
        return True


class CompanyObjectAccess(BasePermission):
    """Company data: readable by whoever may read it (`can_view_company_data`: its own users,
    administrators, the secretariat of the covenant it was handed in for while the company
    took part), writable by its own users and administrators. Data the user may not read is
    404, never 403. The view names the paths from the object to its company, covenant and
    year in `company_field`, `covenant_field` and `year_field` (defaults `"company"`,
    `"covenant"`, `"year"`).

    Narrow list querysets with `company_objects_visible_to` as well: object permissions are
    only checked for single objects.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        company = related_object(obj, getattr(view, "company_field", "company"))
        covenant = related_object(obj, getattr(view, "covenant_field", "covenant"))
        year = related_object(obj, getattr(view, "year_field", "year"))
        if not can_view_company_data(request.user, company=company, covenant=covenant, year=year):
            raise exceptions.NotFound()
        if request.method in SAFE_METHODS:
            return True
        return can_edit_company(request.user, company)
