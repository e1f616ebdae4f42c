"""Fixtures of the due-diligence web tests: the people of tests/web/accounts and the story."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.web.diligence.models import AssessmentFramework
from web.accounts.people import People, build_people
from web.diligence.story import textile_framework


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture
def framework(cast: Any) -> AssessmentFramework:
    return textile_framework(cast)
