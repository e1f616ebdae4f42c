"""The same model on Apache Spark: a local session scores pairs as DuckDB does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from imvo.core.matching import match_records
from imvo.core.matching.synthetic import synthetic_data

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None, reason="Spark needs Java (.ci/run installs it)"
    ),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from splink.backends.spark import similarity_jar_location

    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("imvo-matching-test")
        .config("spark.jars", similarity_jar_location())  # shipped inside splink, no download
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_backend_decides_as_duckdb_does(spark: Any) -> None:
    data = synthetic_data(400, 60, seed=21)
    on_duckdb = match_records(data.incoming, data.registry)
    on_spark = match_records(data.incoming, data.registry, backend="spark", spark=spark)
    assert [(o.decision, o.facility_id, o.method) for o in on_spark] == [
        (o.decision, o.facility_id, o.method) for o in on_duckdb
    ]
    # Spark's Jaro-Winkler (splink's Scala UDF) and DuckDB's differ in the last digits, which
    # can put a pair on the other side of a level threshold: close, not identical.
    for spark_outcome, duckdb_outcome in zip(on_spark, on_duckdb, strict=True):
        if spark_outcome.method == "model" and spark_outcome.probability is not None:
            assert spark_outcome.probability == pytest.approx(duckdb_outcome.probability, abs=0.01)
    assert sum(o.method == "model" for o in on_spark) > 0
