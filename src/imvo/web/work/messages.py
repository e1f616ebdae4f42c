"""Why a piece of work failed or runs again, in English (logs, the command line) and in the
page's language. A kind's own problems (an import's intake messages) keep their own codes and
are shown by that kind; the codes here are the work app's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, Promise] = {
    "work.worker_died": _(
        "The worker stopped while doing this, in each of %(attempts)s attempts (was the file "
        "damaged or too large to handle?); nothing was saved."
    ),
    "work.failed": _(
        "An error on our side stopped the work; nothing was saved. The error is in the log."
    ),
    "work.error": _("%(message)s"),
}


def problem_text(problem: Mapping[str, Any], fallback: str = "") -> str:
    """The problem in the active language; `fallback` when its code is not one of these."""
    code = problem.get("code")
    if not isinstance(code, str) or code not in TEMPLATES:
        return fallback
    params = problem.get("params")
    try:
        return str(TEMPLATES[code]) % dict(params if isinstance(params, dict) else {})
    except (KeyError, TypeError, ValueError):
        return fallback or str(code)


def problem_english(problem: Mapping[str, Any]) -> str:
    """The problem in English, for the log and the command line."""
    with translation.override("en"):
        return problem_text(problem, str(problem.get("code") or "failed"))
