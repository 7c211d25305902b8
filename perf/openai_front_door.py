"""Scenario 6 of perf/run.sh, "OpenAI front door" (perf/openai-front-door.sh runs it): the probe that checks a target
relays the mock's answer before it is measured, and the report's section. Standard library only; perf/report.py
dispatches to both (`report.py openai-probe`, and `render`)."""
import http.client
import json
import os

from lab_results import (cpu_ms_per_request, errors_cell, first_step, fixed_rounds, fmt, load, metric, ratio,
                         round_median, write_json)

TARGETS = ("mock", "gateway-openai", "portkey")
NAMES = {"mock": "mock (direct)", "gateway-openai": "Gateway", "portkey": "Portkey"}
MODES = ("stream", "nonstream")
PATH = "/v1/chat/completions"


# ---------------------------------------------------------------- probe

def probe(port, body, headers, expected_text, timeout=10):
    """POSTs body once and lists what differs from the mock's answer relayed whole: problems (the target is not
    measured) and notes (it is, with the difference reported)."""
    streaming = json.loads(body).get("stream") is True
    request_headers = {"Content-Type": "application/json"}
    if streaming:
        request_headers["Accept"] = "text/event-stream"
    for header in headers:
        name, value = header.split(":", 1)
        request_headers[name.strip()] = value.strip()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", PATH, body, request_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        return {"status": None, "problems": [f"POST {PATH} failed: {e}"], "notes": []}
    finally:
        connection.close()
    result = {"status": response.status, "problems": [], "notes": []}
    if response.status != 200:
        result["problems"].append(f"POST {PATH} answered {response.status}: {text[:200]}")
    elif streaming:
        check_stream(response, text, expected_text, result)
    else:
        check_whole(response, text, expected_text, result)
    return result


def check_stream(response, text, expected_text, result):
    problems, notes = result["problems"], result["notes"]
    if not (response.getheader("Content-Type") or "").startswith("text/event-stream"):
        problems.append(f"streamed answer has Content-Type {response.getheader('Content-Type')!r}")
    payloads = [line[5:].strip() for line in text.splitlines() if line.startswith("data:")]
    result["dataEvents"] = len(payloads)
    if not payloads or payloads[-1] != "[DONE]":
        problems.append("the stream does not end with data: [DONE]")
        return
    try:
        chunks = [json.loads(p) for p in payloads[:-1]]
    except ValueError as e:
        problems.append(f"a data: line is not JSON ({e})")
        return
    if any(c.get("object") != "chat.completion.chunk" for c in chunks):
        problems.append("a chunk's object is not chat.completion.chunk")
    content = "".join((c["choices"][0].get("delta") or {}).get("content") or "" for c in chunks if c.get("choices"))
    if content != expected_text:
        problems.append(f"relayed text {content[:40]!r}… is not the mock's ({len(expected_text)} characters)")
    if not any(c.get("usage") for c in chunks):
        notes.append("no usage chunk (stream_options.include_usage not honoured)")
    result["firstChunk"] = payloads[0][:300]


def check_whole(response, text, expected_text, result):
    problems, notes = result["problems"], result["notes"]
    if response.getheader("Content-Length") is None:
        notes.append("answered without Content-Length")
    try:
        document = json.loads(text)
    except ValueError as e:
        problems.append(f"the answer is not JSON ({e})")
        return
    if document.get("object") != "chat.completion":
        problems.append(f"object is {document.get('object')!r}, not chat.completion")
    content = (((document.get("choices") or [{}])[0]).get("message") or {}).get("content")
    if content != expected_text:
        problems.append(f"relayed text {str(content)[:40]!r}… is not the mock's ({len(expected_text)} characters)")
    if not document.get("usage"):
        notes.append("no usage")


def cmd_probe(args):
    with open(args.body, "rb") as f:
        body = f.read()
    result = probe(args.port, body, args.header, args.text * args.chunks)
    write_json(args.json, result)
    verdict = "; ".join(result["problems"]) or "the mock's answer, relayed whole"
    print(f"   probe {os.path.basename(args.body)} on :{args.port}: {verdict}"
          + "".join(f" (note: {n})" for n in result["notes"]))
    return 0 if not result["problems"] else 1


def add_probe_arguments(parser):
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", required=True, help="request body file; \"stream\":true makes it a streaming probe")
    parser.add_argument("--header", action="append", default=[], help="extra request header 'Name: value', repeatable")
    parser.add_argument("--chunks", type=int, default=32, help="the mock's --chunks")
    parser.add_argument("--text", default="tok ", help="the mock's --text")
    parser.add_argument("--json", required=True)


# ---------------------------------------------------------------- report

