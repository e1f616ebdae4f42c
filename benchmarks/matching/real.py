"""The real sets the matcher is measured on, and the measures: shared by `run.py` and the tests.

- `tests/data/real/open-supply-hub-lists/`: real brand lists (name, one-string address,
  country). `osh_intake` reads every file through `imvo.core.intake`; `osh_parsing` counts the
  rows whose address gives a city, postal code or country; `osh_score_histogram` matches each
  list against a registry of all other lists' rows; `osh_labelled` evaluates the matcher on the
  hand-labelled pairs in `labels/osh_pairs.csv` (`osh_candidate_pairs` proposed them).
- `tests/data/real/patstat/`: real organisation names with true identities; `patstat_pairs`
  gives precision and recall of "same organisation" over pairs, through `deduplicate` and
  through `name_key` equality.
"""

from __future__ import annotations

import csv
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from imvo.core.countries import country_code
from imvo.core.intake import map_headers, read_table, validate_rows
from imvo.core.intake.rows import SupplierRow
from imvo.core.matching.engine import Outcome, Thresholds, deduplicate, match_records
from imvo.core.matching.records import FacilityRecord, registry_table
from imvo.core.normalise import name_key

ROOT = Path(__file__).resolve().parents[2]
OSH = ROOT / "tests/data/real/open-supply-hub-lists"
PATSTAT = ROOT / "tests/data/real/patstat"
LABELS = Path(__file__).resolve().parent / "labels/osh_pairs.csv"
DEFAULT_THRESHOLDS = Thresholds()
LABEL_COLUMNS = (
    "list_a",
    "row_a",
    "list_b",
    "row_b",
    "same",
    "note",
    "name_a",
    "address_a",
    "name_b",
    "address_b",
)


@dataclass(frozen=True)
class IntakeFigures:
    files: int
    rows: int
    accepted: int
    rejected: int
    reasons: Counter[str]  # rejection message codes (or messages) and how often


@dataclass(frozen=True)
class OshRow:
    """An accepted row of a list; `row` is its number as a spreadsheet program shows it."""

    list_name: str
    row: int
    name: str
    address: str
    country: str
    latitude: float | None
    longitude: float | None

    @property
    def record_id(self) -> str:
        return f"{self.list_name}:{self.row}"

    def record(self, *, facility: bool) -> FacilityRecord:
        return FacilityRecord(
            record_id=self.record_id,
            facility_id=self.record_id if facility else None,
            country=self.country,
            name=self.name,
            address=self.address,
            latitude=self.latitude,
            longitude=self.longitude,
        )


def _intake(path: Path) -> tuple[int, tuple[SupplierRow, ...], Counter[str]]:
    table = read_table(path.read_bytes(), filename=path.name)
    result = validate_rows(table, map_headers(table.header), country_code=country_code)
    assert result.rows == len(result.accepted) + len(result.rejected_rows)
    reasons: Counter[str] = Counter()
    for number in result.rejected_rows:
        first = next(error for error in result.errors if error.row == number)
        reasons[first.code or first.message] += 1
    return result.rows, result.accepted, reasons


def osh_intake(folder: Path = OSH) -> IntakeFigures:
    """Every file of the folder (CSV, XLS, XLSX) through intake: rows accepted and rejected."""
    files = sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".xls", ".xlsx"))
    rows = accepted = 0
    reasons: Counter[str] = Counter()
    for path in files:
        count, kept, why = _intake(path)
        rows += count
        accepted += len(kept)
        reasons.update(why)
    return IntakeFigures(len(files), rows, accepted, rows - accepted, reasons)


