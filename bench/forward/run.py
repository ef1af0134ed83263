#!/usr/bin/env python3
"""Cache hits: rivetd against BIND 9.18, both forwarding to the same upstream.

An upstream BIND is authoritative for `bench.test` (NAMES names). rivetd and BIND are
started as forwarders of it (`forward only`), each with the same number of threads; the
cache of each is warmed with every name, then dnsperf sends the same query file
(cache hits only) to each for --duration seconds, one after the other. The "forward"
section of bench/RESULTS.md is written (or replaced) with the figures.

    bench/forward/run.py                 # release build of this tree, 10 s per run
    RIVETD=/path/to/rivetd bench/forward/run.py --duration 5

Everything listens on 127.0.0.1, ports 29100-29199. Pinned runs give the server core 1
and dnsperf core 0; unpinned runs leave both to the scheduler.
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
UPSTREAM, RIVET, BIND, CEILING = 29101, 29102, 29103, 29104
# The shared harness's responder that does no DNS work: what dnsperf can measure at all.
CEILING_SOURCE = os.path.join(ROOT, "..", "shared", "bench", "ceiling.c")


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr)


def rivetd_binary():
    if os.environ.get("RIVETD"):
        return os.path.abspath(os.environ["RIVETD"])
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


def dnsperf(port, qfile, duration, clients, pin):
    cmd = ["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", qfile, "-l", str(duration),
           "-c", str(clients), "-Q", "1000000", "-q", "500"]
    out = subprocess.run(pin + cmd, capture_output=True, text=True, check=True).stdout
    qps = float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1))
    lost = re.search(r"Queries lost:\s+(\d+)", out).group(1)
    completed = int(re.search(r"Queries completed:\s+(\d+)", out).group(1))
    return qps, int(lost), completed


def cpu_seconds(pid):
    """User and system CPU time of a process, from /proc (clock ticks to seconds)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


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


def start_forwarders(tmp, mode, rivetd, threads, names, procs):
    """rivetd and BIND as forwarders of the upstream, caches warmed; their processes."""
    fwd = (f"recursion yes; allow-recursion {{ 127.0.0.1; }}; "
           f"forwarders {{ 127.0.0.1 port {UPSTREAM}; }}; forward only;")
    pin = ["taskset", "-c", "1"] if mode == "pinned" else []
    started = {}
    log(f"{mode}: starting the forwarders")
    for name, program, port in (("rivet", rivetd, RIVET), ("bind", "named", BIND)):
        d = os.path.join(tmp, f"{name}-{mode}")
        os.mkdir(d)
        with open(os.path.join(d, "named.conf"), "w") as f:
            f.write(conf(d, "", fwd, ""))
        proc = subprocess.Popen(pin + [program, "-g", "-c", "named.conf", "-p", str(port),
                                       "-n", str(threads)], cwd=d,
                                stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(d, "log"), "w"))
        procs.append(proc)
        started[name] = proc
        if not wait_answering(port, names[0]):
            sys.exit(f"{name} did not start; its log: " + open(os.path.join(d, "log")).read())
        warm(port, names)
    return started


def build_ceiling(tmp):
    """The harness's `ceiling` responder compiled into `tmp`, or None without it or gcc."""
    if not (os.path.exists(CEILING_SOURCE) and shutil.which("gcc")):
        return None
    binary = os.path.join(tmp, "ceiling")
    subprocess.run(["gcc", "-O2", "-o", binary, CEILING_SOURCE, "-lpthread"], check=True)
    return binary


