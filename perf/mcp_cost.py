"""Scenario 15 of perf/run.sh (issue 18; perf/README.md, row 15): what one MCP tool call costs through Gateway, beside a
built-in tool call through Gateway and beside the same MCP call made directly (perf/mcp-direct.mjs), as ratios measured
in the same run. perf/mcp-cost.sh runs the loads; this waits for the server, reads its CPU and renders $raw/s15.
Standard library only.

  mcp_cost.py ready --url BASE --tool NAME --timeout S --json OUT   GET /mcp/servers until NAME is offered; its server
  mcp_cost.py ticks --pid PID            utime+stime of PID and every process under it, in clock ticks
  mcp_cost.py direct-step FILE           one line about a run of perf/mcp-direct.mjs, for the console
  mcp_cost.py render --raw DIR --out REPORT.md      (a report of this scenario alone: run.sh --only-mcp)
"""
import argparse
import glob
import json
import os
import signal
import statistics
import sys
import time
import urllib.request

from lab_results import fmt, load, ratio, tool_output, write_json, write_scenario_report
from security import run_figures, times

# The Gateways' configurations (perf/mcp-cost.sh), each measured with the MCP call; the first with the built-in too.
CONFIGS = (("mcp-none", "`MCP_SANDBOX=none`"), ("mcp-bwrap", "`MCP_SANDBOX=bwrap`"))
TOOL = "mcp__everything__echo"


def cmd_ready(args):
    """Polls GET /mcp/servers (every 0.1 s, at most --timeout s) until a ready server offers --tool; writes that
    server's entry to --json and prints its pid. Exit 1 when it never does (the last answer is in the file)."""
    deadline, last = time.monotonic() + args.timeout, None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(args.url + "/mcp/servers", timeout=5) as response:
                last = json.load(response)
        except (OSError, ValueError) as e:
            last = {"error": str(e)}
        for server in (last or {}).get("servers", []):
            if server.get("state") == "ready" and any(t.get("name") == args.tool for t in server.get("tools", [])):
                write_json(args.json, server)
                print(server["pid"])
                return 0
        time.sleep(0.1)
    write_json(args.json, last)
    print(f"mcp_cost.py: {args.tool} not offered by a ready server within {args.timeout} s: {json.dumps(last)[:400]}",
          file=sys.stderr)
    return 1


