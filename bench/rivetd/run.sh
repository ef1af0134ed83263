#!/usr/bin/env bash
# rivetd against BIND 9.18 (and Knot and NSD when they are installed), with the shared
# benchmark harness: the same generated named.conf for every server, dnsperf over loopback,
# pinned (one core) and unpinned, interleaved rounds. See bench/rivetd/README.md.
#
#   bench/rivetd/run.sh                               # harness defaults (3 rounds, 15 s runs)
#   bench/rivetd/run.sh --rounds 1 --duration 10      # the short run behind bench/RESULTS.md
#
# Arguments go to the harness's bench.py (after ours, so they win). Generated zones and raw
# results go to bench/out/rivetd/ (git-ignored); the rivetd section of bench/RESULTS.md is
# rewritten from the run's results.json.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
harness=${RIVET_BENCH_HARNESS:-$root/../shared/bench}
out=$root/bench/out/rivetd
zonedir=$out/zones
results=$root/bench/RESULTS.md

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

[ -f "$harness/bench.py" ] || { echo "no benchmark harness at $harness (set RIVET_BENCH_HARNESS)" >&2; exit 1; }
for tool in named dnsperf dig taskset python3 cargo; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

# The reference servers that are installed; BIND is required, it is the baseline.
servers=bind
command -v knotd >/dev/null && servers=$servers,knot
command -v nsd >/dev/null && servers=$servers,nsd

# The harness's `ceiling`, a responder that does no DNS work, shows what dnsperf on this
# machine can measure at all: a server answering as fast as it is client-bound. The harness
# wants it built beside bench.py, so a private copy of the harness is run when the shared
# one has none.
if command -v gcc >/dev/null; then
    if [ ! -x "$harness/ceiling" ]; then
        copy=$out/harness
        mkdir -p "$copy"
        cp -rp "$harness"/bench.py "$harness"/gen-zones.py "$harness"/ceiling.c "$harness"/templates "$copy"/
        chmod -R u+w "$copy"
        gcc -O2 -Wall -o "$copy/ceiling" "$copy/ceiling.c" -lpthread
        harness=$copy
    fi
    servers=$servers,ceiling
fi

# $RIVETD names a binary built already; otherwise the release build of this tree.
if [ -n "${RIVETD:-}" ]; then
    rivetd=$RIVETD
else
    log "building rivetd (release)"
    (cd "$root" && cargo build --release --quiet -p named --bin rivetd)
    target=${CARGO_TARGET_DIR:-$root/target}
    case "$target" in /*) ;; *) target=$root/$target ;; esac
    rivetd=$target/release/rivetd
fi
[ -x "$rivetd" ] || { echo "no rivetd binary at $rivetd" >&2; exit 1; }

mkdir -p "$out"
if [ ! -f "$zonedir/MANIFEST.json" ] || [ "$harness/gen-zones.py" -nt "$zonedir/MANIFEST.json" ]; then
    log "generating the benchmark zones into $zonedir"
    python3 "$harness/gen-zones.py" --out "$zonedir"
fi

run=$out/run-$(date -u +%Y%m%dT%H%M%SZ)
log "servers: $servers + rivet; results in $run"
python3 "$harness/bench.py" \
    --servers "$servers" \
    --candidate "rivet:$rivetd -g -c {conf} -n {threads}" \
    --zonedir "$zonedir" \
    --out "$run" \
    "$@"

python3 "$root/bench/rivetd/summarize.py" "$run/results.json" "$results"
log "bench/RESULTS.md updated"
