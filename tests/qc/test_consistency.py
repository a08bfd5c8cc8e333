"""Consistency (质检吻合度) and calibration, with a worked example computed by hand."""

from __future__ import annotations

from decimal import Decimal as D

from csperf.qc.consistency import Recheck, calibrate, consistency


def test_worked_consistency_example():
    """Two inspectors, tolerance 5 points on the 100 scale.

    Inspector 甲 (100-point form), four reviews rechecked:
      92 vs 90  -> gap 2   within
      85 vs 78  -> gap 7   outside
      70 vs 75  -> gap 5   within (the tolerance is inclusive)
      100 vs 96 -> gap 4   within
      吻合度 = 3 / 4 = 75%; mean gap = (2 + 7 + 5 + 4) / 4 = 4.5
    Inspector 乙 (10-point test-call form, compared in % of the maximum):
      8.5 vs 9.0 -> 0.5 / 10 × 100 = 5   within
      7.0 vs 8.0 -> 1.0 / 10 × 100 = 10  outside
      吻合度 = 1 / 2 = 50%; mean gap = 7.5
    """
    rows = [
        Recheck("甲", D(92), D(90)),
        Recheck("甲", D(85), D(78)),
        Recheck("甲", D(70), D(75)),
        Recheck("甲", D(100), D(96)),
        Recheck("乙", D("8.5"), D("9.0"), max_score=D(10)),
        Recheck("乙", D("7.0"), D("8.0"), max_score=D(10)),
    ]
    c = consistency(rows)
    assert (c["甲"].rechecked, c["甲"].within, c["甲"].rate, c["甲"].mean_gap) == (
        4,
        3,
        D("0.75"),
        D("4.5"),
    )
    assert (c["乙"].rechecked, c["乙"].within, c["乙"].rate, c["乙"].mean_gap) == (
        2,
        1,
        D("0.5"),
        D("7.5"),
    )


def test_tolerance_per_recheck():
    c = consistency(
        [Recheck("a", D(80), D(90), tolerance=D(10)), Recheck("a", D(80), D(91), tolerance=D(10))]
    )
    assert c["a"].rate == D("0.5")


def test_no_rechecks_no_rate():
    assert consistency([]) == {}


def test_calibration_against_expert():
    """Expert 86; 甲 84 (gap 2, within), 乙 95 (gap 9, outside), 丙 86 (0).
    Items on the form: 10; 甲 differs on 2 (80% agreement), 乙 on 4 (60%), 丙 on 0.
    Within rate 2/3; mean gap (2 + 9 + 0) / 3 = 3.666…; spread 95 − 84 = 11."""
    r = calibrate(
        D(86),
        {"甲": D(84), "乙": D(95), "丙": D(86)},
        {"甲": ["a", "b"], "乙": ["a", "b", "c", "d"]},
        item_count=10,
    )
    rows = {x.inspector: x for x in r.rows}
    assert rows["甲"].within and not rows["乙"].within and rows["丙"].within
    assert (rows["甲"].item_agreement, rows["乙"].item_agreement, rows["丙"].item_agreement) == (
        D("0.8"),
        D("0.6"),
        D(1),
    )
    assert round(r.within_rate, 4) == D("0.6667") and r.spread == 11
    assert round(r.mean_gap, 4) == D("3.6667")


def test_calibration_empty():
    r = calibrate(D(80), {}, {}, item_count=5)
    assert r.rows == () and r.within_rate is None and r.spread is None


def test_calibration_history_worked_example():
    """Two sessions, tolerance 5, oldest first.
    Session 1: expert 86; 甲 84 (gap 2, 2 items of 10 differ), 乙 95 (gap 9, 4 differ).
    Session 2: expert 70; 甲 77 (gap 7, 3 differ); 乙 72 (gap 2, 1 differs); 丙 70 (gap 0).
    甲: 2 sessions, within 1 (50%), mean gap 4.5, agreement (0.8 + 0.7) / 2 = 0.75, gaps 2 → 7
        (further from the expert, trend +5).
    乙: within 1 of 2, mean gap 5.5, agreement (0.6 + 0.9) / 2 = 0.75, gaps 9 → 2 (trend −7).
    丙: one session, no trend."""
    from csperf.qc.consistency import calibration_history

    s1 = calibrate(D(86), {"甲": D(84), "乙": D(95)}, {"甲": "ab", "乙": "abcd"}, item_count=10)
    s2 = calibrate(
        D(70), {"甲": D(77), "乙": D(72), "丙": D(70)}, {"甲": "abc", "乙": "a"}, item_count=10
    )
    rows = {h.inspector: h for h in calibration_history([s1, s2])}
    a, b, c = rows["甲"], rows["乙"], rows["丙"]
    assert (a.sessions, a.within, a.within_rate, a.mean_gap) == (2, 1, D("0.5"), D("4.5"))
    assert a.mean_item_agreement == D("0.75") and a.gaps == (2, 7) and a.trend == 5
    assert (b.within, b.mean_gap, b.mean_item_agreement, b.trend) == (1, D("5.5"), D("0.75"), -7)
    assert (c.sessions, c.gaps, c.trend) == (1, (0,), None)
    assert calibration_history([]) == []
