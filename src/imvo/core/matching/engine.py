"""Matching supplier-list rows to registry facilities: remembered, exact, then probabilistic.

Each incoming row ends in one of three ways:

1. **remembered**: the secretariat confirmed earlier that a row with the same normalised
   country, name and address is a given facility (`Decisions.confirmed`);
2. **exact**: exactly one facility has the row's normalised name and address, or its name and
   postal code, or its name within 100 m, in the same country;
3. **model**: the probabilistic model (Splink on DuckDB, or Spark) scores the row against the
   registry facilities that share a blocking key with it in the same country. The best
   candidate is matched when its probability reaches `Thresholds.match` and no other facility
   reaches `Thresholds.review`; a row whose best candidate reaches `Thresholds.review` goes to
   review; any other row is a new facility.

A pair the secretariat rejected (`Decisions.rejected`) is never proposed again, by any pass.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from imvo.core.errors import ImvoError
from imvo.core.matching.model import (
    Dialect,
    MatchModel,
    default_model,
    distance_km_sql,
    token_jaccard_sql,
)
from imvo.core.matching.records import SCHEMA, FacilityRecord, record_key, registry_table

# Pairs scored below this probability are of no use, not even as context on the review screen.
CANDIDATE_FLOOR = 0.01
MAX_CANDIDATES = 5
EXACT_DISTANCE_KM = 0.2
# Below this many records, how often a name occurs says little about how common it is.
TERM_FREQUENCY_MINIMUM = 10_000
# Where a list's rows and the registry of their country make at most this many pairs in all,
# every row is compared with every facility of its country, not only with those that share a
# blocking key: a small registry costs little to search fully, and a typo in the first word of
# a name then no longer hides the facility.
FULL_COMPARISON_PAIRS = 2_000_000
# "Plot 12 Road 7 Tejgaon" and "Plot 12, Road 7, Tejgaon Industrial Area": the words of the
# shorter address that the longer one also has, at least, for one name to be one facility.
ADDRESS_CONTAINED = 0.8
ADDRESS_CONTAINED_WORDS = 3

Backend = Literal["duckdb", "spark"]

# What the model reads of a record; the original values stay out of the matching tables.
_COLUMNS = ", ".join(
    name for name in SCHEMA.names if name not in ("name", "address", "city", "postal_code")
)
# The country of a record where its whole country is compared (see FULL_COMPARISON_PAIRS).
_BLOCK_COLUMN = "NULL::VARCHAR AS country_block"


@dataclass(frozen=True)
class Evidence:
    """How one field of a row compares with a candidate facility, for the review screen."""

    field: str  # "name", "address", "city", "postal_code", "distance"
    level: str  # "exact", "similar", "different", "missing"
    detail: str  # e.g. "jaro-winkler 0.93", "1.2 km"


@dataclass(frozen=True)
class Candidate:
    facility_id: str
    probability: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Outcome:
    record_id: str
    decision: Literal["matched", "review", "new"]
    facility_id: str | None  # the match (matched), the best candidate (review), None (new)
    probability: float | None  # None when no model was needed (remembered, exact)
    method: Literal["exact", "model", "remembered", "none"]
    candidates: tuple[Candidate, ...]  # best first, at most 5, for the review screen


@dataclass(frozen=True)
class Decisions:
    """The secretariat's earlier verdicts.

    `confirmed` maps a row's `record_key` to the facility it is; `rejected` holds the pairs
    (record_key, facility_id) that are not the same. `deduplicate` reads a rejected pair of two
    facility ids, in either order, as "these facilities are not one".
    """

    confirmed: Mapping[str, str] = field(default_factory=dict)
    rejected: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Thresholds:
    match: float = 0.95  # at or above: matched automatically
    review: float = 0.40  # at or above (and below match): review; below: new

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.match <= 1.0:
            raise ImvoError(
                f"thresholds must satisfy 0 < review <= match <= 1, "
                f"not review={self.review} and match={self.match}",
                field="thresholds",
            )


@dataclass(frozen=True)
class DuplicatePair:
    """Two registry facilities that may be one."""

    facility_a: str
    facility_b: str
    probability: float
    decision: Literal["merge", "review"]
    evidence: tuple[Evidence, ...]


Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    pass


# --- tables ---------------------------------------------------------------------------------------


def _as_table(records: pa.Table | Sequence[FacilityRecord]) -> pa.Table:
    if isinstance(records, pa.Table):
        missing = set(SCHEMA.names) - set(records.column_names)
        if missing:
            raise ImvoError(
                f"the registry table lacks the columns {', '.join(sorted(missing))}; "
                "build it with registry_table()"
            )
        return records.select(SCHEMA.names)
    return registry_table(records)


@contextmanager
def _connection() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        yield con
    finally:
        con.close()


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)


# Splink checks a settings dictionary's SQL against the input columns when a Linker is made,
# which costs about a third of a second; the model's settings are the same for every list,
# so each one is checked once per process (by its JSON text) and trusted after that.
_SETTINGS_CHECKED: set[str] = set()


def _linker(frames: Sequence[Any], settings: dict[str, Any]) -> Any:
    from splink import Linker

    key = json.dumps(settings, sort_keys=True, default=str)
    validate = key not in _SETTINGS_CHECKED
    linker = Linker(
        frames if len(frames) > 1 else frames[0],
        settings,
        log_level=None,
        validate_settings=validate,
    )
    _SETTINGS_CHECKED.add(key)
    return linker


def _key_sql(alias: str) -> str:
    return (
        f"{alias}.country || '|' || coalesce({alias}.name_key, '') || '|' || "
        f"coalesce({alias}.address_key, '')"
    )


# --- scoring --------------------------------------------------------------------------------------


def _predict_duckdb(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    settings: dict[str, Any],
) -> str:
    """Score pairs with Splink on `con`; the name of a table (id_l, id_r, probability)."""
    from splink import DuckDBAPI

    _quiet_splink()
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(table, dataset_display_name=table) for table in tables]
    linker = _linker(frames, settings)
    predictions = linker.inference.predict(
        threshold_match_probability=CANDIDATE_FLOOR, warning_mode="never"
    )
    sources = "source_dataset_l, source_dataset_r," if len(tables) > 1 else ""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE scored AS
        SELECT {sources} record_id_l, record_id_r,
               match_probability AS probability, match_weight
        FROM {predictions.physical_name}
        """
    )
    return "scored"