def ceiling_qps(binary, mode, threads, qfile, args, pin):
    """dnsperf's QPS against the ceiling responder, pinned as the servers are."""
    server_pin = ["taskset", "-c", "1"] if mode == "pinned" else []
    proc = subprocess.Popen(server_pin + [binary, str(CEILING), str(threads), "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        log(f"{mode}: dnsperf against the ceiling for {args.duration} s")
        return dnsperf(CEILING, qfile, args.duration, args.clients, pin)[0]
    finally:
        stop([proc])


def stop(procs):
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--clients", type=int, default=8)
    args = p.parse_args()
    for tool in ("named", "dnsperf", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"missing: {tool}")
    rivetd = rivetd_binary()
    names = [f"h{i}.bench.test" for i in range(NAMES)]
    procs = []
    results = {}
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
            ceiling = build_ceiling(tmp)
            qfile = os.path.join(tmp, "queries")
            with open(qfile, "w") as f:
                f.write("".join(f"{n} A\n" for n in names))
            # Pinned: the server gets core 1 and one thread, dnsperf core 0, so the CPU
            # each server spends per query is measured without the client in the way.
            for mode, threads, pin in (("pinned", 1, ["taskset", "-c", "0"]),
                                       ("unpinned", args.threads, [])):
                servers = start_forwarders(tmp, mode, rivetd, threads, names, procs)
                for name, port in (("rivet", RIVET), ("bind", BIND)):
                    log(f"{mode}: dnsperf against {name} for {args.duration} s")
                    before = cpu_seconds(servers[name].pid)
                    qps, lost, completed = dnsperf(port, qfile, args.duration, args.clients, pin)
                    after = cpu_seconds(servers[name].pid)
                    per = [(a - b) / max(completed, 1) * 1e6 for a, b in zip(after, before)]
                    results[(mode, name)] = (qps, lost, per[0], per[1])
                stop(list(servers.values()))
                if ceiling:
                    results[(mode, "ceiling")] = ceiling_qps(ceiling, mode, threads, qfile, args, pin)
        finally:
            stop(procs)
    day = datetime.date.today().isoformat()
    rows = []
    for mode in ("pinned", "unpinned"):
        rq, rl, ru, rs = results[(mode, "rivet")]
        bq, bl, bu, bs = results[(mode, "bind")]
        threads = 1 if mode == "pinned" else args.threads
        rows.append(f"| {mode}, `-n {threads}` | {rq:,.0f} | {bq:,.0f} | {rq / bq:.2f}× "
                    f"| {ru:.2f} + {rs:.2f} | {bu:.2f} + {bs:.2f} "
                    f"| {(bu + bs) / (ru + rs):.2f}× | {bu / ru:.2f}× | {rl} | {bl} |\n")
    text = (f"## Forwarding: cache hits\n\n"
            f"Measured by `bench/forward/run.py` on {day}: rivetd and BIND each forwarding "
            f"(`forward only`) to one upstream BIND, caches warmed with {NAMES} names, then "
            f"dnsperf ({args.clients} clients, {args.duration} s) asking those names again, "
            f"loopback, one run each. Pinned: the server on core 1, dnsperf on core 0. "
            f"CPU/query is the server's user + system time over the queries completed, in µs; "
            f"system time is mostly the kernel's loopback UDP path, which both servers "
            f"pay alike.\n\n"
            f"| mode | rivetd q/s | BIND q/s | ×BIND | rivetd CPU/query "
            f"| BIND CPU/query | CPU, BIND ÷ rivetd | user CPU, BIND ÷ rivetd "
            f"| rivetd lost | BIND lost |\n"
            f"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "".join(rows))
    tops = [(mode, results[(mode, "ceiling")], results[(mode, "rivet")][0],
             results[(mode, "bind")][0]) for mode in ("pinned", "unpinned")
            if (mode, "ceiling") in results]
    if tops:
        text += ("\nThe same dnsperf against the harness's `ceiling` responder (a canned answer, "
                 "no DNS work: the most this client can measure here): "
                 + "; ".join(f"{mode} {top:,.0f} q/s, {top / bind:.2f}× BIND, rivetd at "
                             f"{100 * ours / top:.0f} % of it" for mode, top, ours, bind in tops)
                 + ".\n")
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
