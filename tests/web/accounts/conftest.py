"""Fixtures for the accounts tests: the people of people.py and a mailbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from web.accounts.people import People, build_people


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield
