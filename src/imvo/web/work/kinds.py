"""The kinds of background work, registered by the apps that own them.

An app registers its kinds in its `AppConfig.ready()`, so every process that sets Django up
(the web server, the worker, a test) knows them all; this app imports none of those apps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from imvo.web.work.models import Work

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Kind:
    """How one kind of work runs, is cleaned up and is shown.

    `run(work, progress)` does the work and returns what to keep as its result (JSON); it
    raises ImvoError for a failure the user should read. `discard(work)` removes what an
    attempt whose worker died may have half-written, before the work is tried again.
    `failed(work)` is told when the work failed for good, whatever the cause (the reason is in
    `work.problem`). `link(work)` is where the status page points once the work is done.
    """

    name: str
    title: StrOrPromise
    run: Callable[[Work, Progress], Mapping[str, Any] | None]
    discard: Callable[[Work], None] | None = None
    failed: Callable[[Work], None] | None = None
    link: Callable[[Work], str | None] | None = None


_KINDS: dict[str, Kind] = {}


def kind_register(kind: Kind) -> Kind:
    """Make `kind` known by its name (registering the same name again replaces it)."""
    _KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> Kind:
    """The registered kind; LookupError when no app registered it."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no kind of work {name!r} is registered") from None
