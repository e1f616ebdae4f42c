"""Countries written in any common way, to ISO 3166-1 alpha-2 codes, and back to names.

Supplier lists write the same country as "CN", "chn", "China", "CHINA", "PRC", "P.R. China",
"People's Republic of China" or "Volksrepubliek China". `country_code` accepts the ISO codes, the
ISO names in English and Dutch (short, official and common, also inverted: "Korea, Republic of"
and "Republic of Korea"), the names in the languages suppliers write in (German, French, Spanish,
Portuguese, Italian, Turkish, Indonesian, Malay, Vietnamese, Chinese in pinyin) and a curated
list of everyday names ("UK", "Holland", "Burma", "Ivory Coast", "Swaziland"). Case, accents,
punctuation and spacing do not matter; the abbreviations "Rep.", "Dem.", "St." and "&" are read
as "Republic", "Democratic", "Saint" and "and".

It never guesses. A value that is not a country is an error, and so is a value that could be
two ("Korea", "Congo", "Republic of China", the Dutch "Indië"): an unknown country is a row
error for a person to correct, not a coin toss.

The lookup table is built once, on first use, from the ISO data that pycountry ships; the
answers for the values seen are cached, so the country column of a 100,000-row list normalises
in a fraction of a second.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from imvo.core.intake.messages import intake_error
from imvo.core.normalise import fold

# Languages whose country names are accepted besides English and Dutch. Their names only fill
# gaps: where one of them spells another country's English or Dutch name, the latter wins.
OTHER_LANGUAGES = ("de", "fr", "es", "pt", "it", "tr", "id", "ms", "vi", "zh_CN")

# Everyday names that are not ISO names, in any spelling `country_code` accepts.
ALIASES: dict[str, str] = {
    # China, Hong Kong, Macao, Taiwan
    "PRC": "CN",
    "PR China": "CN",
    "P.R. of China": "CN",
    "Mainland China": "CN",
    "China Mainland": "CN",
    "Volksrepubliek China": "CN",
    "Zhongguo": "CN",
    "Hong Kong SAR": "HK",
    "HKSAR": "HK",
    "Hong Kong, China": "HK",
    "Hong Kong SAR, China": "HK",
    "Macau": "MO",
    "Macau SAR": "MO",
    "Macao SAR": "MO",
    "Macao, China": "MO",
    "Macau, China": "MO",
    "Macao SAR, China": "MO",
    "Chinese Taipei": "TW",
    "Taiwan ROC": "TW",
    "ROC Taiwan": "TW",
    "Taiwan, China": "TW",
    # the rest of Asia
    "South Korea": "KR",
    "S. Korea": "KR",
    "Korea South": "KR",
    "ROK": "KR",
    "Zuid-Korea": "KR",
    "North Korea": "KP",
    "Korea North": "KP",
    "DPRK": "KP",
    "Burma": "MM",
    "Birma": "MM",
    "Union of Myanmar": "MM",
    "Kampuchea": "KH",
    "Ceylon": "LK",
    "Bharat": "IN",
    "Turkey": "TR",
    "Turkije": "TR",
    "Republic of Turkey": "TR",
    "Vietnam": "VN",
    "Lao PDR": "LA",
    "Kyrgyz Republic": "KG",
    "East Timor": "TL",
    "Oost-Timor": "TL",
    "Brunei": "BN",
    "UAE": "AE",
    "Saudi": "SA",
    "KSA": "SA",
    "Emirates": "AE",
    "Russia": "RU",
    "Rusland": "RU",
    # Europe
    "UK": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "N. Ireland": "GB",
    "Groot-Brittannië": "GB",
    "Engeland": "GB",
    "Schotland": "GB",
    "Holland": "NL",
    "Deutschland": "DE",
    "Czech Republic": "CZ",
    "Tsjechische Republiek": "CZ",
    "Slovak Republic": "SK",
    "Macedonia": "MK",
    "FYROM": "MK",
    "Former Yugoslav Republic of Macedonia": "MK",
    "Macedonië": "MK",
    "Moldavia": "MD",
    "Aland": "AX",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Vaticaanstad": "VA",
    # Africa and the Americas
    "Ivory Coast": "CI",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "Sao Tome": "ST",
    "Kaapverdië": "CV",
    "DRC": "CD",
    "DR Congo": "CD",
    "Congo DR": "CD",
    "Congo, Dem. Rep.": "CD",
    "Congo-Kinshasa": "CD",
    "Zaire": "CD",
    "Congo-Brazzaville": "CG",
    "Congo, Rep.": "CG",
    "Republic of the Congo": "CG",
    "Egypt, Arab Rep.": "EG",
    "USA": "US",
    "United States of America": "US",
    "Verenigde Staten van Amerika": "US",
    "Venezuela, RB": "VE",
    "Falklands": "FK",
    "Malvinas": "FK",
    "Saint Maarten": "SX",
    "Sint Maarten": "SX",
    "Saint Martin": "MF",
    "West Bank and Gaza": "PS",
}

# Names that stand for more than one country; a person has to say which.
AMBIGUOUS: dict[str, frozenset[str]] = {
    "Korea": frozenset({"KR", "KP"}),
    "Congo": frozenset({"CG", "CD"}),
    "Republic of China": frozenset({"CN", "TW"}),
    "ROC": frozenset({"CN", "TW"}),
    "Indië": frozenset({"IN", "ID"}),  # Dutch: India, but also the Dutch East Indies
    "Virgin Islands": frozenset({"VG", "VI"}),
}

# Placeholders for "no country"; "N/A" would otherwise read as NA, Namibia.
NOT_A_COUNTRY = frozenset({"n/a", "n.a.", "n.a", "#n/a", "n/a.", "n / a"})

_ABBREVIATIONS = {
    "rep": "republic",
    "dem": "democratic",
    "st": "saint",
    "ste": "sainte",
    "is": "islands",
    "isl": "islands",
    "fed": "federal",
    "utd": "united",
}
_FILLER = frozenset({"the", "of", "and"})
_QUALIFIER_SEPARATORS = re.compile(r"[()\[\]/|;]|\s[-\u2013\u2014]\s")
_LONGEST_SHOWN = 60
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z]{2,4})?")


def _key(value: str) -> str:
    """The lookup form of a country: folded, abbreviations written out, filler words dropped.

    Spaces are dropped too, so "Bangla Desh", "U.S.A." and "Hong Kong" meet "Bangladesh",
    "USA" and "Hongkong".
    """
    words = fold(value.replace("&", " and ")).split()
    if len(words) > 1:
        words = [_ABBREVIATIONS.get(word, word) for word in words if word not in _FILLER]
    return "".join(words)


def _spellings(name: str, *, heads: bool = True) -> Iterator[str]:
    """An ISO-style name and the forms people write it in: "Korea, Republic of" -> "Republic of
    Korea", "Korea" (the head, only with `heads`); "Holy See (Vatican City State)" -> "Holy See".
    """
    yield name
    outer = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if outer and outer != name:
        yield outer
    if "," in outer:
        head, _, tail = outer.partition(",")
        yield f"{tail.strip()} {head.strip()}"
        if heads:
            yield head.strip()


@dataclass(frozen=True)
class _Table:
    codes: dict[str, str]  # key -> alpha-2
    ambiguous: dict[str, frozenset[str]]  # key -> the alpha-2 codes it could mean


def _iso_names(country: object) -> Iterator[str]:
    for attribute in ("name", "official_name", "common_name"):
        name = getattr(country, attribute, None)
        if isinstance(name, str):
            yield name


@lru_cache(maxsize=64)
def _translations(language: str) -> gettext.NullTranslations:
    """pycountry's catalogue of country names in `language` (English when there is none)."""
    if not _LANGUAGE_TAG.fullmatch(language):
        return gettext.NullTranslations()
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _tier(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Keys that name one country, and keys that name several, from (spelling, code) pairs."""
    seen: dict[str, set[str]] = {}
    for spelling, code in pairs:
        key = _key(spelling)
        if key:
            seen.setdefault(key, set()).add(code)
    unique = {key: next(iter(codes)) for key, codes in seen.items() if len(codes) == 1}
    several = {key: codes for key, codes in seen.items() if len(codes) > 1}
    return unique, several


@cache
def _table() -> _Table:
    countries = list(pycountry.countries)
    exact: list[tuple[str, str]] = [(c.alpha_2, c.alpha_2) for c in countries]
    exact += [(c.alpha_3, c.alpha_2) for c in countries]
    exact += list(ALIASES.items())
    codes, clashes = _tier(exact)
    if clashes:
        raise ValueError(f"country aliases name two countries: {sorted(clashes)}")
    ambiguous = {_key(name): meanings for name, meanings in AMBIGUOUS.items()}

    def fill(pairs: Iterable[tuple[str, str]], *, shortest: int = 1) -> None:
        unique, several = _tier(pairs)
        for key, code in unique.items():
            if len(key) >= shortest and key not in codes and key not in ambiguous:
                codes[key] = code
        for key, meanings in several.items():
            if len(key) >= shortest and key not in codes and key not in ambiguous:
                ambiguous[key] = frozenset(meanings)

    dutch = _translations("nl")
    fill(
        (spelling, c.alpha_2)
        for c in countries
        for name in _iso_names(c)
        for translated in (name, dutch.gettext(name))
        for spelling in _spellings(translated)
    )
    # In other languages the head before a comma is not always the country ("Perancis, Wilayah
    # Bagian Selatan" is the French Southern Territories), and one or two letters ("Ý", Italy in
    # Vietnamese) are too little to go on.
    fill(
        (
            (spelling, c.alpha_2)
            for language in OTHER_LANGUAGES
            for c in countries
            for name in _iso_names(c)
            for spelling in _spellings(_translations(language).gettext(name), heads=False)
        ),
        shortest=3,
    )
    return _Table(codes=codes, ambiguous=ambiguous)


Resolution = str | frozenset[str] | None  # a code, the codes it could be, or unknown


def _lookup(value: str) -> Resolution:
    table = _table()
    key = _key(value)
    if key in table.ambiguous:
        return table.ambiguous[key]
    if key in table.codes:
        return table.codes[key]
    head, comma, tail = value.partition(",")
    if comma:  # "Egypt, Arab Rep." as "Arab Rep. Egypt"
        key = _key(f"{tail} {head}")
        if key in table.codes:
            return table.codes[key]
    return None


def _resolve(value: str) -> Resolution:
    if value.strip().casefold() in NOT_A_COUNTRY:
        return None
    found = _lookup(value)
    if found is not None or not _QUALIFIER_SEPARATORS.search(value):
        return found
    # "China (PRC)", "VN - Vietnam", "Taiwan / ROC": every part must name the same country.
    parts = [part for part in _QUALIFIER_SEPARATORS.split(value) if _key(part)]
    resolved = {_lookup(part) for part in parts}
    if len(resolved) == 1:
        return resolved.pop()
    return None


def country_of_words(words: Sequence[str]) -> str | None:
    """The one country that folded `words` name (["p", "r", "china"] -> "CN"), else None.

    For callers that have already folded a text into words (`imvo.core.places` reads a country
    name at the end of an address); ambiguous names and placeholders give None.
    """
    if len(words) > 1:
        words = [_ABBREVIATIONS.get(word, word) for word in words if word not in _FILLER]
    return _table().codes.get("".join(words))


def country_name_may_end(word: str) -> bool:
    """Whether a country's name can end with the folded `word` (a quick test before
    `country_of_words`: most addresses end in a city)."""
    return _ABBREVIATIONS.get(word, word) in _endings()


@cache
def _endings() -> frozenset[str]:
    return frozenset(key[i:] for key in _table().codes for i in range(len(key)))


# A country column repeats a handful of values; long values are not worth keeping.
_resolve_cached = lru_cache(maxsize=4096)(_resolve)
_LONGEST_CACHED = 100


def _shown(value: str) -> str:
    value = value.strip()
    return value if len(value) <= _LONGEST_SHOWN else value[: _LONGEST_SHOWN - 1] + "…"


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country written in any common way.

    Raises ImvoError (field "country") for an empty, unknown or ambiguous value.

    >>> country_code("chn"), country_code("P.R. China"), country_code("Volksrepubliek China")
    ('CN', 'CN', 'CN')
    >>> country_code("Viet Nam"), country_code("Türkiye"), country_code("Korea, Rep.")
    ('VN', 'TR', 'KR')
    """
    found = _resolve_cached(value) if len(value) <= _LONGEST_CACHED else _resolve(value)
    if isinstance(found, str):
        return found
    if not _key(value):
        raise intake_error("country.empty", field="country")
    if found is None:
        raise intake_error("country.unknown", field="country", value=repr(_shown(value)))
    options = " or ".join(f"{code} ({country_name(code)})" for code in sorted(found))
    raise intake_error(
        "country.ambiguous", field="country", value=repr(_shown(value)), options=options
    )


def country_name(code: str, language: str = "en") -> str:
    """The name of the country with alpha-2 `code`, in `language` (English when unknown).

    The common name where ISO has one ("South Korea", "Vietnam", "Taiwan"), else the ISO short
    name, unless `country_code` would not read that name back as this country: the ISO short
    name of CG, "Congo", is ambiguous, so CG is called "Republic of the Congo".

    >>> country_name("VN"), country_name("tr", "nl"), country_name("KR", "nl-NL")
    ('Vietnam', 'Turkije', 'Zuid-Korea')
    """
    country = pycountry.countries.get(alpha_2=code.strip().upper()) if len(code) < 8 else None
    if country is None:
        raise intake_error("country.unknown_code", field="country", value=repr(_shown(code)))
    names = [
        name
        for attribute in ("common_name", "name", "official_name")
        if isinstance(name := getattr(country, attribute, None), str)
    ]
    tag = language.replace("-", "_")
    catalogues = [] if tag.lower().startswith("en") else [_translations(tag)]
    translated = [catalogue.gettext(name) for catalogue in catalogues for name in names]
    candidates = [name for name in translated if name not in names] + names
    return next(
        (name for name in candidates if _resolve_cached(name) == country.alpha_2), candidates[0]
    )
