#!/usr/bin/env bash
# Zone loading, Rivet against BIND 9.18, on one 1,000,000-record zone, in one run:
#
#   1. rivet-checkzone -i none vs named-checkzone -i none: wall seconds and peak RSS,
#      REPS runs each, interleaved, median;
#   2. memory held for the loaded zone: BIND's named serving it (VmRSS minus the VmRSS of
#      the same named serving a tiny zone) vs Rivet's zone snapshot (zones example
#      load_zone: VmRSS after building the zone minus VmRSS before reading it).
#
# Writes the figures to bench/RESULTS.md (between the checkzone markers) and prints them.
# Usage: bench/checkzone/run.sh [--reps N] [--rrs N] [--port P]
# -i none everywhere: otherwise named-checkzone resolves out-of-zone NS/MX targets
# through the system resolver. named listens on 127.0.0.1 only, on an unprivileged port.
set -euo pipefail

reps=3
rrs=1000000
port=15330
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --rrs) rrs=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        *) echo "usage: $0 [--reps N] [--rrs N] [--port P]" >&2; exit 2 ;;
    esac
done
if [ "$port" -lt 15300 ] || [ "$port" -gt 15349 ]; then
    echo "port must be in 15300-15349" >&2; exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=bench/out/checkzone
mkdir -p "$out"
zone=large.test
zonefile=$out/$zone.zone
results=bench/RESULTS.md

for tool in named named-checkzone dig python3 cargo; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 1; }

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

if [ ! -s "$zonefile" ] || [ "$(sed -n 's/^# rrs=//p' "$out/zone.params" 2>/dev/null)" != "$rrs" ]; then
    log "generating $zonefile ($rrs records)"
    python3 bench/checkzone/gen-large-zone.py --rrs "$rrs" --out "$zonefile"
    echo "# rrs=$rrs" > "$out/zone.params"
fi
zone_mb=$(du -m "$zonefile" | cut -f1)

log "building rivet-checkzone and the load_zone example (release)"
cargo build --release --quiet -p named --bin rivet-checkzone
cargo build --release --quiet -p zones --example load_zone
target=${CARGO_TARGET_DIR:-$root/target}
rivet=$target/release/rivet-checkzone
load_zone=$target/release/examples/load_zone

# Warm the page cache so that neither side pays for the first read.
cat "$zonefile" > /dev/null

