"""Fixtures of the publication tests; the story itself lives in `story.py`."""

from __future__ import annotations

from typing import Any

import pytest

from web.publication.story import story


@pytest.fixture
def textile_2018(cast: Any) -> dict[str, Any]:
    return story(cast)
