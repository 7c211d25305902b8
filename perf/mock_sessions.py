"""Scenario 12 of perf/run.sh (issue 13; perf/README.md): N concurrent slow /chat sessions on Gateway's own mock model
(MOCK_MODELS), all opened at once by Gateway.LoadGen and held until they end, with the server's RSS, open descriptors
and CPU sampled meanwhile. Standard library only.

  mock_sessions.py hold --pid P --loadgen BIN --url URL --body JSON --n N --limit S --json OUT
  mock_sessions.py render --raw DIR --out REPORT.md      (a report of this scenario alone: run.sh --only-mock-sessions)
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from lab_results import first_step, fmt, load, metric, rss_kib, write_json, write_scenario_report

SAMPLE_SECONDS = 0.5


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def listen_overflows():
    """TcpExt ListenOverflows of /proc/net/netstat: connects dropped because a listen queue was full (machine-wide)."""
    lines = open("/proc/net/netstat").read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        fields = dict(zip(names.split(), values.split()))
        if "ListenOverflows" in fields:
            return int(fields["ListenOverflows"])
    return None


def cmd_hold(args):
    """Runs the load generator (every session sent at once, closed loop) and samples the server until it exits."""
    time.sleep(args.settle)
    idle_rss, idle_fds = rss_kib(args.pid), open_fds(args.pid)
    command = [args.loadgen, "--url", args.url, "--method", "POST", "--body", args.body, "--sse", "--mode", "closed",
               "--connections", str(args.n), "--requests", str(args.n), "--warmup", "0", "--duration", f"{args.limit}s",
               "--timeout", f"{args.limit}s", "--label", f"{args.n} mock sessions", "--quiet", "--json", args.loadgen_json]
    samples = []
    overflows = listen_overflows()
    started = time.monotonic()
    with open(args.loadgen_json[:-len(".json")] + ".log", "w") as log:
        generator = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            while generator.poll() is None and time.monotonic() - started < args.limit + 30:
                samples.append({"t": time.monotonic() - started, "rssKiB": rss_kib(args.pid), "ticks": cpu_ticks(args.pid),
                                "fds": open_fds(args.pid)})
                time.sleep(SAMPLE_SECONDS)
        finally:
            if generator.poll() is None:
                generator.terminate()
                try:
                    generator.wait(10)
                except subprocess.TimeoutExpired:
                    generator.kill()
                    generator.wait()
    if overflows is not None:
        overflows = listen_overflows() - overflows
    # Past the idle memory trimmer's 5 s window (Runtime/IdleMemoryTrimmer): what the sessions left once it could act.
    time.sleep(args.after)
    # The plateau: every sample while (nearly) every session's connection is open in the server.
    plateau = [s for s in samples if s["fds"] - idle_fds >= 0.99 * args.n]
    tick = os.sysconf("SC_CLK_TCK")
    cpu = None
    if len(plateau) >= 2 and plateau[-1]["t"] > plateau[0]["t"]:
        cpu = 100 * (plateau[-1]["ticks"] - plateau[0]["ticks"]) / tick / (plateau[-1]["t"] - plateau[0]["t"])
    write_json(args.json, {
        "n": args.n, "idleRssKiB": idle_rss, "idleFds": idle_fds, "afterRssKiB": rss_kib(args.pid), "afterSeconds": args.after,
        "plateauSeconds": plateau[-1]["t"] - plateau[0]["t"] if plateau else 0,
        "plateauRssKiB": statistics.median(s["rssKiB"] for s in plateau) if plateau else None,
        "peakRssKiB": max((s["rssKiB"] for s in samples), default=None),
        "peakSessions": max((s["fds"] - idle_fds for s in samples), default=0),
        "listenOverflows": overflows, "cpuPercent": cpu, "holdCpuSeconds": (samples[-1]["ticks"] - samples[0]["ticks"]) / tick if samples else None,
        "samples": samples,
    })
    return 0 if generator.returncode == 0 else 1


def section(raw, meta):
    """Scenario 12 as markdown lines, and its summary lines; both empty when the run has none."""
    hold, step = load(os.path.join(raw, "s12", "hold.json")), first_step(load(os.path.join(raw, "s12", "loadgen.json")))
    if not hold:
        return [], []
    n, tokens, pace = hold["n"], meta.get("mockTokens"), meta.get("mockTokensPerSecond")
    ok, failed = (step or {}).get("ok", 0), (step or {}).get("errors", n)
    per_session = (hold["plateauRssKiB"] - hold["idleRssKiB"]) * 1024 / n if hold.get("plateauRssKiB") else None
    rows = [
        ("sessions completed / failed", f"{ok:,} / {failed:,}" + (f" ({', '.join(f'{k} {v}' for k, v in step['errorsByKind'].items())})"
                                                                 if step and step.get("errorsByKind") else "")),
        ("events per completed session", f"{fmt((step or {}).get('eventsPerRequest'))} (expected {tokens + 4 if tokens else '?'})"),
        ("time to open all streams (last response head)", f"{fmt((step or {}).get('lastHeadersMs', 0) / 1000)} s"),
        ("connects dropped by a full listen queue meanwhile, then retried (TcpExt ListenOverflows, machine-wide)",
         "–" if hold.get("listenOverflows") is None else f"{hold['listenOverflows']:,}"),
        ("time to first event (`connected`) p50 / p99", f"{fmt(metric(step, 'connected', 'p50'))} / {fmt(metric(step, 'connected', 'p99'))} ms"),
        ("time to first text p50 / p99", f"{fmt(metric(step, 'firstContent', 'p50'))} / {fmt(metric(step, 'firstContent', 'p99'))} ms"),
        ("session length p50 / max", f"{fmt((metric(step, 'end', 'p50') or 0) / 1000)} / {fmt((metric(step, 'end', 'max') or 0) / 1000)} s"),
        ("server RSS idle / at the plateau / peak", f"{fmt(hold['idleRssKiB'] / 1024)} / {fmt((hold.get('plateauRssKiB') or 0) / 1024)} / "
                                                    f"{fmt((hold.get('peakRssKiB') or 0) / 1024)} MiB"),
        ("RSS per session at the plateau (over idle)", f"{fmt(per_session / 1024) if per_session else '?'} KiB"),
        ("server CPU during the plateau", f"{fmt(hold.get('cpuPercent'))}% of one core over {fmt(hold.get('plateauSeconds'))} s"),
        (f"server RSS {fmt(hold.get('afterSeconds'))} s after the last session", f"{fmt(hold['afterRssKiB'] / 1024)} MiB"),
    ]
    lines = ["## 12. Concurrent slow sessions on the mock model", "",
             f"One fresh Gateway with `MOCK_MODELS=mock-slow`, `MOCK_TOKENS={tokens}`, `MOCK_TOKENS_PER_SECOND={pace}` (each "
             f"session one text piece at once and the rest {fmt(1 / pace if pace else 0)} s apart) and no upstream: "
             f"`Gateway.LoadGen --mode closed --connections {n:,} --requests {n:,}` sends every `/chat` at once and holds "
             "each stream to its end. The server's VmRSS, open descriptors and utime+stime are sampled every "
             f"{SAMPLE_SECONDS} s; the plateau is while at least 99% of the sessions' connections are open in it.", "",
             "| measure | value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows] + [""]
    summary = [f"Scenario 12: {ok:,} of {n:,} concurrent mock sessions completed ({failed} failed); all open in "
               f"{fmt((step or {}).get('lastHeadersMs', 0) / 1000)} s; RSS {fmt((hold.get('plateauRssKiB') or 0) / 1024)} MiB at the plateau "
               f"({fmt(per_session / 1024) if per_session else '?'} KiB a session); CPU {fmt(hold.get('cpuPercent'))}% of one core."]
    return lines, summary


def cmd_render(args):
    """A report of scenario 12 alone (run.sh --only-mock-sessions)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "Concurrent slow mock sessions", "Scenario 12", lines, summary,
                                 "perf/run.sh --only-mock-sessions")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hold")
    for name, kind in (("--pid", int), ("--n", int), ("--limit", int)):
        p.add_argument(name, type=kind, required=True)
    for name in ("--loadgen", "--url", "--body", "--json", "--loadgen-json"):
        p.add_argument(name, required=True)
    p.add_argument("--settle", type=float, default=2)
    p.add_argument("--after", type=float, default=12)
    p = sub.add_parser("render")
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"hold": cmd_hold, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
