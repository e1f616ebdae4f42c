"""City, province, postal code and country read from an address written as one string.

Many supplier lists have no city or postal-code column: "128 Hamayetpur PS-Savar Dhaka-1340
Bangladesh", "NO.8 SHUANGBAO WEST ROAD, OUHAI ECONOMIC DEVELOPM P.C. 325014, WENZHOU, CHINA".
`place_parse` finds the parts such an address holds:

- the country: a country name at the end, in any spelling `imvo.core.countries` accepts
  ("CHINA", "P.R. China", "Viet Nam", "Türkiye", "Bangladesh;"); a code or an abbreviation of
  three letters or fewer ("CN", "PRC", "USA") only when it names the row's own country, and a
  name that is also a province or city of the row's country ("Georgia" in a US address) is that
  place, not a country;
- the postal code: the last match of the country's pattern (`POSTAL_PATTERNS`) that follows a
  marker ("P.C.", "Zip", "PIN", "CEP"), or that only place names follow, and that is no house
  number (not the first word, not after "No."/"Plot"/"#", not before "Road");
- the province: the subdivision of the country (ISO 3166-2, from pycountry) nearest the end,
  with or without "Province", "Sheng", "Prov.", "State", "Division";
- the city: the place of the shipped gazetteer (GeoNames places of 15,000 people or more, with
  their other names) nearest the end, other than the province; in the gazetteer's spelling
  ("Xia Men" and "XIAMEN" give "Xiamen"). Where the province is itself a city (Shanghai, Ha Noi,
  Istanbul, Dhaka), it is the city when no other is named.

It never invents: a part that is not in the text is empty. The street is the address with the
country name and the postal code taken out, the rest as written.

Lookup tables are built once per process (the gazetteer takes about two seconds) and per
country on first use; parsing an address then takes microseconds, for it runs on every
registry record.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from imvo.core.countries import country_name_may_end, country_of_words
from imvo.core.normalise import fold
from imvo.core.publication.geo import Gazetteer, gazetteer_default


@dataclass(frozen=True)
class Place:
    """The parts of an address; a part not found is empty."""

    city: str
    province: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2 named in the text, or ""
    street: str  # the address without the country name and the postal code


EMPTY = Place(city="", province="", postal_code="", country="", street="")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Postal codes per country (ISO alpha-2), as written: digits with the spaces or dashes people
# put in. Countries without postal codes (HK, MO, AE, ...) have none.
POSTAL_PATTERNS: dict[str, str] = {
    "AL": r"\d{4}",
    "AR": r"[A-Z]\d{4}[A-Z]{3}",  # the CPA; four digits alone are a house number as often
    "AT": r"\d{4}",
    "AU": r"\d{4}",
    "BA": r"\d{5}",
    "BD": r"\d{4}",
    "BE": r"\d{4}",
    "BG": r"\d{4}",
    "BR": r"\d{5}-?\d{3}",
    "BY": r"\d{6}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "CH": r"\d{4}",
    "CL": r"\d{7}",
    "CN": r"[0-8]\d{5}",
    "CO": r"\d{6}",
    "CZ": r"\d{3} ?\d{2}",
    "DE": r"\d{5}",
    "DK": r"\d{4}",
    "DO": r"\d{5}",
    "EE": r"\d{5}",
    "EG": r"\d{5}",
    "ES": r"(?:0[1-9]|[1-4]\d|5[0-2])\d{3}",
    "ET": r"\d{4}",
    "FI": r"\d{5}",
    "FR": r"\d{2} ?\d{3}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "GE": r"\d{4}",
    "GR": r"\d{3} ?\d{2}",
    "GT": r"\d{5}",
    "HN": r"\d{5}",
    "HR": r"\d{5}",
    "HU": r"\d{4}",
    "ID": r"\d{5}",
    "IE": r"[A-Z]\d{2} ?[A-Z\d]{4}",
    "IL": r"\d{7}|\d{5}",
    "IN": r"[1-9]\d{2} ?\d{3}",
    "IT": r"\d{5}",
    "JO": r"\d{5}",
    "JP": r"\d{3}-?\d{4}",
    "KE": r"\d{5}",
    "KH": r"\d{5,6}",
    "KR": r"\d{5}|\d{3}-\d{3}",
    "LA": r"\d{5}",
    "LK": r"\d{5}",
    "LT": r"(?:LT-?)?\d{5}",
    "MA": r"\d{5}",
    "MC": r"980\d{2}",
    "MD": r"(?:MD-?)?\d{4}",
    "MG": r"\d{3}",
    "MK": r"\d{4}",
    "MM": r"\d{5}",
    "MU": r"\d{5}",
    "MX": r"\d{5}",
    "MY": r"\d{5}",
    "MZ": r"\d{4}",
    "NG": r"\d{6}",
    "NI": r"\d{5}",
    "NL": r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}",
    "NO": r"\d{4}",
    "NP": r"\d{5}",
    "PE": r"\d{5}",
    "PH": r"\d{4}",
    "PK": r"\d{5}",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}(?:[ -]\d{3})?",
    "RO": r"\d{6}",
    "RS": r"\d{5}",
    "RU": r"\d{6}",
    "SA": r"\d{5}",
    "SE": r"\d{3} ?\d{2}",
    "SG": r"\d{6}",
    "SI": r"\d{4}",
    "SK": r"\d{3} ?\d{2}",
    "SV": r"\d{4}",
    "TH": r"[1-9]\d{4}",
    "TN": r"\d{4}",
    "TR": r"(?:0[1-9]|[1-7]\d|8[01])\d{3}",
    "TW": r"\d{3}(?:\d{2,3})?",
    "TZ": r"\d{5}",
    "UA": r"\d{5}",
    "US": r"\d{5}(?:-\d{4})?",
    "UY": r"\d{5}",
    "VN": r"\d{5,6}",
    "ZA": r"\d{4}",
}

# What people write before a postal code; it goes with the code.
_POSTAL_MARKER = (
    r"(?:(?:p\.?\s?c|zip(?:\s?code)?|post(?:al)?\s?code|postcode|pin(?:\s?code)?|plz|c\.?\s?p"
    r"|cep|pk|code\s?postal|〒)\s?[.:#-]?\s?)"
)
# Words after which a number is a house, plot or road number, not a postal code.
_NUMBER_WORDS = _words(
    "no nr num number plot house hse road rd street st lot km block blk sector sec room rm "
    "floor fl unit building bldg lane ln po box pobox tel phone fax mob gate shed door apt "
    "suite khasra survey dag holding ward kav sok sokak cad cadde"
)
# Words after which a number or a name is a street's: "12345 Main Road", "Wazirabad Road".
_STREET_WORDS = _words(
    "road rd street st str avenue ave av lane ln highway hwy way drive dr boulevard blvd "
    "floor fl building bldg marg sarani sarak sorok duong pho jalan jl cadde caddesi cad sokak "
    "sok sk strasse strase weg straat rue calle via rua lu jie dao"
)
# Words that follow a province's name: "Guangdong Province", "Hubei Sheng", "Punjab State".
_PROVINCE_SUFFIXES = _words(
    "province prov provincia provinsi sheng state region division div zizhiqu shi "
    "governorate prefecture pref oblast"
)
# Words that follow a city's name: "Dongguan City", "Shenzhen Shi", "Hai Ning City".
_CITY_SUFFIXES = _words("city shi town municipality")
# Parts of ISO subdivision names that are not the name ("Guangdong Sheng", "Seoul-teukbyeolsi").
_SUBDIVISION_QUALIFIERS = _words(
    "sheng shi zizhiqu uygur zhuangzu huizu sar province region do teukbyeolsi gwangyeoksi "
    "teukbyeoljachido teukbyeoljachisi raya kraj"
)
# Names people use for subdivisions besides the ISO ones.
_SUBDIVISION_ALIASES: dict[str, tuple[str, ...]] = {
    "CN-NM": ("Inner Mongolia",),
    "CN-XZ": ("Tibet",),
    "BD-B": ("Chittagong",),
    "BD-D": ("Dacca",),
    "IN-OD": ("Orissa",),
    "IN-TN": ("Tamilnadu",),
    "VN-SG": ("Saigon", "Ho Chi Minh City"),
    "ID-JK": ("Jakarta", "DKI Jakarta"),
    "KR-41": ("Gyeonggi",),
}
# Subdivision types that are a city as well: where no other city is named, the city.
_CITY_LEVEL_TYPES = frozenset(
    {
        "municipality",
        "autonomous municipality",
        "metropolitan city",
        "special city",
        "special self-governing city",
        "capital district",
        "capital city",
        "capital territory",
        "federal capital territory",
        "metropolitan administration",
        "special administrative city",
        "province:TR",  # Turkey: the il is the city (Istanbul, Bursa, Izmir)
    }
)
# Words after a name that make it a district, ward or village rather than a city.
_NOT_CITY_AFTER = _words(
    "district dist qu ku gu commune ward hamlet village vill cun xa phuong quan huyen"
)
# Words before a name that make it a street's or a sub-district's ("Via Napoli", "Desa X").
_NOT_CITY_BEFORE = _words(
    "via rua rue calle jalan jl jln avenida av kecamatan kelurahan desa ds sangkat khan phum "
    "khum soi moo"
)
# Region codes written in upper case after a city ("Springfield, IL"), by country.
_CODED_SUBDIVISIONS = frozenset({"US", "CA", "AU", "BR", "MX"})
# Words too common in addresses to be read as a place.
_NOT_PLACES = _words(
    "city town village district county area zone park industrial industry estate new old east "
    "west north south central center centre road street lane market bazar bazaar main upper "
    "lower st no block sector building floor room unit economic development export processing "
    "free trade province state region division garden gardens hill bridge station port mandal "
    "taluk tehsil thana upazila sadar"
)
_LONGEST_PLACE = 4  # words in a city or province name
_LONGEST_COUNTRY = 6  # words in a country name ("Lao People's Democratic Republic")
# Chinese writes no spaces: "中国广东省东莞市" is read as "中国 广东 省 东莞 市", the markers of
# province, city, district, county, town, township, village, road, street and number apart.
_CJK_MARKERS = "\u7701\u5e02\u533a\u53bf\u9547\u4e61\u6751\u8def\u8857\u53f7"
_TOKEN = re.compile(
    f"\u4e2d\u56fd|[{_CJK_MARKERS}]"
    f"|(?:(?![{_CJK_MARKERS}])[^\\W_])+(?:['\u2019](?:(?![{_CJK_MARKERS}])[^\\W_])+)*"
)
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_SEPARATORS = " \t\r\n,;:.-\u2013\u2014/|\\\u00b7\u2022\u25a1\u25a0?!*"
_LONGEST_ADDRESS = 2000  # characters; a longer value is not an address


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass(frozen=True)
class _Subdivision:
    name: str
    city_level: bool


@dataclass(frozen=True)
class _CountryTables:
    cities: Mapping[str, str | None]  # compact folded name -> gazetteer name (None: several)
    provinces: Mapping[str, _Subdivision]
    codes: Mapping[str, _Subdivision]  # upper-case region codes ("IL", "NSW")
    postal: re.Pattern[str] | None


class _Tokens:
    """The words of an address: folded (apostrophes dropped) and where each stands."""

    __slots__ = ("ends", "known", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        if text.isascii():  # the common case, folded by lower() alone
            matches = list(_ASCII_TOKEN.finditer(text.lower()))
            words = [match.group() for match in matches]
            if "'" in text:
                words = [word.replace("'", "") for word in words]
        else:
            found = list(_TOKEN.finditer(text))
            folded = [fold(match.group()).replace(" ", "") for match in found]
            kept = [i for i, word in enumerate(folded) if word]  # emoji fold to nothing
            matches = [found[i] for i in kept]
            words = [folded[i] for i in kept]
        self.words = words
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]
        self.known: list[list[tuple[int, str]] | None] = [None] * (len(words) + 1)

    def __len__(self) -> int:
        return len(self.words)

    def joined(self, first: int, second: int) -> bool:
        """Whether only spaces stand between two words (no comma, dash or other mark)."""
        return not self.text[self.ends[first] : self.starts[second]].strip()

    def written(self, start: int, stop: int) -> str:
        return " ".join(self.text[self.starts[i] : self.ends[i]] for i in range(start, stop))

    def blank(self, start: int, stop: int) -> None:
        """Words inside [start, stop) of the text (a postal code) name no place."""
        self.words = [
            "" if start <= begin < stop else word
            for word, begin in zip(self.words, self.starts, strict=True)
        ]

    def grams(self, end: int) -> list[tuple[int, str]]:
        """The (start, compact words) of up to `_LONGEST_PLACE` words without digits that end
        before word `end`, longest first (computed once per end)."""
        known = self.known[end]
        if known is not None:
            return known
        found: list[tuple[int, str]] = []
        compact = ""
        words = self.words
        for start in range(end - 1, max(end - _LONGEST_PLACE, 0) - 1, -1):
            word = words[start]
            if not word.isalpha():  # a number, or a blanked postal code
                break
            compact = word + compact
            found.append((start, compact))
        found.reverse()
        self.known[end] = found
        return found


def city_canonical(city: str, country: str) -> str:
    """A city as written in a city column, in the gazetteer's spelling when the gazetteer knows
    it in that country ("XIA MEN", "Xiamen City" -> "Xiamen"; "Chittagong" -> "Chattogram"),
    else as written; so that a given city and one read from an address compare equal.

    >>> city_canonical("Bangalore", "IN"), city_canonical("Dongguan City", "CN")
    ('Bengaluru', 'Dongguan')
    >>> city_canonical("Tullamarine", "AU")
    'Tullamarine'
    """
    if not isinstance(city, str) or not isinstance(country, str) or len(city) > 200:
        return city
    code = country.strip().upper()[:2]
    if not (code.isascii() and code.isalpha() and len(code) == 2):
        return city
    words = fold(city).split()
    if len(words) > 1 and words[-1] in _CITY_SUFFIXES:
        words = words[:-1]
    found = _tables(code).cities.get("".join(words))
    return found or city


def _compact(name: str) -> str:
    return fold(name).replace(" ", "")


def _identity(name: str) -> str:
    words = fold(name).split()
    if len(words) > 1 and words[-1] in _CITY_SUFFIXES:
        words = words[:-1]
    return "".join(words)


@cache
def _cities_by_country() -> Mapping[str, Mapping[str, str | None]]:
    return _cities_index(gazetteer_default())


def _cities_index(gazetteer: Gazetteer) -> dict[str, dict[str, str | None]]:
    """Per country, every compact name of its places -> the place's own name."""
    own: dict[str, dict[str, set[str]]] = {}
    other: dict[str, dict[str, set[str]]] = {}
    for table, shortest in ((gazetteer.names, 3), (gazetteer.alternates, 4)):
        target = own if table is gazetteer.names else other
        for (country, key), places in table.items():
            words = key.split()
            if not words or len(words) > _LONGEST_PLACE + 1:
                continue
            names = {place.name for place in places}
            keys = ["".join(words)]
            if len(words) > 1 and words[-1] in _CITY_SUFFIXES:  # "Ho Chi Minh City"
                keys.append("".join(words[:-1]))
            for compact in keys:
                if len(compact) >= shortest and compact not in _NOT_PLACES:
                    target.setdefault(country, {}).setdefault(compact, set()).update(names)
    index: dict[str, dict[str, str | None]] = {}
    for country in own.keys() | other.keys():
        merged: dict[str, str | None] = {}
        for found in (other.get(country, {}), own.get(country, {})):  # own names win
            for compact, spelled in found.items():
                # names that differ only in spaces, case or a "City" ("Zhucheng", "Zhu Cheng
                # City") are one place, shown in the shortest spelling
                one = len({_identity(name) for name in spelled}) == 1
                merged[compact] = min(spelled, key=lambda name: (len(name), name)) if one else None
        index[country] = merged
    return index


