"""Scenario 14 of perf/run.sh (issue 17; perf/README.md, row 14): what an RLM session (SPEC §8: one model call whose
answer is a ```js block, one REPL turn that calls FINAL) costs against an agent-mode /chat session on the same mock
upstream, as ratios between the two measured in the same run. perf/rlm-cost.sh runs the loads. Standard library only.

  rlm_cost.py bodies --dir DIR --small-bytes N --large-bytes N   the request bodies (0 bytes: no large row)
  rlm_cost.py probe --url URL --mode agent|rlm|bare --body FILE --json OUT   one session, its answer checked
  rlm_cost.py render --raw DIR --out REPORT.md      (a report of this scenario alone: run.sh --only-rlm)
"""
import argparse
import glob
import http.client
import json
import os
import statistics
import sys
import urllib.parse

from lab_results import first_step, fmt, load, metric, ratio, write_json, write_scenario_report
from session_cost import allocation_run

# agent: the RLM request without "mode"; rlm: the block that works over context; bare: a block that only calls FINAL.
MODES = ("agent", "bare", "rlm")
ROWS = (("small", "small context"), ("large", "1 MB context"))
LINE = "line {} of the context: the quick brown fox jumps over the lazy dog"


def context(size):
    """Numbered lines joined by "\\n", at least SIZE characters."""
    lines, length = [], -1
    while length < size:
        lines.append(LINE.format(len(lines)))
        length += len(lines[-1]) + 1
    return "\n".join(lines)


def expected_answer(mode, text):
    """What the mock's js block computes over a context: its words, counted as the script counts them; bare: its
    length (the context is ASCII, so code points are UTF-16 units)."""
    return str(len(text) if mode == "bare" else sum(len(line.split(" ")) for line in text.split("\n")))


def cmd_bodies(args):
    """The same request for every mode (agent mode ignores `context`, but reads it), differing only in "mode"."""
    for row, size in (("small", args.small_bytes), ("large", args.large_bytes)):
        if not size:
            continue
        body = {"model": "mock", "context": context(size), "maxIterations": 3,
                "messages": [{"role": "user", "content": "How many words are in the context?"}]}
        for mode in MODES:
            with open(os.path.join(args.dir, f"body-{mode}-{row}.json"), "w") as f:
                json.dump({**body, "mode": "rlm"} if mode != "agent" else body, f)
    return 0


