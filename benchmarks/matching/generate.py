"""Write a synthetic facility registry and a noisy supplier list with ground truth as Parquet.

    .venv/bin/python benchmarks/matching/generate.py [--registry 1000000] [--rows 10000]
        [--seed 2017] [--out var/benchmarks/matching]

Writes `registry-<N>-<seed>.parquet` (the matching table, keys computed: what a registry keeps)
and `list-<N>-<rows>-<seed>.parquet` (the list's original values plus `true_facility_id`, empty
for a facility that is not in the registry). See `imvo.core.matching.synthetic` for what the
data look like. Keys are computed on all cores.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from imvo.core.matching.records import FacilityRecord, registry_table
from imvo.core.matching.synthetic import synthetic_list, synthetic_registry

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "var/benchmarks/matching"


def registry_path(out: Path, registry: int, seed: int) -> Path:
    return out / f"registry-{registry}-{seed}.parquet"


def list_path(out: Path, registry: int, rows: int, seed: int) -> Path:
    return out / f"list-{registry}-{rows}-{seed}.parquet"


def _keyed(records: list[FacilityRecord]) -> pa.Table:
    return registry_table(records)


def keyed_table(records: tuple[FacilityRecord, ...], workers: int) -> pa.Table:
    """`registry_table(records)`, computed in `workers` processes."""
    if workers <= 1 or len(records) < 50_000:
        return registry_table(records)
    size = -(-len(records) // (workers * 4))
    chunks = [list(records[i : i + size]) for i in range(0, len(records), size)]
    with ProcessPoolExecutor(workers) as pool:
        return pa.concat_tables(pool.map(_keyed, chunks))


def generate(registry: int, rows: int, seed: int, out: Path) -> tuple[Path, Path]:
    """Write the registry (unless it is there) and the list; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    facilities = synthetic_registry(registry, seed=seed)
    print(
        f"{len(facilities)} registry records for {registry} facilities "
        f"in {time.perf_counter() - started:.1f} s"
    )
    registry_file = registry_path(out, registry, seed)
    if not registry_file.exists():
        table = keyed_table(facilities, os.cpu_count() or 1)
        pq.write_table(table, registry_file)
        print(f"wrote {registry_file} in {time.perf_counter() - started:.1f} s")
    incoming, truth = synthetic_list(facilities, rows, seed=seed + 1)
    columns: dict[str, list[object]] = {name: [] for name in FacilityRecord.__dataclass_fields__}
    for record in incoming:
        for name, value in asdict(record).items():
            columns[name].append(value)
    columns["true_facility_id"] = [truth[record.record_id] for record in incoming]
    list_file = list_path(out, registry, rows, seed)
    pq.write_table(pa.table(columns), list_file)
    print(f"wrote {list_file} in {time.perf_counter() - started:.1f} s")
    return registry_file, list_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000, help="facilities")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    generate(args.registry, args.rows, args.seed, args.out)


if __name__ == "__main__":
    main()
