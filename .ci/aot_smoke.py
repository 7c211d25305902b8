#!/usr/bin/env python3
"""Smoke test of the published native-AOT gateway binary.

Starts it on a free loopback port, measures the time from exec to the first answered
connection, checks /health, /models and /v1/models, runs one /v1/chat/completions turn on
the local successor model (the LLamaSharp interop and the OpenAI front door, compiled AOT),
reads its idle RSS, sends SIGTERM and requires exit code 0. Prints one line per measurement;
exits non-zero on any failure.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time


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
    return head.split(b"\r\n")[0].decode(), body.decode()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main(binary):
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="info")
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

        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
        output = process.stdout.read().decode()
        if code != 0:
            raise SystemExit(f"exit code after SIGTERM: {code}\n{output}")
        print(f"SIGTERM: exit code {code}")
    finally:
        if process.poll() is None:
            process.kill()


if __name__ == "__main__":
    main(sys.argv[1])
