#!/usr/bin/env bash
# Builds the whole solution (perf/ included, so no project rots unnoticed), runs every test project of it (needs the
# .NET SDK of global.json; packages restore from NuGet; the MCP tests' servers from npm, installed first), then the
# client tests: the official `openai` and `@anthropic-ai/sdk` npm packages, the Claude Code and Codex agents, and
# Node's fetch reading RLM mode's and /summarize's event streams, and the `eventsource` package's EventSource resuming a
# cut stream, against the gateway just built (tests/Gateway.ClientTests; needs Node.js 20+ and npm, packages from npm). Extra arguments go to `dotnet test`.
# The last line printed is "N passed, N failed", summed from the TRX result files and the node run's TAP
# summary, which is what CI reads; the exit status is non-zero if either part failed or could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

results=artifacts/test-results
rm -rf "$results"
# dotnet test alone builds only the test projects and what they reference; a failed build is one failure.
if ! dotnet build Gateway.slnx -c Release; then
  echo "the solution does not build"
  echo "0 passed, 1 failed"
  exit 1
fi
# The real MCP servers the MCP tests start (tests/mcp-servers, issue 18). A failed install does not stop the run: those
# tests then fail, saying to run npm ci there.
if ! (cd tests/mcp-servers && timeout --kill-after=10 300 npm ci --no-audit --no-fund); then
  echo "npm ci failed in tests/mcp-servers: the MCP tests will fail"
fi
dotnet test Gateway.slnx -c Release --no-build --logger trx --results-directory "$results" "$@"
status=$?

# <Counters total=".." executed=".." passed=".." failed=".." .../> appears once per TRX file.
read -r dotnet_passed dotnet_failed < <(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  { for (i = 1; i <= NF; i++) { if ($i ~ /^passed=/) { gsub(/[^0-9]/, "", $i); p += $i } if ($i ~ /^failed=/) { gsub(/[^0-9]/, "", $i); f += $i } } }
  END { printf "%d %d\n", p, f }')
# A run that failed without a failing test (a crashed test host, which leaves its TRX short or missing) is one failure.
if [ "$dotnet_passed" -eq 0 ] && [ "$dotnet_failed" -eq 0 ]; then
  echo "no test results found under $results (dotnet test exit status $status)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$dotnet_failed" -eq 0 ]; then
  echo "dotnet test exited with status $status without a failing test (a test host crashed or was aborted)"
  dotnet_failed=1
fi

# Client tests. npm ci installs exactly what package-lock.json pins; node's test runner reports to the terminal
# (spec) and to a TAP file whose closing "# pass N" / "# fail N" / "# cancelled N" lines give the counts (a test
# cancelled because setup failed, e.g. the gateway did not start, counts as failed). Install and run are bounded.
client=tests/Gateway.ClientTests
client_tap=$repo/$results/client-tests.tap
client_status=0
echo "== client tests: the openai and @anthropic-ai/sdk npm packages, Claude Code, Codex, fetch (RLM, /summarize) and EventSource (resumed stream) against the gateway ($client)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are needed for the client tests (.ci/run installs them)"
  client_status=127
# The bound allows for a cold npm cache: Claude Code's and Codex's native binaries are about 340 MB to download.
elif ! (cd "$client" && timeout --kill-after=10 600 npm ci --no-audit --no-fund); then
  echo "npm ci failed in $client"
  client_status=1
else
  (cd "$client" && export GATEWAY_LOG_FILE="$repo/$results/client-tests-gateway.log" \
    GATEWAY_EXE="${GATEWAY_EXE:-$repo/src/Gateway.Server/bin/Release/net10.0/gateway}" &&
    timeout --kill-after=10 600 node --test \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$client_tap" \
      openai-client.test.js responses-client.test.js anthropic-client.test.js coding-agents.test.js rlm-client.test.js \
      eventsource-client.test.js)
  client_status=$?
fi

read -r client_passed client_failed client_summaries < <(cat "$client_tap" 2>/dev/null | awk '
  /^# pass / { p += $3; n++ } /^# fail / { f += $3 } /^# cancelled / { f += $3 }
  END { printf "%d %d %d\n", p, f, n }')
# Missing results, or a run that failed without a failing test (killed by timeout, a crashed hook), is one failure.
if [ "$client_summaries" -eq 0 ]; then
  echo "no client test results in $client_tap (exit status $client_status)"
  client_failed=$((client_failed + 1))
  [ "$client_status" -eq 0 ] && client_status=1
elif [ "$client_status" -ne 0 ] && [ "$client_failed" -eq 0 ]; then
  echo "the client test run exited with status $client_status without a failing test"
  client_failed=1
fi

echo "$((dotnet_passed + client_passed)) passed, $((dotnet_failed + client_failed)) failed"
[ "$status" -ne 0 ] && exit "$status"
exit "$client_status"
