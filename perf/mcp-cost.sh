# Scenario 15 of perf/run.sh (issue 18; perf/README.md, row 15): what one MCP tool call costs through Gateway. Gateways
# on the mock model with MCP_SERVERS_FILE naming server-everything over stdio, MCP_SANDBOX=none and bwrap; each /chat
# session is one allowed tool call: mcp__everything__echo, or the built-in read through the `none` Gateway. Beside them
# the same echo call without Gateway (perf/mcp-direct.mjs, the official TypeScript SDK). One at a time and
# $mc_concurrency at once, in interleaved rounds; the gateway's CPU and the MCP server's (its process tree) around each
# run. perf/mcp_cost.py waits for the servers, reads their CPU and renders $raw/s15.
#
# Sourced by run.sh; uses its helpers (bounded, try_start, stop, crashed, proc_ticks, section, free_port) and
# parameters (mc_*). Every process it starts is stopped here, or by run.sh's trap (a gateway stops its MCP servers).

mc_dir=$raw/s15
mkdir -p "$mc_dir"/{builtin,direct,mcp-none,mcp-bwrap}
mc_modules=tests/mcp-servers
mc_server=$PWD/$mc_modules/node_modules/@modelcontextprotocol/server-everything/dist/index.js
mc_tool=mcp__everything__echo
mc_configs=(mcp-none mcp-bwrap)

section "15. MCP tool call cost: $mc_tool through Gateway (MCP_SANDBOX none, bwrap) vs read vs direct; 1 and $mc_concurrency at once"

# mc_skip REASON: the scenario is not measured here; the report says why.
mc_skip() {
  echo "perf/run.sh: scenario 15 skipped: $1" >&2
  echo "$1" >"$mc_dir/skipped.txt"
}

# The servers the MCP tests use, installed as scripts/test.sh installs them (a CI clone has no node_modules).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  mc_skip "node and npm are needed to run server-everything (not found on PATH)"
elif [ ! -f "$mc_server" ]; then
  echo "   npm ci in $mc_modules (log: $raw/logs/npm-mcp-servers.log)"
  bounded 300 npm ci --prefix "$mc_modules" --no-audit --no-fund >"$raw/logs/npm-mcp-servers.log" 2>&1 || true
  if [ ! -f "$mc_server" ]; then mc_skip "npm ci in $mc_modules did not install server-everything ($raw/logs/npm-mcp-servers.log)"; fi
fi

if [ ! -f "$mc_dir/skipped.txt" ]; then
  declare -A mc_dead mc_server_pid  # Gateways that did not start, lost their server or exited; each one's MCP server
  mkdir -p "$mc_dir/workspace"
  printf 'hi\n' >"$mc_dir/workspace/small.txt"
  # Under bwrap the server runs as the sandbox's uid when the gateway is root (BASH_UID_BASE), and starts in the workspace.
  chmod -R a+rX "$mc_dir/workspace"
  python3 -c 'import json, sys
