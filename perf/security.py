"""Scenario 13 of perf/run.sh (issue 14; perf/README.md, row 13): what the bash sandbox and the key
checks cost, as ratios against the same work without them in the same run. perf/security.sh runs the loads; this
holds the launch-chain loop, the CPU bookkeeping of each run, and the report section. Standard library only.

  security.py cpu --before "OWN CHILDREN" --after "OWN CHILDREN" --load LOAD.json --json OUT   (ticks of run.sh's proc_ticks)
  security.py launch --n N --workspace DIR [--uid U] --json OUT
  security.py render --raw DIR --out REPORT.md      (a report of this scenario alone: run.sh --only-security)
"""
import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import time

from lab_results import (cpu_ms_per_request, errors_cell, first_step, fixed_rounds, fmt, load, ratio, round_median,
                         tool_output, write_json, write_scenario_report)
from session_cost import allocation_run

BASH_CONFIGS = (("bash-none", "`none`"), ("bash-bwrap", "`bwrap`, shared workspace"),
                ("bash-session", "`bwrap`, `WORKSPACE_MODE=session`"))
COMMANDS = (("true", "`true`"), ("file", "`echo hi > f; cat f`"))
KEY_CONFIGS = (("keys-none", "no keys"), ("keys-api", "`GATEWAY_API_KEYS`"), ("keys-file", "`GATEWAY_KEYS_FILE`, every limit set"))
# The sandbox's defaults (README: BASH_MAX_PROCESSES, BASH_MAX_MEMORY_MB, BASH_CPU_SECONDS), as Gateway passes them.
MAX_PROCESSES, MAX_MEMORY_BYTES, CPU_SECONDS = 256, 4096 * 1024 * 1024, 600
PASSED_VARIABLES = ("PATH", "LANG", "LC_ALL", "TZ", "TERM")  # BwrapCommand.PassedVariables


def cmd_cpu(args):
    """The server's own CPU and its reaped children's over one load run, with the requests that run completed."""
    tick = os.sysconf("SC_CLK_TCK")
    (own_before, children_before), (own_after, children_after) = (map(int, v.split()) for v in (args.before, args.after))
    step = first_step(load(args.load)) or {}
    write_json(args.json, {"cpuSeconds": (own_after - own_before) / tick, "childCpuSeconds": (children_after - children_before) / tick,
                           "sessions": step.get("ok", 0), "errors": step.get("errors", 0)})
    return 0


