"""The probabilistic facility model: its comparisons, its blocking rules and its trained weights.

The model is a Fellegi-Sunter model run by Splink. Its shape (which columns are compared, at
which levels, and which pairs are compared at all) is code, here; its trained weights (the m and
u probability of every level) are data, in `model.json` beside this module, written by
`benchmarks/matching/train.py`. The same shape is written in the SQL of each backend Splink runs
on (DuckDB by default, Spark for registries beyond one machine), and the weights are laid over it,
so both backends score a pair the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from imvo.core.errors import ImvoError

Dialect = Literal["duckdb", "spark"]

# Pairs are only ever compared within one country. Each rule adds the pairs that agree on its
# columns; together they find a facility despite a typo in any one word of its name, a
# different spelling of its name, or missing coordinates.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("country", "name_first", "name_second"),
    ("country", "name_first", "name_last"),
    ("country", "name_second", "name_last"),
    ("country", "address_key"),
    ("country", "postal_key", "name_first"),
    ("country", "geo_cell", "city_key"),
    ("country", "address_number_key", "name_initial"),
    # set by the matcher only where a country's pairs are few enough to compare them all
    ("country", "country_block"),
)

# EM estimates the m probabilities on pairs from these rules; each leaves the comparisons of
# the columns it blocks on to be estimated by the other.
TRAINING_BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("country", "name_key"),
    ("country", "address_key"),
)

_JARO_WINKLER = {"duckdb": "jaro_winkler_similarity", "spark": "jaro_winkler"}
_SIZE = {"duckdb": "len", "spark": "size"}
_INTERSECT = {"duckdb": "list_intersect", "spark": "array_intersect"}


def _union_size(dialect: Dialect, left: str, right: str) -> str:
    if dialect == "spark":
        return f"size(array_union({left}, {right}))"
    return f"len(list_distinct(list_concat({left}, {right})))"


def jaro_winkler_sql(dialect: Dialect, column: str) -> str:
    """Jaro-Winkler similarity of the two sides of `column` in `dialect`."""
    return f"{_JARO_WINKLER[dialect]}({column}_l, {column}_r)"


def token_jaccard_sql(dialect: Dialect, column: str) -> str:
    """Share of the distinct words of either side that both sides have (0 when both are empty)."""
    size, intersect = _SIZE[dialect], _INTERSECT[dialect]
    union = _union_size(dialect, f"{column}_l", f"{column}_r")
    return (
        f"(case when {union} = 0 then 0.0 else "
        f"{size}({intersect}({column}_l, {column}_r)) / ({union} * 1.0) end)"
    )


def word_replaced_sql(dialect: Dialect, column: str) -> str:
    """Each side has a word of its own that resembles none of the other side's own words.

    "Ruposhi Knitwear" and "Rupoxshi Dyeing": the typo in the first word resembles the other
    side's word, but "knitwear" and "dyeing" resemble nothing there: two companies of a group.
    """
    left, right = f"{column}_l", f"{column}_r"
    if dialect == "spark":
        only_l = f"filter({left}, x -> NOT array_contains({right}, x))"
        only_r = f"filter({right}, x -> NOT array_contains({left}, x))"

        def unlike_spark(own: str, other: str) -> str:
            return (
                f"exists({own}, x -> coalesce(array_max(transform({other}, "
                f"y -> jaro_winkler(x, y))), 0.0) < 0.8)"
            )

        return f"{unlike_spark(only_l, only_r)} AND {unlike_spark(only_r, only_l)}"
    only_l = f"list_filter({left}, lambda x: NOT list_contains({right}, x))"
    only_r = f"list_filter({right}, lambda x: NOT list_contains({left}, x))"

    def unlike(own: str, other: str) -> str:
        return (
            f"len(list_filter({own}, lambda x: coalesce(list_max(list_transform({other}, "
            f"lambda y: jaro_winkler_similarity(x, y))), 0.0) < 0.8)) > 0"
        )

    return f"{unlike(only_l, only_r)} AND {unlike(only_r, only_l)}"


def distance_km_sql(prefix_l: str = "", prefix_r: str = "") -> str:
    """Great-circle distance in km between the coordinates of both sides (haversine)."""
    lat_l, lat_r = f"{prefix_l}latitude_l", f"{prefix_r}latitude_r"
    lon_l, lon_r = f"{prefix_l}longitude_l", f"{prefix_r}longitude_r"
    # `least` skips nulls in both dialects, so missing coordinates are caught first.
    return (
        f"(CASE WHEN {lat_l} IS NULL OR {lat_r} IS NULL OR {lon_l} IS NULL OR {lon_r} IS NULL "
        f"THEN NULL ELSE 2 * 6371.0 * asin(sqrt(least(1.0, "
        f"pow(sin(radians({lat_r} - {lat_l}) / 2), 2) + cos(radians({lat_l})) * "
        f"cos(radians({lat_r})) * pow(sin(radians({lon_r} - {lon_l}) / 2), 2)))) END)"
    )


def _level(
    sql: str,
    label: str,
    *,
    null: bool = False,
    tf_column: str | None = None,
) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf_column:
        level["tf_adjustment_column"] = tf_column
        level["tf_adjustment_weight"] = 1.0
    return level


def _null(*columns: str) -> str:
    return " OR ".join(f"{column}_l IS NULL OR {column}_r IS NULL" for column in columns)


def comparisons(dialect: Dialect) -> list[dict[str, Any]]:
    """The comparisons of the model, untrained, in the SQL of `dialect`."""
    size = _SIZE[dialect]

    def jw(column: str) -> str:
        return jaro_winkler_sql(dialect, column)

    def jaccard(column: str) -> str:
        return token_jaccard_sql(dialect, column)

    intersect = _INTERSECT[dialect]
    name = {
        "output_column_name": "name",
        "comparison_description": "facility name (name_key)",
        "comparison_levels": [
            _level(_null("name_key"), "missing", null=True),
            _level("name_key_l = name_key_r", "exact", tf_column="name_key"),
            # "X Garment" and "X Garment Unit 2": another facility of the same company
            _level("name_numbers_l <> name_numbers_r", "numbered differently"),
            # "X Knit" and "X Denim" at one address: sister companies, not a typo
            _level(word_replaced_sql(dialect, "name_tokens"), "a word replaced by another"),
            _level(f"{jw('name_key')} >= 0.95", "jaro-winkler >= 0.95"),
            _level(f"{jaccard('name_tokens')} >= 0.75", "same words >= 75%"),
            _level(f"{jw('name_key')} >= 0.88", "jaro-winkler >= 0.88"),
            _level(f"{jaccard('name_tokens')} >= 0.5", "same words >= 50%"),
            _level("ELSE", "different"),
        ],
    }
    address = {
        "output_column_name": "address",
        "comparison_description": "address (address_key)",
        "comparison_levels": [
            _level(_null("address_key"), "missing", null=True),
            _level("address_key_l = address_key_r", "exact"),
            # "Plot 12" and "Plot 14" on the same road are neighbours, not one facility
            _level(
                f"{size}(address_numbers_l) > 0 AND {size}(address_numbers_r) > 0 AND "
                f"{size}({intersect}(address_numbers_l, address_numbers_r)) = 0",
                "numbers differ",
            ),
            _level(f"{jw('address_key')} >= 0.92", "jaro-winkler >= 0.92"),
            _level(f"{jaccard('address_tokens')} >= 0.7", "same words >= 70%"),
            _level(
                f"{jaccard('address_tokens')} >= 0.45 OR {jw('address_key')} >= 0.8",
                "same words >= 45% or jaro-winkler >= 0.8",
            ),
            _level("ELSE", "different"),
        ],
    }
    city = {
        "output_column_name": "city",
        "comparison_description": "city (folded)",
        "comparison_levels": [
            _level(_null("city_key"), "missing", null=True),
            _level("city_key_l = city_key_r", "exact", tf_column="city_key"),
            _level(f"{jw('city_key')} >= 0.85", "jaro-winkler >= 0.85"),
            _level("ELSE", "different"),
        ],
    }
    postal = {
        "output_column_name": "postal_code",
        "comparison_description": "postal code",
        "comparison_levels": [
            _level(_null("postal_key"), "missing", null=True),
            _level("postal_key_l = postal_key_r", "exact"),
            _level("substr(postal_key_l, 1, 3) = substr(postal_key_r, 1, 3)", "first 3 characters"),
            _level("ELSE", "different"),
        ],
    }
    distance_km = distance_km_sql()
    distance = {
        "output_column_name": "distance",
        "comparison_description": "distance between coordinates",
        "comparison_levels": [
            _level(_null("latitude", "longitude"), "missing", null=True),
            _level(f"{distance_km} <= 0.2", "within 200 m"),
            _level(f"{distance_km} <= 2", "within 2 km"),
            _level(f"{distance_km} <= 20", "within 20 km"),
            _level("ELSE", "farther"),
        ],
    }
    return [name, address, city, postal, distance]


def _rule(columns: tuple[str, ...]) -> dict[str, Any]:
    return {
        "blocking_rule": " AND ".join(f"l.{column} = r.{column}" for column in columns),
    }


def untrained_settings(
    link_type: Literal["link_only", "dedupe_only"], dialect: Dialect
) -> dict[str, Any]:
    """Splink settings of the model without weights, for training."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "record_id",
        "source_dataset_column_name": "source_dataset",
        "comparisons": comparisons(dialect),
        "blocking_rules_to_generate_predictions": [_rule(rule) for rule in BLOCKING_RULES],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": ["facility_id"],
        "probability_two_random_records_match": 1e-6,
    }