def _predict_spark(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    settings: dict[str, Any],
    spark: Any,
) -> str:
    """Score pairs with Splink on Spark; the pairs come back to `con` as a table."""
    from splink import SparkAPI

    _quiet_splink()
    # persist, not checkpoint: a session needs no checkpoint directory set up for matching
    db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")  # type: ignore[no-untyped-call]
    frames = [
        db_api.register(
            spark.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()),
            dataset_display_name=table,
        )
        for table in tables
    ]
    linker = _linker(frames, settings)
    predictions = linker.inference.predict(
        threshold_match_probability=CANDIDATE_FLOOR, warning_mode="never"
    )
    sources = ["source_dataset_l", "source_dataset_r"] if len(tables) > 1 else []
    scored = (
        predictions.as_spark_dataframe()
        .selectExpr(
            *sources,
            "record_id_l",
            "record_id_r",
            "cast(match_probability as double) as probability",
            "cast(match_weight as double) as match_weight",
        )
        .toArrow()
    )
    con.register("scored_arrow", scored)
    con.execute("CREATE OR REPLACE TABLE scored AS SELECT * FROM scored_arrow")
    return "scored"


def _predict(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[str],
    link_type: Literal["link_only", "dedupe_only"],
    model: MatchModel,
    backend: Backend,
    spark: Any,
) -> str:
    dialect: Dialect = "spark" if backend == "spark" else "duckdb"
    records = sum(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in tables)
    settings = model.settings(
        link_type, dialect, term_frequencies=records >= TERM_FREQUENCY_MINIMUM
    )
    if backend == "spark":
        if spark is None:
            raise ImvoError("the Spark backend needs a SparkSession", field="spark")
        return _predict_spark(con, tables, settings, spark)
    if backend != "duckdb":
        raise ImvoError(f"unknown matching backend {backend!r}", field="backend")
    return _predict_duckdb(con, tables, settings)


