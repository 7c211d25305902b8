#!/usr/bin/env python3
"""The breakdown of perf/profile.sh: reads `perf script -F comm,ip,sym,dso` output (call stacks of Gateway's samples)
and writes a markdown report with the share of samples per category and the top symbols. Standard library only.

  profile_report.py --out MD --title T --command C --seconds N LABEL=STACKS=LOAD.json...

A sample counts once, for the category of the first frame from the leaf up that matches one: a memmove called by the
JSON reader is JSON, a kernel sample is filed by the system call it is in. Native AOT names a managed method
<assembly>_<namespace>_<type>__<method>, which the patterns below match.
"""
import argparse
import collections
import json
import re
import sys

FRAME = re.compile(r"^\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")

# Kernel samples, by the system call (or path) in their stack.
KERNEL = (
    ("kernel: send (write, sendto, sendmsg)", re.compile(r"sys_(sendto|sendmsg|write|writev)\b|tcp_sendmsg")),
    ("kernel: recv (read, recvfrom, recvmsg)", re.compile(r"sys_(recvfrom|recvmsg|read|readv)\b|tcp_recvmsg")),
    ("kernel: epoll", re.compile(r"epoll|ep_poll")),
    ("kernel: futex (threads waking, sleeping)", re.compile(r"futex")),
    ("kernel: scheduling, interrupts, other", re.compile(r".")),
)
# User-space frames; the first pattern a frame matches names its category.
USER = (
    ("GC and allocation", re.compile(r"gc_heap|GCHeap|WKS::|SVR::|RhpGcAlloc|RhpNew|RhpGcPoll|GcAlloc|GCToEEInterface|"
                                     r"RhpAssignRef|RhpCheckedAssign|RhpByRefAssign|GcInfo|StackFrameIterator")),
    ("locks", re.compile(r"_Monitor__|Threading_Lock__|SpinLock|SpinWait|pthread_mutex|RhpLock|LowLevelLock")),
    ("JSON / SSE decode and encode", re.compile(r"System_Text_Json|_Sse_|Sse[A-Z]\w*__|Json\w*__|EventWriter|_Events_|"
                                                r"CompletionChunk|CompletionJson|StreamDecoder|Utf8JsonReader|Utf8JsonWriter|JsonText|"
                                                r"TextEncoder|Encodings_Web")),
    ("HTTP parse and write (server)", re.compile(r"Gateway_Server_Http_|Gateway_Server_Routing_|Gateway_Server_Transport_")),
    ("upstream client", re.compile(r"System_Net_Http|Gateway_Server_Providers_|UpstreamHttp")),
    ("sockets and pipes (user side)", re.compile(r"System_Net_Sockets|System_IO_Pipelines|SocketAsync")),
    ("thread pool, tasks, scheduling", re.compile(r"ThreadPool|WorkerThread|LowLevelLifoSemaphore|LowLevelMonitor|"
                                                  r"ExecutionContext|System_Threading_Tasks|AsyncTaskMethodBuilder|"
                                                  r"AsyncValueTask|ValueTask|pthread_cond|Awaiter|TimerQueue")),
    ("Gateway: agents, endpoints, other", re.compile(r"Gateway_Server_")),
)


def samples(path):
    """Each sample's frames as (symbol, dso), leaf first."""
    frames = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if frames:
                    yield frames
                frames = []
                continue
            match = FRAME.match(line)
            if match:
                frames.append((match.group(2), match.group(3)))
    if frames:
        yield frames


def is_kernel(dso):
    return dso.startswith("[kernel")


def category(frames):
    if is_kernel(frames[0][1]):
        stack = " ".join(symbol for symbol, dso in frames if is_kernel(dso))
        return next(name for name, pattern in KERNEL if pattern.search(stack))
    for symbol, _ in frames:
        for name, pattern in USER:
            if pattern.search(symbol):
                return name
    return "other (runtime, libc, unresolved)"


def breakdown(path):
    categories, symbols, total = collections.Counter(), collections.Counter(), 0
    for frames in samples(path):
        total += 1
        categories[category(frames)] += 1
        symbol, dso = frames[0]
        symbols[(symbol, dso.rsplit("/", 1)[-1])] += 1
    return total, categories, symbols


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--seconds", required=True)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("runs", nargs="+", help="LABEL=STACKS=LOAD.json")
    args = parser.parse_args()

    lines = [f"# Profile: {args.title}", "",
             f"`{args.command}`: a native-AOT Gateway built with its symbols relays the mock's stream (32 text chunks) "
             f"under a closed loop of 32 connections; `perf record -e cpu-clock -F 999 -g` samples the Gateway process "
             f"for {args.seconds} s per load. Each sample is filed under the category of the first frame, from the leaf "
             "up, that matches one (`perf/profile_report.py`): a memmove called by the JSON writer counts as JSON, a "
             "kernel sample counts under the system call it is in. Shares are of Gateway's samples only (the mock and "
             "the load generator run beside it on the same cores).", ""]
    results = []
    for run in args.runs:
        label, stacks, load_path = run.split("=", 2)
        total, categories, symbols = breakdown(stacks)
        try:
            step = (json.load(open(load_path)).get("steps") or [{}])[0]
        except (OSError, ValueError):
            step = {}
        results.append((label, total, categories, symbols, step))

    names = [name for name, _ in KERNEL] + [name for name, _ in USER] + ["other (runtime, libc, unresolved)"]
    lines += ["## Share of samples by category", "",
              "| category | " + " | ".join(label for label, *_ in results) + " |",
              "|---|" + "---:|" * len(results)]
    for name in names:
        cells = [f"{100 * categories[name] / total:.1f}%" if total else "–" for _, total, categories, _, _ in results]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **samples** | " + " | ".join(str(total) for _, total, *_ in results) + " |")
    lines.append("| sessions/s during the load | " + " | ".join(f"{step.get('achievedRate', 0):,.0f}" for *_, step in results) + " |")
    lines += [""]
    for label, total, _, symbols, _ in results:
        lines += [f"## Top {args.top} symbols, {label} (self, leaf frame)", "", "| share | symbol | object |", "|---:|---|---|"]
        for (symbol, dso), count in symbols.most_common(args.top):
            lines.append(f"| {100 * count / total:.1f}% | `{symbol[:140]}` | {dso} |")
        lines += [""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    for label, total, categories, _, _ in results:
        print(f"{label}: {total} samples; " + ", ".join(f"{name} {100 * n / total:.0f}%" for name, n in categories.most_common(6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
