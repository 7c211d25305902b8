"""Scenarios 7-9 of perf/run.sh (issue 11, perf/README.md "Slow clients, memory and the soak"), driven by
perf/hardening.sh and rendered into the report by section(). Standard library only; traffic only to 127.0.0.1.

  slowloris  /health p99 (open loop) and /chat sessions/s (closed loop) without and with N connections that send a
             header byte every INTERVAL seconds; counts the 408 each of them gets
  memory     RSS idle, under N idle keep-alive connections and AFTER seconds after they close; under M /chat streams
             whose clients never read, until WRITE_TIMEOUT drops them, and AFTER seconds later
  soak       mixed /chat (text, relays answered, relays left to time out, clients leaving at random points) and
             /v1/chat/completions (streamed and whole) for DURATION; the RSS curve, then what is left at the end
  render     a report of these three alone (run.sh --only-hardening); perf/report.py renders them with the others
"""
import argparse
import asyncio
import collections
import glob
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

from lab_results import first_step, fmt, load, metric, ratio, rss_kib, write_json, write_scenario_report

ESTABLISHED = "01"
SESSION_ID = re.compile(rb'"type":"connected","sessionId":"([0-9a-f-]{36})"')
RELAY_ID = re.compile(rb'"type":"relay","kind":"permission","runId":"[0-9a-f-]{36}","id":"([0-9a-f-]{36})"')


# ---------------------------------------------------------------- /proc

def tcp_sockets(port, side):
    """(send queue, receive queue) of every ESTABLISHED TCP socket whose local (side 1) or remote (side 2) port is port."""
    found = []
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(path) as table:
            next(table)
            for line in table:
                fields = line.split()
                if fields[3] == ESTABLISHED and int(fields[side].rsplit(":", 1)[1], 16) == port:
                    send, receive = fields[4].split(":")
                    found.append((int(send, 16), int(receive, 16)))
    return found


def child_processes(pid):
    children = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        with open(path) as f:
            children += f.read().split()
    return children


class RssCurve:
    """VmRSS of a process every INTERVAL seconds, each sample tagged with the phase it was taken in."""

    def __init__(self, pid, interval):
        self.pid, self.interval, self.phase, self.samples = pid, interval, "", []
        self.started = time.monotonic()

    async def run(self):
        while True:
            self.take()
            await asyncio.sleep(self.interval)

    def take(self):
        kib = rss_kib(self.pid)
        self.samples.append((round(time.monotonic() - self.started, 2), kib, self.phase))
        return kib

    def peak(self, phase):
        return max((kib for _, kib, p in self.samples if p == phase), default=None)


# ---------------------------------------------------------------- HTTP/1.1 over asyncio streams

def request_bytes(method, path, body=b"", port=0):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def read_response(reader, on_data=None):
    """Reads one response (Content-Length or chunked); returns (status, body). on_data(bytes) sees each piece as it comes."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    headers = head.lower()
    body = bytearray()
    if b"transfer-encoding: chunked" in headers:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, bytes(body)
            piece = await reader.readexactly(size + 2)
            body += piece[:-2]
            if on_data:
                on_data(bytes(body))
    match = re.search(rb"content-length: *(\d+)", headers)
    body = await reader.readexactly(int(match.group(1))) if match else b""
    return status, body


async def exchange(port, method, path, body=b""):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes(method, path, body, port))
        return await read_response(reader)
    finally:
        writer.transport.abort()


# ---------------------------------------------------------------- 7. slowloris

class SlowClient(asyncio.Protocol):
    """A client that sends its head a byte at a time (SlowlorisTicker), never finishing it; records what the server says."""

    def __init__(self, port, results):
        self.port, self.results, self.transport, self.answered = port, results, None, False
        self.closed = asyncio.get_running_loop().create_future()
        self.started = time.monotonic()

    def connection_made(self, transport):
        self.transport = transport
        transport.write(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nX-Slow: ".encode())

    def data_received(self, data):
        if not self.answered:
            self.answered = True
            self.results[f"status_{data[9:12].decode(errors='replace')}"] += 1
            self.results["lifetimes"].append(time.monotonic() - self.started)
            self.transport.close()

    def connection_lost(self, exc):
        if not self.answered:
            self.results[type(exc).__name__ if exc else "closed_without_answer"] += 1
        self.closed.set_result(None)


async def slowloris_ticker(clients, interval):
    """One timer for all of them, so the client's own cost stays small: each gets a byte every INTERVAL seconds."""
    slots = 20
    tick = 0
    while True:
        await asyncio.sleep(interval / slots)
        for client in clients[tick % slots::slots]:
            if not client.answered and not client.closed.done():
                client.transport.write(b"a")
        tick += 1


