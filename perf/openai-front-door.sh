# Scenario 6 of perf/run.sh, "Front doors" (perf/README.md): POST /v1/chat/completions, /v1/messages (Anthropic's
# Messages API) and /v1/responses (OpenAI's Responses API), each streamed and not, against the mock directly (the
# calibration baseline; it speaks all three), through Gateway and through the Portkey AI gateway (npm package, routed
# to the mock by its x-portkey-* headers), in the same run. Gateway is measured twice on the two new doors: from an
# upstream of the door's own API (gateway-native: model anthropic/mock, mock-responses/mock), as Portkey relays them,
# and translating from the mock's chat completions (gateway-openai: model openai/mock). Per door, target and mode: a
# closed-loop run at $oa_connections connections for the highest throughput, then $oa_rounds rounds at a fixed
# $oa_rate/s (open loop) for latency and server CPU, the targets taking turns. perf/report.py renders $raw/s6
# (perf/openai_front_door.py).
#
# Sourced by run.sh after scenario 2 (or alone, --only-front-doors), while the mock of scenario 1 runs; uses run.sh's
# helpers (bounded, serve, alive, stop, with_cpu, section) and parameters (oa_*). A target that cannot run here (npm
# cannot install Portkey, node is missing) is skipped with its reason in $raw/s6/skipped.jsonl and on the console; a
# door a target fails its probe on is skipped for that door alone; neither fails the run.

oa_dir=$raw/s6
portkey_dir=perf/portkey
portkey_entry=$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js
oa_doors=(chat messages responses)
declare -A oa_measured  # "door target" -> 1 while that door of that target is measured

# oa_path DOOR: the route of a door.
oa_path() {
  case $1 in chat) echo /v1/chat/completions ;; messages) echo /v1/messages ;; responses) echo /v1/responses ;; esac
}

# oa_server TARGET: the process behind a target; gateway-native is gateway-openai asked for other models.
oa_server() {
  if [ "$1" = gateway-native ]; then echo gateway-openai; else echo "$1"; fi
}

# oa_results DOOR TARGET: where a door's runs against a target go (chat completions where they always did).
oa_results() {
  if [ "$1" = chat ]; then echo "$oa_dir/$2"; else echo "$oa_dir/$1/$2"; fi
}

# oa_targets DOOR: the targets still measured on a door, in turn order.
oa_targets() {
  local t
  for t in mock gateway-native gateway-openai portkey; do
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
  for d in "${oa_doors[@]}"; do
    unset 'oa_measured[$d $1]'
    if [ "$1" = gateway-openai ]; then unset 'oa_measured[$d gateway-native]'; fi  # the same process
  done
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

# oa_model DOOR TARGET: the model a target is asked for; Gateway's by its provider-qualified name.
oa_model() {
  case $2 in
    gateway-openai) echo openai/mock ;;
    gateway-native) if [ "$1" = messages ]; then echo anthropic/mock; else echo mock-responses/mock; fi ;;
    *) echo mock ;;
  esac
}

# oa_body DOOR TARGET MODE: the request body file.
oa_body() {
  local model
  model=$(oa_model "$1" "$2")
  echo "$oa_dir/body-$1-${model/\//-}-$3.json"
}

# oa_headers DOOR TARGET: the extra request headers of a target, one --header argument pair each. Portkey is routed per
# request: the provider of the door's API, the mock as its custom host, the mock's (unchecked) key.
oa_headers() {
  if [ "$2" != portkey ]; then return; fi
  if [ "$1" = messages ]; then
    printf '%s\n' --header "x-portkey-provider: anthropic" --header "x-api-key: mock" --header "anthropic-version: 2023-06-01"
  else
    printf '%s\n' --header "x-portkey-provider: openai" --header "Authorization: Bearer mock"
  fi
  printf '%s\n' --header "x-portkey-custom-host: http://127.0.0.1:${port[mock]}/v1"
}

