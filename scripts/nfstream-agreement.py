#!/usr/bin/env python3
"""Compare `flowcsv --preset nfstream` with NFStream on every capture of a folder.

Usage: nfstream-agreement.py FLOWCSV CAPTURE_FOLDER [--cache DIR] [--jobs N] [--quiet]

Both tools run on each capture (NFStream as
`NFStreamer(source=f, n_dissections=0, statistical_analysis=False, n_meters=1)`, otherwise its
defaults: idle 120 s, active 1800 s, accounting_mode 0 = link-layer bytes, decode_tunnels=True).
A flow is compared as (protocol, unordered endpoint pair {(ip, port), (ip, port)}, packets,
bytes): the pair is unordered because flowcsv names the TCP client by the SYN, NFStream by the
first packet; addresses are compared as parsed addresses (IPv6 text forms differ). Per capture,
the flows of both sides are multisets; a flow agrees when the other side has an equal one.

Prints the overall percentage (agreeing flows over the larger of the two flow counts, summed per
capture), the percentage outside the known differences, and each differing flow. The exit status
is 1 when any capture outside KNOWN_DIFFERENCES differs (or flowcsv fails on it), else 0.

Known differences, by rule (never by file name):
  - fuzzed captures: the file name contains "fuzz" (ossfuzz seeds, fuzz-*, *-fuzz*, *fuzzed*);
  - captures NFStream rejects (NFStreamer raises on them: empty or unreadable files).
"""

import argparse
import collections
import concurrent.futures
import csv
import hashlib
import io
import ipaddress
import json
import os
import subprocess
import sys


def is_fuzzed(name):
    return "fuzz" in name.lower()


