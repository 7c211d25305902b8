# Scenario 14 of perf/run.sh (issue 17; perf/README.md, row 14): what an RLM session (SPEC §8) costs against an
# agent-mode /chat session on the same mock upstream. The mock answers every model call with one ```js block that
# counts the lines and words of `context` and calls FINAL, so an RLM session is one model call and one REPL turn, and
# an agent session (the same request body without "mode":"rlm") is that model call relayed as text. A second mock
# answers a block that only calls FINAL (mode "bare": the harness and the engine without the script's work). Per row (a small
# context and, optionally, 1 MB): a fresh Gateway per mode whose first session is measured cold, then $rc_sequential
# sessions one at a time and a closed loop of $rc_concurrency for $rc_duration, each between two SIGUSR1 allocation
# lines and two readings of the server's CPU; more fresh Gateways for more cold samples; RSS idle, after the runs and
# after a settle. perf/rlm_cost.py writes the bodies, probes each mode's answer and renders $raw/s14.
#
# Sourced by run.sh; uses its helpers (bounded, start, stop, crashed, allocated, proc_ticks, section, free_port) and
# parameters (rc_*). Every process it starts is stopped here, or by run.sh's trap.

rc_dir=$raw/s14
mkdir -p "$rc_dir"
# What the mocks answer: one fenced js block (the RLM prompt's format) doing a little work over `context`, and one
# doing none (rlm_cost.py's probe checks both FINALs).
rc_answer=$'```js\nconst lines = context.split(\'\\n\')\nlet words = 0\nfor (const line of lines) words += line.split(\' \').length\nprint(lines.length, words)\nFINAL(String(words))\n```'
rc_bare_answer=$'```js\nFINAL(String(context.length))\n```'
rc_rows=(small)
if [ "$rc_large_bytes" != 0 ]; then rc_rows+=(large); fi
rc_modes=(agent rlm bare)
python3 perf/rlm_cost.py bodies --dir "$rc_dir" --small-bytes "$rc_small_bytes" --large-bytes "$rc_large_bytes"

section "14. RLM session cost: $rc_sequential sessions one at a time and $rc_concurrency at once for $rc_duration, agent mode vs rlm"
rc_mock_pids=()
for rc_mock in work bare; do
  rc_mock_port=$(free_port)
  if [ $rc_mock = work ]; then rc_text=$rc_answer; else rc_text=$rc_bare_answer; fi
  start "mock-rlm-$rc_mock" "$rc_mock_port" "$mock_bin" --port "$rc_mock_port" --chunks 1 --text "$rc_text"
  rc_mock_pids+=("$started_pid")
  echo "{\"providers\":[{\"name\":\"mock\",\"baseUrl\":\"http://127.0.0.1:$rc_mock_port/v1\"}]}" >"$rc_dir/providers-$rc_mock.json"
done

declare -A rc_dead  # the Gateways of this scenario that did not start or exited under load, measured no more

# rc_serve NAME MODE: a fresh Gateway at LOG_LEVEL=info (the SIGUSR1 line is an info line) on MODE's mock; pid[NAME].
# One that does not start leaves its figures empty, not the run (this scenario ends the full one).
rc_serve() {
  local mock=work
  if [ "$2" = bare ]; then mock=bare; fi
  port[$1]=$(free_port)
  if try_start "$1" "${port[$1]}" "${server_env[@]}" PORT="${port[$1]}" PROVIDERS_FILE="$rc_dir/providers-$mock.json" LOG_LEVEL=info \
    "$gateway_bin"; then
    pid[$1]=$started_pid
  else
    rc_dead[$1]=1
  fi
}

# rc_rss NAME OUT: the server's VmRSS in KiB into OUT.
rc_rss() { awk '/^VmRSS:/ {print $2}' "/proc/${pid[$1]}/status" >"$2" 2>/dev/null || true; }

