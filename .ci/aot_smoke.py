#!/usr/bin/env python3
"""Smoke test of the published native-AOT gateway binary.

Starts it on a free loopback port, measures the time from exec to the first answered
connection, checks /health, /models and /v1/models, runs one /v1/chat/completions turn on
the local successor model (the LLamaSharp interop and the OpenAI front door, compiled AOT),
reads its idle RSS, sends SIGTERM and requires exit code 0. Prints one line per measurement;
exits non-zero on any failure.

The default binary also runs one RLM session (SPEC §8) against a stdlib fake OpenAI upstream: the
only test of the JavaScript REPL compiled AOT, where some code that works under the JIT aborts the
process. `--lean` is for the binary built with -p:GatewayRlm=false -p:GatewayMcp=false -p:GatewayCluster=false, which must
refuse that mode with today's 501, have no GET /mcp/servers, and refuse to start with MCP_SERVERS_FILE or REDIS_URL set.

It fetches the web page (issue 19) gzip-compressed and compares it with src/Gateway.Server/WebPage/index.html: the
embedded resources and the compression, compiled AOT.

It also runs one /chat session whose model calls an MCP tool (issue 18): server-everything over stdio, installed in
tests/mcp-servers by scripts/test.sh, through the MCP client library compiled AOT (whose JSON is source-generated;
a reflection path would fail only here).
"""
import http.server
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