def normal_ip(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def flow_tuple(protocol, a_ip, a_port, b_ip, b_port, packets, nbytes):
    a = (normal_ip(a_ip), int(a_port))
    b = (normal_ip(b_ip), int(b_port))
    lo, hi = (a, b) if a <= b else (b, a)
    return (int(protocol), lo, hi, int(packets), int(nbytes))


def nfstream_flows(path):
    """NFStream's flows of one capture, or raises."""
    from nfstream import NFStreamer  # imported here: the workers need it, the parent may not

    flows = []
    for f in NFStreamer(source=path, n_dissections=0, statistical_analysis=False, n_meters=1):
        flows.append(flow_tuple(f.protocol, f.src_ip, f.src_port, f.dst_ip, f.dst_port,
                                f.bidirectional_packets, f.bidirectional_bytes))
    return flows


def nfstream_cached(path, cache):
    """NFStream's flows (or an error text) through a cache keyed by the capture's content."""
    key = None
    if cache:
        with open(path, "rb") as fh:
            key = hashlib.sha256(fh.read()).hexdigest()
        cached = os.path.join(cache, key + ".json")
        if os.path.exists(cached):
            with open(cached) as fh:
                data = json.load(fh)
            if data.get("error") is not None:
                return None, data["error"]
            return [(p, tuple(lo), tuple(hi), n, b) for p, lo, hi, n, b in data["flows"]], None
    try:
        flows, error = nfstream_flows(path), None
    except Exception as e:  # NFStream rejects the capture
        flows, error = None, "%s: %s" % (type(e).__name__, e)
    if cache:
        with open(os.path.join(cache, key + ".json"), "w") as fh:
            json.dump({"error": error, "flows": flows}, fh)
    return flows, error


def flowcsv_flows(binary, path):
    """flowcsv's flows of one capture, or (None, error)."""
    run = subprocess.run([binary, "--quiet", "--preset", "nfstream", path], capture_output=True)
    if run.returncode != 0:
        return None, "flowcsv exit %d: %s" % (run.returncode, run.stderr.decode(errors="replace").strip())
    flows = []
    for row in csv.DictReader(io.StringIO(run.stdout.decode())):
        flows.append(flow_tuple(row["ProtocolNumber"] if "ProtocolNumber" in row else protocol_number(row["Protocol"]),
                                row["ClientIP"], row["ClientPort"], row["ServerIP"], row["ServerPort"],
                                row["FlowPackets"], row["FlowBytes"]))
    return flows, None


PROTOCOL_NUMBERS = {"HOPOPT": 0, "ICMP": 1, "IGMP": 2, "GGP": 3, "IPv4": 4, "ST": 5, "TCP": 6, "CBT": 7,
                    "EGP": 8, "IGP": 9, "PUP": 12, "UDP": 17, "XNS-IDP": 22, "RDP": 27, "ISO-TP4": 29,
                    "DCCP": 33, "IPv6": 41, "IPv6-Route": 43, "IPv6-Frag": 44, "RSVP": 46, "GRE": 47,
                    "ESP": 50, "AH": 51, "ICMPv6": 58, "IPv6-NoNxt": 59, "IPv6-Opts": 60, "EIGRP": 88,
                    "OSPFIGP": 89, "IPIP": 94, "PIM": 103, "VRRP": 112, "L2TP": 115, "SCTP": 132,
                    "UDPLite": 136, "MPLS-in-IP": 137}


def protocol_number(text):
    return PROTOCOL_NUMBERS[text] if text in PROTOCOL_NUMBERS else int(text)


def compare(binary, path, cache):
    name = os.path.basename(path)
    theirs, nfs_error = nfstream_cached(path, cache)
    ours, our_error = flowcsv_flows(binary, path)
    result = {"name": name, "nfs_error": nfs_error, "our_error": our_error,
              "only_nfstream": [], "only_flowcsv": [], "same": 0, "flows": 0}
    if theirs is None or ours is None:
        result["flows"] = len(theirs or ours or [])
        return result
    a, b = collections.Counter(theirs), collections.Counter(ours)
    common = a & b
    result["same"] = sum(common.values())
    result["flows"] = max(len(theirs), len(ours))
    result["only_nfstream"] = sorted((a - common).elements())
    result["only_flowcsv"] = sorted((b - common).elements())
    return result


def known_reason(result):
    if result["nfs_error"] is not None:
        return "NFStream rejects the capture (%s)" % result["nfs_error"]
    if is_fuzzed(result["name"]):
        return "fuzzed capture"
    return None


def show(flow):
    p, lo, hi, n, b = flow
    return "proto %d  %s:%d <-> %s:%d  %d packets  %d bytes" % (p, lo[0], lo[1], hi[0], hi[1], n, b)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("flowcsv")
    parser.add_argument("folder")
    parser.add_argument("--cache", help="folder for NFStream's results, reused across runs")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="list differing flows only outside known differences")
    args = parser.parse_args()
    if args.cache:
        os.makedirs(args.cache, exist_ok=True)
    paths = sorted(os.path.join(args.folder, n) for n in os.listdir(args.folder)
                   if os.path.isfile(os.path.join(args.folder, n)))
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(compare, [args.flowcsv] * len(paths), paths, [args.cache] * len(paths)))

    total = same = outside_total = outside_same = 0
    failing = []
    for r in results:
        reason = known_reason(r)
        differs = r["our_error"] is not None or r["only_nfstream"] or r["only_flowcsv"]
        if r["nfs_error"] is None:
            total += r["flows"]
            same += r["same"]
            if reason is None:
                outside_total += r["flows"]
                outside_same += r["same"]
        if not differs and r["nfs_error"] is None:
            continue
        if reason is None:
            failing.append(r["name"])
        if args.quiet and reason is not None:
            continue
        print("%s: %s" % (r["name"], reason or "DIFFERS"))
        if r["our_error"]:
            print("  " + r["our_error"])
        for f in r["only_nfstream"]:
            print("  NFStream only: " + show(f))
        for f in r["only_flowcsv"]:
            print("  flowcsv only:  " + show(f))

    def pct(a, b):
        return 100.0 * a / b if b else 100.0

    print("captures: %d (%d rejected by NFStream)" % (len(results), sum(r["nfs_error"] is not None for r in results)))
    print("all captures NFStream reads: %d/%d flows agree (%.2f %%)" % (same, total, pct(same, total)))
    print("outside known differences:   %d/%d flows agree (%.2f %%)" % (outside_same, outside_total,
                                                                      pct(outside_same, outside_total)))
    if failing:
        print("captures that differ outside known differences: %d: %s" % (len(failing), " ".join(failing)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