def cmd_probe(args):
    """One session through the Gateway: rlm and bare must run one REPL turn that ends with FINAL and answer what their
    block computes; agent must relay the model's answer (the js block) as text. The verdict and the event types, in OUT."""
    body = open(args.body, "rb").read()
    url = urllib.parse.urlsplit(args.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        connection.request("POST", url.path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        status, raw = response.status, response.read().decode()
    finally:
        connection.close()
    events = [json.loads(line[len("data: "):]) for line in raw.splitlines() if line.startswith("data: ")]
    types = [e.get("type") for e in events]
    text = "".join(e.get("content", "") for e in events if e.get("type") == "text")
    end = next((e for e in events if e.get("type") == "harness_end"), {})
    if args.mode != "agent":
        outputs = [e for e in events if e.get("type") == "repl_output"]
        answer = next((e.get("content") for e in reversed(events) if e.get("type") == "text"), None)
        expected = expected_answer(args.mode, json.loads(body)["context"])
        ok = status == 200 and len(outputs) == 1 and outputs[0].get("done") and end.get("reason") == "final" and answer == expected
        verdict = f"one REPL turn, FINAL({answer}), expected {expected}"
    else:
        ok = status == 200 and "FINAL(" in text and "harness_end" in types
        verdict = f"the model's answer relayed as text ({len(text)} characters)"
    write_json(args.json, {"ok": bool(ok), "status": status, "verdict": verdict, "types": types,
                           "answer": raw[-400:] if not ok else None})
    print(f"   probe {args.mode:5} {'ok' if ok else 'FAILED'}: {verdict}; events {' '.join(types)}")
    return 0 if ok else 1


# ---------------------------------------------------------------- reading the runs

def run(directory, kind):
    """One measured load of rlm-cost.sh: sessions, errors, events per session, sessions/s, wall p50/p99 (ms), CPU ms
    and bytes allocated per session; None when it did not run."""
    step = first_step(load(os.path.join(directory, f"{kind}.json")))
    cpu = load(os.path.join(directory, f"{kind}-cpu.json"))
    if not step or not step.get("ok"):
        return None
    allocation = allocation_run(directory, kind)
    return {"sessions": step["ok"], "errors": step.get("errors", 0), "events": step.get("eventsPerRequest"),
            "rate": step.get("achievedRate"), "p50": metric(step, "end", "p50"), "p99": metric(step, "end", "p99"),
            "cpuMs": 1000 * cpu["cpuSeconds"] / cpu["sessions"] if cpu and cpu.get("sessions") else None,
            "bytes": allocation and allocation["bytesPerSession"]}


def kib(path):
    try:
        return int(open(path).read().strip())
    except (OSError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def measured(raw, mode, row):
    """Everything of one mode and row: the cold samples' medians, the warm runs, RSS idle / after / settled (KiB)."""
    directory = os.path.join(raw, "s14", f"{mode}-{row}")
    if not os.path.isdir(directory):
        return None
    colds = [(run(d, "cold"), kib(os.path.join(d, "rss-idle.txt")), kib(os.path.join(d, "rss-cold.txt")))
             for d in sorted(glob.glob(os.path.join(directory, "cold*")))]
    colds = [(c, idle, after) for c, idle, after in colds if c]
    return {
        "probe": load(os.path.join(directory, "probe.json")),
        "coldSamples": len(colds),
        "cold": {key: median(c[key] for c, _, _ in colds) for key in ("p50", "cpuMs", "bytes")},
        "coldRss": median(after - idle for _, idle, after in colds if idle and after),
        "sequential": run(directory, "sequential"), "concurrent": run(directory, "concurrent"),
        "rssIdle": kib(os.path.join(directory, "cold1", "rss-idle.txt")), "rssAfter": kib(os.path.join(directory, "rss-after.txt")),
        "rssSettled": kib(os.path.join(directory, "rss-settled.txt")),
    }


# ---------------------------------------------------------------- the report

def cells(values, digits):
    """Each mode's value, then bare / agent and rlm / agent."""
    agent, bare, rlm = (values.get(mode) for mode in MODES)
    return [fmt(v, digits) for v in (agent, bare, rlm)] + [f"{fmt(x)}×" if x else "–" for x in (ratio(bare, agent), ratio(rlm, agent))]


def mib(value_kib):
    return value_kib / 1024 if value_kib is not None else None


def get(m, *keys):
    for key in keys:
        m = (m or {}).get(key)
    return m


def table(n, c, d, settle):
    """The rows of a row's table: (label, the value of one mode's measurements, digits); a heading has no value."""
    return [
        ("**first session of a fresh process (cold)**", None, None),
        ("wall ms", lambda m: get(m, "cold", "p50"), 2),
        ("CPU ms", lambda m: get(m, "cold", "cpuMs"), 1),
        ("bytes allocated", lambda m: get(m, "cold", "bytes"), 0),
        ("RSS growth over idle, MiB", lambda m: mib(get(m, "coldRss")), 2),
        (f"**{fmt(n)} sessions one at a time (warm)**", None, None),
        ("wall p50 ms", lambda m: get(m, "sequential", "p50"), 3),
        ("wall p99 ms", lambda m: get(m, "sequential", "p99"), 3),
        ("CPU ms per session", lambda m: get(m, "sequential", "cpuMs"), 3),
        ("bytes allocated per session", lambda m: get(m, "sequential", "bytes"), 0),
        (f"**{c} at once for {d} (warm)**", None, None),
        ("sessions/s", lambda m: get(m, "concurrent", "rate"), 0),
        ("wall p50 ms", lambda m: get(m, "concurrent", "p50"), 3),
        ("wall p99 ms", lambda m: get(m, "concurrent", "p99"), 3),
        ("CPU ms per session", lambda m: get(m, "concurrent", "cpuMs"), 3),
        ("bytes allocated per session", lambda m: get(m, "concurrent", "bytes"), 0),
        ("**the first session over a warm one (cold − one at a time)**", None, None),
        ("wall ms", lambda m: difference(m, "p50"), 2),
        ("bytes allocated", lambda m: difference(m, "bytes"), 0),
        ("**RSS, MiB**", None, None),
        ("idle", lambda m: mib(get(m, "rssIdle")), 1),
        ("after the runs", lambda m: mib(get(m, "rssAfter")), 1),
        (f"{settle} s later", lambda m: mib(get(m, "rssSettled")), 1),
        ("growth after the runs (after − idle)", growth, 1),
    ]


def section(raw, meta):
    """Scenario 14 as markdown lines, and its summary lines; both empty when the run has none."""
    rows = [(row, name, {mode: measured(raw, mode, row) for mode in MODES}) for row, name in ROWS]
    rows = [(row, name, m) for row, name, m in rows if any(m.values())]
    if not rows:
        return [], []
    n, c, d = meta.get("rlmSequential"), meta.get("rlmConcurrency"), meta.get("rlmDuration")
    lines = ["## 14. RLM session cost", "",
             "Three fresh Gateways per row (`LOG_LEVEL=info`), one per mode. Two mock upstreams (`Gateway.MockUpstream "
             "--chunks 1 --text …`): one whose every answer is one ```js block that splits `context` into lines, counts "
             "the words, `print`s them and `FINAL`s the count; one whose block only calls `FINAL(String(context.length))`. "
             "**RLM** (`\"mode\":\"rlm\"`, `maxIterations` 3, the first mock) is one model call and one REPL turn in a "
             "new Jint engine; **bare** is the same on the second mock: the harness and the engine without the script's "
             "work; **agent mode** (the same body without `mode`, its `context` read and ignored; the first mock) is the "
             "same model call relayed as text: the baseline of the ratios. A probe checks each mode's answer after its "
             f"cold session. Per Gateway: its first session (cold), {meta.get('rlmWarmup')} sessions of warm-up, "
             f"{fmt(n)} sessions one at a time, then a closed loop of {c} connections for {d}, the modes taking turns; "
             "each run between two SIGUSR1 allocation lines (scenario 11) and two readings of the server's utime+stime. "
             f"Cold figures are the median of {meta.get('rlmColdRuns')} fresh processes' first sessions (CPU in 10 ms "
             "clock ticks, so coarse); RSS is VmRSS idle (1 s after start), after the runs and "
             f"{meta.get('rlmSettle')} s later (the idle memory trimmer's next two looks, 5 s apart). Wall time is the "
             "load generator's, request written to stream ended.", ""]
    summary = []
    for row, name, m in rows:
        probes = "; ".join(f"{mode}: {'ok' if get(m[mode], 'probe', 'ok') else 'FAILED'} ({get(m[mode], 'probe', 'verdict') or 'no probe'})"
                           for mode in MODES)
        lines += [f"### {name} ({fmt(len(context_of(raw, row)) / 1024)} KiB)", "", f"Probes: {probes}.", "",
                  "| measure | agent mode | bare (FINAL only) | RLM | bare / agent | RLM / agent |", "|---|---:|---:|---:|---:|---:|"]
        for label, value, digits in table(n, c, d, meta.get("rlmSettle")):
            shown = cells({mode: value(m[mode]) for mode in MODES}, digits) if value else [""] * 5
            lines.append(f"| {label} | {' | '.join(shown)} |")
        lines += ["", "Sessions (errors), events per session: " + "; ".join(f"{mode} {counts(m[mode])}" for mode in MODES) + ".", ""]
        agent, bare, rlm = (get(m[mode], "sequential") for mode in MODES)
        if agent and bare and rlm:
            summary.append(
                f"Scenario 14 ({name}): one at a time, an RLM session costs {fmt(ratio(rlm['cpuMs'], agent['cpuMs']))}× an "
                f"agent session's CPU ({fmt(rlm['cpuMs'], 3)} / {fmt(agent['cpuMs'], 3)} ms) and "
                f"{fmt(ratio(rlm['bytes'], agent['bytes']))}× its allocation ({fmt(rlm['bytes'] / 1024)} / "
                f"{fmt(agent['bytes'] / 1024)} KiB; the harness alone {fmt(bare['bytes'] / 1024)} KiB), wall p50 "
                f"{fmt(rlm['p50'], 3)} / {fmt(agent['p50'], 3)} ms; its cold first session {fmt(get(m['rlm'], 'cold', 'p50'))} ms, "
                f"{fmt((get(m['rlm'], 'cold', 'bytes') or 0) / 1024)} KiB; RSS growth {fmt(growth(m['rlm']))} / "
                f"{fmt(growth(m['agent']))} MiB.")
    return lines, summary


def difference(m, key):
    """What the first session cost over a warm one (the median one-at-a-time session; bytes: the mean)."""
    cold, warm = get(m, "cold", key), get(m, "sequential", key)
    return cold - warm if cold is not None and warm is not None else None


def context_of(raw, row):
    body = load(os.path.join(raw, "s14", f"body-rlm-{row}.json")) or {}
    return body.get("context", "")


def growth(m):
    """RSS after the runs over idle, MiB."""
    return mib(m["rssAfter"] - m["rssIdle"]) if m and m.get("rssAfter") and m.get("rssIdle") else None


def counts(m):
    parts = []
    for kind in ("sequential", "concurrent"):
        r = get(m, kind)
        if r:
            parts.append(f"{kind} {r['sessions']:,} ({r['errors']}), {fmt(r['events'], 1)}")
    return "; ".join(parts) or "–"


def cmd_render(args):
    """A report of scenario 14 alone (run.sh --only-rlm)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "RLM session cost", "Scenario 14", lines, summary, "perf/run.sh --only-rlm")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("bodies")
    p.add_argument("--dir", required=True)
    for name in ("--small-bytes", "--large-bytes"):
        p.add_argument(name, type=int, required=True)
    p = sub.add_parser("probe")
    p.add_argument("--mode", choices=MODES, required=True)
    for name in ("--url", "--body", "--json"):
        p.add_argument(name, required=True)
    p = sub.add_parser("render")
    for name in ("--raw", "--out"):
        p.add_argument(name, required=True)
    args = parser.parse_args()
    return {"bodies": cmd_bodies, "probe": cmd_probe, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
