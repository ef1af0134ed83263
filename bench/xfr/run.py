#!/usr/bin/env python3
"""Zone transfers of a 1,000,000-record zone, Rivet against BIND 9.18, in one run.

For each round (interleaved, so that drifts of a shared machine hit both servers alike):

  out:  each server as primary of large.test; `dig AXFR` from it, timed (wall seconds), the
        record count checked (1,000,001 with the closing SOA), the primary's CPU seconds for
        the transfer read from /proc;
  in:   each server as secondary of large.test, from each primary; the time from starting
        the secondary (no saved copy) to its first authoritative SOA answer with the
        primary's serial, polled every 20 ms; and the tail, what the secondary takes after
        the primary's last message: from the primary's "AXFR ended" log line to the
        secondary's "transferred serial" line (both servers stamp their lines to the
        millisecond), and to that first answer.

Medians over the rounds go to bench/RESULTS.md between the xfr markers, and to stdout.
Everything listens on 127.0.0.1, ports 15340-15349. Usage:

    bench/xfr/run.py [--rounds N] [--rivetd PATH] [--zone FILE]
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out" / "xfr"
RESULTS = ROOT / "bench" / "RESULTS.md"
ZONE = "large.test"
PRIMARY_PORT = 15341
SECONDARY_PORT = 15342
RECORDS = 1_000_001


def soa_query(name):
    qname = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    return struct.pack(">HHHHHH", 0x5150, 0, 1, 0, 0, 0) + qname + struct.pack(">HH", 6, 1)


def soa_serial(port, timeout=0.2):
    """The serial of an authoritative NOERROR SOA answer from 127.0.0.1#port, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        query = soa_query(ZONE)
        try:
            s.sendto(query, ("127.0.0.1", port))
            reply, _ = s.recvfrom(4096)
        except OSError:
            return None
    if len(reply) < 12:
        return None
    flags, an = struct.unpack(">H", reply[2:4])[0], struct.unpack(">H", reply[6:8])[0]
    if flags & 0x000F != 0 or not flags & 0x0400 or an == 0:
        return None
    # The SOA RDATA ends the first answer record; the serial is 20 bytes from its end.
    pos = len(query)
    # Owner: a pointer or a name.
    while reply[pos] != 0 and reply[pos] & 0xC0 != 0xC0:
        pos += 1 + reply[pos]
    pos += 2 if reply[pos] & 0xC0 == 0xC0 else 1
    rdlen = struct.unpack(">H", reply[pos + 8 : pos + 10])[0]
    end = pos + 10 + rdlen
    return struct.unpack(">I", reply[end - 20 : end - 16])[0]


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """A named or rivetd process with its own directory and named.conf."""

    def __init__(self, kind, rivetd, directory, port, zone_stmt):
        self.kind = kind
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "named.conf"
        conf.write_text(
            f"""options {{
	directory "{self.dir}";
	pid-file "{self.dir}/pid";
	listen-on port {port} {{ 127.0.0.1; }};
	listen-on-v6 {{ none; }};
	recursion no;
	notify no;
	dnssec-validation no;
	allow-transfer {{ 127.0.0.1; }};
}};
controls {{ }};
{zone_stmt}
"""
        )
        cmd = (
            [rivetd, "-g", "-c", str(conf), "-n", "1"]
            if kind == "rivet"
            else ["named", "-g", "-4", "-c", str(conf), "-n", "1"]
        )
        self.log = open(self.dir / "server.log", "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.port = port

    def wait_for_serial(self, serial=None, limit=600.0):
        """Seconds from start to an authoritative SOA (with `serial`, if given), and the
        wall-clock time of that answer."""
        deadline = self.started + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: see {self.dir}/server.log")
            got = soa_serial(self.port)
            if got is not None and (serial is None or got == serial):
                return time.monotonic() - self.started, time.time()
            time.sleep(0.02)
        raise RuntimeError(f"{self.kind} did not answer within {limit} s: {self.dir}/server.log")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def log_times(path, marker):
    """The wall-clock times (seconds since the epoch) of the log lines containing `marker`."""
    times = []
    for line in Path(path).read_text(errors="replace").splitlines():
        if marker in line:
            stamp = datetime.datetime.strptime(line[:24], "%d-%b-%Y %H:%M:%S.%f")
            times.append(stamp.timestamp())
    return times


def primary(kind, rivetd, work, zonefile):
    stmt = f'zone "{ZONE}" {{ type primary; file "{zonefile}"; }};'
    server = Server(kind, rivetd, work / f"primary-{kind}", PRIMARY_PORT, stmt)
    server.wait_for_serial()
    return server


def axfr_out(server):
    """Wall seconds and primary CPU seconds of one AXFR; checks the record count."""
    before = cpu_seconds(server.proc.pid)
    start = time.monotonic()
    out = subprocess.run(
        ["dig", "@127.0.0.1", "-p", str(server.port), ZONE, "AXFR", "+noall", "+stats"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.monotonic() - start
    cpu = cpu_seconds(server.proc.pid) - before
    m = re.search(r"XFR size: (\d+) records \(messages (\d+), bytes (\d+)\)", out)
    if not m or int(m.group(1)) != RECORDS:
        raise RuntimeError(f"AXFR from {server.kind} incomplete: {out}")
    return wall, cpu, int(m.group(2)), int(m.group(3))


def axfr_in(kind, rivetd, work, serial, primary_log):
    """Seconds from starting secondary `kind` to answering with the primary's serial; the
    seconds from the primary's end of the transfer to the secondary's "transferred serial"
    line and to that answer."""
    directory = work / f"secondary-{kind}"
    shutil.rmtree(directory, ignore_errors=True)
    stmt = (
        f'zone "{ZONE}" {{ type secondary; primaries {{ 127.0.0.1 port {PRIMARY_PORT}; }}; '
        f'file "{ZONE}.saved"; }};'
    )
    server = Server(kind, rivetd, directory, SECONDARY_PORT, stmt)
    try:
        seconds, answered = server.wait_for_serial(serial)
    finally:
        server.stop()
    ended = log_times(primary_log, "AXFR ended")[-1]
    transferred = log_times(directory / "server.log", "transferred serial")[0]
    return seconds, transferred - ended, answered - ended


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rivetd", default=str(ROOT / "target" / "release" / "rivetd"))
    parser.add_argument("--zone", default=str(ROOT / "bench/out/rivetd/zones/large.test.zone"))
    args = parser.parse_args()
    zonefile = Path(args.zone).resolve()
    if not zonefile.exists():
        sys.exit(f"{zonefile}: missing (bench/rivetd/run.sh generates it)")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=OUT))
    kinds = ["bind", "rivet"]
    out = {k: [] for k in kinds}
    into = {(p, s): [] for p in kinds for s in kinds}
    for r in range(1, args.rounds + 1):
        for p in kinds:
            server = primary(p, args.rivetd, work, zonefile)
            try:
                serial = soa_serial(server.port)
                result = axfr_out(server)
                out[p].append(result)
                print(f"round {r} out of {p}: {result[0]:.2f} s wall, {result[1]:.2f} s CPU, "
                      f"{result[2]} messages, {result[3]} bytes", file=sys.stderr)
                for s in kinds:
                    result = axfr_in(s, args.rivetd, work, serial, server.dir / "server.log")
                    into[(p, s)].append(result)
                    print(f"round {r} from {p} into {s}: {result[0]:.2f} s, tail {result[1]:.3f} s "
                          f"to the log line, {result[2]:.3f} s to the answer", file=sys.stderr)
            finally:
                server.stop()
    lines = [
        "## Zone transfers: AXFR of 1,000,000 records",
        "",
        f"Measured by `bench/xfr/run.py` on {time.strftime('%Y-%m-%d')}, {args.rounds} interleaved "
        f"rounds, median; `{ZONE}` ({RECORDS - 1:,} RRs, the zone of bench/rivetd), loopback, "
        "both servers with one worker (`-n 1`).",
        "",
        "| out of | dig AXFR wall s | primary CPU s | messages | bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    for k in kinds:
        rows = out[k]
        lines.append(
            f"| {k} | {median([w for w, _, _, _ in rows]):.2f} | {median([c for _, c, _, _ in rows]):.2f} "
            f"| {rows[0][2]:,} | {rows[0][3]:,} |"
        )
    lines += [
        "",
        "| primary → secondary | start to first answer with the new serial, s "
        "| tail: primary's last message to \"transferred serial\", s | tail: to the answer, s |",
        "|---|---:|---:|---:|",
    ]
    for (p, s), values in into.items():
        lines.append(
            f"| {p} → {s} | {median([v[0] for v in values]):.2f} "
            f"| {median([v[1] for v in values]):.3f} | {median([v[2] for v in values]):.3f} |"
        )
    t = {key: median([v[0] for v in values]) for key, values in into.items()}
    dig_out = median([w for w, *_ in out["bind"]]) / median([w for w, *_ in out["rivet"]])
    cpu_out = median([c for _, c, *_ in out["bind"]]) / median([c for _, c, *_ in out["rivet"]])
    lines += [
        "",
        "Out of Rivet, compared with out of BIND:",
        f"- to the same secondary: {t[('bind', 'rivet')] / t[('rivet', 'rivet')]:.2f}× as fast "
        f"into a Rivet secondary, {t[('bind', 'bind')] / t[('rivet', 'bind')]:.2f}× into a BIND one;",
        f"- primary CPU for one AXFR: {cpu_out:.2f}× less;",
        f"- dig's wall time: {dig_out:.2f}× (dig parsing the transfer is most of that time).",
        "",
        "Into Rivet, compared with into BIND, from the same primary: "
        f"{t[('bind', 'bind')] / t[('bind', 'rivet')]:.2f}× as fast from BIND, "
        f"{t[('rivet', 'bind')] / t[('rivet', 'rivet')]:.2f}× from Rivet. The tails are the "
        "part of that time the secondary adds once the primary is done (the answer's is "
        "polled, so up to 20 ms longer).",
    ]
    section = "\n".join(lines)
    print(section)
    begin, end = "<!-- xfr:begin (written by bench/xfr/run.py) -->", "<!-- xfr:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + begin + "\n" + section + "\n" + end + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + begin + "\n" + section + "\n" + end + "\n"
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
