"""Who may see and do what (DESIGN §2), as small functions every view and API class calls.

Naming: `is_secretariat_of` and `is_observer_of` state a membership and nothing more; the
`can_*` functions and the `*_visible_to` / `*_administered_by` querysets answer the access
question, so they let administrators through. Company data of another company is reported as
missing (404), never as forbidden (403), so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from imvo.web.accounts.models import Membership, Role
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind

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


def companies_of(user: AnyUser) -> QuerySet[Organisation]:
    """The companies the user works for (company memberships only)."""
    return Organisation.objects.filter(pk__in=_company_ids(user), kind=OrganisationKind.COMPANY)


def companies_administered_by(user: AnyUser) -> QuerySet[Organisation]:
    """Companies that ever took part in a covenant of the user's secretariat (all companies
    for administrators): whose data it reads and whose users it may invite."""
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    if is_admin(user):
        return companies
    administered = _covenant_ids(user, Role.SECRETARIAT)
    if not administered:
        return companies.none()
    in_covenants = Organisation.objects.filter(participations__covenant_id__in=administered).values(
        "pk"
    )
    return companies.filter(pk__in=in_covenants)


def companies_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """Companies whose confidential data the user may read: its own companies, every company
    that ever took part in a covenant of its secretariat, or all for administrators.
    Observers and anonymous users see none."""
    if is_admin(user):
        return Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    own = Organisation.objects.filter(pk__in=_company_ids(user), kind=OrganisationKind.COMPANY)
    if not _covenant_ids(user, Role.SECRETARIAT):
        return own
    return own | companies_administered_by(user)


def can_view_company(user: AnyUser, company: Organisation) -> bool:
    """May the user read this company's confidential data?"""
    if is_admin(user) or company.pk in _company_ids(user):
        return True
    return companies_visible_to(user).filter(pk=company.pk).exists()


def can_edit_company(user: AnyUser, company: Organisation) -> bool:
    """May the user change this company's data? Its own users and administrators only; the
    secretariat reads and assesses but does not write a company's submissions."""
    return is_admin(user) or company.pk in _company_ids(user)


def company_objects_visible_to(
    user: AnyUser, queryset: QuerySet[M], *, company_field: str = "company"
) -> QuerySet[M]:
    """`queryset` narrowed to the objects of companies the user may read. `company_field` is
    the path to the company (`"company"`, `"submission__company"`); for a queryset of
    companies themselves, pass `company_field="pk"`."""
    visible = companies_visible_to(user).values("pk")
    return queryset.filter(**{f"{company_field}__in": visible})


def get_company_object_or_404(
    user: AnyUser, queryset: QuerySet[M], *, company_field: str = "company", **lookup: Any
) -> M:
    """The object matching `lookup` if the user may read its company's data; otherwise 404,
    exactly as if it did not exist."""
    return get_object_or_404(
        company_objects_visible_to(user, queryset, company_field=company_field), **lookup
    )


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
    """Company data: readable by whoever may view the company, writable by its own users and
    administrators. Another company's object is 404, never 403. The view names the path to
    the company in `company_field` (default `"company"`).

    Narrow list querysets with `company_objects_visible_to` as well: object permissions are
    only checked for single objects.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        company = related_object(obj, getattr(view, "company_field", "company"))
        if not can_view_company(request.user, company):
            raise exceptions.NotFound()
        if request.method in SAFE_METHODS:
            return True
        return can_edit_company(request.user, company)