def _subdivision_spellings(name: str) -> Iterable[str]:
    """ "Catalunya [Cataluña]" -> both; "Madrid, Comunidad de" -> "Madrid"; qualifiers dropped."""
    for part in re.split(r"\s*[\[\]]\s*", name):
        part = part.partition(",")[0].strip()
        if not part:
            continue
        yield part
        if any(letter in part for letter in "äöüÄÖÜ"):  # "Baden-Wuerttemberg"
            yield part.translate(_UMLAUTS)
        words = fold(part).split()
        core = [word for word in words if word not in _SUBDIVISION_QUALIFIERS]
        if core and core != words:
            yield " ".join(core)


def _subdivision_shown(name: str) -> str:
    first = re.split(r"\s*[\[\]]\s*", name)[0].partition(",")[0].strip("\u2018\u2019' ") or name
    words = first.split()
    kept = [word for word in words if fold(word) not in _SUBDIVISION_QUALIFIERS]
    if kept and kept != words:
        return " ".join(kept)
    return re.sub(r"-(?:do|teukbyeolsi|gwangyeoksi|teukbyeoljachido|teukbyeoljachisi)$", "", first)


@cache
def _tables(country: str) -> _CountryTables:
    provinces: dict[str, _Subdivision] = {}
    codes: dict[str, _Subdivision] = {}
    try:
        found = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
    except LookupError:  # not a country pycountry knows
        found = None
    subdivisions = list(found or ())
    units = {s.code for s in subdivisions if s.type == "Geographical unit"}
    for subdivision in subdivisions:
        # Top-level subdivisions only (Chinese provinces, Bangladeshi divisions, Italian
        # regions); Indonesia's top level is islands, its provinces sit below them.
        if subdivision.parent_code is not None and subdivision.parent_code not in units:
            continue
        if subdivision.code in units:
            continue
        kind = subdivision.type.lower()
        city_level = kind in _CITY_LEVEL_TYPES or f"{kind}:{country}" in _CITY_LEVEL_TYPES
        names = [subdivision.name, *_SUBDIVISION_ALIASES.get(subdivision.code, ())]
        spellings = [s for name in names for s in _subdivision_spellings(name)]
        # "Zhejiang Sheng" is shown as "Zhejiang", "Catalunya [Cataluña]" as "Catalunya"
        shown = _subdivision_shown(subdivision.name)
        for spelling in spellings:
            compact = _compact(spelling)
            if len(compact) >= 3 and compact not in _NOT_PLACES:
                provinces.setdefault(compact, _Subdivision(shown, city_level))
        if country in _CODED_SUBDIVISIONS:
            codes[subdivision.code.partition("-")[2]] = _Subdivision(subdivision.name, city_level)
    pattern = POSTAL_PATTERNS.get(country)
    postal = (
        re.compile(rf"(?<!\w)({_POSTAL_MARKER})?({pattern})(?![\w]|-\d)", re.IGNORECASE)
        if pattern
        else None
    )
    return _CountryTables(
        cities=_cities_by_country().get(country, {}),
        provinces=provinces,
        codes=codes,
        postal=postal,
    )


