#!/usr/bin/env python3
"""Writes the rivetd section of bench/RESULTS.md from a harness results.json.

    summarize.py RESULTS_JSON RESULTS_MD

The section lies between the markers `<!-- rivetd:begin -->` and `<!-- rivetd:end -->`
(appended when they are missing); the rest of the file is left alone. Figures are the
harness's medians over rounds: queries per second, and the server's CPU time per query
(server CPU seconds / queries answered), each with its ratio to BIND's in the same run.
"""

import json
import os
import sys

BEGIN = "<!-- rivetd:begin (written by bench/rivetd/run.sh) -->"
END = "<!-- rivetd:end -->"
CANDIDATE = "rivet"
BASELINE = "bind"


def median(summary, *path):
    node = summary
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if isinstance(node, dict):
        return node.get("median")
    return node


def cpu_us_per_query(summary, server, mode, zone):
    per_core = median(summary, server, mode, zone, "qps_per_server_core")
    return 1e6 / per_core if per_core else None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "n/a"
    if digits == 0:
        return "{:,.0f}{}".format(value, suffix)
    return "{:,.{}f}{}".format(value, digits, suffix)


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "n/a"
    return "{:.{}f}×".format(a / b, digits)


def section(data, source, root):
    meta, summary, trials = data["meta"], data["summary"], data["trials"]
    settings = meta["settings"]
    servers = [s for s in meta["servers"] if s in summary]
    others = [s for s in servers if s not in (CANDIDATE, BASELINE)]
    lines = [BEGIN, "## rivetd: queries per second and CPU per query", ""]
    versions = meta.get("versions", {})
    lines.append(
        "Run {} (UTC) with the shared harness (`bench/rivetd/run.sh {}`): {} round(s), "
        "{} s dnsperf saturation runs (`{}`{}), both zones, pinned (server on CPU 0 with "
        "1 worker, dnsperf on CPU 1) and unpinned (2 workers, no affinity). {}; {}. "
        "Raw data: `{}`.".format(
            meta.get("date_utc", "?"),
            source,
            settings.get("rounds"),
            settings.get("duration"),
            settings.get("dnsperf_args"),
            ", -e" if settings.get("edns") else "",
            versions.get("bind", "BIND"),
            "dnsperf " + str(versions.get("dnsperf", "?")),
            os.path.relpath(settings.get("out", "?"), root),
        )
    )
    lines.append("")
    lines.append(
        "CPU per query = server CPU time (user + system, whole process) / queries answered, "
        "in µs; lower is better, and its ratio is BIND's divided by rivetd's (above 1× means "
        "rivetd spends less). QPS ratios are medians of per-round ratios to BIND."
    )
    lines.append("")
    busy = [
        median(summary, server, mode, zone, "other_cpu_pct")
        for server in servers
        for mode in settings.get("modes", [])
        for zone in settings.get("zones", [])
    ]
    busy = sorted(b for b in busy if b is not None)
    if busy and busy[len(busy) // 2] > 30:
        lines.append(
            "**The machine was busy during this run**: the median \"other CPU %\" (CPU time "
            "used by neither the server nor dnsperf: loopback softirq work and other users' "
            "processes) was {:.0f} % of one core, against medians within ±2 % in the harness's "
            "reference run on a quiet machine. "
            "Servers got only part of a core, so QPS figures are low and noisy for everyone; "
            "CPU per query, measured on the server's own CPU time, is the steadier "
            "comparison.".format(busy[len(busy) // 2])
        )
        lines.append("")
    header = "| mode | zone | server | QPS | QPS ×BIND | server CPU % | other CPU % | CPU µs/query | CPU/query: BIND ÷ server | lost / sent |"
    lines.append(header)
    lines.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for mode in settings.get("modes", []):
        for zone in settings.get("zones", []):
            bind_cpu = cpu_us_per_query(summary, BASELINE, mode, zone)
            for server in [CANDIDATE, BASELINE] + others:
                if server not in summary:
                    continue
                z = summary[server].get(mode, {}).get(zone, {})
                cpu = cpu_us_per_query(summary, server, mode, zone)
                lines.append(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} |".format(
                        mode,
                        zone,
                        "**rivetd**" if server == CANDIDATE else server,
                        fmt(median(z, "qps")),
                        "{:.2f}×".format(median(z, "ratio_to_bind"))
                        if median(z, "ratio_to_bind") is not None
                        else "n/a",
                        fmt(median(z, "server_cpu_pct"), 1),
                        fmt(median(z, "other_cpu_pct"), 0),
                        fmt(cpu, 2),
                        ratio(bind_cpu, cpu) if server != BASELINE else "1.00×",
                        fmt(z.get("lost_total")),
                        fmt(z.get("sent_total")),
                    )
                )
    if "ceiling" in summary:
        lines.append("")
        lines.append(
            "`ceiling` is the harness's responder that does no DNS work (a canned answer): "
            "the most dnsperf can measure here. Where a server comes close to it, the client, "
            "not the server, set its QPS; CPU per query then tells the servers apart."
        )
        lines.append("")
        for mode in settings.get("modes", []):
            for zone in settings.get("zones", []):
                ours = median(summary, CANDIDATE, mode, zone, "qps")
                top = median(summary, "ceiling", mode, zone, "qps")
                base = median(summary, BASELINE, mode, zone, "qps")
                if ours and top and base:
                    lines.append(
                        "- {} {}: rivetd at {:.0f} % of the ceiling's QPS; the ceiling at "
                        "{:.2f}× BIND's.".format(mode, zone, 100 * ours / top, top / base)
                    )
    lines.append("")
    lines.append("| server | load time large+bench, s (unpinned) | RSS MiB (unpinned) | AXFR 1M RRs, s (pinned, dig) | failed trials | probe mismatches |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for server in [CANDIDATE, BASELINE] + others:
        if server not in summary:
            continue
        s = summary[server]
        rss = median(s, "unpinned", "rss_sum_kb")
        mismatches = sum(len(t.get("probe_failures") or []) for t in trials if t["server"] == server)
        lines.append(
            "| {} | {} | {} | {} | {} | {} |".format(
                "**rivetd**" if server == CANDIDATE else server,
                fmt(median(s, "unpinned", "load_s"), 2),
                fmt(rss / 1024 if rss else None, 0),
                fmt(median(s, "pinned", "axfr_s"), 2),
                s.get("failed_trials", "?"),
                mismatches,
            )
        )
    failures = [
        "{} {} r{}: {}".format(t["server"], t["mode"], t["round"], "; ".join(t.get("errors") or []))
        for t in trials
        if not t.get("ok")
    ]
    if failures:
        lines.append("")
        lines.append("Failed trials:")
        lines.extend("- " + f for f in failures)
    lines.append(END)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: summarize.py RESULTS_JSON RESULTS_MD")
    source, target = sys.argv[1], sys.argv[2]
    with open(source) as f:
        data = json.load(f)
    args = " ".join(
        "--{} {}".format(k, data["meta"]["settings"][k])
        for k in ("rounds", "duration")
        if k in data["meta"]["settings"]
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(target)))
    text = section(data, args, root)
    old = open(target).read() if os.path.exists(target) else "# Benchmark results\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        new = head + text.rstrip("\n") + tail
    else:
        new = old.rstrip("\n") + "\n\n" + text
    with open(target, "w") as f:
        f.write(new)
    print(text)


if __name__ == "__main__":
    main()
