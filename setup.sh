#!/usr/bin/env bash
# Installs everything PdfAspire needs on Debian 12 beyond the .NET SDK, idempotently:
#   ./setup.sh          what running the system needs (local-process mode)
#   ./setup.sh --tests  also what the tests and benchmarks need (Chromium for the browser tests, PDF tools, the two
#                       texlive documentation corpora, img2pdf to make scanned pages)
set -euo pipefail
cd "$(dirname "$0")"

# OCR of scanned pages needs poppler's pdftoppm and Tesseract (English data included); curl and redis-cli (with
# redis-server) push a first PDF by hand, as the start-up summary shows.
packages=(redis-server golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-5-dev golang-google-protobuf-dev
  protobuf-compiler protoc-gen-go protoc-gen-go-grpc poppler-utils tesseract-ocr curl)
command -v node >/dev/null || packages+=(nodejs npm)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(chromium fonts-liberation qpdf texlive-latex-base-doc texlive-pictures-doc img2pdf prometheus)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The local S3 server and the protobuf linter, pinned by tools/package-lock.json.
if [[ ! -d tools/node_modules/s3rver || tools/package-lock.json -nt tools/node_modules/.package-lock.json ]]; then
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi

# The Go ingest stub, compiled once here so the first start is quick (local.sh rebuilds incrementally after edits).
ingest-stub/local.sh build

# The .NET solution.
dotnet build PdfAspire.sln -c "${CONFIGURATION:-Debug}" -nologo -v quiet