def _country_at_end(tokens: _Tokens, end: int, row_country: str) -> tuple[str, int] | None:
    """The country named by the words just before `end`, and where its name starts."""
    if not end or not country_name_may_end(tokens.words[end - 1]):
        return None
    for length in range(min(_LONGEST_COUNTRY, end), 0, -1):
        start = end - length
        words = tokens.words[start:end]
        code = country_of_words(words)
        if code is None:
            continue
        compact = "".join(words)
        if len(compact) <= 3 and code != row_country:
            continue  # "IL" after a US city is Illinois, "PE" may be a word
        if code != row_country and row_country and _is_local_place(compact, row_country):
            continue  # "Georgia" in a US address
        local = row_country or code
        if any(
            _is_local_place("".join(tokens.words[start - extra : end]), local)
            for extra in (1, 2)
            if start - extra >= 0
        ):
            continue  # "San Salvador" is a city of El Salvador
        return code, start
    return None


def _is_local_place(compact: str, country: str) -> bool:
    tables = _tables(country)
    return compact in tables.provinces or compact in tables.cities


def _postal_at(tokens: _Tokens, end: int, pattern: re.Pattern[str]) -> tuple[int, int, str] | None:
    """The last postal code before word `end`: (start, end, code as written)."""
    text = tokens.text
    words = tokens.words
    chosen = None
    for match in pattern.finditer(text, 0, tokens.ends[end - 1]):
        start, stop = match.start(2), match.end(2)
        if match.group(1) is None:
            first = bisect_left(tokens.ends, start + 1)  # the first word not before the code
            if first == 0:
                continue  # the first word of an address is its house number
            previous = words[first - 1]
            if previous in _NUMBER_WORDS or text[:start].rstrip().endswith("#"):
                continue  # "No. 12345", "Plot # 1234"
            if previous.isdigit() and text[tokens.ends[first - 1] : start].strip() in "-/":
                continue  # "12-14", "140/1"
            after = bisect_left(tokens.starts, stop)
            if after < end and words[after] in _STREET_WORDS:
                continue  # "12345 Main Road"
            if end - after > 5 or any(word.isdigit() for word in words[after:end]):
                continue  # more than a few place names follow
        chosen = (match.start(), stop, match.group(2))
    return chosen


