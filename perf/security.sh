# Scenario 13 of perf/run.sh (issue 14; perf/README.md, row 13): what the sandbox and the keys cost.
# (a) The same `bash` calls (the mock model's `/tool bash` turn over /chat) through three Gateways, BASH_SANDBOX=none,
# bwrap in the shared workspace and bwrap with WORKSPACE_MODE=session, one call at a time and $sec_concurrency at once;
# then the launch chain alone, without Gateway (perf/security.py launch). (b) Streamed /v1/chat/completions on the mock
# model through three Gateways, without keys, with GATEWAY_API_KEYS and with a GATEWAY_KEYS_FILE key whose limits are
# all set but never reached: a closed loop, a fixed rate, and bytes allocated per request (SIGUSR1, as in scenario 11).
# perf/security.py renders $raw/s13.
#
# Sourced by run.sh; uses its helpers (bounded, try_start, stop, crashed, allocated, proc_ticks, section, free_port)
# and parameters (sec_*, sat_connections). Every process it starts is stopped here, or by run.sh's trap.

sec_dir=$raw/s13
mkdir -p "$sec_dir"
sec_api_key=sk-perf-api-key
sec_file_key=sk-perf-file-key
# Runs as the gateway's user: setpriv's unprivileged uid (BASH_UID_BASE's default) only when that is root.
sec_uid=""
if [ "$(id -u)" = 0 ]; then sec_uid=2000000000; fi

declare -A sec_dead  # the Gateways of this scenario that did not start or exited under load, measured no more

# sec_serve NAME ENV...: a Gateway on the mock model (no upstream) with the given variables; its pid in pid[NAME]. One
# that does not start (BASH_SANDBOX=bwrap without bubblewrap stops start-up) leaves its rows empty, not the run.
sec_serve() {
  local name=$1
  shift
  port[$name]=$(free_port)
  if try_start "$name" "${port[$name]}" "${server_env[@]}" PORT="${port[$name]}" MOCK_MODELS=mock "$@" "$gateway_bin"; then
    pid[$name]=$started_pid
  else
    sec_dead[$name]=1
  fi
}

# sec_measure NAME KIND ROUND LOADGEN-ARGS...: one load run against NAME into $sec_dir/NAME/KIND-ROUND.json, with the
# server's own CPU and its reaped children's (the bash calls) over it in KIND-cpu-ROUND.json (lab_results.fixed_rounds).
sec_measure() {
  local name=$1 kind=$2 round=$3 out=$sec_dir/$1/$2-$3.json before after
  shift 3
  if [ -n "${sec_dead[$name]:-}" ]; then return 0; fi
  before=$(proc_ticks "${pid[$name]}")
  bounded 300 "$loadgen" --url "http://127.0.0.1:${port[$name]}$sec_path" --method POST --sse --timeout 30s --quiet \
    --label "$name $kind" --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($name $kind)" >&2
  if crashed "$name" "${pid[$name]}" "$raw/logs/$name.log" "scenario 13, $kind round $round"; then
    sec_dead[$name]=1
    return 0
  fi
  after=$(proc_ticks "${pid[$name]}")
  python3 perf/security.py cpu --before "$before" --after "$after" --load "$out" --json "$sec_dir/$name/$kind-cpu-$round.json"
  printf '   round %s %-13s %-8s ' "$round" "$name" "$kind"
  python3 perf/report.py step "$out" || true
}

# sec_stop NAME: stops a Gateway of this scenario, unless it already exited (then recorded under "Crashes").
sec_stop() {
  if [ -z "${sec_dead[$1]:-}" ] && ! crashed "$1" "${pid[$1]}" "$raw/logs/$1.log" "scenario 13"; then stop "${pid[$1]}"; fi
}

# ---------------------------------------------------------------------------------------------- (a) bash calls
section "13a. bash calls through /chat: BASH_SANDBOX=none vs bwrap (shared, session); 1 and $sec_concurrency at once"
sec_path=/chat
sec_configs=(bash-none bash-bwrap bash-session)
for name in "${sec_configs[@]}"; do mkdir -p "$sec_dir/$name/workspace"; done
# The sandbox's uid writes the shared workspace only once it is given to it (docs/security.md).
if [ -n "$sec_uid" ]; then chown "$sec_uid" "$sec_dir/bash-bwrap/workspace"; fi
sec_serve bash-none MOCK_TOKENS=1 BASH_SANDBOX=none WORKSPACE_ROOT="$sec_dir/bash-none/workspace"
sec_serve bash-bwrap MOCK_TOKENS=1 BASH_SANDBOX=bwrap WORKSPACE_ROOT="$sec_dir/bash-bwrap/workspace"
sec_serve bash-session MOCK_TOKENS=1 BASH_SANDBOX=bwrap WORKSPACE_MODE=session WORKSPACE_ROOT="$sec_dir/bash-session/workspace"

