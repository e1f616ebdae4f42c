"""Facility records and the matching table built from them, with every key computed once.

A `FacilityRecord` is either a row of an incoming supplier list or one name/address variant under
which a registry facility is known. The matcher never compares original values: it compares the
keys of `imvo.core.normalise`, which `registry_table` computes once per record so that a large
registry can be kept as a table (in memory or as Parquet) and matched against many lists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from typing import overload

import pyarrow as pa  # type: ignore[import-untyped]

from imvo.core.errors import ImvoError
from imvo.core.normalise import address_key, fold, name_key, postal_key
from imvo.core.places import city_canonical, place_parse

_DIGITS = re.compile(r"^[0-9]+$")

# Words that make a site of a company another site: "X Garment Branch" is not "X Garment".
# With the numbers of a name they form its unit designation (`name_numbers`).
UNIT_WORDS = frozenset({"branch", "unit", "plant", "nhanh", "sube", "unidade"})

# The version of the keys `registry_table` computes. A stored table of keys (the registry's
# snapshot) made under another version is computed again, so bump this whenever what `_row`
# computes changes: `imvo.core.normalise`, `imvo.core.places`, the legal forms, the gazetteer's
# data, or `_row` itself. A digest of those modules' source is part of `KEYS_VERSION`, so an
# edit of their code that forgets the bump still makes stale keys recompute.
KEYS_VERSION_NUMBER = 1

# From this many records on, `registry_table` computes the keys in a pool of processes.
PARALLEL_MINIMUM = 20_000

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


def _keys_version() -> str:
    """`KEYS_VERSION_NUMBER` and a digest of the source of every module the keys come from."""
    import hashlib
    import sys

    digest = hashlib.sha256()
    for name in sorted(_KEY_MODULES):
        module = sys.modules[name]
        if module.__file__:
            with open(module.__file__, "rb") as source:
                digest.update(source.read())
    return f"{KEYS_VERSION_NUMBER}-{digest.hexdigest()[:16]}"


_KEY_MODULES = (
    __name__,
    "imvo.core.normalise",
    "imvo.core.places",
    "imvo.core.legal_forms",
    "imvo.core.countries",
    "imvo.core.publication.geo",
)

KEYS_VERSION = _keys_version()
"""What a stored table of keys must have been made under to be read as it is."""

_ORIGINAL = ("record_id", "facility_id", "country", "name", "address", "city", "postal_code")


class KeyedRegistry(Sequence[FacilityRecord]):
    """A matching table (`SCHEMA`) that reads as the records it was made from.

    `registry_table` returns its `table` as it is, so a registry whose keys are kept (see
    `imvo.web.suppliers.registry_keys`) is never keyed again; a matcher that wants records
    gets them, made from the table's original values as they are read.
    """

    def __init__(self, table: pa.Table) -> None:
        missing = set(SCHEMA.names) - set(table.column_names)
        if missing:
            raise ImvoError(
                f"a keyed registry needs the columns {', '.join(sorted(missing))}",
                field="registry",
            )
        self.table = table.select(SCHEMA.names)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @overload
    def __getitem__(self, index: int) -> FacilityRecord: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FacilityRecord]: ...

    def __getitem__(self, index: int | slice) -> FacilityRecord | Sequence[FacilityRecord]:
        if isinstance(index, slice):
            return list(self)[index]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return next(self._records(self.table.slice(index % len(self), 1)))

    def __iter__(self) -> Iterator[FacilityRecord]:
        for batch in self.table.to_batches(max_chunksize=10_000):
            yield from self._records(pa.Table.from_batches([batch], schema=self.table.schema))

    @staticmethod
    def _records(table: pa.Table) -> Iterator[FacilityRecord]:
        columns = [table.column(name).to_pylist() for name in (*_ORIGINAL, "latitude")]
        columns.append(table.column("longitude").to_pylist())
        for values in zip(*columns, strict=True):
            yield FacilityRecord(*values)


def _table(records: Iterable[FacilityRecord]) -> pa.Table:
    columns: dict[str, list[object]] = {field.name: [] for field in SCHEMA}
    for record in records:
        for column, value in _row(record).items():
            columns[column].append(value)
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def usable_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def registry_table(
    records: Iterable[FacilityRecord] | KeyedRegistry, *, workers: int | None = None
) -> pa.Table:
    """The matching table of `records`: their values with every key computed once.

    A `KeyedRegistry` is its table already. From `PARALLEL_MINIMUM` records on, the keys are
    computed in `workers` processes (default: one per core this process may use), in chunks
    whose tables are joined in the records' order: the same table as one process makes.
    """
    if isinstance(records, KeyedRegistry):
        return records.table
    chosen = list(records)
    workers = usable_cores() if workers is None else workers
    if workers <= 1 or len(chosen) < PARALLEL_MINIMUM:
        return _table(chosen)
    size = -(-len(chosen) // (workers * 4))
    chunks = [chosen[start : start + size] for start in range(0, len(chosen), size)]
    # A fresh interpreter per worker ("spawn"): forking a process that holds database
    # connections or DuckDB threads is not safe.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return pa.concat_tables(pool.map(_table, chunks)).combine_chunks()
