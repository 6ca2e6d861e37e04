"""Run every benchmark: `python -m benchmarks [--seconds N] [--only NAME]`."""
from __future__ import annotations

import argparse
import os

from benchmarks import assessment, pages, scoring
from benchmarks import clusters as clusters_bench
from benchmarks import cohorts as cohorts_bench
from benchmarks import pdf as pdf_plan
from benchmarks.report import print_table, write_json

SUITES = {"pages": pages.run, "scoring": scoring.run, "assessment": assessment.run}
SUITES["clusters"] = clusters_bench.run
SUITES["pdf"] = pdf_plan.run
SUITES["cohorts"] = cohorts_bench.run
from benchmarks import storage as storage_bench  # noqa: E402 - one suite per line, added by its issue

SUITES["storage"] = storage_bench.run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8, help="duration of each load measurement")
    parser.add_argument("--only", choices=sorted(SUITES), action="append")
    args = parser.parse_args()
    figures = []
    for name in args.only or SUITES:
        print(f"== {name}", flush=True)
        figures.extend(SUITES[name](args.seconds))
    print(f"\nmachine: {os.cpu_count()} cores; ratio = value ÷ floor (for req/s, the share of the floor kept)\n")
    print_table(figures)
    print(f"\nwritten to {write_json(figures)}")


if __name__ == "__main__":
    main()
