# Scenario 12 of perf/run.sh (issue 13; perf/README.md): $ms_n concurrent slow /chat sessions on Gateway's own mock
# model (MOCK_MODELS, no upstream), all opened at once and held to their end (~$ms_tokens s each at one piece a
# second); perf/mock_sessions.py drives the load generator, samples the server and renders $raw/s12.
#
# Sourced by run.sh; uses its helpers (bounded, start, stop, crashed, section, free_port) and parameters (ms_*). Every
# process it starts is stopped here, or by run.sh's trap.

ms_dir=$raw/s12
mkdir -p "$ms_dir"
echo '{"model":"mock-slow","messages":[{"role":"user","content":"Take your time."}]}' >"$ms_dir/chat.json"

section "12. $ms_n concurrent slow sessions on the mock model ($ms_tokens pieces at $ms_pace/s)"
ms_port=$(free_port)
# Pings stay at their default: a piece leaves every second, so a ping would only add writes.
start mock-sessions "$ms_port" "${server_env[@]}" PORT="$ms_port" SSE_PING_SECONDS=15 MOCK_MODELS=mock-slow \
  MOCK_TOKENS="$ms_tokens" MOCK_TOKENS_PER_SECOND="$ms_pace" "$gateway_bin"
ms_pid=$started_pid
bounded $((ms_limit + 120)) python3 perf/mock_sessions.py hold --pid "$ms_pid" --loadgen "$loadgen" \
  --url "http://127.0.0.1:$ms_port/chat" --body "@$ms_dir/chat.json" --n "$ms_n" --limit "$ms_limit" \
  --json "$ms_dir/hold.json" --loadgen-json "$ms_dir/loadgen.json" || echo "perf/run.sh: the mock-session scenario failed" >&2
if ! crashed gateway "$ms_pid" "$raw/logs/mock-sessions.log" "scenario 12"; then stop "$ms_pid"; fi