def subtree_ticks(root):
    """utime+stime of ROOT and its descendants now (a server under bwrap is bwrap's grandchild), in clock ticks; None
    when ROOT is gone (a server that exited and was started again has another pid: its run is not counted)."""
    parents, ticks = {}, {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        pid = int(stat.split("/")[2])
        parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    if root not in ticks:
        return None
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += ticks.get(pid, 0)
        pending += [child for child, parent in parents.items() if parent == pid]
    return total


def cmd_ticks(args):
    ticks = subtree_ticks(args.pid)
    if ticks is None:
        print(f"mcp_cost.py: process {args.pid} is gone", file=sys.stderr)
        return 1
    print(ticks)
    return 0


def cmd_direct_step(args):
    r = load(args.file) or {}
    print(f"calls/s {fmt(r.get('callsPerSecond'))} ok {r.get('calls', 0) - r.get('errors', 0)} errors {r.get('errors', '?')} "
          f"p50/p99 {fmt(r.get('p50Ms'))}/{fmt(r.get('p99Ms'))} ms")
    return 0


# ---------------------------------------------------------------- the report

def server_cpu_ms(directory, kind):
    """The MCP server's CPU over a kind's rounds divided by the sessions they completed (server-<kind>-<n>.txt:
    "before after" ticks beside LoadGen's <kind>-<n>.json)."""
    ticks, sessions = 0, 0
    for path in glob.glob(os.path.join(directory, f"server-{kind}-*.txt")):
        before, after = map(int, open(path).read().split())
        run = os.path.basename(path)[len("server-"):-len(".txt")]
        step = (load(os.path.join(directory, f"{run}.json")) or {}).get("steps") or [{}]
        ticks, sessions = ticks + after - before, sessions + step[0].get("ok", 0)
    return 1000 * ticks / os.sysconf("SC_CLK_TCK") / sessions if sessions else None


def direct_figures(directory, kind):
    """perf/mcp-direct.mjs's rounds of a kind (<kind>-<n>.json): medians of calls/s and latencies, CPU per call."""
    rounds = [r for r in (load(p) for p in sorted(glob.glob(os.path.join(directory, f"{kind}-*.json")))) if r and r.get("calls")]
    if not rounds:
        return None
    calls = sum(r["calls"] for r in rounds)
    return {"rate": statistics.median(r["callsPerSecond"] for r in rounds), "p50": statistics.median(r["p50Ms"] for r in rounds),
            "p99": statistics.median(r["p99Ms"] for r in rounds), "serverCpuMs": sum(r["serverCpuMs"] for r in rounds) / calls,
            "clientCpuMs": sum(r["clientCpuMs"] for r in rounds) / calls, "errors": sum(r["errors"] for r in rounds),
            "rounds": len(rounds)}


def row(label, figures, builtin, direct, adds=True):
    """A table row: one configuration's figures, and its ratios to the built-in session and to the direct call; "MCP
    adds" (ADDS) is its p50 less the built-in session's."""
    if not figures:
        return f"| {label} | (no result) ||||||||||"
    return (f"| {label} | {fmt(figures['rate'])} | {fmt(figures['p50'])} | {fmt(figures['p99'])} | "
            f"{fmt(figures.get('ownCpuMs'))} | {fmt(figures.get('serverCpuMs'))} | "
            f"{fmt(figures['p50'] - builtin['p50']) if adds and builtin else '–'} | "
            f"{times(ratio(figures['p50'], builtin and builtin['p50']))} | {times(ratio(figures['p50'], direct and direct['p50']))} | "
            f"{times(ratio(figures['rate'], builtin and builtin['rate']))} | {figures['errors']} |")


def section(raw, meta):
    """Scenario 15 as markdown lines, and its summary lines; both empty when the run has none."""
    directory = os.path.join(raw, "s15")
    if not os.path.isdir(directory):
        return [], []
    lines = ["## 15. What an MCP tool call costs (issue 18)", ""]
    skipped = os.path.join(directory, "skipped.txt")
    if os.path.exists(skipped):
        reason = open(skipped).read().strip()
        return lines + [f"Not measured: {reason}.", ""], [f"Scenario 15: not measured ({reason})."]
    concurrency = meta.get("mcpConcurrency", 4)
    lines += [
        "Gateways on the mock model (`MOCK_MODELS=mock`, `MOCK_TOKENS=1`) with `MCP_SERVERS_FILE` naming "
        "`@modelcontextprotocol/server-everything` over stdio (`node …/dist/index.js stdio`, tests/mcp-servers), one with "
        "`MCP_SANDBOX=none` and one with `bwrap`, each waited for until `GET /mcp/servers` shows the server ready with "
        f"`{TOOL}`. Each `/chat` session is one tool call, allowed by the request's `permissions` (no relay), then one "
        f"short text turn: `/tool {TOOL} {{\"message\":\"hi\"}}`, or the built-in `/tool read {{\"filePath\":\"small.txt\"}}` "
        "(a 3-byte file of the workspace) through the `none` Gateway. The direct call is `perf/mcp-direct.mjs`: the "
        "official TypeScript SDK (the tests' version) starting the same server over stdio and calling `echo` with the same "
        f"arguments, without Gateway. `Gateway.LoadGen --mode closed --requests N` (and the script) send "
        f"{meta.get('mcpCalls', '?'):,} one at a time and {meta.get('mcpCallsConcurrent', '?'):,} at {concurrency} at "
        f"once, after {meta.get('mcpWarmup', '?')} of warm-up, per round ({meta.get('mcpRounds', '?')}, interleaving the "
        "configurations; medians of the rounds). Latency through Gateway is the whole session, request to the end of the "
        "stream; the direct one is the call alone. CPU per session: the gateway's utime+stime (and its reaped "
        "children's), and the MCP server's (node, with bwrap around it when sandboxed: the process tree under the pid "
        "`GET /mcp/servers` gives), from `/proc` around each run; the direct row's server CPU is node's own. \"MCP adds\" "
        "is the session's p50 less the built-in session's: what the MCP call costs a session beyond a built-in call.", ""]
    builtin_dir = os.path.join(directory, "builtin")
    summary = []
    for connections in (1, concurrency):
        kind = f"c{connections}"
        builtin, direct = run_figures(builtin_dir, kind), direct_figures(os.path.join(directory, "direct"), kind)
        lines += [f"**{connections} at once**", "",
                  "| session | calls/s | p50 ms | p99 ms | gateway CPU ms/session | server CPU ms/call | MCP adds p50 ms "
                  "| p50 vs built-in | p50 vs direct | calls/s vs built-in | errors |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                  row("built-in `read` through Gateway", builtin, builtin, direct, adds=False)]
        for name, label in CONFIGS:
            figures = run_figures(os.path.join(directory, name), kind)
            if figures:
                figures["serverCpuMs"] = server_cpu_ms(os.path.join(directory, name), kind)
            lines.append(row(f"MCP `echo` through Gateway, {label}", figures, builtin, direct))
            if figures and builtin and direct:
                summary.append(f"{connections} at once, {label}: a session with the MCP call p50 {fmt(figures['p50'])} ms vs "
                               f"{fmt(builtin['p50'])} ms with `read` (MCP adds {fmt(figures['p50'] - builtin['p50'])} ms, "
                               f"{times(ratio(figures['p50'], builtin['p50']))}); {times(ratio(figures['p50'], direct['p50']))} "
                               f"the direct call's {fmt(direct['p50'])} ms; CPU ms a session: gateway {fmt(figures['ownCpuMs'])} "
                               f"(`read`: {fmt(builtin['ownCpuMs'])}), server {fmt(figures['serverCpuMs'])} "
                               f"(direct: {fmt(direct['serverCpuMs'])}).")
        lines.append(row("MCP `echo` direct (SDK client, no Gateway)", direct, builtin, direct, adds=False))
        if direct:
            summary.append(f"{connections} at once, direct: p50 {fmt(direct['p50'])} ms, {fmt(direct['rate'])} calls/s; CPU ms a "
                           f"call: server {fmt(direct['serverCpuMs'])}, the SDK client {fmt(direct['clientCpuMs'])}.")
        lines.append("")
    probes = [(label, tool_output(os.path.join(directory, name, "probe.txt")))
              for name, label in (("builtin", "`read`"), *((n, f"`echo`, {l}") for n, l in CONFIGS))]
    if any(output is not None for _, output in probes):
        lines += ["What one call returned through each Gateway (a probe before the runs): "
                  + "; ".join(f"{label} `{json.dumps(output)[:160]}`" for label, output in probes if output is not None) + ".", ""]
    # A call that fails in the tool still ends its session well: only the probe tells that the runs measured an error.
    summary += [f"The probe of {label} did not succeed, so its rows measure a failing call: `{json.dumps(output)[:160]}`."
                for label, output in probes if output is None or "error" in output]
    return lines, ["Scenario 15 (MCP):"] + [f"- {s}" for s in summary]


def cmd_render(args):
    """A report of scenario 15 alone (run.sh --only-mcp)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "The cost of an MCP tool call", "Scenario 15", lines, summary,
                                 "perf/run.sh --only-mcp")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ready")
    p.add_argument("--url", required=True)
    p.add_argument("--tool", required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--json", required=True)
    p = sub.add_parser("ticks")
    p.add_argument("--pid", type=int, required=True)
    p = sub.add_parser("direct-step")
    p.add_argument("file")
    p = sub.add_parser("render")
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"ready": cmd_ready, "ticks": cmd_ticks, "direct-step": cmd_direct_step, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
