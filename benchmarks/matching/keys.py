"""Time the registry's matching keys: computed on one core and on all, and kept in a snapshot.

    .venv/bin/python benchmarks/matching/keys.py [--records 1000000] [--aliases 100000]
        [--added 1000] [--seed 2017]

Prints:

- the time `registry_table` takes to key `--records` synthetic registry records on one core,
  and on every core this process may use (the tables must be equal);
- in a throwaway SQLite database under a temporary IMVO_VAR_DIR holding `--aliases` aliases:
  the time to build the snapshot (`imvo.web.suppliers.registry_keys`), to load the keyed
  registry when nothing changed, and to refresh it after `--added` new aliases; with the
  process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from imvo.core.matching.records import FacilityRecord, registry_table, usable_cores
from imvo.core.matching.synthetic import synthetic_registry


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def keys_timed(records: int, seed: int) -> None:
    facilities = synthetic_registry(records, seed=seed)[:records]
    started = time.perf_counter()
    serial = registry_table(facilities, workers=1)
    one = time.perf_counter() - started
    started = time.perf_counter()
    parallel = registry_table(facilities)
    every = time.perf_counter() - started
    assert parallel.equals(serial), "keys computed in processes differ"
    print(f"keys of {len(facilities):,} records, 1 core       {one:.1f} s")
    print(f"keys of {len(facilities):,} records, {usable_cores()} cores      {every:.1f} s")


def snapshot_timed(aliases: int, added: int, seed: int) -> None:
    var = Path(tempfile.mkdtemp(prefix="imvo-keys-"))
    os.environ["IMVO_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'keys.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imvo.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from imvo.web.suppliers.models import Facility, FacilityAlias
    from imvo.web.suppliers.registry_keys import registry_keyed

    call_command("migrate", verbosity=0)
    records = synthetic_registry(aliases + added, seed=seed)[: aliases + added]
    facilities: dict[str, Facility] = {}
    for record in records:
        assert record.facility_id is not None
        if record.facility_id not in facilities:
            facilities[record.facility_id] = Facility(
                facility_id=record.facility_id,
                country=record.country,
                serial=len(facilities) + 1,
                name=record.name,
                address=record.address,
            )
    Facility.objects.bulk_create(facilities.values(), batch_size=5000)
    saved = {f.facility_id: f for f in Facility.objects.all()}

    def alias_rows(chosen: Sequence[FacilityRecord]) -> list[FacilityAlias]:
        return [
            FacilityAlias(
                facility=saved[str(record.facility_id)],
                origin=saved[str(record.facility_id)],
                name=record.name,
                address=record.address,
                city=record.city,
                postal_code=record.postal_code,
                country=record.country,
                latitude=record.latitude,
                longitude=record.longitude,
            )
            for record in chosen
        ]

    FacilityAlias.objects.bulk_create(alias_rows(records[:aliases]), batch_size=5000)
    print(f"database of {aliases:,} aliases in {var}")
    started = time.perf_counter()
    built = registry_keyed()
    print(f"snapshot built                   {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    loaded = registry_keyed()
    print(f"keyed registry loaded, unchanged {time.perf_counter() - started:.2f} s")
    assert loaded.table.equals(built.table)
    FacilityAlias.objects.bulk_create(alias_rows(records[aliases:]), batch_size=5000)
    started = time.perf_counter()
    refreshed = registry_keyed()
    print(f"refreshed after {added:,} new aliases  {time.perf_counter() - started:.2f} s")
    assert len(refreshed) == aliases + added
    print(f"peak memory (RSS)                {_peak_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records to key")
    parser.add_argument("--aliases", type=int, default=100_000, help="aliases in the database")
    parser.add_argument("--added", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    if args.records:
        keys_timed(args.records, args.seed)
    if args.aliases:
        snapshot_timed(args.aliases, args.added, args.seed)


if __name__ == "__main__":
    main()