# --- evidence -------------------------------------------------------------------------------------


def _pair_columns_sql() -> str:
    """Columns of a pair of records (aliases l and r) from which evidence is read."""
    columns = {
        "name_l": "l.name_key",
        "name_r": "r.name_key",
        "address_l": "l.address_key",
        "address_r": "r.address_key",
        "city_l": "l.city_key",
        "city_r": "r.city_key",
        "postal_l": "l.postal_key",
        "postal_r": "r.postal_key",
        "name_jw": "jaro_winkler_similarity(l.name_key, r.name_key)",
        "name_words": token_jaccard_sql("duckdb", "name_tokens")
        .replace("name_tokens_l", "l.name_tokens")
        .replace("name_tokens_r", "r.name_tokens"),
        "address_jw": "jaro_winkler_similarity(l.address_key, r.address_key)",
        "address_words": token_jaccard_sql("duckdb", "address_tokens")
        .replace("address_tokens_l", "l.address_tokens")
        .replace("address_tokens_r", "r.address_tokens"),
        "city_jw": "jaro_winkler_similarity(l.city_key, r.city_key)",
        "numbers_conflict": _numbers_conflict_sql("l", "r"),
        "distance_km": _distance_sql("l", "r"),
    }
    return ", ".join(f"{sql} AS {name}" for name, sql in columns.items())


def _text_evidence(
    field_name: str,
    left: str | None,
    right: str | None,
    similarity: float | None,
    words: float | None,
    similar_at: float,
) -> Evidence:
    if left is None or right is None:
        return Evidence(field_name, "missing", "not known on both sides")
    detail = f"jaro-winkler {similarity or 0.0:.2f}"
    if words is not None:
        detail += f", {words:.0%} of words shared"
    if left == right:
        return Evidence(field_name, "exact", detail)
    if (similarity or 0.0) >= similar_at or (words or 0.0) >= 0.5:
        return Evidence(field_name, "similar", detail)
    return Evidence(field_name, "different", detail)


def _evidence(row: Mapping[str, Any]) -> tuple[Evidence, ...]:
    postal_l, postal_r = row["postal_l"], row["postal_r"]
    if postal_l is None or postal_r is None:
        postal = Evidence("postal_code", "missing", "not known on both sides")
    elif postal_l == postal_r:
        postal = Evidence("postal_code", "exact", postal_l)
    elif postal_l[:3] == postal_r[:3]:
        postal = Evidence("postal_code", "similar", f"{postal_l} / {postal_r}")
    else:
        postal = Evidence("postal_code", "different", f"{postal_l} / {postal_r}")
    km = row["distance_km"]
    if km is None:
        distance = Evidence("distance", "missing", "coordinates not known on both sides")
    else:
        detail = f"{km * 1000:.0f} m" if km < 1 else f"{km:.1f} km"
        level = "exact" if km <= 0.2 else "similar" if km <= 2 else "different"
        distance = Evidence("distance", level, detail)
    return (
        _text_evidence(
            "name", row["name_l"], row["name_r"], row["name_jw"], row["name_words"], 0.88
        ),
        _text_evidence(
            "address",
            row["address_l"],
            row["address_r"],
            row["address_jw"],
            row["address_words"],
            0.85,
        ),
        _text_evidence("city", row["city_l"], row["city_r"], row["city_jw"], None, 0.85),
        postal,
        distance,
    )


# --- matching a list ------------------------------------------------------------------------------


def _distance_sql(left: str, right: str) -> str:
    return (
        distance_km_sql()
        .replace("latitude_l", f"{left}.latitude")
        .replace("latitude_r", f"{right}.latitude")
        .replace("longitude_l", f"{left}.longitude")
        .replace("longitude_r", f"{right}.longitude")
    )