RLM_MODEL = "smoke-gpt"
# One fenced js block, as the RLM prompt asks: the context's length, one exec (allowlisted), then FINAL.
RLM_ANSWER = "```js\nconst r = await exec('echo hi')\nprint(context.length, r.stdout.trim(), r.exitCode)\nFINAL('ok')\n```"
MCP_MODEL = "smoke-mcp"
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_EVERYTHING = os.path.join(REPOSITORY, "tests/mcp-servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=5.0):
    return request(port, f"GET {path} HTTP/1.1\r\nHost: smoke\r\nConnection: close\r\n\r\n".encode(), timeout)


def post(port, path, body, timeout=30.0):
    payload = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: smoke\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    return request(port, head.encode() + payload, timeout)


def request(port, raw, timeout):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():
        body = unchunk(body)
    return head.split(b"\r\n")[0].decode(), body.decode()


def unchunk(body):
    """The data of a chunked body (RFC 9112 §7.1): a hex size line, that many bytes and CRLF, until size 0."""
    data = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return data
        data, body = data + body[:size], body[size + 2:]


class FakeOpenAi(http.server.BaseHTTPRequestHandler):
    """Lists RLM_MODEL and MCP_MODEL, streamed as OpenAI streams: RLM_MODEL answers RLM_ANSWER; MCP_MODEL calls
    mcp__everything__get-sum, then, once a tool message is in, answers with text."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        models = [{"id": model, "object": "model"} for model in (RLM_MODEL, MCP_MODEL)]
        self.send_body("application/json", json.dumps({"object": "list", "data": models}).encode())

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if request["model"] != MCP_MODEL:
            delta, finish = {"role": "assistant", "content": RLM_ANSWER}, "stop"
        elif any(m["role"] == "tool" for m in request["messages"]):
            delta, finish = {"role": "assistant", "content": "done"}, "stop"
        else:
            call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "mcp__everything__get-sum", "arguments": '{"a":2,"b":3}'}}
            delta, finish = {"role": "assistant", "tool_calls": [call]}, "tool_calls"
        chunks = [
            {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
            {"choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70}},
        ]
        body = "".join(f"data: {json.dumps(dict(c, id='chatcmpl-smoke', object='chat.completion.chunk', model=request['model']))}\n\n" for c in chunks)
        self.send_body("text/event-stream", (body + "data: [DONE]\n\n").encode())

    def send_body(self, content_type, body):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def events(body):
    """The data of each server-sent event of a /chat stream."""
    return [json.loads(line[len("data: "):]) for line in body.splitlines() if line.startswith("data: ")]


def check_web_page(port):
    raw = f"GET / HTTP/1.1\r\nHost: smoke\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    with open(os.path.join(REPOSITORY, "src/Gateway.Server/WebPage/index.html"), "rb") as f:
        page = f.read()
    if not head.startswith(b"HTTP/1.1 200 OK") or b"\r\ncontent-encoding: gzip" not in head.lower() or gzip.decompress(body) != page:
        raise SystemExit(f"GET / (gzip): got {head!r}")
    print(f"GET / (gzip): {len(body)} bytes, the page's {len(page)}")


def check_rlm(port):
    status, body = post(port, "/chat", {
        "model": RLM_MODEL, "mode": "rlm", "context": "hello world", "maxIterations": 3,
        "permissions": {"allowlist": [{"tool": "exec"}]},
        "messages": [{"role": "user", "content": "How long is the context?"}],
    })
    stream = events(body)
    output = next((e for e in stream if e["type"] == "repl_output"), {})
    end = next((e for e in stream if e["type"] == "harness_end"), {})
    if (status, output.get("stdout"), output.get("done"), end.get("reason")) != ("HTTP/1.1 200 OK", "11 hi 0", True, "final"):
        raise SystemExit(f"POST /chat mode rlm: got {status!r} {body!r}")
    print(f"POST /chat mode rlm: {status} repl_output {json.dumps(output['stdout'])}, harness_end {end['reason']}")


def check_resume(port):
    """SPEC §9 (RESUME_GRACE_SECONDS): the events carry ids, and an ended session is replayed after a Last-Event-ID."""
    status, body = post(port, "/chat", {"model": RLM_MODEL, "messages": [{"role": "user", "content": "Hi"}]})
    stream = events(body)
    ids = [line for line in body.splitlines() if line.startswith("id: ")]
    if status != "HTTP/1.1 200 OK" or ids != [f"id: {n}" for n in range(1, len(stream) + 1)]:
        raise SystemExit(f"POST /chat with RESUME_GRACE_SECONDS: got {status!r} {body!r}")
    session = stream[0]["sessionId"]
    raw = f"GET /chat/{session}/events HTTP/1.1\r\nHost: smoke\r\nLast-Event-ID: 1\r\nConnection: close\r\n\r\n"
    replay_status, replay = request(port, raw.encode(), 10.0)
    if (replay_status, events(replay)) != ("HTTP/1.1 200 OK", stream[1:]):
        raise SystemExit(f"GET /chat/:sessionId/events after 1: got {replay_status!r} {replay!r}")
    print(f"GET /chat/:sessionId/events after 1: {replay_status} {len(stream) - 1} events replayed of {len(stream)}")


def write_mcp_servers_file(directory):
    if not os.path.exists(SERVER_EVERYTHING):
        raise SystemExit(f"{SERVER_EVERYTHING} is missing: run npm ci in tests/mcp-servers (scripts/test.sh does)")
    path = os.path.join(directory, "mcp.json")
    with open(path, "w") as file:
        json.dump({"mcpServers": {"everything": {"command": "node", "args": [SERVER_EVERYTHING, "stdio"]}}}, file)
    return path


def check_mcp(port):
    # The server starts in the background after the gateway: wait (bounded) until GET /mcp/servers says it is ready.
    deadline = time.perf_counter() + 30
    while True:
        status, body = get(port, "/mcp/servers")
        server = json.loads(body)["servers"][0] if status == "HTTP/1.1 200 OK" else {}
        if server.get("state") == "ready":
            break
        if time.perf_counter() > deadline:
            raise SystemExit(f"GET /mcp/servers: not ready within 30 s: {status!r} {body!r}")
        time.sleep(0.1)
    print(f"GET /mcp/servers: {status} everything ready, {len(server['tools'])} tools, protocol {server.get('protocolVersion')}")
    status, body = post(port, "/chat", {
        "model": MCP_MODEL, "permissions": {"allowlist": [{"tool": "mcp__everything__get-sum"}]},
        "messages": [{"role": "user", "content": "What is 2 + 3?"}],
    })
    stream = events(body)
    result = next((e for e in stream if e["type"] == "tool_result"), {})
    text = "".join(e["content"] for e in stream if e["type"] == "text")
    # harness_end without a reason: the run simply finished (SPEC §5).
    ends = [e.get("reason") for e in stream if e["type"] == "harness_end"]
    if (status, result.get("output"), text, ends) != ("HTTP/1.1 200 OK", {"context": "The sum of 2 and 3 is 5."}, "done", [None]):
        raise SystemExit(f"POST /chat with an MCP tool: got {status!r} {body!r}")
    print(f"POST /chat with an MCP tool: {status} tool_result {json.dumps(result['output'])}, then {text!r}")


def check_mcp_stopped():
    """After the gateway's exit no process of its MCP server is left (it is killed with its process group)."""
    deadline = time.perf_counter() + 2
    while left := [pid for pid in os.listdir("/proc") if pid.isdigit() and SERVER_EVERYTHING in read_cmdline(pid)]:
        if time.perf_counter() > deadline:
            raise SystemExit(f"MCP server processes left after the gateway stopped: {left}")
        time.sleep(0.05)
    print("MCP server stopped with the gateway")


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().decode(errors="replace")
    except OSError:
        return ""  # the process ended while /proc was listed


def check_lean(port):
    status, body = post(port, "/chat", {"model": "successor-tiny", "mode": "rlm", "messages": [{"role": "user", "content": "Hi"}]})
    if (status, json.loads(body).get("error")) != ("HTTP/1.1 501 Not Implemented", 'mode "rlm" is not implemented by this server'):
        raise SystemExit(f"POST /chat mode rlm (lean): got {status!r} {body!r}")
    print(f"POST /chat mode rlm (lean): {status} {body}")
    status, body = get(port, "/mcp/servers")
    if status != "HTTP/1.1 404 Not Found":
        raise SystemExit(f"GET /mcp/servers (lean): got {status!r} {body!r}")
    print(f"GET /mcp/servers (lean): {status} {body}")


def check_lean_refuses(binary, env, variable, value, reason):
    """A lean binary asked for what it was built without does not start: exit code 2, the reason on its log."""
    run = subprocess.run([binary], env=dict(env, **{variable: value}), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=15)
    output = run.stdout.decode(errors="replace")
    if run.returncode != 2 or reason not in output:
        raise SystemExit(f"{variable} with the lean binary: exit code {run.returncode}\n{output}")
    print(f"{variable} with the lean binary: exit code {run.returncode}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main(binary, lean):
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="info")
    upstream = None
    scratch = tempfile.TemporaryDirectory(prefix="aot-smoke-")
    if not lean:
        upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAi)
        threading.Thread(target=upstream.serve_forever, daemon=True).start()
        env.update(OPENAI_API_KEY="smoke", OPENAI_BASE_URL=f"http://127.0.0.1:{upstream.server_port}/v1",
                   MCP_SERVERS_FILE=write_mcp_servers_file(scratch.name), RESUME_GRACE_SECONDS="30")
    started = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = started + 10
        while True:
            try:
                status, _ = get(port, "/health", timeout=1)
                break
            except OSError:
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise SystemExit("gateway did not accept a connection within 10 s")
                time.sleep(0.001)
        first_answer_ms = (time.perf_counter() - started) * 1000

        checks = [("/health", "HTTP/1.1 200 OK", '{"status":"ok"}'), ("/models", "HTTP/1.1 200 OK", None), ("/v1/models", "HTTP/1.1 200 OK", None)]
        for path, want_status, want_body in checks:
            status, body = get(port, path)
            if status != want_status or (want_body is not None and body != want_body):
                raise SystemExit(f"GET {path}: got {status!r} {body!r}")
            print(f"GET {path}: {status} {body}")

        time.sleep(0.5)  # let start-up garbage settle before reading the idle footprint
        print(f"binary size: {os.path.getsize(binary) / 1e6:.2f} MB")
        print(f"exec to first answered request: {first_answer_ms:.1f} ms")
        print(f"idle RSS: {rss_kib(process.pid) / 1024:.1f} MiB")

        # After the idle footprint, which a loaded model would change. The successor model answers a chat
        # with A, B, C, …: three tokens are "ABC", cut for length.
        status, body = post(port, "/v1/chat/completions", {"model": "successor-tiny", "max_tokens": 3, "messages": [{"role": "user", "content": "Hi"}]})
        choice = json.loads(body)["choices"][0] if status == "HTTP/1.1 200 OK" else {}
        if (choice.get("message", {}).get("content"), choice.get("finish_reason")) != ("ABC", "length"):
            raise SystemExit(f"POST /v1/chat/completions: got {status!r} {body!r}")
        print(f"POST /v1/chat/completions: {status} {body}")
        check_web_page(port)
        if lean:
            check_lean(port)
        else:
            check_rlm(port)
            check_mcp(port)
            check_resume(port)

        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
        output = process.stdout.read().decode()
        if code != 0:
            raise SystemExit(f"exit code after SIGTERM: {code}\n{output}")
        print(f"SIGTERM: exit code {code}")
        if lean:
            servers_file = os.path.join(scratch.name, "mcp.json")
            with open(servers_file, "w") as file:
                json.dump({"mcpServers": {}}, file)
            check_lean_refuses(binary, env, "MCP_SERVERS_FILE", servers_file, "built without the MCP client")
            check_lean_refuses(binary, env, "REDIS_URL", "redis://127.0.0.1:6379", "built without the Redis client")
        else:
            check_mcp_stopped()
    finally:
        if process.poll() is None:
            process.kill()
        if upstream is not None:
            upstream.shutdown()
        scratch.cleanup()


if __name__ == "__main__":
    main(sys.argv[1], lean=sys.argv[2:] == ["--lean"])
