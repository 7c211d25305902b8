#!/usr/bin/env python3
"""The python side of perf/run.sh (issue 6), standard library only.

Subcommands:
  free-port                      print a free TCP port on 127.0.0.1
  step FILE                      one line summarising a Gateway.LoadGen JSON report (for the run log)
  pass FILE --p99-ms MS          exit 0 if the step sustained its rate: no more than 0.1% errors, achieved
                                 >= 95% of the target, p99 of --metric (firstContent) under MS
  startup --binary B --port P    exec -> first accepted connection (median of --runs), idle RSS, binary size
  idle --pid PID --port P --n N  N concurrent /chat sessions each waiting on a relay: RSS per session and
                                 CPU while idle, read from /proc/PID
  openai-probe --port P --body F  one POST to a front door (--door chat|messages|responses; streamed if F says
                                 "stream":true), checked to relay the mock's answer whole in the door's shape
                                 (scenario 6, perf/openai_front_door.py)
  render --raw DIR --out MD --svg SVG
                                 the report: summary table against the issue's goals, per-scenario tables,
                                 and an SVG chart of time-to-first-text percentiles against offered rate
"""
import argparse
import asyncio
import glob
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

import cluster_cost
import hardening
import mcp_cost
import mock_sessions
import openai_front_door
import rlm_cost
import security
import session_cost
from lab_results import (cpu_ms_per_request, errors_cell, first_step, fixed_rounds, fmt, load, metric, ratio,
                         round_median, rss_kib, write_json)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TARGETS = ("gateway", "kestrel", "mock")
CHAT_TARGETS = ("gateway", "kestrel", "anchor", "mock")  # scenario 1 measures the minimal-API anchor too (issue 12)
NAMES = {"gateway": "Gateway", "kestrel": "Kestrel baseline", "anchor": "minimal-API anchor", "mock": "mock (direct)"}
COLOURS = {"gateway": "#1f6feb", "kestrel": "#d1242f", "anchor": "#8250df", "mock": "#6e7781"}


# ---------------------------------------------------------------- /proc

