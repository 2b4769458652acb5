#!/usr/bin/env python3
"""An independent computation of CICFlowMeter master's 84 columns, compared with flowcsv.

    cic_reference.py CAPTURE FLOWCSV_CIC_CSV [--activity-timeout SECONDS] [--examples N]

Reads CAPTURE itself (pcap and pcapng, any byte order, µs/ns/other resolutions; link types
Ethernet with 802.1Q/802.1ad/QinQ tags, PPPoE and MPLS, Linux SLL and SLL2, PPP, Cisco HDLC, raw IP,
BSD NULL and LOOP),
decodes IPv4/IPv6 (extension headers) + TCP/UDP, **stores every packet** of every flow, and
computes each CIC column from those stored lists by issue 9's definitions ("CIC definitions
to follow exactly"). Then it compares every column of every row of flowcsv's `--schema cic`
CSV (FLOWCSV_CIC_CSV) with its own values and prints a summary. Exit status: 0 when every
row matched and agreed; 1 on any mismatch, unmatched row, unmatched or ambiguous packet;
2 on a usage error or unreadable input.

Flow boundaries come from flowcsv BY DESIGN (issue 9: "flow boundaries are flowcsv's own (TCP
lifecycle), not CIC's"): each packet goes to the CSV row with the same key (protocol and the
two endpoints, either direction) whose time range [Timestamp, Timestamp + Flow Duration]
contains it, and the row's Src (the client) defines Fwd. Only the features are computed
independently here; nothing of flowcsv's code is used. Packets matching no row or more than
one row are reported (and fail the run), never silently dropped.

Comparison: integer columns exactly (by value: `1448` and `1448.0` are equal), text columns
exactly, real columns with a relative tolerance of 1e-9 plus half a unit of the 6th decimal
(flowcsv writes reals rounded to 6 decimals). `Label` is not compared: it is AppName from the
file name (or a label option), a labelling matter with its own tests, not a CIC definition.

Uses only the Python 3 standard library (dpkt is used by the unit test to write captures).
"""

import argparse
import calendar
import csv
import ipaddress
import math
import struct
import sys
import time

CIC_COLUMNS = [
    "Flow ID", "Src IP", "Src Port", "Dst IP", "Dst Port", "Protocol", "Timestamp",
    "Flow Duration", "Total Fwd Packet", "Total Bwd packets", "Total Length of Fwd Packet",
    "Total Length of Bwd Packet", "Fwd Packet Length Max", "Fwd Packet Length Min",
    "Fwd Packet Length Mean", "Fwd Packet Length Std", "Bwd Packet Length Max",
    "Bwd Packet Length Min", "Bwd Packet Length Mean", "Bwd Packet Length Std",
    "Flow Bytes/s", "Flow Packets/s", "Flow IAT Mean", "Flow IAT Std", "Flow IAT Max",
    "Flow IAT Min", "Fwd IAT Total", "Fwd IAT Mean", "Fwd IAT Std", "Fwd IAT Max",
    "Fwd IAT Min", "Bwd IAT Total", "Bwd IAT Mean", "Bwd IAT Std", "Bwd IAT Max",
    "Bwd IAT Min", "Fwd PSH Flags", "Bwd PSH Flags", "Fwd URG Flags", "Bwd URG Flags",
    "Fwd Header Length", "Bwd Header Length", "Fwd Packets/s", "Bwd Packets/s",
    "Packet Length Min", "Packet Length Max", "Packet Length Mean", "Packet Length Std",
    "Packet Length Variance", "FIN Flag Count", "SYN Flag Count", "RST Flag Count",
    "PSH Flag Count", "ACK Flag Count", "URG Flag Count", "CWR Flag Count", "ECE Flag Count",
    "Down/Up Ratio", "Average Packet Size", "Fwd Segment Size Avg", "Bwd Segment Size Avg",
    "Fwd Bytes/Bulk Avg", "Fwd Packet/Bulk Avg", "Fwd Bulk Rate Avg", "Bwd Bytes/Bulk Avg",
    "Bwd Packet/Bulk Avg", "Bwd Bulk Rate Avg", "Subflow Fwd Packets", "Subflow Fwd Bytes",
    "Subflow Bwd Packets", "Subflow Bwd Bytes", "FWD Init Win Bytes", "Bwd Init Win Bytes",
    "Fwd Act Data Pkts", "Fwd Seg Size Min", "Active Mean", "Active Std", "Active Max",
    "Active Min", "Idle Mean", "Idle Std", "Idle Max", "Idle Min", "Label",
]

