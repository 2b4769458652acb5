#!/usr/bin/env python3
"""Hand-worked checks of cic_reference.py (run: python3 -m unittest test_cic_reference, or
python3 test_cic_reference.py). Packets are built with dpkt, written to small captures by
hand (pcap µs, pcap ns, pcapng with if_tsresol 9), and every expected value below is worked out
by hand from those packets, not taken from the script or from flowcsv.
"""

import io
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dpkt  # noqa: E402

import cic_reference as ref  # noqa: E402

MAC_A, MAC_B = b"\x02\x00\x00\x00\x00\x01", b"\x02\x00\x00\x00\x00\x02"
C4, S4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
T0_NS = 1_500_000_000_123_456_000  # 14/07/2017 02:40:00.123456 UTC
MS = 1_000_000  # ns


def tcp_frame(src, dst, sport, dport, flags, window, payload=0, options=b"", pad_to=0):
    segment = dpkt.tcp.TCP(sport=sport, dport=dport, seq=1, ack=1, flags=flags, win=window,
                           opts=options, data=b"x" * payload)
    segment.off = (20 + len(options)) // 4
    packet = dpkt.ip.IP(src=src, dst=dst, p=dpkt.ip.IP_PROTO_TCP, ttl=64, data=segment)
    frame = bytes(dpkt.ethernet.Ethernet(src=MAC_A, dst=MAC_B, type=0x0800, data=packet))
    return frame + b"\x00" * max(0, pad_to - len(frame))  # Ethernet trailer padding


def udp4_frame(src, dst, sport, dport, payload):
    datagram = dpkt.udp.UDP(sport=sport, dport=dport, data=b"u" * payload)
    datagram.ulen = 8 + payload
    packet = dpkt.ip.IP(src=src, dst=dst, p=dpkt.ip.IP_PROTO_UDP, ttl=64, data=datagram)
    return bytes(dpkt.ethernet.Ethernet(src=MAC_A, dst=MAC_B, type=0x0800, data=packet))


def udp6_vlan_frame(src, dst, sport, dport, payload):
    datagram = dpkt.udp.UDP(sport=sport, dport=dport, data=b"v" * payload)
    datagram.ulen = 8 + payload
    body = bytes(datagram)
    header = dpkt.ip6.IP6(src=src, dst=dst, nxt=dpkt.ip.IP_PROTO_UDP, hlim=64, plen=len(body))
    header.data = b""
    ip6 = header.pack_hdr() + body
    return MAC_B + MAC_A + b"\x81\x00" + struct.pack(">H", 7) + b"\x86\xdd" + ip6


def write_pcap(path, packets, nano=False, linktype=1):
    with open(path, "wb") as out:
        magic = 0xA1B23C4D if nano else 0xA1B2C3D4
        out.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype))
        for time_ns, frame in packets:
            seconds, rest = divmod(time_ns, 1_000_000_000)
            fraction = rest if nano else rest // 1000
            out.write(struct.pack("<IIII", seconds, fraction, len(frame), len(frame)) + frame)


def write_pcapng_ns(path, packets, linktype=1):
    def block(kind, body):
        body += b"\x00" * (-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

    with open(path, "wb") as out:
        out.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        options = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)  # if_tsresol = 10^-9
        out.write(block(1, struct.pack("<HHI", linktype, 0, 65535) + options))
        for time_ns, frame in packets:
            out.write(block(6, struct.pack("<IIIII", 0, time_ns >> 32, time_ns & 0xFFFFFFFF,
                                           len(frame), len(frame)) + frame))


