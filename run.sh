#!/usr/bin/env bash
# Sets up and runs the whole system. Without a container engine the infrastructure runs as local processes;
# force a mode with PDFASPIRE_RUN_MODE=containers|local. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"

# The Aspire dashboard listens on the fixed ports of the AppHost's launch profile; taken, the dashboard would die with
# a page of Kestrel's stack trace. Say which one, before any set-up.
for port in $(grep -o 'localhost:[0-9]*' PdfAspire.AppHost/Properties/launchSettings.json | cut -d: -f2); do
  for address in 127.0.0.1 ::1; do
    if (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null; then
      echo "run.sh: port $port (the Aspire dashboard's) is in use, most likely by another ./run.sh: stop that one (Ctrl+C), or see what holds it with 'ss -ltnp sport = :$port'." >&2
      exit 1
    fi
  done
done

CONFIGURATION=Release ./setup.sh
# Local use only: the dashboard opens without its login token.
export DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS="${DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS:-true}"
exec dotnet run --project PdfAspire.AppHost -c Release --no-build
