"""The accounts cast, on top of the registry cast of tests/web/conftest.py.

Zeeman's user (company A) and HEMA's user (company B), both textile companies; the textile
covenant's secretariat; the banking covenant's secretariat (a secretariat of the wrong
covenant); FNV's observer on the textile covenant; and an administrator. Accounts are made by
the services, without passwords (argon2 is slow on purpose); tests that log in by password
set one.

`zeeman_joins_banking` is the escalation of issue 9: the banking secretariat adds Zeeman, a
textile company, to its own covenant (as the admin lets it), so that Zeeman takes part in two
covenants and hands in data to each. What the banking secretariat may read of Zeeman is then
its banking data for the years Zeeman took part in banking, and never its textile data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

PASSWORD = "Correct-horse-battery-staple-2018"


@dataclass(frozen=True)
class People:
    zeeman_user: User
    hema_user: User
    textile_secretariat: User
    banking_secretariat: User
    fnv_observer: User
    administrator: User

    def by_name(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def build_people(cast: Any) -> People:
    from imvo.web.accounts.services import membership_create, user_create

    def person(email: str, role: str, **scope: Any) -> User:
        user = user_create(email=email)
        membership_create(user=user, role=role, **scope)
        return user

    return People(
        zeeman_user=person("anna@zeeman.example", "company", company=cast.zeeman),
        hema_user=person("bram@hema.example", "company", company=cast.hema),
        textile_secretariat=person("sanne@ser.example", "secretariat", covenant=cast.textile),
        banking_secretariat=person("bas@nvb.example", "secretariat", covenant=cast.banking),
        fnv_observer=person("olga@fnv.example", "observer", covenant=cast.textile),
        administrator=person("admin@imvo.example", "admin"),
    )


ZEEMAN_JOINS_BANKING = date(2018, 1, 1)  # the same year as Zeeman's textile data of 2018
ZEEMAN_LEAVES_BANKING = date(2018, 12, 31)


def zeeman_joins_banking(cast: Any, people: People) -> Any:
    """The banking secretariat adds Zeeman to the banking covenant (through the service the
    admin calls, so it is in the audit trail); the participation."""
    from imvo.web.accounts.services import participation_create

    return participation_create(
        covenant=cast.banking,
        organisation=cast.zeeman,
        joined_on=ZEEMAN_JOINS_BANKING,
        created_by=people.banking_secretariat,
    )


def zeeman_leaves_banking(cast: Any, people: People) -> Any:
    """Zeeman's banking participation ends on the last day of 2018."""
    from imvo.web.accounts.services import participation_save
    from imvo.web.registry.models import Participation

    participation = Participation.objects.get(covenant=cast.banking, organisation=cast.zeeman)
    participation.left_on = ZEEMAN_LEAVES_BANKING
    return participation_save(participation=participation, saved_by=people.banking_secretariat)