def cpu_seconds(pid):
    """utime + stime of the process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# ---------------------------------------------------------------- small helpers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step_passes(step, p99_ms, metric_name):
    if not step:
        return False
    sent = max(step.get("sent", 0), 1)
    errors = step.get("errors", 0)
    target = step.get("targetRate") or 0
    achieved = step.get("achievedRate") or 0
    p99 = metric(step, metric_name, "p99")
    return errors <= 0.001 * sent and achieved >= 0.95 * target and p99 is not None and p99 < p99_ms


def cmd_step(args):
    step = first_step(load(args.file))
    if not step:
        print(f"{args.file}: no result")
        return 1
    first = metric(step, "firstContent", "p99")
    end = metric(step, "end", "p99")
    errs = ",".join(f"{k}={v}" for k, v in (step.get("errorsByKind") or {}).items()) or "0"
    target = step.get("targetRate")
    print(f"target {target if target is not None else 'closed'} achieved {step.get('achievedRate', 0):.0f}/s "
          f"ok {step.get('ok')} errors {errs} p50/p99 first {fmt(metric(step, 'firstContent', 'p50'))}/{fmt(first)} ms "
          f"end p99 {fmt(end)} ms")
    return 0


def cmd_pass(args):
    return 0 if step_passes(first_step(load(args.file)), args.p99_ms, args.metric) else 1


# ---------------------------------------------------------------- start-up

def connect_once(port):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def stop(process, timeout=10):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def cmd_startup(args):
    """Exec to the first accepted TCP connection (the server is listening and accepting), per run; then idle RSS."""
    env = dict(os.environ, PORT=str(args.port), HOST="127.0.0.1")
    times, rss = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        process = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = started + args.timeout
            while not connect_once(args.port):
                if process.poll() is not None or time.perf_counter() > deadline:
                    raise SystemExit(f"{args.binary} did not accept a connection within {args.timeout}s")
                time.sleep(0.0002)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(args.idle)
            rss.append(rss_kib(process.pid))
        finally:
            stop(process)
    size = os.path.getsize(args.binary)
    result = {"binary": os.path.basename(args.binary), "binaryBytes": size, "runs": args.runs,
              "startupMs": {"median": statistics.median(times), "min": min(times), "max": max(times)},
              "idleRssKiB": statistics.median(rss)}
    write_json(args.json, result)
    print(f"startup {os.path.basename(args.binary)}: median {result['startupMs']['median']:.1f} ms "
          f"(min {result['startupMs']['min']:.1f}), idle RSS {result['idleRssKiB'] / 1024:.1f} MiB, binary {size / 1e6:.1f} MB")
    return 0


# ---------------------------------------------------------------- idle streams

class IdleStreams:
    """Opens /chat sessions that stop at a relay event and then only receive ': ping' comments."""

    def __init__(self, port, body, setup_concurrency):
        self.port = port
        head = (f"POST /chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n")
        self.request = head.encode() + body
        self.setup = asyncio.Semaphore(setup_concurrency)
        self.ready = 0
        self.failed = {}
        self.closed = 0
        self.counting = False
        self.pings = 0
        self.writers = []

    def fail(self, kind):
        self.failed[kind] = self.failed.get(kind, 0) + 1

    async def session(self, ready_target, all_ready):
        async with self.setup:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError as e:
                self.fail(type(e).__name__)
                return
            self.writers.append(writer)
            try:
                writer.write(self.request)
                seen = b""
                while b"event: relay" not in seen:
                    chunk = await reader.read(65536)
                    if not chunk:
                        self.fail("closed_before_relay")
                        return
                    if seen == b"" and not chunk.startswith(b"HTTP/1.1 200"):
                        self.fail("status_" + chunk[9:12].decode(errors="replace"))
                        return
                    seen = seen[-64:] + chunk
            except OSError as e:
                self.fail(type(e).__name__)
                return
        self.ready += 1
        if self.ready >= ready_target:
            all_ready.set()
        try:
            while True:
                chunk = await reader.read(4096)
                if not chunk:
                    self.closed += 1
                    return
                if self.counting:
                    self.pings += chunk.count(b": ping")
        except OSError:
            self.closed += 1

    async def open(self, n, timeout):
        all_ready = asyncio.Event()
        tasks = [asyncio.create_task(self.session(n, all_ready)) for _ in range(n)]
        started = time.perf_counter()
        try:
            await asyncio.wait_for(all_ready.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        return tasks, time.perf_counter() - started

    async def close(self, tasks):
        for writer in self.writers:
            writer.transport.abort()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.writers.clear()


async def idle_run(args):
    body = args.body.encode()
    pid = args.pid

    # Warm-up: a few sessions to the relay and back, so pools, threads and the upstream connection exist.
    warm = IdleStreams(args.port, body, 64)
    tasks, _ = await warm.open(args.warmup, 30)
    await warm.close(tasks)
    await asyncio.sleep(args.settle)
    rss_before = rss_kib(pid)

    streams = IdleStreams(args.port, body, args.setup_concurrency)
    tasks, setup_seconds = await streams.open(args.n, args.setup_timeout)
    await asyncio.sleep(args.settle)
    rss_after = rss_kib(pid)
    cpu_start, wall_start = cpu_seconds(pid), time.perf_counter()
    streams.counting = True
    await asyncio.sleep(args.hold)
    streams.counting = False
    cpu_used, wall = cpu_seconds(pid) - cpu_start, time.perf_counter() - wall_start
    rss_end = rss_kib(pid)
    still_open = streams.ready - streams.closed
    await streams.close(tasks)

    sessions = max(streams.ready, 1)
    return {
        "sessions": args.n, "ready": streams.ready, "failed": streams.failed, "closedDuringHold": streams.closed,
        "openAtEnd": still_open, "setupSeconds": round(setup_seconds, 2),
        "rssBeforeKiB": rss_before, "rssAfterKiB": rss_after, "rssEndKiB": rss_end,
        "rssPerSessionKiB": (rss_after - rss_before) / sessions,
        "idleSeconds": round(wall, 2), "idleCpuSeconds": round(cpu_used, 3),
        "idleCpuPercent": 100 * cpu_used / wall,
        "idleCpuMicrosPerSessionSecond": 1e6 * cpu_used / wall / sessions,
        "pingsPerSecond": streams.pings / wall,
    }


def cmd_idle(args):
    result = asyncio.run(idle_run(args))
    write_json(args.json, result)
    print(f"idle: {result['ready']}/{result['sessions']} sessions at a relay in {result['setupSeconds']} s "
          f"(failed {result['failed'] or 0}); RSS {result['rssBeforeKiB'] / 1024:.1f} -> {result['rssAfterKiB'] / 1024:.1f} MiB "
          f"= {result['rssPerSessionKiB']:.1f} KiB/session; idle CPU {result['idleCpuPercent']:.1f}% of a core; "
          f"{result['pingsPerSecond']:.0f} pings/s")
    return 0 if result["ready"] > 0 else 1


# ---------------------------------------------------------------- the report

def sweep_attempts(raw, target):
    """Every sweep step of a target as (rate, attempt, step), sorted; files are sweep-<rate>-<attempt>.json."""
    attempts = []
    for path in glob.glob(os.path.join(raw, "s1", target, "sweep-*.json")):
        match = re.search(r"sweep-(\d+)-(\d+)\.json$", path)
        step = first_step(load(path))
        if match and step and step.get("targetRate"):
            attempts.append((int(match.group(1)), int(match.group(2)), step))
    return sorted(attempts, key=lambda a: (a[0], a[1]))


def sweep_steps(raw, target):
    """The last attempt at each offered rate (a failed step is run twice), sorted by rate."""
    last = {}
    for rate, _, step in sweep_attempts(raw, target):
        last[rate] = step
    return [last[rate] for rate in sorted(last)]


def svg_chart(raw, p99_ms, metric_name="firstContent"):
    width, height, left, right, top, bottom = 760, 440, 70, 190, 40, 55
    series = {t: sweep_steps(raw, t) for t in CHAT_TARGETS}
    points = [(s["targetRate"], metric(s, metric_name, p)) for steps in series.values() for s in steps for p in ("p50", "p99")]
    points = [(x, y) for x, y in points if y]
    if not points:
        return None
    import math
    # The servers' range: the mock, far faster, would squeeze them into a corner; its steps beyond are left out.
    server_rates = [s["targetRate"] for t in ("gateway", "kestrel", "anchor") for s in series[t]]
    x_max = (max(server_rates) if server_rates else max(x for x, _ in points)) * 1.1
    clipped = [s for steps in series.values() for s in steps if s["targetRate"] > x_max]
    points = [(x, y) for x, y in points if x <= x_max]
    y_lo = min(min(y for _, y in points), 0.1)
    y_hi = max(max(y for _, y in points), p99_ms * 2)
    ly_lo, ly_hi = math.floor(math.log10(y_lo)), math.ceil(math.log10(y_hi))
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x):
        return left + plot_w * x / x_max

    def sy(y):
        return top + plot_h * (1 - (math.log10(max(y, 10 ** ly_lo)) - ly_lo) / (ly_hi - ly_lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14" font-weight="bold">/chat time to first text vs offered rate '
           '(open loop; p50 solid, p99 dashed; log scale)</text>']
    for decade in range(ly_lo, ly_hi + 1):
        for m in (1, 2, 5):
            y = m * 10 ** decade
            if y < 10 ** ly_lo or y > 10 ** ly_hi:
                continue
            py = sy(y)
            out.append(f'<line x1="{left}" y1="{py:.1f}" x2="{left + plot_w}" y2="{py:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end">{y:g}</text>')
    step = nice_step(x_max / 6)
    x = 0.0
    while x <= x_max:
        px = sx(x)
        out.append(f'<line x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + plot_h}" stroke="#eee"/>')
        out.append(f'<text x="{px:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{x:g}</text>')
        x += step
    out.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle">offered rate (sessions/s)</text>')
    out.append(f'<text x="16" y="{top + plot_h / 2}" text-anchor="middle" transform="rotate(-90 16 {top + plot_h / 2})">'
               'time to first text (ms)</text>')
    target_y = sy(p99_ms)
    out.append(f'<line x1="{left}" y1="{target_y:.1f}" x2="{left + plot_w}" y2="{target_y:.1f}" stroke="#999" stroke-dasharray="2,3"/>')
    out.append(f'<text x="{left + plot_w - 4}" y="{target_y - 4:.1f}" text-anchor="end" fill="#666">p99 target {p99_ms:g} ms</text>')
    legend_y = top + 8
    for target, steps in series.items():
        colour = COLOURS[target]
        for pct, dash in (("p50", ""), ("p99", ' stroke-dasharray="6,4"')):
            xy = [(sx(s["targetRate"]), sy(metric(s, metric_name, pct))) for s in steps
                  if metric(s, metric_name, pct) and s["targetRate"] <= x_max]
            if not xy:
                continue
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in xy)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for px, py in xy:
                out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>')
            lx = left + plot_w + 14
            out.append(f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 26}" y2="{legend_y}" stroke="{colour}" stroke-width="2"{dash}/>')
            out.append(f'<text x="{lx + 32}" y="{legend_y + 4}">{NAMES[target]} {pct}</text>')
            legend_y += 18
    if clipped:
        top_step = max(clipped, key=lambda s: s["targetRate"])
        out.append(f'<text x="{left + plot_w + 14}" y="{legend_y + 10}" fill="#666">not shown: mock up to</text>')
        out.append(f'<text x="{left + plot_w + 14}" y="{legend_y + 26}" fill="#666">{top_step["targetRate"]:,.0f}/s '
                   f'(p99 {fmt(metric(top_step, metric_name, "p99"))} ms)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_step(raw_step):
    import math
    magnitude = 10 ** math.floor(math.log10(raw_step)) if raw_step > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw_step:
            return m * magnitude
    return 10 * magnitude


def sse_allocation(repo):
    """Bytes allocated per SSE event, from the committed EventSerializationBenchmark results (Generated* rows)."""
    files = sorted(glob.glob(os.path.join(repo, "perf", "results", "*event-serialization*.md")))
    for path in reversed(files):
        with open(path) as f:
            text = f.read()
        rows = re.findall(r"^\|\s*(Generated\w+)\s*\|.*$", text, re.M)
        if not rows:
            continue
        values = []
        for line in re.findall(r"^\|\s*Generated\w+\s*\|.*$", text, re.M):
            cells = [c.strip() for c in line.strip("|").split("|")]
            allocated = cells[-2] if len(cells) >= 2 else "?"
            values.append(0 if allocated in ("-", "0 B") else allocated)
        worst = 0 if all(v == 0 for v in values) else next(v for v in values if v != 0)
        return worst, os.path.relpath(path, repo), sorted(set(rows))
    return None, None, []


def display_name(target):
    return NAMES.get(target) or openai_front_door.NAMES.get(target, target)


def sweep_ratio_met(r, limit, gateway_capped, other_capped):
    """Whether Gateway's sustained rate is at least LIMIT times the other's. A sweep that passed at its ceiling gives a
    lower bound: the ratio then decides only one way, or not at all (None)."""
    if r is None or (gateway_capped and other_capped):
        return None
    if gateway_capped:
        return True if r >= limit else None
    if other_capped:
        return False if r < limit else None
    return r >= limit


def goal_mark(met):
    return "–" if met is None else ("✓" if met else "✗")


def goal_cell(met):
    return "–" if met is None else ("**met**" if met else "**not met**")


def render(args):
    raw = args.raw
    meta = load(os.path.join(raw, "meta.json")) or {}
    p99_ms = float(meta.get("p99TargetMs", 50))
    fixed_rate = meta.get("fixedRate")
    lines, summary, shortfalls, notes = [], [], [], []

    # Scenario 1: sweeps and the fixed-rate overhead.
    best = {}
    for t in CHAT_TARGETS:
        passing = [s["targetRate"] for s in sweep_steps(raw, t) if step_passes(s, p99_ms, "firstContent")]
        best[t] = max(passing) if passing else None
    capped = {t: bool(sweep_steps(raw, t)) and best[t] == max(s["targetRate"] for s in sweep_steps(raw, t)) for t in CHAT_TARGETS}
    rounds = {t: fixed_rounds(os.path.join(raw, "s1", t)) for t in CHAT_TARGETS}

    def ttft(t, pct):
        return round_median(rounds[t], "firstContent", pct)

    over = {pct: {t: (ttft(t, pct) - ttft("mock", pct)) if ttft(t, pct) is not None and ttft("mock", pct) is not None else None
                  for t in ("gateway", "kestrel")} for pct in ("p50", "p99")}
    r1 = ratio(best["gateway"], best["kestrel"])
    met1 = sweep_ratio_met(r1, 1.5, capped["gateway"], capped["kestrel"])
    cap_note = lambda t: "≥ " if capped.get(t) else ""
    summary.append(("1", f"highest sustained /chat sessions/s with p99 first text < {p99_ms:g} ms",
                    cap_note("gateway") + fmt(best["gateway"]), cap_note("kestrel") + fmt(best["kestrel"]),
                    cap_note("mock") + fmt(best["mock"]), fmt(r1) + "×" if r1 else "–", "≥ 1.5×", goal_cell(met1)))
    if met1 is False:
        shortfalls.append(f"Scenario 1: Gateway sustains {fmt(best['gateway'])} sessions/s against Kestrel's "
                          f"{fmt(best['kestrel'])} ({fmt(r1)}×), short of the 1.5× goal.")
    for pct in ("p50", "p99"):
        g, k = over[pct]["gateway"], over[pct]["kestrel"]
        # A negative difference means the mock's own run was the noisier one: it decides nothing.
        met = None if g is None or pct != "p99" or g < 0 else g < 1.0
        if g is not None and g < 0:
            notes.append(f"Scenario 1: the mock's {pct} at {fmt(fixed_rate)}/s ({fmt(ttft('mock', pct))} ms) is above "
                              f"Gateway's ({fmt(ttft('gateway', pct))} ms): that run was disturbed, and its overhead "
                              "figure is not a measurement.")
        summary.append(("1", f"first-text overhead over the mock at {fmt(fixed_rate)}/s, {pct} (ms)",
                        fmt(g), fmt(k), f"({fmt(ttft('mock', pct))} abs.)", fmt(ratio(g, k)) + "×" if ratio(g, k) else "–",
                        "< 1 ms" if pct == "p99" else "", goal_cell(met)))
        if met is False:
            shortfalls.append(f"Scenario 1: Gateway's p99 time-to-first-text overhead over the mock at {fmt(fixed_rate)}/s "
                              f"is {fmt(g)} ms, not under 1 ms (Kestrel baseline: {fmt(k)} ms).")

    # Scenario 5: CPU per session, measured during scenario 1's fixed-rate run.
    per_session = {t: cpu_ms_per_request(rounds[t]) for t in CHAT_TARGETS}
    r5 = ratio(per_session["gateway"], per_session["kestrel"])
    summary.append(("5", f"server CPU per /chat session at {fmt(fixed_rate)}/s (ms, user+sys)",
                    fmt(per_session["gateway"], 3), fmt(per_session["kestrel"], 3), fmt(per_session["mock"], 3),
                    fmt(r5) + "×" if r5 else "–", "", "–"))

    # Scenario 2: idle streams.
    idle = {t: load(os.path.join(raw, "s2", f"{t}.json")) for t in ("gateway", "kestrel")}
    rss = {t: (idle[t] or {}).get("rssPerSessionKiB") for t in idle}
    r2 = ratio(rss["gateway"], rss["kestrel"])
    met2 = None if r2 is None else r2 <= 0.5
    n_idle = meta.get("idleSessions")
    summary.append(("2", f"RSS per idle session, {fmt(n_idle)} sessions at a relay (KiB)", fmt(rss["gateway"]),
                    fmt(rss["kestrel"]), "n/a", fmt(r2) + "×" if r2 else "–", "≤ 0.5×", goal_cell(met2)))
    if met2 is False:
        shortfalls.append(f"Scenario 2: Gateway holds an idle session in {fmt(rss['gateway'])} KiB against Kestrel's "
                          f"{fmt(rss['kestrel'])} KiB ({fmt(r2)}×), more than half.")
    cpu_idle = {t: (idle[t] or {}).get("idleCpuPercent") for t in idle}
    summary.append(("2", f"CPU while {fmt(n_idle)} sessions idle, pings every {meta.get('pingSeconds', 1)} s (% of a core)",
                    fmt(cpu_idle["gateway"]), fmt(cpu_idle["kestrel"]), "n/a",
                    fmt(ratio(cpu_idle["gateway"], cpu_idle["kestrel"])) + "×" if ratio(cpu_idle["gateway"], cpu_idle["kestrel"]) else "–", "", "–"))
    for t in idle:
        if idle[t] and idle[t].get("ready", 0) < idle[t].get("sessions", 0):
            shortfalls.append(f"Scenario 2: only {idle[t]['ready']} of {idle[t]['sessions']} {NAMES[t]} sessions reached "
                              f"their relay (failures: {idle[t].get('failed')}); per-session figures divide by those that did.")

    # Scenario 3: small requests.
    small = {}
    for path in ("health", "models"):
        for mode in ("keepalive", "pipelined"):
            row = {}
            for t in TARGETS:
                step = first_step(load(os.path.join(raw, "s3", f"{t}-{path}-{mode}.json")))
                wrk = load(os.path.join(raw, "s3", f"{t}-{path}-{mode}-wrk.json"))
                row[t] = (step.get("achievedRate") if step else None, (wrk or {}).get("requestsPerSecond"), step)
            small[(path, mode)] = row
            g, k, m = row["gateway"][0], row["kestrel"][0], row["mock"][0]
            r3 = ratio(g, k)
            met3 = None if r3 is None else r3 >= 2.0
            summary.append(("3", f"GET /{path} requests/s, {'keep-alive' if mode == 'keepalive' else 'pipelined ×' + str(meta.get('pipeline', 16))}",
                            fmt(g), fmt(k), fmt(m), fmt(r3) + "×" if r3 else "–", "≥ 2×", goal_cell(met3)))
            if met3 is False:
                shortfalls.append(f"Scenario 3: GET /{path} {mode}: Gateway {fmt(g)} req/s vs Kestrel {fmt(k)} ({fmt(r3)}×), short of 2×.")
            gw, kw = row["gateway"][1], row["kestrel"][1]
            if gw or kw:
                summary.append(("3", f"  … cross-check with wrk", fmt(gw), fmt(kw), fmt(row["mock"][1]),
                                fmt(ratio(gw, kw)) + "×" if ratio(gw, kw) else "–", "", ""))

    # Scenario 4: start-up.
    start = {t: load(os.path.join(raw, "s4", f"{t}.json")) for t in ("gateway", "kestrel")}
    sm = {t: ((start[t] or {}).get("startupMs") or {}).get("median") for t in start}
    summary.append(("4", "exec → first accepted connection (ms, median)", fmt(sm["gateway"]), fmt(sm["kestrel"]), "n/a",
                    fmt(ratio(sm["gateway"], sm["kestrel"])) + "×" if ratio(sm["gateway"], sm["kestrel"]) else "–", "", "–"))
    ir = {t: (start[t] or {}).get("idleRssKiB") for t in start}
    summary.append(("4", "idle RSS (MiB)", fmt(ir["gateway"] / 1024 if ir["gateway"] else None),
                    fmt(ir["kestrel"] / 1024 if ir["kestrel"] else None), "n/a",
                    fmt(ratio(ir["gateway"], ir["kestrel"])) + "×" if ratio(ir["gateway"], ir["kestrel"]) else "–", "", "–"))
    bs = {t: (start[t] or {}).get("binaryBytes") for t in start}
    summary.append(("4", "binary size (MB, the executable)", fmt(bs["gateway"] / 1e6 if bs["gateway"] else None),
                    fmt(bs["kestrel"] / 1e6 if bs["kestrel"] else None), "n/a",
                    fmt(ratio(bs["gateway"], bs["kestrel"])) + "×" if ratio(bs["gateway"], bs["kestrel"]) else "–", "", "–"))

    # Allocation per SSE event, from the benchmarks.
    alloc, alloc_file, alloc_rows = sse_allocation(args.repo)
    summary.append(("–", "bytes allocated per SSE event (EventSerializationBenchmark.Generated*)",
                    "–" if alloc_file is None else f"{alloc} B", "n/a", "n/a", "", "0 B",
                    goal_cell(None if alloc_file is None else alloc == 0)))
    if alloc_file is None:
        shortfalls.append("No EventSerializationBenchmark results under perf/results: bytes per SSE event not reported.")
    elif alloc != 0:
        shortfalls.append(f"EventSerializationBenchmark reports {alloc} allocated per SSE event ({alloc_file}).")

    # Issue 12's goals, each in one row: from scenarios 1, 2 and 4 here, 10 and 11 in session_cost.
    budget = json.load(open(os.path.join(args.repo, "perf", "allocation-budget.json")))
    r_anchor = ratio(best["gateway"], best["anchor"])
    goals = [("`/chat` sessions/s at p99 first text < " + f"{p99_ms:g} ms, Gateway over the minimal-API anchor (scenario 1)",
              "≥ 2×", f"{fmt(r_anchor)}× ({cap_note('gateway')}{fmt(best['gateway'])} / {cap_note('anchor')}{fmt(best['anchor'])})"
              if r_anchor else "–", sweep_ratio_met(r_anchor, 2.0, capped["gateway"], capped["anchor"])),
             (f"`/chat` sessions/s at p99 first text < {p99_ms:g} ms, Gateway over the Kestrel baseline (scenario 1)", "≥ 1.5×",
              f"{fmt(r1)}× ({cap_note('gateway')}{fmt(best['gateway'])} / {cap_note('kestrel')}{fmt(best['kestrel'])})"
              if r1 else "–", met1)]
    g50 = over["p50"]["gateway"]
    goals.append((f"first-text overhead over the mock, p50 at {fmt(fixed_rate)}/s (scenario 1)", "≤ 0.1 ms",
                  "–" if g50 is None else f"{g50:.3f} ms", None if g50 is None or g50 < 0 else g50 <= 0.1))
    goals += session_cost.goal_rows(raw, meta, budget)
    goals.append((f"RSS per idle relay-waiting session, {fmt(n_idle)} sessions (scenario 2)", "≤ 8 KiB",
                  "–" if rss["gateway"] is None else f"{fmt(rss['gateway'])} KiB",
                  None if rss["gateway"] is None else rss["gateway"] <= 8))
    goals.append(("idle RSS 1 s after start (scenario 4)", "< 8 MB",
                  "–" if ir["gateway"] is None else f"{ir['gateway'] * 1024 / 1e6:.1f} MB ({fmt(ir['gateway'] / 1024)} MiB)",
                  None if ir["gateway"] is None else ir["gateway"] * 1024 < 8e6))
    for goal, target, measured, met in goals:
        if met is False:
            shortfalls.append(f"Issue 12: {goal}: {measured}, not {target}.")
    session_cost.write_figures(raw, meta, os.path.join(raw, "allocation.json"))

    # How disturbed the sweeps were: repeated steps, and steps whose result the repeat reversed.
    all_attempts = [(t, rate, attempt, st) for t in CHAT_TARGETS for rate, attempt, st in sweep_attempts(raw, t)]
    repeated = [(t, rate) for t, rate, attempt, _ in all_attempts if attempt > 1]
    reversed_steps = [(t, rate) for t, rate in repeated
                      if step_passes(next(st for tt, r, a, st in all_attempts if tt == t and r == rate and a > 1), p99_ms, "firstContent")]
    if repeated:
        notes.append(f"Scenario 1 sweeps: {len(repeated)} of {len(all_attempts) - len(repeated)} steps failed and were run again; "
                     f"the repeat passed in {len(reversed_steps)} "
                     f"({', '.join(f'{NAMES[t]} at {rate:,}/s' for t, rate in reversed_steps) or 'none'}). Steps this close "
                     "to the limit are sensitive to anything else the machine runs, so the sessions/s row is the least "
                     "repeatable figure of the report: compare runs before trusting a ratio there.")

    # Servers that died during the run (run.sh records them and starts them again).
    crashes = []
    try:
        with open(os.path.join(raw, "crashes.jsonl")) as f:
            crashes = [json.loads(line) for line in f if line.strip()]
    except OSError:
        pass
    for c in crashes:
        shortfalls.insert(0, f"{display_name(c['target'])} **crashed** (exit status {c['status']}) during "
                             f"{c['during']}: `{c['message'][:300]}`. It was restarted; results of that step are void.")

    # ------------------------------------------------------------ write
    title = "Performance lab, quick run" if meta.get("quick") else "Performance lab"
    lines += [f"# {title}: {meta.get('date', '?')}, commit `{meta.get('commit', '?')}`{' (with uncommitted changes)' if meta.get('dirty') else ''}", ""]
    lines += ["Written by `perf/run.sh" + (" --quick" if meta.get("quick") else "") + "` (issues 6, 11, 12). Gateway and the Kestrel "
              "baseline (`perf/Gateway.KestrelBaseline`: the same endpoints, orchestrators, providers and serializers on "
              "ASP.NET Core Kestrel) run the same native-AOT build settings and configuration; the minimal-API anchor "
              "(`../shared/anchors/kestrel-minimal-api`, what a C# developer would write on ASP.NET Core, issue 12) runs "
              "beside them against the same mock; the mock (`perf/Gateway.MockUpstream`) is measured directly for calibration. Load from `perf/Gateway.LoadGen` "
              "(open loop for /chat, so latencies count from the scheduled start) and wrk.", ""]
    lines += [f"Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, {meta.get('os', '?')}; load average "
              f"{meta.get('loadBefore', '?')} before the run and {meta.get('loadAfter', '?')} after. Servers, mock and load "
              "generators share these cores, so absolute numbers are low and noisy; the ratios between servers measured in "
              f"the same run are what this report is for. Run time {meta.get('runSeconds', '?')} s.", ""]
    lines += ["## Issue 12 goals", "",
              "Each goal of issue 12 as a ratio or figure of this run (scenarios 1, 2, 4, 10 and 11). "
              "✓ met, ✗ not met, – not decided by this run.", "",
              "| goal | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {goal} | {target} | {measured} | {goal_mark(met)} |" for goal, target, measured, met in goals]
    lines += [""]
    lines += ["## Summary", "",
              "| # | measure | Gateway | Kestrel | mock | Gateway / Kestrel | goal | |",
              "|---|---|---:|---:|---:|---:|---|---|"]
    lines += [f"| {' | '.join(str(c) for c in row)} |" for row in summary]
    lines += ["", "“≥” marks a sweep that passed at its highest offered rate (the real limit is higher). "
              "CPU and RSS ratios below 1× favour Gateway.", ""]
    lines += ["### Where Gateway falls short", ""]
    lines += [f"- {s}" for s in shortfalls] if shortfalls else ["- Every goal measured in this run is met."]
    lines += [""]
    if notes:
        lines += ["### Notes on this run", ""] + [f"- {n}" for n in notes] + [""]

    # Scenario 1 details.
    lines += [f"## 1. /chat, mock streaming {meta.get('chunks', 32)} text chunks", "",
              f"Open-loop rate sweep per server (warm-up {meta.get('sweepWarmup')}, {meta.get('sweepDuration')} per step): the "
              f"rate doubles while the step passes (≤ 0.1% errors, ≥ 95% of the rate achieved, p99 first text < {p99_ms:g} ms), "
              "then bisects between the last pass and the first failure; a failing step is run again before it counts "
              "(“again” rows; the second attempt decides). The servers take turns, one step each, so that a disturbance "
              "from elsewhere on the machine falls on all of them. Times in ms from the scheduled start. "
              "For the mock, “first text” is its first `data:` line.", ""]
    if os.path.exists(args.svg):
        lines += [f"![time to first text against offered rate]({os.path.basename(args.svg)})", ""]
    lines += ["| server | offered/s | achieved/s | errors | first text p50 | p90 | p99 | p99.9 | end p99 | generator lag ms | passes |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for t in CHAT_TARGETS:
        for _, attempt, s in sweep_attempts(raw, t):
            lines.append(f"| {NAMES[t]}{' (again)' if attempt > 1 else ''} | {fmt(s['targetRate'])} | {fmt(s.get('achievedRate'))} | {errors_cell(s)} | "
                         f"{fmt(metric(s, 'firstContent', 'p50'))} | {fmt(metric(s, 'firstContent', 'p90'))} | "
                         f"{fmt(metric(s, 'firstContent', 'p99'))} | {fmt(metric(s, 'firstContent', 'p999'))} | "
                         f"{fmt(metric(s, 'end', 'p99'))} | {fmt(s.get('maxDispatchLagMs'))} | "
                         f"{'yes' if step_passes(s, p99_ms, 'firstContent') else 'no'} |")
    lines += ["", f"At a fixed {fmt(fixed_rate)} sessions/s, in {meta.get('fixedRounds', 1)} round(s) of "
              f"{meta.get('fixedDuration')} after a warm-up, the three targets taking turns within each round; the summary "
              "uses the median of the rounds. Scenario 5's CPU is the server's user+sys time over the rounds divided by the "
              "sessions it completed in them:", "",
              "| server | round | achieved/s | errors | headers p50 | connected p50 | first text p50 | p90 | p99 | p99.9 | end p50 | end p99 | events/session | CPU ms/session |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for t in CHAT_TARGETS:
        if not rounds[t]:
            lines.append(f"| {NAMES[t]} | (no result) ||||||||||||")
            continue
        for number, s, c in rounds[t]:
            cpu_ms = 1000 * c["cpuSeconds"] / c["sessions"] if c and c.get("sessions") else None
            lines.append(f"| {NAMES[t]} | {number} | {fmt(s.get('achievedRate'))} | {errors_cell(s)} | {fmt(metric(s, 'headers', 'p50'))} | "
                         f"{fmt(metric(s, 'connected', 'p50'))} | {fmt(metric(s, 'firstContent', 'p50'))} | "
                         f"{fmt(metric(s, 'firstContent', 'p90'))} | {fmt(metric(s, 'firstContent', 'p99'))} | "
                         f"{fmt(metric(s, 'firstContent', 'p999'))} | {fmt(metric(s, 'end', 'p50'))} | {fmt(metric(s, 'end', 'p99'))} | "
                         f"{fmt(s.get('eventsPerRequest'))} | {fmt(cpu_ms, 3)} |")
        if len(rounds[t]) > 1:
            lines.append(f"| {NAMES[t]} | **median** | | | {fmt(round_median(rounds[t], 'headers', 'p50'))} | "
                         f"{fmt(round_median(rounds[t], 'connected', 'p50'))} | **{fmt(ttft(t, 'p50'))}** | "
                         f"{fmt(round_median(rounds[t], 'firstContent', 'p90'))} | **{fmt(ttft(t, 'p99'))}** | "
                         f"{fmt(round_median(rounds[t], 'firstContent', 'p999'))} | {fmt(round_median(rounds[t], 'end', 'p50'))} | "
                         f"{fmt(round_median(rounds[t], 'end', 'p99'))} | | {fmt(per_session[t], 3)} (all rounds) |")
    lines += ["", "The overhead rows of the summary subtract the mock's percentile from the server's (a difference of "
              "percentiles, not a percentile of differences).", ""]

    # Scenario 2 details.
    lines += [f"## 2. Idle streams", "",
              f"{fmt(n_idle)} concurrent /chat sessions (asyncio client in report.py); the mock answers each with a `bash` "
              "tool call, which needs permission, so every session emits a `relay` and waits (RELAY_TIMEOUT_SECONDS=600) "
              f"while `: ping` comments flow every {meta.get('pingSeconds', 1)} s. RSS from /proc/PID/status (VmRSS) after a "
              "warm-up and after all sessions reached their relay; CPU from /proc/PID/stat (utime+stime) over the hold.", "",
              "| server | sessions at relay | setup s | RSS before MiB | RSS after MiB | KiB/session | idle CPU % of a core | µs CPU per session-second | pings/s received |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for t in ("gateway", "kestrel"):
        r = idle[t]
        if not r:
            lines.append(f"| {NAMES[t]} | (no result) ||||||||")
            continue
        lines.append(f"| {NAMES[t]} | {r['ready']}/{r['sessions']} | {fmt(r['setupSeconds'])} | {fmt(r['rssBeforeKiB'] / 1024)} | "
                     f"{fmt(r['rssAfterKiB'] / 1024)} | {fmt(r['rssPerSessionKiB'])} | {fmt(r['idleCpuPercent'])} | "
                     f"{fmt(r['idleCpuMicrosPerSessionSecond'])} | {fmt(r['pingsPerSecond'])} |")
    lines += [""]

    # Scenario 3 details.
    has_wrk = any(row[t][1] for row in small.values() for t in TARGETS)
    lines += ["## 3. Small requests", "",
              f"Closed loop, {meta.get('smallConnections')} keep-alive connections, {meta.get('smallDuration')} per run after "
              f"a warm-up; pipelined: {meta.get('pipeline', 16)} requests written back to back per connection. "
              + (f"wrk with the same connections ({meta.get('wrkThreads')} thread, {meta.get('wrkDuration')}; pipelining by a "
                 "Lua script). " if has_wrk else "No wrk cross-check in this run (the full run makes it). ")
              + "The mock's `/v1/models` stands in for `/models`.", "",
              "| path | mode | server | LoadGen req/s | wrk req/s | p50 ms | p99 ms | errors |",
              "|---|---|---|---:|---:|---:|---:|---:|"]
    for (path, mode), row in small.items():
        for t in TARGETS:
            achieved, wrk, s = row[t]
            lines.append(f"| /{path} | {mode} | {NAMES[t]} | {fmt(achieved)} | {fmt(wrk)} | {fmt(metric(s, 'end', 'p50'))} | "
                         f"{fmt(metric(s, 'end', 'p99'))} | {errors_cell(s) if s else '–'} |")
    lines += [""]

    # Scenario 4 details.
    lines += ["## 4. Start-up", "",
              "Exec to the first accepted TCP connection (polled every 0.2 ms), median of "
              f"{(start['gateway'] or {}).get('runs', '?')} runs, with the scenario-1 configuration (the catalog lists the mock's "
              "models before the listener opens); idle RSS 1 s after; the executable's size (both also ship the same "
              "LLamaSharp natives under runtimes/).", "",
              "| server | start-up median ms | min | max | idle RSS MiB | binary MB |", "|---|---:|---:|---:|---:|---:|"]
    for t in ("gateway", "kestrel"):
        r = start[t]
        if r:
            lines.append(f"| {NAMES[t]} | {fmt(r['startupMs']['median'])} | {fmt(r['startupMs']['min'])} | "
                         f"{fmt(r['startupMs']['max'])} | {fmt(r['idleRssKiB'] / 1024)} | {fmt(r['binaryBytes'] / 1e6)} |")
    lines += ["", "## Allocation per SSE event", "",
              (f"From `{alloc_file}` ({', '.join(alloc_rows)}): {alloc} B per event. Not re-measured by this script; "
               "`perf/Gateway.Benchmarks` with `perf/allocation-budget.json` guards it." if alloc_file else "No results found."), ""]
    front_door, front_door_summary = openai_front_door.section(raw, meta)
    lines += front_door
    slow_clients, slow_clients_summary = hardening.section(raw, args.svg[:-len(".svg")] + "-soak.svg")
    lines += slow_clients
    lines += session_cost.section(raw, meta)
    many_sessions, many_sessions_summary = mock_sessions.section(raw, meta)
    lines += many_sessions
    security_costs, security_costs_summary = security.section(raw, meta)
    lines += security_costs
    rlm_costs, rlm_costs_summary = rlm_cost.section(raw, meta)
    lines += rlm_costs
    mcp_costs, mcp_costs_summary = mcp_cost.section(raw, meta)
    lines += mcp_costs
    cluster_costs, cluster_costs_summary = cluster_cost.section(raw, meta)
    lines += cluster_costs
    if crashes:
        lines += ["## Crashes", "", "| server | during | exit status | first exception line | log |", "|---|---|---:|---|---|"]
        lines += [f"| {display_name(c['target'])} | {c['during']} | {c['status']} | `{c['message'][:200]}` | "
                  f"`{os.path.basename(c['log'])}` |" for c in crashes]
        lines += [""]
    lines += ["## Command", "", "```sh", meta.get("command", "perf/run.sh"), "```", "",
              "Raw load-generator JSON, wrk output and server logs of the run: `" + meta.get("rawDir", raw) + "` (not committed).", ""]

    with open(args.out, "w") as f:
        f.write("\n".join(lines))

    # The summary on stdout, for CI logs.
    print("Issue 12 goals:")
    for goal, target, measured, met in goals:
        print(f"  {goal_mark(met)} {goal}: {measured} (target {target})")
    print("| # | measure | Gateway | Kestrel | mock | Gateway / Kestrel | goal | |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for row in summary:
        print(f"| {' | '.join(str(c) for c in row)} |")
    for s in shortfalls + notes:
        print(f"- {s}")
    if front_door_summary:
        print("\n".join(front_door_summary))
    if slow_clients_summary:
        print("\n".join(slow_clients_summary))
    if many_sessions_summary:
        print("\n".join(many_sessions_summary))
    if security_costs_summary:
        print("\n".join(security_costs_summary))
    if rlm_costs_summary:
        print("\n".join(rlm_costs_summary))
    if mcp_costs_summary:
        print("\n".join(mcp_costs_summary))
    if cluster_costs_summary:
        print("\n".join(cluster_costs_summary))
    return 0


def cmd_render(args):
    chart = svg_chart(args.raw, float((load(os.path.join(args.raw, "meta.json")) or {}).get("p99TargetMs", 50)))
    if chart:
        with open(args.svg, "w") as f:
            f.write(chart)
    elif os.path.exists(args.svg):
        os.remove(args.svg)
    return render(args)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("free-port")
    p = sub.add_parser("step")
    p.add_argument("file")
    p = sub.add_parser("pass")
    p.add_argument("file")
    p.add_argument("--p99-ms", type=float, default=50)
    p.add_argument("--metric", default="firstContent")
    p = sub.add_parser("startup")
    p.add_argument("--binary", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--idle", type=float, default=1.0)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--json", required=True)
    p = sub.add_parser("idle")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--settle", type=float, default=2)
    p.add_argument("--hold", type=float, default=10)
    p.add_argument("--setup-concurrency", type=int, default=256)
    p.add_argument("--setup-timeout", type=float, default=120)
    p.add_argument("--json", required=True)
    openai_front_door.add_probe_arguments(sub.add_parser("openai-probe"))
    p = sub.add_parser("render")
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--svg", required=True)
    p.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = parser.parse_args()

    # SIGTERM from run.sh's trap unwinds (finally blocks stop any server a subcommand started).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.command == "free-port":
        print(free_port())
        return 0
    return {"step": cmd_step, "pass": cmd_pass, "startup": cmd_startup, "idle": cmd_idle, "render": cmd_render,
            "openai-probe": openai_front_door.cmd_probe}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
