#!/bin/sh
# Remakes the pre-signed zones sec.test (NSEC), sec3.test (NSEC3) and sec3o.test (NSEC3
# with opt-out) from their .unsigned sources with BIND's dnssec-signzone. The signatures
# are valid from 2024 to 2044 so the committed files keep working; the keys are thrown
# away, since the server only serves what is in the files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for zone in sec.test sec3.test sec3o.test; do
    cp "$here/$zone.unsigned" "$work/$zone"
    ksk=$(cd "$work" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$zone")
    zsk=$(cd "$work" && dnssec-keygen -q -a ECDSAP256SHA256 "$zone")
    cat "$work/$ksk.key" "$work/$zsk.key" >> "$work/$zone"
    case $zone in
        sec.test) nsec= ;;
        sec3.test) nsec="-3 cafe -H 0" ;;
        sec3o.test) nsec="-3 - -H 0 -A" ;;
    esac
    # shellcheck disable=SC2086
    (cd "$work" && dnssec-signzone -q $nsec -s 20240101000000 -e 20440101000000 \
        -o "$zone" -f "$here/$zone.zone" "$zone" "$ksk" "$zsk" > /dev/null)
done
