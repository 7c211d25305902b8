# Scenarios 7-9 of perf/run.sh (issue 11; perf/README.md, "Slow clients, memory and the soak"), each against a Gateway
# of its own, so that its memory figures start from a fresh process: 7. slowloris connections beside normal load;
# 8. memory idle, under idle connections and stuck readers, and after them; 9. the soak. perf/hardening.py drives
# them and renders $raw/s7.
#
# Sourced by run.sh after scenario 6, while the mock of scenario 1 runs; uses run.sh's helpers (bounded, start, stop,
# crashed, section, free_port) and parameters (hd_*, soak_seconds). Every process it starts is stopped here, or by
# run.sh's trap.

hd_dir=$raw/s7
mkdir -p "$hd_dir"
hd_tools_port=$(free_port)
hd_big_port=$(free_port)
# mock: 32 chunks of text; tools: a bash call that needs a relay, then text; big: 4,000 chunks of 1 KiB, ~5 MB a turn.
echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:${port[mock]}/v1\"},
  {\"name\":\"tools\",\"baseUrl\":\"http://127.0.0.1:$hd_tools_port/v1\"},
  {\"name\":\"big\",\"baseUrl\":\"http://127.0.0.1:$hd_big_port/v1\"}]}" >"$hd_dir/providers.json"
start mock-tools-hd "$hd_tools_port" "$mock_bin" --port "$hd_tools_port" --chunks "$chunks" \
  --tool-calls 1 --tool-name bash --tool-args '{"command":"echo soak"}'
hd_tools_pid=$started_pid
start mock-big "$hd_big_port" "$mock_bin" --port "$hd_big_port" --chunks 4000 --text "$(printf 'w%.0s' $(seq 1024))"
hd_big_pid=$started_pid

# hd_gateway NAME ENV...: a Gateway for one scenario, with the common environment plus ENV; sets hd_port and hd_pid.
hd_gateway() {
  local name=$1
  shift
  hd_port=$(free_port)
  start "$name" "$hd_port" "${server_env[@]}" PORT="$hd_port" PROVIDERS_FILE="$hd_dir/providers.json" "$@" "$gateway_bin"
  hd_pid=$started_pid
}

# hd_done NAME: stops the scenario's Gateway, or records that it died.
hd_done() {
  if ! crashed gateway "$hd_pid" "$raw/logs/$1.log" "scenario $1"; then stop "$hd_pid"; fi
}

section "7. $slowloris_n slowloris connections (a header byte every 2 s) beside /health and /chat load"
hd_gateway slowloris HEADERS_TIMEOUT_SECONDS="$slowloris_headers_timeout"
bounded 300 python3 perf/hardening.py slowloris --port "$hd_port" --n "$slowloris_n" --interval 2 \
  --headers-timeout "$slowloris_headers_timeout" --health-rate 1000 --chat-connections 16 --loadgen "$loadgen" \
  --chat-body "@$raw/chat.json" --duration "$hd_load_duration" --warmup "$hd_load_warmup" --out-dir "$hd_dir" \
  --json "$hd_dir/slowloris.json" || echo "perf/run.sh: the slowloris scenario failed" >&2
hd_done slowloris

section "8. memory: $burst_n idle connections, then $stuck_n stuck readers (WRITE_TIMEOUT_SECONDS=$stuck_write_timeout)"
hd_gateway memory WRITE_TIMEOUT_SECONDS="$stuck_write_timeout"
bounded $((2 * memory_after + stuck_write_timeout + 400)) python3 perf/hardening.py memory --pid "$hd_pid" --port "$hd_port" \
  --idle-n "$burst_n" --stuck-n "$stuck_n" --after "$memory_after" --write-timeout "$stuck_write_timeout" \
  --stuck-body '{"model":"big/mock","messages":[{"role":"user","content":"Say a lot."}]}' --json "$hd_dir/memory.json" \
  || echo "perf/run.sh: the memory scenario failed" >&2
hd_done memory

if [ "$soak_seconds" != 0 ]; then
section "9. soak: $soak_seconds s of mixed /chat and /v1 traffic"
hd_gateway soak RELAY_TIMEOUT_SECONDS="$soak_relay_timeout" LOG_LEVEL=info
bounded $((soak_seconds + soak_relay_timeout + 200)) python3 perf/hardening.py soak --pid "$hd_pid" --port "$hd_port" \
  --duration "$soak_seconds" --concurrency 16 --relay-timeout "$soak_relay_timeout" --stable-from "$soak_stable_from" \
  --sample "$soak_sample" --upstream-ports "${port[mock]},$hd_tools_port" --log "$raw/logs/soak.log" \
  --json "$hd_dir/soak.json" || echo "perf/run.sh: the soak failed" >&2
# The soak stops Gateway itself (SIGTERM) to read the counts it logs; it must exit 0 within the shutdown timeout.
hd_status=0
if kill -0 "$hd_pid" 2>/dev/null; then hd_status=running; hd_done soak; else wait "$hd_pid" || hd_status=$?; stop "$hd_pid"; fi
echo "{\"exitStatus\": \"$hd_status\"}" >"$hd_dir/soak-exit.json"
fi

stop "$hd_tools_pid"
stop "$hd_big_pid"