json.dump({"mcpServers": {"everything": {"command": sys.argv[1], "args": [sys.argv[2], "stdio"]}}}, open(sys.argv[3], "w"))' \
    "$(command -v node)" "$mc_server" "$mc_dir/mcp.json"

  # mc_body NAME TOOL ARGUMENTS: the /chat body whose one turn is that tool call, allowed without a relay.
  mc_body() {
    python3 -c 'import json, sys
print(json.dumps({"model": "mock", "messages": [{"role": "user", "content": f"/tool {sys.argv[1]} {sys.argv[2]}"}],
                  "permissions": {"allowlist": [{"tool": sys.argv[1]}]}}))' "$2" "$3" >"$mc_dir/body-$1.json"
  }
  mc_body mcp "$mc_tool" '{"message":"hi"}'
  mc_body read read '{"filePath":"small.txt"}'

  # mc_serve NAME SANDBOX: a Gateway with the MCP server, waited for (60 s at most) until GET /mcp/servers offers
  # $mc_tool; its pid in pid[NAME], its server's in mc_server_pid[NAME]. One that does not get there is left out.
  mc_serve() {
    local name=$1
    port[$name]=$(free_port)
    if ! try_start "$name" "${port[$name]}" "${server_env[@]}" PORT="${port[$name]}" MOCK_MODELS=mock MOCK_TOKENS=1 \
      WORKSPACE_ROOT="$mc_dir/workspace" MCP_SERVERS_FILE="$mc_dir/mcp.json" MCP_SANDBOX="$2" "$gateway_bin"; then
      mc_dead[$name]=1
      return 0
    fi
    pid[$name]=$started_pid
    if ! mc_server_pid[$name]=$(bounded 70 python3 perf/mcp_cost.py ready --url "http://127.0.0.1:${port[$name]}" \
      --tool "$mc_tool" --timeout 60 --json "$mc_dir/$name/servers.json"); then
      echo "perf/run.sh: $name's MCP server never offered $mc_tool (log: $raw/logs/$name.log)" >&2
      mc_dead[$name]=1
      stop "${pid[$name]}"
    fi
  }

  # mc_measure NAME DIR BODY KIND ROUND LOADGEN-ARGS...: one load run of BODY against NAME into DIR/KIND-ROUND.json, with
  # the gateway's CPU (security.py cpu) and its MCP server's (DIR/server-KIND-ROUND.txt: ticks before and after).
  mc_measure() {
    local name=$1 dir=$2 body=$3 kind=$4 round=$5 before server_before server_after
    shift 5
    if [ -n "${mc_dead[$name]:-}" ]; then return 0; fi
    local out=$dir/$kind-$round.json
    before=$(proc_ticks "${pid[$name]}")
    server_before=$(python3 perf/mcp_cost.py ticks --pid "${mc_server_pid[$name]}" || true)
    bounded 300 "$loadgen" --url "http://127.0.0.1:${port[$name]}/chat" --method POST --body "@$body" --sse --timeout 30s \
      --quiet --label "$name $(basename "$dir") $kind" --json "$out" "$@" >"${out%.json}.md" 2>"${out%.json}.log" \
      || echo "perf/run.sh: load generator failed ($name $(basename "$dir") $kind)" >&2
    if crashed "$name" "${pid[$name]}" "$raw/logs/$name.log" "scenario 15, $kind round $round"; then
      mc_dead[$name]=1
      return 0
    fi
    python3 perf/security.py cpu --before "$before" --after "$(proc_ticks "${pid[$name]}")" --load "$out" \
      --json "$dir/$kind-cpu-$round.json"
    # The server's CPU only when the same process served the whole run (mcp_cost.py ticks fails for a pid that is gone).
    if server_after=$(python3 perf/mcp_cost.py ticks --pid "${mc_server_pid[$name]}") && [ -n "$server_before" ]; then
      echo "$server_before $server_after" >"$dir/server-$kind-$round.txt"
    fi
    printf '   round %s %-10s %-9s %-3s ' "$round" "$name" "$(basename "$dir")" "$kind"
    python3 perf/report.py step "$out" || true
  }

  # mc_direct KIND ROUND CALLS AT-ONCE: the echo call without Gateway, into $mc_dir/direct/KIND-ROUND.json.
  mc_direct() {
    local out=$mc_dir/direct/$1-$2.json
    if bounded 120 node perf/mcp-direct.mjs --server "$mc_server" --calls "$3" --concurrency "$4" --warmup "$mc_warmup" \
      >"$out" 2>"${out%.json}.log"; then
      printf '   round %s %-10s %-9s %-3s ' "$2" direct direct "$1"
      python3 perf/mcp_cost.py direct-step "$out" || true
    else
      echo "perf/run.sh: perf/mcp-direct.mjs failed (${out%.json}.log)" >&2
      rm -f "$out"
    fi
  }

  mc_serve mcp-none none
  mc_serve mcp-bwrap bwrap
  # What one call of each returns, once, for the report; then a warm-up of each.
  for name in "${mc_configs[@]}"; do
    if [ -n "${mc_dead[$name]:-}" ]; then continue; fi
    bodies=(mcp)
    if [ "$name" = mcp-none ]; then bodies+=(read); fi
    for body in "${bodies[@]}"; do
      dir=$mc_dir/$name
      if [ "$body" = read ]; then dir=$mc_dir/builtin; fi
      bounded 30 curl -sSN --max-time 20 -H 'Content-Type: application/json' -d "@$mc_dir/body-$body.json" \
        "http://127.0.0.1:${port[$name]}/chat" >"$dir/probe.txt" 2>&1 || true
      bounded 120 "$loadgen" --url "http://127.0.0.1:${port[$name]}/chat" --method POST --body "@$mc_dir/body-$body.json" --sse \
        --mode closed --connections "$mc_concurrency" --warmup 0 --duration 60s --requests "$mc_warmup" --timeout 30s --quiet \
        >/dev/null 2>&1 || echo "perf/run.sh: warm-up of $name ($body) failed" >&2
    done
  done
  # Rounds interleave the configurations, so that a disturbance from elsewhere on the machine falls on one round of each.
  for round in $(seq 1 "$mc_rounds"); do
    for connections in 1 "$mc_concurrency"; do
      calls=$mc_calls
      if [ "$connections" != 1 ]; then calls=$mc_calls_concurrent; fi
      load=(--mode closed --connections "$connections" --warmup 0 --duration 240s --requests "$calls")
      mc_measure mcp-none "$mc_dir/builtin" "$mc_dir/body-read.json" "c$connections" "$round" "${load[@]}"
      for name in "${mc_configs[@]}"; do
        mc_measure "$name" "$mc_dir/$name" "$mc_dir/body-mcp.json" "c$connections" "$round" "${load[@]}"
      done
      mc_direct "c$connections" "$round" "$calls" "$connections"
    done
  done
  for name in "${mc_configs[@]}"; do
    if [ -z "${mc_dead[$name]:-}" ] && ! crashed "$name" "${pid[$name]}" "$raw/logs/$name.log" "scenario 15"; then
      stop "${pid[$name]}"
    fi
  done
fi