def _places(tokens: _Tokens, end: int, tables: _CountryTables) -> tuple[str, str]:
    """(city, province) named in the first `end` words, each the one nearest the end."""
    words = tokens.words
    province: _Subdivision | None = None
    span = (-1, -1)
    for stop in range(end, 0, -1):
        written = tokens.text[tokens.starts[stop - 1] : tokens.ends[stop - 1]]
        if written in tables.codes and written.isupper():
            province, span = tables.codes[written], (stop - 1, stop)
            break
        for last in (stop - 1, stop) if words[stop - 1] in _PROVINCE_SUFFIXES else (stop,):
            for start, compact in tokens.grams(last):
                if compact in tables.provinces:
                    province, span = tables.provinces[compact], (start, last)
                    break
            if province is not None:
                break
        if province is not None:
            break
    if province is None:
        return _city(tokens, end, tables, span) or "", ""
    core = "".join(words[span[0] : span[1]])
    if province.city_level:  # Shanghai, Ha Noi, Istanbul
        return tables.cities.get(core) or province.name, province.name
    # "Nam Dinh City", "Kandy": the province's name may be the only place named
    city = _city(tokens, end, tables, span) or tables.cities.get(core)
    return city or "", province.name


def _city(
    tokens: _Tokens, end: int, tables: _CountryTables, province: tuple[int, int]
) -> str | None:
    """The gazetteer place named nearest word `end`, outside the province's words."""
    words = tokens.words
    cities = tables.cities
    for stop in range(end, 0, -1):
        for last in (stop - 1, stop) if words[stop - 1] in _CITY_SUFFIXES else (stop,):
            for start, compact in tokens.grams(last):
                if compact not in cities or (start < province[1] and last > province[0]):
                    continue
                following = words[last] if last < end else ""
                if following in _STREET_WORDS or following in _NOT_CITY_AFTER:
                    continue  # "Wazirabad Road", "Jiading District"
                if following.isdigit() and tokens.joined(last - 1, last):
                    continue  # "Buenos Aires 1364": a street and its house number (postal
                    # codes are blanked by now; "Granollers, 8403" is a city and a code)
                if start and words[start - 1] in _NOT_CITY_BEFORE:
                    continue  # "Via Napoli"
                if cities[compact] is not None:  # None: other names of several places
                    return cities[compact]
    return None


