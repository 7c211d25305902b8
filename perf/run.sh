#!/usr/bin/env bash
# The performance lab of issues 6, 11 and 12: builds Gateway, the Kestrel baseline, the minimal-API anchor, the mock
# upstream and the load generator native AOT, runs every scenario against Gateway, the Kestrel baseline, the anchor
# and (for calibration) the mock directly in one run, and writes the report with perf/report.py.
#
#   perf/run.sh            full run, about 27 minutes plus the soak (30) plus builds: perf/results/<date>-<commit>.md (+ .svg)
#   perf/run.sh --quick    about 7½ minutes plus builds, for CI: artifacts/perf/<date>-<commit>-quick.md (+ .svg)
#   --no-build             reuse the binaries under perf/bin
#   --soak-minutes=N       the full run's soak (scenario 9) lasts N minutes (30; 0 leaves it out); the quick run's lasts 2
#   --only-front-doors     scenario 6 alone (with the mock), about 3½ minutes (quick: 1): <date>-<commit>-front-doors[-quick].md
#   --only-hardening       scenarios 7-9 alone (with the mock): <date>-<commit>-hardening[-quick].md
#   --only-mock-sessions   scenario 12 alone: <date>-<commit>-mock-sessions[-quick].md
#   --only-security        scenario 13 alone: <date>-<commit>-security[-quick].md
#   --only-rlm             scenario 14 alone, about 1¼ minutes (quick: 25 s): <date>-<commit>-rlm[-quick].md
#   --only-mcp             scenario 15 alone, about 70 s (quick: 25 s): <date>-<commit>-mcp[-quick].md
#   --only-cluster         scenario 16 alone, about 2 minutes (quick: 30 s): <date>-<commit>-cluster[-quick].md
#
# Scenarios (perf/README.md, "Performance lab"): 1. /chat with the mock streaming 32 text chunks: open-loop rate
# sweep (the anchor too) and a fixed-rate overhead run; 2. many idle /chat streams waiting on a relay: RSS per session, CPU while
# idle; 3. GET /health and /models, keep-alive and pipelined, cross-checked with wrk; 4. start-up, idle RSS, binary
# size; 5. server CPU per /chat session (measured during 1); 6. front doors: POST /v1/chat/completions, /v1/messages
# and /v1/responses through Gateway and through the Portkey AI gateway (npm, perf/portkey), beside the mock directly,
# streamed and not (perf/openai-front-door.sh); 7. slowloris connections beside /health and /chat load; 8. memory idle, under idle
# connections and stuck readers, and after; 9. the soak (perf/hardening.sh); 10. CPU per session at saturation and
# peak RSS; 11. bytes allocated per session and per relayed event, checked against perf/allocation-budget.json (a run
# over budget exits 3) (perf/session-cost.sh); 12. 10,000 concurrent slow sessions on Gateway's own mock model (MOCK_MODELS):
# RSS, CPU, time to open them all (perf/mock-sessions.sh); 13. what issue 14's security costs: bash calls with
# BASH_SANDBOX=none vs bwrap (shared and per-session workspace) and the launch chain alone, and /v1/chat/completions
# without keys vs GATEWAY_API_KEYS vs a GATEWAY_KEYS_FILE key with every limit set (perf/security.sh); 14. an RLM
# session (mode "rlm": one model call, one REPL turn) against an agent-mode /chat session on the same mock: CPU, bytes
# allocated, wall time and RSS, cold and warm (perf/rlm-cost.sh); 15. one MCP tool call (server-everything's echo over
# stdio, MCP_SANDBOX none and bwrap) per /chat session against a built-in read call and against the same call made
# without Gateway (perf/mcp-cost.sh); 16. server CPU per /chat session on the mock model with REDIS_URL against the
# same Gateway without (perf/cluster-cost.sh). Every process started here is stopped on exit, and every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

quick=0
build=1
soak_minutes=30
only_front_doors=0
only_hardening=0
only_mock_sessions=0
only_security=0
only_rlm=0
only_mcp=0
only_cluster=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --soak-minutes=*) soak_minutes=${arg#*=} ;;
    --only-front-doors) only_front_doors=1 ;;
    --only-hardening) only_hardening=1 ;;
    --only-mock-sessions) only_mock_sessions=1 ;;
    --only-security) only_security=1 ;;
    --only-rlm) only_rlm=1 ;;
    --only-mcp) only_mcp=1 ;;
    --only-cluster) only_cluster=1 ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf/run.sh: unknown argument '$arg' (--quick, --no-build, --soak-minutes=N, --only-front-doors, --only-hardening, --only-mock-sessions, --only-security, --only-rlm, --only-mcp, --only-cluster)" >&2; exit 2 ;;
  esac
done

run_started=$SECONDS
run_command="perf/run.sh${*:+ $*}"
bin=${PERF_BIN:-perf/bin}  # another directory lets a run go on beside one that uses perf/bin
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=false
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then dirty=true; fi
run_date=$(date -u +%Y-%m-%d)
run_id="$run_date-$commit"

