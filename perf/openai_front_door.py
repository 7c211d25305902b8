"""Scenario 6 of perf/run.sh, "Front doors" (perf/openai-front-door.sh runs it): the probe that checks a target
relays the mock's answer in a door's shape before it is measured, and the report's section. Standard library only;
perf/report.py dispatches to both (`report.py openai-probe`, and `render`); `render` here is the report of
`run.sh --only-front-doors`."""
import argparse
import http.client
import json
import os
import sys

from lab_results import (cpu_ms_per_request, errors_cell, first_step, fixed_rounds, fmt, load, metric, ratio,
                         round_median, write_json, write_scenario_report)

TARGETS = ("mock", "gateway-native", "gateway-openai", "portkey")
NAMES = {"mock": "mock (direct)", "gateway-native": "Gateway (upstream in the door's API)",
         "gateway-openai": "Gateway", "portkey": "Portkey"}
MODES = ("stream", "nonstream")
DOORS = {"chat": "/v1/chat/completions", "messages": "/v1/messages", "responses": "/v1/responses"}


# ---------------------------------------------------------------- probe

def probe(port, door, body, headers, expected_text, timeout=10):
    """POSTs body once to a door and lists what differs from the mock's answer relayed whole in that door's shape:
    problems (the target is not measured on that door) and notes (it is, with the difference reported)."""
    path = DOORS[door]
    streaming = json.loads(body).get("stream") is True
    request_headers = {"Content-Type": "application/json"}
    if streaming:
        request_headers["Accept"] = "text/event-stream"
    for header in headers:
        name, value = header.split(":", 1)
        request_headers[name.strip()] = value.strip()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body, request_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        return {"status": None, "problems": [f"POST {path} failed: {e}"], "notes": []}
    finally:
        connection.close()
    result = {"status": response.status, "problems": [], "notes": []}
    if response.status != 200:
        result["problems"].append(f"POST {path} answered {response.status}: {text[:200]}")
    elif streaming:
        check_stream(door, response, text, expected_text, result)
    else:
        check_whole(door, response, text, expected_text, result)
    return result


def check_stream(door, response, text, expected_text, result):
    problems = result["problems"]
    if not (response.getheader("Content-Type") or "").startswith("text/event-stream"):
        problems.append(f"streamed answer has Content-Type {response.getheader('Content-Type')!r}")
    payloads = [line[5:].strip() for line in text.splitlines() if line.startswith("data:")]
    result["dataEvents"] = len(payloads)
    if door == "chat":
        if not payloads or payloads[-1] != "[DONE]":
            problems.append("the stream does not end with data: [DONE]")
            return
        payloads = payloads[:-1]
    try:
        events = [json.loads(p) for p in payloads]
    except ValueError as e:
        problems.append(f"a data: line is not JSON ({e})")
        return
    STREAM_CHECKS[door](events, expected_text, result)
    if payloads:
        result["firstChunk"] = payloads[0][:300]


def check_chat_stream(chunks, expected_text, result):
    if any(c.get("object") != "chat.completion.chunk" for c in chunks):
        result["problems"].append("a chunk's object is not chat.completion.chunk")
    content = "".join((c["choices"][0].get("delta") or {}).get("content") or "" for c in chunks if c.get("choices"))
    check_text(content, expected_text, result)
    if not any(c.get("usage") for c in chunks):
        result["notes"].append("no usage chunk (stream_options.include_usage not honoured)")


def check_messages_stream(events, expected_text, result):
    """Anthropic's stream: message_start, the content blocks' events, message_delta (with usage), message_stop."""
    types = [e.get("type") for e in events]
    if not types or types[0] != "message_start" or types[-1] != "message_stop":
        result["problems"].append(f"the events run {types[:1]}…{types[-1:]}, not message_start…message_stop")
    content = "".join((e.get("delta") or {}).get("text") or "" for e in events
                      if e.get("type") == "content_block_delta" and (e.get("delta") or {}).get("type") == "text_delta")
    check_text(content, expected_text, result)
    if not any(e.get("type") == "message_delta" and e.get("usage") for e in events):
        result["notes"].append("no message_delta with usage")


