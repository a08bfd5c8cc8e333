"""Quality indicators against the numbers of the source documents (schemes.md §3.3, §3.10, §3.11).

Its own small centre, March 2026 (the rows are generated, the expected values are worked out by
hand in the comments):

- 质检员 QA and QB (§3.3 呼叫中心质检员月度绩效考核表, examples A and B): "管控质检成绩(平均) ≥80分,
  质检吻合度 ≥95%, 月度个人拨测量 ≥200, 月度个人质检量 ≥500", with the example figures 83 / 0.96 /
  210 / 480 (A) and 79.9 / 0.95 / 200 / 520 (B);
- 第三方 and 集团 拨测 by dimension (§3.3 example A: 8.7 / 8.6 / 8.4 / 8.9 and 9.1 / 8.8, 10-point);
- 坐席 SA, SB, SC inspected by Q3, 20–30 records each (§3.10 "话务质检员提取每名坐席员20-30条当月通话记录",
  example: 0, 2 and 1 不合格);
- 电话经理 L1 and L2 and their 组员 (§3.11 "每人每月录音监听10条 … 有问题录音占40%以上", examples A
  9.5 / 0.45 and B 10 / 0.39).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store
from csperf.metrics import Engine

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

TESTED = {
    "qc_score_mean",
    "qc_count",
    "qc_consistency",
    "qc_unqualified_count",
    "test_call_score_mean",
    "test_call_count",
    "recordings_per_member",
    "problem_recording_share",
}

M = "2026-03"

ROSTER_HEAD = "id,name,team,department,position,supervisor,hired_at,left_at"
QC_HEAD = (
    "review_id,agent_id,inspector_id,reviewed_at,score,max_score,fatal,recheck_score,"
    "kind,origin,dimension"
)


def _roster() -> list[str]:
    rows = [
        "QA,质检员甲,QC,CC,质检员,,2024-01-01,",
        "QB,质检员乙,QC,CC,质检员,,2024-01-01,",
        "Q3,话务质检员,QC,CC,质检员,,2024-01-01,",
        "A1,坐席甲,T1,CC,坐席,,2024-01-01,",
        "A2,坐席乙,T1,CC,坐席,,2024-01-01,",
        "SA,坐席A,T2,CC,坐席,,2024-01-01,",
        "SB,坐席B,T2,CC,坐席,,2024-01-01,",
        "SC,坐席C,T2,CC,坐席,,2024-01-01,",
        "L1,电话经理一,G1,CC,电话经理,,2020-01-01,",
        "L2,电话经理二,G2,CC,电话经理,,2020-01-01,",
    ]
    # L1's 组员: M101–M139, and M140 who left on 2026-03-10 (on the roster part of March: counted);
    # M199 left in February and M198 starts in April: not members in March → 40 members
    rows += [f"M{i},组员{i},G1,CC,客户经理,L1,2024-01-01," for i in range(101, 140)]
    rows += [
        "M140,组员140,G1,CC,客户经理,L1,2024-01-01,2026-03-10",
        "M199,组员199,G1,CC,客户经理,L1,2024-01-01,2026-02-20",
        "M198,组员198,G1,CC,客户经理,L1,2026-04-01,",
    ]
    rows += [f"M{i},组员{i},G2,CC,客户经理,L2,2024-01-01," for i in range(201, 211)]  # 10
    return rows


class _Reviews:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def add(
        self,
        n: int,
        *,
        agents: list[str],
        inspector: str,
        score: str,
        max_score: str = "100",
        fatal: int = 0,
        recheck: str = "",
        kind: str = "review",
        origin: str = "",
        dimension: str = "",
        at: str | None = None,
    ) -> None:
        for i in range(n):
            k = len(self.rows)
            when = at or f"2026-03-{2 + k % 27:02d} {9 + k % 9:02d}:{k % 60:02d}:00"
            self.rows.append(
                f"R{k},{agents[i % len(agents)]},{inspector},{when},{score},{max_score},{fatal},"
                f"{recheck},{kind},{origin},{dimension}"
            )


def _qc_rows() -> list[str]:
    r = _Reviews()
    agents = ["A1", "A2"]
    # QA, §3.3 example A: 480 reviews (质检量 480 < 500), 百分制 scores averaging 83:
    #   240 × 90/100, 120 × 38/50 (= 76), 20 × 76/100,
    #   48 × 81 rechecked 76 (|5| = 5% of 100: within the tolerance, inclusive),
    #   48 × 75 rechecked 76, 4 × 70 rechecked 76 (|6| > 5: outside)
    # mean = (240×90 + 120×76 + 20×76 + 100×76) / 480 = 39840 / 480 = 83
    # consistency = 96 within of 100 rechecked = 0.96
    r.add(240, agents=agents, inspector="QA", score="90")
    r.add(120, agents=agents, inspector="QA", score="38", max_score="50")
    r.add(20, agents=agents, inspector="QA", score="76")
    r.add(48, agents=agents, inspector="QA", score="81", recheck="76")
    r.add(48, agents=agents, inspector="QA", score="75", recheck="76")
    r.add(4, agents=agents, inspector="QA", score="70", recheck="76")
    # outside March by one second either way
    r.add(1, agents=agents, inspector="QA", score="0", at="2026-02-28 23:59:59")
    r.add(1, agents=agents, inspector="QA", score="0", at="2026-04-01 00:00:00")
    # QA's own (internal, 个人) test calls: 210 (§3.3 example A 拨测量 210)
    r.add(210, agents=agents, inspector="QA", score="9", max_score="10", kind="test_call")
    # QB, §3.3 example B: 520 reviews averaging 79.9, consistency 19/20 = 0.95:
    #   500 × 80, 19 × 78 rechecked 77 (within), 1 × 70 rechecked 85 (outside)
    #   mean = (40000 + 19×77 + 85) / 520 = 41548 / 520 = 79.9
    r.add(500, agents=agents, inspector="QB", score="80")
    r.add(19, agents=agents, inspector="QB", score="78", recheck="77")
    r.add(1, agents=agents, inspector="QB", score="70", recheck="85")
    r.add(200, agents=agents, inspector="QB", score="9.5", max_score="10", kind="test_call")
    # 第三方 test calls (entered by QA: not QA's own test calls) and 集团 ones, 10-point, by
    # dimension — §3.3 example A: 沟通 8.7, 服务 8.6, 在线 8.4, 营销 8.9; 集团 在线 9.1, 营销 8.8
    tp = {"kind": "test_call", "max_score": "10", "inspector": "QA", "origin": "第三方"}
    r.add(1, agents=["A1"], score="8.6", dimension="沟通能力", **tp)
    r.add(1, agents=["A2"], score="8.8", dimension="communication", **tp)
    r.add(1, agents=["A1"], score="8.6", dimension="服务意识", **tp)
    r.add(1, agents=["A2"], score="8.4", dimension="在线处理能力", **tp)
    r.add(1, agents=["A1"], score="9.0", dimension="营销能力", **tp)
    r.add(1, agents=["A2"], score="8.8", dimension="marketing", **tp)
    grp = {"kind": "test_call", "max_score": "10", "inspector": "", "origin": "集团"}
    r.add(1, agents=["A1"], score="9.0", dimension="online", **grp)
    r.add(1, agents=["A2"], score="9.2", dimension="online", **grp)
    r.add(1, agents=["A1"], score="8.8", dimension="marketing", **grp)
    # §3.10 话务质检 by Q3, pass line 60 of 100 [choice]:
    #   SA 20 records: 17 × 90, one exactly 60 (passes), one 55 rechecked 65 (passes), one 100 → 0
    r.add(17, agents=["SA"], inspector="Q3", score="90")
    r.add(1, agents=["SA"], inspector="Q3", score="60")
    r.add(1, agents=["SA"], inspector="Q3", score="55", recheck="65")
    r.add(1, agents=["SA"], inspector="Q3", score="100")
    #   SB 25 records: 23 × 85, one fatal at 95, one 59.5 → 2
    r.add(23, agents=["SB"], inspector="Q3", score="85")
    r.add(1, agents=["SB"], inspector="Q3", score="95", fatal=1)
    r.add(1, agents=["SB"], inspector="Q3", score="59.5")
    #   SC 30 records: 28 × 88, 29 of 50 (= 58: fails), 30 of 50 (= 60: passes) → 1
    r.add(28, agents=["SC"], inspector="Q3", score="88")
    r.add(1, agents=["SC"], inspector="Q3", score="29", max_score="50")
    r.add(1, agents=["SC"], inspector="Q3", score="30", max_score="50")
    # §3.11 录音监听 by L1 (example A): 380 recordings of 40 members = 9.5 each;
    # problems (fatal or final below the max): 150 × 90, 20 fatal at 100, 1 × 100 rechecked 95
    # = 171; no problem: 200 × 100 and 9 × 90 rechecked 100 → 171 / 380 = 0.45
    members1 = [f"M{i}" for i in range(101, 141)]
    r.add(150, agents=members1, inspector="L1", score="90")
    r.add(20, agents=members1, inspector="L1", score="100", fatal=1)
    r.add(1, agents=members1, inspector="L1", score="100", recheck="95")
    r.add(200, agents=members1, inspector="L1", score="100")
    r.add(9, agents=members1, inspector="L1", score="90", recheck="100")
    # L2 (example B): 100 recordings of 10 members = 10 each; 39 × 95 with a problem → 0.39
    members2 = [f"M{i}" for i in range(201, 211)]
    r.add(39, agents=members2, inspector="L2", score="95")
    r.add(61, agents=members2, inspector="L2", score="100")
    return r.rows


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    d = tmp_path_factory.mktemp("source_qc")
    (d / "employees.csv").write_text("\n".join([ROSTER_HEAD, *_roster()]) + "\n", "utf-8")
    (d / "qc.csv").write_text("\n".join([QC_HEAD, *_qc_rows()]) + "\n", "utf-8")
    store = open_store(d / "data")
    import_file("employees", d / "employees.csv", store=store)
    import_file("qc_reviews", d / "qc.csv", store=store)
    store.close()
    e = Engine.open(d / "data")
    yield e
    e.close()


def value(eng, code, subject, params=None, level="employee", period=M):
    rows = eng.compute(
        period, level, [code], {code: params} if params else None, subjects=[subject]
    )
    assert rows, f"no row for {subject}"
    return rows[0][code]


def exact(num, den=1) -> Decimal:
    """num ÷ den as the engine gives it (28 significant digits, half-up)."""
    with decimal.localcontext(decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)):
        return (Decimal(num) / Decimal(den)).normalize()


# (code, subject, params, expected, why)
CASES = [
    # §3.3 管控质检成绩(平均): the inspector's reviews, the mean of their 百分制 scores
    ("qc_score_mean", "QA", {"by": "inspector"}, 83, "39840 / 480 (example A: 83 → 15)"),
    ("qc_score_mean", "QB", {"by": "inspector"}, exact("79.9"), "41548 / 520 (example B)"),
    (
        "qc_score_mean",
        "QA",
        {"by": "inspector", "average": "max_score"},
        84,
        "Σ final 35280 ÷ Σ max 42000 × 100: the 38/50 reviews weigh half",
    ),
    (
        "qc_score_mean",
        "QA",
        {"by": "inspector", "use_recheck": "false"},
        exact("83.35"),
        "first scores: (21600 + 9120 + 1520 + 48×81 + 48×75 + 4×70) / 480 = 40008 / 480",
    ),
    ("qc_score_mean", "SC", {}, exact(2582, 30), "the agent's own: (28×88 + 58 + 60) / 30"),
    # §3.3 月度个人质检量 (≥500): reviews the inspector made in the month
    ("qc_count", "QA", {}, 480, "example A: 480 → 0 points; Feb 28 23:59:59 and Apr 1 out"),
    ("qc_count", "QB", {}, 520, "example B: 520"),
    ("qc_count", "SB", {"by": "agent"}, 25, "SB's 25 inspected records"),
    # §3.3 质检吻合度 (≥95%): rechecks within 5% of the max score, inclusive
    ("qc_consistency", "QA", {}, exact("0.96"), "96 of 100 rechecks; 48 differ by exactly 5"),
    ("qc_consistency", "QB", {}, exact("0.95"), "19 / 20: example B's boundary 0.95"),
    (
        "qc_consistency",
        "QA",
        {"tolerance": "0.04"},
        exact("0.48"),
        "a 4-point tolerance leaves the 48 differing by 5 out: 48 / 100",
    ),
    # §3.10 话务质检: 不合格 records among the 20–30 inspected
    ("qc_unqualified_count", "SA", {}, 0, "60 exactly passes; 55 → recheck 65 passes"),
    ("qc_unqualified_count", "SB", {}, 2, "the fatal 95 and 59.5"),
    ("qc_unqualified_count", "SC", {}, 1, "29/50 = 58 fails, 30/50 = 60 passes"),
    ("qc_unqualified_count", "SA", {"use_recheck": "false"}, 1, "the first score 55 fails"),
    ("qc_unqualified_count", "SC", {"pass_score": 88}, 2, "88 passes at 88; 58 and 60 fail"),
    ("qc_unqualified_count", "Q3", {"by": "inspector"}, 3, "Q3 failed 0 + 2 + 1 records"),
    # §3.3 第三方/集团拨测成绩 on the 10-point scale, by dimension
    (
        "test_call_score_mean",
        "center",
        {"origin": "third_party", "dimension": "communication"},
        exact("8.7"),
        "(8.6 + 8.8) / 2",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "third_party", "dimension": "service"},
        exact("8.6"),
        "",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "third_party", "dimension": "online"},
        exact("8.4"),
        "below the 确保值 8.5",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "third_party", "dimension": "marketing"},
        exact("8.9"),
        "(9.0 + 8.8) / 2",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "group", "dimension": "online"},
        exact("9.1"),
        "(9.0 + 9.2) / 2",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "group", "dimension": "marketing"},
        exact("8.8"),
        "",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "third_party"},
        exact("8.7"),
        "all six 第三方 calls: 52.2 / 6",
    ),
    (
        "test_call_score_mean",
        "A1",
        {"origin": "third_party", "dimension": "marketing"},
        9,
        "A1's own 第三方 营销 call",
    ),
    (
        "test_call_score_mean",
        "center",
        {"origin": "internal", "dimension": "overall"},
        exact(210 * 9 + 200 * Decimal("9.5"), 410),
        "rows without a dimension are 综合 (overall)",
    ),
    # §3.3 月度个人拨测量 (≥200): the inspector's own test calls
    (
        "test_call_count",
        "QA",
        {},
        210,
        "example A: 210; the 6 第三方 calls QA entered are not QA's",
    ),
    ("test_call_count", "QB", {}, 200, "example B: 200, the boundary"),
    ("test_call_count", "QA", {"origin": "any"}, 216, "210 + 6 第三方"),
    # §3.11 录音监听: recordings the leader reviewed per 组员, share with a problem
    ("recordings_per_member", "L1", {}, exact("9.5"), "380 / 40 (M140 left Mar 10: counted)"),
    ("recordings_per_member", "L2", {}, 10, "100 / 10: example B, exactly the 10 required"),
    ("recordings_per_member", "QA", {}, None, "QA leads nobody"),
    ("problem_recording_share", "L1", {}, exact("0.45"), "171 / 380 (example A)"),
    ("problem_recording_share", "L2", {}, exact("0.39"), "39 / 100 (example B: below 40%)"),
]


@pytest.mark.parametrize(
    ("code", "subject", "params", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_numbers(eng, code, subject, params, expected, why):
    level = "center" if subject == "center" else "employee"
    got = value(eng, code, subject, params, level)
    assert got == expected, f"{code} {subject} {params}: {got} != {expected} ({why})"
