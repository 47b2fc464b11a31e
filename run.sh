#!/usr/bin/env bash
# Sets up and runs the whole system. Without a container engine the infrastructure runs as local processes;
# force a mode with PDFASPIRE_RUN_MODE=containers|local. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
CONFIGURATION=Release ./setup.sh
# Local use only: the dashboard opens without its login token.
export DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS="${DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS:-true}"
exec dotnet run --project PdfAspire.AppHost -c Release --no-build
