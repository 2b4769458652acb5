// The text of examples/README.md, worked out by hand from the declarations in main.swift.
// Keep it in step with them.

let readme = """
# Example dataset

A tiny labelled dataset in the folder-per-app layout: the folder name is the label.
It is written by `swift run flowcsv-fixtures examples` (source: `Fixtures/Generator/`),
deterministically: running it again gives byte-identical files. Every packet is synthetic
(documentation and private addresses, seeded pseudo-random TLS payloads), with valid IP,
TCP, UDP and ICMP checksums.

| file | format | packets | client |
| --- | --- | --- | --- |
| `camsurf/camsurf_browse_1.pcap` | classic pcap, microseconds, little-endian | 40 | 192.168.1.23 |
| `camsurf/camsurf_chat_1.pcap` | classic pcap, nanoseconds, little-endian | 40 | 192.168.1.42 |
| `linkedin/linkedin_feed_1.pcap` | classic pcap, microseconds, little-endian | 28 | 10.0.0.15 |
| `linkedin/linkedin_message_1.pcapng` | pcapng, one section, one Ethernet interface, `if_tsresol` 9 (ns), IPv6 | 36 | 2001:db8:1::15 |

## Common to all files

- Link type Ethernet (1), no FCS, no padding. Client MAC 02:42:ac:11:00:17, gateway MAC
  02:42:ac:11:00:01. Snap length 262144; every packet is captured whole.
- A flow below is a bidirectional 5-tuple conversation; the client (the capture host) starts
  every one of them. Columns give client→server / server→client.
- TCP: SYN, SYN-ACK (each with 8 bytes of options: MSS 1460, or 1440 over IPv6, NOP, NOP,
  SACK permitted), ACK; every data segment is PSH|ACK carrying one TLS 1.2 application-data
  record; pure ACKs; teardown is FIN|ACK, FIN|ACK, ACK; resets are RST|ACK. No
  retransmissions, no reordering, no window scaling (client window 64240, server 65535).
  TTL / hop limit 64 from the client and 53 from the server.
- DNS: one query (RD set) and one response (answer TTL 300). UDP and ICMP packets have TTL /
  hop limit 64 both ways.
- ICMP: one Echo Request and its Echo Reply, each with 56 data bytes after the 8-byte
  ICMP header.
- Payload = TCP or UDP payload bytes; for ICMP the 56 data bytes.
- Frame sizes: IPv4 SYN and SYN-ACK 62 bytes, pure ACK / FIN / RST 54, data segment
  54 + payload; IPv6 82, 74 and 74 + payload. IP bytes = frame bytes − 14 per packet.
- Within a flow packets are evenly spaced; flows overlap in time and are interleaved in
  the file by timestamp. Times below are seconds since the epoch (1700000000 =
  2023-11-14 22:13:20 UTC); duration = last − first.
- In the packet sequences, `C` is client→server, `S` server→client, a number is a data
  segment with that many payload bytes.

## camsurf/camsurf_browse_1.pcap (label camsurf)

5 flows: 1 DNS, 3 TCP (two closed with FIN, one reset by the server), 1 ICMP echo. 40 packets.

| # | flow | packets | payload bytes | frame bytes | first | last | duration | ends |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 1 | UDP 192.168.1.23:51000 → 192.168.1.1:53 | 1 / 1 | 33 / 65 | 75 / 107 | 1700000000.100000 | 1700000000.115000 | 0.015 | response |
| 2 | TCP 192.168.1.23:51001 → 203.0.113.10:443 | 9 / 8 | 731 / 6490 | 1225 / 6930 | 1700000000.130000 | 1700000000.290000 | 0.160 | FIN, FIN, ACK |
| 3 | TCP 192.168.1.23:51002 → 203.0.113.11:443 | 7 / 6 | 420 / 4992 | 806 / 5324 | 1700000000.175000 | 1700000000.271000 | 0.096 | FIN, FIN, ACK |
| 4 | TCP 192.168.1.23:51003 → 203.0.113.10:443 | 3 / 3 | 300 / 96 | 470 / 266 | 1700000000.400000 | 1700000000.460000 | 0.060 | RST from server |
| 5 | ICMP 192.168.1.23 → 203.0.113.10, echo id 0x0c51 seq 1 | 1 / 1 | 56 / 56 | 98 / 98 | 1700000000.600000 | 1700000000.621000 | 0.021 | reply |

- Flow 1: query `www.camsurf.com` A (id 0x1a01); answers 203.0.113.10 and 203.0.113.11.
- Flow 2 (17 packets, every 10 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1460, S 1460, S 1179,
  C ACK, C 126, S 258, C 88, S 1400, S 733, C ACK, C FIN, S FIN, C ACK.
- Flow 3 (13 packets, every 8 ms): C SYN, S SYN-ACK, C ACK, C 420, S 1460, S 1460, S 1460,
  C ACK, S 612, C ACK, C FIN, S FIN, C ACK.
- Flow 4 (6 packets, every 12 ms): C SYN, S SYN-ACK, C ACK, C 300, S 96, S RST.

## camsurf/camsurf_chat_1.pcap (label camsurf)

5 flows: 1 DNS, 3 TCP (two closed with FIN, one reset by the client), 1 ICMP echo. 40 packets.
Nanosecond timestamps that are not whole microseconds.

| # | flow | packets | payload bytes | frame bytes | first | last | duration | ends |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 1 | UDP 192.168.1.42:52000 → 192.168.1.1:53 | 1 / 1 | 34 / 50 | 76 / 92 | 1700000000.200000250 | 1700000000.214500250 | 0.0145 | response |
| 2 | TCP 192.168.1.42:52001 → 203.0.113.20:443 | 10 / 8 | 915 / 2693 | 1463 / 3133 | 1700000000.230000500 | 1700000000.570000500 | 0.340 | FIN, FIN, ACK |
| 3 | TCP 192.168.1.42:52002 → 203.0.113.21:443 | 8 / 4 | 4580 / 150 | 5020 / 374 | 1700000000.300000750 | 1700000000.355000750 | 0.055 | FIN, FIN, ACK |
| 4 | TCP 192.168.1.42:52003 → 203.0.113.20:443 | 4 / 2 | 200 / 1000 | 424 / 1116 | 1700000000.600001000 | 1700000000.645001000 | 0.045 | RST from client |
| 5 | ICMP 192.168.1.42 → 203.0.113.20, echo id 0x0c52 seq 1 | 1 / 1 | 56 / 56 | 98 / 98 | 1700000000.700000100 | 1700000000.719000100 | 0.019 | reply |

- Flow 1: query `chat.camsurf.com` A (id 0x1b01); answer 203.0.113.20.
- Flow 2 (18 packets, every 20 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1460, S 900, C 126,
  S 51, C 88, S 88, C 120, S 64, C 64, S 130, C ACK, C FIN, S FIN, C ACK.
- Flow 3 (12 packets, every 5 ms): C SYN, S SYN-ACK, C ACK, C 1200, C 1200, C 1200, S ACK,
  C 980, S 150, C FIN, S FIN, C ACK.
- Flow 4 (6 packets, every 9 ms): C SYN, S SYN-ACK, C ACK, C 200, S 1000, C RST.

## linkedin/linkedin_feed_1.pcap (label linkedin)

4 flows: 1 DNS, 2 TCP (one closed with FIN started by the server, one reset by the server),
1 ICMP echo. 28 packets.

| # | flow | packets | payload bytes | frame bytes | first | last | duration | ends |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 1 | UDP 10.0.0.15:53000 → 10.0.0.1:53 | 1 / 1 | 34 / 50 | 76 / 92 | 1700000000.050000 | 1700000000.061000 | 0.011 | response |
| 2 | TCP 10.0.0.15:53001 → 198.51.100.30:443 | 7 / 10 | 697 / 8726 | 1083 / 9274 | 1700000000.080000 | 1700000000.192000 | 0.112 | FIN (server), FIN, ACK |
| 3 | TCP 10.0.0.15:53002 → 198.51.100.31:443 | 4 / 3 | 581 / 1400 | 805 / 1570 | 1700000000.140000 | 1700000000.176000 | 0.036 | RST from server |
| 4 | ICMP 10.0.0.15 → 198.51.100.30, echo id 0x0d01 seq 1 | 1 / 1 | 56 / 56 | 98 / 98 | 1700000000.300000 | 1700000000.317000 | 0.017 | reply |

- Flow 1: query `www.linkedin.com` A (id 0x2c01); answer 198.51.100.30.
- Flow 2 (17 packets, every 7 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1460, S 1460, S 1460,
  S 402, C ACK, C 180, S 1460, S 1460, S 1024, C ACK, S FIN, C FIN, S ACK.
- Flow 3 (7 packets, every 6 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1400, C 64, S RST.

## linkedin/linkedin_message_1.pcapng (label linkedin)

5 flows, all IPv6: 1 DNS, 3 TCP (two closed with FIN, one reset by the server), 1 ICMPv6
echo. 36 packets. pcapng on purpose: a Section Header Block, one Interface Description Block
(Ethernet, snap length 262144, `if_tsresol` 9) and one Enhanced Packet Block per packet.

| # | flow | packets | payload bytes | frame bytes | first | last | duration | ends |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 1 | UDP [2001:db8:1::15]:54000 → [2001:db8:1::1]:53 | 1 / 1 | 34 / 62 | 96 / 124 | 1700000000.010000001 | 1700000000.019000001 | 0.009 | response |
| 2 | TCP [2001:db8:1::15]:54001 → [2001:db8:100::30]:443 | 8 / 7 | 872 / 3622 | 1472 / 4148 | 1700000000.030000002 | 1700000000.170000002 | 0.140 | FIN, FIN, ACK |
| 3 | TCP [2001:db8:1::15]:54002 → [2001:db8:100::31]:443 | 7 / 5 | 717 / 2500 | 1243 / 2878 | 1700000000.050000003 | 1700000000.193000003 | 0.143 | FIN, FIN, ACK |
| 4 | TCP [2001:db8:1::15]:54003 → [2001:db8:100::30]:443 | 3 / 2 | 100 / 0 | 330 / 156 | 1700000000.250000004 | 1700000000.266000004 | 0.016 | RST from server |
| 5 | ICMPv6 2001:db8:1::15 → 2001:db8:100::30, echo id 0x0e01 seq 1 | 1 / 1 | 56 / 56 | 118 / 118 | 1700000000.400000005 | 1700000000.423000005 | 0.023 | reply |

- Flow 1: query `www.linkedin.com` AAAA (id 0x2d01); answer 2001:db8:100::30.
- Flow 2 (15 packets, every 10 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1440, S 1440, S 600,
  C ACK, C 310, S 97, C 45, S 45, C FIN, S FIN, C ACK.
- Flow 3 (12 packets, every 13 ms): C SYN, S SYN-ACK, C ACK, C 517, S 1440, S 1000, C ACK,
  C 200, S 60, C FIN, S FIN, C ACK.
- Flow 4 (5 packets, every 4 ms): C SYN, S SYN-ACK, C ACK, C 100, S RST.

"""
