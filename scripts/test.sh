#!/usr/bin/env bash
# Builds and runs every test project of the solution. Needs only the .NET SDK (global.json);
# packages restore from NuGet. The last line printed is "N passed, N failed", summed from the
# TRX result files, which is what CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

results=artifacts/test-results
rm -rf "$results"
dotnet test Gateway.slnx -c Release --logger trx --results-directory "$results" "$@"
status=$?

# <Counters total=".." executed=".." passed=".." failed=".." .../> appears once per TRX file.
summary=$(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  { for (i = 1; i <= NF; i++) { if ($i ~ /^passed=/) { gsub(/[^0-9]/, "", $i); p += $i } if ($i ~ /^failed=/) { gsub(/[^0-9]/, "", $i); f += $i } } }
  END { printf "%d passed, %d failed\n", p, f }')
if [ -z "$summary" ] || [ "$summary" = "0 passed, 0 failed" ]; then
  echo "no test results found under $results"
  exit 1
fi
echo "$summary"
exit $status
