"""Who may open which page: every URL pattern and API route, for every role, against the
access table below (DESIGN §2).

The walk finds each route in the URLconf; a route missing from ROUTES fails the suite ("a new
page without a rule"). A new page adds one line: its name, who may see it, and how to fill in
its parameters for an object of Zeeman (company A) or of the textile covenant.

The cast: anonymous; Zeeman's user (company A) and HEMA's user (company B), both in the
textile covenant; the textile covenant's secretariat; the banking covenant's secretariat (the
wrong covenant); FNV's observer on the textile covenant; an administrator. Web pages are
opened with a logged-in session, API routes with the person's API token.

Before every walk the banking secretariat adds Zeeman to the banking covenant (from 2018, the
year of Zeeman's textile data: the escalation of issue 9), so Zeeman takes part in two
covenants. Its textile data stays hidden from the banking secretariat; `OTHER_COVENANT` walks
the routes holding a company's data once more with data Zeeman handed in for banking (the
banking secretariat reads it, the textile secretariat does not) and with banking data of 2019,
after Zeeman left banking again (only Zeeman and administrators read it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from web.accounts.people import (
    People,
    build_people,
    zeeman_joins_banking,
    zeeman_leaves_banking,
)

# ---------------------------------------------------------------- outcomes and access levels

OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # web: redirect to the login page; API: 401
FORBIDDEN = "forbidden"  # 403: the page exists for others, the role does not reach it
HIDDEN = "hidden"  # 404: someone else's data, as if it did not exist
ADMIN_LOGIN = "admin-login"  # Django's admin sends non-staff to its own login
# Let past the login: the admin's own rules may still answer 403 (a read-only model's add
# page), 404 or a redirect (a missing object).
REACHED = "reached"

ROLES = (
    "anonymous",
    "zeeman_user",
    "hema_user",
    "textile_secretariat",
    "banking_secretariat",
    "fnv_observer",
    "administrator",
)


def access(default: str, **by_role: str) -> Mapping[str, str]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"no such role in the cast: {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


PUBLIC = access(OK)
LOGGED_IN = access(OK, anonymous=LOGIN)
SECRETARIAT = access(
    FORBIDDEN,
    anonymous=LOGIN,
    textile_secretariat=OK,
    banking_secretariat=OK,
    administrator=OK,
)
ADMIN = access(FORBIDDEN, anonymous=LOGIN, administrator=OK)
# every page of Django's admin; a secretariat edits its covenants' registry rows there
STAFF = access(
    ADMIN_LOGIN,
    textile_secretariat=REACHED,
    banking_secretariat=REACHED,
    administrator=REACHED,
)
# Zeeman's confidential data (a supplier list, a submission): Zeeman's users, the textile
# secretariat and administrators; for everyone else it does not exist.
ZEEMAN_DATA = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=OK, textile_secretariat=OK, administrator=OK
)
# The textile covenant's aggregate, non-public figures: its secretariat and observers.
TEXTILE_FIGURES = access(
    HIDDEN, anonymous=LOGIN, textile_secretariat=OK, fnv_observer=OK, administrator=OK
)
# A page choosing Zeeman (`?company=zeeman`): the banking secretariat may choose it too, as
# Zeeman takes part in banking, and is shown only its banking data (test_covenant_scope.py).
ZEEMAN_CHOSEN = {**ZEEMAN_DATA, "banking_secretariat": OK}
# Supplier-list pages: whoever works with lists (observers read no company data).
SUPPLIER_LISTS = access(OK, anonymous=LOGIN, fnv_observer=FORBIDDEN)
# Inviting users: a secretariat for its covenants, a company's users for their colleagues.
INVITERS = access(OK, anonymous=LOGIN, fnv_observer=FORBIDDEN)
# A review of a Zeeman row: the textile secretariat and administrators decide it.
ZEEMAN_REVIEW = access(
    FORBIDDEN, anonymous=LOGIN, textile_secretariat=OK, banking_secretariat=HIDDEN, administrator=OK
)
OWN_ACCOUNT_OF_ZEEMAN_USER = access(HIDDEN, anonymous=LOGIN, zeeman_user=OK)
# Secretariat work of the textile covenant (shared-facility clusters): another covenant's
# secretariat finds nothing; roles without secretariat work are refused.
TEXTILE_SECRETARIAT = access(
    FORBIDDEN, anonymous=LOGIN, textile_secretariat=OK, banking_secretariat=HIDDEN, administrator=OK
)
# Changing Zeeman's data: its users and administrators; the textile secretariat reads it only.
ZEEMAN_WRITE = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=OK, textile_secretariat=FORBIDDEN, administrator=OK
)
# A write to Zeeman's data without its fields: refused as bad input (400) once access is granted.
ZEEMAN_WRITE_INVALID = {
    **ZEEMAN_WRITE,
    "zeeman_user": "status 400",
    "administrator": "status 400",
}
# Secretariat work on Zeeman's data (reopening, assessing): Zeeman's users see it but may not.
ZEEMAN_SECRETARIAT = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=FORBIDDEN, textile_secretariat=OK, administrator=OK
)
# Zeeman's assessment before it is published: the textile secretariat and administrators.
ZEEMAN_UNPUBLISHED = access(HIDDEN, anonymous=LOGIN, textile_secretariat=OK, administrator=OK)

# The same for data Zeeman handed in for the banking covenant (it took part from 2018): the
# banking secretariat reads it, the textile secretariat does not.
ZEEMAN_BANKING_DATA = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=OK, banking_secretariat=OK, administrator=OK
)
ZEEMAN_BANKING_WRITE = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=OK, banking_secretariat=FORBIDDEN, administrator=OK
)
ZEEMAN_BANKING_SECRETARIAT = access(
    HIDDEN, anonymous=LOGIN, zeeman_user=FORBIDDEN, banking_secretariat=OK, administrator=OK
)
ZEEMAN_BANKING_REVIEW = access(
    FORBIDDEN, anonymous=LOGIN, textile_secretariat=HIDDEN, banking_secretariat=OK, administrator=OK
)
# Banking data of 2019, after Zeeman left banking at the end of 2018: Zeeman's and the
# administrators' only.
ZEEMAN_AFTER_IT_LEFT = access(HIDDEN, anonymous=LOGIN, zeeman_user=OK, administrator=OK)


# ---------------------------------------------------------------- the world a rule fills in


@dataclass
class World:
    """The registry cast (tests/web/conftest.py) and the people, for parameter builders."""

    cast: Any
    people: People
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self.people, role)


def no_parameters(world: World) -> dict[str, Any]:
    return {}


def textile_slug(world: World) -> dict[str, Any]:
    return {"slug": world.cast.textile.slug}


def zeeman_users_token(world: World) -> dict[str, Any]:
    from imvo.web.accounts.services import api_token_create

    token, _ = api_token_create(user=world.people.zeeman_user)
    return {"pk": token.pk}


def textile_invitation(world: World) -> dict[str, Any]:
    return {"pk": _invite(world)[0].pk}


def textile_invitation_token(world: World) -> dict[str, Any]:
    return {"token": _invite(world)[1]}


def _invite(world: World) -> tuple[Any, str]:
    """The textile secretariat invites a user of HEMA (a company of the textile covenant
    alone: Zeeman, in two covenants, is no longer one it may create accounts for)."""
    from imvo.web.accounts.services import invitation_create

    return invitation_create(
        invited_by=world.people.textile_secretariat,
        email="new@hema.example",
        role="company",
        company=world.cast.hema,
        accept_url=str,
    )


def _zeeman_list(world: World, *, covenant: Any, year: int = 2018) -> Any:
    from imvo.web.suppliers.services import supplier_list_import
    from web.suppliers.cast import ZEEMAN_ROWS, StandInMatcher, csv_bytes

    return supplier_list_import(
        company=world.cast.zeeman,
        year=year,
        covenant=covenant,
        data=csv_bytes(ZEEMAN_ROWS, encoding="utf-8"),
        filename="zeeman.csv",
        matcher=StandInMatcher(),
    )


def zeeman_supplier_list(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_list(world, covenant=world.cast.textile).pk}


def zeeman_banking_list(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_list(world, covenant=world.cast.banking).pk}


def zeeman_banking_list_after_it_left(world: World) -> dict[str, Any]:
    """Zeeman's banking list for 2019, handed in before its participation ended in 2018."""
    found = _zeeman_list(world, covenant=world.cast.banking, year=2019)
    zeeman_leaves_banking(world.cast, world.people)
    return {"pk": found.pk}