# oa_probe DOOR TARGET: one request of each mode through the target, checked to be the mock's answer relayed whole in
# the door's shape; a target failing a door it may not serve loses that door, one failing chat completions loses all.
oa_probe() {
  local door=$1 t=$2 mode headers out
  mapfile -t headers < <(oa_headers "$door" "$t")
  for mode in stream nonstream; do
    out=$(oa_results "$door" "$t")/probe-$mode.json
    if ! bounded 30 python3 perf/report.py openai-probe --door "$door" --port "${port[$(oa_server "$t")]}" --body "$(oa_body "$door" "$t" $mode)" \
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
  local door=$1 t=$2 mode=$3 out=$4 headers sse=() marker server
  shift 4
  server=$(oa_server "$t")
  mapfile -t headers < <(oa_headers "$door" "$t")
  case $door in
    chat) marker='"content":"tok' ;;     # a chat.completion.chunk's delta
    messages) marker='"text":"tok' ;;    # a content_block_delta's text_delta
    responses) marker='"delta":"tok' ;;  # a response.output_text.delta
  esac
  if [ "$mode" = stream ]; then sse=(--sse --first-content-contains "$marker"); fi
  bounded 120 "$loadgen" --url "http://127.0.0.1:${port[$server]}$(oa_path "$door")" --body "@$(oa_body "$door" "$t" "$mode")" \
    "${headers[@]}" "${sse[@]}" --label "$t $door $mode" --quiet --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
    || echo "perf/run.sh: load generator failed ($t, $out)" >&2
  printf '   %-15s %-9s %-9s %-10s ' "$t" "$door" "$mode" "$(basename "$out" .json)"
  python3 perf/report.py step "$out" || true
  alive "$server" "scenario 6, $t $door $mode $(basename "$out" .json)" || oa_skip "$server" "exited and did not start again"
  if [ "$server" != mock ]; then alive mock "scenario 6 ($t), $(basename "$out" .json)"; fi
}

section "6. Front doors: /v1/chat/completions, /v1/messages, /v1/responses; mock direct / Gateway / Portkey"
# The request bodies of every door and target (the same prompt); max_tokens is required by the Messages API;
# store:false as Codex sends it, so nothing is kept between requests.
messages='"messages":[{"role":"user","content":"Say something."}]'
for door in "${oa_doors[@]}"; do
  for t in mock gateway-native gateway-openai portkey; do
    if [ "$door" = chat ] && [ "$t" = gateway-native ]; then continue; fi  # openai/mock is chat completions' own API
    oa_measured["$door $t"]=1
    mkdir -p "$(oa_results "$door" "$t")"/{stream,nonstream}
    model="\"model\":\"$(oa_model "$door" "$t")\""
    case $door in
      chat) stream="$model,\"stream\":true,\"stream_options\":{\"include_usage\":true},$messages" whole="$model,$messages" ;;
      messages) stream="$model,\"max_tokens\":1024,\"stream\":true,$messages" whole="$model,\"max_tokens\":1024,$messages" ;;
      responses) stream="$model,\"store\":false,\"stream\":true,\"input\":\"Say something.\"" whole="$model,\"store\":false,\"input\":\"Say something.\"" ;;
    esac
    echo "{$stream}" >"$(oa_body "$door" "$t" stream)"
    echo "{$whole}" >"$(oa_body "$door" "$t" nonstream)"
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
        with_cpu "$(oa_server "$t")" "$dir/fixed-cpu-$round.json" "$dir/fixed-$round.json" oa_load "$door" "$t" $mode "$dir/fixed-$round.json" \
          --mode open --rate "$oa_rate" --connections 16 --max-in-flight 2000 --timeout 5s --duration "$oa_fixed_duration" \
          --warmup "$oa_fixed_warmup"
      done
    done
  done
done
for t in gateway-openai portkey; do
  if [ -n "${pid[$t]:-}" ]; then stop "${pid[$t]}"; pid[$t]=""; fi
done