# sec_body COMMAND-NAME COMMAND: the /chat body whose one turn is that bash call, allowed without a relay.
sec_body() {
  python3 -c 'import json, sys
call = "/tool bash " + json.dumps({"command": sys.argv[2]})
print(json.dumps({"model": "mock", "messages": [{"role": "user", "content": call}], "permissions": {"allowlist": [{"tool": "bash"}]}}))' \
    "$1" "$2" >"$sec_dir/body-$1.json"
}
sec_body true 'true'
sec_body file 'echo hi > f; cat f'
# What each configuration's call returns, once, for the report: proof that the command ran (and where).
for name in "${sec_configs[@]}"; do
  if [ -n "${sec_dead[$name]:-}" ]; then continue; fi
  for command in true file; do
    bounded 30 curl -sSN --max-time 20 -H 'Content-Type: application/json' -d "@$sec_dir/body-$command.json" \
      "http://127.0.0.1:${port[$name]}/chat" >"$sec_dir/$name/probe-$command.txt" 2>&1 || true
  done
  bounded 120 "$loadgen" --url "http://127.0.0.1:${port[$name]}/chat" --method POST --body "@$sec_dir/body-file.json" --sse \
    --mode closed --connections "$sec_concurrency" --warmup 0 --duration 60s --requests "$sec_concurrency" --timeout 30s --quiet \
    >/dev/null 2>&1 || echo "perf/run.sh: warm-up of $name failed" >&2
done
# Rounds interleave the configurations, so that a disturbance from elsewhere on the machine falls on one round of each.
for round in $(seq 1 "$sec_rounds"); do
  for command in true file; do
    for connections in 1 "$sec_concurrency"; do
      calls=$sec_calls
      if [ "$connections" != 1 ]; then calls=$sec_calls_concurrent; fi
      for name in "${sec_configs[@]}"; do
        sec_measure "$name" "$command-c$connections" "$round" --body "@$sec_dir/body-$command.json" \
          --mode closed --connections "$connections" --warmup 0 --duration 240s --requests "$calls"
      done
    done
  done
done
# Nothing of any call may be left: the sandbox's PID namespace dies with it, and none's `sh` ends with the command.
for name in "${sec_configs[@]}"; do
  if [ -z "${sec_dead[$name]:-}" ]; then pgrep -P "${pid[$name]}" >"$sec_dir/$name/children-left.txt" || true; fi
  sec_stop "$name"
done

section "13a. the launch chain alone: setsid sh -c true vs setsid [setpriv] prlimit bwrap ... sh -c true (and with --share-net), $sec_launches each"
bounded 300 python3 perf/security.py launch --n "$sec_launches" --workspace "$sec_dir/bash-bwrap/workspace" \
  ${sec_uid:+--uid "$sec_uid"} --json "$sec_dir/launch.json" || echo "perf/run.sh: the launch-chain loop failed" >&2

# ---------------------------------------------------------------------------------------------- (b) keys
section "13b. key checks on /v1/chat/completions (streamed, mock model): no keys, GATEWAY_API_KEYS, GATEWAY_KEYS_FILE"
sec_path=/v1/chat/completions
echo '{"model":"mock","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say something."}]}' \
  >"$sec_dir/body-v1.json"
# Every limit set, none reached: the key's own model glob, and the highest requestsPerMinute a file may give
# (RequestRateLimiter.MaxRequestsPerMinute), which the runs below stay under in any minute.
python3 -c 'import hashlib, json, sys
json.dump({"keys": [{"name": "perf", "sha256": hashlib.sha256(sys.argv[1].encode()).hexdigest(), "models": ["mock/*"],
  "maxConcurrentSessions": 100000, "requestsPerMinute": 100000, "tokensPerDay": 10**15}]}, open(sys.argv[2], "w"))' \
  "$sec_file_key" "$sec_dir/keys.json"