# ---------------------------------------------------------------------------------------------- parameters
p99_target_ms=50   # scenario 1: the sweep's pass criterion on time to first text
chunks=32
fixed_rate=500     # scenario 1: the "moderate" rate of the overhead and CPU-per-session run
pipeline=16
small_connections=64
oa_connections=64  # scenario 6: closed-loop concurrency of the highest-throughput run
oa_rate=200        # scenario 6: the fixed rate of the latency runs, well below Portkey's limit here
sat_connections=32 # scenarios 10 and 11: the closed loop of the issue's measurements (wrk -c32)
alloc_sessions=10000 alloc_warmup=1000 alloc_chunks=256  # scenario 11: sessions per run; the second mock's stream
ms_n=10000 ms_tokens=24 ms_pace=1 ms_limit=120  # scenario 12: sessions held at once, pieces each, pieces a second, time limit
sec_concurrency=8 sec_key_rate=500  # scenario 13: bash calls at once in the concurrent runs; the fixed rate of the key runs
# Scenario 14: sessions at once in the concurrent run; the small context's size; seconds after the runs before RSS is read again
rc_concurrency=8 rc_small_bytes=10000 rc_settle=12
mc_concurrency=4  # scenario 15: tool calls at once in the concurrent runs
cc_connections=8  # scenario 16: sessions at once in each round
if [ $quick = 1 ]; then
  report=artifacts/perf/$run_id-quick.md
  raw=artifacts/perf/$run_id-quick
  sweep_start=800 sweep_max_steps=2 sweep_max_rate=1600 sweep_warmup=0.5s sweep_duration=1.5s
  fixed_warmup=0.5s fixed_duration=2s fixed_rounds=1
  idle_n=1000 idle_hold=2 idle_settle=1
  small_warmup=0.5s small_duration=1s wrk_duration=0   # no wrk cross-check in the quick run
  startup_runs=3
  oa_max_warmup=0.3s oa_max_duration=1s oa_fixed_warmup=0.3s oa_fixed_duration=1.5s oa_rounds=1
  slowloris_n=1000 slowloris_headers_timeout=10 hd_load_warmup=0.5s hd_load_duration=2s
  burst_n=5000 stuck_n=200 stuck_write_timeout=5 memory_after=20
  soak_seconds=120 soak_relay_timeout=5 soak_stable_from=0.25 soak_sample=1
  sat_warmup=0.5s sat_duration=2s sat_rounds=1
  ms_n=2000 ms_tokens=12
  sec_rounds=1 sec_calls=100 sec_calls_concurrent=200 sec_launches=100
  sec_key_warmup=0.5s sec_key_duration=2s sec_key_requests=20000 sec_warmup_requests=500 sec_alloc_requests=5000
  rc_cold_runs=1 rc_warmup=10 rc_sequential=100 rc_duration=1s rc_large_bytes=0
  mc_rounds=1 mc_warmup=20 mc_calls=100 mc_calls_concurrent=200
  cc_rounds=2 cc_duration=3s
else
  report=perf/results/$run_id.md
  raw=artifacts/perf/$run_id
  sweep_start=400 sweep_max_steps=9 sweep_max_rate=25600 sweep_warmup=1s sweep_duration=4s
  fixed_warmup=2s fixed_duration=4s fixed_rounds=3
  idle_n=10000 idle_hold=10 idle_settle=2
  small_warmup=1s small_duration=5s wrk_duration=4s
  startup_runs=5
  oa_max_warmup=1s oa_max_duration=3s oa_fixed_warmup=1s oa_fixed_duration=3s oa_rounds=3
  slowloris_n=1000 slowloris_headers_timeout=30 hd_load_warmup=1s hd_load_duration=5s
  burst_n=15000 stuck_n=200 stuck_write_timeout=10 memory_after=60
  soak_seconds=$((soak_minutes * 60)) soak_relay_timeout=10 soak_sample=5
  sat_warmup=2s sat_duration=5s sat_rounds=3
  soak_stable_from=$(python3 -c "print(min(300 / max($soak_seconds, 1), 0.5))")  # from minute 5 (the issue's bound)
  # Scenario 13's key runs stay under the keys file's 100,000 requests a minute: 83,500 in all on its Gateway.
  sec_rounds=3 sec_calls=400 sec_calls_concurrent=800 sec_launches=400
  sec_key_warmup=1s sec_key_duration=4s sec_key_requests=25000 sec_warmup_requests=1000 sec_alloc_requests=10000
  rc_cold_runs=3 rc_warmup=20 rc_sequential=200 rc_duration=3s rc_large_bytes=1000000
  mc_rounds=3 mc_warmup=50 mc_calls=500 mc_calls_concurrent=1000
  cc_rounds=5 cc_duration=8s
