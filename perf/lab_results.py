"""Reading Gateway.LoadGen JSON results and formatting them, for perf/report.py and the scenario modules it renders
(perf/openai_front_door.py). Standard library only."""
import glob
import json
import os
import re
import statistics


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def tool_output(path):
    """The "output" of the first tool_result event in a /chat stream saved to PATH (a probe), or None."""
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("data:") and '"tool_result"' in line:
            try:
                return json.loads(line[5:]).get("output", {})
            except ValueError:
                return None
    return None


def first_step(report):
    steps = (report or {}).get("steps") or []
    return steps[0] if steps else None


def metric(step, name, pct):
    return (((step or {}).get("metrics") or {}).get(name) or {}).get(pct)


def fixed_rounds(directory, kind="fixed"):
    """The rounds of a run in a directory as (round, step, cpu), files <kind>-<n>.json and <kind>-cpu-<n>.json."""
    result = []
    for path in glob.glob(os.path.join(directory, f"{kind}-*.json")):
        match = re.fullmatch(re.escape(kind) + r"-(\d+)\.json", os.path.basename(path))
        step = first_step(load(path)) if match else None
        if step:
            number = int(match.group(1))
            result.append((number, step, load(os.path.join(directory, f"{kind}-cpu-{number}.json"))))
    return sorted(result, key=lambda r: r[0])


def round_median(rounds, name, pct):
    values = [metric(step, name, pct) for _, step, _ in rounds]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cpu_ms_per_request(rounds):
    """The server's user+sys time over the rounds divided by the requests it completed in them (None if unmeasured)."""
    measured = [c for _, _, c in rounds if c and c.get("sessions")]
    if not measured:
        return None
    return 1000 * sum(c["cpuSeconds"] for c in measured) / sum(c["sessions"] for c in measured)


def fmt(value, digits=2):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def errors_cell(step):
    kinds = step.get("errorsByKind") or {}
    if not kinds:
        return str(step.get("errors", 0))
    return f"{step.get('errors', 0)} (" + ", ".join(f"{k} {v}" for k, v in kinds.items()) + ")"


def write_scenario_report(raw, out, title, scenarios, lines, summary, command):
    """The report of a run of some scenarios alone (run.sh --only-*): the machine, a summary, their sections, the command."""
    meta = load(os.path.join(raw, "meta.json")) or {}
    head = [f"# {title}: {meta.get('date', '?')}, commit {meta.get('commit', '?')}"
            f"{' (uncommitted changes)' if meta.get('dirty') else ''}", "",
            f"{meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, {meta.get('os', '?')}; load average "
            f"{meta.get('loadBefore', '?')} before, {meta.get('loadAfter', '?')} after; {meta.get('runSeconds', '?')} s. "
            f"{scenarios} of perf/README.md; the machine is shared, so latencies and rates carry its noise.", "",
            "## Summary", "", *summary, ""]
    tail = ["## Command", "", "```sh", meta.get("command", command), "```", "",
            f"Raw results and server logs of the run: `{meta.get('rawDir', raw)}` (not committed).", ""]
    with open(out, "w") as f:
        f.write("\n".join(head + lines + tail))
    print("\n".join(summary))
    return 0