def _coordinates(folder: Path) -> dict[tuple[str, str, str], tuple[float, float]]:
    found: dict[tuple[str, str, str], tuple[float, float]] = {}
    for path in sorted((folder / "geocoded").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line in csv.DictReader(handle):
                try:
                    point = float(line["lat"]), float(line["lng"])
                except (KeyError, ValueError):
                    continue
                found[(path.stem, line["name"].strip(), line["address"].strip())] = point
    return found


def osh_rows(folder: Path = OSH) -> tuple[OshRow, ...]:
    """The accepted rows of the CSV lists, with the coordinates of `geocoded/` where it has them.

    The coordinates are used only to help label pairs; matching reads name, address, country.
    """
    points = _coordinates(folder)
    found: list[OshRow] = []
    for path in sorted(folder.glob("*.csv"), key=lambda p: int(p.stem)):
        _, accepted, _ = _intake(path)
        for row in accepted:
            point = points.get((path.stem, row.name.strip(), row.address.strip()))
            found.append(
                OshRow(
                    list_name=path.stem,
                    row=row.number,
                    name=row.name,
                    address=row.address,
                    country=row.country,
                    latitude=point[0] if point else None,
                    longitude=point[1] if point else None,
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class ParsingFigures:
    rows: int
    city: int
    postal_code: int
    country: int
    province: int


def osh_parsing(rows: Sequence[OshRow]) -> ParsingFigures | None:
    """How many rows' addresses give a city, postal code, country; None without `place_parse`."""
    try:
        from imvo.core.places import place_parse
    except ImportError:
        return None
    places = [place_parse(row.address, row.country) for row in rows]
    return ParsingFigures(
        rows=len(rows),
        city=sum(bool(p.city) for p in places),
        postal_code=sum(bool(p.postal_code) for p in places),
        country=sum(bool(p.country) for p in places),
        province=sum(bool(p.province) for p in places),
    )


def _registry_without(rows: Sequence[OshRow], excluded: str) -> list[FacilityRecord]:
    return [row.record(facility=True) for row in rows if row.list_name != excluded]


@dataclass(frozen=True)
class ScoreFigures:
    rows: int
    decisions: Counter[str]
    histogram: tuple[int, ...]  # best-candidate probability in tenths; rows without one left out
    no_candidate: int
    seconds: float


def osh_score_histogram(rows: Sequence[OshRow]) -> ScoreFigures:
    """Each list matched against a registry of all other lists' rows: best-candidate scores."""
    started = time.perf_counter()
    bins = [0] * 10
    decisions: Counter[str] = Counter()
    none = 0
    for list_name in sorted({row.list_name for row in rows}):
        incoming = [row.record(facility=False) for row in rows if row.list_name == list_name]
        for outcome in match_records(incoming, _registry_without(rows, list_name)):
            decisions[outcome.decision] += 1
            best = _best_probability(outcome)
            if best is None:
                none += 1
            else:
                bins[min(9, int(best * 10))] += 1
    return ScoreFigures(len(rows), decisions, tuple(bins), none, time.perf_counter() - started)


def _best_probability(outcome: Outcome) -> float | None:
    if outcome.probability is not None:
        return outcome.probability
    if outcome.candidates:
        return outcome.candidates[0].probability
    return 1.0 if outcome.method in ("exact", "remembered") else None


def _tokens(text: str) -> set[str]:
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return {word for word in words if len(word) > 2}


_COMMON = frozenset(
    [
        "co",
        "ltd",
        "limited",
        "company",
        "factory",
        "industrial",
        "industry",
        "garment",
        "garments",
        "apparel",
        "textile",
        "textiles",
        "trading",
        "group",
        "international",
        "the",
        "and",
        "of",
        "manufacturing",
        "fashion",
        "knitting",
        "clothing",
        "corp",
        "corporation",
        "inc",
        "pvt",
        "private",
        "llc",
        "srl",
        "bhd",
        "sdn",
        "jsc",
        "industries",
        "ltda",
        "tekstil",
        "san",
        "tic",
        "sti",
        "mexico",
        "vietnam",
        "indonesia",
        "china",
        "shoes",
        "footwear",
        "headwear",
        "sportswear",
        "knit",
        "wear",
    ]
)


def osh_candidate_pairs(rows: Sequence[OshRow], limit: int = 400) -> list[tuple[OshRow, OshRow]]:
    """Pairs across lists worth labelling: same country and a shared rare name token, or close.

    Pairs are ranked by how much of the name they share (so near-duplicates and hard negatives
    both come first), with pairs whose coordinates are within 2 km added.
    """
    by_country: dict[str, list[OshRow]] = defaultdict(list)
    for row in rows:
        by_country[row.country].append(row)
    scored: list[tuple[float, OshRow, OshRow]] = []
    for members in by_country.values():
        token_count: Counter[str] = Counter()
        for row in members:
            token_count.update(_tokens(row.name))
        for a, b in combinations(members, 2):
            if a.list_name == b.list_name:
                continue
            ta, tb = _tokens(a.name) - _COMMON, _tokens(b.name) - _COMMON
            shared = ta & tb
            near = _km(a, b) is not None and (_km(a, b) or 99.0) < 2.0
            if not shared and not near:
                continue
            rarity = sum(1.0 / token_count[t] for t in shared)
            jaccard = len(shared) / len(ta | tb) if ta | tb else 0.0
            scored.append((jaccard + rarity / 4 + (0.3 if near else 0.0), a, b))
    scored.sort(key=lambda item: (-item[0], item[1].record_id, item[2].record_id))
    return [(a, b) for _, a, b in scored[:limit]]


def _km(a: OshRow, b: OshRow) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = (
        math.radians(v) for v in (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Label:
    list_a: str
    row_a: int
    list_b: str
    row_b: int
    same: bool
    note: str


def read_labels(path: Path = LABELS) -> tuple[Label, ...]:
    """The hand-labelled pairs; a malformed line raises ValueError naming it."""
    found: list[Label] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(csv.DictReader(handle), start=2):
            if line["same"] not in ("0", "1"):
                raise ValueError(f"{path.name} line {number}: same must be 0 or 1")
            found.append(
                Label(
                    line["list_a"],
                    int(line["row_a"]),
                    line["list_b"],
                    int(line["row_b"]),
                    line["same"] == "1",
                    line["note"],
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class PairFigures:
    """Precision and recall of automatic matches on labelled pairs (review counted apart)."""

    pairs: int
    same: int
    found: int  # labelled-same pairs matched automatically to the right row
    review: int  # labelled-same pairs sent to review with the right row first
    wrong: int  # automatic matches to a row labelled different (or another row)
    matched: int  # automatic matches made in all
    false_review: int  # labelled-different pairs sent to review with that row first
    seconds: float

    @property
    def precision(self) -> float:
        return self.found / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.same if self.same else 0.0


def osh_labelled(
    rows: Sequence[OshRow],
    labels: Sequence[Label],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> PairFigures:
    """Match row a of each pair against all rows of its country from other lists than a's.

    The registry holds row b among all other rows of that country (row a's own list left out,
    as a list is matched against the rows of others). A labelled-same pair counts as found when
    row a is matched automatically to row b; an automatic match of a labelled-different pair's
    row a to row b counts as wrong, and so does one to any row of a labelled-same pair other
    than b that is not itself b's facility.
    """
    started = time.perf_counter()
    by_id = {row.record_id: row for row in rows}
    queries: dict[str, list[Label]] = defaultdict(list)
    for label in labels:
        queries[f"{label.list_a}:{label.row_a}"].append(label)
    found = review = wrong = matched = false_review = 0
    by_list_country: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record_id in queries:
        row = by_id[record_id]
        by_list_country[(row.list_name, row.country)].append(record_id)
    for (list_name, country), ids in sorted(by_list_country.items()):
        registry = [
            r.record(facility=True)
            for r in rows
            if r.country == country and r.list_name != list_name
        ]
        incoming = [by_id[i].record(facility=False) for i in ids]
        outcomes = match_records(incoming, registry_table(registry), thresholds=thresholds)
        for outcome in outcomes:
            for label in queries[outcome.record_id]:
                target = f"{label.list_b}:{label.row_b}"
                if outcome.decision == "matched":
                    if outcome.facility_id == target:
                        matched += 1
                        if label.same:
                            found += 1
                        else:
                            wrong += 1
                    elif label.same:
                        # matched elsewhere: counts against precision unless that row is
                        # itself labelled the same facility as a
                        matched += 1
                        if not _labelled_same(labels, outcome.record_id, outcome.facility_id):
                            wrong += 1
                        else:
                            found += 1
                elif outcome.decision == "review" and outcome.facility_id == target:
                    if label.same:
                        review += 1
                    else:
                        false_review += 1
    return PairFigures(
        pairs=len(labels),
        same=sum(label.same for label in labels),
        found=found,
        review=review,
        wrong=wrong,
        matched=matched,
        false_review=false_review,
        seconds=time.perf_counter() - started,
    )


def _labelled_same(labels: Iterable[Label], a: str, b: str | None) -> bool:
    return any(
        label.same and {f"{label.list_a}:{label.row_a}", f"{label.list_b}:{label.row_b}"} == {a, b}
        for label in labels
    )


@dataclass(frozen=True)
class PatstatRecord:
    person_id: str
    entity: str
    name: str
    country: str
    latitude: float | None
    longitude: float | None


# Words that tell a Belgian name from a Dutch one (legal forms and common words of each).
_BELGIAN = frozenset(
    [
        "sa",
        "nv/sa",
        "s",
        "a",
        "sprl",
        "bvba",
        "scrl",
        "asbl",
        "universite",
        "universiteit",
        "gent",
        "leuven",
        "bruxelles",
        "brussels",
        "liege",
        "louvain",
        "antwerpen",
        "anvers",
        "solvay",
        "belgium",
        "belgique",
    ]
)


def _country(name: str, latitude: float | None, longitude: float | None) -> str:
    if latitude is not None and longitude is not None:
        # The Belgian-Dutch border runs near 51.3-51.5 N; south of 51.25 is Belgium.
        return "BE" if latitude < 51.25 else "NL"
    words = set(name.lower().replace(".", " ").replace(",", " ").split())
    return "BE" if words & _BELGIAN else "NL"


def patstat_records(folder: Path = PATSTAT) -> tuple[PatstatRecord, ...]:
    """The PATSTAT names with their true entity (leuven_id); country guessed, see `_country`."""
    with (folder / "patstat_reference.csv").open(encoding="utf-8", newline="") as handle:
        entity = {line["person_id"]: line["leuven_id"] for line in csv.DictReader(handle)}
    found: list[PatstatRecord] = []
    with (folder / "patstat_input.csv").open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            lat, lng = float(line["Lat"] or 0), float(line["Lng"] or 0)
            point = (lat, lng) if (lat, lng) != (0.0, 0.0) else (None, None)
            found.append(
                PatstatRecord(
                    person_id=line["person_id"],
                    entity=entity[line["person_id"]],
                    name=line["Name"],
                    country=_country(line["Name"], *point),
                    latitude=point[0],
                    longitude=point[1],
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class PatstatFigures:
    method: str
    true_pairs: int
    predicted: int
    right: int
    review: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.true_pairs if self.true_pairs else 0.0


def _pairs_of(groups: Iterable[Sequence[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}


def _clusters(pairs: Iterable[tuple[str, str]], ids: Sequence[str]) -> list[list[str]]:
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[root(i)].append(i)
    return list(groups.values())


def _truth(records: Sequence[PatstatRecord]) -> set[frozenset[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records:
        groups[(record.country, record.entity)].append(record.person_id)
    return _pairs_of(groups.values())


def patstat_pairs(
    records: Sequence[PatstatRecord],
    method: str = "deduplicate",
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> PatstatFigures:
    """Precision and recall of "same organisation" over pairs within a country.

    `deduplicate`: name-only facilities (no address), merges clustered transitively; review
    pairs are counted apart and not as predicted. `name_key`: equal keys are one organisation.
    """
    started = time.perf_counter()
    truth = _truth(records)
    review = 0
    if method == "name_key":
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for record in records:
            key = name_key(record.name)
            if key:
                groups[(record.country, key)].append(record.person_id)
        predicted = _pairs_of(groups.values())
    elif method == "deduplicate":
        facilities = [
            FacilityRecord(
                record_id=r.person_id,
                facility_id=r.person_id,
                country=r.country,
                name=r.name,
                address="",
                latitude=r.latitude,
                longitude=r.longitude,
            )
            for r in records
        ]
        found = deduplicate(registry_table(facilities), thresholds=thresholds)
        merges = [(p.facility_a, p.facility_b) for p in found if p.decision == "merge"]
        review = sum(p.decision == "review" for p in found)
        by_id = {r.person_id: r for r in records}
        groups_found = _clusters(merges, [r.person_id for r in records])
        predicted = {
            pair for pair in _pairs_of(groups_found) if len({by_id[i].country for i in pair}) == 1
        }
    else:
        raise ValueError(f"unknown method {method!r}: deduplicate or name_key")
    return PatstatFigures(
        method=method,
        true_pairs=len(truth),
        predicted=len(predicted),
        right=len(predicted & truth),
        review=review,
        seconds=time.perf_counter() - started,
    )


def write_candidates(path: Path, pairs: Sequence[tuple[OshRow, OshRow]]) -> None:
    """Write candidate pairs in the labels' format, `same` left empty for a person to fill."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LABEL_COLUMNS)
        for a, b in pairs:
            km = _km(a, b)
            writer.writerow(
                [
                    a.list_name,
                    a.row,
                    b.list_name,
                    b.row,
                    "",
                    "" if km is None else f"{km:.1f} km",
                    a.name,
                    a.address,
                    b.name,
                    b.address,
                ]
            )