fi
if [ "$soak_minutes" = 0 ]; then soak_seconds=0; fi
if [ $only_front_doors = 1 ]; then
  report=$(dirname "$report")/$run_id-front-doors$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-front-doors$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_hardening = 1 ]; then
  report=$(dirname "$report")/$run_id-hardening$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-hardening$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_mock_sessions = 1 ]; then
  report=$(dirname "$report")/$run_id-mock-sessions$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-mock-sessions$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_security = 1 ]; then
  report=perf/results/$run_id-security$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-security$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_rlm = 1 ]; then
  report=$(dirname "$report")/$run_id-rlm$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-rlm$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_mcp = 1 ]; then
  report=perf/results/$run_id-mcp$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-mcp$( if [ $quick = 1 ]; then echo -quick; fi )
elif [ $only_cluster = 1 ]; then
  report=$(dirname "$report")/$run_id-cluster$( if [ $quick = 1 ]; then echo -quick; fi ).md
  raw=artifacts/perf/$run_id-cluster$( if [ $quick = 1 ]; then echo -quick; fi )
fi
svg=${report%.md}.svg
rm -rf "$raw"
mkdir -p "$raw"/{logs,s1,s2,s3,s4,s6,s7,s10,s11} "$(dirname "$report")"

# Many idle streams need many descriptors, here (the client) and in the servers (inherited).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle_n + 1000)) ]; then
  idle_n=$(( $(ulimit -n) - 1000 ))
  echo "perf/run.sh: open-file limit $(ulimit -n); idle sessions lowered to $idle_n" >&2
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((burst_n + 1000)) ]; then
  burst_n=$(( $(ulimit -n) - 1000 ))
  echo "perf/run.sh: open-file limit $(ulimit -n); idle connections of scenario 8 lowered to $burst_n" >&2
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((ms_n + 1000)) ]; then
  ms_n=$(( $(ulimit -n) - 1000 ))
  echo "perf/run.sh: open-file limit $(ulimit -n); concurrent sessions of scenario 12 lowered to $ms_n" >&2
fi

# ---------------------------------------------------------------------------------------------- processes
pids=()     # every long-lived process started here
child=""    # the bounded foreground command running now

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}" $child; do wait_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true; done
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# True once process $1 is gone, false after $2 seconds.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.05
  done
}

# Runs a command with a time limit; in the background so that a signal reaches the trap at once.
bounded() {
  local seconds=$1 status=0
  shift
  timeout --kill-after=5 "$seconds" "$@" &
  child=$!
  wait "$child" || status=$?
  child=""
  return $status
}

# Waits until 127.0.0.1:$1 accepts a connection, while process $3 lives, for at most $2 seconds.
wait_port() {
  local port=$1 deadline=$((SECONDS + $2)) pid=$3
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.02
  done
}

# try_start NAME PORT COMMAND...: a server in the background, logged to $raw/logs/NAME.log; sets started_pid. False,
# with the process stopped and its log shown, when it does not listen within 60 s.
try_start() {
  local name=$1 port=$2
  shift 2
  "$@" >"$raw/logs/$name.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  if ! wait_port "$port" 60 "$started_pid"; then
    echo "perf/run.sh: $name did not start listening on $port; its log:" >&2
    tail -20 "$raw/logs/$name.log" >&2
    stop "$started_pid"
    return 1
  fi
}

# start NAME PORT COMMAND...: try_start for a server the run cannot do without.
start() { try_start "$@" || exit 1; }

stop() {
  local pid=$1 kept=()
  kill -TERM "$pid" 2>/dev/null || true
  wait_exit "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do if [ "$p" != "$pid" ]; then kept+=("$p"); fi; done
  pids=("${kept[@]}")
}

# utime + stime of a process and cutime + cstime (of the children it has reaped) in clock ticks (/proc/PID/stat fields
# 14-17, counted after the command name), separated by a space.
proc_ticks() {
  local stat rest
  read -r stat <"/proc/$1/stat"
  rest=${stat##*) }
  set -- $rest
  echo "$(( ${12} + ${13} )) $(( ${14} + ${15} ))"
}

# utime + stime of a process in clock ticks.
cpu_ticks() {
  local ticks
  ticks=$(proc_ticks "$1")
  echo "${ticks% *}"
}

# allocated PID LOG OUT: Gateway's "Allocated: ..." line (Diagnostics/AllocationSignal.cs, an info line), asked for with
# SIGUSR1 and waited for in LOG (10 s at most), into OUT.
allocated() {
  local p=$1 log=$2 before deadline=$((SECONDS + 10))
  before=$(grep -c ' Allocated: ' "$log" || true)
  kill -USR1 "$p"
  until [ "$(grep -c ' Allocated: ' "$log" || true)" -gt "$before" ]; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$p" 2>/dev/null; then
      echo "perf/run.sh: Gateway wrote no allocation line after SIGUSR1" >&2
      return 1
    fi
    sleep 0.05
  done
  grep ' Allocated: ' "$log" | tail -1 >"$3"
}

free_port() { python3 perf/report.py free-port; }

section() { echo "== [$((SECONDS - run_started)) s] $*"; }

json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['steps'][0].get(sys.argv[2], 0))" "$1" "$2"; }

