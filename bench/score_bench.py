"""Benchmark: score one month of a built-in card for N employees.

Run:  python bench/score_bench.py [--employees 10000] [--template ecommerce-cs-monthly]

Prints wall time, employees per second and the peak memory the run allocates (tracemalloc,
measured in a second, untimed pass). The example input of
the template is replicated with varied values, so every rule path of the card is exercised.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tracemalloc
from decimal import Decimal

from csperf.scoring import score
from csperf.templates import example_input_path, load_builtin


def vary(value, rng: random.Random):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        factor = Decimal(rng.randint(80, 120)) / 100
        result = Decimal(str(value)) * factor
        return int(result) if isinstance(value, int) else result
    if isinstance(value, dict):
        return {k: vary(v, rng) for k, v in value.items()}
    return value


def build_input(code: str, n: int, seed: int = 1) -> dict:
    example = json.loads(example_input_path(code).read_text(encoding="utf-8"), parse_float=Decimal)
    rng = random.Random(seed)
    employees = []
    for i in range(n):
        base = example["employees"][i % len(example["employees"])]
        emp = dict(base)
        emp["id"] = f"E{i:06d}"
        emp["team"] = f"T{i % 50}"
        emp["department"] = f"D{i % 5}"
        emp["values"] = {k: vary(v, rng) for k, v in base.get("values", {}).items()}
        employees.append(emp)
    return {"period": example["period"], "employees": employees}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--template", default="ecommerce-cs-monthly")
    args = parser.parse_args()
    template = load_builtin(args.template)
    data = build_input(args.template, args.employees)
    start = time.perf_counter()
    run = score(template, data)
    elapsed = time.perf_counter() - start
    del run
    # memory in a second pass: tracemalloc slows Python down, so it is not on while timing
    tracemalloc.start()
    run = score(template, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(run.results) == args.employees
    print(
        f"{args.template}: {args.employees} employees, {len(template.items)} items: "
        f"{elapsed:.2f} s, {args.employees / elapsed:,.0f} employees/s, "
        f"peak traced memory {peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