async def open_slow_clients(port, n, results):
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(100)

    async def one():
        async with gate:
            try:
                _, client = await loop.create_connection(lambda: SlowClient(port, results), "127.0.0.1", port)
                return client
            except OSError as e:
                results[type(e).__name__] += 1
                return None

    return [c for c in await asyncio.gather(*(one() for _ in range(n))) if c]


async def loadgen(args, label, *extra):
    """One Gateway.LoadGen run; returns its first step (None when it failed)."""
    out = os.path.join(args.out_dir, f"{label}.json")
    command = [args.loadgen, "--quiet", "--json", out, "--label", label, "--timeout", "5s",
               "--duration", args.duration, "--warmup", args.warmup, *extra]
    process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await asyncio.wait_for(process.wait(), 120)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
    return first_step(load(out))


async def normal_load(args, when):
    base = f"http://127.0.0.1:{args.port}"
    health = await loadgen(args, f"health-{when}", "--url", f"{base}/health", "--mode", "open", "--rate", str(args.health_rate))
    chat = await loadgen(args, f"chat-{when}", "--url", f"{base}/chat", "--mode", "closed", "--connections",
                         str(args.chat_connections), "--method", "POST", "--body", args.chat_body, "--sse")
    return {"healthP99Ms": metric(health, "end", "p99"), "healthErrors": (health or {}).get("errors"),
            "chatPerSecond": (chat or {}).get("achievedRate"), "chatErrors": (chat or {}).get("errors")}


def mean_of(*values):
    values = [v for v in values if v is not None]
    return statistics.mean(values) if values else None


async def slowloris_run(args):
    without = await normal_load(args, "without")
    results = collections.defaultdict(int, lifetimes=[])
    clients = await asyncio.wait_for(open_slow_clients(args.port, args.n, results), 60)
    ticker = asyncio.create_task(slowloris_ticker(clients, args.interval))
    with_slowloris = await normal_load(args, "with")
    answered_during_load = len(results["lifetimes"])
    closed = [c.closed for c in clients]
    done, pending = await asyncio.wait(closed, timeout=args.headers_timeout + 2 * args.interval + 15)
    ticker.cancel()
    for client in clients:
        client.transport.abort()
    # Once more without them, so that a shared machine's drift falls on both sides of the comparison.
    before, after = without, await normal_load(args, "after")
    without = {key: mean_of(before[key], after[key]) for key in before}
    lifetimes = results.pop("lifetimes")
    return {"connections": args.n, "opened": len(clients), "intervalSeconds": args.interval,
            "headersTimeoutSeconds": args.headers_timeout, "answers": dict(results), "answeredDuringLoad": answered_during_load,
            "stillOpen": len(pending), "answerAfterSeconds": {"min": min(lifetimes, default=None), "max": max(lifetimes, default=None)},
            "without": without, "before": before, "after": after, "with": with_slowloris}


def cmd_slowloris(args):
    result = asyncio.run(slowloris_run(args))
    write_json(args.json, result)
    w, s = result["without"], result["with"]
    print(f"   slowloris: {result['answers'].get('status_408', 0)}/{result['connections']} answered 408 "
          f"({result['answers']}); /health p99 {fmt(w['healthP99Ms'])} -> {fmt(s['healthP99Ms'])} ms, "
          f"/chat {fmt(w['chatPerSecond'])} -> {fmt(s['chatPerSecond'])} sessions/s")
    return 0


# ---------------------------------------------------------------- 8. memory after bursts, stuck readers

async def idle_connection(port, held, failures, gate):
    async with gate:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request_bytes("GET", "/health", port=port))
            status, _ = await asyncio.wait_for(read_response(reader), 30)
            if status != 200:
                failures[f"status_{status}"] += 1
            held.append(writer)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
            failures[type(e).__name__] += 1