# The TCP flow, client 10.0.0.1:40000 -> server 10.0.0.2:80 (times in ms after T0):
#  #  t     dir  flags        payload  TCP header  window
#  1  0     C>S  SYN ECE CWR    0      24 (MSS)    1000
#  2  10    S>C  SYN ACK ECE    0      24 (MSS)    2000
#  3  20    C>S  ACK            0      20          1001   (frame padded to 60 bytes)
#  4  30    C>S  PSH ACK      100      20          1002
#  5  40    C>S  ACK          200      20          1003
#  6  50    S>C  ACK            0      20          2001   (pure ACK inside the bulk)
#  7  60    C>S  ACK          300      20          1004
#  8  70    C>S  PSH ACK URG  400      20          1005
#  9  80    S>C  PSH ACK       50      20          2002   (ends the forward bulk)
# 10  1580  C>S  ACK           10      20          1006   (gap 1.5 s: a subflow gap)
# 11  7580  S>C  FIN ACK        0      20          2003   (gap 6 s: idle, new active period)
# 12  7600  C>S  FIN ACK        0      20          1007
# 13  7610  S>C  ACK            0      20          2004
# plus a one-packet UDP flow 10.0.0.3:5000 -> 10.0.0.4:6000, 12 payload bytes, at 3000 ms.
F = dpkt.tcp
MSS = b"\x02\x04\x05\xb4"
TCP_ROWS = [
    (0, True, F.TH_SYN | F.TH_ECE | F.TH_CWR, 0, MSS, 1000),
    (10, False, F.TH_SYN | F.TH_ACK | F.TH_ECE, 0, MSS, 2000),
    (20, True, F.TH_ACK, 0, b"", 1001),
    (30, True, F.TH_PUSH | F.TH_ACK, 100, b"", 1002),
    (40, True, F.TH_ACK, 200, b"", 1003),
    (50, False, F.TH_ACK, 0, b"", 2001),
    (60, True, F.TH_ACK, 300, b"", 1004),
    (70, True, F.TH_PUSH | F.TH_ACK | F.TH_URG, 400, b"", 1005),
    (80, False, F.TH_PUSH | F.TH_ACK, 50, b"", 2002),
    (1580, True, F.TH_ACK, 10, b"", 1006),
    (7580, False, F.TH_FIN | F.TH_ACK, 0, b"", 2003),
    (7600, True, F.TH_FIN | F.TH_ACK, 0, b"", 1007),
    (7610, False, F.TH_ACK, 0, b"", 2004),
]


def capture_a():
    packets = []
    for number, (ms, forward, flags, payload, options, window) in enumerate(TCP_ROWS, 1):
        src, dst, sport, dport = (C4, S4, 40000, 80) if forward else (S4, C4, 80, 40000)
        frame = tcp_frame(src, dst, sport, dport, flags, window, payload, options,
                          pad_to=60 if number == 3 else 0)
        packets.append((T0_NS + ms * MS, frame))
    packets.append((T0_NS + 3000 * MS, udp4_frame(bytes([10, 0, 0, 3]), bytes([10, 0, 0, 4]), 5000, 6000, 12)))
    packets.sort(key=lambda p: p[0])
    return packets