def _zeeman_job(world: World, covenant: Any) -> dict[str, Any]:
    import secrets

    from imvo.web.suppliers.jobs import import_job_create

    # a queued job; its upload need not exist for its status page
    job = import_job_create(
        company=world.cast.zeeman,
        year=2018,
        covenant=covenant,
        token=secrets.token_urlsafe(32),
        filename="zeeman.csv",
    )
    return {"pk": job.pk}


def zeeman_import_job(world: World) -> dict[str, Any]:
    return _zeeman_job(world, world.cast.textile)


def zeeman_banking_import_job(world: World) -> dict[str, Any]:
    return _zeeman_job(world, world.cast.banking)


def _zeeman_review(world: World, covenant: Any) -> dict[str, Any]:
    from imvo.web.suppliers.models import MatchReview
    from imvo.web.suppliers.services import supplier_list_import
    from web.suppliers.cast import HEMA_ROWS, StandInMatcher, csv_bytes

    supplier_list_import(
        company=world.cast.hema,
        year=2018,
        covenant=world.cast.textile,
        data=csv_bytes(HEMA_ROWS),
        filename="hema.csv",
        matcher=StandInMatcher(),
    )
    supplier_list_import(
        company=world.cast.zeeman,
        year=2018,
        covenant=covenant,
        data=csv_bytes([["Name", "Address", "Country"], ["Dhaka Knit II", "Plot 99", "BD"]]),
        filename="zeeman.csv",
        matcher=StandInMatcher(review_names=["Dhaka Knit II"]),
    )
    return {"pk": MatchReview.objects.get(row__supplier_list__company=world.cast.zeeman).pk}


