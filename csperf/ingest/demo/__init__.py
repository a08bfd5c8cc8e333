"""A realistic demo centre, generated deterministically from a seed (``csperf demo-data``).

One module per concern: the organisation and roster (:mod:`.organisation`), the centre's
working calendar (:mod:`.calendar`), the rota and attendance (:mod:`.attendance`), customers,
calls, tickets, surveys, quality inspection (:mod:`.qc`), 奖惩/事件 (:mod:`.events`), sales,
plans and the 月度数值与目标 figures and targets (:mod:`.values`); :mod:`.generate` runs them in
order. Every record goes through :func:`csperf.ingest.importer.write_typed` (the import's
replace-by-key semantics). Everything is vectorised with NumPy; each concern draws from its own
random stream seeded from the demo seed, so the same seed, size and last month give the same
records, byte for byte.

The centre gives every built-in template (``csperf/templates``) a realistic group — each
position named in an ``x-positions`` is held by at least two people (department cards and
managers: one) — and feeds every input of those cards (``csperf/metrics/feeds.yaml``) for every
month, full quarter and full year of the range, except the inputs other cards fill in the
evaluation cycle (``cards`` feeds). ``tests/cli/test_demo_coverage.py`` keeps it so.
"""

from csperf.ingest.demo.generate import DemoResult, generate_demo, last_full_month

__all__ = ["DemoResult", "generate_demo", "last_full_month"]
