"""Synthetic supplier lists of the demo textile participants, as the files they hand in.

`imvo load demo` imports these through the real intake and matcher, so that `imvo publish
textile 2018` has something to publish. The facilities come from the matching benchmark's
generator (`imvo.core.matching.synthetic`): names and addresses in the styles of the main
sourcing countries, in cities the gazetteer knows. Popular facilities are on many lists, each
company writing them its own way (typos, abbreviations, other legal forms, transliterations),
so that only the matcher links them. Lists evolve from year to year: most facilities stay, some
go, new ones come. Each company keeps one file format: a semicolon-separated latin-1 CSV with
Dutch headers (as Dutch spreadsheet programs save it), a UTF-8 CSV with English headers, or
an XLSX workbook.

Everything is drawn from random generators seeded with `seed` and the company's slug, so the
same seed and participants always give the same files.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from openpyxl import Workbook  # type: ignore[import-untyped]

from imvo.core.matching.records import FacilityRecord
from imvo.core.matching.synthetic import noisy, strip_accents, synthetic_registry

YEARS = (2017, 2018, 2019)
CONSENT_YEARS = (2018, 2019)
LIST_SIZE = (10, 150)
POOL_SIZE = 3200

FileKind = Literal["csv-latin1", "csv-utf8", "xlsx"]
CityCheck = Callable[[str, str], bool]  # (city, ISO country) -> does the gazetteer know it?

_PRODUCTS = (
    "T-shirts",
    "Polo shirts",
    "Jeans",
    "Knitwear",
    "Woven shirts",
    "Dresses",
    "Outerwear",
    "Underwear",
    "Socks",
    "Nightwear",
    "Sportswear",
    "Home textiles",
    "Fabric",
    "Yarn",
)
_WORKERS = (40, 120, 300, 650, 1200, 2500, 6000)
_DUTCH = (
    "Naam productielocatie",
    "Adres",
    "Plaats",
    "Postcode",
    "Land",
    "Breedtegraad",
    "Lengtegraad",
    "Producttype",
    "Aantal werknemers",
)
_ENGLISH = (
    "Facility name",
    "Address",
    "City",
    "Postal code",
    "Country",
    "Latitude",
    "Longitude",
    "Product type",
    "Number of workers",
)
_COUNTRY_NAMES = {
    "BD": "Bangladesh",
    "CN": "China",
    "ET": "Ethiopia",
    "ID": "Indonesia",
    "IN": "India",
    "IT": "Italy",
    "KH": "Cambodia",
    "LK": "Sri Lanka",
    "MA": "Morocco",
    "MM": "Myanmar",
    "PK": "Pakistan",
    "PT": "Portugal",
    "TR": "Türkiye",
    "VN": "Vietnam",
}


@dataclass(frozen=True)
class DemoRow:
    """One row of a demo supplier list, as the company wrote it."""

    facility: str  # the generator's id of the facility the row really is (ground truth)
    name: str
    address: str
    city: str
    postal_code: str
    country: str  # ISO code; the file may write the country's name
    latitude: float | None
    longitude: float | None
    product_type: str
    workers: str


@dataclass(frozen=True)
class DemoList:
    """A company's supplier list for a year and the kind of file it hands it in as."""

    company: str  # slug
    year: int
    kind: FileKind
    rows: tuple[DemoRow, ...]

    @property
    def filename(self) -> str:
        suffix = "xlsx" if self.kind == "xlsx" else "csv"
        return f"{self.company}-production-locations-{self.year}.{suffix}"


@dataclass(frozen=True)
class DemoLists:
    """The lists of every participant and year, and who consents to be named when."""

    lists: tuple[DemoList, ...]
    consents: tuple[tuple[str, int], ...]  # (company slug, year)


def demo_lists(
    *,
    seed: int,
    participants: Mapping[int, Sequence[str]],
    known_city: CityCheck | None = None,
    pool_size: int = POOL_SIZE,
) -> DemoLists:
    """The supplier lists of `participants` (company slugs by year) and their consents.

    `known_city` keeps the facilities to cities the gazetteer knows, so that rows without
    coordinates can be placed in their city. About half the companies consent to be named in
    every year of `CONSENT_YEARS` they hand in a list for.
    """
    pool = _pool(seed, pool_size, known_city or (lambda city, country: True))
    weights = [1.0 / (rank + 20) ** 0.85 for rank in range(len(pool))]
    companies = sorted({slug for slugs in participants.values() for slug in slugs})
    lists: list[DemoList] = []
    consents: list[tuple[str, int]] = []
    for slug in companies:
        rng = random.Random(f"{seed}:lists:{slug}")
        kind: FileKind = rng.choices(("csv-latin1", "csv-utf8", "xlsx"), weights=(4, 3, 3))[0]
        consenting = rng.random() < 0.5
        size = LIST_SIZE[0] + int((LIST_SIZE[1] - LIST_SIZE[0]) * rng.random() ** 1.6)
        chosen: list[int] = []
        for year in sorted(participants):
            if slug not in participants[year]:
                continue
            chosen = _evolve(rng, chosen, size, weights)
            size = min(LIST_SIZE[1], max(LIST_SIZE[0], round(size * rng.uniform(0.95, 1.15))))
            rows = tuple(_report(seed, slug, pool[index]) for index in chosen)
            lists.append(DemoList(company=slug, year=year, kind=kind, rows=rows))
            if consenting and year in CONSENT_YEARS:
                consents.append((slug, year))
    return DemoLists(lists=tuple(lists), consents=tuple(consents))


