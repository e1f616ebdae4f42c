"""How fast the public facility search answers when many facilities are published.

Run on demand, never as a timed test:

    .venv/bin/python benchmarks/public_search.py [--facilities 50000] [--queries 20]

It migrates a new SQLite file in a temporary folder, loads the reference data, writes one
published release of the textile covenant holding `--facilities` synthetic facilities (names
and spellings from the matching benchmark's generator), then times the search the public page
and the API run: the first search (which reads the release into the process's public index),
then searches by misspelled names, by country and by city, and a facility page. Peak memory is
the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from scratch_database import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    with scratch_database():
        started = time.perf_counter()
        names = _publish(args.facilities, args.seed)
        print(f"wrote a release of {args.facilities:,} facilities in {_since(started)}")
        _measure(names, args.queries, args.seed)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (RSS)   {peak_mb:,.0f} MB")


def _publish(count: int, seed: int) -> list[tuple[str, str, str]]:
    """One release of `count` facilities; (facility id, name, city) of each."""
    from django.db import transaction

    from imvo.core.facility_ids import facility_id_make
    from imvo.core.matching.synthetic import synthetic_registry
    from imvo.web.publication.models import Release, ReleaseRow
    from imvo.web.registry.models import Covenant
    from imvo.web.suppliers.models import Facility

    records = {}
    for record in synthetic_registry(count, seed=seed):
        records.setdefault(record.facility_id, []).append(record)
    covenant = Covenant.objects.get(slug="textile")
    with transaction.atomic():
        facilities = Facility.objects.bulk_create(
            [
                Facility(
                    facility_id=facility_id_make(spellings[0].country, serial),
                    country=spellings[0].country,
                    serial=serial,
                    name=spellings[0].name,
                    address=spellings[0].address,
                    city=spellings[0].city,
                )
                for serial, spellings in enumerate(records.values(), start=1)
            ],
            batch_size=2000,
        )
        release = Release.objects.create(
            covenant=covenant,
            year=2018,
            facility_count=len(facilities),
            participant_count=60,
            named_count=0,
            names_shown=False,
            disclosure_group=60,
            csv_sha256="0" * 64,
            csv_bytes=0,
            synthetic=True,
        )
        ReleaseRow.objects.bulk_create(
            [
                ReleaseRow(
                    release=release,
                    registry_facility=facility,
                    facility_id=facility.facility_id,
                    name=facility.name,
                    address=facility.address,
                    city=facility.city,
                    country=facility.country,
                    coordinate_precision="unknown",
                    product_types=["garments"],
                    participants="1\u20134",  # the band as published, with an en dash
                    participants_min=1,
                    participants_max=4,
                    aliases=[
                        {"name": r.name, "address": r.address, "city": r.city} for r in spellings
                    ],
                )
                for facility, spellings in zip(facilities, records.values(), strict=True)
            ],
            batch_size=2000,
        )
    return [(f.facility_id, f.name, f.city) for f in facilities]


def _measure(names: list[tuple[str, str, str]], queries: int, seed: int) -> None:
    from imvo.web.publication import selectors

    rng = random.Random(seed)
    started = time.perf_counter()
    everything = selectors.facility_search()
    print(f"first search        {_since(started)} ({len(everything):,} facilities indexed)")
    sample = rng.sample(names, min(queries, len(names)))
    timings: dict[str, list[float]] = {"misspelled name": [], "country": [], "city": []}
    found = 0
    for facility_id, name, city in sample:
        query = _misspell(name, rng)
        started = time.perf_counter()
        results = selectors.facility_search(q=query)
        timings["misspelled name"].append(time.perf_counter() - started)
        found += facility_id in {r["facility_id"] for r in results[:10]}
        started = time.perf_counter()
        selectors.facility_search(country=facility_id[:2])
        timings["country"].append(time.perf_counter() - started)
        started = time.perf_counter()
        selectors.facility_search(city=city)
        timings["city"].append(time.perf_counter() - started)
    for label, values in timings.items():
        print(
            f"search by {label:<16} median {statistics.median(values) * 1000:,.0f} ms, "
            f"slowest {max(values) * 1000:,.0f} ms"
        )
    print(f"misspelled found    {found}/{len(sample)} in the first ten results")
    started = time.perf_counter()
    selectors.public_facility_detail(facility_id=sample[0][0])
    print(f"facility page data  {(time.perf_counter() - started) * 1000:,.0f} ms")


def _misspell(name: str, rng: random.Random) -> str:
    """The name with one letter of its longest word swapped with the next."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 2)
        words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:,.1f} s"


if __name__ == "__main__":
    main()
