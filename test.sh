#!/usr/bin/env bash
# Sets up and runs every test: protobuf lint, generated-code freshness, the Go stub's tests, and the .NET suite
# (which starts the whole system in local-process mode and drives the admin UI in Chromium).
set -euo pipefail
cd "$(dirname "$0")"
export CONFIGURATION="${CONFIGURATION:-Release}"
./setup.sh --tests

echo "== buf lint"
tools/node_modules/.bin/buf lint protos

echo "== generated Go code is current"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
ingest-stub/generate.sh "$fresh"
diff -r "$fresh" ingest-stub/gen

echo "== go test (ingest stub)"
ingest-stub/local.sh test -count=1

echo "== dotnet test"
if command -v aspirate >/dev/null; then
  echo "deployment tests run the real aspirate: $(command -v aspirate)"
else
  echo "aspirate is not on PATH: deployment tests render the overlays over the committed snapshot of its output"
fi
# Browser tests regenerate the screenshots docs/operations.md shows of the admin in docs/screenshots.
export TEST_RESULTS_DIR="${TEST_RESULTS_DIR:-$PWD/TestResults}"
results="$TEST_RESULTS_DIR"
mkdir -p "$results"
if ! dotnet test PdfAspire.sln -c "$CONFIGURATION" --no-build --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" 2>&1 | tee "$results/dotnet-test.log"; then
  # A long run's failure scrolls far above its end, and CI may keep only the end: say it again there.
  echo "== failed tests (repeated from above; the whole output is in $results/dotnet-test.log)"
  awk '/^  Failed /{on=1} /^  (Passed|Skipped) |^\[xUnit|^Test Run /{on=0} on' "$results/dotnet-test.log"
  exit 1
fi

echo "== benchmark, smoke mode (proves the benchmark works; figures on a tiny corpus mean nothing, and nothing is asserted)"
dotnet run --project PdfAspire.Benchmarks -c "$CONFIGURATION" --no-build -- --smoke --output "$TEST_RESULTS_DIR/benchmark-smoke"
dotnet run --project PdfAspire.Benchmarks -c "$CONFIGURATION" --no-build -- --queue --smoke --output "$TEST_RESULTS_DIR/benchmark-smoke"
dotnet run --project PdfAspire.Benchmarks -c "$CONFIGURATION" --no-build -- --lanes --smoke --output "$TEST_RESULTS_DIR/benchmark-smoke"
dotnet run --project PdfAspire.Benchmarks -c "$CONFIGURATION" --no-build -- --startup --smoke --output "$TEST_RESULTS_DIR/benchmark-smoke"
dotnet run --project PdfAspire.Benchmarks -c "$CONFIGURATION" --no-build -- --large --smoke --output "$TEST_RESULTS_DIR/benchmark-smoke"
