"""Facility records and the matching table built from them, with every key computed once.

A `FacilityRecord` is either a row of an incoming supplier list or one name/address variant under
which a registry facility is known. The matcher never compares original values: it compares the
keys of `imvo.core.normalise`, which `registry_table` computes once per record so that a large
registry can be kept as a table (in memory or as Parquet) and matched against many lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa  # type: ignore[import-untyped]

from imvo.core.normalise import address_key, fold, name_key, postal_key
from imvo.core.places import city_canonical, place_parse

_DIGITS = re.compile(r"^[0-9]+$")

# Words that make a site of a company another site: "X Garment Branch" is not "X Garment".
# With the numbers of a name they form its unit designation (`name_numbers`).
UNIT_WORDS = frozenset({"branch", "unit", "plant", "nhanh", "sube", "unidade"})

# Coordinates are rounded to cells of this many degrees (about 1.1 km at the equator) to block
# candidate pairs by place.
GEO_CELL_DEGREES = 0.01


@dataclass(frozen=True)
class FacilityRecord:
    """An incoming row, or one known name/address variant of a registry facility."""

    record_id: str  # incoming: "r<row number>"; registry: unique per variant ("<facility>/<n>")
    facility_id: str | None  # registry: the facility; incoming: None
    country: str  # ISO 3166-1 alpha-2
    name: str  # original values; keys are computed inside
    address: str
    city: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("facility_id", pa.string()),
        ("country", pa.string()),
        ("name", pa.string()),
        ("address", pa.string()),
        ("city", pa.string()),
        ("postal_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        # matching keys; an empty key is stored as null so that it counts as missing
        ("name_key", pa.string()),
        ("address_key", pa.string()),
        ("city_key", pa.string()),
        ("postal_key", pa.string()),
        ("name_tokens", pa.list_(pa.string())),
        ("address_tokens", pa.list_(pa.string())),
        ("name_numbers", pa.list_(pa.string())),
        ("address_numbers", pa.list_(pa.string())),
        # blocking keys
        ("name_first", pa.string()),
        ("name_second", pa.string()),
        ("name_last", pa.string()),
        ("name_initial", pa.string()),
        ("address_number_key", pa.string()),
        ("geo_cell", pa.string()),
    ]
)
"""The columns of a matching table: the record's values, its keys and its blocking keys."""


@lru_cache(maxsize=1 << 16)  # the same registry records are keyed again for every list
def record_key(record: FacilityRecord) -> str:
    """The stable key of an incoming row's normalised country, name and address.

    Decisions of the secretariat are remembered under this key, so that a row spelled the same
    way in next year's list is not asked about again.

    >>> record_key(FacilityRecord("r2", None, "BD", "Rahman Knit Ltd.", "Plot 12, Road 7"))
    'BD|rahman knit|plot 12 rd 7'
    """
    return f"{record.country.upper()}|{name_key(record.name)}|{address_key(record.address)}"


def _coordinate(value: float | None, limit: float) -> float | None:
    if value is None or value != value or not -limit <= value <= limit:  # NaN or out of range
        return None
    return float(value)


def _row(record: FacilityRecord) -> dict[str, object]:
    name = name_key(record.name)
    # City, postal code and country read from a one-string address fill the missing columns;
    # a country name or postal code taken out of it is no part of the street's key.
    place = place_parse(record.address, record.country)
    street = place.street if place.country or place.postal_code else record.address
    address = address_key(street)
    name_words = name.split()
    address_words = address.split()
    address_numbers = sorted({word for word in address_words if _DIGITS.match(word)})
    latitude = _coordinate(record.latitude, 90.0)
    longitude = _coordinate(record.longitude, 180.0)
    if latitude is None or longitude is None:
        latitude = longitude = None
    cell = (
        None
        if latitude is None or longitude is None
        else f"{round(latitude / GEO_CELL_DEGREES)}:{round(longitude / GEO_CELL_DEGREES)}"
    )
    return {
        "record_id": record.record_id,
        "facility_id": record.facility_id,
        "country": record.country.upper(),
        "name": record.name,
        "address": record.address,
        "city": record.city,
        "postal_code": record.postal_code,
        "latitude": latitude,
        "longitude": longitude,
        "name_key": name or None,
        "address_key": address or None,
        # a given city in the gazetteer's spelling, as a parsed one is ("Bangalore": Bengaluru)
        "city_key": fold(city_canonical(record.city, record.country) or place.city) or None,
        "postal_key": postal_key(record.postal_code or place.postal_code) or None,
        "name_tokens": sorted(set(name_words)),
        "address_tokens": sorted(set(address_words)),
        "name_numbers": sorted(
            {word for word in name_words if _DIGITS.match(word) or word in UNIT_WORDS}
        ),
        "address_numbers": address_numbers,
        "name_first": name_words[0] if name_words else None,
        "name_second": name_words[1] if len(name_words) > 1 else None,
        "name_last": name_words[-1] if len(name_words) > 1 else None,
        "name_initial": name[:1] or None,
        "address_number_key": " ".join(address_numbers) or None,
        "geo_cell": cell,
    }


def registry_table(records: Iterable[FacilityRecord]) -> pa.Table:
    """The matching table of `records`: their values with every key computed once."""
    columns: dict[str, list[object]] = {field.name: [] for field in SCHEMA}
    for record in records:
        for column, value in _row(record).items():
            columns[column].append(value)
    return pa.Table.from_pydict(columns, schema=SCHEMA)