def _numbers_conflict_sql(left: str, right: str) -> str:
    """Both addresses have house or plot numbers, and none of them is the same."""
    return (
        f"(len({left}.address_numbers) > 0 AND len({right}.address_numbers) > 0 AND "
        f"len(list_intersect({left}.address_numbers, {right}.address_numbers)) = 0)"
    )


def _exact_pairs_sql() -> str:
    """Pairs of a pending row and a registry record that are one facility beyond doubt.

    The names are the same once normalised, in the same country, and the places agree: the
    same address; or the same postal code, or coordinates within 200 m, with addresses that
    still share half their words and no conflicting numbers; or one address the other with
    words left out ("Plot 12 Road 7 Tejgaon" in "Plot 12, Road 7, Tejgaon Industrial Area"),
    every number of the one in the other. None of this depends on how large the registry is.
    """
    distance = _distance_sql("i", "g")
    numbers_conflict = _numbers_conflict_sql("i", "g")
    # Name and postal code, or name and place, only when the addresses still look alike: a
    # company's second site is often in the same postal area.
    address_alike = (
        token_jaccard_sql("duckdb", "address_tokens")
        .replace("address_tokens_l", "i.address_tokens")
        .replace("address_tokens_r", "g.address_tokens")
        + " >= 0.5"
    )
    shorter = "least(len(i.address_tokens), len(g.address_tokens))"
    address_contained = (
        f"({shorter} >= {ADDRESS_CONTAINED_WORDS} AND "
        f"len(list_intersect(i.address_tokens, g.address_tokens)) >= "
        f"{ADDRESS_CONTAINED} * {shorter} AND "
        "(list_has_all(i.address_numbers, g.address_numbers) OR "
        "list_has_all(g.address_numbers, i.address_numbers)))"
    )
    return f"""
        SELECT i.record_id AS incoming_id, g.record_id AS registry_id, g.facility_id
        FROM pending i JOIN registry g
          ON i.country = g.country AND i.name_key = g.name_key
        WHERE i.address_key = g.address_key
           OR ((i.postal_key = g.postal_key OR {distance} <= {EXACT_DISTANCE_KM})
               AND {address_alike} AND NOT {numbers_conflict})
           OR {address_contained}
    """


def _namesakes_sql() -> str:
    """Registry facilities with a pending row's name in its country, at no conflicting number.

    Such a row is never called new without a person looking: it goes to review at least.
    """
    return f"""
        SELECT i.record_id AS incoming_id, g.facility_id,
               arg_min(g.record_id, g.record_id) AS registry_id
        FROM pending i JOIN registry g
          ON i.country = g.country AND i.name_key = g.name_key
        ANTI JOIN rejected x ON x.record_key = i.record_key AND x.facility_id = g.facility_id
        WHERE NOT {_numbers_conflict_sql("i", "g")}
        GROUP BY i.record_id, g.facility_id
    """


