#!/usr/bin/env bash
# Builds, tests or runs the stub with Debian's Go and gRPC packages (GOPATH mode, no module download), the way
# local-process mode and CI use it. The Dockerfile builds the same code in module mode from go.mod.
#   local.sh build        -> .local/ingest-stub/bin/ingest-stub
#   local.sh test         -> go test
#   local.sh run ARGS...  -> build (incremental), then exec the binary with ARGS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state="$here/../.local/ingest-stub"
import_path=github.com/pdfaspire/ingest-stub
gopath="$state/gopath"

# GOPATH mode wants the code at $GOPATH/src/<import path>; a symlink keeps one copy of it.
mkdir -p "$gopath/src/github.com/pdfaspire" "$state/bin"
ln -sfn "$here" "$gopath/src/$import_path"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$state/cache" GOFLAGS=

if ! command -v go >/dev/null; then
  echo "ingest-stub: Go is not installed; run ./setup.sh (or apt-get install golang-go golang-google-grpc-dev ...)" >&2
  exit 127
fi

cmd=${1:-build}
shift || true
cd "$gopath/src/$import_path"
case "$cmd" in
  build) go build -o "$state/bin/ingest-stub" . ;;
  test) go test "$@" . ;;
  run)
    go build -o "$state/bin/ingest-stub" .
    exec "$state/bin/ingest-stub" "$@" ;;
  *) echo "usage: $0 build|test|run [args]" >&2; exit 2 ;;
esac
