#!/usr/bin/env python3
"""Writes a large, realistic zone file with exactly N resource records (default 1,000,000).

Deterministic: everything comes from random.Random(SEED), so the same arguments give a
byte-identical file. The mix resembles a big hosting zone:

  - apex: SOA, 2 NS (with A/AAAA), 2 MX, SPF TXT, A, AAAA
  - hosts (most names): A, sometimes a second A, often AAAA, some TXT; about a third of
    them under "department" labels, which makes empty non-terminals
  - CNAMEs to existing hosts, MX + SPF for mail domains, 2 SRV per service name
  - delegations: 2 NS each, 80 % with in-bailiwick glue (A, some AAAA), the rest out of zone
  - a wildcard with A and TXT

Plain RFC 1035 syntax ($ORIGIN, $TTL, relative owners, one record per line, some explicit
TTLs) that named-checkzone loads with -i none.

Usage: gen-large-zone.py [--rrs N] [--seed S] [--origin large.test.] --out FILE
"""

import argparse
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rrs", type=int, default=1_000_000, help="records to write")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--origin", default="large.test.")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.rrs < 100:
        ap.error("--rrs must be at least 100")
    origin = args.origin if args.origin.endswith(".") else args.origin + "."

    rng = random.Random(args.seed)
    lines = [
        f"$ORIGIN {origin}",
        "$TTL 3600",
        "@ IN SOA ns1 hostmaster ( 2026112201 7200 1800 1209600 300 )",
        "@ IN NS ns1",
        "@ IN NS ns2",
        "@ IN MX 10 mail1",
        "@ IN MX 20 mail2",
        '@ IN TXT "v=spf1 mx -all"',
        "@ IN A 198.51.100.1",
        "@ IN AAAA 2001:db8::1",
        "ns1 IN A 198.51.100.2",
        "ns1 IN AAAA 2001:db8::2",
        "ns2 IN A 198.51.100.3",
        "mail1 IN A 198.51.100.4",
        "mail2 IN A 198.51.100.5",
        "*.wild IN A 198.51.100.6",
        '*.wild IN TXT "wildcard"',
    ]
    count = len(lines) - 2  # $ORIGIN and $TTL are not records
    hosts = []  # owner names that have an A record: CNAME, MX and SRV targets
    departments = [f"dept{d}" for d in range(300)]
    serial = {"host": 0, "alias": 0, "mail": 0, "srv": 0, "dlg": 0}

    def ipv4():
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def ipv6():
        return f"2001:db8:{rng.randrange(65536):x}:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"

    def emit(record_lines):
        nonlocal count
        room = args.rrs - count
        lines.extend(record_lines[:room])
        count += min(room, len(record_lines))

    while count < args.rrs:
        kind = rng.random()
        if kind < 0.80 or not hosts:
            serial["host"] += 1
            name = f"host{serial['host']}"
            if rng.random() < 0.3:
                name += "." + rng.choice(departments)
            ttl = " 300" if rng.random() < 0.05 else ""
            recs = [f"{name}{ttl} IN A {ipv4()}"]
            if rng.random() < 0.10:
                recs.append(f"{name}{ttl} IN A {ipv4()}")
            if rng.random() < 0.45:
                recs.append(f"{name}{ttl} IN AAAA {ipv6()}")
            if rng.random() < 0.18:
                recs.append(f'{name} IN TXT "id={rng.getrandbits(64):016x}"')
            hosts.append(name)
            emit(recs)
        elif kind < 0.87:
            serial["alias"] += 1
            emit([f"alias{serial['alias']} IN CNAME {rng.choice(hosts)}"])
        elif kind < 0.92:
            serial["mail"] += 1
            name = f"maildom{serial['mail']}"
            emit([
                f"{name} IN MX 10 {rng.choice(hosts)}",
                f"{name} IN MX 20 mail2",
                f'{name} IN TXT "v=spf1 mx include:_spf.{origin} -all"',
            ])
        elif kind < 0.96:
            serial["srv"] += 1
            svc = f"_svc{serial['srv']}._tcp"
            port = rng.choice([443, 5060, 5222, 389, 993])
            emit([
                f"{svc} IN SRV 10 60 {port} {rng.choice(hosts)}",
                f"{svc} IN SRV 20 40 {port} {rng.choice(hosts)}",
            ])
        else:
            serial["dlg"] += 1
            name = f"dlg{serial['dlg']}"
            if rng.random() < 0.8:
                recs = [f"{name} IN NS ns1.{name}", f"{name} IN NS ns2.{name}",
                        f"ns1.{name} IN A {ipv4()}", f"ns2.{name} IN A {ipv4()}"]
                if rng.random() < 0.3:
                    recs.append(f"ns1.{name} IN AAAA {ipv6()}")
            else:
                recs = [f"{name} IN NS ns1.example.net.", f"{name} IN NS ns2.example.org."]
            emit(recs)

    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
