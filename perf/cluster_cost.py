"""Scenario 16 of perf/run.sh (issue 20; perf/README.md, row 16): the server CPU a /chat session costs with REDIS_URL
against the same Gateway without, plain and with RESUME_GRACE_SECONDS (events appended to a Redis Stream), from
perf/cluster-cost.sh's rounds (the CPU json files of security.py cpu). Goal: at most 15% more. Standard library only.

  cluster_cost.py render --raw DIR --out REPORT.md      (a report of this scenario alone: run.sh --only-cluster)
"""
import argparse
import glob
import os
import sys

from lab_results import fmt, load, write_scenario_report

MODES = (("alone", "without REDIS_URL"), ("redis", "with REDIS_URL"),
         ("alone-resume", "without REDIS_URL, RESUME_GRACE_SECONDS=1"), ("redis-resume", "with REDIS_URL, RESUME_GRACE_SECONDS=1"))
# Each comparison: (with, without, what it measures).
PAIRS = (("redis", "alone", "With REDIS_URL / without"),
         ("redis-resume", "alone-resume", "With RESUME_GRACE_SECONDS=1 on both sides (events to a Redis Stream), with REDIS_URL / without"))
GOAL = 1.15


def rounds(raw, mode, process="cpu"):
    """Each measured round's (CPU seconds, sessions) of the Gateway ("cpu") or of redis-server meanwhile ("cpu-redis"),
    in order; the warm-up left out."""
    found = []
    for path in sorted(glob.glob(os.path.join(raw, "s16", mode, f"round*-{process}.json"))):
        cpu = load(path) or {}
        if cpu.get("sessions"):
            found.append((cpu["cpuSeconds"], cpu["sessions"]))
    return found


def per_session_us(values):
    sessions = sum(s for _, s in values)
    return sum(c for c, _ in values) / sessions * 1e6 if sessions else None


def section(raw, meta):
    """Scenario 16 as markdown lines, and its summary lines; both empty when the run has none."""
    measured = {mode: rounds(raw, mode) for mode, _ in MODES}
    if not all(measured.values()):
        return [], []
    cost = {mode: per_session_us(values) for mode, values in measured.items()}
    redis = {mode: per_session_us(rounds(raw, mode, "cpu-redis")) for mode, _ in MODES}
    lines = ["## 16. CPU per /chat session with REDIS_URL", "",
             "Four Gateways on the mock model (`MOCK_MODELS=m`, a 32-piece answer): two with `REDIS_URL` naming a "
             "redis-server of the scenario's own (no persistence), two without; of each, one with `RESUME_GRACE_SECONDS=1`. "
             "Plain sessions never wait on a relay, so with REDIS_URL they write nothing to Redis of their own (a session "
             "is registered at its first relay); a resumable one is registered at its start and appends each flush of its "
             "events to a Redis Stream in one pipeline. The instance's heartbeat runs every 5 s. "
             f"{meta.get('clusterRounds')} rounds of a closed loop of {meta.get('clusterConnections')} connections for "
             f"{meta.get('clusterDuration')}, the four taking turns, after a 2 s warm-up each; the server's utime+stime "
             "(10 ms clock ticks) read before and after each run. redis-server's CPU meanwhile is shown beside and not in the "
             "ratios; it shares the machine's cores, so what it takes also slows the Gateway it serves.", "",
             "| Gateway | sessions | CPU s | µs per session | redis-server µs per session |", "|---|---:|---:|---:|---:|"]
    for mode, name in MODES:
        values = measured[mode]
        lines.append(f"| {name} | {sum(s for _, s in values)} | {fmt(sum(c for c, _ in values), 2)} | {fmt(cost[mode])} | "
                     f"{fmt(redis[mode])} |")
    lines.append("")
    summary = []
    for with_mode, without_mode, label in PAIRS:
        ratio = cost[with_mode] / cost[without_mode] if cost[without_mode] else None
        per_round = [f"{fmt(per_session_us([w]) / per_session_us([a]), 2)}×"
                     for a, w in zip(measured[without_mode], measured[with_mode]) if per_session_us([a])]
        lines += [f"{label}: **{fmt(ratio, 3)}×** (goal ≤ {GOAL}×); by round: {', '.join(per_round)}.", ""]
        met = ratio is not None and ratio <= GOAL
        summary.append(f"Scenario 16 ({without_mode} → {with_mode}): CPU per /chat session {fmt(cost[without_mode])} µs without "
                       f"REDIS_URL, {fmt(cost[with_mode])} µs with: {fmt(ratio, 3)}× ({'within' if met else 'OVER'} the goal of {GOAL}×)")
    return lines, summary


def cmd_render(args):
    """A report of scenario 16 alone (run.sh --only-cluster)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "Cluster cost", "Scenario 16", lines, summary, "perf/run.sh --only-cluster")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("render")
    for name in ("--raw", "--out"):
        p.add_argument(name, required=True)
    args = parser.parse_args()
    return {"render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