# with_cpu TARGET CPU.json LOAD.json COMMAND...: runs the load COMMAND, then writes the server's utime+stime over it and
# the requests LOAD.json counts as ok ({"cpuSeconds", "sessions"}), unless the server was restarted meanwhile.
with_cpu() {
  local t=$1 cpu_out=$2 load_out=$3 p=${pid[$1]} before after ok
  shift 3
  before=$(cpu_ticks "$p")
  "$@"
  if [ "${pid[$t]}" = "$p" ]; then
    after=$(cpu_ticks "$p")
    ok=$(json_field "$load_out" ok 2>/dev/null || echo 0)
    python3 -c "import json,os,sys; json.dump({'cpuSeconds': (int(sys.argv[1]) - int(sys.argv[2])) / os.sysconf('SC_CLK_TCK'), 'sessions': int(sys.argv[3])}, open(sys.argv[4], 'w'))" \
      "$after" "$before" "$ok" "$cpu_out"
  fi
}

# ---------------------------------------------------------------------------------------------- build
publish() {
  local project=$1 out=$2 log=$raw/logs/publish-$(basename "$1").log
  shift 2
  echo "== publish $project -> $out"
  if ! bounded 1200 dotnet publish "$project" -c Release -o "$out" "$@" >"$log" 2>&1; then
    echo "perf/run.sh: publishing $project failed:" >&2
    grep -E 'error|warning' "$log" | sort -u | tail -20 >&2 || tail -20 "$log" >&2
    exit 1
  fi
}
# The anchor is built where it lives (its README): its obj/ and bin/ go under artifacts/, nothing is written beside it.
anchor_project=../shared/anchors/kestrel-minimal-api
only_scenario=$((only_front_doors + only_hardening + only_mock_sessions + only_security + only_rlm + only_mcp + only_cluster))
if [ $build = 1 ]; then
  publish src/Gateway.Server $bin/gateway -warnaserror
  if [ $only_scenario = 0 ]; then
    publish perf/Gateway.KestrelBaseline $bin/kestrel -warnaserror
    publish $anchor_project $bin/anchor -r linux-x64 --artifacts-path "$PWD/artifacts/anchor-build"
  fi
  if [ $((only_mock_sessions + only_security + only_mcp + only_cluster)) = 0 ]; then publish perf/Gateway.MockUpstream $bin/mock; fi
  publish perf/Gateway.LoadGen $bin/loadgen
fi
gateway_bin=$bin/gateway/gateway
kestrel_bin=$bin/kestrel/Gateway.KestrelBaseline
anchor_bin=$bin/anchor/kestrel-stack
mock_bin=$bin/mock/Gateway.MockUpstream
loadgen=$bin/loadgen/Gateway.LoadGen
needed=("$gateway_bin" "$loadgen")
if [ $((only_mock_sessions + only_security + only_mcp + only_cluster)) = 0 ]; then needed+=("$mock_bin"); fi
if [ $only_scenario = 0 ]; then needed+=("$kestrel_bin" "$anchor_bin"); fi
for b in "${needed[@]}"; do
  [ -x "$b" ] || { echo "perf/run.sh: $b is missing (run without --no-build)" >&2; exit 1; }
done

have_wrk=1
if [ "$wrk_duration" != 0 ] && [ $only_scenario = 0 ] && ! command -v wrk >/dev/null; then
  echo "== installing wrk"
  { bounded 180 apt-get install -y wrk || { bounded 180 apt-get update && bounded 180 apt-get install -y wrk; }; } \
    >"$raw/logs/apt-wrk.log" 2>&1 || true
  command -v wrk >/dev/null || { have_wrk=0; echo "perf/run.sh: wrk unavailable; the cross-check is skipped" >&2; }
fi