def expected_tcp():
    """Every CIC value of the TCP flow, worked out by hand from the table above."""
    seconds = 7.61
    fwd_iat_sq = 2 * 20_000 ** 2 + 3 * 10_000 ** 2 + 1_510_000 ** 2 + 6_020_000 ** 2
    bwd_iat_sq = 40_000 ** 2 + 2 * 30_000 ** 2 + 7_500_000 ** 2
    flow_iat_sq = 9 * 10_000 ** 2 + 1_500_000 ** 2 + 6_000_000 ** 2 + 20_000 ** 2
    return {
        "Flow ID": "10.0.0.1-10.0.0.2-40000-80-6", "Src IP": "10.0.0.1", "Src Port": 40000,
        "Dst IP": "10.0.0.2", "Dst Port": 80, "Protocol": 6,
        "Timestamp": "14/07/2017 02:40:00.123456 AM", "Flow Duration": 7_610_000.0,
        "Total Fwd Packet": 8, "Total Bwd packets": 5,
        "Total Length of Fwd Packet": 1010, "Total Length of Bwd Packet": 50,
        # fwd payloads 0 0 100 200 300 400 10 0: sum 1010, sum of squares 300100
        "Fwd Packet Length Max": 400, "Fwd Packet Length Min": 0, "Fwd Packet Length Mean": 126.25,
        "Fwd Packet Length Std": math.sqrt((300_100 - 8 * 126.25 ** 2) / 7),
        # bwd payloads 0 0 50 0 0
        "Bwd Packet Length Max": 50, "Bwd Packet Length Min": 0, "Bwd Packet Length Mean": 10.0,
        "Bwd Packet Length Std": math.sqrt((2500 - 5 * 10 ** 2) / 4),
        "Flow Bytes/s": 1060 / seconds, "Flow Packets/s": 13 / seconds,
        # flow IATs (µs): 8 x 10000, 1500000, 6000000, 20000, 10000
        "Flow IAT Mean": 7_610_000 / 12,
        "Flow IAT Std": math.sqrt((flow_iat_sq - 7_610_000 ** 2 / 12) / 11),
        "Flow IAT Max": 6_000_000, "Flow IAT Min": 10_000,
        # fwd IATs: 20000 10000 10000 20000 10000 1510000 6020000
        "Fwd IAT Total": 7_600_000, "Fwd IAT Mean": 7_600_000 / 7,
        "Fwd IAT Std": math.sqrt((fwd_iat_sq - 7_600_000 ** 2 / 7) / 6),
        "Fwd IAT Max": 6_020_000, "Fwd IAT Min": 10_000,
        # bwd IATs: 40000 30000 7500000 30000
        "Bwd IAT Total": 7_600_000, "Bwd IAT Mean": 1_900_000,
        "Bwd IAT Std": math.sqrt((bwd_iat_sq - 7_600_000 ** 2 / 4) / 3),
        "Bwd IAT Max": 7_500_000, "Bwd IAT Min": 30_000,
        "Fwd PSH Flags": 2, "Bwd PSH Flags": 1, "Fwd URG Flags": 1, "Bwd URG Flags": 0,
        "Fwd Header Length": 24 + 7 * 20, "Bwd Header Length": 24 + 4 * 20,
        "Fwd Packets/s": 8 / seconds, "Bwd Packets/s": 5 / seconds,
        # all 13 payloads: sum 1060, sum of squares 302600
        "Packet Length Min": 0, "Packet Length Max": 400, "Packet Length Mean": 1060 / 13,
        "Packet Length Std": math.sqrt(2_810_200 / 156), "Packet Length Variance": 2_810_200 / 156,
        "FIN Flag Count": 2, "SYN Flag Count": 2, "RST Flag Count": 0, "PSH Flag Count": 3,
        "ACK Flag Count": 12, "URG Flag Count": 1, "CWR Flag Count": 1, "ECE Flag Count": 2,
        "Down/Up Ratio": 0.625, "Average Packet Size": 1060 / 13,
        "Fwd Segment Size Avg": 126.25, "Bwd Segment Size Avg": 10.0,
        # forward bulk: packets 4 5 7 8 (the pure ACK 6 ignored), ended by 9; 40 ms
        "Fwd Bytes/Bulk Avg": 1000.0, "Fwd Packet/Bulk Avg": 4.0, "Fwd Bulk Rate Avg": 1000 / 0.04,
        "Bwd Bytes/Bulk Avg": 0.0, "Bwd Packet/Bulk Avg": 0.0, "Bwd Bulk Rate Avg": 0.0,
        # gaps > 1 s: 1.5 s and 6 s, so 3 subflows
        "Subflow Fwd Packets": 8 / 3, "Subflow Fwd Bytes": 1010 / 3,
        "Subflow Bwd Packets": 5 / 3, "Subflow Bwd Bytes": 50 / 3,
        "FWD Init Win Bytes": 1000, "Bwd Init Win Bytes": 2000,
        "Fwd Act Data Pkts": 5, "Fwd Seg Size Min": 20,
        # active 0..1580 ms and 7580..7610 ms; idle 6 s between
        "Active Mean": 805_000.0, "Active Std": 775_000 * math.sqrt(2),
        "Active Max": 1_580_000, "Active Min": 30_000,
        "Idle Mean": 6_000_000.0, "Idle Std": 0.0, "Idle Max": 6_000_000, "Idle Min": 6_000_000,
        "Label": "",
    }