async def stuck_reader(port, request):
    """A /chat client with a small receive buffer that never reads a byte of the answer."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(sock, request)
    return sock


def dropped(sock):
    """True when the server has ended the connection (reset, or closed before the last chunk)."""
    try:
        data = b""
        while True:
            piece = sock.recv(1 << 20)
            if not piece:
                return not data.endswith(b"0\r\n\r\n")
            data = data[-16:] + piece
    except BlockingIOError:
        return False
    except OSError:
        return True


async def settle(curve, seconds, phase):
    curve.phase = phase
    await asyncio.sleep(seconds)
    return curve.take()


async def memory_run(args):
    curve = RssCurve(args.pid, 0.5)
    sampler = asyncio.create_task(curve.run())
    result = {"idleConnections": args.idle_n, "stuckReaders": args.stuck_n, "afterSeconds": args.after,
              "writeTimeoutSeconds": args.write_timeout}
    try:
        for _ in range(20):
            await exchange(args.port, "GET", "/health")
        result["idleKiB"] = await settle(curve, 2, "idle")

        curve.phase = "idle connections"
        held, failures, gate = [], collections.defaultdict(int), asyncio.Semaphore(256)
        started = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(idle_connection(args.port, held, failures, gate) for _ in range(args.idle_n))), 180)
        result["idleOpened"], result["idleFailures"] = len(held), dict(failures)
        result["idleSetupSeconds"] = round(time.monotonic() - started, 1)
        result["underIdleKiB"] = await settle(curve, 2, "idle connections")
        for writer in held:
            writer.transport.abort()
        held.clear()
        result["afterIdleKiB"] = await settle(curve, args.after, "after idle connections")

        body = args.stuck_body.encode()
        request = request_bytes("POST", "/chat", body, args.port)
        curve.phase = "stuck readers"
        socks = await asyncio.wait_for(asyncio.gather(*(stuck_reader(args.port, request) for _ in range(args.stuck_n))), 60)
        started = time.monotonic()
        # Until the server has dropped every one of them (none of its sockets on the port is ESTABLISHED any more).
        while tcp_sockets(args.port, 1) and time.monotonic() - started < args.write_timeout + 60:
            await asyncio.sleep(0.25)
        result["stuckDroppedAfterSeconds"] = round(time.monotonic() - started, 1)
        result["stuckPeakKiB"] = curve.peak("stuck readers")
        result["stuckDropped"] = sum(dropped(s) for s in socks)
        for s in socks:
            s.close()
        result["afterStuckKiB"] = await settle(curve, args.after, "after stuck readers")
    finally:
        sampler.cancel()
    result["samples"] = curve.samples
    return result


def cmd_memory(args):
    result = asyncio.run(memory_run(args))
    write_json(args.json, result)
    mib = lambda k: fmt((result.get(k) or 0) / 1024)  # noqa: E731
    print(f"   memory: idle {mib('idleKiB')} MiB; {result['idleOpened']} idle connections {mib('underIdleKiB')}, "
          f"{args.after:g} s after {mib('afterIdleKiB')}; {args.stuck_n} stuck readers peak {mib('stuckPeakKiB')}, "
          f"{result['stuckDropped']} dropped after {result['stuckDroppedAfterSeconds']} s, {args.after:g} s later {mib('afterStuckKiB')}")
    return 0


# ---------------------------------------------------------------- 9. soak

class Soak:
    """Workers that each run one request after another, of a kind drawn by weight, until the deadline."""

    KINDS = {"chat": 30, "chat-leave": 15, "relay-answered": 15, "relay-timeout": 10, "v1-stream": 15, "v1-whole": 15}

    def __init__(self, args):
        self.port = args.port
        self.outcomes = collections.defaultdict(lambda: collections.defaultdict(int))
        chat = lambda model: json.dumps({"model": model, "messages": [{"role": "user", "content": "soak"}]}).encode()  # noqa: E731
        self.text_body, self.tool_body = chat("mock/mock"), chat("tools/mock")
        completion = lambda stream: json.dumps({"model": "mock/mock", "stream": stream,  # noqa: E731
                                                "messages": [{"role": "user", "content": "soak"}]}).encode()
        self.v1_stream, self.v1_whole = completion(True), completion(False)
        # The event loop keeps only weak references to tasks: a relay answer in flight is held here until it is done.
        self.relay_answers = set()

    async def worker(self, deadline):
        kinds, weights = zip(*self.KINDS.items())
        while time.monotonic() < deadline:
            kind = random.choices(kinds, weights)[0]
            try:
                outcome = await asyncio.wait_for(self.run(kind), 120)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
                outcome = type(e).__name__
            self.outcomes[kind][outcome] += 1

    async def run(self, kind):
        if kind.startswith("v1"):
            status, body = await exchange(self.port, "POST", "/v1/chat/completions",
                                          self.v1_stream if kind == "v1-stream" else self.v1_whole)
            complete = body.rstrip().endswith(b"data: [DONE]") if kind == "v1-stream" else b'"chat.completion"' in body
            return "ok" if status == 200 and complete else f"status_{status}" if status != 200 else "incomplete"
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        answered = set()
        leave_after = random.randint(0, 3000) if kind == "chat-leave" else None

        def on_data(body):
            if leave_after is not None and len(body) >= leave_after:
                raise ConnectionAbortedError("left")
            if kind == "relay-answered":
                session = SESSION_ID.search(body)
                for relay in RELAY_ID.findall(body):
                    if relay not in answered and session:
                        answered.add(relay)
                        answer = json.dumps({"sessionId": session.group(1).decode(), "response": {"approved": True}})
                        task = asyncio.create_task(exchange(self.port, "POST", f"/chat/relay/{relay.decode()}", answer.encode()))
                        self.relay_answers.add(task)
                        task.add_done_callback(self.relay_answers.discard)

        try:
            writer.write(request_bytes("POST", "/chat", self.tool_body if kind.startswith("relay") else self.text_body, self.port))
            status, body = await read_response(reader, on_data)
        except ConnectionAbortedError:
            return "left"
        finally:
            writer.transport.abort()
        if status != 200:
            return f"status_{status}"
        if b"event: harness_end" not in body or b"event: error" in body:
            return "incomplete"
        if kind.startswith("relay") and b"event: relay" not in body:
            return "no_relay"
        return "ok"


async def soak_run(args):
    curve = RssCurve(args.pid, args.sample)
    curve.phase = "load"
    sampler = asyncio.create_task(curve.run())
    soak = Soak(args)
    deadline = time.monotonic() + args.duration
    workers = [asyncio.create_task(soak.worker(deadline)) for _ in range(args.concurrency)]
    # Each worker finishes the request it is in; the longest is a relay left to time out.
    await asyncio.wait(workers, timeout=args.duration + args.relay_timeout + 60)
    if soak.relay_answers:
        await asyncio.wait(soak.relay_answers, timeout=30)
    curve.phase = "after"
    await asyncio.sleep(2)
    sampler.cancel()
    stable = [kib for t, kib, phase in curve.samples if phase == "load" and t >= args.stable_from * args.duration]
    median = statistics.median(stable) if stable else None
    return {
        "durationSeconds": args.duration, "concurrency": args.concurrency, "relayTimeoutSeconds": args.relay_timeout,
        "stableFromSeconds": args.stable_from * args.duration, "outcomes": {k: dict(v) for k, v in soak.outcomes.items()},
        "stableMedianKiB": median, "stableMinKiB": min(stable, default=None), "stableMaxKiB": max(stable, default=None),
        "endKiB": curve.samples[-1][1], "samples": curve.samples,
        "childProcesses": len(child_processes(args.pid)),
        "upstreamConnections": sum(len(tcp_sockets(p, 2)) for p in args.upstream_ports),
        "upstreamConnectionsWithQueuedBytes": sum(1 for p in args.upstream_ports for s, r in tcp_sockets(p, 2) if s or r),
    }


def stop_and_read_counts(pid, log, timeout):
    """SIGTERM; the gateway logs its live sessions, rented orchestrators and pending relays as it starts to stop."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    with open(log, errors="replace") as f:
        match = re.search(r"(\d+) live sessions?, (\d+) rented orchestrators?, (\d+) pending relays?", f.read())
    keys = ("liveSessions", "rentedOrchestrators", "pendingRelays")
    return dict(zip(keys, map(int, match.groups()))) if match else dict.fromkeys(keys)