# ---------------------------------------------------------------------------------------------- configuration
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
workspace=$raw/workspace
mkdir -p "$workspace" "$raw/no-models"
mock_port=$(free_port)
tools_port=$(free_port)
echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:$mock_port/v1\"}]}" >"$raw/providers-text.json"
echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:$tools_port/v1\"}]}" >"$raw/providers-tools.json"
echo "{\"providers\":[{\"name\":\"mock-responses\",\"baseUrl\":\"http://127.0.0.1:$mock_port/v1\",\"api\":\"responses\"}]}" >"$raw/providers-responses.json"
echo '{"model":"mock","messages":[{"role":"user","content":"Say something."}]}' >"$raw/chat.json"
echo '{"model":"mock","stream":true,"messages":[{"role":"user","content":"Say something."}]}' >"$raw/completion.json"
cat >"$raw/pipeline.lua" <<'LUA'
-- wrk: PIPELINE requests written back to back per connection (after wrk's scripts/pipeline.lua).
local depth = tonumber(os.getenv("PIPELINE") or "16")
init = function(args)
  local r = {}
  for i = 1, depth do r[i] = wrk.format(nil) end
  req = table.concat(r)
end
request = function() return req end
LUA

# The same environment for Gateway and the baseline: GatewayOptions.FromEnvironment reads it in both. No local
# models (an empty MODELS_DIR), so /models lists only the mock's model.
server_env=(env HOST=127.0.0.1 LOG_LEVEL=warning MODELS_DIR="$raw/no-models" WORKSPACE_ROOT="$workspace"
  MAX_CONNECTIONS=200000 MAX_SESSIONS=200000 SSE_PING_SECONDS=1 RELAY_TIMEOUT_SECONDS=600 SHUTDOWN_TIMEOUT_SECONDS=2)

# ---------------------------------------------------------------------------------------------- servers
declare -A pid port restarts
port[mock]=$mock_port

# serve TARGET: (re)starts gateway, kestrel, anchor or the mock for scenarios 1, 3, 5 and 10, or gateway-openai or
# portkey for scenarios 6 and 10. The servers take a new free port each time; the mock keeps its own, which the providers file and the
# scenario-6 configuration name. False when one of scenario 6's, which the run can do without, does not start.
serve() {
  local t=$1 n=${restarts[$1]:-0} name=$1
  if [ "$n" -gt 0 ]; then name=$t-restart$n; fi
  case $t in
    mock) start "$name" "${port[mock]}" "$mock_bin" --port "${port[mock]}" --chunks "$chunks" ;;
    gateway|kestrel)
      port[$t]=$(free_port)
      start "$name" "${port[$t]}" "${server_env[@]}" PORT="${port[$t]}" PROVIDERS_FILE="$raw/providers-text.json" "$(binary $t)" ;;
    anchor)
      port[$t]=$(free_port)
      start "$name" "${port[$t]}" env PORT="${port[$t]}" UPSTREAM="http://127.0.0.1:${port[mock]}/v1" MODELS=mock "$anchor_bin" ;;
    gateway-openai)  # the mock as OpenAI (chat completions), as Anthropic and as a Responses-API provider (scenario 6)
      port[$t]=$(free_port)
      try_start "$name" "${port[$t]}" "${server_env[@]}" PORT="${port[$t]}" OPENAI_API_KEY=mock \
        OPENAI_BASE_URL="http://127.0.0.1:${port[mock]}/v1" ANTHROPIC_API_KEY=mock ANTHROPIC_BASE_URL="http://127.0.0.1:${port[mock]}" \
        PROVIDERS_FILE="$raw/providers-responses.json" "$gateway_bin" || return 1 ;;
    portkey)
      port[$t]=$(free_port)
      try_start "$name" "${port[$t]}" node "$portkey_entry" --port="${port[$t]}" --headless || return 1 ;;
  esac
  pid[$t]=$started_pid
}

binary() { if [ "$1" = kestrel ]; then echo "$kestrel_bin"; else echo "$gateway_bin"; fi; }

# crashed TARGET PID LOG DURING: true (and recorded for the report's "Crashes") when the process has exited.
crashed() {
  local t=$1 p=$2 log=$3 during=$4 status=0
  if kill -0 "$p" 2>/dev/null; then return 1; fi
  wait "$p" 2>/dev/null || status=$?
  echo "!! $t exited with status $status during $during (log: $log)" >&2
  python3 - "$raw/crashes.jsonl" "$t" "$during" "$status" "$log" <<'PY'
import json, sys
path, target, during, status, log = sys.argv[1:]
lines = open(log, errors="replace").read().splitlines()
first = next((l for l in lines if "exception" in l.lower()), lines[0] if lines else "")
with open(path, "a") as f:
    f.write(json.dumps({"target": target, "during": during, "status": int(status), "log": log, "message": first.strip()}) + "\n")
PY
  local kept=()
  for q in "${pids[@]}"; do if [ "$q" != "$p" ]; then kept+=("$q"); fi; done
  pids=("${kept[@]}")
}

# alive TARGET DURING: after each measurement; a server that died is recorded and started again.
alive() {
  local t=$1 n=${restarts[$1]:-0} log=$raw/logs/$1.log
  if [ "$n" -gt 0 ]; then log=$raw/logs/$1-restart$n.log; fi
  if crashed "$t" "${pid[$t]}" "$log" "$2"; then
    restarts[$t]=$((n + 1))
    serve "$t"
  fi
}