# rc_measure NAME BODY DIR KIND LOADGEN-ARGS...: one load run of BODY against NAME between two allocation lines and two
# CPU readings: DIR/KIND.json (the load), KIND-before.txt and KIND-after.txt (session_cost.allocation_run), KIND-cpu.json.
rc_measure() {
  local name=$1 body=$2 dir=$3 kind=$4 before
  shift 4
  if [ -n "${rc_dead[$name]:-}" ]; then return 0; fi
  local out=$dir/$kind.json
  allocated "${pid[$name]}" "$raw/logs/$name.log" "$dir/$kind-before.txt" || return 0
  before=$(proc_ticks "${pid[$name]}")
  bounded 300 "$loadgen" --url "http://127.0.0.1:${port[$name]}/chat" --method POST --body "@$body" \
    --sse --warmup 0 --timeout 60s --quiet --label "$name $kind" --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($name $kind)" >&2
  if crashed "$name" "${pid[$name]}" "$raw/logs/$name.log" "scenario 14, $kind"; then
    rc_dead[$name]=1
    return 0
  fi
  python3 perf/security.py cpu --before "$before" --after "$(proc_ticks "${pid[$name]}")" --load "$out" --json "$dir/$kind-cpu.json"
  allocated "${pid[$name]}" "$raw/logs/$name.log" "$dir/$kind-after.txt" || true
  printf '   %-16s %-10s ' "$name" "$kind"
  python3 perf/report.py step "$out" || true
}

# rc_cold NAME BODY DIR: NAME's first session (a fresh process), with its RSS idle before it and after it.
rc_cold() {
  if [ -n "${rc_dead[$1]:-}" ]; then return 0; fi
  sleep 1  # past start-up's own work, so that idle is idle
  rc_rss "$1" "$3/rss-idle.txt"
  rc_measure "$1" "$2" "$3" cold --mode closed --connections 1 --requests 1 --duration 60s
  rc_rss "$1" "$3/rss-cold.txt"
}

# The first round's Gateways stay for the warm runs; every further round is one more cold sample from a fresh process.
for round in $(seq 1 "$rc_cold_runs"); do
  for row in "${rc_rows[@]}"; do
    for mode in "${rc_modes[@]}"; do
      name=rlm-$mode-$row
      if [ "$round" != 1 ]; then name=$name-cold$round; fi
      mkdir -p "$rc_dir/$mode-$row/cold$round"
      rc_serve "$name" "$mode"
      rc_cold "$name" "$rc_dir/body-$mode-$row.json" "$rc_dir/$mode-$row/cold$round"
      if [ "$round" = 1 ] && [ -z "${rc_dead[$name]:-}" ]; then
        # One probe through the Gateway the warm runs measure, after its cold session: the mode's answer, checked once.
        bounded 30 python3 perf/rlm_cost.py probe --url "http://127.0.0.1:${port[$name]}/chat" --mode "$mode" \
          --body "$rc_dir/body-$mode-$row.json" --json "$rc_dir/$mode-$row/probe.json" || true
      fi
      if [ "$round" != 1 ] && [ -z "${rc_dead[$name]:-}" ]; then stop "${pid[$name]}"; fi
    done
  done
done

# Warm: a short warm-up, then the runs, the modes taking turns so that a disturbance from elsewhere falls on each.
for row in "${rc_rows[@]}"; do
  for kind in warmup sequential concurrent; do
    case $kind in
      warmup) rc_load=(--connections 1 --requests "$rc_warmup" --duration 120s) ;;
      sequential) rc_load=(--connections 1 --requests "$rc_sequential" --duration 240s) ;;
      concurrent) rc_load=(--connections "$rc_concurrency" --duration "$rc_duration") ;;
    esac
    for mode in "${rc_modes[@]}"; do
      rc_measure "rlm-$mode-$row" "$rc_dir/body-$mode-$row.json" "$rc_dir/$mode-$row" "$kind" --mode closed "${rc_load[@]}"
    done
  done
done
for row in "${rc_rows[@]}"; do
  for mode in "${rc_modes[@]}"; do
    if [ -z "${rc_dead[rlm-$mode-$row]:-}" ]; then rc_rss "rlm-$mode-$row" "$rc_dir/$mode-$row/rss-after.txt"; fi
  done
done
sleep "$rc_settle"  # two looks of the idle memory trimmer, 5 s apart (Runtime/IdleMemoryTrimmer): the first may see the load
for row in "${rc_rows[@]}"; do
  for mode in "${rc_modes[@]}"; do
    name=rlm-$mode-$row
    if [ -z "${rc_dead[$name]:-}" ]; then
      rc_rss "$name" "$rc_dir/$mode-$row/rss-settled.txt"
      if ! crashed "$name" "${pid[$name]}" "$raw/logs/$name.log" "scenario 14"; then stop "${pid[$name]}"; fi
    fi
  done
done
for rc_mock_pid in "${rc_mock_pids[@]}"; do stop "$rc_mock_pid"; done
