"""Train the facility matching model on synthetic data and write it into the package.

    .venv/bin/python benchmarks/matching/train.py [--facilities 200000] [--rows 20000] [--seed 7]

The u probabilities (how often unrelated facilities agree by chance) come from random sampling
of pairs; the m probabilities (how often the same facility agrees) from the synthetic ground
truth (`--m-from labels`, the default) or, without it, from expectation maximisation over the
pairs of a few blocking rules, each of which leaves the columns it blocks on to the others
(`--m-from em`). The training seed (7) is kept apart from the benchmark's evaluation seed
(2017). The prior (the chance that two random records are one facility) is set for a
registry of `--prior-registry` facilities, so the shipped thresholds mean the same evidence
whatever the size of the registry. The trained settings go to
`src/imvo/core/matching/model.json`, which `default_model()` loads.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from imvo.core.matching.model import (
    TRAINING_BLOCKING_RULES,
    untrained_settings,
)
from imvo.core.matching.records import registry_table
from imvo.core.matching.synthetic import synthetic_data

M_FLOOR = 1e-4
# "X Garment Unit 2" is not "X Garment", and "X Knit" is not "X Denim": a different unit
# number, or a word of the name replaced by an unlike one, outweighs any agreement of place
# (same address, same postal code, 50 m apart), because neighbours share exactly that. Such
# levels get m near zero: a veto written as a weight, visible in the model.
VETOES = {("name", "numbered differently"), ("name", "a word replaced by another")}
VETO_M = 1e-30
U_FLOOR = 1e-7
MODEL_PATH = Path(__file__).resolve().parents[2] / "src/imvo/core/matching/model.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7, help="another seed than the benchmark's")
    parser.add_argument("--max-pairs", type=float, default=2e7, help="pairs sampled for u")
    parser.add_argument(
        "--prior-registry",
        type=int,
        default=1_000_000,
        help="registry size the prior is set for",
    )
    parser.add_argument(
        "--m-from",
        choices=("labels", "em"),
        default="labels",
        help="m from the synthetic ground truth, or by expectation maximisation",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()

    from splink import DuckDBAPI, Linker, block_on

    started = time.perf_counter()
    data = synthetic_data(args.facilities, args.rows, seed=args.seed)
    registry = registry_table(data.registry)
    incoming = registry_table(data.incoming)
    print(
        f"generated {registry.num_rows} registry records and {incoming.num_rows} rows "
        f"in {time.perf_counter() - started:.0f} s"
    )

    con = duckdb.connect()
    con.register("registry_arrow", registry)
    con.register("incoming_arrow", incoming)
    con.register(
        "truth_arrow",
        pa.table({"record_id": list(data.truth), "truth": list(data.truth.values())}),
    )
    con.execute(
        "CREATE TABLE registry AS SELECT *, facility_id AS truth, "
        "NULL::VARCHAR AS country_block FROM registry_arrow"
    )
    con.execute(
        "CREATE TABLE pending AS SELECT i.*, t.truth, NULL::VARCHAR AS country_block "
        "FROM incoming_arrow i "
        "JOIN truth_arrow t USING (record_id)"
    )
    db_api = DuckDBAPI(connection=con)
    frames = [
        db_api.register("pending", dataset_display_name="pending"),
        db_api.register("registry", dataset_display_name="registry"),
    ]
    settings = untrained_settings("link_only", "duckdb")
    linker = Linker(frames, settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.max_pairs, seed=args.seed)
    if args.m_from == "em":
        for rule in TRAINING_BLOCKING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), estimate_without_term_frequencies=True
            )
    else:
        linker.training.estimate_m_from_label_column("truth")
    trained = linker.misc.save_model_to_json()
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            # A level never seen among true matches gets a strong but finite penalty.
            level["m_probability"] = max(level.get("m_probability") or 0.0, M_FLOOR)
            level["u_probability"] = max(level.get("u_probability") or 0.0, U_FLOOR)
            if (comparison["output_column_name"], level["label_for_charts"]) in VETOES:
                level["m_probability"] = VETO_M
    # Each row of a list is at most one registry facility, and most rows are one.
    trained["probability_two_random_records_match"] = 0.85 / args.prior_registry
    for key in ("linker_uid",):
        trained.pop(key, None)
    args.out.write_text(json.dumps(trained, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    for comparison in trained["comparisons"]:
        print(comparison["output_column_name"])
        for level in comparison["comparison_levels"]:
            if "m_probability" in level:
                print(
                    f"    {level['label_for_charts']:<42} m={level['m_probability']:.4f} "
                    f"u={level['u_probability']:.6f}"
                )


if __name__ == "__main__":
    main()
