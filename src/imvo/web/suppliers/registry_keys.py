"""The registry's matching keys, kept as a columnar snapshot so that no import computes them again.

Each country's aliases are kept with their keys (`imvo.core.matching.records.SCHEMA`) in
`VAR_DIR / "registry-keys" / "<country>.parquet"`, by alias pk. Reading the registry for a
match reads, from the database, only which aliases belong to which live facility (two columns,
through an index) and takes every alias's keys from the snapshot: an alias added since is keyed
and the snapshot written again; an alias gone (removed, or of a facility merged into another)
is left out; an alias moved by a merge or a split keeps its keys and takes its facility's id
from the database. A snapshot made under another `records.KEYS_VERSION` (the key code
changed), or of another database (its newest alias still present has another creation time),
is made anew.

A snapshot is written only outside a transaction: inside one, the aliases read may still be
rolled back, and on SQLite their pks then handed out again. See
docs/decisions/0008-registry-keys.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.conf import settings
from django.db import connection

from imvo.core.matching import records as keys_code
from imvo.core.matching.records import SCHEMA, FacilityRecord, KeyedRegistry, registry_table
from imvo.web.suppliers.models import FacilityAlias

logger = logging.getLogger(__name__)

_VERSION_KEY = b"imvo_keys_version"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Beyond this many aliases missing from a snapshot, the country's aliases are read whole.
_READ_BY_PK = 5_000
_PK_CHUNK = 900  # bound parameters per statement, well below SQLite's limit
_FIELDS = ("name", "address", "city", "postal_code", "latitude", "longitude", "created_at")
_SNAPSHOT_FIELDS = pa.schema([("alias_pk", pa.int64()), ("created_at", pa.string()), *SCHEMA])


def _snapshot_schema() -> pa.Schema:
    """The columns of a snapshot, marked with the version of the key code now running."""
    return _SNAPSHOT_FIELDS.with_metadata({_VERSION_KEY: keys_code.KEYS_VERSION.encode()})


def registry_keys_dir() -> Path:
    """Where the snapshots are kept."""
    return Path(settings.VAR_DIR) / "registry-keys"


def registry_keyed(*, countries: Iterable[str] | None = None) -> KeyedRegistry:
    """Every name and address variant of the live facilities (of `countries`), with its keys."""
    aliases = FacilityAlias.objects.filter(facility__merged_into__isnull=True)
    if countries is not None:
        aliases = aliases.filter(country__in=sorted(set(countries)))
    live: dict[str, tuple[list[int], list[str]]] = {}
    for pk, country, facility_id in aliases.order_by("pk").values_list(
        "pk", "country", "facility__facility_id"
    ):
        pks, facility_ids = live.setdefault(country, ([], []))
        pks.append(pk)
        facility_ids.append(facility_id)
    tables = [
        _country_keyed(country, pks, facility_ids)
        for country, (pks, facility_ids) in sorted(live.items())
    ]
    if not tables:
        return KeyedRegistry(registry_table(()))
    return KeyedRegistry(pa.concat_tables(tables).combine_chunks())


def _country_keyed(country: str, pks: list[int], facility_ids: list[str]) -> pa.Table:
    """The country's live aliases (`pks`, ascending, of `facility_ids`) as a matching table."""
    snapshot = _snapshot_read(country)
    if snapshot is not None and not _same_database(snapshot, pks):
        logger.info("registry keys of %s: snapshot of another database, made anew", country)
        snapshot = None
    wanted = pa.array(pks, pa.int64())
    kept = (
        snapshot.filter(pc.is_in(snapshot.column("alias_pk"), value_set=wanted))
        if snapshot is not None
        else _snapshot_schema().empty_table()
    )
    known = set(kept.column("alias_pk").to_pylist())
    missing = [pk for pk in pks if pk not in known]
    fresh = _aliases_keyed(country, missing, everything=not known)
    changed = bool(missing) or snapshot is None or kept.num_rows != snapshot.num_rows
    table = pa.concat_tables([kept, fresh]).sort_by("alias_pk")
    if changed:
        _snapshot_write(country, table)
    # Facility and record ids come from the database: a merge or split moves an alias.
    facility = pa.array(facility_ids, pa.string())
    record = pc.binary_join_element_wise(facility, pc.cast(wanted, pa.string()), "/")
    table = table.set_column(table.schema.get_field_index("facility_id"), "facility_id", facility)
    table = table.set_column(table.schema.get_field_index("record_id"), "record_id", record)
    return table.select(SCHEMA.names)


def _aliases_keyed(country: str, pks: list[int], *, everything: bool) -> pa.Table:
    """The keyed rows of these aliases of `country` (every live one with `everything`)."""
    if not pks:
        return _snapshot_schema().empty_table()
    aliases = FacilityAlias.objects.filter(country=country).order_by("pk")
    fields = ("pk", *_FIELDS)
    if everything or len(pks) > _READ_BY_PK:
        wanted = set(pks)
        rows = [row for row in aliases.values_list(*fields) if row[0] in wanted]
    else:
        rows = []
        for start in range(0, len(pks), _PK_CHUNK):
            rows.extend(aliases.filter(pk__in=pks[start : start + _PK_CHUNK]).values_list(*fields))
    keyed = registry_table(
        FacilityRecord(
            record_id=str(pk),
            facility_id=None,
            country=country,
            name=name,
            address=address,
            city=city,
            postal_code=postal_code,
            latitude=latitude,
            longitude=longitude,
        )
        for pk, name, address, city, postal_code, latitude, longitude, _ in rows
    )
    keyed = keyed.add_column(0, "created_at", pa.array([row[-1].isoformat() for row in rows]))
    keyed = keyed.add_column(0, "alias_pk", pa.array([row[0] for row in rows], pa.int64()))
    return keyed.cast(_snapshot_schema())


def _same_database(snapshot: pa.Table, pks: list[int]) -> bool:
    """Whether the snapshot's newest alias still in the registry is that alias: pks are handed
    out once in a database, so another creation time means another database (or one restored)."""
    present = snapshot.filter(pc.is_in(snapshot.column("alias_pk"), value_set=pa.array(pks)))
    if present.num_rows == 0:
        return True
    newest = present.slice(present.num_rows - 1, 1).to_pylist()[0]
    created = (
        FacilityAlias.objects.filter(pk=newest["alias_pk"])
        .values_list("created_at", flat=True)
        .first()
    )
    return created is not None and created.isoformat() == newest["created_at"]


def _snapshot_path(country: str) -> Path | None:
    return registry_keys_dir() / f"{country}.parquet" if _COUNTRY.match(country) else None


def _snapshot_read(country: str) -> pa.Table | None:
    """The country's snapshot, sorted by alias pk; None when there is none of this version."""
    path = _snapshot_path(country)
    if path is None or not path.exists():
        return None
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        logger.warning("registry keys of %s: unreadable snapshot %s (%s)", country, path, error)
        return None
    metadata = table.schema.metadata or {}
    schema = _snapshot_schema()
    if metadata.get(_VERSION_KEY) != schema.metadata[_VERSION_KEY] or not table.schema.equals(
        schema
    ):
        return None
    return table.sort_by("alias_pk")


def _snapshot_write(country: str, table: pa.Table) -> None:
    """Replace the country's snapshot at once (readers see the old file or the new one), unless
    within a transaction."""
    path = _snapshot_path(country)
    if path is None or connection.in_atomic_block:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{country}-", suffix=".tmp")
    os.close(handle)
    try:
        pq.write_table(table.cast(_snapshot_schema()), temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
