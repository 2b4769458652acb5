#!/usr/bin/env python3
"""Reference agreement of flowcsv's application-metadata columns (issue 10).

Runs flowcsv on every capture of the shared corpus tagged `app` (manifest.json) and compares
its application columns (Service, ServerName, TLSSNI, TLSALPN, TLSVersion, JA4, JA3, HTTP*,
DNS*, SSHClient, SSHServer) with the third-party references stored beside the captures:
nDPI `ndpiReader -v 2` flow lines, FoxIO ja4 (Python JSON and Rust insta snapshot) and Zeek
btest baselines (ssl, quic, http, dns, ssh, conn logs).

How flows are matched and how each reference field is normalised follows the section
"Application-layer references" of ../shared/corpus/MANIFEST.md (that text is the
specification of this script; comments below name the rule they implement):
  * flows: protocol + unordered endpoint pair; several records of one pair are taken in the
    reference's order (Zeek: log order, FoxIO: stream number) against flowcsv's rows in
    StartTime order; nDPI lines carry no times and take the row with the nearest packet count;
  * a field counts only where the reference states a value.
A column flowcsv does not write (yet) reads as "no value".

Python 3.11 standard library only. Exit status 0 whatever the agreement (2 on a usage error).
Usage: app-agreement.py FLOWCSV [--corpus DIR] [--captures GLOB] [--json OUT]
                        [--list-differences] [--extra-ndpi DIR]
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Reference records


@dataclass
class RefFlow:
    """One reference flow: protocol ("tcp"/"udp"), endpoints (None when a `.cut` log has none),
    the reference's own ordinal for messages, and the fields it states (flowcsv column → value)."""
    proto: str | None
    a: tuple[str, int] | None
    b: tuple[str, int] | None
    label: str
    fields: dict[str, object] = field(default_factory=dict)
    packets: int | None = None          # nDPI: packets in both directions (for nearest matching)
    uid: str | None = None              # Zeek uid (joins logs of one btest)
    proto_guessed: bool = False         # the log has no proto column (ssl.log: TCP, or UDP for QUIC)


def norm_ip(text: str) -> str:
    """An address in one spelling (IPv6 compressed, lower case); the text itself if not an IP."""
    text = text.strip().strip("[]")
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


def pair_key(proto: str, a: tuple[str, int], b: tuple[str, int]) -> tuple:
    """Protocol + unordered endpoint pair (MANIFEST: "Flows are matched by protocol + unordered
    endpoint pair")."""
    ea = (norm_ip(a[0]), int(a[1]))
    eb = (norm_ip(b[0]), int(b[1]))
    return (proto.lower(),) + tuple(sorted([ea, eb]))


# ---------------------------------------------------------------------------------------------
# Zeek ASCII logs (#fields TSV; `.cut` files: one header line of names, no # directives)


def zeek_unescape(text: str) -> str:
    """Zeek's `\\xHH` escapes back to bytes, read as UTF-8 (undecodable bytes kept as
    surrogates, as flowcsv's CSV is read)."""
    if "\\" not in text:
        return text
    out = bytearray()
    i = 0
    raw = text.encode("utf-8", "surrogateescape")
    while i < len(raw):
        if raw[i] == 0x5C and i + 4 <= len(raw) and raw[i + 1] == 0x78:
            hexpart = raw[i + 2:i + 4]
            if all(c in b"0123456789abcdefABCDEF" for c in hexpart):
                out.append(int(hexpart, 16))
                i += 4
                continue
        out.append(raw[i])
        i += 1
    return out.decode("utf-8", "surrogateescape")


@dataclass
class ZeekLog:
    names: list[str]
    rows: list[dict[str, str | None]]    # None = unset; "" = (empty); escapes decoded
    raw_rows: list[dict[str, str]]       # the text as written in the log
    has_endpoints: bool


