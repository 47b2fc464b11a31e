#!/usr/bin/env bash
# Regenerates PdfAspire.Tests/Deployment/AspirateSnapshot: the real aspirate's output for the AppHost's current
# manifest, which the deployment tests render the overlays over where aspirate is not installed. Run it after changing
# the AppHost (a test fails until you do), with aspirate on PATH (dotnet tool install -g aspirate --prerelease).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v aspirate >/dev/null || { echo "aspirate is not on PATH" >&2; exit 1; }
dotnet build PdfAspire.Tests -c Release -nologo -v quiet
PDFASPIRE_UPDATE_ASPIRATE_SNAPSHOT=1 dotnet test PdfAspire.Tests -c Release --no-build \
  --filter "FullyQualifiedName~PdfAspire.Tests.Deployment.AspirateSnapshotTests"
git status --short PdfAspire.Tests/Deployment/AspirateSnapshot