def chains(workspace, uid):
    """The command lines of one `bash` call, each after setsid: BashTool's unconfined one, and BwrapCommand's for a
    shared workspace with the default limits, without and with the network (BASH_NETWORK=true: no network namespace)."""
    sandboxed = ["setsid"] + (["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] if uid is not None else [])
    sandboxed += ["prlimit", f"--nproc={MAX_PROCESSES}:{MAX_PROCESSES}", f"--as={MAX_MEMORY_BYTES}:{MAX_MEMORY_BYTES}",
                  f"--cpu={CPU_SECONDS}:{CPU_SECONDS}", "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                  "--tmpfs", "/tmp", "--bind", workspace, workspace, "--chdir", workspace, "--unshare-all", "--die-with-parent",
                  "--new-session", "--clearenv", "--setenv", "HOME", workspace]
    passed = [a for name in PASSED_VARIABLES if name in os.environ for a in ("--setenv", name, os.environ[name])]
    command = ["--", "sh", "-c", "true"]
    return {"none": ["setsid", "sh", "-c", "true"], "bwrap": sandboxed + passed + command,
            "bwrap-net": sandboxed + ["--share-net"] + passed + command}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cmd_launch(args):
    """Runs each chain N times, alternating, and records each launch's wall time (to its exit) and its CPU (children's
    user+sys, which the kernel adds to ours as we reap each one, bwrap's own children included)."""
    workspace = os.path.abspath(args.workspace)
    commands = chains(workspace, args.uid)
    results = {name: {"ms": [], "cpuSeconds": 0.0, "failed": 0} for name in commands}
    for _ in range(args.n):
        for name, command in commands.items():
            cpu, started = children_cpu(), time.perf_counter()
            status = subprocess.run(command, cwd=workspace, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=30).returncode
            results[name]["ms"].append(1000 * (time.perf_counter() - started))
            results[name]["cpuSeconds"] += children_cpu() - cpu
            results[name]["failed"] += status != 0
    write_json(args.json, {"n": args.n, "uid": args.uid, "commands": {k: " ".join(v) for k, v in commands.items()},
                           **{name: summary(r["ms"], r["cpuSeconds"], r["failed"]) for name, r in results.items()}})
    for name in commands:
        r = load(args.json)[name]
        print(f"   {name:9} p50 {fmt(r['p50Ms'])} ms p99 {fmt(r['p99Ms'])} ms, CPU {fmt(r['cpuMsPerLaunch'])} ms a launch, "
              f"{r['failed']} failed")
    return 0


def summary(ms, cpu_seconds, failed):
    ordered = sorted(ms)
    return {"p50Ms": statistics.median(ordered), "p99Ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "meanMs": statistics.fmean(ordered), "cpuMsPerLaunch": 1000 * cpu_seconds / len(ordered), "failed": failed}


# ---------------------------------------------------------------- the report

def run_figures(directory, kind):
    """A run's figures over its rounds: medians of calls/s and latencies, CPU per request over all rounds, errors."""
    rounds = fixed_rounds(directory, kind)
    if not rounds:
        return None
    cpu = [c for _, _, c in rounds if c and c.get("sessions")]
    children = 1000 * sum(c.get("childCpuSeconds", 0) for c in cpu) / sum(c["sessions"] for c in cpu) if cpu else None
    own = cpu_ms_per_request(rounds)
    return {"rate": statistics.median(s.get("achievedRate", 0) for _, s, _ in rounds),
            "p50": round_median(rounds, "end", "p50"), "p99": round_median(rounds, "end", "p99"),
            "firstP50": round_median(rounds, "firstContent", "p50"), "firstP99": round_median(rounds, "firstContent", "p99"),
            "ownCpuMs": own, "childCpuMs": children, "cpuMs": own + children if own is not None and children is not None else None,
            "errors": sum(s.get("errors", 0) for _, s, _ in rounds), "ok": sum(s.get("ok", 0) for _, s, _ in rounds),
            "errorCells": [errors_cell(s) for _, s, _ in rounds if s.get("errors")], "rounds": len(rounds)}


def micros(ms):
    return ms * 1000 if ms is not None else None


def times(value):
    return f"{fmt(value)}×" if value is not None else "–"


def probe_result(raw, name, command):
    """The stdout of the call's tool_result in the probe made before the runs, as the report's proof that it ran."""
    output = tool_output(os.path.join(raw, "s13", name, f"probe-{command}.txt"))
    if output is None:
        return None
    result = output.get("result", {})
    return f"exit {result.get('exitCode')}, stdout {result.get('stdout', '')!r}"


def bash_section(raw, meta):
    directory = os.path.join(raw, "s13")
    concurrency = meta.get("secConcurrency", 8)
    lines = ["### (a) bash calls through `/chat`", "",
             "Three Gateways on the mock model (`MOCK_MODELS=mock`, `MOCK_TOKENS=1`), one per configuration. Each `/chat` "
             "session is one `bash` call, allowed by the request's `permissions` (no relay), and one short text turn: "
             "the last user message `/tool bash {\"command\": …}`. `Gateway.LoadGen --mode closed --requests N` sends "
             f"{meta.get('secCalls', '?'):,} sessions one at a time and {meta.get('secCallsConcurrent', '?'):,} at "
             f"{concurrency} at once, per round ({meta.get('secRounds', '?')}, interleaving the configurations; medians "
             "of the rounds). Latency is the whole session, request to the end of the stream. CPU per call is the "
             "gateway's utime+stime and its reaped children's (cutime+cstime: the launch chain and the command), from "
             "`/proc/<pid>/stat` around each run.", "",
             "| command | at once | configuration | calls/s | p50 ms | p99 ms | gateway CPU ms/call | children CPU ms/call "
             "| calls/s vs none | p50 vs none | CPU (gateway + children) vs none | errors |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    summary = []
    for command, command_label in COMMANDS:
        for connections in (1, concurrency):
            kind = f"{command}-c{connections}"
            base = run_figures(os.path.join(directory, "bash-none"), kind)
            for name, label in BASH_CONFIGS:
                r = run_figures(os.path.join(directory, name), kind)
                if not r:
                    lines.append(f"| {command_label} | {connections} | {label} | (no result) ||||||||")
                    continue
                lines.append(f"| {command_label} | {connections} | {label} | {fmt(r['rate'])} | {fmt(r['p50'])} | {fmt(r['p99'])} | "
                             f"{fmt(r['ownCpuMs'])} | {fmt(r['childCpuMs'])} | {times(ratio(r['rate'], base and base['rate']))} | "
                             f"{times(ratio(r['p50'], base and base['p50']))} | {times(ratio(r['cpuMs'], base and base['cpuMs']))} | "
                             f"{r['errors']}{' (' + '; '.join(r['errorCells']) + ')' if r['errorCells'] else ''} |")
                if command == "true" and name != "bash-none" and base:
                    summary.append(f"{label}: {times(ratio(r['rate'], base['rate']))} the calls/s of `none` at {connections} "
                                   f"at once, p50 {fmt(r['p50'])} vs {fmt(base['p50'])} ms, "
                                   f"{fmt(r['cpuMs'])} vs {fmt(base['cpuMs'])} ms CPU a call (`true`).")
    lines.append("")
    probes = [(label, command_label, probe_result(raw, name, command)) for name, label in BASH_CONFIGS for command, command_label in COMMANDS]
    if any(p for _, _, p in probes):
        lines += ["What one call returned in each configuration (a probe before the runs):", "",
                  "| configuration | command | tool result |", "|---|---|---|"]
        lines += [f"| {label} | {command_label} | {p or '–'} |" for label, command_label, p in probes] + [""]
    left = {label: open(os.path.join(directory, name, "children-left.txt")).read().split()
            for name, label in BASH_CONFIGS if os.path.exists(os.path.join(directory, name, "children-left.txt"))}
    if left:
        lines += ["Children of each gateway left after its last run: " + "; ".join(f"{label} {len(pids)}" for label, pids in left.items())
                  + ".", ""]
    launch = load(os.path.join(directory, "launch.json"))
    if launch:
        none, bwrap = launch["none"], launch["bwrap"]
        names = {"none": "`setsid sh -c true`",
                 "bwrap": "`setsid " + ("setpriv … " if launch.get("uid") else "") + "prlimit … bwrap … sh -c true`",
                 "bwrap-net": "the same with `--share-net` (`BASH_NETWORK=true`)"}
        lines += [f"The launch chain alone, without Gateway: `perf/security.py launch` runs each command line "
                  f"{launch['n']:,} times from python (alternating, one at a time, to its exit; CPU is the children's "
                  "user+sys from `getrusage(RUSAGE_CHILDREN)`). The sandboxed line is what `BwrapCommand` builds for a "
                  "shared workspace with the default limits" + (f", as uid {launch['uid']}" if launch.get("uid") else "") + ".", "",
                  "| chain | p50 ms | p99 ms | mean ms | CPU ms/launch | p50 vs none | mean vs none | CPU vs none | failed |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, label in names.items():
            if name in launch:
                r = launch[name]
                lines.append(f"| {label} | {fmt(r['p50Ms'])} | {fmt(r['p99Ms'])} | {fmt(r['meanMs'])} | {fmt(r['cpuMsPerLaunch'])} | "
                             f"{times(ratio(r['p50Ms'], none['p50Ms']))} | {times(ratio(r['meanMs'], none['meanMs']))} | "
                             f"{times(ratio(r['cpuMsPerLaunch'], none['cpuMsPerLaunch']))} | {r['failed']} |")
        lines.append("")
        summary.append(f"Launch chain alone: bwrap p50 {fmt(bwrap['p50Ms'])} ms vs {fmt(none['p50Ms'])} ms "
                       f"({times(ratio(bwrap['p50Ms'], none['p50Ms']))}), CPU {fmt(bwrap['cpuMsPerLaunch'])} vs "
                       f"{fmt(none['cpuMsPerLaunch'])} ms a launch.")
    return lines, summary


def key_section(raw, meta):
    directory = os.path.join(raw, "s13")
    lines = ["### (b) key checks on `/v1/chat/completions`", "",
             "Three Gateways on the mock model (`MOCK_MODELS=mock`, 32 pieces an answer): without keys, with "
             "`GATEWAY_API_KEYS`, and with a `GATEWAY_KEYS_FILE` key that sets every limit but never reaches one "
             "(`models: [\"mock/*\"]`, `maxConcurrentSessions` 100,000, `requestsPerMinute` 100,000 (the most a file may "
             "give; the runs stay under it), `tokensPerDay` 10¹⁵). Every request, streamed with usage, carries the same "
             "`Authorization: Bearer` header (ignored without keys). Per round "
             f"({meta.get('secRounds', '?')}, interleaved; medians): a closed loop at {meta.get('satConnections', 32)} "
             f"connections for {meta.get('secKeyRequests', '?'):,} requests (requests/s, CPU per request), then an open loop "
             f"at {meta.get('secKeyRate', '?')}/s for {meta.get('secKeyDuration', '?')} (latency to the first content "
             "chunk and to the end, CPU per request). Bytes allocated per request: a fresh Gateway per configuration at "
             f"`LOG_LEVEL=info`, `kill -USR1` before and after exactly {meta.get('secAllocRequests', '?'):,} requests "
             "(as scenario 11). On a shared machine the closed loop's requests/s follow the other tenants' load from "
             "round to round; CPU and bytes per request are the steadier measures.", "",
             "| configuration | closed: req/s | closed: CPU µs/req | fixed: first p50 / p99 ms | fixed: end p50 / p99 ms "
             "| fixed: CPU µs/req | B allocated/req | req/s vs none | CPU/req vs none | p99 vs none | B/req vs none | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    figures = {}
    for name, _ in KEY_CONFIGS:
        d = os.path.join(directory, name)
        figures[name] = (run_figures(d, "closed"), run_figures(d, "fixed"), allocation_run(d, "alloc"))
    base_closed, base_fixed, base_alloc = figures["keys-none"]
    summary = []
    for name, label in KEY_CONFIGS:
        closed, fixed, alloc = figures[name]
        if not closed and not fixed:
            lines.append(f"| {label} | (no result) |||||||||||")
            continue
        closed, fixed = closed or {}, fixed or {}
        errors = closed.get("errors", 0) + fixed.get("errors", 0) + (alloc or {}).get("errors", 0)
        cells = closed.get("errorCells", []) + fixed.get("errorCells", [])
        bytes_per = alloc and alloc["bytesPerSession"]
        lines.append(
            f"| {label} | {fmt(closed.get('rate'))} | {fmt(micros(closed.get('ownCpuMs')))} | {fmt(fixed.get('firstP50'))} / "
            f"{fmt(fixed.get('firstP99'))} | {fmt(fixed.get('p50'))} / {fmt(fixed.get('p99'))} | {fmt(micros(fixed.get('ownCpuMs')))} | "
            f"{fmt(bytes_per)} | {times(ratio(closed.get('rate'), (base_closed or {}).get('rate')))} | "
            f"{times(ratio(closed.get('ownCpuMs'), (base_closed or {}).get('ownCpuMs')))} | "
            f"{times(ratio(fixed.get('p99'), (base_fixed or {}).get('p99')))} | "
            f"{times(ratio(bytes_per, base_alloc and base_alloc['bytesPerSession']))} | "
            f"{errors}{' (' + '; '.join(cells) + ')' if cells else ''} |")
        if name != "keys-none":
            extra = f"{round(bytes_per - base_alloc['bytesPerSession']):+,d}" if bytes_per is not None and base_alloc else "?"
            summary.append(f"{label}: {times(ratio(closed.get('rate'), (base_closed or {}).get('rate')))} the requests/s of no keys, "
                           f"{times(ratio(closed.get('ownCpuMs'), (base_closed or {}).get('ownCpuMs')))} its CPU a request, "
                           f"p99 at {meta.get('secKeyRate', '?')}/s {fmt(fixed.get('p99'))} vs {fmt((base_fixed or {}).get('p99'))} ms, "
                           f"{extra} B allocated a request against no keys.")
    lines.append("")
    metrics_path = os.path.join(directory, "keys-file", "metrics.txt")
    if os.path.exists(metrics_path):
        key_lines = [l for l in open(metrics_path).read().splitlines() if 'key="perf"' in l and not l.startswith("#")]
        if key_lines:
            lines += ["The keys file's key in `/metrics` after the runs:", "", "```", *key_lines[:12], "```", ""]
    return lines, summary


def section(raw, meta):
    """Scenario 13 as markdown lines, and its summary lines; both empty when the run has none."""
    if not os.path.isdir(os.path.join(raw, "s13")):
        return [], []
    bash, bash_summary = bash_section(raw, meta)
    keys, key_summary = key_section(raw, meta)
    lines = ["## 13. The cost of security (issue 14)", "",
             "Ratios are against the same work without the feature, measured in the same run. The machine is shared: "
             "read the ratios, not the absolute figures.", ""] + bash + keys
    return lines, ["Scenario 13 (bash):"] + [f"- {s}" for s in bash_summary] + ["Scenario 13 (keys):"] + [f"- {s}" for s in key_summary]


def cmd_render(args):
    """A report of scenario 13 alone (run.sh --only-security)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "The cost of security", "Scenario 13", lines, summary,
                                 "perf/run.sh --only-security")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cpu")
    for name in ("--before", "--after", "--load", "--json"):
        p.add_argument(name, required=True)
    p = sub.add_parser("launch")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--workspace", required=True)
    p.add_argument("--uid", type=int)
    p.add_argument("--json", required=True)
    p = sub.add_parser("render")
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"cpu": cmd_cpu, "launch": cmd_launch, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