def parse_zeek_log(text: str) -> ZeekLog:
    """Parses a Zeek ASCII log or a btest `.cut` of one. `-` (or `#unset_field`) is unset,
    `(empty)` (or `#empty_field`) an empty string, `\\xHH` a byte."""
    separator, unset, empty = "\t", "-", "(empty)"
    names: list[str] | None = None
    rows: list[dict[str, str | None]] = []
    raw_rows: list[dict[str, str]] = []
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#separator "):
                separator = zeek_unescape(line[len("#separator "):])
            elif line.startswith("#unset_field"):
                unset = line.split(separator, 1)[1] if separator in line else unset
            elif line.startswith("#empty_field"):
                empty = line.split(separator, 1)[1] if separator in line else empty
            elif line.startswith("#fields"):
                names = line.split(separator)[1:]
            continue
        parts = line.split(separator)
        if names is None:            # `.cut`: the first plain line names the columns
            names = parts
            continue
        raw = dict(zip(names, parts))
        row: dict[str, str | None] = {}
        for name, value in raw.items():
            if value == unset:
                row[name] = None
            elif value == empty:
                row[name] = ""
            else:
                row[name] = zeek_unescape(value)
        rows.append(row)
        raw_rows.append(raw)
    names = names or []
    has_endpoints = all(n in names for n in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p"))
    return ZeekLog(names, rows, raw_rows, has_endpoints)


def zeek_connections(log: ZeekLog) -> list[tuple[str | None, list[int]]]:
    """Rows grouped by connection (uid), in order of first appearance: (uid, row indices)."""
    order: list[tuple[str | None, list[int]]] = []
    index: dict[str, int] = {}
    for i, row in enumerate(log.rows):
        uid = row.get("uid")
        if uid is None:
            order.append((None, [i]))
        elif uid in index:
            order[index[uid]][1].append(i)
        else:
            index[uid] = len(order)
            order.append((uid, [i]))
    return order


def host_without_port(host: str) -> str:
    """`host[:port]` → host (an IPv6 literal keeps its brackets)."""
    if host.startswith("["):
        end = host.find("]")
        return host[:end + 1] if end >= 0 else host
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def zeek_ref_flows(kind: str, log: ZeekLog, bare: bool, quic_uids: set[str]) -> list[RefFlow]:
    """The flows one Zeek log states, with MANIFEST's per-log rules."""
    flows: list[RefFlow] = []
    for uid, indices in zeek_connections(log):
        rows = [log.rows[i] for i in indices]
        raws = [log.raw_rows[i] for i in indices]
        first = rows[0]
        proto = first.get("proto")
        if proto is None:
            if kind == "zeek-quic" or (kind == "zeek-ssl" and uid in quic_uids):
                proto = "udp"
            elif kind in ("zeek-ssl", "zeek-http", "zeek-ssh"):
                proto = "tcp"
            elif kind == "zeek-dns":
                proto = "udp"
        a = b = None
        if log.has_endpoints:
            a = (first["id.orig_h"] or "", int(first["id.orig_p"] or 0))
            b = (first["id.resp_h"] or "", int(first["id.resp_p"] or 0))
        label = f"{(proto or '?').upper()} {a[0]}:{a[1]} <-> {b[0]}:{b[1]}" if a and b else f"uid {uid}"
        flow = RefFlow(proto, a, b, label, uid=uid, proto_guessed="proto" not in log.names)
        f = flow.fields
        if kind == "zeek-ssl":
            # server_name = SNI; version = negotiated version; next_protocol not compared.
            if first.get("server_name") is not None:
                f["TLSSNI"] = first["server_name"]
                f["ServerName"] = first["server_name"]
            if first.get("version") is not None:
                f["TLSVersion"] = first["version"]
        elif kind == "zeek-quic":
            # server_name; client_protocol = the first ALPN the client offered.
            if first.get("server_name") is not None:
                f["TLSSNI"] = first["server_name"]
                f["ServerName"] = first["server_name"]
            if first.get("client_protocol") is not None:
                f["TLSALPN[0]"] = first["client_protocol"]
        elif kind == "zeek-http":
            # First row with a method: host/method/uri/user_agent; first non-zero status_code.
            for row, raw in zip(rows, raws):
                if row.get("method") is not None:
                    f["HTTPMethod"] = row["method"]
                    if row.get("host") is not None:
                        f["HTTPHost"] = row["host"]
                        f["ServerName"] = host_without_port(row["host"])
                    if row.get("uri") is not None:
                        f["HTTPURI"] = (row["uri"], raw.get("uri"))
                    if row.get("user_agent") is not None:
                        f["HTTPUserAgent"] = (row["user_agent"], raw.get("user_agent"))
                    break
            for row in rows:
                status = row.get("status_code")
                if status is not None and status != "0":
                    f["HTTPStatus"] = status
                    break
        elif kind == "zeek-dns":
            # First row with a query: query (any case), qtype_name, rcode_name.
            for row in rows:
                if row.get("query") is not None:
                    f["DNSQuery"] = row["query"]
                    f["ServerName"] = row["query"]
                    if row.get("qtype_name") is not None:
                        f["DNSQType"] = row["qtype_name"]
                    if row.get("rcode_name") is not None:
                        f["DNSRcode"] = row["rcode_name"]
                    break
        elif kind == "zeek-ssh":
            if first.get("client") is not None:
                f["SSHClient"] = first["client"]
            if first.get("server") is not None:
                f["SSHServer"] = first["server"]
        elif kind == "zeek-conn-app":
            # service compared as a set; in bare (-b) runs only set ones count.
            service = first.get("service")
            if service is not None or not bare:
                services = frozenset(s for s in (service or "").split(",") if s)
                f["Service"] = services
                f["service"] = services
        flows.append(flow)
    return flows


# ---------------------------------------------------------------------------------------------
# nDPI ndpiReader -v 2 result files

NDPI_LINE = re.compile(r"^\t\d+\t(?P<proto>[A-Z0-9]+) (?P<a>\S+) (?:<->|->) (?P<b>\S+) (?P<items>\[.*\])\s*$")
NDPI_COUNTS = re.compile(r"^(\d+) pkts/(\d+) bytes (?:<->|->) (\d+) pkts/(\d+) bytes$")
NDPI_VERSIONS = {"TLSv1": "TLSv10", "TLSv1.1": "TLSv11", "TLSv1.2": "TLSv12", "TLSv1.3": "TLSv13", "SSLv3": "SSLv3"}


@dataclass
class NdpiLine:
    proto: str
    a: tuple[str, int]
    b: tuple[str, int]
    c2s: int
    s2c: int
    items: dict[str, str]     # "Name: value" items
    bare: list[str]           # items without "Name: "
    text: str


def split_endpoint(text: str) -> tuple[str, int]:
    """`1.2.3.4:80` or `[::1]:80` → (address, port)."""
    if text.startswith("["):
        end = text.rfind("]")
        return text[1:end], int(text[end + 2:] or 0)
    host, _, port = text.rpartition(":")
    return host, int(port or 0)


def parse_ndpi(text: str) -> list[NdpiLine]:
    """The flow lines of an ndpiReader `-v 2` output, with their `[...]` items."""
    lines: list[NdpiLine] = []
    for line in text.splitlines():
        m = NDPI_LINE.match(line)
        if not m:
            continue
        body = m.group("items")[1:-1]
        items: dict[str, str] = {}
        bare: list[str] = []
        c2s = s2c = 0
        for item in body.split("]["):
            counts = NDPI_COUNTS.match(item)
            if counts:
                c2s, s2c = int(counts.group(1)), int(counts.group(3))
                continue
            name, sep, value = item.partition(": ")
            if sep and re.fullmatch(r"[A-Za-z0-9()/ _.-]+", name):
                items.setdefault(name, value)
            else:
                bare.append(item)
        try:
            a, b = split_endpoint(m.group("a")), split_endpoint(m.group("b"))
        except ValueError:
            continue
        lines.append(NdpiLine(m.group("proto").lower(), a, b, c2s, s2c, items, bare, line))
    return lines


def ndpi_master(line: NdpiLine) -> str:
    """The master protocol's name: `91.26/TLS.ntop` → `TLS`."""
    proto = line.items.get("proto", "")
    name = proto.split("/", 1)[1] if "/" in proto else proto
    return name.split(".", 1)[0]


def ndpi_isprint(c: int) -> bool:
    return 0x20 <= c <= 0x7E


def ndpi_hostname(value: str) -> str:
    """nDPI's ndpi_hostname_sni_set(NDPI_HOSTNAME_NORM_ALL): the last 79 bytes, up to a NUL,
    lower-cased, tab → space, non-printable → `?`, trailing spaces dropped."""
    raw = value.encode("utf-8", "surrogateescape")[-79:]
    out = []
    for c in raw:
        if c == 0:
            break
        if 0x41 <= c <= 0x5A:
            c += 0x20
        if c == 0x09:
            c = 0x20
        out.append(chr(c) if ndpi_isprint(c) else "?")
    return "".join(out).rstrip(" ")


def ndpi_dns_name(value: str) -> str:
    """A DNS name as nDPI's DNS dissector writes it before ndpi_hostname: characters outside
    `[-0-9A-Za-z_]` (label dots kept) become `_` if printable, else `?`; lower case."""
    out = []
    for c in value.encode("utf-8", "surrogateescape"):
        ch = chr(c)
        if ch == "." or ch.isascii() and (ch.isalnum() or ch in "-_"):
            out.append(ch.lower())
        else:
            out.append("_" if ndpi_isprint(c) else "?")
    return ndpi_hostname("".join(out))


def ndpi_http_host(value: str) -> str:
    """nDPI's HTTP host: the Host header cut at its first `:`, then normalised."""
    return ndpi_hostname(value.split(":", 1)[0])


def mask_ndpi_ja4(ja4: str) -> str:
    """JA4 with the characters nDPI computes differently (4th, 9th and 10th) masked."""
    if len(ja4) < 10:
        return ja4
    chars = list(ja4)
    for i in (3, 8, 9):
        chars[i] = "*"
    return "".join(chars)


def ndpi_ref_flows(lines: list[NdpiLine]) -> list[RefFlow]:
    """What each nDPI flow line states, with MANIFEST's rules for ndpiReader's items."""
    flows: list[RefFlow] = []
    for line in lines:
        if line.proto not in ("tcp", "udp"):
            continue
        label = f"{line.proto.upper()} {line.a[0]}:{line.a[1]} <-> {line.b[0]}:{line.b[1]} ({line.c2s}+{line.s2c} pkts)"
        flow = RefFlow(line.proto, line.a, line.b, label, packets=line.c2s + line.s2c)
        f = flow.fields
        items = line.items
        master = ndpi_master(line)
        has_hello = "JA4" in items or "JA3C" in items
        gquic = items.get("QUIC ver", "").startswith("Q0") and "JA4" not in items
        host = items.get("Hostname/SNI")
        if master == "SSH":
            banners = [v for v in (host, items.get("Server")) if v and v.startswith("SSH-")]
            if banners:
                f["SSH banners"] = banners
        elif host is not None:
            if has_hello or gquic:
                f["ServerName"] = ("host", host)
                f["TLSSNI"] = ("host", host)
            elif master.startswith("HTTP"):
                f["ServerName"] = ("http", host)
                f["HTTPHost"] = ("http", host)
            elif master == "DNS" and line.c2s <= 1 and line.s2c <= 1:
                # nDPI keeps the name of the last DNS message: one query, at most one response.
                f["ServerName"] = ("dns", host)
                f["DNSQuery"] = ("dns", host)
        if "(Advertised) ALPNs" in items:
            f["TLSALPN"] = items["(Advertised) ALPNs"]
        if "JA4" in items:
            f["JA4"] = ("ndpi", items["JA4"])
        if "JA3C" in items:
            f["JA3"] = items["JA3C"].split(" ", 1)[0]
        if "JA3S" in items:   # after a ServerHello the bare item is the negotiated version
            for item in line.bare:
                if item in NDPI_VERSIONS:
                    f["TLSVersion"] = NDPI_VERSIONS[item]
                    break
        flows.append(flow)
    return flows


# ---------------------------------------------------------------------------------------------
# FoxIO ja4: Python `-J` JSON and the Rust crate's insta snapshot


def foxio_python_flows(text: str) -> list[RefFlow]:
    """Records of `ja4.py -J -r -o` (one per TCP stream; QUIC left out)."""
    data = json.loads(text) if text.strip() else []
    records = []
    for rec in data:
        ja4 = rec.get("JA4.1")
        proto = "udp" if isinstance(ja4, str) and ja4[:1] in ("q", "d") else "tcp"
        ssh = rec.get("ssh_extras") or {}
        records.append((rec.get("stream", 0), proto, rec.get("src"), rec.get("srcport"), rec.get("dst"),
                        rec.get("dstport"), rec.get("domain"), ja4,
                        ssh.get("ssh_protocol_client"), ssh.get("ssh_protocol_server")))
    return _foxio_flows(records)


def yaml_scalar(text: str) -> str | None:
    """A YAML plain, single- or double-quoted scalar as insta writes them; `null`/`~` → None."""
    text = text.strip()
    if text in ("null", "~", ""):
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text[1:-1]
    return text


def parse_insta(text: str) -> list[dict]:
    """The top-level list of mappings of an insta YAML snapshot: each record's scalar keys,
    and one level of nested mapping (`ssh_extras:`) as a dict. Lists and deeper levels are
    skipped. The `---` header block is dropped."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        try:
            end = lines.index("---", 1)
            lines = lines[end + 1:]
        except ValueError:
            pass
    records: list[dict] = []
    current: dict | None = None
    nested: str | None = None
    for line in lines:
        if not line.strip():
            continue
        if line.startswith("- "):
            current = {}
            records.append(current)
            nested = None
            line = "  " + line[2:]
        if current is None:
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if body.startswith("- "):
            continue
        key, sep, value = body.partition(":")
        if not sep:
            continue
        if indent == 2:
            if value.strip() == "":
                nested = key
                current[key] = {}
            else:
                nested = None
                current[key] = yaml_scalar(value)
        elif indent == 4 and nested is not None and isinstance(current.get(nested), dict):
            current[nested].setdefault(key, yaml_scalar(value))
    return records


def foxio_rust_flows(text: str) -> list[RefFlow]:
    """Records of the Rust crate's snapshot (one per TCP/UDP stream, QUIC included)."""
    records = []
    for rec in parse_insta(text):
        ssh = rec.get("ssh_extras") if isinstance(rec.get("ssh_extras"), dict) else {}
        records.append((int(rec.get("stream") or 0), (rec.get("transport") or "tcp").lower(), rec.get("src"),
                        rec.get("src_port"), rec.get("dst"), rec.get("dst_port"), rec.get("tls_server_name"),
                        rec.get("ja4"), ssh.get("ssh_protocol_client"), ssh.get("ssh_protocol_server")))
    return _foxio_flows(records)


def _foxio_flows(records: list[tuple]) -> list[RefFlow]:
    flows = []
    for stream, proto, src, sport, dst, dport, sni, ja4, client, server in sorted(records, key=lambda r: int(r[0])):
        if src is None or dst is None:
            continue
        a, b = (str(src), int(sport or 0)), (str(dst), int(dport or 0))
        flow = RefFlow(proto, a, b, f"stream {stream} {proto.upper()} {a[0]}:{a[1]} <-> {b[0]}:{b[1]}")
        if sni is not None:
            flow.fields["TLSSNI"] = sni
            flow.fields["ServerName"] = sni
        if ja4 is not None:
            flow.fields["JA4"] = ja4
        if client is not None:
            flow.fields["SSHClient"] = client
        if server is not None:
            flow.fields["SSHServer"] = server
        flows.append(flow)
    return flows


# ---------------------------------------------------------------------------------------------
# flowcsv


class FlowCSV:
    """Runs the flowcsv binary (each distinct invocation once) and reads its rows."""

    def __init__(self, binary: str, scratch: str):
        self.binary = binary
        self.scratch = scratch
        self.cache: dict[tuple, list[dict]] = {}
        self.columns: set[str] = set()
        self.failures: list[str] = []

    def rows(self, capture: str, options: list[str]) -> list[dict]:
        key = (capture, tuple(options))
        if key in self.cache:
            return self.cache[key]
        out = os.path.join(self.scratch, f"run{len(self.cache)}.csv")
        command = [self.binary, "--quiet", *options, "-o", out, capture]
        try:
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
            if done.returncode not in (0, 1):
                self.failures.append(f"{' '.join(command)}: exit {done.returncode}: "
                                     f"{done.stderr.decode(errors='replace').strip()[:300]}")
        except subprocess.TimeoutExpired:
            self.failures.append(f"{' '.join(command)}: timed out")
        rows: list[dict] = []
        if os.path.exists(out):
            with open(out, newline="", encoding="utf-8", errors="surrogateescape") as handle:
                reader = csv.DictReader(handle)
                self.columns.update(reader.fieldnames or [])
                rows = list(reader)
            os.remove(out)
        self.cache[key] = rows
        return rows


def row_endpoints(row: dict) -> tuple[str, tuple, tuple, float] | None:
    """(proto, client, server, start) of a `full` row or a `zeek` schema row."""
    try:
        if "ClientIP" in row:
            return (row["Protocol"].lower(), (row["ClientIP"], int(row["ClientPort"] or 0)),
                    (row["ServerIP"], int(row["ServerPort"] or 0)), float(row["StartTime"] or 0))
        return (row["proto"].lower(), (row["id.orig_h"], int(row["id.orig_p"] or 0)),
                (row["id.resp_h"], int(row["id.resp_p"] or 0)), float(row["ts"] or 0))
    except (KeyError, ValueError):
        return None


def row_packets(row: dict) -> int:
    try:
        if "FlowPackets" in row:
            return int(row["FlowPackets"])
        return int(row.get("orig_pkts") or 0) + int(row.get("resp_pkts") or 0)
    except ValueError:
        return 0


def index_rows(rows: list[dict]) -> dict[tuple, list[int]]:
    """flowcsv's TCP/UDP rows by protocol + unordered pair, each list in StartTime order."""
    index: dict[tuple, list[tuple[float, int]]] = {}
    for i, row in enumerate(rows):
        ends = row_endpoints(row)
        if ends is None or ends[0] not in ("tcp", "udp"):
            continue
        index.setdefault(pair_key(ends[0], ends[1], ends[2]), []).append((ends[3], i))
    return {k: [i for _, i in sorted(v)] for k, v in index.items()}


def match_in_order(flows: list[RefFlow], rows: list[dict]) -> list[int | None]:
    """Zeek/FoxIO: the n-th reference record of a pair ↔ the n-th flowcsv row of it by
    StartTime. Records without endpoints take the single TCP/UDP row of their protocol (only
    offered when the btest saw one connection). None = not found."""
    index = index_rows(rows)
    used: dict[tuple, int] = {}
    result: list[int | None] = []
    for flow in flows:
        if flow.a is None or flow.b is None:
            candidates = [i for k, v in index.items() for i in v if flow.proto in (None, k[0])]
            result.append(candidates[0] if len(candidates) == 1 else None)
            continue
        key = pair_key(flow.proto or "tcp", flow.a, flow.b)
        if key not in index and flow.proto in ("tcp", "udp"):
            other = pair_key("udp" if flow.proto == "tcp" else "tcp", flow.a, flow.b)
            if other in index and flow.proto_guessed:
                key = other       # e.g. an ssl.log row of a QUIC connection whose quic.log is absent
        n = used.get(key, 0)
        used[key] = n + 1
        candidates = index.get(key, [])
        result.append(candidates[n] if n < len(candidates) else None)
    return result


def match_nearest_packets(flows: list[RefFlow], rows: list[dict]) -> list[int | None]:
    """nDPI: each line takes the unused flowcsv row of its pair with the nearest packet count
    (smallest difference first over all lines; ties: earlier line, earlier row)."""
    index = index_rows(rows)
    pairs = []
    for li, flow in enumerate(flows):
        for ri in index.get(pair_key(flow.proto or "tcp", flow.a, flow.b), []):
            pairs.append((abs(row_packets(rows[ri]) - (flow.packets or 0)), li, ri))
    pairs.sort()
    result: list[int | None] = [None] * len(flows)
    taken: set[int] = set()
    for _, li, ri in pairs:
        if result[li] is None and ri not in taken:
            result[li] = ri
            taken.add(ri)
    return result


# ---------------------------------------------------------------------------------------------
# Comparison


def flowcsv_value(row: dict, name: str) -> str:
    return row.get(name) or ""


def compare(name: str, expected: object, row: dict) -> tuple[bool, str, str]:
    """(equal, reference value as text, flowcsv value as text) for one stated field."""
    if name == "TLSALPN[0]":
        got = flowcsv_value(row, "TLSALPN").split(";", 1)[0]
        return got == expected, str(expected), flowcsv_value(row, "TLSALPN")
    if name in ("Service", "service"):
        got_text = flowcsv_value(row, name)
        got = frozenset(s for s in got_text.split(",") if s and s != "-")
        return got == expected, ",".join(sorted(expected)) or "(none)", got_text
    if name == "SSH banners":
        have = {flowcsv_value(row, c)[:47] for c in ("SSHClient", "SSHServer") if flowcsv_value(row, c)}
        ok = all(b[:47] in have for b in expected)
        return ok, " | ".join(expected), " | ".join(flowcsv_value(row, c) for c in ("SSHClient", "SSHServer"))
    got = flowcsv_value(row, name)
    if isinstance(expected, tuple) and expected[0] in ("host", "http", "dns"):
        mode, ref = expected
        norm = {"host": ndpi_hostname, "http": ndpi_http_host, "dns": ndpi_dns_name}[mode]
        return norm(got) == ref, ref, got
    if isinstance(expected, tuple) and expected[0] == "ndpi":
        ref = expected[1]
        return len(got) == len(ref) and mask_ndpi_ja4(got) == mask_ndpi_ja4(ref), ref, got
    if isinstance(expected, tuple):     # Zeek text: decoded value, and the raw escaped text
        decoded, raw = expected
        return got == decoded or got == raw, raw or decoded, got
    if name == "DNSQuery":     # Zeek lower-cases DNS names
        return got.lower() == str(expected).lower(), str(expected), got
    return got == expected, str(expected), got


@dataclass
class Tally:
    total: int = 0
    found: int = 0
    equal: int = 0


class Report:
    """Counts per reference kind and field, the differences and the flows not found."""

    def __init__(self):
        self.kinds: dict[str, dict[str, Tally]] = {}
        self.differences: list[dict] = []
        self.not_found: list[dict] = []
        self.unplaced: list[dict] = []
        self.captures: list[str] = []

    def add(self, kind: str, capture: str, flows: list[RefFlow], matches: list[int | None], rows: list[dict],
            skip: set[tuple[int, str]] | None = None, casefold: set[int] | None = None):
        table = self.kinds.setdefault(kind, {})
        for fi, (flow, ri) in enumerate(zip(flows, matches)):
            names = [n for n in flow.fields if not (skip and (fi, n) in skip)]
            if not names:
                continue
            if ri is None:
                self.not_found.append({"kind": kind, "capture": capture, "flow": flow.label, "fields": names})
            for name in names:
                tally = table.setdefault(name, Tally())
                tally.total += 1
                if ri is None:
                    continue
                tally.found += 1
                expected = flow.fields[name]
                if casefold and fi in casefold and name == "ServerName" and isinstance(expected, str):
                    got = flowcsv_value(rows[ri], name)
                    ok, ref_text, got_text = got.lower() == expected.lower(), expected, got
                else:
                    ok, ref_text, got_text = compare(name, expected, rows[ri])
                if ok:
                    tally.equal += 1
                else:
                    self.differences.append({"kind": kind, "capture": capture, "flow": flow.label, "field": name,
                                             "reference": ref_text, "flowcsv": got_text})

    def totals(self) -> dict[str, Tally]:
        out: dict[str, Tally] = {}
        for table in self.kinds.values():
            for name, t in table.items():
                s = out.setdefault(name, Tally())
                s.total += t.total
                s.found += t.found
                s.equal += t.equal
        return out


# ---------------------------------------------------------------------------------------------
# Driving the corpus

ZEEK_KINDS = ("zeek-ssl", "zeek-quic", "zeek-http", "zeek-dns", "zeek-ssh", "zeek-conn-app")
APP_KINDS = ("ndpi", "ja4-python", "ja4-rust") + ZEEK_KINDS


def zeek_options(opts: str) -> tuple[list[str], bool]:
    """flowcsv options for a Zeek reference: preset zeek, checksums verified unless the btest
    ran with -C; and whether the run was bare (-b)."""
    tokens = opts.split()
    options = ["--preset", "zeek"]
    if "-C" not in tokens:
        options.append("--verify-checksums")
    return options, "-b" in tokens


def read(path: str) -> str:
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        return handle.read()


def run_capture(entry: dict, corpus: str, flowcsv: FlowCSV, report: Report):
    name = entry["file"].split("/")[-1]
    capture = os.path.join(corpus, "captures", name)
    refs = [r for r in entry.get("refs", []) if r.get("kind") in APP_KINDS]
    if not refs or not os.path.exists(capture):
        return
    report.captures.append(name)
    refdir = os.path.join(corpus, "refs")
    full = ["--schema", "full"]
    for ref in refs:
        kind, path = ref["kind"], os.path.join(refdir, ref["file"])
        if not os.path.exists(path):
            continue
        if kind == "ndpi":
            rows = flowcsv.rows(capture, full + ["--vlan-key"])
            flows = ndpi_ref_flows(parse_ndpi(read(path)))
            report.add(kind, name, flows, match_nearest_packets(flows, rows), rows)
        elif kind in ("ja4-python", "ja4-rust"):
            rows = flowcsv.rows(capture, full)
            flows = (foxio_python_flows if kind == "ja4-python" else foxio_rust_flows)(read(path))
            report.add(kind, name, flows, match_in_order(flows, rows), rows)

    # Zeek: logs of one btest share uids; ServerName comes from ssl/quic, else http, else dns.
    zeek_refs = [r for r in refs if r["kind"] in ZEEK_KINDS and os.path.exists(os.path.join(refdir, r["file"]))]
    logs = {id(r): parse_zeek_log(read(os.path.join(refdir, r["file"]))) for r in zeek_refs}
    quic_uids: dict[str, set[str]] = {}
    conn_rows_per_test: dict[str, int] = {}
    for r in zeek_refs:
        if r["kind"] == "zeek-quic":
            quic_uids.setdefault(r.get("test", ""), set()).update(
                row["uid"] for row in logs[id(r)].rows if row.get("uid"))
        if r["kind"] == "zeek-conn-app":
            conn_rows_per_test[r.get("test", "")] = len(logs[id(r)].rows)
    named_rows: dict[tuple, int] = {}      # (options, row) → precedence of the ServerName source
    precedence = {"zeek-ssl": 0, "zeek-quic": 0, "zeek-http": 1, "zeek-dns": 2}
    for r in sorted(zeek_refs, key=lambda r: precedence.get(r["kind"], 3)):
        kind = r["kind"]
        options, bare = zeek_options(r.get("zeek_opts", ""))
        log = logs[id(r)]
        flows = zeek_ref_flows(kind, log, bare, quic_uids.get(r.get("test", ""), set()))
        if not log.has_endpoints:
            # Placed only when the btest saw a single connection.
            single = len(flows) == 1 and conn_rows_per_test.get(r.get("test", ""), 1) == 1
            if not single:
                for flow in flows:
                    if flow.fields:
                        report.unplaced.append({"kind": kind, "capture": name, "flow": flow.label,
                                                "fields": list(flow.fields)})
                flows = []
        rows = flowcsv.rows(capture, options + ["--schema", "full"])
        matches = match_in_order(flows, rows)
        skip: set[tuple[int, str]] = set()
        casefold: set[int] = set()
        for fi, (flow, ri) in enumerate(zip(flows, matches)):
            if "ServerName" not in flow.fields or ri is None:
                continue
            key = (tuple(options), ri)
            level = precedence.get(kind, 3)
            if named_rows.get(key, 99) < level:
                skip.add((fi, "ServerName"))      # a higher-precedence log names this flow
            else:
                named_rows[key] = level
            if kind == "zeek-dns":
                casefold.add(fi)
        if kind == "zeek-conn-app":
            only_full = [RefFlow(f.proto, f.a, f.b, f.label, {k: v for k, v in f.fields.items() if k == "Service"},
                                 uid=f.uid) for f in flows]
            report.add(kind, name, only_full, matches, rows)
            zrows = flowcsv.rows(capture, options + ["--schema", "zeek"])
            only_zeek = [RefFlow(f.proto, f.a, f.b, f.label, {k: v for k, v in f.fields.items() if k == "service"},
                                 uid=f.uid) for f in flows]
            report.add(kind, name, only_zeek, match_in_order(only_zeek, zrows), zrows)
        else:
            report.add(kind, name, flows, matches, rows, skip=skip, casefold=casefold)


def extra_ndpi_pairs(folder: str) -> list[tuple[str, str]]:
    """(capture, result) pairs in DIR: nDPI's tests/cfgs/default layout (DIR/pcap/X,
    DIR/result/X.out) or both side by side (DIR/X, DIR/X.out)."""
    pairs = []
    pcap_dir = os.path.join(folder, "pcap")
    result_dir = os.path.join(folder, "result")
    if os.path.isdir(pcap_dir) and os.path.isdir(result_dir):
        for name in sorted(os.listdir(pcap_dir)):
            out = os.path.join(result_dir, name + ".out")
            if os.path.isfile(out):
                pairs.append((os.path.join(pcap_dir, name), out))
    else:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not name.endswith(".out") and os.path.isfile(path + ".out"):
                pairs.append((path, path + ".out"))
    return pairs


def print_table(report: Report, stream=sys.stdout):
    def line(kind, name, t):
        pct = f"{100.0 * t.equal / t.found:.1f}%" if t.found else "-"
        print(f"{kind:14} {name:16} found {t.found:5}/{t.total:<5} flows   equal {t.equal:5}/{t.found:<5} ({pct})",
              file=stream)
    for kind in sorted(report.kinds):
        for name in sorted(report.kinds[kind]):
            line(kind, name, report.kinds[kind][name])
    print("totals", file=stream)
    totals = report.totals()
    for name in sorted(totals):
        line("  all", name, totals[name])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="flowcsv's application columns against nDPI, FoxIO and Zeek.")
    parser.add_argument("flowcsv", help="path of the flowcsv binary")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                        "..", "..", "shared", "corpus"),
                        help="the shared corpus (default ../shared/corpus from the package root)")
    parser.add_argument("--captures", default="*", help="only captures whose name matches this glob")
    parser.add_argument("--json", help="write the machine-readable result here")
    parser.add_argument("--list-differences", action="store_true", help="one line per difference")
    parser.add_argument("--extra-ndpi", metavar="DIR", help="held-out nDPI captures with their ndpiReader results")
    args = parser.parse_args(argv)

    corpus = os.path.normpath(args.corpus)
    report = Report()
    held_out = Report()
    with tempfile.TemporaryDirectory(prefix="app-agreement-") as scratch:
        flowcsv = FlowCSV(os.path.abspath(args.flowcsv), scratch)
        manifest = os.path.join(corpus, "manifest.json")
        entries = json.loads(read(manifest)) if os.path.exists(manifest) else []
        for entry in entries:
            name = entry["file"].split("/")[-1]
            if "app" in entry.get("tags", []) and fnmatch.fnmatch(name, args.captures):
                run_capture(entry, corpus, flowcsv, report)
        if args.extra_ndpi:
            corpus_ndpi = {e["file"].split("/")[-1][len("ndpi__"):] for e in entries
                           if e["file"].split("/")[-1].startswith("ndpi__")}
            for capture, out in extra_ndpi_pairs(args.extra_ndpi):
                name = os.path.basename(capture)
                if name in corpus_ndpi or not fnmatch.fnmatch(name, args.captures):
                    continue
                held_out.captures.append(name)
                rows = flowcsv.rows(capture, ["--schema", "full", "--vlan-key"])
                flows = ndpi_ref_flows(parse_ndpi(read(out)))
                held_out.add("ndpi-heldout", name, flows, match_nearest_packets(flows, rows), rows)
        columns = sorted(flowcsv.columns)
        failures = flowcsv.failures

    app_columns = ["Service", "ServerName", "TLSSNI", "TLSALPN", "TLSVersion", "JA4", "JA3", "HTTPHost",
                   "HTTPMethod", "HTTPURI", "HTTPUserAgent", "HTTPStatus", "DNSQuery", "DNSQType", "DNSRcode",
                   "SSHClient", "SSHServer", "service"]
    missing = [c for c in app_columns if c not in columns]
    print(f"{len(report.captures)} app captures; flowcsv columns not written (read as no value): "
          f"{', '.join(missing) or 'none'}")
    print_table(report)
    if held_out.captures:
        print(f"held-out nDPI: {len(held_out.captures)} captures from {args.extra_ndpi}")
        print_table(held_out)
    if report.not_found or held_out.not_found:
        print(f"reference flows not found in flowcsv's output: {len(report.not_found)}"
              + (f" (held-out: {len(held_out.not_found)})" if held_out.captures else ""))
    if report.unplaced:
        print(f"records of .cut logs without endpoints not placed (btest saw several connections): "
              f"{len(report.unplaced)}")
    for failure in failures:
        print(f"flowcsv failed: {failure}")
    if args.list_differences:
        for d in report.differences + held_out.differences:
            print(f"DIFF {d['capture']}\t{d['kind']}\t{d['flow']}\t{d['field']}\treference={d['reference']!r}"
                  f"\tflowcsv={d['flowcsv']!r}")
        for n in report.not_found + held_out.not_found:
            print(f"NOT FOUND {n['capture']}\t{n['kind']}\t{n['flow']}\t{','.join(n['fields'])}")
        for n in report.unplaced:
            print(f"UNPLACED {n['capture']}\t{n['kind']}\t{n['flow']}\t{','.join(n['fields'])}")

    if args.json:
        def tables(r: Report):
            return {k: {n: vars(t) for n, t in v.items()} for k, v in r.kinds.items()}
        result = {
            "captures": report.captures,
            "missing_columns": missing,
            "kinds": tables(report),
            "totals": {n: vars(t) for n, t in report.totals().items()},
            "differences": report.differences,
            "not_found": report.not_found,
            "unplaced": report.unplaced,
            "flowcsv_failures": failures,
        }
        if held_out.captures:
            result["held_out"] = {"captures": held_out.captures, "kinds": tables(held_out),
                                  "differences": held_out.differences, "not_found": held_out.not_found}
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
