# Scenario 6 of perf/run.sh, "OpenAI front door" (perf/README.md): POST /v1/chat/completions, streamed (with
# stream_options.include_usage) and not, against the mock directly (the calibration baseline), through Gateway
# (OPENAI_BASE_URL pointing at the mock) and through the Portkey AI gateway (npm package, routed to the mock by its
# x-portkey-* headers), in the same run. Per target and mode: a closed-loop run at $oa_connections connections for
# the highest throughput, then $oa_rounds rounds at a fixed $oa_rate/s (open loop) for latency and server CPU, the
# targets taking turns. perf/report.py renders $raw/s6 (perf/openai_front_door.py).
#
# Sourced by run.sh after scenario 2, while the mock of scenario 1 runs; uses run.sh's helpers (bounded, serve, alive,
# stop, with_cpu, section) and parameters (oa_*). A target that cannot run here (npm cannot install Portkey, node is
# missing, this Gateway build has no /v1/chat/completions) is skipped with its reason in $raw/s6/skipped.jsonl and on
# the console; it never fails the run.

oa_dir=$raw/s6
portkey_dir=perf/portkey
portkey_entry=$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js
oa_targets=()  # the targets still measured

# oa_skip TARGET REASON: the target is not (or no longer) measured; the report says why.
oa_skip() {
  echo "   $1 skipped: $2" >&2
  python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[1], "reason": sys.argv[2]}))' "$1" "$2" >>"$oa_dir/skipped.jsonl"
  local kept=() t
  for t in "${oa_targets[@]}"; do if [ "$t" != "$1" ]; then kept+=("$t"); fi; done
  oa_targets=("${kept[@]}")
  if [ -n "${pid[$1]:-}" ] && [ "$1" != mock ]; then stop "${pid[$1]}"; pid[$1]=""; fi
}

# Portkey and its dependencies as perf/portkey/package-lock.json pins them, installed once into the git-ignored
# perf/portkey/node_modules (about 6 s here). No install scripts: the package's only one runs patch-package, which has
# no patches to apply outside Portkey's own repository. One fetch retry and a 3-minute bound, so that a registry out of
# reach costs a CI run minutes at most, not npm's default patience.
portkey_install() {
  if [ -f "$portkey_entry" ]; then return 0; fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    oa_skip portkey "node and npm are needed to run it (not found on PATH)"
    return 1
  fi
  echo "   npm ci in $portkey_dir (log: $raw/logs/npm-portkey.log)"
  if ! bounded 180 npm ci --prefix "$portkey_dir" --no-audit --no-fund --ignore-scripts --fetch-retries=1 \
    >"$raw/logs/npm-portkey.log" 2>&1 \
    || [ ! -f "$portkey_entry" ]; then
    oa_skip portkey "npm ci in $portkey_dir failed: $(grep -m1 -iE 'npm (error|err)' "$raw/logs/npm-portkey.log" || tail -1 "$raw/logs/npm-portkey.log")"
    return 1
  fi
}

# oa_body TARGET MODE: the request body file; Gateway is asked for the model by its provider-qualified name.
oa_body() {
  local model=mock
  if [ "$1" = gateway-openai ]; then model=openai/mock; fi
  echo "$oa_dir/body-${model/\//-}-$2.json"
}

# oa_headers TARGET: the extra request headers of a target, one --header argument pair each. Portkey is routed per
# request: provider openai, the mock as its custom host, the mock's (unchecked) key.
oa_headers() {
  if [ "$1" = portkey ]; then
    printf '%s\n' --header "x-portkey-provider: openai" --header "x-portkey-custom-host: http://127.0.0.1:${port[mock]}/v1" \
      --header "Authorization: Bearer mock"
  fi
}

# oa_probe TARGET: one request of each mode through the target, checked to be the mock's answer relayed whole.
oa_probe() {
  local t=$1 mode headers
  mapfile -t headers < <(oa_headers "$t")
  for mode in stream nonstream; do
    if ! bounded 30 python3 perf/report.py openai-probe --port "${port[$t]}" --body "$(oa_body "$t" $mode)" --chunks "$chunks" \
      "${headers[@]}" --json "$oa_dir/$t/probe-$mode.json"; then
      oa_skip "$t" "$(python3 -c 'import json, sys; print("; ".join(json.load(open(sys.argv[1]))["problems"]))' \
        "$oa_dir/$t/probe-$mode.json" 2>/dev/null || echo "the $mode probe failed")"
      return 1
    fi
  done
}

# oa_load TARGET MODE OUT.json LOADGEN-ARGS...: one load-generator run against a target; the stream mode times the
# first chunk that carries the mock's text (a role-only first chunk does not count).
oa_load() {
  local t=$1 mode=$2 out=$3 headers sse=()
  shift 3
  mapfile -t headers < <(oa_headers "$t")
  if [ "$mode" = stream ]; then sse=(--sse --first-content-contains '"content":"tok'); fi
  bounded 120 "$loadgen" --url "http://127.0.0.1:${port[$t]}/v1/chat/completions" --body "@$(oa_body "$t" "$mode")" \
    "${headers[@]}" "${sse[@]}" --label "$t $mode" --quiet --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($t, $out)" >&2
  printf '   %-15s %-9s %-10s ' "$t" "$mode" "$(basename "$out" .json)"
  python3 perf/report.py step "$out" || true
  alive "$t" "scenario 6, $t $mode $(basename "$out" .json)" || oa_skip "$t" "exited and did not start again"
  if [ "$t" != mock ]; then alive mock "scenario 6 ($t), $(basename "$out" .json)"; fi
}

section "6. OpenAI front door: POST /v1/chat/completions, mock direct / Gateway / Portkey"
for model in mock openai/mock; do
  messages='"messages":[{"role":"user","content":"Say something."}]'
  echo "{\"model\":\"$model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},$messages}" >"$oa_dir/body-${model/\//-}-stream.json"
  echo "{\"model\":\"$model\",$messages}" >"$oa_dir/body-${model/\//-}-nonstream.json"
done
oa_targets=(mock gateway-openai portkey)
for t in "${oa_targets[@]}"; do mkdir -p "$oa_dir/$t"/{stream,nonstream}; done
if portkey_install; then
  serve portkey || oa_skip portkey "node did not start it (log: $raw/logs/portkey.log)"
fi
serve gateway-openai || oa_skip gateway-openai "it did not start with OPENAI_BASE_URL set (log: $raw/logs/gateway-openai.log)"
for t in "${oa_targets[@]}"; do oa_probe "$t" || true; done
echo "   measured: ${oa_targets[*]}"

for mode in stream nonstream; do
  for t in "${oa_targets[@]}"; do
    oa_load "$t" $mode "$oa_dir/$t/$mode/max.json" --mode closed --connections "$oa_connections" --timeout 10s \
      --duration "$oa_max_duration" --warmup "$oa_max_warmup"
  done
done
for round in $(seq 1 "$oa_rounds"); do
  for mode in stream nonstream; do
    for t in "${oa_targets[@]}"; do
      out=$oa_dir/$t/$mode/fixed-$round.json
      with_cpu "$t" "$oa_dir/$t/$mode/fixed-cpu-$round.json" "$out" oa_load "$t" $mode "$out" --mode open --rate "$oa_rate" \
        --connections 16 --max-in-flight 2000 --timeout 5s --duration "$oa_fixed_duration" --warmup "$oa_fixed_warmup"
    done
  done
done
for t in gateway-openai portkey; do
  if [ -n "${pid[$t]:-}" ]; then stop "${pid[$t]}"; pid[$t]=""; fi
done