def cmd_soak(args):
    result = asyncio.run(soak_run(args))
    result.update(stop_and_read_counts(args.pid, args.log, 20))
    write_json(args.json, result)
    total = sum(sum(v.values()) for v in result["outcomes"].values())
    print(f"   soak: {total} requests in {args.duration:g} s; RSS from {fmt(result['stableFromSeconds'])} s "
          f"{fmt((result['stableMinKiB'] or 0) / 1024)}-{fmt((result['stableMaxKiB'] or 0) / 1024)} MiB "
          f"(median {fmt((result['stableMedianKiB'] or 0) / 1024)}); at the end {result['liveSessions']} sessions, "
          f"{result['rentedOrchestrators']} orchestrators, {result['pendingRelays']} relays, "
          f"{result['upstreamConnectionsWithQueuedBytes']}/{result['upstreamConnections']} upstream connections busy/open, "
          f"{result['childProcesses']} children")
    return 0


# ---------------------------------------------------------------- the report

def rss_svg(samples, stable_from):
    """The soak's RSS curve, drawn by hand: time on x, MiB on y, the window that must stay within ±10% shaded."""
    width, height, left, bottom, top, right = 640, 240, 56, 32, 16, 16
    xs = [t for t, _, _ in samples]
    ys = [kib / 1024 for _, kib, _ in samples]
    x_max, y_max = max(xs) or 1, max(ys) * 1.15 or 1
    sx = lambda x: left + (width - left - right) * x / x_max  # noqa: E731
    sy = lambda y: height - bottom - (height - bottom - top) * y / y_max  # noqa: E731
    points = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             f'<rect x="{sx(stable_from):.1f}" y="{top}" width="{sx(x_max) - sx(stable_from):.1f}" '
             f'height="{height - bottom - top}" fill="#ddf4ff"/>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#57606a"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#57606a"/>']
    for i in range(5):
        y = y_max * i / 4
        parts.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.0f}</text>')
        x = x_max * i / 4
        parts.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:.0f} s</text>')
    parts += [f'<polyline points="{points}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>',
              f'<text x="{left + 6}" y="{top + 12}">Gateway VmRSS (MiB) during the soak; shaded: the window held to ±10%</text>',
              "</svg>"]
    return "\n".join(parts) + "\n"


