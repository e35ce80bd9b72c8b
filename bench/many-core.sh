#!/bin/bash
# Emit-pipeline measurements for a many-core host that has no .NET SDK: producer scaling (null transport and a tmpfs
# file), the latency probe, loop.tick/loop.failure to tmpfs against the raw-write floor, and the file peers.
#
#   bash bench/many-core.sh pack DIR   # here: publishes the benchmarks framework-dependent, with this machine's .NET runtime, into DIR/payload.tar.xz
#   bash bench/many-core.sh run DIR    # there: unpacks DIR/payload.tar.xz under /tmp and runs everything (about 6 minutes on 16 cores)
set -u
mode=${1:?pack or run}; dir=$(cd "${2:?directory}" && pwd)
if [ "$mode" = pack ]; then
  root=$(dirname "$(readlink -f "$(command -v dotnet)")"); stage=$(mktemp -d)
  dotnet publish "$(dirname "$0")/Herald.Benchmarks" -c Release -o "$stage/bench" --self-contained false -nologo -clp:NoSummary || exit 1
  rm -rf "$stage/bench/arm64" "$stage/bench/x86"
  find "$stage/bench/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 ! -name unix -exec rm -rf {} +
  mkdir -p "$stage/dn/shared" && cp -a "$root/dotnet" "$root/host" "$stage/dn/" &&
    cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" "$stage/dn/shared/" || exit 1
  tar -C "$stage" -cJf "$dir/payload.tar.xz" bench dn && rm -rf "$stage" && ls -la "$dir/payload.tar.xz"
  exit
fi
out=${OUT:-$dir}; start=$(date +%s)
elapsed() { echo "== elapsed $(( $(date +%s) - start )) s"; }
tar -C /tmp -xJf "$dir/payload.tar.xz" || exit 1
export DOTNET_ROOT=/tmp/dn PATH=/tmp/dn:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== host"; nproc; lscpu | grep -E 'Model name|Core|Socket|NUMA node\(s\)'; uname -r; dotnet --list-runtimes
B="dotnet /tmp/bench/Herald.Benchmarks.dll"
echo "== producers, null transport (the order checked on the worker), three sets"
for set in 1 2 3; do for p in 1 2 4 8; do timeout 60 $B sustained null tick /dev/shm --producers $p --rounds 3; done; done
echo "== producers, null transport counting lines (order not checked), three sets"
for set in 1 2 3; do for p in 1 2 4 8; do timeout 60 $B sustained null tick /dev/shm --producers $p --rounds 3 --count-only; done; done
echo "== producers, tmpfs file"
for p in 1 2 4 8; do timeout 60 $B sustained file tick /dev/shm --producers $p --rounds 3; done
elapsed
echo "== latency"; timeout 70 $B latency; elapsed
echo "== loop.tick / loop.failure to tmpfs vs the raw-write floor"
(cd /tmp && TMPDIR=/dev/shm timeout 150 $B --filter '*EmitBenchmarks.Sustained*' '*EmitBenchmarks.Raw*' --warmupCount 2 --iterationCount 6 > "$out/bdn-emit.txt" 2>&1)
grep -E '^\|' "$out/bdn-emit.txt"; elapsed
echo "== peers"
(cd /tmp && TMPDIR=/dev/shm timeout $(( 400 - ( $(date +%s) - start ) )) $B --filter '*FileThroughput*' --warmupCount 2 --iterationCount 6 > "$out/bdn-peers.txt" 2>&1)
grep -E '^\|' "$out/bdn-peers.txt"; elapsed
