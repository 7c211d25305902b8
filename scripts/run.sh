#!/usr/bin/env bash
# Runs the gateway from source with the configuration in the environment (see --help).
# Needs only the .NET SDK (global.json). Extra arguments go to the server, e.g. --help.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Gateway.Server -c Release -- "$@"
