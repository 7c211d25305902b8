#!/usr/bin/env bash
# Where Gateway's CPU goes under a saturating load (issue 12): a native-AOT Gateway built with its symbols
# (StripSymbols=false) relays the mock's stream, first for /chat, then for /v1/chat/completions streamed, each under a
# closed loop of 32 connections while `perf record -g` samples the Gateway process; perf/profile_report.py sorts the
# samples into categories (kernel send/recv/epoll, GC, thread pool, HTTP parse, upstream client, JSON/SSE, locks, ...)
# and lists the top symbols, into perf/results/<date>-<commit>-profile.md. Not part of CI.
#
#   perf/profile.sh                 build, profile, report (a few minutes)
#   perf/profile.sh --no-build      reuse perf/bin/gateway-profile, perf/bin/mock and perf/bin/loadgen
#   --seconds=N                     seconds recorded per load (10)
#
# linux-perf is installed with apt-get when perf is missing. Every process started here is stopped on exit (trap),
# every wait is bounded, and the raw perf data stays under artifacts/profile/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

build=1
seconds=10
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --seconds=*) seconds=${arg#*=} ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf/profile.sh: unknown argument '$arg' (--no-build, --seconds=N)" >&2; exit 2 ;;
  esac
done

bin=${PERF_BIN:-perf/bin}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=""
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then dirty=" (with uncommitted changes)"; fi
out=perf/results/$(date -u +%Y-%m-%d)-$commit-profile.md
raw=artifacts/profile
rm -rf "$raw"
mkdir -p "$raw/logs" perf/results

pids=()
cleanup() {
  local status=$? p
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; done
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 perf/report.py free-port; }

# start NAME PORT COMMAND...: a server in the background, logged to $raw/logs/NAME.log, listening within 60 s.
start() {
  local name=$1 port=$2 deadline=$((SECONDS + 60))
  shift 2
  "$@" >"$raw/logs/$name.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$started_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "perf/profile.sh: $name did not start listening on $port" >&2
      tail -20 "$raw/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.05
  done
}

if ! command -v perf >/dev/null; then
  echo "== installing linux-perf"
  apt-cache show linux-perf >/dev/null 2>&1 || timeout 180 apt-get update >"$raw/logs/apt.log" 2>&1 || true
  timeout 300 apt-get install -y linux-perf >>"$raw/logs/apt.log" 2>&1 || { echo "perf/profile.sh: apt-get could not install linux-perf" >&2; exit 1; }
fi

publish() {
  local project=$1 dir=$2
  shift 2
  echo "== publish $project -> $dir"
  timeout 1200 dotnet publish "$project" -c Release -o "$dir" "$@" >"$raw/logs/publish-$(basename "$dir").log" 2>&1 \
    || { echo "perf/profile.sh: publishing $project failed (log: $raw/logs/publish-$(basename "$dir").log)" >&2; exit 1; }
}
if [ $build = 1 ]; then
  # The symbols stay in the executable, so that perf names the managed methods (no separate .dbg file to find); its
  # own obj/ under artifacts/, so that it can build beside a perf/run.sh.
  publish src/Gateway.Server "$bin/gateway-profile" -warnaserror -p:StripSymbols=false --artifacts-path "$PWD/artifacts/profile-build"
  [ -x "$bin/mock/Gateway.MockUpstream" ] || publish perf/Gateway.MockUpstream "$bin/mock"
  [ -x "$bin/loadgen/Gateway.LoadGen" ] || publish perf/Gateway.LoadGen "$bin/loadgen"
fi
gateway_bin=$bin/gateway-profile/gateway
for b in "$gateway_bin" "$bin/mock/Gateway.MockUpstream" "$bin/loadgen/Gateway.LoadGen"; do
  [ -x "$b" ] || { echo "perf/profile.sh: $b is missing (run without --no-build)" >&2; exit 1; }
done

mock_port=$(free_port)
start mock "$mock_port" "$bin/mock/Gateway.MockUpstream" --port "$mock_port" --chunks 32
echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:$mock_port/v1\"}]}" >"$raw/providers.json"
mkdir -p "$raw/no-models" "$raw/workspace"
gateway_port=$(free_port)
start gateway "$gateway_port" env HOST=127.0.0.1 PORT="$gateway_port" LOG_LEVEL=warning MODELS_DIR="$raw/no-models" \
  WORKSPACE_ROOT="$raw/workspace" PROVIDERS_FILE="$raw/providers.json" "$gateway_bin"
gateway_pid=$started_pid
messages='"messages":[{"role":"user","content":"Say something."}]'
echo "{\"model\":\"mock\",$messages}" >"$raw/chat.json"
echo "{\"model\":\"mock/mock\",\"stream\":true,\"stream_options\":{\"include_usage\":true},$messages}" >"$raw/v1.json"

# profile NAME PATH BODY SSE-ARGS...: a warm-up, then the load for $seconds + 2 s while perf samples Gateway for $seconds.
profile() {
  local name=$1 path=$2 body=$3 load_pid
  shift 3
  local load=("$bin/loadgen/Gateway.LoadGen" --url "http://127.0.0.1:$gateway_port$path" --body "@$body" "$@" --mode closed
    --connections 32 --timeout 10s --quiet)
  echo "== $name: $seconds s under perf record"
  timeout 60 "${load[@]}" --warmup 0 --duration 2s >/dev/null 2>&1 || true
  timeout $((seconds + 60)) "${load[@]}" --warmup 1s --duration "$((seconds + 1))s" --json "$raw/$name-load.json" \
    >"$raw/$name-load.md" 2>"$raw/logs/$name-load.log" &
  load_pid=$!
  pids+=("$load_pid")
  sleep 1 # the load's warm-up second, before sampling starts
  timeout $((seconds + 30)) perf record -e cpu-clock -F 999 -g -p "$gateway_pid" -o "$raw/$name.data" -- sleep "$seconds" \
    >"$raw/logs/$name-perf.log" 2>&1 || { echo "perf/profile.sh: perf record failed:" >&2; tail -5 "$raw/logs/$name-perf.log" >&2; exit 1; }
  wait "$load_pid" || true
  timeout 300 perf script -F comm,ip,sym,dso -i "$raw/$name.data" >"$raw/$name.stacks" 2>"$raw/logs/$name-script.log"
  python3 perf/report.py step "$raw/$name-load.json" || true
}
profile chat /chat "$raw/chat.json" --sse
profile v1-stream /v1/chat/completions "$raw/v1.json" --sse --first-content-contains '"content":"tok'

python3 perf/profile_report.py --out "$out" --title "Gateway under a saturating load, commit \`$commit\`$dirty" \
  --command "perf/profile.sh${*:+ $*}" --seconds "$seconds" \
  "/chat=$raw/chat.stacks=$raw/chat-load.json" "/v1 streamed=$raw/v1-stream.stacks=$raw/v1-stream-load.json"
echo "perf/profile.sh: report $out"