def within(value, low, high):
    return value is not None and low <= value <= high


def section(raw, soak_svg):
    """The report's lines for scenarios 7-9 and the summary lines for the console."""
    s7, s8, s9 = (load(os.path.join(raw, "s7", f"{n}.json")) for n in ("slowloris", "memory", "soak"))
    lines, summary = [], []
    if s7:
        w, s = s7["without"], s7["with"]
        p99, rate = ratio(s["healthP99Ms"], w["healthP99Ms"]), ratio(s["chatPerSecond"], w["chatPerSecond"])
        got408 = s7["answers"].get("status_408", 0)
        lines += ["## 7. Slowloris beside normal load", "",
                  f"{s7['connections']} connections each send `GET /health` and then one byte of a header line every "
                  f"{s7['intervalSeconds']:g} s, never ending the head (`HEADERS_TIMEOUT_SECONDS={s7['headersTimeoutSeconds']:g}`). "
                  "Beside them, and without them before and after (their mean is \"without\"): `/health` open loop at 1,000/s "
                  "(p99 of the whole response) and `/chat` closed loop (sessions/s). Goal: neither moves by more than 10%, and "
                  "every slow connection gets its 408.", "",
                  f"Without them, before / after: /health p99 {fmt(s7['before']['healthP99Ms'])} / {fmt(s7['after']['healthP99Ms'])} ms, "
                  f"/chat {fmt(s7['before']['chatPerSecond'])} / {fmt(s7['after']['chatPerSecond'])} sessions/s.", "",
                  "| measure | without | with slowloris | with / without | goal |", "|---|---:|---:|---:|---|",
                  f"| /health p99 ms | {fmt(w['healthP99Ms'])} | {fmt(s['healthP99Ms'])} | {fmt(p99)} | ≤ 1.10 {'✓' if within(p99, 0, 1.1) else '✗'} |",
                  f"| /chat sessions/s | {fmt(w['chatPerSecond'])} | {fmt(s['chatPerSecond'])} | {fmt(rate)} | ≥ 0.90 {'✓' if within(rate, 0.9, 1e9) else '✗'} |",
                  f"| errors (/health, /chat) | {w['healthErrors']}, {w['chatErrors']} | {s['healthErrors']}, {s['chatErrors']} | | 0 |", "",
                  f"Slow connections: {s7['opened']} opened, **{got408} answered 408** (answers: {s7['answers']}), "
                  f"{s7['answeredDuringLoad']} of them before the load with slowloris had ended, {s7['stillOpen']} still open at the end; "
                  f"answered {fmt(s7['answerAfterSeconds']['min'])}-{fmt(s7['answerAfterSeconds']['max'])} s after they connected.", ""]
        summary.append(f"- 7. slowloris: {got408}/{s7['connections']} got 408; /health p99 ×{fmt(p99)}, /chat sessions/s ×{fmt(rate)}")
    if s8:
        mib = lambda k: fmt((s8.get(k) or 0) / 1024)  # noqa: E731
        idle = s8.get("idleKiB") or 1
        back = lambda k: ratio(s8.get(k), idle)  # noqa: E731
        lines += ["## 8. Memory after bursts and stuck readers", "",
                  f"One Gateway process, VmRSS every 0.5 s. Idle (after 20 `/health`); {s8['idleConnections']} keep-alive "
                  f"connections that each made one `/health` request and stay open; {s8['afterSeconds']:g} s after they close; "
                  f"then {s8['stuckReaders']} `/chat` streams of a long answer whose clients never read (4 KiB receive buffer), "
                  f"dropped by `WRITE_TIMEOUT_SECONDS={s8['writeTimeoutSeconds']:g}`; {s8['afterSeconds']:g} s after. "
                  "Goal: back within 2× of idle.", "",
                  "| moment | RSS MiB | × idle | goal |", "|---|---:|---:|---|",
                  f"| idle | {mib('idleKiB')} | 1 | |",
                  f"| under {s8['idleOpened']} idle connections | {mib('underIdleKiB')} | {fmt(back('underIdleKiB'))} | |",
                  f"| {s8['afterSeconds']:g} s after they closed | {mib('afterIdleKiB')} | {fmt(back('afterIdleKiB'))} | ≤ 2 {'✓' if within(back('afterIdleKiB'), 0, 2) else '✗'} |",
                  f"| peak under {s8['stuckReaders']} stuck readers | {mib('stuckPeakKiB')} | {fmt(back('stuckPeakKiB'))} | |",
                  f"| {s8['afterSeconds']:g} s after they were dropped | {mib('afterStuckKiB')} | {fmt(back('afterStuckKiB'))} | ≤ 2 {'✓' if within(back('afterStuckKiB'), 0, 2) else '✗'} |",
                  "", f"Idle connections: {s8['idleOpened']} opened in {s8['idleSetupSeconds']} s (failures: {s8['idleFailures'] or 0}). "
                  f"Stuck readers: {s8['stuckDropped']}/{s8['stuckReaders']} dropped by the server, the last "
                  f"{s8['stuckDroppedAfterSeconds']} s after they were sent (write timeout {s8['writeTimeoutSeconds']:g} s); "
                  f"the peak is {fmt(ratio((s8.get('stuckPeakKiB') or 0) - (s8.get('afterIdleKiB') or 0), s8['stuckReaders']))} KiB "
                  "per stuck reader over the RSS before them.", ""]
        summary.append(f"- 8. memory: idle {mib('idleKiB')} MiB, after idle connections ×{fmt(back('afterIdleKiB'))}, "
                       f"stuck readers peak {mib('stuckPeakKiB')} MiB, after ×{fmt(back('afterStuckKiB'))}")
    if s9:
        median = s9.get("stableMedianKiB")
        low, high = ratio(s9.get("stableMinKiB"), median), ratio(s9.get("stableMaxKiB"), median)
        steady = within(low, 0.9, 1) and within(high, 1, 1.1)
        leftovers = [s9.get(k) for k in ("liveSessions", "rentedOrchestrators", "pendingRelays",
                                         "upstreamConnectionsWithQueuedBytes", "childProcesses")]
        exit_status = (load(os.path.join(raw, "s7", "soak-exit.json")) or {}).get("exitStatus")
        outcomes = "; ".join(f"{k} {dict(sorted(v.items()))}" for k, v in sorted(s9["outcomes"].items()))
        if soak_svg:
            with open(soak_svg, "w") as f:
                f.write(rss_svg(s9["samples"], s9["stableFromSeconds"]))
        lines += ["## 9. Soak", "",
                  f"{s9['concurrency']} clients for {s9['durationSeconds']:g} s, each one request after another drawn by weight "
                  f"({', '.join(f'{k} {v}' for k, v in Soak.KINDS.items())}): `/chat` read to the end; `/chat` left at a random "
                  "byte; a `bash` tool call whose relay is approved (the tool runs `echo`); one whose relay is left to time out "
                  f"(`RELAY_TIMEOUT_SECONDS={s9['relayTimeoutSeconds']:g}`); `/v1/chat/completions` streamed and whole. "
                  "Live sessions, rented orchestrators and pending relays are the counts Gateway logs when SIGTERM arrives "
                  "(the `Stopping:` line), after the load has ended; upstream connections are the ESTABLISHED sockets to the "
                  "mocks' ports in /proc/net/tcp (idle keep-alive ones may stay pooled up to a minute; busy = with bytes "
                  "queued); child processes from /proc/PID/task/*/children.", "",
                  f"![soak RSS]({os.path.basename(soak_svg)})" if soak_svg else "", "",
                  "| measure | value | goal |", "|---|---:|---|",
                  f"| RSS from {fmt(s9['stableFromSeconds'])} s: min / median / max MiB | {fmt((s9.get('stableMinKiB') or 0) / 1024)} / "
                  f"{fmt((median or 0) / 1024)} / {fmt((s9.get('stableMaxKiB') or 0) / 1024)} | within ±10% of the median {'✓' if steady else '✗'} |",
                  f"| live sessions, rented orchestrators, pending relays at the end | {s9.get('liveSessions')}, "
                  f"{s9.get('rentedOrchestrators')}, {s9.get('pendingRelays')} | 0 {'✓' if leftovers[:3] == [0, 0, 0] else '✗'} |",
                  f"| upstream connections busy / open | {s9.get('upstreamConnectionsWithQueuedBytes')} / {s9.get('upstreamConnections')} | 0 busy {'✓' if leftovers[3] == 0 else '✗'} |",
                  f"| child processes | {s9.get('childProcesses')} | 0 {'✓' if leftovers[4] == 0 else '✗'} |",
                  f"| Gateway's exit status after SIGTERM | {exit_status} | 0 {'✓' if exit_status == '0' else '✗'} |", "",
                  f"Outcomes per kind: {outcomes}.", ""]
        summary.append(f"- 9. soak: RSS ×{fmt(low)}-×{fmt(high)} of its median from {fmt(s9['stableFromSeconds'])} s; "
                       f"left at the end (sessions, orchestrators, relays, busy upstream, children): {leftovers}")
    return lines, summary


