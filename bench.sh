#!/usr/bin/env bash
# Runs the benchmark: raw PdfPig, pdftotext and the whole pipeline on Debian's texlive documentation and one-page PDFs, on this
# machine's cores. Prints the table and writes BenchmarkResults/benchmark.{md,json,png}. `./bench.sh --smoke` is quick.
set -euo pipefail
cd "$(dirname "$0")"
CONFIGURATION=Release ./setup.sh --tests
exec dotnet run --project PdfAspire.Benchmarks -c Release --no-build -- "$@"