def _cut(text: str, start: int, stop: int) -> str:
    """`text` without [start, stop), the separators at the seam tidied."""
    left = text[:start].rstrip(" \t-\u2013:#")
    right = text[stop:].lstrip(" \t-\u2013:")
    if not right.strip(_SEPARATORS + "()[]"):
        return left.rstrip(_SEPARATORS + "([")
    if not left.strip(_SEPARATORS):
        return right.lstrip(_SEPARATORS)
    if left[-1] in ",;" and right[0] in ",;":
        return left + " " + right[1:].lstrip()
    if right[0] in ",;.)":
        return left + right
    return left + " " + right


def place_parse(address: str, country: str) -> Place:
    """The city, province, postal code and country in a one-string address.

    `country` is the row's ISO alpha-2 code (may be empty); a country named at the end of the
    address is looked up instead.

    >>> place = place_parse("128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh", "BD")
    >>> place.city, place.province, place.postal_code, place.country
    ('Savar', 'Dhaka', '1340', 'BD')
    >>> place.street
    '128 Hamayetpur PS-Savar Dhaka'

    """
    if not address or not isinstance(address, str):
        return EMPTY
    if len(address) > _LONGEST_ADDRESS:  # not an address; nothing is read from it
        return Place(city="", province="", postal_code="", country="", street=address)
    code = country.strip().upper()[:2] if isinstance(country, str) else ""
    return _parse(address, code if code.isascii() and code.isalpha() else "")


