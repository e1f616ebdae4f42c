"""How long `imvo load demo` takes on a fresh SQLite database, and how much memory it needs.

Run on demand, never as a timed test:

    .venv/bin/python benchmarks/demo_load.py [--seed 2018] [--runs 3]

It migrates a new SQLite file in a temporary folder, loads the shipped reference data, then
times `demo_load` into the empty registry and again replacing its own rows. Peak memory is
reported twice: the process's maximum resident set size, and the peak of Python allocations
(tracemalloc) during one extra load, which tracemalloc itself slows down.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

from scratch_database import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--runs", type=int, default=3, help="loads replacing the population")
    args = parser.parse_args()

    with scratch_database():
        from imvo.web.registry.services import demo_load

        started = time.perf_counter()
        counts = demo_load(seed=args.seed)
        first = time.perf_counter() - started
        again = []
        for _ in range(args.runs):
            started = time.perf_counter()
            demo_load(seed=args.seed)
            again.append(time.perf_counter() - started)
        max_rss_mib = _max_rss_mib()

        tracemalloc.start()
        demo_load(seed=args.seed)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    rows = sum(
        counts[name]
        for name in ("companies", "brands", "market_shares", "market_estimates", "participations")
    )
    print(f"demo_load seed {args.seed}: {rows} rows ({counts['companies']} companies)")
    print(f"  into an empty registry: {first:.2f} s")
    print(f"  replacing itself:       {min(again):.2f} s best of {len(again)}")
    print(f"  max resident set size:  {max_rss_mib:.0f} MiB (whole process)")
    print(f"  peak Python allocation: {peak / 2**20:.0f} MiB (tracemalloc, one load)")


def _max_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


if __name__ == "__main__":
    main()
