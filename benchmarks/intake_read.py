"""How fast supplier lists are read and checked, and how much memory that takes.

Run on demand, never as a timed test:

    .venv/bin/python benchmarks/intake_read.py [--rows 100000] [--seed 2018]

It writes a realistic list of `--rows` production locations as a UTF-8 CSV and as an XLSX
(openpyxl), then, each in a fresh process so that peak memory belongs to that file alone, runs
read_table + map_headers + validate_rows and prints rows per second for reading, for checking
and for both, with the process's peak resident memory (which includes the interpreter, about
30 MB, and the native spreadsheet reader's allocations that tracemalloc cannot see).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

HEADER = [
    "Facility name",
    "Address",
    "City",
    "Province",
    "Country",
    "Postal code",
    "Latitude",
    "Longitude",
    "Product types",
    "Processing type",
    "Number of workers",
    "Tier",
]
PLACES = [
    ("Gazipur", "Dhaka Division", "Bangladesh", 23.99, 90.42),
    ("Dongguan", "Guangdong", "China", 23.02, 113.75),
    ("Tiruppur", "Tamil Nadu", "India", 11.11, 77.34),
    ("Binh Duong", "Binh Duong", "Viet Nam", 11.17, 106.65),
    ("Çorlu", "Tekirdağ", "Türkiye", 41.16, 27.80),
    ("Faisalabad", "Punjab", "Pakistan", 31.42, 73.08),
    ("Bandung", "Jawa Barat", "Indonesia", -6.91, 107.61),
    ("Barcelos", "Braga", "Portugal", 41.54, -8.62),
]
WORDS = ["Apparel", "Garments", "Knit", "Textile", "Fashion", "Denim", "Dyeing", "Washing"]
PRODUCTS = ["T-shirts", "Jeans", "Knitwear", "Outerwear", "Underwear", "Socks", "Fabric"]


def supplier_rows(count: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for number in range(count):
        city, province, country, lat, lng = rng.choice(PLACES)
        workers: object = rng.choice(
            [rng.randint(20, 5000), f"{rng.randint(1, 9)},{rng.randint(100, 999)}", "500-1000"]
        )
        rows.append(
            [
                f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} Ltd.",
                f"Plot {rng.randint(1, 999)}, Road {rng.randint(1, 99)}, {city}",
                city,
                province,
                country,
                str(rng.randint(1000, 99999)),
                round(lat + rng.uniform(-0.2, 0.2), 5),
                round(lng + rng.uniform(-0.2, 0.2), 5),
                ", ".join(rng.sample(PRODUCTS, rng.randint(1, 3))),
                rng.choice(["Cut-make-trim", "Dyeing", "Knitting", ""]),
                workers,
                f"Tier {rng.randint(1, 3)}",
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Suppliers")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def measure(path: str) -> dict[str, float]:
    """Read and check one file; runs in a fresh process."""
    from imvo.core.countries import country_code
    from imvo.core.intake import map_headers, read_table, validate_rows

    data = Path(path).read_bytes()
    started = time.perf_counter()
    table = read_table(data, filename=Path(path).name)
    read = time.perf_counter()
    result = validate_rows(table, map_headers(table.header), country_code=country_code)
    checked = time.perf_counter()
    return {
        "rows": result.rows,
        "accepted": len(result.accepted),
        "read_seconds": read - started,
        "check_seconds": checked - read,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "size_mb": len(data) / 1024 / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()

    rows = supplier_rows(args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="imvo-intake-") as folder:
        files = {"csv": Path(folder) / "suppliers.csv", "xlsx": Path(folder) / "suppliers.xlsx"}
        write_csv(files["csv"], rows)
        write_xlsx(files["xlsx"], rows)
        print(f"{args.rows:,} rows, Python {sys.version.split()[0]}")
        columns = ("MB", "read r/s", "check r/s", "both r/s", "peak MB")
        print(f"{'file':6} {columns[0]:>6} " + " ".join(f"{c:>10}" for c in columns[1:4]), end="")
        print(f" {columns[4]:>8}")
        for kind, path in files.items():
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                figures = pool.submit(measure, str(path)).result()
            assert figures["accepted"] == figures["rows"] == args.rows, figures
            total = figures["read_seconds"] + figures["check_seconds"]
            print(
                f"{kind:6} {figures['size_mb']:6.1f} "
                f"{args.rows / figures['read_seconds']:10,.0f} "
                f"{args.rows / figures['check_seconds']:10,.0f} "
                f"{args.rows / total:10,.0f} {figures['peak_mb']:8.0f}"
            )


if __name__ == "__main__":
    main()