def expected_one_packet():
    values = {column: 0 for column in ref.CIC_COLUMNS}
    values.update({
        "Flow ID": "10.0.0.3-10.0.0.4-5000-6000-17", "Src IP": "10.0.0.3", "Src Port": 5000,
        "Dst IP": "10.0.0.4", "Dst Port": 6000, "Protocol": 17,
        "Timestamp": "14/07/2017 02:40:03.123456 AM",
        "Total Fwd Packet": 1, "Total Length of Fwd Packet": 12, "Fwd Packet Length Max": 12,
        "Fwd Packet Length Min": 12, "Fwd Packet Length Mean": 12, "Fwd Header Length": 8,
        "Packet Length Min": 12, "Packet Length Max": 12, "Packet Length Mean": 12,
        "Average Packet Size": 12, "Fwd Segment Size Avg": 12, "Subflow Fwd Packets": 1,
        "Subflow Fwd Bytes": 12, "Fwd Act Data Pkts": 1, "Fwd Seg Size Min": 8, "Label": "",
    })
    return values


# The UDP flow over IPv6 with an 802.1Q tag, nanosecond times:
#  U1 T1 + 100 ns        client [2001:db8::1]:5353 -> [2001:db8::2]:53, 30 bytes
#  U2 T1 + 0.5 s + 250 ns server -> client, 70 bytes
#  U3 T1 + 0.7 s + 500 ns client -> server, 0 bytes
T1_NS = 1_600_000_000_000_000_000  # 13/09/2020 12:26:40 UTC: a 12 PM hour
C6 = bytes.fromhex("20010db8000000000000000000000001")
S6 = bytes.fromhex("20010db8000000000000000000000002")


def capture_b():
    return [
        (T1_NS + 100, udp6_vlan_frame(C6, S6, 5353, 53, 30)),
        (T1_NS + 500_000_250, udp6_vlan_frame(S6, C6, 53, 5353, 70)),
        (T1_NS + 700_000_500, udp6_vlan_frame(C6, S6, 5353, 53, 0)),
    ]


def expected_udp6():
    values = {column: 0 for column in ref.CIC_COLUMNS}
    iats = (500_000.15, 200_000.25)
    values.update({
        "Flow ID": "2001:db8::1-2001:db8::2-5353-53-17", "Src IP": "2001:db8::1", "Src Port": 5353,
        "Dst IP": "2001:db8::2", "Dst Port": 53, "Protocol": 17,
        "Timestamp": "13/09/2020 12:26:40.000000 PM", "Flow Duration": 700_000.4,
        "Total Fwd Packet": 2, "Total Bwd packets": 1,
        "Total Length of Fwd Packet": 30, "Total Length of Bwd Packet": 70,
        "Fwd Packet Length Max": 30, "Fwd Packet Length Min": 0, "Fwd Packet Length Mean": 15.0,
        "Fwd Packet Length Std": 30 / math.sqrt(2),
        "Bwd Packet Length Max": 70, "Bwd Packet Length Min": 70, "Bwd Packet Length Mean": 70.0,
        "Flow Bytes/s": 100 / 0.7000004, "Flow Packets/s": 3 / 0.7000004,
        "Flow IAT Mean": 350_000.2, "Flow IAT Std": (iats[0] - iats[1]) / math.sqrt(2),
        "Flow IAT Max": iats[0], "Flow IAT Min": iats[1],
        "Fwd IAT Total": 700_000.4, "Fwd IAT Mean": 700_000.4, "Fwd IAT Max": 700_000.4,
        "Fwd IAT Min": 700_000.4,
        "Fwd Header Length": 16, "Bwd Header Length": 8,
        "Fwd Packets/s": 2 / 0.7000004, "Bwd Packets/s": 1 / 0.7000004,
        "Packet Length Min": 0, "Packet Length Max": 70, "Packet Length Mean": 100 / 3,
        # payloads 30 70 0: sum of squares 5800
        "Packet Length Std": math.sqrt((5800 - 100 ** 2 / 3) / 2),
        "Packet Length Variance": (5800 - 100 ** 2 / 3) / 2,
        "Down/Up Ratio": 0.5, "Average Packet Size": 100 / 3,
        "Fwd Segment Size Avg": 15.0, "Bwd Segment Size Avg": 70.0,
        "Subflow Fwd Packets": 2, "Subflow Fwd Bytes": 30, "Subflow Bwd Packets": 1,
        "Subflow Bwd Bytes": 70, "Fwd Act Data Pkts": 1, "Fwd Seg Size Min": 8,
        "Active Mean": 700_000.4, "Active Max": 700_000.4, "Active Min": 700_000.4,
        "Label": "",
    })
    return values