# ---------------------------------------------------------------------------------------------- report
write_report() {
  python3 - "$raw/meta.json" <<PY
import json, platform, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
os_name = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME=")), platform.system())
json.dump({
  "date": "$run_date", "commit": "$commit", "dirty": $( [ $dirty = true ] && echo True || echo False ),
  "quick": $( [ $quick = 1 ] && echo True || echo False ), "command": "$run_command",
  "cpu": cpu, "cores": $(nproc), "os": os_name, "loadBefore": "$load_before", "loadAfter": "$(cut -d' ' -f1-3 /proc/loadavg)",
  "runSeconds": $((SECONDS - run_started)), "p99TargetMs": $p99_target_ms, "chunks": $chunks, "fixedRate": $fixed_rate,
  "fixedDuration": "$fixed_duration", "fixedRounds": $fixed_rounds, "sweepWarmup": "$sweep_warmup", "sweepDuration": "$sweep_duration",
  "idleSessions": $idle_n, "pingSeconds": 1, "pipeline": $pipeline, "smallConnections": $small_connections,
  "smallDuration": "$small_duration", "wrkThreads": 1, "wrkDuration": "$wrk_duration", "rawDir": "$raw",
  "oaRate": $oa_rate, "oaConnections": $oa_connections, "oaMaxWarmup": "$oa_max_warmup", "oaMaxDuration": "$oa_max_duration",
  "oaFixedDuration": "$oa_fixed_duration", "oaRounds": $oa_rounds, "satConnections": $sat_connections,
  "satWarmup": "$sat_warmup", "satDuration": "$sat_duration", "satRounds": $sat_rounds, "allocSessions": $alloc_sessions,
  "allocWarmup": $alloc_warmup, "allocChunks": $alloc_chunks, "mockSessions": $ms_n, "mockTokens": $ms_tokens,
  "mockTokensPerSecond": $ms_pace, "secConcurrency": $sec_concurrency, "secRounds": $sec_rounds, "secCalls": $sec_calls,
  "secCallsConcurrent": $sec_calls_concurrent, "secLaunches": $sec_launches, "secKeyRate": $sec_key_rate,
  "secKeyDuration": "$sec_key_duration", "secKeyRequests": $sec_key_requests, "secAllocRequests": $sec_alloc_requests,
  "rlmColdRuns": $rc_cold_runs, "rlmWarmup": $rc_warmup, "rlmSequential": $rc_sequential, "rlmConcurrency": $rc_concurrency,
  "rlmDuration": "$rc_duration", "rlmSettle": $rc_settle, "mcpConcurrency": $mc_concurrency, "mcpRounds": $mc_rounds,
  "mcpWarmup": $mc_warmup, "mcpCalls": $mc_calls, "mcpCallsConcurrent": $mc_calls_concurrent,
  "clusterRounds": $cc_rounds, "clusterConnections": $cc_connections, "clusterDuration": "$cc_duration",
}, open(sys.argv[1], "w"), indent=1)
PY
  echo "== report: $report"
  if [ $only_front_doors = 1 ]; then
    python3 perf/openai_front_door.py render --raw "$raw" --out "$report"
  elif [ $only_hardening = 1 ]; then
    python3 perf/hardening.py render --raw "$raw" --out "$report" --svg "$svg"
  elif [ $only_mock_sessions = 1 ]; then
    python3 perf/mock_sessions.py render --raw "$raw" --out "$report"
  elif [ $only_security = 1 ]; then
    python3 perf/security.py render --raw "$raw" --out "$report"
  elif [ $only_rlm = 1 ]; then
    python3 perf/rlm_cost.py render --raw "$raw" --out "$report"
  elif [ $only_mcp = 1 ]; then
    python3 perf/mcp_cost.py render --raw "$raw" --out "$report"
  elif [ $only_cluster = 1 ]; then
    python3 perf/cluster_cost.py render --raw "$raw" --out "$report"
  else
    python3 perf/report.py render --raw "$raw" --out "$report" --svg "$svg"
  fi
  echo "perf/run.sh: done in $((SECONDS - run_started)) s; report $report"
  if [ -f "$raw/allocation.json" ]; then
    echo "== allocation budget (perf/allocation-budget.json)"
    python3 perf/check-allocation-budget.py --lab "$raw/allocation.json" || exit 3  # .ci/run fails on this status alone
  fi
}

if [ $only_mock_sessions = 1 ]; then
  source perf/mock-sessions.sh
  write_report
  exit 0
fi
if [ $only_security = 1 ]; then
  source perf/security.sh
  write_report
  exit 0
fi
if [ $only_rlm = 1 ]; then
  source perf/rlm-cost.sh
  write_report
  exit 0
fi
if [ $only_mcp = 1 ]; then
  source perf/mcp-cost.sh
  write_report
  exit 0
fi
if [ $only_cluster = 1 ]; then
  source perf/cluster-cost.sh
  write_report
  exit 0
fi

# ---------------------------------------------------------------------------------------------- scenario 4
section "mock upstream on $mock_port ($chunks text chunks)"
serve mock

if [ $only_front_doors = 1 ]; then
  source perf/openai-front-door.sh
  stop "${pid[mock]}"
  write_report
  exit 0
fi
if [ $only_hardening = 1 ]; then
  source perf/hardening.sh
  stop "${pid[mock]}"
  write_report
  exit 0
fi

section "4. start-up"
for t in gateway kestrel; do
  bounded 180 "${server_env[@]}" PROVIDERS_FILE="$raw/providers-text.json" \
    python3 perf/report.py startup --binary "$(binary $t)" --port "$(free_port)" --runs "$startup_runs" --json "$raw/s4/$t.json" \
    || echo "perf/run.sh: start-up of $t failed" >&2
