#!/usr/bin/env bash
# Regenerates the Go code for protos/ into gen/. The generated files are committed (the Go convention), so the
# Docker build needs no protoc; CI runs this into a temporary folder and fails if the committed copy is stale.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/gen}
mkdir -p "$out"
protoc -I "$here/../protos" \
  --go_out="$out" --go_opt=module=github.com/pdfaspire/ingest-stub/gen \
  --go-grpc_out="$out" --go-grpc_opt=module=github.com/pdfaspire/ingest-stub/gen \
  pdfaspire/ingest/v1/ingest.proto