def cmd_render(args):
    """A report of scenarios 7-9 alone (run.sh --only-hardening)."""
    lines, summary = section(args.raw, args.svg[:-len(".svg")] + "-soak.svg")
    return write_scenario_report(args.raw, args.out, "Slow clients, memory and the soak", "Scenarios 7-9", lines, summary,
                                 "perf/run.sh --only-hardening")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("slowloris")
    for name, kind in (("--port", int), ("--n", int), ("--interval", float), ("--headers-timeout", float),
                       ("--health-rate", int), ("--chat-connections", int)):
        p.add_argument(name, type=kind, required=True)
    for name in ("--loadgen", "--chat-body", "--duration", "--warmup", "--out-dir", "--json"):
        p.add_argument(name, required=True)
    p = sub.add_parser("memory")
    for name, kind in (("--pid", int), ("--port", int), ("--idle-n", int), ("--stuck-n", int), ("--after", float),
                       ("--write-timeout", float), ("--stuck-body", str), ("--json", str)):
        p.add_argument(name, type=kind, required=True)
    p = sub.add_parser("soak")
    for name, kind in (("--pid", int), ("--port", int), ("--duration", float), ("--concurrency", int),
                       ("--relay-timeout", float), ("--stable-from", float), ("--sample", float), ("--log", str), ("--json", str)):
        p.add_argument(name, type=kind, required=True)
    p.add_argument("--upstream-ports", type=lambda v: [int(x) for x in v.split(",")], required=True)
    p = sub.add_parser("render")
    for name in ("--raw", "--out", "--svg"):
        p.add_argument(name, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return {"slowloris": cmd_slowloris, "memory": cmd_memory, "soak": cmd_soak, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
