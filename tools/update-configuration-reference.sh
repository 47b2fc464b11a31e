#!/usr/bin/env bash
# Regenerates the settings table in docs/configuration.md from the options classes (after adding or changing one).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build PdfAspire.Tests -c "${CONFIGURATION:-Release}" -nologo -v quiet
UPDATE_CONFIGURATION_REFERENCE=1 dotnet test PdfAspire.Tests -c "${CONFIGURATION:-Release}" --no-build \
  --filter "FullyQualifiedName~ConfigurationReferenceTests"