done

# ---------------------------------------------------------------------------------------------- scenarios 1 and 5
serve gateway
serve kestrel
serve anchor
section "Gateway on ${port[gateway]}, Kestrel baseline on ${port[kestrel]}, anchor on ${port[anchor]}"

# chat_load TARGET OUT.json LOADGEN-ARGS...: one open-loop /chat (or, for the mock, completion) run. At most 2,000
# requests in flight: past that the step fails as "overloaded" instead of opening ever more connections (a p99 of
# 50 ms at these rates needs a few hundred).
chat_load() {
  local target=$1 out=$2
  shift 2
  local url=http://127.0.0.1:${port[$target]}/chat body=$raw/chat.json marker=()
  if [ "$target" = mock ]; then
    url=http://127.0.0.1:${port[mock]}/v1/chat/completions body=$raw/completion.json marker=(--first-content-marker 'data:')
  fi
  bounded 120 "$loadgen" --url "$url" --mode open --method POST --body "@$body" --sse "${marker[@]}" \
    --connections 64 --timeout 5s --max-in-flight 2000 --label "$target" --quiet --json "$out" "$@" \
    >"${out%.json}.md" 2>"${out%.json}.log" || echo "perf/run.sh: load generator failed ($target, $out)" >&2
  alive "$target" "scenario 1, $(basename "$out" .json)"
  if [ "$target" != mock ]; then alive mock "scenario 1 ($target), $(basename "$out" .json)"; fi
}

# Per target, the rate doubles while a step passes, then bisects between the last pass and the first failure. A
# failing step is run once more before it counts (the report takes the last attempt at each rate). The targets take
# turns, one step each, so that a disturbance from elsewhere on the shared machine falls on all of them at similar
# rates instead of on the whole upper range of one.
declare -A next_rate lo_rate hi_rate sweep_steps_done
sweep_step() {
  local target=$1 rate=${next_rate[$1]} attempt out
  for attempt in 1 2; do
    out=$raw/s1/$target/sweep-$rate-$attempt.json
    chat_load "$target" "$out" --rate "$rate" --duration "$sweep_duration" --warmup "$sweep_warmup"
    printf '   %-8s %6s/s  ' "$target" "$rate"
    python3 perf/report.py step "$out" || true
    if python3 perf/report.py pass "$out" --p99-ms "$p99_target_ms"; then break; fi
    sleep 1 # let a failed step's backlog drain
  done
  sweep_steps_done[$target]=$((${sweep_steps_done[$target]} + 1))
  if python3 perf/report.py pass "$out" --p99-ms "$p99_target_ms"; then lo_rate[$target]=$rate; else hi_rate[$target]=$rate; fi
  local lo=${lo_rate[$target]} hi=${hi_rate[$target]}
  if [ "$hi" = 0 ]; then
    rate=$((rate * 2))
    if [ $rate -gt $sweep_max_rate ]; then rate=0; fi
  elif [ "$lo" = 0 ]; then
    rate=$((rate / 2))
    if [ $rate -lt 10 ]; then rate=0; fi
  elif [ $((hi - lo)) -le $((lo / 8)) ]; then
    rate=0
  else
    rate=$(((lo + hi) / 2))
  fi
  if [ "${sweep_steps_done[$target]}" -ge "$sweep_max_steps" ]; then rate=0; fi
  next_rate[$target]=$rate
}

section "1. /chat rate sweep (p99 time to first text < $p99_target_ms ms)"
for t in gateway kestrel anchor mock; do
  mkdir -p "$raw/s1/$t"
  chat_load "$t" "$raw/s1/$t/warmup.json" --rate "$sweep_start" --duration "$sweep_warmup" --warmup 0
  next_rate[$t]=$sweep_start lo_rate[$t]=0 hi_rate[$t]=0 sweep_steps_done[$t]=0
done
while [ "${next_rate[gateway]}" != 0 ] || [ "${next_rate[kestrel]}" != 0 ] || [ "${next_rate[anchor]}" != 0 ] \
  || [ "${next_rate[mock]}" != 0 ]; do
  for t in gateway kestrel anchor mock; do
    if [ "${next_rate[$t]}" != 0 ]; then sweep_step "$t"; fi
  done
done

section "1 and 5. /chat at $fixed_rate/s: time-to-first-text overhead over the mock, server CPU per session"
# Rounds interleave the targets, so that a disturbance from elsewhere on the machine lands on one round of each
# rather than on all of one target's measurement; the report takes the median of the rounds.
for t in mock gateway kestrel anchor; do
  chat_load $t "$raw/s1/$t/fixed-warmup.json" --rate $fixed_rate --duration "$fixed_warmup" --warmup 0