TEXT_COLUMNS = {"Flow ID", "Src IP", "Dst IP", "Timestamp", "Label"}
INTEGER_COLUMNS = {
    "Src Port", "Dst Port", "Protocol", "Total Fwd Packet", "Total Bwd packets",
    "Total Length of Fwd Packet", "Total Length of Bwd Packet", "Fwd Packet Length Max",
    "Fwd Packet Length Min", "Bwd Packet Length Max", "Bwd Packet Length Min",
    "Fwd PSH Flags", "Bwd PSH Flags", "Fwd URG Flags", "Bwd URG Flags", "Fwd Header Length",
    "Bwd Header Length", "Packet Length Min", "Packet Length Max", "FIN Flag Count",
    "SYN Flag Count", "RST Flag Count", "PSH Flag Count", "ACK Flag Count", "URG Flag Count",
    "CWR Flag Count", "ECE Flag Count", "FWD Init Win Bytes", "Bwd Init Win Bytes",
    "Fwd Act Data Pkts", "Fwd Seg Size Min",
}
NOT_COMPARED = {"Label"}

TCP, UDP = 6, 17
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80


class InputError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Capture files: (link type, time in integer ns, captured bytes) per packet.

def read_capture(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4:
        raise InputError(f"{path}: too short to be a capture")
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return list(_read_pcapng(data, path))
    return list(_read_pcap(data, path))


def monotonic(frames):
    """The frames with capture time that never goes backwards: a timestamp earlier than the
    latest one seen in the file is taken as that latest time (flowcsv's documented input rule,
    FlowTable's capture clock; CIC would produce negative IATs). Returns (frames, how many
    were moved)."""
    latest, moved, result = None, 0, []
    for linktype, time_ns, frame in frames:
        if latest is not None and time_ns < latest:
            time_ns = latest
            moved += 1
        latest = time_ns
        result.append((linktype, time_ns, frame))
    return result, moved


def _read_pcap(data, path):
    magic = data[:4]
    table = {
        b"\xd4\xc3\xb2\xa1": ("<", 1000), b"\xa1\xb2\xc3\xd4": (">", 1000),
        b"\x4d\x3c\xb2\xa1": ("<", 1), b"\xa1\xb2\x3c\x4d": (">", 1),
    }
    if magic not in table or len(data) < 24:
        raise InputError(f"{path}: neither pcap nor pcapng")
    order, unit_ns = table[magic]
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    offset = 24
    while offset + 16 <= len(data):
        seconds, fraction, caplen, _wirelen = struct.unpack(order + "IIII", data[offset:offset + 16])
        offset += 16
        frame = data[offset:offset + caplen]
        offset += caplen
        if len(frame) < caplen:
            break  # a record cut short at the end of the file
        yield linktype, seconds * 1_000_000_000 + fraction * unit_ns, frame


def _tsresol_ns(ts, resolution):
    """A pcapng timestamp in units of if_tsresol, as integer ns (floor)."""
    if resolution & 0x80:
        return (ts * 1_000_000_000) >> (resolution & 0x7F)
    exponent = resolution
    if exponent <= 9:
        return ts * 10 ** (9 - exponent)
    return ts // 10 ** (exponent - 9)


def _read_pcapng(data, path):
    offset = 0
    order = "<"
    interfaces = []
    while offset + 12 <= len(data):
        if data[offset:offset + 4] == b"\x0a\x0d\x0d\x0a":
            bom = data[offset + 8:offset + 12]
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        block_type, length = struct.unpack(order + "II", data[offset:offset + 8])
        if length < 12 or offset + length > len(data):
            break
        body = data[offset + 8:offset + length - 4]
        offset += length
        if block_type == 1:  # Interface Description Block
            linktype = struct.unpack(order + "H", body[0:2])[0]
            resolution, ts_offset = 6, 0
            options = 8
            while options + 4 <= len(body):
                code, size = struct.unpack(order + "HH", body[options:options + 4])
                value = body[options + 4:options + 4 + size]
                if code == 0:
                    break
                if code == 9 and size >= 1:
                    resolution = value[0]
                elif code == 14 and size == 8:
                    ts_offset = struct.unpack(order + "q", value)[0]
                options += 4 + ((size + 3) & ~3)
            interfaces.append((linktype, resolution, ts_offset))
        elif block_type in (6, 2):  # Enhanced Packet Block, obsolete Packet Block
            if block_type == 6:
                interface, high, low, caplen, _ = struct.unpack(order + "IIIII", body[0:20])
            else:
                interface, _drops, high, low, caplen, _ = struct.unpack(order + "HHIIII", body[0:20])
            if interface >= len(interfaces):
                raise InputError(f"{path}: packet on an undeclared interface")
            linktype, resolution, ts_offset = interfaces[interface]
            ts = (high << 32) | low
            time_ns = _tsresol_ns(ts, resolution) + ts_offset * 1_000_000_000
            yield linktype, time_ns, body[20:20 + caplen]
        # Simple Packet Blocks carry no time and are not used; other blocks carry no packets.


# ---------------------------------------------------------------------------------------------
# Decoding: one record per IP packet that has a TCP/UDP header (or another protocol).

class Packet:
    __slots__ = ("time_ns", "proto", "src", "dst", "sport", "dport", "payload", "l4_header",
                 "flags", "window")


PPP_TO_ETHERTYPE = {0x0021: 0x0800, 0x0057: 0x86DD}


def _network_start(linktype, frame):
    """(ethertype-like tag, offset of the IP header) or None."""
    def ether_payload(ethertype, offset):
        while True:
            if ethertype in (0x8100, 0x88A8, 0x9100) and offset + 4 <= len(frame):  # VLAN tags
                ethertype = struct.unpack(">H", frame[offset + 2:offset + 4])[0]
                offset += 4
            elif ethertype == 0x8864 and offset + 8 <= len(frame):  # PPPoE session + PPP
                ethertype = PPP_TO_ETHERTYPE.get(struct.unpack(">H", frame[offset + 6:offset + 8])[0], 0)
                offset += 8
            elif ethertype == 0x8847:  # MPLS: labels up to bottom of stack, then IP by version
                while offset + 4 <= len(frame) and not frame[offset + 2] & 0x01:
                    offset += 4
                offset += 4
                if offset >= len(frame):
                    return None
                return {4: 0x0800, 6: 0x86DD}.get(frame[offset] >> 4, 0), offset
            else:
                return ethertype, offset

    if linktype == 1:  # Ethernet
        if len(frame) < 14:
            return None
        return ether_payload(struct.unpack(">H", frame[12:14])[0], 14)
    if linktype == 113:  # Linux SLL
        if len(frame) < 16:
            return None
        return ether_payload(struct.unpack(">H", frame[14:16])[0], 16)
    if linktype == 276:  # Linux SLL2
        if len(frame) < 20:
            return None
        return ether_payload(struct.unpack(">H", frame[0:2])[0], 20)
    if linktype == 104 or (linktype in (9, 50) and frame[:1] in (b"\x0f", b"\x8f")):  # Cisco HDLC
        if len(frame) < 4:
            return None
        return struct.unpack(">H", frame[2:4])[0], 4
    if linktype in (9, 50):  # PPP, PPP in HDLC framing: [FF 03] protocol
        offset = 2 if frame[:2] == b"\xff\x03" else 0
        if len(frame) < offset + 2:
            return None
        return PPP_TO_ETHERTYPE.get(struct.unpack(">H", frame[offset:offset + 2])[0], 0), offset + 2
    if linktype in (101, 12, 14):  # raw IP
        if not frame:
            return None
        return {4: 0x0800, 6: 0x86DD}.get(frame[0] >> 4, 0), 0
    if linktype == 228:
        return 0x0800, 0
    if linktype == 229:
        return 0x86DD, 0
    if linktype in (0, 108):  # BSD NULL (host order), LOOP (network order)
        if len(frame) < 4:
            return None
        family = struct.unpack(">I" if linktype == 108 else "<I", frame[0:4])[0]
        if linktype == 0 and family > 0xFFFF:
            family = struct.unpack(">I", frame[0:4])[0]
        if family == 2:
            return 0x0800, 4
        if family in (24, 28, 30):
            return 0x86DD, 4
        return None
    return None


def decode(linktype, time_ns, frame):
    """A Packet, or a reason string when the frame is not a decodable IP packet."""
    start = _network_start(linktype, frame)
    if start is None:
        return "not IP"
    ethertype, offset = start
    packet = Packet()
    packet.time_ns = time_ns
    if ethertype == 0x0800:
        if len(frame) < offset + 20 or frame[offset] >> 4 != 4:
            return "bad IPv4"
        ihl = (frame[offset] & 0x0F) * 4
        total = struct.unpack(">H", frame[offset + 2:offset + 4])[0]
        if ihl < 20 or total < ihl:
            return "bad IPv4"
        if struct.unpack(">H", frame[offset + 6:offset + 8])[0] & 0x3FFF:
            return "IP fragment"
        proto = frame[offset + 9]
        packet.src = ipaddress.IPv4Address(frame[offset + 12:offset + 16])
        packet.dst = ipaddress.IPv4Address(frame[offset + 16:offset + 20])
        l4 = offset + ihl
        ip_payload = total - ihl  # from the IP length field: Ethernet padding never counts
    elif ethertype == 0x86DD:
        if len(frame) < offset + 40 or frame[offset] >> 4 != 6:
            return "bad IPv6"
        ip_payload = struct.unpack(">H", frame[offset + 4:offset + 6])[0]
        if ip_payload == 0:
            return "IPv6 jumbogram"
        proto = frame[offset + 6]
        packet.src = ipaddress.IPv6Address(frame[offset + 8:offset + 24])
        packet.dst = ipaddress.IPv6Address(frame[offset + 24:offset + 40])
        l4 = offset + 40
        while proto in (0, 43, 60, 44, 51):
            if len(frame) < l4 + 8:
                return "IPv6 extension header cut"
            if proto == 44:
                if struct.unpack(">H", frame[l4 + 2:l4 + 4])[0] & 0xFFF9:
                    return "IP fragment"
                size = 8
            elif proto == 51:
                size = (frame[l4 + 1] + 2) * 4
            else:
                size = (frame[l4 + 1] + 1) * 8
            proto = frame[l4]
            l4 += size
            ip_payload -= size
        if ip_payload < 0:
            return "bad IPv6"
    else:
        return "not IP"
    packet.proto = proto
    packet.sport = packet.dport = 0
    packet.flags = 0
    packet.window = 0
    if proto == TCP:
        if len(frame) < l4 + 20:
            return "TCP header not captured"
        packet.sport, packet.dport = struct.unpack(">HH", frame[l4:l4 + 4])
        data_offset = (frame[l4 + 12] >> 4) * 4
        if data_offset < 20:
            return "bad TCP data offset"
        packet.flags = frame[l4 + 13]
        packet.window = struct.unpack(">H", frame[l4 + 14:l4 + 16])[0]
        header = data_offset
    elif proto == UDP:
        if len(frame) < l4 + 8:
            return "UDP header not captured"
        packet.sport, packet.dport = struct.unpack(">HH", frame[l4:l4 + 4])
        header = 8
    elif proto in (1, 58):  # ICMP, ICMPv6: an 8-byte header, no ports
        header = 8
    else:  # other protocols: no L4 header known, ports 0 (CIC gives ports only to TCP/UDP)
        header = 0
    # L4 header and payload lengths from the IP length fields (snap-length cuts don't count),
    # the header clipped to what the IP length leaves.
    packet.l4_header = min(header, ip_payload)
    packet.payload = ip_payload - packet.l4_header
    return packet


# ---------------------------------------------------------------------------------------------
# The CIC definitions, from the stored packets of one flow (fwd = client -> server).

def sample_std(values):
    """Sample standard deviation (n - 1), 0 when n < 2; two-pass, exact sums."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def summary(values):
    """(max, min, mean, sample std), all 0 for an empty list."""
    if not values:
        return 0, 0, 0.0, 0.0
    return max(values), min(values), math.fsum(values) / len(values), sample_std(values)


def gaps_us(times_ns):
    """Consecutive inter-arrival times in µs (ns / 1000, fractional on ns captures)."""
    return [(b - a) / 1000 for a, b in zip(times_ns, times_ns[1:])]


def bulks(packets, forward):
    """(bulk count, bulk packets, bulk payload bytes, summed bulk durations in µs) for one
    direction. A bulk is >= 4 consecutive payload packets of that direction: a gap of >= 1 s
    between two of them ends it, a payload packet of the other direction ends it, packets
    without payload (pure ACKs) of either direction neither join nor break it. Its duration
    is last - first of its packets."""
    count = total_packets = total_bytes = 0
    duration_ns = 0
    run = []  # (time_ns, payload) of the current run of this direction's payload packets

    def close():
        nonlocal count, total_packets, total_bytes, duration_ns
        if len(run) >= 4:
            count += 1
            total_packets += len(run)
            total_bytes += sum(size for _, size in run)
            duration_ns += run[-1][0] - run[0][0]

    for packet, is_forward in packets:
        if packet.payload == 0:
            continue
        if is_forward != forward:
            close()
            run = []
            continue
        if run and packet.time_ns - run[-1][0] >= 1_000_000_000:
            close()
            run = []
        run.append((packet.time_ns, packet.payload))
    close()
    return count, total_packets, total_bytes, duration_ns / 1000


def active_idle(times_ns, timeout_ns):
    """(active periods, idle periods) in µs. A gap > timeout between consecutive packets is an
    idle period and starts a new active period; active periods of length 0 are not recorded;
    the last active period is recorded (CIC #76 never did); no idle remainder after the last
    packet."""
    active, idle = [], []
    if not times_ns:
        return active, idle
    start = end = times_ns[0]
    for t in times_ns[1:]:
        if t - end > timeout_ns:
            if end > start:
                active.append((end - start) / 1000)
            idle.append((t - end) / 1000)
            start = t
        end = t
    if end > start:
        active.append((end - start) / 1000)
    return active, idle


def cic_timestamp(time_ns):
    """CIC's `dd/MM/yyyy hh:mm:ss a` layout, in UTC, with microseconds (truncated):
    `dd/MM/yyyy hh:mm:ss.ffffff AM` (12-hour clock: 00:xx is 12:xx AM, 12:xx is 12:xx PM)."""
    seconds, rest = divmod(time_ns, 1_000_000_000)
    tm = time.gmtime(seconds)
    hour12 = tm.tm_hour % 12 or 12
    half = "AM" if tm.tm_hour < 12 else "PM"
    return (f"{tm.tm_mday:02d}/{tm.tm_mon:02d}/{tm.tm_year:04d} "
            f"{hour12:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}.{rest // 1000:06d} {half}")


def parse_cic_timestamp(text):
    """Inverse of cic_timestamp: integer µs since the epoch, or None."""
    try:
        date, clock, half = text.split(" ")
        day, month, year = (int(x) for x in date.split("/"))
        hms, micros = clock.split(".")
        hour, minute, second = (int(x) for x in hms.split(":"))
        if half not in ("AM", "PM") or not 1 <= hour <= 12 or len(micros) != 6:
            return None
        hour = hour % 12 + (12 if half == "PM" else 0)
        seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
        return seconds * 1_000_000 + int(micros)
    except ValueError:
        return None


def compute(row_key, packets, timeout_ns):
    """The 84 CIC values (Label left empty) of one flow from its stored packets.
    row_key = (src, sport, dst, dport, proto) with src = the client; packets in capture order,
    each with its direction: [(Packet, is_forward)]."""
    src, sport, dst, dport, proto = row_key
    fwd = [p for p, f in packets if f]
    bwd = [p for p, f in packets if not f]
    every = [p for p, _ in packets]
    times = [p.time_ns for p in every]
    duration_us = (times[-1] - times[0]) / 1000
    duration_s = (times[-1] - times[0]) / 1e9
    fwd_len = [p.payload for p in fwd]
    bwd_len = [p.payload for p in bwd]
    all_len = [p.payload for p in every]
    fwd_bytes, bwd_bytes = sum(fwd_len), sum(bwd_len)

    def rate(amount):  # per second; 0 for duration 0
        return amount / duration_s if duration_s > 0 else 0.0

    def flags(group, bit):  # counted on every packet (CIC #129 counted the first only)
        return sum(1 for p in group if p.flags & bit)

    values = {}
    # Flow ID as CIC writes it, in the row's own (client-first) order.
    values["Flow ID"] = f"{src}-{dst}-{sport}-{dport}-{proto}"
    values["Src IP"], values["Src Port"] = str(src), sport
    values["Dst IP"], values["Dst Port"] = str(dst), dport
    values["Protocol"] = proto
    values["Timestamp"] = cic_timestamp(times[0])
    values["Flow Duration"] = duration_us
    values["Total Fwd Packet"], values["Total Bwd packets"] = len(fwd), len(bwd)
    values["Total Length of Fwd Packet"] = fwd_bytes
    values["Total Length of Bwd Packet"] = bwd_bytes
    for name, lengths in (("Fwd", fwd_len), ("Bwd", bwd_len)):
        high, low, mean, std = summary(lengths)
        values[f"{name} Packet Length Max"] = high
        values[f"{name} Packet Length Min"] = low
        values[f"{name} Packet Length Mean"] = mean
        values[f"{name} Packet Length Std"] = std
    values["Flow Bytes/s"] = rate(fwd_bytes + bwd_bytes)  # payload bytes, as CIC's lengths
    values["Flow Packets/s"] = rate(len(every))
    for name, group in (("Flow", every), ("Fwd", fwd), ("Bwd", bwd)):
        iats = gaps_us([p.time_ns for p in group])
        high, low, mean, std = summary(iats)
        if name != "Flow":
            values[f"{name} IAT Total"] = math.fsum(iats)
        values[f"{name} IAT Mean"] = mean
        values[f"{name} IAT Std"] = std
        values[f"{name} IAT Max"] = high
        values[f"{name} IAT Min"] = low
    values["Fwd PSH Flags"], values["Bwd PSH Flags"] = flags(fwd, PSH), flags(bwd, PSH)
    values["Fwd URG Flags"], values["Bwd URG Flags"] = flags(fwd, URG), flags(bwd, URG)
    # L4 header lengths only (TCP data offset x 4 with options, UDP 8), no IP header.
    values["Fwd Header Length"] = sum(p.l4_header for p in fwd)
    values["Bwd Header Length"] = sum(p.l4_header for p in bwd)
    values["Fwd Packets/s"], values["Bwd Packets/s"] = rate(len(fwd)), rate(len(bwd))
    # Packet Length * over both directions, each packet once (CIC #94 added the first twice).
    high, low, mean, std = summary(all_len)
    values["Packet Length Min"], values["Packet Length Max"] = low, high
    values["Packet Length Mean"], values["Packet Length Std"] = mean, std
    values["Packet Length Variance"] = std * std
    for name, bit in (("FIN", FIN), ("SYN", SYN), ("RST", RST), ("PSH", PSH), ("ACK", ACK),
                      ("URG", URG), ("CWR", CWR), ("ECE", ECE)):
        values[f"{name} Flag Count"] = flags(every, bit)  # both directions
    values["Down/Up Ratio"] = len(bwd) / len(fwd) if fwd else 0.0  # float division
    values["Average Packet Size"] = (fwd_bytes + bwd_bytes) / len(every)  # mean payload
    values["Fwd Segment Size Avg"] = fwd_bytes / len(fwd) if fwd else 0.0  # fwd payload mean
    values["Bwd Segment Size Avg"] = bwd_bytes / len(bwd) if bwd else 0.0
    for name, forward in (("Fwd", True), ("Bwd", False)):
        count, bulk_packets, bulk_bytes, bulk_us = bulks(packets, forward)
        values[f"{name} Bytes/Bulk Avg"] = bulk_bytes / count if count else 0.0
        values[f"{name} Packet/Bulk Avg"] = bulk_packets / count if count else 0.0
        values[f"{name} Bulk Rate Avg"] = bulk_bytes / (bulk_us / 1e6) if bulk_us > 0 else 0.0
    # Subflows: 1 + the number of gaps > 1 s between consecutive packets; the subflow
    # columns are totals (packets, payload bytes as CIC's forwardBytes) / subflow count.
    subflows = 1 + sum(1 for gap in gaps_us(times) if gap > 1_000_000)
    values["Subflow Fwd Packets"] = len(fwd) / subflows
    values["Subflow Fwd Bytes"] = fwd_bytes / subflows
    values["Subflow Bwd Packets"] = len(bwd) / subflows
    values["Subflow Bwd Bytes"] = bwd_bytes / subflows
    # Initial windows: the first TCP packet each side sent, raw (no scaling); 0 for UDP,
    # other protocols, or a side that sent nothing.
    values["FWD Init Win Bytes"] = fwd[0].window if fwd and proto == TCP else 0
    values["Bwd Init Win Bytes"] = bwd[0].window if bwd and proto == TCP else 0
    values["Fwd Act Data Pkts"] = sum(1 for p in fwd if p.payload >= 1)  # first included
    # What CIC actually computes under this name: the smallest forward L4 header length.
    values["Fwd Seg Size Min"] = min(p.l4_header for p in fwd) if fwd else 0
    active, idle = active_idle(times, timeout_ns)
    for name, periods in (("Active", active), ("Idle", idle)):
        high, low, mean, std = summary(periods)
        values[f"{name} Mean"], values[f"{name} Std"] = mean, std
        values[f"{name} Max"], values[f"{name} Min"] = high, low
    values["Label"] = ""
    assert set(values) == set(CIC_COLUMNS)
    return values


# ---------------------------------------------------------------------------------------------
# Matching packets to flowcsv's rows, and comparing.

def canonical(proto, a, a_port, b, b_port):
    ends = sorted([(a.version, int(a), a_port), (b.version, int(b), b_port)])
    return proto, ends[0], ends[1]


def parse_number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def same(column, ours, text):
    if column in TEXT_COLUMNS:
        return text == ours
    theirs = parse_number(text)
    if theirs is None:
        return False
    if column in INTEGER_COLUMNS:
        return theirs == ours
    return abs(theirs - ours) <= 1e-9 * max(abs(theirs), abs(ours)) + 5e-7


def run(capture, csv_path, timeout_s, examples, out):
    frames, moved = monotonic(read_capture(capture))
    with open(csv_path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    problems = []
    if not table:
        raise InputError(f"{csv_path}: empty")
    header, rows = table[0], table[1:]
    if header != CIC_COLUMNS:
        problems.append(f"header differs from CICFlowMeter master's 84 names: {header}")
        missing = [c for c in CIC_COLUMNS if c not in header]
        if missing:
            print(f"FAIL: header lacks {missing}", file=out)
            return 1
    at = {name: i for i, name in enumerate(header)}

    # Rows by key; each with its time range in ns. Timestamp is truncated to µs, so the first
    # packet lies in [start, start + 999 ns].
    by_key = {}
    row_info = []
    for index, row in enumerate(rows):
        if len(row) != len(header):
            problems.append(f"row {index + 2}: {len(row)} fields, not {len(header)}")
            row_info.append(None)
            continue
        try:
            src, dst = ipaddress.ip_address(row[at["Src IP"]]), ipaddress.ip_address(row[at["Dst IP"]])
            sport, dport, proto = int(row[at["Src Port"]]), int(row[at["Dst Port"]]), int(row[at["Protocol"]])
        except ValueError:
            problems.append(f"row {index + 2}: unreadable endpoints {row[:6]}")
            row_info.append(None)
            continue
        start_us = parse_cic_timestamp(row[at["Timestamp"]])
        duration = parse_number(row[at["Flow Duration"]])
        if start_us is None or duration is None or duration < 0:
            problems.append(f"row {index + 2}: unreadable Timestamp/Flow Duration "
                            f"{row[at['Timestamp']]!r} {row[at['Flow Duration']]!r}")
            row_info.append(None)
            continue
        low = start_us * 1000
        high = low + 999 + round(duration * 1000)
        info = {"key": (src, sport, dst, dport, proto), "low": low, "high": high, "packets": [],
                "ambiguous": 0}
        row_info.append(info)
        by_key.setdefault(canonical(proto, src, sport, dst, dport), []).append(info)

    skipped = {}
    unmatched = []
    ambiguous = 0
    for linktype, time_ns, frame in frames:
        packet = decode(linktype, time_ns, frame)
        if isinstance(packet, str):
            skipped[packet] = skipped.get(packet, 0) + 1
            continue
        key = canonical(packet.proto, packet.src, packet.sport, packet.dst, packet.dport)
        hits = [info for info in by_key.get(key, []) if info["low"] <= time_ns <= info["high"]]
        if not hits:
            unmatched.append(packet)
        elif len(hits) > 1:
            ambiguous += 1
            for info in hits:
                info["ambiguous"] += 1
        else:
            info = hits[0]
            src, sport = info["key"][0], info["key"][1]
            forward = packet.src == src and packet.sport == sport
            info["packets"].append((packet, forward))

    compared_rows = compared_cells = 0
    mismatches = {}
    empty_rows = []
    for index, (row, info) in enumerate(zip(rows, row_info)):
        if info is None:
            continue
        if info["ambiguous"]:
            problems.append(f"row {index + 2} ({row[0]}): {info['ambiguous']} packet(s) fit it and "
                            f"another row: not compared")
            continue
        if not info["packets"]:
            empty_rows.append(index)
            continue
        ours = compute(info["key"], info["packets"], int(round(timeout_s * 1e9)))
        compared_rows += 1
        for column in CIC_COLUMNS:
            if column in NOT_COMPARED:
                continue
            compared_cells += 1
            text = row[at[column]]
            if not same(column, ours[column], text):
                mismatches.setdefault(column, []).append((index + 2, row[at["Flow ID"]], ours[column], text))

    for index in empty_rows:
        problems.append(f"row {index + 2} ({rows[index][0]}): no packet of the capture fits it")
    if unmatched:
        first = unmatched[0]
        problems.append(f"{len(unmatched)} packet(s) fit no row, e.g. {first.src}:{first.sport} -> "
                        f"{first.dst}:{first.dport} proto {first.proto} at {first.time_ns} ns")
    if ambiguous:
        problems.append(f"{ambiguous} packet(s) fit more than one row")

    print(f"capture: {capture}", file=out)
    print(f"rows: {len(rows)} in the CSV, {compared_rows} compared; "
          f"columns compared: {len(CIC_COLUMNS) - len(NOT_COMPARED)} per row "
          f"({compared_cells} values; Label not compared)", file=out)
    if moved:
        print(f"timestamps earlier than the latest seen, taken as the latest: {moved}", file=out)
    if skipped:
        print("packets not decoded (not flow packets here): "
              + ", ".join(f"{reason} {count}" for reason, count in sorted(skipped.items())), file=out)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=out)
    for column in CIC_COLUMNS:
        if column in mismatches:
            cases = mismatches[column]
            print(f"MISMATCH {column}: {len(cases)} row(s)", file=out)
            for line, flow_id, ours, theirs in cases[:examples]:
                print(f"    line {line} {flow_id}: reference {ours!r}, flowcsv {theirs!r}", file=out)
    if not mismatches and not problems:
        print("OK: every compared value agrees", file=out)
        return 0
    print(f"FAIL: {sum(len(c) for c in mismatches.values())} mismatching value(s) in "
          f"{len(mismatches)} column(s), {len(problems)} problem(s)", file=out)
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("capture")
    parser.add_argument("csv", help="flowcsv --schema cic output for this capture alone")
    parser.add_argument("--activity-timeout", type=float, default=5.0,
                        help="seconds; a gap longer than this starts a new active period (default 5)")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per mismatching column")
    arguments = parser.parse_args(argv)
    try:
        return run(arguments.capture, arguments.csv, arguments.activity_timeout, arguments.examples, sys.stdout)
    except (InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
