"""Computing on Apache Spark: the records lake read by a SparkSession, through Ibis's PySpark
backend, so that the indicator library runs unchanged on a cluster (docs/spark.md).

``CSPERF_RECORDS_URL`` (or ``records_url=``) selects it:

    spark://HOST:7077            a standalone cluster's master
    spark://local[4]             Spark inside this process (``spark://local`` = every core)
    spark://yarn, spark://k8s://HOST:443   the other cluster managers

with optional query parameters ``?read=parquet`` (default: each table's current Parquet files,
the list the Delta log gives; no connector needed) or ``?read=delta`` (Spark's Delta connector
reads the tables itself; the session must have it, e.g. from spark-defaults.conf). The lake is
the data directory's (``--data``/``$CSPERF_DATA``); every executor must see it at the same path
(a shared filesystem), or give ``&lake=hdfs://…`` / ``s3a://…`` with ``read=delta``.
Spark only reads: imports go to the lake through the embedded store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import pyarrow as pa

from csperf.ingest.lake import IMPORTS, IMPORTS_COLUMNS, LAKE_DIR, Lake, LakeError, columns_of
from csperf.ingest.schema import RECORD_TYPES

SCHEME = "spark://"
READS = ("parquet", "delta")
DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",  # records hold wall-clock times: never shift them
}


class SparkError(Exception):
    """Spark cannot be started or cannot read the lake."""


@dataclass(frozen=True)
class SparkTarget:
    """A parsed ``spark://`` records URL."""

    master: str
    read: str = "parquet"
    lake: str | None = None  # where Spark loads the Delta tables from (read=delta)


def is_spark_url(url: str | None) -> bool:
    return bool(url) and url.startswith(SCHEME)


def parse_spark_url(url: str) -> SparkTarget:
    rest, _, query = url[len(SCHEME) :].partition("?")
    if not rest:
        raise SparkError(f"{url}: name the master, e.g. spark://HOST:7077 or spark://local[2]")
    if rest.startswith(("local", "yarn", "k8s://")):
        master = "local[*]" if rest == "local" else rest
    else:
        master = SCHEME + rest
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(params) - {"read", "lake"}
    if unknown:
        raise SparkError(f"{url}: unknown parameter {sorted(unknown)[0]!r} (read=, lake=)")
    read = params.get("read", "parquet")
    if read not in READS:
        raise SparkError(f"{url}: read={read!r} must be parquet or delta")
    lake = params.get("lake") or None
    if lake and read != "delta":
        raise SparkError(f"{url}: lake= needs read=delta (the file list is read locally)")
    return SparkTarget(master=master, read=read, lake=lake)


def spark_type(t: pa.DataType) -> str:
    """The Spark SQL type of a lake column (its Arrow type)."""
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "timestamp_ntz"  # wall-clock times, as DuckDB's TIMESTAMP
    return {
        pa.string(): "string",
        pa.int64(): "bigint",
        pa.bool_(): "boolean",
        pa.date32(): "date",
    }[t]


def start_session(master: str, conf: dict[str, str] | None = None):
    """A SparkSession on ``master`` (the running one when there is one) with ``conf`` on top of
    :data:`DEFAULT_CONF`; spark-defaults.conf still applies (connector jars, memory)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError(
            "pyspark is not installed: pip install 'ibis-framework[pyspark]'"
        ) from None
    builder = SparkSession.builder.master(master).appName("csperf")
    for k, v in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(k, v)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, an unreachable master
        raise SparkError(f"cannot start Spark on {master}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    """The first line of a (Java) error: its stack trace is no message for a person."""
    java = getattr(exc, "java_exception", None)  # py4j's own first line names no cause
    text = str(java.toString() if java is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _columns(name: str) -> list[tuple[str, str, pa.DataType]]:
    return list(IMPORTS_COLUMNS) if name == IMPORTS else columns_of(RECORD_TYPES[name])


def _ddl(cols: list[tuple[str, str, pa.DataType]]) -> str:
    return ", ".join(f"`{n}` {spark_type(t)}" for n, _, t in cols)


def _frame(session, lake: Lake, name: str, target: SparkTarget):
    """The DataFrame of lake table ``name`` with exactly the csperf columns (a column the files
    lack, written by an older csperf, reads as NULL); ``_month`` lives in the directory names
    and is not one of them."""
    from pyspark.sql import functions as F

    cols = _columns(name)
    if target.read == "delta":
        where = f"{target.lake.rstrip('/')}/{name}" if target.lake else str(lake.path(name))
        try:
            df = session.read.format("delta").load(where)
        except Exception as exc:  # no connector in the session, no table there
            raise SparkError(
                f"{where}: Spark cannot read the Delta table: {_first_line(exc)}"
            ) from None
        have = set(df.columns)
    else:
        try:
            files, have, _ = lake.snapshot(name)
        except LakeError as exc:
            raise SparkError(str(exc)) from None
        if not files:  # no table yet: an empty frame of the right shape
            return session.createDataFrame([], _ddl(cols))
        # explicit files and schema: no partition discovery (so no `_month` column) and no
        # job to infer the schema from the footers
        df = session.read.schema(_ddl([c for c in cols if c[0] in have])).parquet(*files)
    return df.select(
        *[
            (F.col(f"`{n}`") if n in have else F.lit(None)).cast(spark_type(t)).alias(n)
            for n, _, t in cols
        ]
    )


def register_lake(session, lake: Lake, target: SparkTarget) -> list[str]:
    """A temporary view per lake table (every record type and the import log); returns the
    view names. Views over Parquet files read the tables' versions as of this call."""
    names = [*RECORD_TYPES, IMPORTS]
    for name in names:
        _frame(session, lake, name, target).createOrReplaceTempView(name)
    return names


def connect(url: str, data_dir: Path, conf: dict[str, str] | None = None):
    """An Ibis PySpark backend with a view per lake table of ``data_dir``."""
    import ibis

    target = parse_spark_url(url)
    lake = Lake(data_dir / LAKE_DIR)
    if target.lake is None and not lake.has_records():
        raise SparkError(f"{data_dir}: no records lake here (set --data or CSPERF_DATA)")
    # a session of its own (sharing the SparkContext): another store's views stay apart
    session = start_session(target.master, conf).newSession()
    register_lake(session, lake, target)
    return ibis.pyspark.connect(session)