def check_responses_stream(events, expected_text, result):
    """The Responses API's stream: response.created … response.output_text.delta … response.completed (with usage)."""
    types = [e.get("type") for e in events]
    if not types or types[0] != "response.created" or types[-1] != "response.completed":
        result["problems"].append(f"the events run {types[:1]}…{types[-1:]}, not response.created…response.completed")
        return
    check_text("".join(e.get("delta") or "" for e in events if e.get("type") == "response.output_text.delta"),
               expected_text, result)
    if not (events[-1].get("response") or {}).get("usage"):
        result["notes"].append("response.completed carries no usage")


def check_whole(door, response, text, expected_text, result):
    if response.getheader("Content-Length") is None:
        result["notes"].append("answered without Content-Length")
    try:
        document = json.loads(text)
    except ValueError as e:
        result["problems"].append(f"the answer is not JSON ({e})")
        return
    kind, content = WHOLE_SHAPES[door](document)
    if kind[0] != kind[1]:
        result["problems"].append(f"{kind[2]} is {kind[0]!r}, not {kind[1]}")
    check_text(content, expected_text, result)
    if not document.get("usage"):
        result["notes"].append("no usage")


def chat_whole(document):
    message = ((document.get("choices") or [{}])[0]).get("message") or {}
    return (document.get("object"), "chat.completion", "object"), message.get("content")


def messages_whole(document):
    return ((document.get("type"), "message", "type"),
            "".join(b.get("text") or "" for b in document.get("content") or [] if b.get("type") == "text"))


def responses_whole(document):
    return ((document.get("object"), "response", "object"),
            "".join(part.get("text") or "" for item in document.get("output") or [] if item.get("type") == "message"
                    for part in item.get("content") or [] if part.get("type") == "output_text"))


STREAM_CHECKS = {"chat": check_chat_stream, "messages": check_messages_stream, "responses": check_responses_stream}
WHOLE_SHAPES = {"chat": chat_whole, "messages": messages_whole, "responses": responses_whole}


def check_text(content, expected_text, result):
    if content != expected_text:
        result["problems"].append(f"relayed text {str(content)[:40]!r}… is not the mock's ({len(expected_text)} characters)")


def cmd_probe(args):
    with open(args.body, "rb") as f:
        body = f.read()
    result = probe(args.port, args.door, body, args.header, args.text * args.chunks)
    write_json(args.json, result)
    verdict = "; ".join(result["problems"]) or "the mock's answer, relayed whole"
    print(f"   probe {os.path.basename(args.body)} on :{args.port}: {verdict}"
          + "".join(f" (note: {n})" for n in result["notes"]))
    return 0 if not result["problems"] else 1


def add_probe_arguments(parser):
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--door", choices=DOORS, default="chat", help="the route and its API's shapes")
    parser.add_argument("--body", required=True, help="request body file; \"stream\":true makes it a streaming probe")
    parser.add_argument("--header", action="append", default=[], help="extra request header 'Name: value', repeatable")
    parser.add_argument("--chunks", type=int, default=32, help="the mock's --chunks")
    parser.add_argument("--text", default="tok ", help="the mock's --text")
    parser.add_argument("--json", required=True)


# ---------------------------------------------------------------- report

# Per door: the heading of its tables, and what its streamed and whole answers are.
DOOR_TITLES = {
    "chat": ("`POST /v1/chat/completions`", "`\"stream\":true`, `stream_options.include_usage`", "one `chat.completion`"),
    "messages": ("`POST /v1/messages` (Anthropic's Messages API)", "`\"stream\":true`: `message_start` … `message_stop`",
                 "one `message`"),
    "responses": ("`POST /v1/responses` (OpenAI's Responses API)",
                  "`\"stream\":true`: `response.created` … `response.completed`", "one `response`"),
}


def door_dir(base, door, target):
    """Where run.sh put a door's runs against a target (chat completions' where they always were)."""
    return os.path.join(base, target) if door == "chat" else os.path.join(base, door, target)


