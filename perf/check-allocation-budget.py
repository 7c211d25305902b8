#!/usr/bin/env python3
"""Fails when a benchmark allocates more per operation than perf/allocation-budget.json allows.

Reads BenchmarkDotNet's JSON export (run with `--exporters json`): every *-report-full-compressed.json
or *-report-full.json under the results directory. Budget keys are fnmatch patterns on
`Type.Method`; when several match, the longest (most specific) pattern decides. Benchmarks no
pattern matches are listed but do not fail the check unless --strict is given.

With --lab FILE it checks the performance lab's end-to-end figures instead (perf/run.sh writes FILE: bytes per
session and per relayed event, named like `session./chat` and `event.relayed./chat`), against the same budget file.

Exit codes: 0 within budget, 1 over budget (or unbudgeted with --strict), 2 no usable results or a bad budget.
"""

import argparse
import fnmatch
import json
import sys
from pathlib import Path

REPORT_SUFFIXES = ("-report-full-compressed.json", "-report-full.json")


def load_budget(path):
    with open(path, encoding="utf-8") as f:
        budget = json.load(f)
    for pattern, limit in budget.items():
        if not isinstance(limit, int) or limit < 0:
            print(f"{path}: budget for '{pattern}' must be a non-negative integer, got {limit!r}", file=sys.stderr)
            sys.exit(2)
    return budget


def report_files(results):
    """Every report once: when a run exported both flavours, the compressed one is read."""
    chosen = {}
    for path in sorted(results.rglob("*.json")):
        for suffix in REPORT_SUFFIXES:
            if path.name.endswith(suffix):
                stem = str(path)[: -len(suffix)]
                if suffix == REPORT_SUFFIXES[0] or stem not in chosen:
                    chosen[stem] = path
                break
    return sorted(chosen.values())


def benchmarks(files):
    for path in files:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        for bench in report.get("Benchmarks", []):
            name = f"{bench.get('Type')}.{bench.get('Method')}"
            parameters = bench.get("Parameters") or ""
            label = f"{name}({parameters})" if parameters else name
            memory = bench.get("Memory") or {}
            yield name, label, memory.get("BytesAllocatedPerOperation"), path


def lab_figures(path):
    """The lab's figures as (name, label, bytes, path), bytes rounded to whole ones."""
    with open(path, encoding="utf-8") as f:
        figures = json.load(f)
    for name, allocated in figures.items():
        yield name, name, round(allocated), path


def budget_for(name, budget):
    matches = [p for p in budget if fnmatch.fnmatchcase(name, p)]
    if not matches:
        return None, None
    pattern = max(matches, key=lambda p: len(p.replace("*", "").replace("?", "")))
    return pattern, budget[pattern]


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path, default=Path("BenchmarkDotNet.Artifacts/results"),
                        help="directory holding BDN's JSON reports (default: %(default)s)")
    parser.add_argument("--budget", type=Path, default=here / "allocation-budget.json",
                        help="budget file (default: %(default)s)")
    parser.add_argument("--strict", action="store_true", help="also fail on benchmarks with no budget")
    parser.add_argument("--lab", type=Path, help="check the lab's JSON of end-to-end figures instead of BDN's reports")
    args = parser.parse_args()

    budget = load_budget(args.budget)
    if args.lab:
        if not args.lab.is_file():
            print(f"No lab figures at {args.lab}; perf/run.sh writes them.", file=sys.stderr)
            return 2
        files, measured = [args.lab], lab_figures(args.lab)
    else:
        if not args.results.is_dir():
            print(f"No results directory at {args.results}; run the benchmarks with --exporters json first.", file=sys.stderr)
            return 2
        files = report_files(args.results)
        if not files:
            print(f"No *-report-full*.json in {args.results}; run the benchmarks with --exporters json.", file=sys.stderr)
            return 2
        measured = benchmarks(files)

    over, unbudgeted, checked = [], [], 0
    for name, label, allocated, path in measured:
        pattern, limit = budget_for(name, budget)
        if pattern is None:
            unbudgeted.append(label)
            continue
        checked += 1
        if allocated is None:
            over.append(f"{label}: no allocation data in {path.name} (is [MemoryDiagnoser] on the class?)")
        elif allocated > limit:
            over.append(f"{label}: {allocated} B/op, budget {limit} B/op ('{pattern}')")
        else:
            print(f"ok    {label}: {allocated} B/op (budget {limit})")

    for label in unbudgeted:
        print(f"{'FAIL' if args.strict else 'note'}  {label}: no budget")
    for line in over:
        print(f"FAIL  {line}")
    if checked == 0:
        print(f"Nothing in {', '.join(p.name for p in files)} matches the budget.", file=sys.stderr)
        return 2
    failed = over or (args.strict and unbudgeted)
    print(f"{checked} {'lab figure' if args.lab else 'benchmark'}(s) checked against {args.budget.name} from {len(files)} report(s): "
          + ("OVER BUDGET" if failed else "within budget"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
