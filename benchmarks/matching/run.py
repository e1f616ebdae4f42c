"""Measure the matcher in one run: the project's generator, a second noise model, the real sets.

    .venv/bin/python benchmarks/matching/run.py [--registry 1000000] [--rows 10000] [--seed 2017]
        [--quick] [--set all|generator|brand|real] [--errors N]

Sets, each in a process of its own so that its peak memory is its own:

- `generator`: a synthetic list against a synthetic registry (`generate.py`, data written
  first when missing; that is not timed: a real registry keeps its keys);
- `brand`: the same registry and a list of the same size from the second noise model
  (`noise.py`: one-string addresses, noise written without the normaliser's tables);
- `real`: the real Open Supply Hub lists (intake, address parsing, score distribution,
  hand-labelled pairs) and the PATSTAT organisation names (`real.py`).

For the synthetic sets it times `match_records` alone, and prints:

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
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_OUT, generate, list_path, registry_path
from noise import brand_list_path, write_brand_list

from imvo.core.matching.engine import Outcome, match_records
from imvo.core.matching.records import FacilityRecord

QUICK_REGISTRY = 50_000
QUICK_ROWS = 2_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def share(part: int, whole: int) -> str:
    return f"{part / whole:.4f} ({part:,}/{whole:,})" if whole else "n/a"


def report(
    registry_size: int,
    outcomes: Sequence[Outcome],
    truth: dict[str, str | None],
    elapsed: float,
    started: float,
) -> None:
    """The figures of one synthetic set (the lines the generator's run always printed)."""
    decisions = Counter(outcome.decision for outcome in outcomes)
    methods = Counter(outcome.method for outcome in outcomes if outcome.decision == "matched")
    known = [outcome for outcome in outcomes if truth[outcome.record_id] is not None]
    new = [outcome for outcome in outcomes if truth[outcome.record_id] is None]
    matched = [outcome for outcome in outcomes if outcome.decision == "matched"]
    right = [outcome for outcome in matched if outcome.facility_id == truth[outcome.record_id]]
    known_decided = [outcome for outcome in known if outcome.decision != "review"]
    called_new = [outcome for outcome in outcomes if outcome.decision == "new"]
    wrongly_new = [outcome for outcome in called_new if truth[outcome.record_id] is not None]
    known_review = sum(o.decision == "review" for o in known)
    print(f"registry facilities        {registry_size:,}")
    print(
        f"rows                       {len(outcomes):,} "
        f"({len(known):,} known facilities, {len(new):,} new)"
    )
    print(f"decisions                  {dict(decisions)}; matched by {dict(methods)}")
    print(f"precision (auto matches)   {share(len(right), len(matched))}")
    print(f"recall (of known rows)     {share(len(right), len(known))}")
    print(f"recall (auto-decided)      {share(len(right), len(known_decided))}")
    print(f"recall with review         {share(len(right) + known_review, len(known))}")
    print(f"new rows called new        {share(sum(o.decision == 'new' for o in new), len(new))}")
    print(f"known rows called new      {share(len(wrongly_new), len(called_new))} of 'new'")
    print(f"sent to review             {share(decisions['review'], len(outcomes))}")
    print(f"match time                 {elapsed:.1f} s ({len(outcomes) / elapsed:,.0f} rows/s)")
    print(f"wall time                  {time.perf_counter() - started:.1f} s")
    print(f"peak memory (RSS)          {peak_rss_mb():,.0f} MB")


def print_errors(
    outcomes: Sequence[Outcome],
    truth: dict[str, str | None],
    incoming: Sequence[FacilityRecord],
    registry: pa.Table,
    limit: int,
) -> None:
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
        if not wrong or shown >= limit:
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
                "     " + "; ".join(f"{e.field} {e.level} ({e.detail})" for e in candidate.evidence)
            )