def reference(door):
    """The Gateway row a door's other rows are a ratio to: the one whose upstream speaks the door's API, as Portkey's does."""
    return "gateway-openai" if door == "chat" else "gateway-native"


def upstream(door, target):
    if target == "gateway-openai" or door == "chat":
        return "chat completions"
    return {"messages": "Messages API", "responses": "Responses API"}[door]


def section(raw, meta):
    """The report's section 6 as markdown lines, and those of them worth a CI log (what was skipped, the tables);
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
                    skipped.setdefault((entry["target"], entry.get("door")), entry["reason"])
    except OSError:
        pass
    rate, connections = meta.get("oaRate"), meta.get("oaConnections")
    lines = ["## 6. Front doors: POST /v1/chat/completions, /v1/messages, /v1/responses", "",
             f"The mock (32 chunks of `tok ` in each door's API: chat completions with a usage chunk and `[DONE]`, "
             "Anthropic's Messages events, the Responses API's events; or one whole answer with Content-Length) "
             "called directly, through Gateway (`OPENAI_API_KEY=mock OPENAI_BASE_URL=<mock>/v1`, "
             "`ANTHROPIC_API_KEY=mock ANTHROPIC_BASE_URL=<mock>`, and a `PROVIDERS_FILE` provider `mock-responses` with "
             "`\"api\":\"responses\"`) and through the Portkey AI gateway (`@portkey-ai/gateway`, pinned in "
             "`perf/portkey`, run with node; headers `x-portkey-custom-host: <mock>/v1` and `x-portkey-provider: openai`, "
             "`Authorization: Bearer mock`, or for `/v1/messages` `x-portkey-provider: anthropic`, `x-api-key: mock`). "
             "Portkey 1.15.2 relays `/v1/messages` and `/v1/responses` only to an upstream of the same API; Gateway is "
             "measured on those doors both so (model `anthropic/mock`, `mock-responses/mock`: \"upstream in the door's "
             "API\", the reference of the doors' \"vs Gateway\" ratios) and translating from chat completions (model "
             "`openai/mock`: \"Gateway\"), as it serves every model on every door. Each target is first checked to relay "
             "the mock's answer whole in the door's shape. "
             f"**max req/s**: closed loop, {connections} keep-alive connections, {meta.get('oaMaxDuration')} after "
             f"{meta.get('oaMaxWarmup')}. **Latency**: open loop at {rate}/s (from the scheduled start), median of "
             f"{meta.get('oaRounds')} round(s) of {meta.get('oaFixedDuration')}, the targets taking turns; overhead = "
             "the target's percentile minus the mock's (a difference of percentiles). First chunk = the first `data:` "
             "line carrying the mock's text. CPU = the server's own user+sys time per request over those rounds (the "
             "mock's is not added to the proxies'). Portkey's stream handler sleeps 25 ms before it relays the first chunk "
             "of every stream (`readStream` in its src/handlers/streamHandler.ts): its streaming latencies include that.", ""]
    summary = [f"- {NAMES.get(target, target)}{f' {DOORS[door]}' if door else ''} not measured: {reason}"
               for (target, door), reason in skipped.items()]
    if skipped:
        summary.append("")
    data = {d: {t: {m: mode_figures(os.path.join(door_dir(base, d, t), m)) for m in MODES} for t in TARGETS} for d in DOORS}
    summary += doors_table(data)
    for door, (name, stream, whole) in DOOR_TITLES.items():
        summary += table(data[door], reference(door), "stream", f"{name}, streaming ({stream})",
                         (("firstContent", "first chunk"), ("end", "whole")))
        summary += table(data[door], reference(door), "nonstream", f"{name}, non-streaming ({whole})", (("end", "whole"),))
    return lines + summary + details(base), summary


def mode_figures(directory):
    rounds = fixed_rounds(directory)
    return {"max": first_step(load(os.path.join(directory, "max.json"))), "rounds": rounds,
            "cpu": cpu_ms_per_request(rounds)}


def doors_table(data):
    """Gateway's three doors side by side, from either upstream: each as a ratio to its chat completions in the same
    mode; the overheads are over the mock's own answer on that door."""
    lines = ["### Gateway's doors side by side", "",
             "| door | upstream | mode | max req/s | vs chat completions | first chunk overhead p50 | p99 | whole overhead "
             "p50 | p99 | CPU ms/req | vs chat completions |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for mode in MODES:
        for door in DOORS:
            for target in ("gateway-native", "gateway-openai"):
                if data[door][target][mode]["max"] or data[door][target][mode]["rounds"]:
                    lines.append(door_row(data, door, target, mode))
    return lines + [""]


def door_row(data, door, target, mode):
    figures, mock, chat = data[door][target][mode], data[door]["mock"][mode]["rounds"], data["chat"]["gateway-openai"][mode]
    overheads = [minus(round_median(figures["rounds"], name, p), round_median(mock, name, p))
                 for name in ("firstContent", "end") for p in ("p50", "p99")]
    if mode == "nonstream":
        overheads[:2] = [None, None]
    return (f"| `{DOORS[door]}` | {upstream(door, target)} | {mode} | {fmt(achieved(figures['max']))} | "
            f"{ratio_cell(achieved(figures['max']), achieved(chat['max']))} | " + " | ".join(fmt(o) for o in overheads)
            + f" | {fmt(figures['cpu'], 3)} | {ratio_cell(figures['cpu'], chat['cpu'])} |")


def table(data, reference_target, mode, title, metrics):
    gateway_max, gateway_cpu = achieved(data[reference_target][mode]["max"]), data[reference_target][mode]["cpu"]
    mock = data["mock"][mode]["rounds"]
    head = "| target | max req/s | vs Gateway |"
    rule = "|---|---:|---:|"
    for _, label in metrics:
        head += f" {label} p50 | p99 | overhead p50 | overhead p99 |"
        rule += "---:|---:|---:|---:|"
    lines = [f"### {title}", "", head + " CPU ms/req | vs Gateway | errors |", rule + "---:|---:|---|"]
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
        cells += [fmt(figures["cpu"], 3), ratio_cell(figures["cpu"], gateway_cpu), str(errors)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def details(base):
    lines = ["Every run of the scenario (ms):", "",
             "| door | target | mode | run | achieved/s | errors | first chunk p50 | p99 | whole p50 | p99 | events/req |",
             "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for door, path in DOORS.items():
        for t in TARGETS:
            for m in MODES:
                directory = os.path.join(door_dir(base, door, t), m)
                runs = [("max", first_step(load(os.path.join(directory, "max.json"))))]
                runs += [(f"{rate_label(s)} #{n}", s) for n, s, _ in fixed_rounds(directory)]
                for name, s in runs:
                    if s:
                        lines.append(f"| `{path}` | {NAMES[t]} | {m} | {name} | {fmt(s.get('achievedRate'))} | "
                                     f"{errors_cell(s)} | {fmt(metric(s, 'firstContent', 'p50'))} | "
                                     f"{fmt(metric(s, 'firstContent', 'p99'))} | {fmt(metric(s, 'end', 'p50'))} | "
                                     f"{fmt(metric(s, 'end', 'p99'))} | "
                                     f"{fmt(s.get('eventsPerRequest')) if m == 'stream' else '–'} |")
    return lines + [""]


def achieved(step):
    return (step or {}).get("achievedRate")


def minus(a, b):
    return a - b if a is not None and b is not None else None


def ratio_cell(value, reference):
    r = ratio(value, reference)
    return f"{fmt(r)}×" if r is not None else "–"


def rate_label(step):
    return f"{fmt(step.get('targetRate'))}/s"


def cmd_render(args):
    """A report of scenario 6 alone (run.sh --only-front-doors)."""
    lines, summary = section(args.raw, load(os.path.join(args.raw, "meta.json")) or {})
    return write_scenario_report(args.raw, args.out, "Front doors", "Scenario 6", lines, summary,
                                 "perf/run.sh --only-front-doors")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("render")
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    return {"render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
