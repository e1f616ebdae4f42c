"""Country names in the page's language, from the ISO 3166 names and translations that
pycountry ships (no download)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str | None = None) -> str:
    """The short name of an ISO 3166-1 alpha-2 code in `language` (default: the active one);
    the code itself when it is unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return code
    english = str(getattr(country, "common_name", None) or country.name)
    wanted = (language or get_language() or "en").split("-")[0].lower()
    if wanted == "en":
        return english
    translation = _translation(wanted)
    translated = translation.gettext(english)
    return translated if translated != english else translation.gettext(str(country.name))
