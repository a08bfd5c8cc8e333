"""The indicator library on Apache Spark gives the DuckDB results (issue 15, item 4).

Spark reads each lake table's current Parquet files (the list the Delta log gives: Spark's Delta
connector is a jar from Maven, which CI cannot reach) through ``CSPERF_RECORDS_URL=spark://…``
(csperf.ingest.spark). Runs whenever Java is on PATH (``.ci/run`` installs Debian's headless
JRE); one local SparkSession per module: one core, small memory, no UI, quiet logs, offline.
"""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path

import pytest

from csperf.ingest.demo import generate_demo
from csperf.ingest.store import open_store
from csperf.metrics import LEVELS, Engine
from csperf.metrics.indicators import LIB
from tests.metrics.conftest import load_into, write_files
from tests.metrics.test_portability import PARAM_VARIANTS

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = [
    pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning"),
    # PySpark 4.0's toPandas() passes pandas 3 a deprecated `copy=` keyword; not ours to fix
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java on PATH (Spark needs one)"),
]

URL = "spark://local[1]"
# Indicators that cannot run on Spark, each with the reason; they are left out of the
# comparison and checked below as strict xfails (one that starts to pass must leave the list).
# Empty: every indicator of the library gives the DuckDB result on Spark 4.0.
SPARK_GAPS: dict[str, str] = {}

# a short-lived driver: C1 JIT only and serial GC (half the CPU of the defaults for these
# small queries), one shuffle partition, no adaptive replanning or whole-stage codegen
CONF = {
    "spark.driver.memory": "512m",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
}
LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    pytest.importorskip("pyspark", reason="pyspark is in the test extra: pip install -e '.[test]'")
    from csperf.ingest.spark import start_session

    # py4j logs at INFO while the interpreter exits, after pytest closed the stream
    logging.getLogger("py4j").setLevel(logging.WARNING)

    conf_dir = tmp_path_factory.mktemp("spark-conf")  # no spark-defaults.conf: nothing fetched
    (conf_dir / "log4j2.properties").write_text(LOG4J, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPARK_CONF_DIR", str(conf_dir))
        mp.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        mp.delenv("PYSPARK_SUBMIT_ARGS", raising=False)
        # the warehouse directory Spark creates by default is ./spark-warehouse
        session = start_session(
            "local[1]", {**CONF, "spark.sql.warehouse.dir": str(conf_dir / "warehouse")}
        )
    yield session
    session.stop()


def _codes() -> list[str]:
    return [c for c, i in LIB.items() if i.available and c not in SPARK_GAPS]


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b and type(a) is type(b)


def _diff(duck: list[dict], spark: list[dict]) -> list[str]:
    """Every cell that differs, as 'subject code: duckdb != spark'."""
    if [r["subject"] for r in duck] != [r["subject"] for r in spark]:
        return [f"subjects {[r['subject'] for r in duck]} != {[r['subject'] for r in spark]}"]
    out = []
    for a, b in zip(duck, spark, strict=True):
        out += [
            f"{a['subject']} {k}: {a[k]!r} != {b.get(k)!r}" for k in a if not _same(a[k], b.get(k))
        ]
    return out


def _engines(data: Path) -> tuple[Engine, Engine]:
    duck = Engine(open_store(data))
    spark_store = open_store(data, records_url=URL)
    assert spark_store.kind == "pyspark"
    return duck, Engine(spark_store)


@pytest.fixture(scope="module")
def demo(spark, tmp_path_factory):
    data = tmp_path_factory.mktemp("spark-demo")
    with open_store(data) as store:
        generate_demo(store, agents=24, months=1, seed=7, until="2026-03", replace=True)
    duck, on_spark = _engines(data)
    yield duck, on_spark
    duck.close()
    on_spark.close()


@pytest.fixture(scope="module")
def hand_written(spark, tmp_path_factory):
    data = tmp_path_factory.mktemp("spark-hand")
    with open_store(data) as store:
        load_into(store, write_files(tmp_path_factory.mktemp("spark-files")))
    duck, on_spark = _engines(data)
    yield duck, on_spark
    duck.close()
    on_spark.close()


@pytest.mark.parametrize("level", LEVELS)
def test_demo_month_every_indicator_every_level(demo, level):
    duck, on_spark = demo
    codes = _codes()
    a = duck.compute("2026-03", level, codes)
    b = on_spark.compute("2026-03", level, codes)
    assert a, level
    assert _diff(a, b) == [], level


def test_hand_written_edge_cases_with_parameters(hand_written):
    """Empty cells, calls without an agent (by their queue's team), the non-default parameters
    of the PostgreSQL test; the employee level of these records is read by the explain test."""
    duck, on_spark = hand_written
    assert on_spark.store.count("calls") == duck.store.count("calls") == 16
    params = PARAM_VARIANTS[1]
    a = duck.compute("2026-03", "team", _codes(), params)
    assert a
    assert _diff(a, on_spark.compute("2026-03", "team", _codes(), params)) == []


def test_explain_reads_the_same_records(hand_written):
    duck, on_spark = hand_written
    for code, subject in [("asa", "A1"), ("first_contact_resolution", "D1"), ("csat_mean", "A2")]:
        a = duck.explain(code, subject, "2026-03")
        assert a["parts"] and any(p["records"] for p in a["parts"]), code
        assert a == on_spark.explain(code, subject, "2026-03"), (code, subject)


@pytest.mark.parametrize(
    "code",
    [pytest.param(c, marks=pytest.mark.xfail(reason=r, strict=True)) for c, r in SPARK_GAPS.items()]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no indicator is known not to run"))],
)
def test_known_gap(demo, code):
    duck, on_spark = demo
    assert code in LIB, code
    a = duck.compute("2026-03", "employee", [code])
    b = on_spark.compute("2026-03", "employee", [code])
    assert _diff(a, b) == []


def test_delta_reading_without_the_connector_is_named(hand_written):
    """``read=delta`` needs Spark's Delta connector (a Maven jar this session does not have)."""
    from csperf.ingest.store import StoreError

    duck, _ = hand_written
    data = duck.store.lake.root.parent
    with pytest.raises(StoreError, match=r"lake/\w+: Spark cannot read the Delta table: .*delta"):
        open_store(data, records_url=f"{URL}?read=delta")
