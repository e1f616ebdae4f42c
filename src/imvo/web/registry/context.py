"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from imvo.web.registry import selectors


def synthetic_data(request: HttpRequest) -> dict[str, object]:
    """`synthetic_data`: true when the registry holds demo data made up by the generator, so
    every page can say so. Lazy: pages that never ask never query."""
    return {"synthetic_data": SimpleLazyObject(selectors.synthetic_data_present)}
