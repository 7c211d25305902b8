# Scenario 6 of perf/run.sh, "Front doors" (perf/README.md): POST /v1/chat/completions, /v1/messages (Anthropic's
# Messages API) and /v1/responses (OpenAI's Responses API), each streamed and not, through Gateway (OPENAI_BASE_URL
# pointing at the mock, which answers chat completions) and through the Portkey AI gateway (npm package, routed to the
# mock by its x-portkey-* headers), beside the mock's own chat completions called directly (the calibration baseline),
# in the same run. Per door, target and mode: a closed-loop run at $oa_connections connections for the highest
# throughput, then $oa_rounds rounds at a fixed $oa_rate/s (open loop) for latency and server CPU, the targets taking
# turns. perf/report.py renders $raw/s6 (perf/openai_front_door.py).
#
# Sourced by run.sh after scenario 2 (or alone, --only-front-doors), while the mock of scenario 1 runs; uses run.sh's
# helpers (bounded, serve, alive, stop, with_cpu, section) and parameters (oa_*). A target that cannot run here (npm
# cannot install Portkey, node is missing) is skipped with its reason in $raw/s6/skipped.jsonl and on the console; a
# door a target does not serve (its probe fails: Portkey 1.15.2 relays /v1/messages and /v1/responses only to upstreams
# of those APIs, and the mock speaks chat completions) is skipped for that door alone; neither fails the run.

oa_dir=$raw/s6
portkey_dir=perf/portkey
portkey_entry=$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js
oa_doors=(chat messages responses)
declare -A oa_measured  # "door target" -> 1 while that door of that target is measured

# oa_path DOOR: the route of a door.
oa_path() {
  case $1 in chat) echo /v1/chat/completions ;; messages) echo /v1/messages ;; responses) echo /v1/responses ;; esac
}

# oa_results DOOR TARGET: where a door's runs against a target go (chat completions where they always did).
oa_results() {
  if [ "$1" = chat ]; then echo "$oa_dir/$2"; else echo "$oa_dir/$1/$2"; fi
}

# oa_targets DOOR: the targets still measured on a door, in turn order.
oa_targets() {
  local t
  for t in mock gateway-openai portkey; do
    if [ -n "${oa_measured["$1 $t"]:-}" ]; then echo "$t"; fi
  done
}

# oa_skip TARGET REASON [DOOR]: the target (or only that door of it) is not (or no longer) measured; the report says why.
oa_skip() {
  local door=${3:-} d
  echo "   $1${door:+ $(oa_path "$door")} skipped: $2" >&2
  python3 -c 'import json, sys; print(json.dumps({"target": sys.argv[1], "reason": sys.argv[2], "door": sys.argv[3] or None}))' \
    "$1" "$2" "$door" >>"$oa_dir/skipped.jsonl"
  if [ -n "$door" ]; then unset 'oa_measured[$door $1]'; return; fi
  for d in "${oa_doors[@]}"; do unset 'oa_measured[$d $1]'; done
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

# oa_body DOOR TARGET MODE: the request body file; Gateway is asked for the model by its provider-qualified name.
oa_body() {
  local model=mock
  if [ "$2" = gateway-openai ]; then model=openai/mock; fi
  echo "$oa_dir/body-$1-${model/\//-}-$3.json"
}

# oa_headers TARGET: the extra request headers of a target, one --header argument pair each. Portkey is routed per
# request: provider openai, the mock as its custom host, the mock's (unchecked) key.
oa_headers() {
  if [ "$1" = portkey ]; then
    printf '%s\n' --header "x-portkey-provider: openai" --header "x-portkey-custom-host: http://127.0.0.1:${port[mock]}/v1" \
      --header "Authorization: Bearer mock"
  fi
}

# oa_probe DOOR TARGET: one request of each mode through the target, checked to be the mock's answer relayed whole in
# the door's shape; a target failing a door it may not serve loses that door, one failing chat completions loses all.
oa_probe() {
  local door=$1 t=$2 mode headers out
  mapfile -t headers < <(oa_headers "$t")
  for mode in stream nonstream; do
    out=$(oa_results "$door" "$t")/probe-$mode.json
    if ! bounded 30 python3 perf/report.py openai-probe --door "$door" --port "${port[$t]}" --body "$(oa_body "$door" "$t" $mode)" \
      --chunks "$chunks" "${headers[@]}" --json "$out"; then
      oa_skip "$t" "$(python3 -c 'import json, sys; print("; ".join(json.load(open(sys.argv[1]))["problems"]))' "$out" 2>/dev/null \
        || echo "the $mode probe failed")" "$( if [ "$door" != chat ]; then echo "$door"; fi )"
      return 1
    fi
  done
}

# oa_load DOOR TARGET MODE OUT.json LOADGEN-ARGS...: one load-generator run against a target; the stream mode times the
# first event that carries the mock's text (a role-only chunk or a message_start does not count).
oa_load() {
  local door=$1 t=$2 mode=$3 out=$4 headers sse=() marker
  shift 4
  mapfile -t headers < <(oa_headers "$t")
  case $door in
    chat) marker='"content":"tok' ;;     # a chat.completion.chunk's delta
    messages) marker='"text":"tok' ;;    # a content_block_delta's text_delta
    responses) marker='"delta":"tok' ;;  # a response.output_text.delta
  esac
  if [ "$mode" = stream ]; then sse=(--sse --first-content-contains "$marker"); fi
  bounded 120 "$loadgen" --url "http://127.0.0.1:${port[$t]}$(oa_path "$door")" --body "@$(oa_body "$door" "$t" "$mode")" \
    "${headers[@]}" "${sse[@]}" --label "$t $door $mode" --quiet --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($t, $out)" >&2
  printf '   %-15s %-9s %-9s %-10s ' "$t" "$door" "$mode" "$(basename "$out" .json)"
  python3 perf/report.py step "$out" || true
  alive "$t" "scenario 6, $t $door $mode $(basename "$out" .json)" || oa_skip "$t" "exited and did not start again"
  if [ "$t" != mock ]; then alive mock "scenario 6 ($t), $(basename "$out" .json)"; fi
}

