"""``spark://`` records URLs (csperf.ingest.spark): parsed without starting Spark."""

from __future__ import annotations

import pyarrow as pa
import pytest

from csperf.ingest.lake import columns_of
from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.spark import SparkError, SparkTarget, is_spark_url, parse_spark_url, spark_type
from csperf.ingest.store import StoreError, open_store


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("spark://master.example:7077", SparkTarget("spark://master.example:7077")),
        ("spark://local", SparkTarget("local[*]")),
        ("spark://local[2]", SparkTarget("local[2]")),
        ("spark://yarn?read=delta", SparkTarget("yarn", read="delta")),
        (
            "spark://k8s://api.example:443?read=delta&lake=s3a://bucket/csperf/lake",
            SparkTarget("k8s://api.example:443", read="delta", lake="s3a://bucket/csperf/lake"),
        ),
    ],
)
def test_masters_and_parameters(url, target):
    assert is_spark_url(url)
    assert parse_spark_url(url) == target


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("spark://", "name the master"),
        ("spark://h:7077?read=iceberg", "read='iceberg' must be parquet or delta"),
        ("spark://h:7077?lake=/x", "lake= needs read=delta"),
        ("spark://h:7077?reed=delta", "unknown parameter 'reed'"),
    ],
)
def test_mistakes_are_named(url, says):
    with pytest.raises(SparkError, match=says.replace("?", r"\?").replace("[", r"\[")):
        parse_spark_url(url)


def test_other_urls_are_not_spark():
    assert not is_spark_url(None)
    assert not is_spark_url("postgres://u@h/db")
    assert not is_spark_url("duckdb:///x.duckdb")


def test_every_lake_column_has_a_spark_type():
    types = {spark_type(t) for rt in RECORD_TYPES.values() for _, _, t in columns_of(rt)}
    assert {"string", "bigint", "timestamp_ntz", "date", "decimal(18,2)"} <= types
    with pytest.raises(KeyError):
        spark_type(pa.float32())


def test_a_directory_without_a_lake_is_refused_before_spark_starts(tmp_path):
    with pytest.raises(StoreError, match=f"{tmp_path}: no records lake here"):
        open_store(tmp_path, records_url="spark://local[1]")
