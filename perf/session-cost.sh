# Scenarios 10 and 11 of perf/run.sh (issue 12; perf/README.md, "The cost of a session"): 10. CPU per session at
# saturation (closed loop, $sat_connections connections) for /chat through Gateway (also with /metrics scraped every
# second beside it, issue 13), the Kestrel baseline and the
# minimal-API anchor, /v1/chat/completions streamed and whole through Gateway, and the mock hit directly (what
# producing one stream costs), each server fresh, with its peak RSS under that load; 11. bytes allocated per session
# and per relayed event, from Gateway's SIGUSR1 line (Diagnostics/AllocationSignal.cs) before and after
# $alloc_sessions sessions. perf/session_cost.py renders $raw/s10 and $raw/s11.
#
# Sourced by run.sh after scenario 3, while the mock of scenario 1 runs; uses run.sh's helpers (bounded, serve, start,
# stop, alive, crashed, cpu_ticks, allocated, section, free_port) and parameters (sat_*, alloc_*). Every process it starts is
# stopped here, or by run.sh's trap.

sc_dir=$raw/s10
al_dir=$raw/s11
mkdir -p "$sc_dir" "$al_dir"
messages='"messages":[{"role":"user","content":"Say something."}]'

# sc_body MODEL MODE: the request body file of /v1/chat/completions for MODEL, streamed (with usage) or whole.
sc_body() {
  local file=$sc_dir/body-${1/\//-}-$2.json
  if [ "$2" = stream ]; then
    echo "{\"model\":\"$1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},$messages}" >"$file"
  else
    echo "{\"model\":\"$1\",$messages}" >"$file"
  fi
  echo "$file"
}

# sc_args TARGET MODE: the load generator's URL, body and stream arguments for a target and mode (chat, stream, whole).
sc_args() {
  local t=$1 mode=$2
  case $mode in
    chat|chat-scraped) printf '%s\n' --url "http://127.0.0.1:${port[$t]}/chat" --body "@$raw/chat.json" --sse ;;
    stream|whole)
      local model=mock path=/v1/chat/completions
      if [ "$t" = gateway-openai ]; then model=openai/mock; fi
      printf '%s\n' --url "http://127.0.0.1:${port[$t]}$path" --body "@$(sc_body "$model" "$mode")"
      if [ "$mode" = stream ]; then printf '%s\n' --sse --first-content-contains '"content":"tok'; fi ;;
  esac
}