def csv_text(rows):
    out = io.StringIO()
    out.write(",".join(ref.CIC_COLUMNS) + "\n")
    for values in rows:
        fields = []
        for column in ref.CIC_COLUMNS:
            value = values[column]
            fields.append(f"{value:.6f}" if isinstance(value, float) else str(value))
        out.write(",".join(fields) + "\n")
    return out.getvalue()


class ReferenceTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.folder.cleanup()

    def path(self, name):
        return os.path.join(self.folder.name, name)

    def check(self, capture, rows):
        """Runs the script's comparison on `capture` against a CSV holding `rows`."""
        csv_path = self.path("flows.csv")
        with open(csv_path, "w") as out:
            out.write(csv_text(rows))
        report = io.StringIO()
        status = ref.run(capture, csv_path, 5.0, 3, report)
        return status, report.getvalue()

    def assert_values(self, got, expected):
        for column in ref.CIC_COLUMNS:
            want = expected[column]
            if isinstance(want, str):
                self.assertEqual(got[column], want, column)
            else:
                self.assertTrue(math.isclose(got[column], want, rel_tol=1e-12, abs_tol=1e-9),
                                f"{column}: got {got[column]!r}, expected {want!r}")

    def flows(self, capture):
        """The script's own values for each flow of `capture`, by client endpoint."""
        packets = [ref.decode(*frame) for frame in ref.read_capture(capture)]
        packets = [p for p in packets if not isinstance(p, str)]
        result = {}
        for client, server in (((C4, 40000), (S4, 80)), ((bytes([10, 0, 0, 3]), 5000), (bytes([10, 0, 0, 4]), 6000)),
                               ((C6, 5353), (S6, 53))):
            address = ref.ipaddress.ip_address(client[0])
            other = ref.ipaddress.ip_address(server[0])
            mine = [(p, p.src == address) for p in packets
                    if {(p.src, p.sport), (p.dst, p.dport)} == {(address, client[1]), (other, server[1])}]
            if mine:
                proto = mine[0][0].proto
                result[str(address)] = ref.compute((address, client[1], other, server[1], proto), mine, 5_000_000_000)
        return result

    def test_tcp_flow_every_column(self):
        write_pcap(self.path("a.pcap"), capture_a())
        flows = self.flows(self.path("a.pcap"))
        self.assert_values(flows["10.0.0.1"], expected_tcp())
        self.assert_values(flows["10.0.0.3"], expected_one_packet())

    def test_udp6_vlan_nanoseconds_pcap_and_pcapng(self):
        write_pcap(self.path("b.pcap"), capture_b(), nano=True)
        write_pcapng_ns(self.path("b.pcapng"), capture_b())
        self.assert_values(self.flows(self.path("b.pcap"))["2001:db8::1"], expected_udp6())
        self.assert_values(self.flows(self.path("b.pcapng"))["2001:db8::1"], expected_udp6())

    def test_boundaries_exactly_one_and_five_seconds(self):
        # one-way UDP, 10 payload bytes each, at 0, 0.1, 0.2, 1.2, 1.3, 1.4, 1.5 and 6.5 s:
        # 0.2 -> 1.2 is exactly 1 s: it ends a bulk run (>= 1 s) but is no subflow gap (> 1 s);
        # 1.5 -> 6.5 is exactly 5 s: no new active period (> 5 s), but a subflow gap.
        # Bulk runs: [0, 0.1, 0.2] (3: none), [1.2 .. 1.5] (4: one bulk of 40 bytes, 0.3 s), [6.5].
        times_ms = [0, 100, 200, 1200, 1300, 1400, 1500, 6500]
        packets = [(T0_NS + ms * MS, udp4_frame(C4, S4, 7000, 8000, 10)) for ms in times_ms]
        write_pcap(self.path("c.pcap"), packets)
        decoded = [ref.decode(*frame) for frame in ref.read_capture(self.path("c.pcap"))]
        key = (ref.ipaddress.ip_address(C4), 7000, ref.ipaddress.ip_address(S4), 8000, 17)
        got = ref.compute(key, [(p, True) for p in decoded], 5_000_000_000)
        self.assertEqual(got["Fwd Packet/Bulk Avg"], 4.0)
        self.assertEqual(got["Fwd Bytes/Bulk Avg"], 40.0)
        self.assertAlmostEqual(got["Fwd Bulk Rate Avg"], 40 / 0.3, places=9)
        self.assertEqual(got["Subflow Fwd Packets"], 8 / 2)
        self.assertEqual(got["Subflow Fwd Bytes"], 80 / 2)
        self.assertEqual((got["Active Mean"], got["Active Min"], got["Active Max"]), (6_500_000, 6_500_000, 6_500_000))
        self.assertEqual((got["Idle Mean"], got["Idle Max"]), (0, 0))
        self.assertEqual(got["Bwd Init Win Bytes"], 0)
        self.assertEqual(got["Down/Up Ratio"], 0.0)

    def test_comparison_passes_on_the_hand_values(self):
        write_pcap(self.path("a.pcap"), capture_a())
        status, report = self.check(self.path("a.pcap"), [expected_tcp(), expected_one_packet()])
        self.assertEqual(status, 0, report)
        self.assertIn("2 compared", report)
        write_pcapng_ns(self.path("b.pcapng"), capture_b())
        status, report = self.check(self.path("b.pcapng"), [expected_udp6()])
        self.assertEqual(status, 0, report)

    def test_comparison_reports_a_wrong_value(self):
        write_pcap(self.path("a.pcap"), capture_a())
        wrong = expected_tcp()
        wrong["Bwd Init Win Bytes"] = 2004  # CIC's bug #21: the last window, not the first
        status, report = self.check(self.path("a.pcap"), [wrong, expected_one_packet()])
        self.assertEqual(status, 1)
        self.assertIn("MISMATCH Bwd Init Win Bytes: 1 row(s)", report)
        self.assertEqual(report.count("MISMATCH"), 1, report)

    def test_rounding_to_six_decimals_is_tolerated_but_not_more(self):
        self.assertTrue(ref.same("Flow IAT Mean", 2 / 3, "0.666667"))
        self.assertFalse(ref.same("Flow IAT Mean", 2 / 3, "0.666660"))
        # large values: relative 1e-9
        self.assertTrue(ref.same("Flow Bytes/s", 1e9 / 3, "333333333.333333"))
        self.assertTrue(ref.same("Flow Bytes/s", 1e9 / 3, "333333333.5"))
        self.assertFalse(ref.same("Flow Bytes/s", 1e9 / 3, "333333334.0"))
        self.assertTrue(ref.same("Total Fwd Packet", 8, "8.0"))
        self.assertFalse(ref.same("Total Fwd Packet", 8, "8.5"))
        self.assertFalse(ref.same("Flow Bytes/s", 0.0, "nan"))
        self.assertFalse(ref.same("Flow Bytes/s", 0.0, "inf"))

    def test_a_packet_without_row_and_a_row_without_packets_fail(self):
        write_pcap(self.path("a.pcap"), capture_a())
        status, report = self.check(self.path("a.pcap"), [expected_tcp()])
        self.assertEqual(status, 1)
        self.assertIn("1 packet(s) fit no row", report)
        ghost = expected_one_packet()
        ghost["Timestamp"] = "14/07/2017 02:41:00.000000 AM"
        status, report = self.check(self.path("a.pcap"), [expected_tcp(), ghost])
        self.assertEqual(status, 1)
        self.assertIn("no packet of the capture fits it", report)
        status, report = self.check(self.path("a.pcap"), [expected_tcp(), expected_one_packet(), expected_one_packet()])
        self.assertEqual(status, 1)
        self.assertIn("1 packet(s) fit more than one row", report)
        self.assertIn("another row: not compared", report)

    def test_backwards_timestamps_take_the_latest_time(self):
        frames, moved = ref.monotonic([(1, 10, b""), (1, 30, b""), (1, 20, b""), (1, 40, b"")])
        self.assertEqual([t for _, t, _ in frames], [10, 30, 30, 40])
        self.assertEqual(moved, 1)

    def test_timestamp_layout(self):
        self.assertEqual(ref.cic_timestamp(0), "01/01/1970 12:00:00.000000 AM")
        self.assertEqual(ref.cic_timestamp(43_200_000_000_999), "01/01/1970 12:00:00.000000 PM")
        self.assertEqual(ref.cic_timestamp(46_800_123_456_789), "01/01/1970 01:00:00.123456 PM")
        self.assertEqual(ref.parse_cic_timestamp("01/01/1970 01:00:00.123456 PM"), 46_800_123_456)


CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "corpus", "captures")


@unittest.skipUnless(shutil.which("tshark") and os.path.isdir(CORPUS), "needs tshark and ../shared/corpus")
class TsharkCrossCheck(unittest.TestCase):
    """The script's decoding of real captures against tshark's dissection: per 5-tuple and
    direction, packets, payload bytes (tcp.len / udp.length - 8), L4 header bytes, PSH and
    the first window. (Whole captures, one group per 5-tuple: no flow boundaries involved.)"""

    CAPTURES = ["foxio__ssh-scp-1050.pcap", "zeek__ftp__ipv6.pcap", "zeek__tcp-http-with-padding.pcap",
                "tcpdump__tcp-handshake-nano.pcap", "ndpi__quic-v2.pcapng", "zeek__tls__pop3-starttls.pcap"]

    @staticmethod
    def tshark(path):
        fields = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
                  "udp.dstport", "tcp.len", "tcp.hdr_len", "udp.length", "tcp.flags.push", "tcp.window_size_value"]
        command = ["tshark", "-n", "-r", path, "-Y", "(tcp or udp) and not icmp and not icmpv6", "-T", "fields",
                   "-E", "separator=|", "-o", "tcp.desegment_tcp_streams:FALSE"]
        for field in fields:
            command += ["-e", field]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        groups = {}
        for line in output.splitlines():
            v = dict(zip(fields, line.split("|")))
            src, dst = v["ip.src"] or v["ipv6.src"], v["ip.dst"] or v["ipv6.dst"]
            if "," in src:  # a tunnel: not used here
                continue
            if v["tcp.srcport"]:
                key = (str(ref.ipaddress.ip_address(src)), int(v["tcp.srcport"]),
                       str(ref.ipaddress.ip_address(dst)), int(v["tcp.dstport"]), 6)
                payload, header = int(v["tcp.len"]), int(v["tcp.hdr_len"])
                push, window = int(v["tcp.flags.push"] in ("1", "True")), int(v["tcp.window_size_value"])
            else:
                key = (str(ref.ipaddress.ip_address(src)), int(v["udp.srcport"]),
                       str(ref.ipaddress.ip_address(dst)), int(v["udp.dstport"]), 17)
                payload, header, push, window = int(v["udp.length"]) - 8, 8, 0, 0
            g = groups.setdefault(key, [0, 0, 0, 0, window])
            g[0] += 1
            g[1] += payload
            g[2] += header
            g[3] += push
        return groups

    @staticmethod
    def script(path):
        groups = {}
        for frame in ref.read_capture(path):
            p = ref.decode(*frame)
            if isinstance(p, str) or p.proto not in (6, 17):
                continue
            g = groups.setdefault((str(p.src), p.sport, str(p.dst), p.dport, p.proto), [0, 0, 0, 0, p.window])
            g[0] += 1
            g[1] += p.payload
            g[2] += p.l4_header
            g[3] += 1 if p.flags & ref.PSH else 0
        return groups

    def test_per_direction_totals_equal_tshark(self):
        for name in self.CAPTURES:
            path = os.path.join(CORPUS, name)
            with self.subTest(capture=name):
                self.assertEqual(self.script(path), self.tshark(path))


if __name__ == "__main__":
    unittest.main()