def zeeman_users_work(world: World) -> dict[str, Any]:
    """A piece of background work Zeeman's user started (an import; it fails: no upload)."""
    from imvo.web.suppliers.jobs import import_job_start

    job = _import_job(world)
    job.created_by = world.people.zeeman_user
    job.save()
    import_job_start(job)
    return {"pk": _latest_work().pk}


def _import_job(world: World) -> Any:
    import secrets

    from imvo.web.suppliers.jobs import import_job_create

    return import_job_create(
        company=world.cast.zeeman,
        year=2018,
        token=secrets.token_urlsafe(32),
        filename="zeeman.csv",
    )


def _latest_work() -> Any:
    from imvo.web.work.models import Work

    return Work.objects.latest("pk")


def zeeman_review(world: World) -> dict[str, Any]:
    """An open review of a row of Zeeman's textile list."""
    return _zeeman_review(world, world.cast.textile)


def zeeman_banking_review(world: World) -> dict[str, Any]:
    """An open review of a row of Zeeman's banking list."""
    return _zeeman_review(world, world.cast.banking)


def zeeman_draft(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_draft

    return {"pk": zeeman_draft(world.cast).pk}


def zeeman_submitted(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_submitted

    return {"pk": zeeman_submitted(world.cast).pk}


def zeeman_risk(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_draft

    return {"pk": zeeman_draft(world.cast).risks.first().pk}  # type: ignore[union-attr]


def zeeman_action(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_draft

    return {"pk": zeeman_draft(world.cast).actions.first().pk}  # type: ignore[union-attr]


def zeeman_published_assessment(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_assessment

    return {"pk": zeeman_assessment(world.cast).pk}


def zeeman_unscored_assessment(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_assessment

    return {"pk": zeeman_assessment(world.cast, scored=False, published=False).pk}


def zeeman_scored_assessment(world: World) -> dict[str, Any]:
    from web.diligence.story import zeeman_assessment

    return {"pk": zeeman_assessment(world.cast, published=False).pk}


def _zeeman_banking_draft(world: World, year: int = 2018) -> Any:
    """Zeeman's submission to the banking covenant: one risk, one action."""
    from imvo.web.diligence import services
    from imvo.web.diligence.models import Submission
    from web.diligence.story import CHILD_LABOUR_BD, textile_framework

    textile_framework(world.cast)  # the themes
    made = Submission.objects.filter(
        company=world.cast.zeeman, covenant=world.cast.banking, year=year
    ).first()
    if made is not None:
        return made
    submission = services.submission_create(
        actor=None, company=world.cast.zeeman, covenant=world.cast.banking, year=year
    )
    risk = services.risk_item_create(actor=None, submission=submission, fields=CHILD_LABOUR_BD)
    services.action_create(
        actor=None,
        submission=submission,
        fields=services.ActionFields(
            what="Engage the bank's clients",
            where="",
            due_on=None,
            indicator="",
            risk_ids=(risk.pk,),
        ),
    )
    return submission


def _zeeman_banking_submitted(world: World) -> Any:
    from imvo.web.diligence import services
    from imvo.web.diligence.models import AssessmentFramework
    from web.diligence.story import BEFORE_DEADLINE

    if not AssessmentFramework.objects.filter(covenant=world.cast.banking).exists():
        services.framework_create(covenant=world.cast.banking)
    submission = _zeeman_banking_draft(world)
    if submission.status == "submitted":
        return submission
    return services.submission_submit(actor=None, submission=submission, now=BEFORE_DEADLINE)


def zeeman_banking_draft(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_banking_draft(world).pk}


def zeeman_banking_draft_after_it_left(world: World) -> dict[str, Any]:
    """Zeeman's banking submission for 2019, begun before its participation ended in 2018."""
    submission = _zeeman_banking_draft(world, year=2019)
    zeeman_leaves_banking(world.cast, world.people)
    return {"pk": submission.pk}


def zeeman_banking_submitted(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_banking_submitted(world).pk}


def zeeman_banking_risk(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_banking_draft(world).risks.first().pk}


def zeeman_banking_action(world: World) -> dict[str, Any]:
    return {"pk": _zeeman_banking_draft(world).actions.first().pk}


def zeeman_banking_published_assessment(world: World) -> dict[str, Any]:
    """The banking secretariat's published assessment of Zeeman's banking submission."""
    from imvo.web.diligence import services

    submission = _zeeman_banking_submitted(world)
    assessment = services.assessment_create(actor=None, submission=submission)
    services.assessment_score(
        actor=None,
        assessment=assessment,
        scores=[
            (criterion.key, 3, "Reason.")
            for element in assessment.framework.elements.all()
            for criterion in element.criteria.all()
        ],
    )
    services.assessment_publish(actor=None, assessment=assessment)
    return {"pk": assessment.pk}


def zeeman_slug(world: World) -> dict[str, Any]:
    return {"slug": world.cast.zeeman.slug}


def _textile_release(world: World) -> Any:
    """A published textile release of 2018: Zeeman's list, Zeeman consenting."""
    from imvo.web.publication.services import consent_give, release_publish

    zeeman_supplier_list(world)
    consent_give(company=world.cast.zeeman, year=2018)
    return release_publish(covenant=world.cast.textile, year=2018, user=None)


def textile_release(world: World) -> dict[str, Any]:
    return {"pk": _textile_release(world).pk}


def textile_release_csv(world: World) -> dict[str, Any]:
    return {"pk": _textile_release(world).pk, "fmt": "csv"}


def published_facility(world: World) -> dict[str, Any]:
    return {"facility_id": _textile_release(world).rows.first().facility_id}


def published_brand(world: World) -> dict[str, Any]:
    """HEMA's list published with HEMA consenting: its brand has a public page."""
    from imvo.web.publication.services import consent_give, release_publish
    from imvo.web.suppliers.services import supplier_list_import
    from web.suppliers.cast import HEMA_ROWS, StandInMatcher, csv_bytes

    supplier_list_import(
        company=world.cast.hema,
        year=2018,
        covenant=world.cast.textile,
        data=csv_bytes(HEMA_ROWS),
        filename="hema.csv",
        matcher=StandInMatcher(),
    )
    consent_give(company=world.cast.hema, year=2018)
    release_publish(covenant=world.cast.textile, year=2018, user=None)
    return {"slug": "hema"}


def textile_lists_to_publish(world: World) -> dict[str, Any]:
    """Zeeman's 2018 list, Zeeman consenting: the textile secretariat can publish the year."""
    from imvo.web.publication.services import consent_give

    zeeman_supplier_list(world)
    consent_give(company=world.cast.zeeman, year=2018)
    return {}


def zeeman_flagged_facility(world: World) -> dict[str, Any]:
    """Zeeman's 2018 list with Bursa's coordinates in Bangladesh: flagged for review."""
    from imvo.web.suppliers.models import Facility
    from imvo.web.suppliers.services import supplier_list_import
    from web.publication.story import HEADER, ZEEMAN
    from web.suppliers.cast import StandInMatcher, csv_bytes

    supplier_list_import(
        company=world.cast.zeeman,
        year=2018,
        covenant=world.cast.textile,
        data=csv_bytes([HEADER, *ZEEMAN], delimiter=",", encoding="utf-8"),
        filename="zeeman.csv",
        matcher=StandInMatcher(),
    )
    return {"facility_id": Facility.objects.get(name="Bursa Orme Tekstil").facility_id}


@dataclass(frozen=True)
class Rule:
    access: Mapping[str, str]
    kwargs: Callable[[World], dict[str, Any]] = no_parameters
    method: str = "get"
    data: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- the access table

ROUTES: dict[str, Rule] = {
    # public pages
    "registry:dashboard": Rule(PUBLIC),
    "registry:covenant": Rule(PUBLIC, textile_slug),
    "set_language": Rule(PUBLIC, method="post", data={"language": "en", "next": "/"}),
    # public API
    "api-covenant-list": Rule(PUBLIC),
    "api-covenant-detail": Rule(PUBLIC, textile_slug),
    "api-covenant-coverage": Rule(PUBLIC, textile_slug),
    "api-sector-list": Rule(PUBLIC),
    "api-target-list": Rule(PUBLIC),
    "api-theme-matrix": Rule(PUBLIC),
    "api-schema": Rule(PUBLIC),
    "api-docs": Rule(PUBLIC),
    "api-me": Rule(LOGGED_IN),
    # due diligence
    "api-submission-list": Rule(LOGGED_IN),
    "api-submission-detail": Rule(ZEEMAN_DATA, zeeman_draft),
    "api-submission-submit": Rule(ZEEMAN_WRITE, zeeman_draft, "post"),
    "api-submission-reopen": Rule(ZEEMAN_SECRETARIAT, zeeman_submitted, "post"),
    "api-risk-list": Rule(ZEEMAN_DATA, zeeman_draft),
    "api-action-list": Rule(ZEEMAN_DATA, zeeman_draft),
    "api-submission-template": Rule(ZEEMAN_DATA, zeeman_draft),
    "api-submission-risk-check": Rule(ZEEMAN_DATA, zeeman_draft),
    "api-assessment-create": Rule(ZEEMAN_SECRETARIAT, zeeman_submitted, "post"),
    "api-risk-detail": Rule(ZEEMAN_DATA, zeeman_risk),
    "api-action-detail": Rule(ZEEMAN_DATA, zeeman_action),
    "api-assessment-detail": Rule(ZEEMAN_DATA, zeeman_published_assessment),
    "api-assessment-scores": Rule(
        ZEEMAN_UNPUBLISHED,
        zeeman_unscored_assessment,
        "post",
        {"criterion": "policy-commitment", "points": "3", "reason": "Published policy."},
    ),
    "api-assessment-publish": Rule(ZEEMAN_UNPUBLISHED, zeeman_scored_assessment, "post"),
    "api-framework-list": Rule(PUBLIC),
    "api-assessment-outcomes": Rule(PUBLIC),
    "api-risk-check": Rule(PUBLIC, data={"sector": "textile", "country": "BD"}),
    # due-diligence pages; a POST without its fields is a 400 for whoever may write
    "diligence:submissions": Rule(SUPPLIER_LISTS),
    "diligence:submission-start": Rule(
        access(
            FORBIDDEN,
            anonymous=LOGIN,
            zeeman_user="status 400",
            hema_user="status 400",
            administrator="status 400",
        ),
        method="post",
    ),
    "diligence:framework": Rule(PUBLIC),
    "diligence:submission": Rule(ZEEMAN_DATA, zeeman_draft),
    "diligence:answers": Rule(ZEEMAN_WRITE_INVALID, zeeman_draft, "post"),
    "diligence:risk-add": Rule(ZEEMAN_WRITE, zeeman_draft),
    "diligence:action-add": Rule(ZEEMAN_WRITE_INVALID, zeeman_draft, "post"),
    "diligence:gap-add": Rule(ZEEMAN_WRITE_INVALID, zeeman_draft, "post"),
    "diligence:explanation-set": Rule(ZEEMAN_WRITE_INVALID, zeeman_draft, "post"),
    "diligence:submit": Rule(ZEEMAN_WRITE, zeeman_draft, "post"),
    "diligence:reopen": Rule(ZEEMAN_SECRETARIAT, zeeman_submitted, "post"),
    "diligence:template": Rule(ZEEMAN_DATA, zeeman_draft),
    "diligence:upload": Rule(ZEEMAN_WRITE_INVALID, zeeman_draft, "post"),
    "diligence:assess": Rule(ZEEMAN_SECRETARIAT, zeeman_submitted, "post"),
    "diligence:risk": Rule(ZEEMAN_WRITE, zeeman_risk),
    "diligence:action": Rule(ZEEMAN_WRITE, zeeman_action),
    "diligence:assessment": Rule(ZEEMAN_DATA, zeeman_published_assessment),
    "diligence:assessment-score": Rule(ZEEMAN_UNPUBLISHED, zeeman_unscored_assessment, "post"),
    "diligence:assessment-publish": Rule(ZEEMAN_UNPUBLISHED, zeeman_scored_assessment, "post"),
    # accounts
    "accounts:login": Rule(PUBLIC),
    "accounts:logout": Rule(PUBLIC, method="post"),
    "accounts:account": Rule(LOGGED_IN),
    "accounts:token-create": Rule(LOGGED_IN, method="post"),
    "accounts:token-revoke": Rule(OWN_ACCOUNT_OF_ZEEMAN_USER, zeeman_users_token, "post"),
    "accounts:invitations": Rule(INVITERS),
    # an invitation of a HEMA user by the textile secretariat: HEMA's users see it too
    "accounts:invitation-revoke": Rule(
        access(
            HIDDEN,
            anonymous=LOGIN,
            hema_user=OK,
            textile_secretariat=OK,
            fnv_observer=FORBIDDEN,
            administrator=OK,
        ),
        textile_invitation,
        "post",
    ),
    "accounts:invitation-accept": Rule(PUBLIC, textile_invitation_token),
    # supplier lists (issue 3): observers read no company data
    "suppliers:lists": Rule(SUPPLIER_LISTS),
    "suppliers:upload": Rule(SUPPLIER_LISTS),
    "suppliers:upload-columns": Rule(SUPPLIER_LISTS),  # without an upload: back to step 1
    "suppliers:job": Rule(ZEEMAN_DATA, zeeman_import_job),
    "suppliers:list": Rule(ZEEMAN_DATA, zeeman_supplier_list),
    "suppliers:review-queue": Rule(SECRETARIAT),
    "suppliers:deduplicate": Rule(SECRETARIAT),
    # background work: its status page is for whoever started it (and administrators)
    "work:status": Rule(
        access(HIDDEN, anonymous=LOGIN, zeeman_user=OK, administrator=OK), zeeman_users_work
    ),
    "suppliers:review": Rule(ZEEMAN_REVIEW, zeeman_review),
    # a verdict that does not exist: 400 for whoever may decide, so the review stays open
    "suppliers:review-decide": Rule(
        {**ZEEMAN_REVIEW, "textile_secretariat": "status 400", "administrator": "status 400"},
        zeeman_review,
        "post",
        {"verdict": "maybe"},
    ),
    "api-supplier-lists": Rule(SUPPLIER_LISTS),
    "api-supplier-list": Rule(ZEEMAN_DATA, zeeman_supplier_list),
    "api-import-job": Rule(ZEEMAN_DATA, zeeman_import_job),
    # publication (issue 5): the open list is public; shared leverage is confidential
    "api-release-list": Rule(PUBLIC),
    "api-release-detail": Rule(PUBLIC, textile_release),
    "api-release-file": Rule(PUBLIC, textile_release_csv),
    "api-facility-list": Rule(PUBLIC),
    "api-facility-detail": Rule(PUBLIC, published_facility),
    "api-brand-list": Rule(PUBLIC),
    "api-shared-facilities": Rule(ZEEMAN_CHOSEN, zeeman_slug),
    "api-covenant-clusters": Rule(TEXTILE_SECRETARIAT, textile_slug),
    # the open-data pages (issue 5): public; publishing is the secretariat's
    "publication:releases": Rule(PUBLIC),
    "publication:publish": Rule(
        TEXTILE_SECRETARIAT,
        textile_lists_to_publish,
        "post",
        {"covenant": "textile", "year": "2018"},
    ),
    "publication:facilities": Rule(PUBLIC, data={"q": "dhaka"}),
    "publication:map": Rule(PUBLIC),
    "publication:countries": Rule(PUBLIC),
    "publication:facility": Rule(PUBLIC, published_facility),
    "publication:brands": Rule(PUBLIC),
    "publication:brand": Rule(PUBLIC, published_brand),
    "publication:release": Rule(PUBLIC, textile_release),
    # coordinate review: every secretariat sees its own covenants' flags; a verdict on a
    # facility of another covenant's companies finds nothing
    "publication:coordinates": Rule(SECRETARIAT),
    "publication:coordinates-resolve": Rule(
        TEXTILE_SECRETARIAT, zeeman_flagged_facility, "post", {"verdict": "confirmed"}
    ),
    # shared leverage beside the supplier pages: Zeeman's page is Zeeman's data
    "suppliers:shared": Rule(ZEEMAN_CHOSEN, data={"company": "zeeman"}),
    "suppliers:shared-csv": Rule(ZEEMAN_CHOSEN, data={"company": "zeeman"}),
    # consent is the company's own: another company's slug is "no such company" (400); the
    # secretariat sees the consent but does not give it
    "suppliers:consent": Rule(
        access(
            FORBIDDEN,
            anonymous=LOGIN,
            zeeman_user=OK,
            hema_user="status 400",
            administrator=OK,
        ),
        method="post",
        data={"company": "zeeman", "year": "2018", "action": "give"},
    ),
    "suppliers:clusters": Rule(SECRETARIAT),
    "suppliers:clusters-covenant": Rule(TEXTILE_SECRETARIAT, textile_slug),
    "suppliers:clusters-csv": Rule(TEXTILE_SECRETARIAT, textile_slug),
    # Django's admin: its login and logout pages are open; the rest is STAFF (see below).
    "admin:login": Rule(PUBLIC),
    "admin:logout": Rule(PUBLIC, method="post"),
}

# The routes holding a company's data once more, for data of the other covenant (and of a
# year after a participation ended): (route, what the case is, rule).
BANKING = "banking-2018"
AFTER_IT_LEFT = "banking-2019-after-zeeman-left"
OTHER_COVENANT: list[tuple[str, str, Rule]] = [
    ("suppliers:list", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_list)),
    (
        "suppliers:list",
        AFTER_IT_LEFT,
        Rule(ZEEMAN_AFTER_IT_LEFT, zeeman_banking_list_after_it_left),
    ),
    ("api-supplier-list", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_list)),
    (
        "api-supplier-list",
        AFTER_IT_LEFT,
        Rule(ZEEMAN_AFTER_IT_LEFT, zeeman_banking_list_after_it_left),
    ),
    ("suppliers:job", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_import_job)),
    ("api-import-job", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_import_job)),
    ("suppliers:review", BANKING, Rule(ZEEMAN_BANKING_REVIEW, zeeman_banking_review)),
    (
        "suppliers:review-decide",
        BANKING,
        Rule(
            {
                **ZEEMAN_BANKING_REVIEW,
                "banking_secretariat": "status 400",
                "administrator": "status 400",
            },
            zeeman_banking_review,
            "post",
            {"verdict": "maybe"},
        ),
    ),
    ("diligence:submission", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    (
        "diligence:submission",
        AFTER_IT_LEFT,
        Rule(ZEEMAN_AFTER_IT_LEFT, zeeman_banking_draft_after_it_left),
    ),
    ("api-submission-detail", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    (
        "api-submission-detail",
        AFTER_IT_LEFT,
        Rule(ZEEMAN_AFTER_IT_LEFT, zeeman_banking_draft_after_it_left),
    ),
    ("api-risk-list", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    ("api-action-list", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    ("api-submission-template", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    ("api-submission-risk-check", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    ("diligence:template", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_draft)),
    ("api-risk-detail", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_risk)),
    ("api-action-detail", BANKING, Rule(ZEEMAN_BANKING_DATA, zeeman_banking_action)),
    ("diligence:risk", BANKING, Rule(ZEEMAN_BANKING_WRITE, zeeman_banking_risk)),
    ("diligence:action", BANKING, Rule(ZEEMAN_BANKING_WRITE, zeeman_banking_action)),
    ("diligence:submit", BANKING, Rule(ZEEMAN_BANKING_WRITE, zeeman_banking_draft, "post")),
    (
        "diligence:reopen",
        BANKING,
        Rule(ZEEMAN_BANKING_SECRETARIAT, zeeman_banking_submitted, "post"),
    ),
    (
        "api-submission-reopen",
        BANKING,
        Rule(ZEEMAN_BANKING_SECRETARIAT, zeeman_banking_submitted, "post"),
    ),
    (
        "diligence:assess",
        BANKING,
        Rule(ZEEMAN_BANKING_SECRETARIAT, zeeman_banking_submitted, "post"),
    ),
    (
        "api-assessment-create",
        BANKING,
        Rule(ZEEMAN_BANKING_SECRETARIAT, zeeman_banking_submitted, "post"),
    ),
    (
        "diligence:assessment",
        BANKING,
        Rule(ZEEMAN_BANKING_DATA, zeeman_banking_published_assessment),
    ),
    (
        "api-assessment-detail",
        BANKING,
        Rule(ZEEMAN_BANKING_DATA, zeeman_banking_published_assessment),
    ),
]

ADMIN_NAMESPACE = "admin"
ADMIN_PARAMETERS = {
    "object_id": "0",
    "id": "0",
    "app_label": "accounts",
    "content_type_id": "1",
}
ADMIN_CATCH_ALL = "/admin/no-such-page/"
# Django's admin asks only whether an active account is staff, so one person of each kind
# stands for the rest there.
ADMIN_ROLES = ("anonymous", "zeeman_user", "textile_secretariat", "administrator")


# ---------------------------------------------------------------- walking the URLconf


@dataclass(frozen=True)
class Route:
    key: str  # the qualified name, or the route text of an unnamed pattern
    name: str | None
    route: str
    parameters: tuple[str, ...]

    @property
    def in_admin(self) -> bool:
        return self.key.startswith(ADMIN_NAMESPACE + ":") or self.route.startswith("admin/")


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            continue
        route = prefix + str(entry.pattern)
        name = ":".join((*namespaces, entry.name)) if entry.name else None
        parameters = tuple(entry.pattern.regex.groupindex)
        yield Route(key=name or route, name=name, route=route, parameters=parameters)


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for route in walk(get_resolver().url_patterns):
        routes.setdefault(route.key, route)  # the first pattern of a name is the one reversed
    return list(routes.values())


ROUTE_LIST = all_routes()
PAGES = [r for r in ROUTE_LIST if not r.in_admin or r.key in ROUTES]
ADMIN_PAGES = [r for r in ROUTE_LIST if r.in_admin and r.key not in ROUTES]


# ---------------------------------------------------------------- checking a response


def outcome_of(response: HttpResponse, *, api: bool) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303, 307, 308):
        if location.startswith(("/admin/login/", "http://testserver/admin/login/")):
            return ADMIN_LOGIN
        if location.startswith(reverse("accounts:login")):
            return LOGIN
        return OK
    if status == 401 and api:
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    if 200 <= status < 300:
        return OK
    return f"status {status}"


def matches(expected: str, actual: str) -> bool:
    if expected == REACHED:
        return actual not in (LOGIN, ADMIN_LOGIN) and not actual.startswith("status 5")
    return expected == actual


def client_for(world: World, role: str, *, api: bool) -> Client:
    user = world.user(role)
    if user is None:
        return Client()
    if api:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[role]}")
    client = Client()
    client.force_login(user)
    return client


def check(world: World, url: str, rule: Rule, roles: tuple[str, ...] = ROLES) -> list[str]:
    """Each role's request against the rule; the mismatches, described."""
    api = url.startswith("/api/")
    wrong = []
    for role in roles:
        client = client_for(world, role, api=api)
        send = getattr(client, rule.method)
        response = send(url, dict(rule.data))
        actual = outcome_of(response, api=api)
        expected = rule.access[role]
        if not matches(expected, actual):
            wrong.append(
                f"{rule.method.upper()} {url} as {role}: expected {expected}, got {actual}"
            )
    return wrong


@pytest.fixture
def world(cast: Any) -> Iterator[World]:
    from imvo.web.accounts.services import api_token_create

    people = build_people(cast)
    zeeman_joins_banking(cast, people)  # the escalation of issue 9, before every walk
    tokens = {role: api_token_create(user=getattr(people, role))[1] for role in ROLES[1:]}
    try:
        with translation.override("en"):
            yield World(cast=cast, people=people, tokens=tokens)
    finally:
        translation.deactivate()  # also after a test that ran the CLI, which activates English


# ---------------------------------------------------------------- the tests


def test_every_route_has_an_access_rule() -> None:
    missing = [r.route for r in PAGES if r.key not in ROUTES]
    assert not missing, f"new pages without a rule in tests/web/test_access.py: {missing}"


def test_every_rule_names_a_route_that_exists() -> None:
    stale = sorted(set(ROUTES) - {r.key for r in ROUTE_LIST})
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_the_walk_finds_the_public_pages_the_api_and_the_admin() -> None:
    keys = {r.key for r in ROUTE_LIST}
    assert {"registry:dashboard", "api-covenant-list", "accounts:login", "admin:index"} <= keys
    assert len(ADMIN_PAGES) > 20


@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.key)
def test_each_role_reaches_exactly_what_its_rule_allows(world: World, route: Route) -> None:
    rule = ROUTES.get(route.key)
    assert rule is not None, f"new page without a rule: add {route.key!r} to ROUTES"
    kwargs = rule.kwargs(world)
    assert set(kwargs) == set(route.parameters), (
        f"the rule for {route.key} fills {sorted(kwargs)}, the route needs "
        f"{sorted(route.parameters)}"
    )
    url = reverse(route.key, kwargs=kwargs or None)
    assert check(world, url, rule) == []


ROUTES_BY_KEY = {route.key: route for route in ROUTE_LIST}


def test_every_case_of_the_other_covenant_names_a_route_with_a_rule() -> None:
    stale = sorted({key for key, _, _ in OTHER_COVENANT} - set(ROUTES))
    assert not stale, f"cases for routes without a rule: {stale}"


@pytest.mark.parametrize(
    ("key", "case", "rule"), OTHER_COVENANT, ids=[f"{k}[{c}]" for k, c, _ in OTHER_COVENANT]
)
def test_each_role_reaches_exactly_what_its_rule_allows_of_the_other_covenants_data(
    world: World, key: str, case: str, rule: Rule
) -> None:
    route = ROUTES_BY_KEY[key]
    kwargs = rule.kwargs(world)
    assert set(kwargs) == set(route.parameters)
    url = reverse(route.key, kwargs=kwargs or None)
    assert check(world, url, rule) == []


@pytest.mark.parametrize("route", ADMIN_PAGES, ids=lambda r: r.key)
def test_every_admin_page_is_for_staff_only(world: World, route: Route) -> None:
    if route.name is None:
        url = ADMIN_CATCH_ALL
    else:
        kwargs = {p: ADMIN_PARAMETERS[p] for p in route.parameters}
        url = reverse(route.name, kwargs=kwargs or None)
    assert check(world, url, Rule(STAFF), roles=ADMIN_ROLES) == []


def test_the_outcomes_are_told_apart() -> None:
    """Guards the walk against passing because every response looked alike."""

    def response(status: int, location: str = "") -> HttpResponse:
        made = HttpResponse(status=status)
        if location:
            made["Location"] = location
        return made

    assert outcome_of(response(302, "/accounts/login/?next=/x/"), api=False) == LOGIN
    assert outcome_of(response(302, "/admin/login/?next=/admin/"), api=False) == ADMIN_LOGIN
    assert outcome_of(response(302, "/accounts/"), api=False) == OK
    assert outcome_of(response(401), api=True) == LOGIN
    assert outcome_of(response(401), api=False) == "status 401"
    assert outcome_of(response(403), api=True) == FORBIDDEN
    assert outcome_of(response(404), api=False) == HIDDEN
    assert outcome_of(response(500), api=False) == "status 500"
    assert not matches(REACHED, ADMIN_LOGIN)
    assert not matches(REACHED, "status 500")
    assert matches(REACHED, HIDDEN)


# ---------------------------------------------------------------- acceptance (issue 4)


def test_company_users_added_with_the_cli_never_see_each_others_data(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two more users of Zeeman and HEMA made with `imvo users add`, a token each from
    `imvo users token`: every API route holding Zeeman's data answers HEMA's token with 404."""
    from imvo.cli import main

    monkeypatch.setenv("IMVO_PASSWORD", "Correct-horse-battery-staple-2018")

    def imvo(*args: str) -> str:
        with pytest.raises(SystemExit) as exit:
            main(list(args))
        out, err = capsys.readouterr()
        assert exit.value.code == 0, err
        return out.strip()

    imvo("users", "add", "chris@zeeman.example", "--role", "company", "--company", "Zeeman")
    imvo("users", "add", "dirk@hema.example", "--role", "company", "--company", "hema")
    tokens = {
        "zeeman": imvo("users", "token", "chris@zeeman.example"),
        "hema": imvo("users", "token", "dirk@hema.example"),
    }
    for company, token in tokens.items():
        me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me/").json()
        assert me["roles"] == [{"role": "company", "company": company, "covenant": None}]
    company_routes = [
        route
        for route in PAGES
        if route.route.startswith("api/")
        and route.key in ROUTES
        and ROUTES[route.key].access["zeeman_user"] == OK
        and ROUTES[route.key].access["hema_user"] == HIDDEN
    ]
    for route in company_routes:
        rule = ROUTES[route.key]
        url = reverse(route.key, kwargs=rule.kwargs(world) or None)
        for company, expected in (("zeeman", OK), ("hema", HIDDEN)):
            client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[company]}")
            response = getattr(client, rule.method)(url, dict(rule.data))
            assert outcome_of(response, api=True) == expected, (url, company)
