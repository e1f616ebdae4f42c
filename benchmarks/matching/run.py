"""Match a synthetic supplier list against a synthetic registry and print how well and how fast.

    .venv/bin/python benchmarks/matching/run.py [--registry 1000000] [--rows 10000] [--seed 2017]

Generates the data first when `generate.py` has not written it yet (that is not timed: a real
registry keeps its keys). Then times `match_records` alone, and prints:

- precision of automatic matches: the share of rows matched automatically that were matched to
  the right facility;
- recall of automatic matches: the share of rows that are registry facilities that were matched
  automatically to the right one (rows sent to review count as not recalled);
- the same recall among rows decided automatically (review left out);
- how many truly new rows were called new, and how many rows called new were in fact known;
- the share of rows sent to review;
- rows per second, wall time and the process's peak memory (maximum resident set size).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_OUT, generate, list_path, registry_path

from imvo.core.matching.engine import match_records
from imvo.core.matching.records import FacilityRecord


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000, help="facilities")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--data", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong rows")
    args = parser.parse_args()

    registry_file = registry_path(args.data, args.registry, args.seed)
    list_file = list_path(args.data, args.registry, args.rows, args.seed)
    if not registry_file.exists() or not list_file.exists():
        generate(args.registry, args.rows, args.seed, args.data)

    started = time.perf_counter()
    registry = pq.read_table(registry_file)
    rows = pq.read_table(list_file).to_pylist()
    truth = {row["record_id"]: row.pop("true_facility_id") for row in rows}
    incoming = [FacilityRecord(**row) for row in rows]
    loaded = time.perf_counter()
    print(
        f"loaded {registry.num_rows:,} registry records and {len(incoming):,} rows "
        f"in {loaded - started:.1f} s"
    )

    outcomes = match_records(incoming, registry)
    elapsed = time.perf_counter() - loaded

    decisions = Counter(outcome.decision for outcome in outcomes)
    methods = Counter(outcome.method for outcome in outcomes if outcome.decision == "matched")
    known = [outcome for outcome in outcomes if truth[outcome.record_id] is not None]
    new = [outcome for outcome in outcomes if truth[outcome.record_id] is None]
    matched = [outcome for outcome in outcomes if outcome.decision == "matched"]
    right = [outcome for outcome in matched if outcome.facility_id == truth[outcome.record_id]]
    known_decided = [outcome for outcome in known if outcome.decision != "review"]
    called_new = [outcome for outcome in outcomes if outcome.decision == "new"]
    wrongly_new = [outcome for outcome in called_new if truth[outcome.record_id] is not None]

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.4f} ({part:,}/{whole:,})" if whole else "n/a"

    print(f"registry facilities        {args.registry:,}")
    print(
        f"rows                       {len(outcomes):,} "
        f"({len(known):,} known facilities, {len(new):,} new)"
    )
    print(f"decisions                  {dict(decisions)}; matched by {dict(methods)}")
    print(f"precision (auto matches)   {share(len(right), len(matched))}")
    print(f"recall (of known rows)     {share(len(right), len(known))}")
    print(f"recall (auto-decided)      {share(len(right), len(known_decided))}")
    print(f"new rows called new        {share(sum(o.decision == 'new' for o in new), len(new))}")
    print(f"known rows called new      {share(len(wrongly_new), len(called_new))} of 'new'")
    print(f"sent to review             {share(decisions['review'], len(outcomes))}")
    print(f"match time                 {elapsed:.1f} s ({len(outcomes) / elapsed:,.0f} rows/s)")
    print(f"wall time                  {time.perf_counter() - started:.1f} s")
    print(f"peak memory (RSS)          {peak_rss_mb():,.0f} MB")

    if args.errors:
        by_id = {record.record_id: record for record in incoming}
        facility_names = dict(
            zip(
                registry.column("facility_id").to_pylist(),
                zip(
                    registry.column("name").to_pylist(),
                    registry.column("address").to_pylist(),
                    strict=True,
                ),
                strict=False,
            )
        )
        shown = 0
        for outcome in outcomes:
            expected = truth[outcome.record_id]
            wrong = (
                (outcome.decision == "matched" and outcome.facility_id != expected)
                or (outcome.decision == "new" and expected is not None)
                or outcome.decision == "review"
            )
            if not wrong or shown >= args.errors:
                continue
            shown += 1
            record = by_id[outcome.record_id]
            print(
                f"\n{outcome.decision} {outcome.method} p={outcome.probability} "
                f"expected {expected}: {facility_names.get(expected)}"
            )
            print(
                f"  row: {record.name} | {record.address} | {record.city} | "
                f"{record.postal_code} | {record.latitude},{record.longitude}"
            )
            for candidate in outcome.candidates[:3]:
                print(
                    f"  {candidate.facility_id} p={candidate.probability:.3f} "
                    f"{facility_names.get(candidate.facility_id)}"
                )
                print(
                    "     "
                    + "; ".join(f"{e.field} {e.level} ({e.detail})" for e in candidate.evidence)
                )


if __name__ == "__main__":
    main()
