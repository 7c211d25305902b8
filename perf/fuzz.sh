#!/usr/bin/env bash
# Coverage-guided fuzzing of one of Gateway's parsers with afl++ and SharpFuzz (issue 11; perf/README.md, "Fuzzing").
#
#   perf/fuzz.sh TARGET SECONDS     TARGET: head | chunked | chat | relay | completions | responses | messages
#
# Installs what is missing (afl++ from apt, the SharpFuzz.CommandLine dotnet tool into artifacts/fuzz/tools), publishes
# tests/Gateway.Fuzz, instruments its copy of gateway.dll, and runs afl-fuzz for at most SECONDS on the committed seeds
# (tests/Gateway.Fuzz/Seeds/TARGET) with the target's dictionary. Findings go to artifacts/fuzz/TARGET/findings; the
# crashes are replayed and counted by exception and first Gateway frame, and the last line gives afl's figures:
# executions, paths (corpus entries), crashes and hangs. A crash replays on the uninstrumented build (the instrumented
# one only runs under afl-fuzz) with
#   dotnet tests/Gateway.Fuzz/bin/Release/net10.0/Gateway.Fuzz.dll TARGET 'artifacts/fuzz/TARGET/findings/default/crashes/id:…'
# Run one target at a time on a shared machine: afl-fuzz keeps a core busy.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

target=${1:-}
seconds=${2:-}
case "$target" in
  head | chunked) dictionary=tests/Gateway.Fuzz/Dictionaries/http.dict ;;
  chat | relay | completions | responses | messages) dictionary=tests/Gateway.Fuzz/Dictionaries/json.dict ;;
  *) echo "usage: perf/fuzz.sh head|chunked|chat|relay|completions|responses|messages SECONDS" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: perf/fuzz.sh $target SECONDS (a positive whole number)" >&2
  exit 2
fi

if ! command -v afl-fuzz >/dev/null; then
  apt-get install -y afl++ || { apt-get update && apt-get install -y afl++; }
fi
tools=artifacts/fuzz/tools
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0
fi

# A fresh copy each run: SharpFuzz refuses an assembly it has already instrumented.
out=artifacts/fuzz/$target
rm -rf "$out"
dotnet publish tests/Gateway.Fuzz -c Release -o "$out/bin" --nologo -v quiet
"$tools/sharpfuzz" "$out/bin/gateway.dll"

# The target is `dotnet`, which afl cannot see instrumented (SharpFuzz reports coverage itself), on a machine whose
# CPU governor and core dump handling are not afl's to change. -t: generous, a first .NET run compiles as it goes.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
timeout --kill-after=30 $((seconds + 120)) \
  afl-fuzz -i "tests/Gateway.Fuzz/Seeds/$target" -o "$out/findings" -x "$dictionary" -V "$seconds" -t 5000 -m none \
  -- dotnet "$out/bin/Gateway.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || {
  status=$?
  tail -n 30 "$out/afl.log" >&2
  echo "afl-fuzz failed (exit status $status); its log: $out/afl.log" >&2
  exit 1
}

crashes=("$out"/findings/default/crashes/id:*)
if [ -e "${crashes[0]}" ]; then
  echo "crashes by exception and first Gateway frame (the first 100 replayed):"
  for crash in "${crashes[@]:0:100}"; do
    timeout 30 dotnet tests/Gateway.Fuzz/bin/Release/net10.0/Gateway.Fuzz.dll "$target" "$crash" 2>&1 |
      awk '/Exception:/ && !e { e = $0 } /^ +at Gateway\./ && !f { f = $0 } END { print e " |" f }' || true
  done 2>/dev/null | sort | uniq -c | sort -rn # 2>/dev/null: the shell's notices of the aborted replays, not theirs
fi

stats=$out/findings/default/fuzzer_stats
stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
echo "fuzz target $target, $(stat run_time) s: executions $(stat execs_done) ($(stat execs_per_sec)/s), paths $(stat corpus_count), crashes $(stat saved_crashes), hangs $(stat saved_hangs)"