def section(raw, meta):
    """The report's section 6 as markdown lines, and those of them worth a CI log (what was skipped, the two tables);
    both empty when the run has no scenario 6."""
    base = os.path.join(raw, "s6")
    if not os.path.isdir(base):
        return [], []
    skipped = {}
    try:
        with open(os.path.join(base, "skipped.jsonl")) as f:
            for line in f:
                if line.strip():
                    entry = json.loads(line)
                    skipped.setdefault(entry["target"], entry["reason"])
    except OSError:
        pass
    rate, connections = meta.get("oaRate"), meta.get("oaConnections")
    lines = ["## 6. OpenAI front door: POST /v1/chat/completions", "",
             f"The mock (32 chunks of `tok `, then a usage chunk and `[DONE]`; or one `chat.completion` with "
             "Content-Length) called directly, through Gateway (`OPENAI_API_KEY=mock OPENAI_BASE_URL=<mock>/v1`, model "
             "`openai/mock`) and through the Portkey AI gateway (`@portkey-ai/gateway`, pinned in `perf/portkey`, run "
             "with node; headers `x-portkey-provider: openai`, `x-portkey-custom-host: <mock>/v1`, "
             "`Authorization: Bearer mock`). Each target is first checked to relay the mock's answer whole. "
             f"**max req/s**: closed loop, {connections} keep-alive connections, {meta.get('oaMaxDuration')} after "
             f"{meta.get('oaMaxWarmup')}. **Latency**: open loop at {rate}/s (from the scheduled start), median of "
             f"{meta.get('oaRounds')} round(s) of {meta.get('oaFixedDuration')}, the targets taking turns; overhead = "
             "the target's percentile minus the mock's (a difference of percentiles). First chunk = the first `data:` "
             "line carrying the mock's text. CPU = the server's own user+sys time per request over those rounds (the "
             "mock's is not added to the proxies'). Portkey's stream handler sleeps 25 ms before it relays the first chunk "
             "of every stream (`readStream` in its src/handlers/streamHandler.ts): its streaming latencies include that.", ""]
    summary = [f"- {NAMES.get(target, target)} not measured: {reason}" for target, reason in skipped.items()]
    if skipped:
        summary.append("")
    data = {t: {m: mode_figures(os.path.join(base, t, m)) for m in MODES} for t in TARGETS}
    summary += table(data, "stream", "Streaming (`\"stream\":true`, `stream_options.include_usage`)",
                     (("firstContent", "first chunk"), ("end", "whole")))
    summary += table(data, "nonstream", "Non-streaming (one `chat.completion`)", (("end", "whole"),))
    return lines + summary + details(base), summary


def mode_figures(directory):
    rounds = fixed_rounds(directory)
    return {"max": first_step(load(os.path.join(directory, "max.json"))), "rounds": rounds,
            "cpu": cpu_ms_per_request(rounds)}


def table(data, mode, title, metrics):
    gateway_max = achieved(data["gateway-openai"][mode]["max"])
    mock = data["mock"][mode]["rounds"]
    head = "| target | max req/s | vs Gateway |"
    rule = "|---|---:|---:|"
    for _, label in metrics:
        head += f" {label} p50 | p99 | overhead p50 | overhead p99 |"
        rule += "---:|---:|---:|---:|"
    lines = [f"### {title}", "", head + " CPU ms/req | errors |", rule + "---:|---|"]
    for t in TARGETS:
        figures = data[t][mode]
        if not figures["max"] and not figures["rounds"]:
            continue
        cells = [NAMES[t], fmt(achieved(figures["max"])), ratio_cell(achieved(figures["max"]), gateway_max)]
        for name, _ in metrics:
            p50, p99 = (round_median(figures["rounds"], name, p) for p in ("p50", "p99"))
            if t == "mock":
                cells += [fmt(p50), fmt(p99), "baseline", "baseline"]
            else:
                cells += [fmt(p50), fmt(p99), fmt(minus(p50, round_median(mock, name, "p50"))),
                          fmt(minus(p99, round_median(mock, name, "p99")))]
        steps = [figures["max"]] + [s for _, s, _ in figures["rounds"]]
        errors = sum((s or {}).get("errors", 0) for s in steps)
        cells += [fmt(figures["cpu"], 3), str(errors)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def details(base):
    lines = ["Every run of the scenario (ms):", "",
             "| target | mode | run | achieved/s | errors | first chunk p50 | p99 | whole p50 | p99 | events/req |",
             "|---|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for t in TARGETS:
        for m in MODES:
            directory = os.path.join(base, t, m)
            runs = [("max", first_step(load(os.path.join(directory, "max.json"))))]
            runs += [(f"{rate_label(s)} #{n}", s) for n, s, _ in fixed_rounds(directory)]
            for name, s in runs:
                if s:
                    lines.append(f"| {NAMES[t]} | {m} | {name} | {fmt(s.get('achievedRate'))} | {errors_cell(s)} | "
                                 f"{fmt(metric(s, 'firstContent', 'p50'))} | {fmt(metric(s, 'firstContent', 'p99'))} | "
                                 f"{fmt(metric(s, 'end', 'p50'))} | {fmt(metric(s, 'end', 'p99'))} | "
                                 f"{fmt(s.get('eventsPerRequest')) if m == 'stream' else '–'} |")
    return lines + [""]


def achieved(step):
    return (step or {}).get("achievedRate")


def minus(a, b):
    return a - b if a is not None and b is not None else None


def ratio_cell(value, gateway):
    r = ratio(value, gateway)
    return f"{fmt(r)}×" if r is not None else "–"


def rate_label(step):
    return f"{fmt(step.get('targetRate'))}/s"