def run_synthetic(args: argparse.Namespace, which: str) -> None:
    registry_file = registry_path(args.data, args.registry, args.seed)
    list_file = list_path(args.data, args.registry, args.rows, args.seed)
    if not registry_file.exists() or not list_file.exists():
        generate(args.registry, args.rows, args.seed, args.data)
    if which == "brand":
        list_file = brand_list_path(args.data, args.registry, args.rows, args.seed)
        if not list_file.exists():
            write_brand_list(registry_file, list_file, args.rows, args.seed + 2)

    started = time.perf_counter()
    registry = pq.read_table(registry_file)
    rows = pq.read_table(list_file).to_pylist()
    truth = {row["record_id"]: row.pop("true_facility_id") for row in rows}
    kinds = {row["record_id"]: row.pop("kind", "") for row in rows}
    incoming = [FacilityRecord(**row) for row in rows]
    loaded = time.perf_counter()
    print(
        f"loaded {registry.num_rows:,} registry records and {len(incoming):,} rows "
        f"in {loaded - started:.1f} s"
    )
    outcomes = match_records(incoming, registry)
    elapsed = time.perf_counter() - loaded
    report(args.registry, outcomes, truth, elapsed, started)
    if which == "brand":
        by_kind: dict[str, Counter[str]] = {}
        for outcome in outcomes:
            by_kind.setdefault(kinds[outcome.record_id], Counter())[outcome.decision] += 1
        for kind, counts in sorted(by_kind.items()):
            print(f"  {kind:<24} {dict(counts)}")
    if args.errors:
        print_errors(outcomes, truth, incoming, registry, args.errors)


def run_real() -> None:
    import real

    started = time.perf_counter()
    intake = real.osh_intake()
    print(
        f"OSH intake                 {intake.files} files, {intake.rows:,} rows: "
        f"{intake.accepted:,} accepted, {intake.rejected:,} rejected {dict(intake.reasons)}"
    )
    rows = real.osh_rows()
    parsing = real.osh_parsing(rows)
    if parsing is None:
        print("OSH address parsing        skipped (imvo.core.places.place_parse not there)")
    else:
        print(
            f"OSH address parsing        of {parsing.rows:,} rows: "
            f"city {share(parsing.city, parsing.rows)}, "
            f"postal code {share(parsing.postal_code, parsing.rows)}, "
            f"country {share(parsing.country, parsing.rows)}, "
            f"province {share(parsing.province, parsing.rows)}"
        )
    scores = real.osh_score_histogram(rows)
    print(
        f"OSH each list vs the rest  {scores.rows:,} rows, {dict(scores.decisions)}, "
        f"no candidate {scores.no_candidate:,}, {scores.seconds:.1f} s"
    )
    print(
        "  best-candidate p         "
        + " ".join(f"{b / 10:.1f}+:{n}" for b, n in enumerate(scores.histogram))
    )
    labels = real.read_labels()
    pairs = real.osh_labelled(rows, labels)
    print(
        f"OSH labelled pairs         {pairs.pairs} pairs ({pairs.same} same): "
        f"precision (auto) {share(pairs.found, pairs.matched)}, "
        f"recall (auto) {share(pairs.found, pairs.same)}, "
        f"same sent to review {pairs.review}, different sent to review {pairs.false_review}, "
        f"{pairs.seconds:.1f} s"
    )
    records = real.patstat_records()
    for method in ("deduplicate", "name_key"):
        figures = real.patstat_pairs(records, method)
        print(
            f"PATSTAT {method:<18} {len(records):,} names, {figures.true_pairs:,} true pairs: "
            f"precision {share(figures.right, figures.predicted)}, "
            f"recall {share(figures.right, figures.true_pairs)}"
            + (f", review pairs {figures.review:,}" if method == "deduplicate" else "")
            + f", {figures.seconds:.1f} s"
        )
    print(f"real sets wall time        {time.perf_counter() - started:.1f} s")
    print(f"peak memory (RSS)          {peak_rss_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=None, help="facilities (1,000,000)")
    parser.add_argument("--rows", type=int, default=None, help="list rows (10,000)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REGISTRY:,}/{QUICK_ROWS:,}")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--data", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--set", choices=("all", "generator", "brand", "real"), default="all")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong rows")
    args = parser.parse_args()
    if args.registry is None:
        args.registry = QUICK_REGISTRY if args.quick else 1_000_000
    if args.rows is None:
        args.rows = QUICK_ROWS if args.quick else 10_000
    if args.registry < 1 or args.rows < 1:
        parser.error("--registry and --rows must be at least 1")

    if args.set == "all":
        titles = {
            "generator": "the project's generator",
            "brand": "second noise model (brand lists, one-string addresses)",
            "real": "real sets",
        }
        for which, title in titles.items():
            print(f"\n== {title}", flush=True)
            command = [
                sys.executable,
                __file__,
                "--set",
                which,
                "--registry",
                str(args.registry),
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--data",
                str(args.data),
                "--errors",
                str(args.errors),
            ]
            subprocess.run(command, check=True)
    elif args.set == "real":
        run_real()
    else:
        run_synthetic(args, args.set)


if __name__ == "__main__":
    main()