sec_key_configs=(keys-none keys-api keys-file)
declare -A sec_key_env=([keys-none]="" [keys-api]="GATEWAY_API_KEYS=$sec_api_key" [keys-file]="GATEWAY_KEYS_FILE=$sec_dir/keys.json")
declare -A sec_key_secret=([keys-none]=$sec_api_key [keys-api]=$sec_api_key [keys-file]=$sec_file_key)

# sec_key_load NAME: the load generator's arguments common to every key run of NAME. The same header everywhere, so
# that every Gateway parses the same bytes; without keys it is ignored.
sec_key_load() {
  printf '%s\n' --body "@$sec_dir/body-v1.json" --first-content-contains '"content":"' \
    --header "Authorization: Bearer ${sec_key_secret[$1]}"
}

for name in "${sec_key_configs[@]}"; do
  mkdir -p "$sec_dir/$name"
  # shellcheck disable=SC2086 # an empty configuration adds no variable
  sec_serve "$name" ${sec_key_env[$name]}
  if [ -n "${sec_dead[$name]:-}" ]; then continue; fi
  mapfile -t args < <(sec_key_load "$name")
  bounded 60 "$loadgen" --url "http://127.0.0.1:${port[$name]}$sec_path" --method POST --sse "${args[@]}" --mode closed \
    --connections "$sat_connections" --requests "$sec_warmup_requests" --duration 30s --warmup 0 --timeout 10s --quiet >/dev/null 2>&1 \
    || echo "perf/run.sh: warm-up of $name failed" >&2
done
for round in $(seq 1 "$sec_rounds"); do
  for name in "${sec_key_configs[@]}"; do
    mapfile -t args < <(sec_key_load "$name")
    sec_measure "$name" closed "$round" "${args[@]}" --mode closed --connections "$sat_connections" \
      --warmup 0 --duration 120s --requests "$sec_key_requests"
  done
  for name in "${sec_key_configs[@]}"; do
    mapfile -t args < <(sec_key_load "$name")
    sec_measure "$name" fixed "$round" "${args[@]}" --mode open --rate "$sec_key_rate" \
      --connections 64 --max-in-flight 2000 --warmup "$sec_key_warmup" --duration "$sec_key_duration"
  done
done
# The file's usage per key, as a scraper would see it after the load (issue 14 counts requests per key in /metrics).
bounded 10 curl -sf --max-time 5 -H "Authorization: Bearer $sec_file_key" "http://127.0.0.1:${port[keys-file]}/metrics" \
  >"$sec_dir/keys-file/metrics.txt" || true
for name in "${sec_key_configs[@]}"; do sec_stop "$name"; done

# Bytes allocated per request: one Gateway at a time at LOG_LEVEL=info (the SIGUSR1 line is an info line, and so is
# each request's), $sec_warmup_requests requests of warm-up, then exactly $sec_alloc_requests between two lines.
for name in "${sec_key_configs[@]}"; do
  # shellcheck disable=SC2086
  sec_serve "$name-alloc" ${sec_key_env[$name]} LOG_LEVEL=info
  if [ -n "${sec_dead[$name-alloc]:-}" ]; then continue; fi
  mapfile -t args < <(sec_key_load "$name")
  load=("$loadgen" --url "http://127.0.0.1:${port[$name-alloc]}$sec_path" --method POST --sse "${args[@]}" --mode closed
    --connections "$sat_connections" --warmup 0 --duration 120s --timeout 10s --quiet)
  bounded 150 "${load[@]}" --requests "$sec_warmup_requests" >/dev/null 2>&1 || echo "perf/run.sh: warm-up of $name-alloc failed" >&2
  out=$sec_dir/$name/alloc.json
  if allocated "${pid[$name-alloc]}" "$raw/logs/$name-alloc.log" "$sec_dir/$name/alloc-before.txt"; then
    bounded 150 "${load[@]}" --requests "$sec_alloc_requests" --label "$name alloc" --json "$out" >"${out%.json}.md" \
      2>"${out%.json}.log" || echo "perf/run.sh: load generator failed ($name alloc)" >&2
    allocated "${pid[$name-alloc]}" "$raw/logs/$name-alloc.log" "$sec_dir/$name/alloc-after.txt" || true
    printf '   %-16s ' "$name-alloc"
    python3 perf/session_cost.py allocation "$sec_dir/$name" alloc || true
  fi
  sec_stop "$name-alloc"
done