def _full_comparison_blocks(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Mark the countries small enough to compare every pair in (`country_block`)."""
    if len(tables) == 2:
        sizes_sql = f"""
            SELECT a.country, a.n * b.n AS pairs
            FROM (SELECT country, count(*) AS n FROM {tables[0]} GROUP BY country) a
            JOIN (SELECT country, count(*) AS n FROM {tables[1]} GROUP BY country) b
              USING (country)
        """
    else:
        sizes_sql = f"""
            SELECT country, count(*) * (count(*) - 1) / 2 AS pairs
            FROM {tables[0]} GROUP BY country
        """
    blocks = con.execute(
        f"""
        SELECT country FROM (
            SELECT country, sum(pairs) OVER (ORDER BY pairs, country) AS running
            FROM ({sizes_sql})
        ) WHERE running <= {FULL_COMPARISON_PAIRS}
        """
    ).fetchall()
    small = [country for (country,) in blocks]
    con.register("small_countries", pa.table({"country": pa.array(small, pa.string())}))
    for table in tables:
        con.execute(
            f"""
            UPDATE {table} SET country_block = country
            WHERE country IN (SELECT country FROM small_countries)
            """
        )
    con.unregister("small_countries")


def match_records(
    incoming: Sequence[FacilityRecord],
    registry: pa.Table | Sequence[FacilityRecord],
    *,
    decisions: Decisions = Decisions(),
    thresholds: Thresholds = Thresholds(),
    model: MatchModel | None = None,
    progress: Progress | None = None,
    backend: Backend = "duckdb",
    spark: Any = None,
) -> tuple[Outcome, ...]:
    """One outcome per incoming record, in the same order: matched, review or new."""
    report = progress or _no_progress
    total = len(incoming)
    report(0, total)
    if not incoming:
        return ()
    ids = [record.record_id for record in incoming]
    if len(set(ids)) != len(ids):
        raise ImvoError("incoming record ids must be unique", field="record_id")
    registry_records = _as_table(registry)
    incoming_records = registry_table(incoming)
    model = model or default_model()
    with _connection() as con:
        con.register("incoming_arrow", incoming_records)
        con.register("registry_arrow", registry_records)
        con.execute(
            f"CREATE TABLE incoming AS SELECT {_COLUMNS}, "
            f"{_key_sql('incoming_arrow')} AS record_key, {_BLOCK_COLUMN} FROM incoming_arrow"
        )
        con.execute(
            f"CREATE TABLE registry AS SELECT {_COLUMNS}, "
            f"{_key_sql('registry_arrow')} AS record_key, {_BLOCK_COLUMN} "
            "FROM registry_arrow WHERE facility_id IS NOT NULL"
        )
        con.register(
            "rejected_arrow",
            pa.table(
                {
                    "record_key": [pair[0] for pair in decisions.rejected],
                    "facility_id": [pair[1] for pair in decisions.rejected],
                },
                schema=pa.schema([("record_key", pa.string()), ("facility_id", pa.string())]),
            ),
        )
        con.execute("CREATE TABLE rejected AS SELECT * FROM rejected_arrow")
        keys: dict[str, str] = dict(
            con.execute("SELECT record_id, record_key FROM incoming").fetchall()
        )

        outcomes: dict[str, Outcome] = {}
        for record_id, key in keys.items():
            facility_id = decisions.confirmed.get(key)
            if facility_id is not None and (key, facility_id) not in decisions.rejected:
                outcomes[record_id] = Outcome(
                    record_id, "matched", facility_id, None, "remembered", ()
                )
        report(len(outcomes), total)

        con.register(
            "decided_arrow", pa.table({"record_id": pa.array(list(outcomes), pa.string())})
        )
        con.execute(
            "CREATE TABLE pending AS SELECT * FROM incoming "
            "WHERE record_id NOT IN (SELECT record_id FROM decided_arrow)"
        )
        # Exact pass: a row whose keys point at exactly one facility.
        con.execute(
            f"""
            CREATE TABLE exact_pairs AS
            SELECT p.* FROM ({_exact_pairs_sql()}) p
            JOIN incoming i ON i.record_id = p.incoming_id
            ANTI JOIN rejected x ON x.record_key = i.record_key AND x.facility_id = p.facility_id
            """
        )
        con.execute(
            """
            CREATE TABLE exact AS
            SELECT incoming_id, min(facility_id) AS facility_id, min(registry_id) AS registry_id
            FROM exact_pairs GROUP BY incoming_id HAVING count(DISTINCT facility_id) = 1
            """
        )
        exact_rows = con.execute(
            f"""
            SELECT e.incoming_id, e.facility_id, {_pair_columns_sql()}
            FROM exact e
            JOIN pending l ON l.record_id = e.incoming_id
            JOIN registry r ON r.record_id = e.registry_id
            """
        ).fetchall()
        names = [column[0] for column in con.description or ()]
        for values in exact_rows:
            row = dict(zip(names, values, strict=True))
            candidate = Candidate(row["facility_id"], 1.0, _evidence(row))
            outcomes[row["incoming_id"]] = Outcome(
                row["incoming_id"], "matched", row["facility_id"], None, "exact", (candidate,)
            )
        report(len(outcomes), total)

        con.execute("DELETE FROM pending WHERE record_id IN (SELECT incoming_id FROM exact)")
        pending = con.execute("SELECT count(*) FROM pending").fetchall()
        registry_size = con.execute("SELECT count(*) FROM registry").fetchall()
        candidates: dict[str, list[Candidate]] = {}
        conflicting: dict[str, set[str]] = {}
        namesakes: dict[str, list[Candidate]] = {}
        if pending[0][0] and registry_size[0][0]:
            _full_comparison_blocks(con, ["pending", "registry"])
            scored = _predict(con, ["pending", "registry"], "link_only", model, backend, spark)
            candidates, conflicting = _link_candidates(con, scored)
            namesakes = _namesakes(con)

    for record_id in ids:
        if record_id in outcomes:
            continue
        outcomes[record_id] = _decide(
            record_id,
            candidates.get(record_id, []),
            thresholds,
            namesakes=namesakes.get(record_id, []),
            conflicting=conflicting.get(record_id, set()),
        )
    report(total, total)
    return tuple(outcomes[record_id] for record_id in ids)


def _namesakes(con: duckdb.DuckDBPyConnection) -> dict[str, list[Candidate]]:
    """Per pending row, the facilities of its name (`_namesakes_sql`), with the evidence."""
    rows = con.execute(
        f"""
        SELECT n.incoming_id, n.facility_id, {_pair_columns_sql()}
        FROM ({_namesakes_sql()}) n
        JOIN pending l ON l.record_id = n.incoming_id
        JOIN registry r ON r.record_id = n.registry_id
        ORDER BY n.incoming_id, n.facility_id
        """
    ).fetchall()
    names = [column[0] for column in con.description or ()]
    found: dict[str, list[Candidate]] = {}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        # the model scored the pair below CANDIDATE_FLOOR, or did not compare it at all
        found.setdefault(row["incoming_id"], []).append(
            Candidate(row["facility_id"], 0.0, _evidence(row))
        )
    return found


def _link_candidates(
    con: duckdb.DuckDBPyConnection, scored: str
) -> tuple[dict[str, list[Candidate]], dict[str, set[str]]]:
    """The best pair per (row, facility), without rejected pairs, best first, at most 5.

    Also, per row, the candidates whose address numbers conflict with the row's while their
    coordinates do not put them within 200 m: a second site of the same name, more often than
    a typo in a number, so never matched without a person looking.
    """
    rows = con.execute(
        f"""
        WITH pairs AS (
            SELECT CASE WHEN source_dataset_l = 'pending' THEN record_id_l ELSE record_id_r END
                       AS incoming_id,
                   CASE WHEN source_dataset_l = 'pending' THEN record_id_r ELSE record_id_l END
                       AS registry_id,
                   probability, match_weight
            FROM {scored}
        ),
        by_facility AS (
            SELECT p.incoming_id, g.facility_id,
                   arg_max(p.registry_id, p.probability) AS registry_id,
                   max(p.probability) AS probability,
                   max(p.match_weight) AS match_weight
            FROM pairs p
            JOIN registry g ON g.record_id = p.registry_id
            JOIN pending i ON i.record_id = p.incoming_id
            ANTI JOIN rejected x
              ON x.record_key = i.record_key AND x.facility_id = g.facility_id
            GROUP BY p.incoming_id, g.facility_id
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY incoming_id ORDER BY probability DESC, facility_id
            ) AS rank
            FROM by_facility
        )
        SELECT k.incoming_id, k.facility_id, k.match_weight, k.rank,
               {_pair_columns_sql()}
        FROM ranked k
        JOIN pending l ON l.record_id = k.incoming_id
        JOIN registry r ON r.record_id = k.registry_id
        WHERE k.rank <= {MAX_CANDIDATES}
        ORDER BY k.incoming_id, k.rank
        """
    ).fetchall()
    names = [column[0] for column in con.description or ()]
    weighed: dict[str, list[tuple[float, str, tuple[Evidence, ...]]]] = {}
    conflicting: dict[str, set[str]] = {}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        weighed.setdefault(row["incoming_id"], []).append(
            (float(row["match_weight"]), row["facility_id"], _evidence(row))
        )
        near = row["distance_km"] is not None and row["distance_km"] <= EXACT_DISTANCE_KM
        if row["numbers_conflict"] and not near:
            conflicting.setdefault(row["incoming_id"], set()).add(row["facility_id"])
    candidates = {
        incoming_id: [
            Candidate(facility_id, probability, evidence)
            for probability, (_, facility_id, evidence) in zip(
                row_probabilities([weight for weight, _, _ in found]), found, strict=True
            )
        ]
        for incoming_id, found in weighed.items()
    }
    return candidates, conflicting


def row_probabilities(match_weights: Sequence[float]) -> list[float]:
    """The chance that a row is each of its candidates, given that it is at most one of them.

    Splink scores each pair on its own: a row next to two units at one address can score
    0.999 against both. A row is one facility at most, so the odds 2^w of its candidates
    compete: P(candidate i) = 2^w_i / (1 + sum of 2^w_j), the 1 standing for "none of them".

    >>> [round(p, 3) for p in row_probabilities([10.0])]
    [0.999]
    >>> [round(p, 3) for p in row_probabilities([30.0, 30.0])]
    [0.5, 0.5]
    """
    if not match_weights:
        return []
    top = max(max(match_weights), 0.0)
    scaled = [2.0 ** (weight - top) for weight in match_weights]
    total = 2.0**-top + sum(scaled)
    return [value / total for value in scaled]


def _decide(
    record_id: str,
    candidates: Sequence[Candidate],
    thresholds: Thresholds,
    *,
    namesakes: Sequence[Candidate] = (),
    conflicting: frozenset[str] | set[str] = frozenset(),
) -> Outcome:
    """Matched, review or new, from the model's candidates of a row.

    Two rules overrule the model's probability, whatever the registry's size: a best candidate
    whose address numbers conflict with the row's is sent to review rather than matched; and a
    row that shares its name with a facility of its country (at no conflicting number) goes to
    review rather than being called new.
    """
    shown = tuple(candidates[:MAX_CANDIDATES])
    best = shown[0] if shown else None
    if best is not None and best.probability >= thresholds.match:
        if best.facility_id in conflicting:
            return Outcome(record_id, "review", best.facility_id, best.probability, "model", shown)
        return Outcome(record_id, "matched", best.facility_id, best.probability, "model", shown)
    if best is not None and best.probability >= thresholds.review:
        return Outcome(record_id, "review", best.facility_id, best.probability, "model", shown)
    if namesakes:
        scored = {candidate.facility_id: candidate for candidate in shown}
        proposed = max(
            (scored.get(n.facility_id, n) for n in namesakes),
            key=lambda candidate: candidate.probability,
        )
        extra = [n for n in namesakes if n.facility_id not in scored]
        listed = sorted((*shown, *extra), key=lambda candidate: -candidate.probability)
        if proposed not in listed[:MAX_CANDIDATES]:
            listed = [*listed[: MAX_CANDIDATES - 1], proposed]
        return Outcome(
            record_id,
            "review",
            proposed.facility_id,
            proposed.probability,
            "model" if shown else "none",
            tuple(listed[:MAX_CANDIDATES]),
        )
    return Outcome(
        record_id,
        "new",
        None,
        None if best is None else best.probability,
        "model" if shown else "none",
        shown,
    )


# --- de-duplicating the registry -----------------------------------------------------------------


def deduplicate(
    registry: pa.Table | Sequence[FacilityRecord],
    *,
    thresholds: Thresholds = Thresholds(),
    model: MatchModel | None = None,
    decisions: Decisions = Decisions(),
    backend: Backend = "duckdb",
    spark: Any = None,
) -> tuple[DuplicatePair, ...]:
    """Pairs of registry facilities that may be one, most likely first.

    A pair at or above `thresholds.match` is proposed for merging, one at or above
    `thresholds.review` for review. A pair rejected before (in either order) is left out.
    """
    records = _as_table(registry)
    model = model or default_model()
    with _connection() as con:
        con.register("registry_arrow", records)
        con.execute(
            f"CREATE TABLE registry AS SELECT {_COLUMNS}, "
            f"{_key_sql('registry_arrow')} AS record_key, {_BLOCK_COLUMN} "
            "FROM registry_arrow WHERE facility_id IS NOT NULL"
        )
        facilities = con.execute("SELECT count(DISTINCT facility_id) FROM registry").fetchall()
        if facilities[0][0] < 2:
            return ()
        _full_comparison_blocks(con, ["registry"])
        scored = _predict(con, ["registry"], "dedupe_only", model, backend, spark)
        rows = con.execute(
            f"""
            WITH pairs AS (
                SELECT least(a.facility_id, b.facility_id) AS facility_a,
                       greatest(a.facility_id, b.facility_id) AS facility_b,
                       s.record_id_l, s.record_id_r, s.probability
                FROM {scored} s
                JOIN registry a ON a.record_id = s.record_id_l
                JOIN registry b ON b.record_id = s.record_id_r
                WHERE a.facility_id <> b.facility_id AND s.probability >= {thresholds.review}
            ),
            best AS (
                SELECT facility_a, facility_b, max(probability) AS probability,
                       arg_max(record_id_l, probability) AS id_l,
                       arg_max(record_id_r, probability) AS id_r
                FROM pairs GROUP BY facility_a, facility_b
            )
            SELECT k.facility_a, k.facility_b, k.probability,
                   {_pair_columns_sql()}
            FROM best k
            JOIN registry l ON l.record_id = k.id_l
            JOIN registry r ON r.record_id = k.id_r
            ORDER BY k.probability DESC, k.facility_a, k.facility_b
            """
        ).fetchall()
        names = [column[0] for column in con.description or ()]
    pairs: list[DuplicatePair] = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        a, b = row["facility_a"], row["facility_b"]
        if (a, b) in decisions.rejected or (b, a) in decisions.rejected:
            continue
        probability = float(row["probability"])
        decision: Literal["merge", "review"] = (
            "merge" if probability >= thresholds.match else "review"
        )
        pairs.append(DuplicatePair(a, b, probability, decision, _evidence(row)))
    return tuple(pairs)


def cluster_new(
    outcomes: Sequence[Outcome],
    incoming: Sequence[FacilityRecord],
    *,
    thresholds: Thresholds = Thresholds(),
    model: MatchModel | None = None,
) -> tuple[tuple[str, ...], ...]:
    """The rows that ended "new", grouped by the facility they are: each row in one group.

    Two new rows are one facility when the model would merge them (`thresholds.match`); the
    groups are closed under that (a row like both of two others joins them). Groups and the
    rows within them keep the order of `incoming`.
    """
    new_ids = {outcome.record_id for outcome in outcomes if outcome.decision == "new"}
    rows = [record for record in incoming if record.record_id in new_ids]
    order = {record.record_id: i for i, record in enumerate(rows)}
    parent = {record.record_id: record.record_id for record in rows}

    def root(record_id: str) -> str:
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]
            record_id = parent[record_id]
        return record_id

    first_with_key: dict[str, str] = {}
    for record in rows:
        key = record_key(record)
        if key in first_with_key:
            parent[record.record_id] = first_with_key[key]
        else:
            first_with_key[key] = record.record_id
    if len(first_with_key) > 1:
        as_facilities = [replace(record, facility_id=record.record_id) for record in rows]
        for pair in deduplicate(as_facilities, thresholds=thresholds, model=model):
            if pair.decision == "merge":
                a, b = root(pair.facility_a), root(pair.facility_b)
                if a != b:
                    parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = {}
    for record in rows:
        groups.setdefault(root(record.record_id), []).append(record.record_id)
    return tuple(tuple(group) for group in groups.values())