def _pool(seed: int, size: int, known_city: CityCheck) -> list[_PoolFacility]:
    """The facilities the companies source from, the most popular first."""
    rng = random.Random(f"{seed}:pool")
    pool: list[_PoolFacility] = []
    for record in synthetic_registry(size, seed=seed):
        if not record.record_id.endswith("/1") or not known_city(record.city, record.country):
            continue
        pool.append(
            _PoolFacility(
                record=record,
                products=tuple(sorted(rng.sample(_PRODUCTS, rng.choice((1, 1, 2, 3))))),
                workers=rng.choice(_WORKERS),
            )
        )
    rng.shuffle(pool)
    return pool


@dataclass(frozen=True)
class _PoolFacility:
    record: FacilityRecord
    products: tuple[str, ...]
    workers: int


def _evolve(
    rng: random.Random, previous: Sequence[int], size: int, weights: Sequence[float]
) -> list[int]:
    """Next year's list: most facilities stay, some go, new ones (popular ones likelier) come."""
    kept = [index for index in previous if rng.random() < 0.85]
    chosen = set(kept)
    population = range(len(weights))
    while len(chosen) < size:
        chosen.update(rng.choices(population, weights=weights, k=size - len(chosen)))
    return sorted(chosen, key=lambda index: (index not in kept, index))[:size]


def _report(seed: int, company: str, facility: _PoolFacility) -> DemoRow:
    """The facility as this company writes it, the same way every year."""
    rng = random.Random(f"{seed}:row:{company}:{facility.record.facility_id}")
    record = facility.record
    written = noisy(rng, record, level=0.6)
    if not written.city and rng.random() < 0.8:
        written = replace(written, city=record.city)
    if rng.random() < 0.4:  # most companies have no coordinates to give
        written = replace(written, latitude=None, longitude=None)
    workers = facility.workers
    if rng.random() < 0.15:
        reported = ""
    elif rng.random() < 0.3:
        low = workers // 100 * 100 or 10
        reported = f"{low}-{low * 2}"
    else:
        reported = str(round(workers * rng.uniform(0.9, 1.1)))
    return DemoRow(
        facility=record.facility_id or record.record_id,
        name=written.name,
        address=written.address,
        city=written.city,
        postal_code=written.postal_code,
        country=record.country,
        latitude=written.latitude,
        longitude=written.longitude,
        product_type=", ".join(facility.products[: rng.randint(1, len(facility.products))]),
        workers=reported,
    )


# --- files ----------------------------------------------------------------------------------------


def demo_list_bytes(demo_list: DemoList) -> bytes:
    """The list as the file the company hands in."""
    if demo_list.kind == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Production locations"
        sheet.append(list(_ENGLISH))
        for row in demo_list.rows:
            sheet.append(
                [
                    row.name,
                    row.address,
                    row.city,
                    row.postal_code,
                    _COUNTRY_NAMES.get(row.country, row.country),
                    row.latitude,
                    row.longitude,
                    row.product_type,
                    row.workers,
                ]
            )
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    dutch = demo_list.kind == "csv-latin1"
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";" if dutch else ",", lineterminator="\r\n")
    writer.writerow(_DUTCH if dutch else _ENGLISH)
    for row in demo_list.rows:
        writer.writerow(
            [
                row.name,
                row.address,
                row.city,
                row.postal_code,
                row.country if dutch else _COUNTRY_NAMES.get(row.country, row.country),
                _decimal(row.latitude, comma=dutch),
                _decimal(row.longitude, comma=dutch),
                row.product_type,
                row.workers,
            ]
        )
    if dutch:
        return "".join(_latin1(char) for char in text.getvalue()).encode("latin-1")
    return text.getvalue().encode("utf-8")


def _decimal(value: float | None, *, comma: bool) -> str:
    if value is None:
        return ""
    return str(value).replace(".", ",") if comma else str(value)


def _latin1(char: str) -> str:
    """The character as a latin-1 file can hold it: itself, or without its accents."""
    try:
        char.encode("latin-1")
    except UnicodeEncodeError:
        plain = strip_accents(char)
        return plain if plain.isascii() else "?"
    return char
