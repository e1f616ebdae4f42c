"""The accounts cast, on top of the registry cast of tests/web/conftest.py.

Zeeman's user (company A) and HEMA's user (company B), both textile companies; the textile
covenant's secretariat; the banking covenant's secretariat (a secretariat of the wrong
covenant); FNV's observer on the textile covenant; and an administrator. Accounts are made by
the services, without passwords (argon2 is slow on purpose); tests that log in by password
set one.
"""

from __future__ import annotations

from dataclasses import dataclass
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
