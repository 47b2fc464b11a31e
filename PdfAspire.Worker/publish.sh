#!/usr/bin/env bash
# Publishes the worker as its container image runs it (PdfAspire.Worker/Dockerfile), into the folder given:
# self-contained, with the application and the .NET runtime precompiled together into one composite ReadyToRun
# image, so code from every assembly (generics over the framework's types included) is compiled before the first
# task. The image turns tiered compilation off for the worker (DOTNET_TieredCompilation=0): nothing is left to
# recompile, and a new pod spends its first minute on documents rather than on its JIT. The extractors it starts turn
# it back on. Measured by ./bench.sh --startup (docs/performance.md). Takes minutes: the runtime is compiled too.
set -euo pipefail
output="$(realpath -m "${1:?usage: PdfAspire.Worker/publish.sh OUTPUT_FOLDER}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
# From a copy of the sources, as the image's build context has them (.dockerignore): this publish and the Release
# build's own precompiling (PdfAspire.Worker.csproj) would otherwise share obj/…/linux-x64, and mixing their
# intermediate files yields assemblies that abort at start.
sources="$(mktemp -d -t pdfaspire-publish-XXXXXX)"
trap 'rm -rf "$sources"' EXIT
tar -C "$root" --exclude=bin --exclude=obj --exclude=node_modules --exclude=.git --exclude=.local \
  --exclude=TestResults --exclude=BenchmarkResults -cf - . | tar -C "$sources" -xf -
dotnet publish "$sources/PdfAspire.Worker/PdfAspire.Worker.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishReadyToRunComposite=true -o "$output"
