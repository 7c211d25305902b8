# Scenario 16 of perf/run.sh (issue 20; perf/README.md, row 16): the CPU a /chat session costs its Gateway with
# REDIS_URL (the heartbeat's pipeline; with RESUME_GRACE_SECONDS the session's registration and its events appended to a
# Redis Stream) against the same Gateway without, on Gateway's own mock model. A redis-server of the scenario's own (no
# persistence); four Gateways, "alone" and "redis", each also as "-resume" (RESUME_GRACE_SECONDS=1), measured in turns: a warm-up, then $cc_rounds rounds of a closed loop of $cc_connections for $cc_duration
# each, the server's utime+stime (and redis-server's) read before and after each run. perf/cluster_cost.py renders $raw/s16.
#
# Sourced by run.sh; uses its helpers (bounded, start, stop, crashed, proc_ticks, section, free_port) and parameters
# (cc_*). Every process it starts is stopped here, or by run.sh's trap.

cc_dir=$raw/s16
mkdir -p "$cc_dir/redis-data"
echo '{"model":"m","messages":[{"role":"user","content":"Hello there."}]}' >"$cc_dir/chat.json"

section "16. /chat CPU per session with REDIS_URL and without: $cc_rounds rounds of $cc_connections at once for $cc_duration each"
cc_redis_port=$(free_port)
start cluster-redis "$cc_redis_port" redis-server --port "$cc_redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$cc_dir/redis-data"
cc_redis_pid=$started_pid
cc_modes=(alone redis alone-resume redis-resume)
for cc_mode in "${cc_modes[@]}"; do
  cc_port=$(free_port)
  cc_env=()
  if [[ $cc_mode = redis* ]]; then cc_env=(REDIS_URL="redis://127.0.0.1:$cc_redis_port"); fi
  # A grace of 1 s: each session's events stay held (here, and in Redis) that long after it, for a reader to come back.
  if [[ $cc_mode = *-resume ]]; then cc_env+=(RESUME_GRACE_SECONDS=1); fi
  start "cluster-$cc_mode" "$cc_port" "${server_env[@]}" PORT="$cc_port" MOCK_MODELS=m MOCK_TOKENS="$chunks" "${cc_env[@]}" "$gateway_bin"
  pid[cluster-$cc_mode]=$started_pid
  port[cluster-$cc_mode]=$cc_port
  mkdir -p "$cc_dir/$cc_mode"
done

# cc_measure MODE KIND: one closed-loop run against MODE's Gateway: DIR/KIND.json (the load) and KIND-cpu.json.
cc_measure() {
  local name=cluster-$1 out=$cc_dir/$1/$2.json before redis_before
  before=$(proc_ticks "${pid[$name]}")
  redis_before=$(proc_ticks "$cc_redis_pid")
  bounded 300 "$loadgen" --url "http://127.0.0.1:${port[$name]}/chat" --method POST --body "@$cc_dir/chat.json" \
    --sse --warmup 0 --timeout 60s --quiet --label "$name $2" --json "$out" --mode closed --connections "$cc_connections" \
    --duration "$3" >"${out%.json}.md" 2>"${out%.json}.log" || echo "perf/run.sh: load generator failed ($name $2)" >&2
  python3 perf/security.py cpu --before "$before" --after "$(proc_ticks "${pid[$name]}")" --load "$out" --json "${out%.json}-cpu.json"
  # redis-server's CPU meanwhile: shown beside, not in the ratio (it shares the cores, so it slows the Gateway it serves).
  python3 perf/security.py cpu --before "$redis_before" --after "$(proc_ticks "$cc_redis_pid")" --load "$out" \
    --json "${out%.json}-cpu-redis.json"
  printf '   %-16s %-10s ' "$name" "$2"
  python3 perf/report.py step "$out" || true
}

# The modes take turns, so that a disturbance from elsewhere on the machine falls on both.
for cc_mode in "${cc_modes[@]}"; do cc_measure "$cc_mode" warmup 2s; done
for round in $(seq 1 "$cc_rounds"); do
  for cc_mode in "${cc_modes[@]}"; do cc_measure "$cc_mode" "round$round" "$cc_duration"; done
done
for cc_mode in "${cc_modes[@]}"; do
  if ! crashed "cluster-$cc_mode" "${pid[cluster-$cc_mode]}" "$raw/logs/cluster-$cc_mode.log" "scenario 16"; then
    stop "${pid[cluster-$cc_mode]}"
  fi
done
stop "$cc_redis_pid"
