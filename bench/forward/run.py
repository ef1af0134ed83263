#!/usr/bin/env python3
"""Cache hits: rivetd against BIND 9.18, both forwarding to the same upstream.

An upstream BIND is authoritative for `bench.test` (NAMES names). rivetd and BIND are
started as forwarders of it (`forward only`), each with the same number of threads; the
cache of each is warmed with every name, then dnsperf sends the same query file
(cache hits only) to each for --duration seconds, one after the other. The "forward"
section of bench/RESULTS.md is written (or replaced) with the figures.

    bench/forward/run.py                 # release build of this tree, 10 s per run
    RIVETD=/path/to/rivetd bench/forward/run.py --duration 5

Everything listens on 127.0.0.1, ports 29100-29199.
"""

import argparse
import datetime
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
NAMES = 1000
UPSTREAM, RIVET, BIND = 29101, 29102, 29103


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr)


def rivetd_binary():
    if os.environ.get("RIVETD"):
        return os.environ["RIVETD"]
    log("building rivetd (release)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "named", "--bin", "rivetd"],
                   cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    if not os.path.isabs(target):
        target = os.path.join(ROOT, target)
    return os.path.join(target, "release", "rivetd")


def conf(directory, port_line, extra, zone):
    return (f'options {{ directory "{directory}"; listen-on {{ 127.0.0.1; }}; '
            f'listen-on-v6 {{ none; }}; pid-file none; session-keyfile none; '
            f'dnssec-validation no; {port_line} {extra} }};\n'
            f'controls {{ }};\n{zone}')


def query(name, qid):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack(">HH", 1, 1)


def wait_answering(port, name, limit=20.0):
    deadline = time.time() + limit
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    while time.time() < deadline:
        try:
            s.sendto(query(name, 1), ("127.0.0.1", port))
            s.recvfrom(4096)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def warm(port, names):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for i, n in enumerate(names):
        s.sendto(query(n, i & 0xffff), ("127.0.0.1", port))
        s.recvfrom(4096)


def dnsperf(port, qfile, duration, clients):
    out = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", qfile,
                          "-l", str(duration), "-c", str(clients), "-Q", "1000000", "-q", "500"],
                         capture_output=True, text=True, check=True).stdout
    qps = float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1))
    lost = re.search(r"Queries lost:\s+(\d+)", out).group(1)
    return qps, int(lost)


def write_section(text):
    begin, end = "<!-- forward:begin (written by bench/forward/run.py) -->", "<!-- forward:end -->"
    current = open(RESULTS).read() if os.path.exists(RESULTS) else ""
    block = f"{begin}\n{text}{end}\n"
    if begin in current:
        head, rest = current.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        current = head + block + ("\n" + tail if tail else "")
    else:
        current = current.rstrip("\n") + "\n\n" + block
    with open(RESULTS, "w") as f:
        f.write(current)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--clients", type=int, default=8)
    args = p.parse_args()
    for tool in ("named", "dnsperf"):
        if not shutil.which(tool):
            sys.exit(f"missing: {tool}")
    rivetd = rivetd_binary()
    names = [f"h{i}.bench.test" for i in range(NAMES)]
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            up = os.path.join(tmp, "up")
            os.mkdir(up)
            with open(os.path.join(up, "bench.db"), "w") as f:
                f.write("$TTL 86400\n@ SOA ns root 1 3600 600 86400 3600\n@ NS ns\nns A 127.0.0.1\n")
                for i in range(NAMES):
                    f.write(f"h{i} A 192.0.2.{i % 250 + 1}\n")
            with open(os.path.join(up, "named.conf"), "w") as f:
                f.write(conf(up, "", "recursion no;",
                             'zone "bench.test" { type primary; file "bench.db"; };\n'))
            procs.append(subprocess.Popen(["named", "-g", "-c", "named.conf", "-p", str(UPSTREAM),
                                           "-n", "1"], cwd=up, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            if not wait_answering(UPSTREAM, "bench.test"):
                sys.exit("upstream named did not start")
            fwd = (f"recursion yes; allow-recursion {{ 127.0.0.1; }}; "
                   f"forwarders {{ 127.0.0.1 port {UPSTREAM}; }}; forward only;")
            for name, program, port in (("rivet", rivetd, RIVET), ("bind", "named", BIND)):
                d = os.path.join(tmp, name)
                os.mkdir(d)
                with open(os.path.join(d, "named.conf"), "w") as f:
                    f.write(conf(d, "", fwd, ""))
                procs.append(subprocess.Popen([program, "-g", "-c", "named.conf", "-p", str(port),
                                               "-n", str(args.threads)], cwd=d,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                if not wait_answering(port, names[0]):
                    sys.exit(f"{name} did not start")
                warm(port, names)
            qfile = os.path.join(tmp, "queries")
            with open(qfile, "w") as f:
                f.write("".join(f"{n} A\n" for n in names))
            results = {}
            for name, port in (("rivet", RIVET), ("bind", BIND)):
                log(f"dnsperf against {name} for {args.duration} s")
                results[name] = dnsperf(port, qfile, args.duration, args.clients)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
    ratio = results["rivet"][0] / results["bind"][0]
    day = datetime.date.today().isoformat()
    text = (f"## Forwarding: cache hits\n\n"
            f"Measured by `bench/forward/run.py` on {day}: rivetd and BIND each forwarding "
            f"(`forward only`) to one upstream BIND, caches warmed with {NAMES} names, then "
            f"dnsperf ({args.clients} clients, {args.duration} s) asking those names again; "
            f"both servers with `-n {args.threads}`, loopback, one run each.\n\n"
            f"| server | queries/s | lost |\n|---|---:|---:|\n"
            f"| **rivetd** | {results['rivet'][0]:,.0f} | {results['rivet'][1]} |\n"
            f"| bind | {results['bind'][0]:,.0f} | {results['bind'][1]} |\n\n"
            f"rivetd answered {ratio:.2f}× BIND's cache-hit rate.\n")
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