section "6. Front doors: /v1/chat/completions, /v1/messages, /v1/responses; mock direct / Gateway / Portkey"
prompt='"Say something."'
for model in mock openai/mock; do
  name=${model/\//-}
  messages="\"messages\":[{\"role\":\"user\",\"content\":$prompt}]"
  echo "{\"model\":\"$model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},$messages}" >"$oa_dir/body-chat-$name-stream.json"
  echo "{\"model\":\"$model\",$messages}" >"$oa_dir/body-chat-$name-nonstream.json"
  # max_tokens is required by the Messages API; store:false as Codex sends it (nothing kept between requests).
  echo "{\"model\":\"$model\",\"max_tokens\":1024,\"stream\":true,$messages}" >"$oa_dir/body-messages-$name-stream.json"
  echo "{\"model\":\"$model\",\"max_tokens\":1024,$messages}" >"$oa_dir/body-messages-$name-nonstream.json"
  echo "{\"model\":\"$model\",\"store\":false,\"stream\":true,\"input\":$prompt}" >"$oa_dir/body-responses-$name-stream.json"
  echo "{\"model\":\"$model\",\"store\":false,\"input\":$prompt}" >"$oa_dir/body-responses-$name-nonstream.json"
done
for door in "${oa_doors[@]}"; do
  for t in mock gateway-openai portkey; do
    if [ "$door" = chat ] || [ "$t" != mock ]; then  # the mock serves chat completions only: the calibration of every door
      oa_measured["$door $t"]=1
      mkdir -p "$(oa_results "$door" "$t")"/{stream,nonstream}
    fi
  done
done
if portkey_install; then
  serve portkey || oa_skip portkey "node did not start it (log: $raw/logs/portkey.log)"
fi
serve gateway-openai || oa_skip gateway-openai "it did not start with OPENAI_BASE_URL set (log: $raw/logs/gateway-openai.log)"
for door in "${oa_doors[@]}"; do
  for t in $(oa_targets "$door"); do oa_probe "$door" "$t" || true; done
  echo "   measured on $(oa_path "$door"): $(oa_targets "$door" | tr '\n' ' ')"
done

for mode in stream nonstream; do
  for door in "${oa_doors[@]}"; do
    for t in $(oa_targets "$door"); do
      oa_load "$door" "$t" $mode "$(oa_results "$door" "$t")/$mode/max.json" --mode closed --connections "$oa_connections" \
        --timeout 10s --duration "$oa_max_duration" --warmup "$oa_max_warmup"
    done
  done
done
for round in $(seq 1 "$oa_rounds"); do
  for mode in stream nonstream; do
    for door in "${oa_doors[@]}"; do
      for t in $(oa_targets "$door"); do
        dir=$(oa_results "$door" "$t")/$mode
        with_cpu "$t" "$dir/fixed-cpu-$round.json" "$dir/fixed-$round.json" oa_load "$door" "$t" $mode "$dir/fixed-$round.json" \
          --mode open --rate "$oa_rate" --connections 16 --max-in-flight 2000 --timeout 5s --duration "$oa_fixed_duration" \
          --warmup "$oa_fixed_warmup"
      done
    done
  done
done
for t in gateway-openai portkey; do
  if [ -n "${pid[$t]:-}" ]; then stop "${pid[$t]}"; pid[$t]=""; fi
done