# saturate TARGET MODE ROUND: one closed-loop run; the server's utime+stime and the mock's over it (the mock's is the
# upstream work the relay caused), and the sessions completed, in $sc_dir/TARGET-MODE-cpu-ROUND.json.
saturate() {
  local t=$1 mode=$2 round=$3 args out=$sc_dir/$1-$2-$3.json server_before mock_before
  mapfile -t args < <(sc_args "$t" "$mode")
  server_before=$(cpu_ticks "${pid[$t]}")
  mock_before=$(cpu_ticks "${pid[mock]}")
  # Issue 13: the same load with Prometheus's usual companion, a scrape of /metrics every second, in the server's CPU.
  local scraper=""
  if [ "$mode" = chat-scraped ]; then
    (while curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:${port[$t]}/metrics"; do sleep 1; done) &
    scraper=$!
  fi
  bounded 120 "$loadgen" "${args[@]}" --mode closed --connections "$sat_connections" --duration "$sat_duration" \
    --warmup 0 --timeout 10s --label "$t $mode" --quiet --json "$out" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($t $mode)" >&2
  if [ -n "$scraper" ]; then
    kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null || true
    # What a scraper saw after this load, for the report's reader (issue 13 asks for a sample).
    curl -sf --max-time 5 "http://127.0.0.1:${port[$t]}/metrics" >"$sc_dir/$t-metrics.txt" || true
  fi
  python3 - "$(cpu_ticks "${pid[$t]}")" "$server_before" "$(cpu_ticks "${pid[mock]}")" "$mock_before" "$out" \
    "$sc_dir/$t-$mode-cpu-$round.json" <<'PY'
import json, os, sys
tick = os.sysconf("SC_CLK_TCK")
server_after, server_before, mock_after, mock_before = (int(v) for v in sys.argv[1:5])
steps = (json.load(open(sys.argv[5])).get("steps") or [{}]) if os.path.exists(sys.argv[5]) else [{}]
json.dump({"cpuSeconds": (server_after - server_before) / tick, "mockCpuSeconds": (mock_after - mock_before) / tick,
           "sessions": steps[0].get("ok", 0), "errors": steps[0].get("errors", 0)}, open(sys.argv[6], "w"))
PY
  printf '   round %s %-15s %-6s ' "$round" "$t" "$mode"
  python3 perf/report.py step "$out" || true
  alive "$t" "scenario 10, $t $mode round $round"
  if [ "$t" != mock ]; then alive mock "scenario 10 ($t $mode)"; fi
}

# peak_rss TARGET: the server's VmHWM (the most resident memory it ever had), into $sc_dir/TARGET-rss.json.
peak_rss() {
  local hwm rss
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/${pid[$1]}/status" 2>/dev/null || echo 0)
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/${pid[$1]}/status" 2>/dev/null || echo 0)
  echo "{\"peakRssKiB\": ${hwm:-0}, \"rssKiB\": ${rss:-0}}" >"$sc_dir/$1-rss.json"
}

section "10. CPU per session at saturation: closed loop, $sat_connections connections, $sat_rounds round(s) of $sat_duration"
sc_runs=("mock stream" "mock whole" "gateway chat" "gateway chat-scraped" "kestrel chat" "anchor chat" "gateway-openai stream"
  "gateway-openai whole")
for t in gateway kestrel anchor gateway-openai; do serve "$t" || pid[$t]=""; done
for run in "${sc_runs[@]}"; do
  read -r t mode <<<"$run"
  if [ -z "${pid[$t]:-}" ]; then continue; fi
  mapfile -t args < <(sc_args "$t" "$mode")
  bounded 60 "$loadgen" "${args[@]}" --mode closed --connections "$sat_connections" --duration "$sat_warmup" --warmup 0 \
    --timeout 10s --quiet >/dev/null 2>&1 || echo "perf/run.sh: warm-up of $t $mode failed" >&2
done
# Rounds interleave the runs, so that a disturbance from elsewhere on the machine falls on one round of each.
for round in $(seq 1 "$sat_rounds"); do
  for run in "${sc_runs[@]}"; do
    read -r t mode <<<"$run"
    if [ -n "${pid[$t]:-}" ]; then saturate "$t" "$mode" "$round"; fi
  done
done
for t in gateway kestrel anchor gateway-openai; do
  if [ -n "${pid[$t]:-}" ]; then peak_rss "$t"; stop "${pid[$t]}"; pid[$t]=""; fi
done

section "11. bytes allocated per session: $alloc_sessions sessions each, with the mock at $chunks and at $alloc_chunks chunks"
al_mock_port=$(free_port)
start mock-$alloc_chunks "$al_mock_port" "$mock_bin" --port "$al_mock_port" --chunks "$alloc_chunks"
al_mock_pid=$started_pid
echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:${port[mock]}/v1\"},
  {\"name\":\"m$alloc_chunks\",\"baseUrl\":\"http://127.0.0.1:$al_mock_port/v1\"}]}" >"$al_dir/providers.json"
al_port=$(free_port)
start gateway-alloc "$al_port" "${server_env[@]}" PORT="$al_port" PROVIDERS_FILE="$al_dir/providers.json" LOG_LEVEL=info "$gateway_bin"
al_pid=$started_pid
al_log=$raw/logs/gateway-alloc.log

# allocation NAME PATH MODEL MODE: a warm-up, then $alloc_sessions sessions between two allocation lines.
allocation() {
  local name=$1 path=$2 model=$3 mode=$4 body sse=() out=$al_dir/$1.json
  if [ "$path" = /chat ]; then
    body=$al_dir/chat-${model/\//-}.json
    echo "{\"model\":\"$model\",$messages}" >"$body"
    sse=(--sse)
  else
    body=$(sc_body "$model" "$mode")
    if [ "$mode" = stream ]; then sse=(--sse --first-content-contains '"content":"tok'); fi
  fi
  local load=("$loadgen" --url "http://127.0.0.1:$al_port$path" --body "@$body" "${sse[@]}" --mode closed
    --connections "$sat_connections" --warmup 0 --duration 120s --timeout 10s --quiet)
  bounded 150 "${load[@]}" --requests "$alloc_warmup" >/dev/null 2>&1 || echo "perf/run.sh: warm-up of $name failed" >&2
  allocated "$al_pid" "$al_log" "$al_dir/$name-before.txt" || return 0
  bounded 150 "${load[@]}" --requests "$alloc_sessions" --label "$name" --json "$out" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($name)" >&2
  allocated "$al_pid" "$al_log" "$al_dir/$name-after.txt" || return 0
  printf '   %-22s ' "$name"
  python3 perf/session_cost.py allocation "$al_dir" "$name"
}

allocation "chat-$chunks" /chat mock/mock chat
allocation "chat-$alloc_chunks" /chat "m$alloc_chunks/mock" chat
allocation "v1-stream-$chunks" /v1/chat/completions mock/mock stream
allocation "v1-stream-$alloc_chunks" /v1/chat/completions "m$alloc_chunks/mock" stream
allocation "v1-whole-$chunks" /v1/chat/completions mock/mock whole
if ! crashed gateway "$al_pid" "$al_log" "scenario 11"; then stop "$al_pid"; fi
stop "$al_mock_pid"