# run NAME CMD... : one timed run; appends "seconds kib cpu-seconds" to $out/NAME.times
# (CPU = user + system time, all threads)
run() {
    local name=$1; shift
    if ! /usr/bin/time -f '%e %M %U %S' -o "$out/time.tmp" "$@" > "$out/$name.stdout" 2>&1; then
        echo "$name failed:" >&2; tail -5 "$out/$name.stdout" >&2; exit 1
    fi
    awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$out/time.tmp" >> "$out/$name.times"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$out/rivet.times" "$out/bind.times"
for i in $(seq "$reps"); do
    log "round $i/$reps: rivet-checkzone"
    run rivet "$rivet" -i none "$zone" "$zonefile"
    log "round $i/$reps: named-checkzone"
    run bind named-checkzone -i none "$zone" "$zonefile"
done
rivet_s=$(cut -d' ' -f1 "$out/rivet.times" | median)
bind_s=$(cut -d' ' -f1 "$out/bind.times" | median)
rivet_kib=$(cut -d' ' -f2 "$out/rivet.times" | median)
bind_kib=$(cut -d' ' -f2 "$out/bind.times" | median)
rivet_cpu=$(cut -d' ' -f3 "$out/rivet.times" | median)
bind_cpu=$(cut -d' ' -f3 "$out/bind.times" | median)

# named_rss ZONEFILE: VmRSS (KiB) of named serving ZONEFILE as $zone, once it answers.
named_rss() {
    local zf=$1 dir
    dir=$(mktemp -d)
    cat > "$dir/named.conf" <<EOF
options {
	directory "$dir";
	pid-file "$dir/named.pid";
	session-keyfile "$dir/session.key";
	managed-keys-directory "$dir";
	listen-on port $port { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	querylog no;
	dnssec-validation no;
};
controls { };
zone "$zone" { type primary; file "$root/$zf"; };
EOF
    if ss -lnu | grep -q "127.0.0.1:$port "; then
        echo "port $port is busy" >&2; exit 1
    fi
    named -g -c "$dir/named.conf" > "$dir/named.log" 2>&1 &
    local pid=$! rss=""
    for _ in $(seq 600); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "named exited:" >&2; tail -5 "$dir/named.log" >&2; exit 1
        fi
        if dig +noall +answer +norec +time=1 +tries=1 -p "$port" @127.0.0.1 "$zone" SOA 2>/dev/null \
            | grep -q "IN[[:space:]]*SOA"; then
            sleep 2
            rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
            break
        fi
        sleep 0.5
    done
    kill -TERM "$pid"
    wait "$pid" || true
    rm -rf "$dir"
    [ -n "$rss" ] || { echo "named never answered for $zone" >&2; exit 1; }
    echo "$rss"
}

cat > "$out/tiny.zone" <<EOF
\$TTL 3600
@ IN SOA ns1.$zone. hostmaster.$zone. ( 1 7200 1800 1209600 300 )
@ IN NS ns1.$zone.
ns1.$zone. IN A 198.51.100.2
EOF

log "named holding the large zone"
named_full=$(named_rss "$zonefile")
log "named holding a tiny zone"
named_empty=$(named_rss "$out/tiny.zone")
named_held=$((named_full - named_empty))

log "Rivet's zone snapshot (load_zone)"
"$load_zone" "$zone" "$zonefile" > "$out/load_zone.txt"
rivet_held=$(awk '/^held_kib/ { print $2 }' "$out/load_zone.txt")
rivet_heap=$(awk '/^heap_kib/ { print $2 }' "$out/load_zone.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

section=$(cat <<EOF
<!-- checkzone:begin (written by bench/checkzone/run.sh) -->
## Zone loading: rivet-checkzone and named-checkzone

$(date -u +%Y-%m-%d), $(nproc) CPUs, $(named -v | cut -d" " -f1-2). Zone \`$zone.\`: $(echo "$rrs" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') records,
${zone_mb} MB of text, made by \`bench/checkzone/gen-large-zone.py\` (A, AAAA, TXT, MX, SRV, CNAME,
delegations with glue, a wildcard). Page cache warm; $reps interleaved runs each, median.
Both checkers with \`-i none\`.

| | Rivet | BIND 9.18 | BIND / Rivet |
|---|---:|---:|---:|
| check a zone: wall seconds (\`*-checkzone -i none\`) | $rivet_s | $bind_s | **$(ratio "$bind_s" "$rivet_s")×** |
| check a zone: CPU seconds (user + system, all threads) | $rivet_cpu | $bind_cpu | $(ratio "$bind_cpu" "$rivet_cpu")× |
| check a zone: peak RSS, MiB | $(mib "$rivet_kib") | $(mib "$bind_kib") | $(ratio "$bind_kib" "$rivet_kib")× |
| memory held for the loaded zone, MiB | $(mib "$rivet_held") | $(mib "$named_held") | **$(ratio "$named_held" "$rivet_held")×** |

rivet-checkzone lexes a large file in a second thread, ahead of the parser, so its wall time
can be below its CPU time; named-checkzone uses one thread.

Memory held: for BIND, VmRSS of \`named -g\` serving the zone (2 s after it answers the
zone's SOA) minus VmRSS of the same \`named\` serving a 3-record zone
($(mib "$named_full") − $(mib "$named_empty") MiB). For Rivet, VmRSS of
\`zones/examples/load_zone.rs\` after it built the immutable zone snapshot and dropped the
parsed records, minus its VmRSS before reading the file; the snapshot's own heap size is
$(mib "$rivet_heap") MiB. Raw figures: \`bench/out/checkzone/\`.
<!-- checkzone:end -->
EOF
)

if [ -f "$results" ] && grep -q '<!-- checkzone:begin' "$results"; then
    python3 - "$results" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- checkzone:begin.*?<!-- checkzone:end -->", lambda _: section, text, flags=re.S)
open(path, "w").write(text)
PY
else
    [ -f "$results" ] || printf '# Benchmark results\n\n' > "$results"
    echo "$section" >> "$results"
fi
echo "$section"