@lru_cache(maxsize=1 << 14)
def _parse(address: str, row_country: str) -> Place:
    text = address.strip().rstrip(_SEPARATORS + "()[]")
    tokens = _Tokens(text)
    if not len(tokens):
        return EMPTY
    end = len(tokens)
    found_country = ""
    cuts: list[tuple[int, int]] = []
    at_end = _country_at_end(tokens, end, row_country)
    if at_end is not None:
        found_country, end = at_end
        cuts.append((tokens.starts[end], len(text)))
    country = found_country or row_country
    tables = _tables(country) if country else None
    postal_code = ""
    if tables is not None and tables.postal is not None and end:
        postal = _postal_at(tokens, end, tables.postal)
        if postal is not None:
            postal_code = postal[2]
            cuts.append((postal[0], postal[1]))
            ahead = bisect_left(tokens.starts, postal[0])
            if not found_country and bisect_left(tokens.starts, postal[1]) == len(tokens):
                # "Dhaka, Bangladesh 1216": a country before a postal code at the end
                before = _country_at_end(tokens, ahead, row_country)
                if before is not None:
                    found_country, end = before[0], before[1]
                    cuts.append((tokens.starts[end], postal[0]))
            tokens.blank(postal[0], postal[1])
    street = text if cuts else address.strip()
    for start, stop in sorted(cuts, reverse=True):
        street = _cut(street, start, stop)
    city, province = _places(tokens, end, tables) if tables is not None and end else ("", "")
    return Place(
        city=city,
        province=province,
        postal_code=postal_code,
        country=found_country,
        street=street,
    )