done
for round in $(seq 1 "$fixed_rounds"); do
  for t in mock gateway kestrel anchor; do
    out=$raw/s1/$t/fixed-$round.json
    with_cpu $t "$raw/s1/$t/fixed-cpu-$round.json" "$out" chat_load $t "$out" --rate $fixed_rate --duration "$fixed_duration" --warmup 0
    printf '   round %s %-8s ' "$round" $t
    python3 perf/report.py step "$out" || true
  done
done

# ---------------------------------------------------------------------------------------------- scenario 3
# small TARGET PATH MODE: a closed-loop run of the load generator, then the same with wrk.
small() {
  local target=$1 path=$2 mode=$3 url out extra=()
  url=http://127.0.0.1:${port[$target]}/$path
  if [ $target = mock ] && [ "$path" = models ]; then url=http://127.0.0.1:${port[mock]}/v1/models; fi
  out=$raw/s3/$target-$path-$mode.json
  if [ "$mode" = pipelined ]; then extra=(--pipeline $pipeline); fi
  bounded 60 "$loadgen" --url "$url" --mode closed --connections $small_connections --duration "$small_duration" \
    --warmup "$small_warmup" --timeout 5s "${extra[@]}" --label "$target /$path $mode" --quiet --json "$out" \
    >"${out%.json}.md" 2>"${out%.json}.log" || echo "perf/run.sh: load generator failed ($out)" >&2
  alive "$target" "scenario 3, $(basename "$out" .json)"
  printf '   %-8s /%-7s %-10s ' $target "$path" "$mode"
  python3 perf/report.py step "$out" || true
  if [ $have_wrk = 1 ] && [ "$wrk_duration" != 0 ]; then
    local script=()
    if [ "$mode" = pipelined ]; then script=(-s "$raw/pipeline.lua"); fi
    PIPELINE=$pipeline bounded 60 wrk -t1 -c$small_connections -d"$wrk_duration" "${script[@]}" "$url" >"${out%.json}-wrk.txt" 2>&1 || true
    alive "$target" "scenario 3, $(basename "$out" .json) (wrk)"
    python3 - "${out%.json}-wrk.txt" "${out%.json}-wrk.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
json.dump({"requestsPerSecond": float(rps.group(1)) if rps else None, "non2xx": int(bad.group(1)) if bad else 0,
           "socketErrors": errors.group(0) if errors else None}, open(sys.argv[2], "w"))
print(f"      wrk: {rps.group(1) if rps else '?'} req/s")
PY
  fi
}

section "3. small requests ($small_connections connections; pipelined x$pipeline)"
for path in health models; do
  for mode in keepalive pipelined; do
    for t in gateway kestrel mock; do small $t $path $mode; done
  done
done

stop "${pid[gateway]}"
stop "${pid[kestrel]}"
stop "${pid[anchor]}"

# ---------------------------------------------------------------------------------------------- scenarios 10 and 11
source perf/session-cost.sh

# ---------------------------------------------------------------------------------------------- scenario 2
section "2. $idle_n idle /chat streams waiting on a relay (pings every 1 s)"
start mock-tools "$tools_port" "$mock_bin" --port "$tools_port" --chunks "$chunks" \
  --tool-calls 1 --tool-name bash --tool-args '{"command":"echo idle"}'
tools_pid=$started_pid
for t in gateway kestrel; do
  idle_port=$(free_port)
  start "$t-idle" "$idle_port" "${server_env[@]}" PORT="$idle_port" PROVIDERS_FILE="$raw/providers-tools.json" "$(binary $t)"
  idle_pid=$started_pid
  bounded $((idle_hold + 240)) python3 perf/report.py idle --pid "$idle_pid" --port "$idle_port" --n "$idle_n" \
    --hold "$idle_hold" --settle "$idle_settle" --setup-timeout 180 \
    --body '{"model":"mock","messages":[{"role":"user","content":"Run the command."}]}' --json "$raw/s2/$t.json" \
    || echo "perf/run.sh: idle streams against $t failed" >&2
  if ! crashed "$t" "$idle_pid" "$raw/logs/$t-idle.log" "scenario 2"; then stop "$idle_pid"; fi
done
stop "$tools_pid"

# ---------------------------------------------------------------------------------------------- scenario 6
source perf/openai-front-door.sh

# ---------------------------------------------------------------------------------------------- scenarios 7-9
source perf/hardening.sh
stop "${pid[mock]}"

# ---------------------------------------------------------------------------------------------- scenario 12
source perf/mock-sessions.sh

# ---------------------------------------------------------------------------------------------- scenario 13
source perf/security.sh

# ---------------------------------------------------------------------------------------------- scenario 14
if [ $quick = 0 ]; then source perf/rlm-cost.sh; fi  # not in CI's quick run: about 25 s even at its quick size

# ---------------------------------------------------------------------------------------------- scenario 15
if [ $quick = 0 ]; then source perf/mcp-cost.sh; fi  # not in CI's quick run either: it installs npm packages and starts node
# ---------------------------------------------------------------------------------------------- scenario 16
if [ $quick = 0 ]; then source perf/cluster-cost.sh; fi  # not in CI's quick run: it needs redis-server and 15 s

write_report