@dataclass(frozen=True)
class MatchModel:
    """Trained weights of the facility model, as Splink writes them (JSON)."""

    settings_json: str

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> MatchModel:
        """The model of a trained Splink settings dictionary."""
        return cls(json.dumps(settings, indent=2, sort_keys=True))

    @property
    def probability_two_random_records_match(self) -> float:
        return float(json.loads(self.settings_json)["probability_two_random_records_match"])

    def settings(
        self,
        link_type: Literal["link_only", "dedupe_only"],
        dialect: Dialect,
        *,
        term_frequencies: bool = True,
    ) -> dict[str, Any]:
        """Splink settings for `link_type` in `dialect` with this model's weights.

        Without `term_frequencies` an exact name or city weighs the same whatever the name:
        counted in a few hundred records, every name looks common.
        """
        trained = json.loads(self.settings_json)
        settings = untrained_settings(link_type, dialect)
        settings["probability_two_random_records_match"] = trained[
            "probability_two_random_records_match"
        ]
        trained_comparisons = {
            comparison["output_column_name"]: comparison for comparison in trained["comparisons"]
        }
        for comparison in settings["comparisons"]:
            trained_comparison = trained_comparisons.get(comparison["output_column_name"])
            if trained_comparison is None:
                raise ImvoError(
                    f"the matching model has no weights for {comparison['output_column_name']}"
                )
            trained_levels = {
                level["label_for_charts"]: level
                for level in trained_comparison["comparison_levels"]
            }
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                trained_level = trained_levels.get(level["label_for_charts"])
                if trained_level is None or "m_probability" not in trained_level:
                    raise ImvoError(
                        f"the matching model has no weights for "
                        f"{comparison['output_column_name']}: {level['label_for_charts']}; "
                        "retrain it with benchmarks/matching/train.py"
                    )
                level["m_probability"] = trained_level["m_probability"]
                level["u_probability"] = trained_level["u_probability"]
                if not term_frequencies:
                    level.pop("tf_adjustment_column", None)
                    level.pop("tf_adjustment_weight", None)
        return settings


@cache
def default_model() -> MatchModel:
    """The shipped model, trained on the benchmark's synthetic data."""
    text = resources.files("imvo.core.matching").joinpath("model.json").read_text("utf-8")
    return MatchModel(text)
