// flowcsv-fixtures: writes the small labelled example dataset.
//
//     swift run flowcsv-fixtures examples
//
// (re)writes, under the given folder (folder-per-app layout, the folder name is the label):
//
//     camsurf/camsurf_browse_1.pcap
//     camsurf/camsurf_chat_1.pcap
//     linkedin/linkedin_feed_1.pcap
//     linkedin/linkedin_message_1.pcapng
//     README.md
//
// Everything is fixed: addresses, ports, sequence numbers, payload bytes (a seeded
// generator) and timestamps, so two runs give byte-identical files. The traffic of each
// capture is declared below as a list of flows; README.md (the text at the end of this file)
// was worked out by hand from those declarations and lists the packets flowcsv should count.
// Change both together (ExamplesReadme.swift holds the README text).

import FlowStatsTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Declarations

/// Which end of a flow sends a packet.
enum Side { case client, server }

/// One TCP packet after the three-way handshake.
enum Step {
    /// A PSH|ACK segment with this many payload bytes (one TLS application-data record).
    case data(Side, Int)
    /// A pure ACK.
    case ack(Side)
    /// FIN|ACK.
    case fin(Side)
    /// RST|ACK.
    case rst(Side)
}

struct TCPFlow {
    var clientPort: UInt16
    var server: String
    var serverPort: UInt16
    var startNs: Int64
    var stepNs: Int64
    /// Packets after SYN, SYN-ACK, ACK.
    var steps: [Step]
}

struct DNSFlow {
    var clientPort: UInt16
    var server: String
    var id: UInt16
    var name: String
    /// Answers: IPv4 addresses give A records, IPv6 addresses AAAA (the query type follows the first).
    var answers: [String]
    var startNs: Int64
    var stepNs: Int64
}

struct PingFlow {
    var server: String
    var identifier: UInt16
    var sequence: UInt16
    var startNs: Int64
    var stepNs: Int64
}

enum Flow {
    case dns(DNSFlow)
    case tcp(TCPFlow)
    case ping(PingFlow)
}

enum Format {
    case pcapMicroseconds
    case pcapNanoseconds
    case pcapngNanoseconds
}

struct Capture {
    var path: String
    var format: Format
    var client: String
    var flows: [Flow]
}

/// 1700000000 s plus a sub-second offset, in nanoseconds.
func at(_ nanosecondsAfter1700000000: Int64) -> Int64 {
    1_700_000_000_000_000_000 + nanosecondsAfter1700000000
}

let ms: Int64 = 1_000_000

// MARK: - The dataset

let captures: [Capture] = [
    Capture(
        path: "camsurf/camsurf_browse_1.pcap", format: .pcapMicroseconds, client: "192.168.1.23",
        flows: [
            .dns(DNSFlow(clientPort: 51000, server: "192.168.1.1", id: 0x1A01, name: "www.camsurf.com",
                         answers: ["203.0.113.10", "203.0.113.11"], startNs: at(100 * ms), stepNs: 15 * ms)),
            .tcp(TCPFlow(clientPort: 51001, server: "203.0.113.10", serverPort: 443, startNs: at(130 * ms), stepNs: 10 * ms,
                         steps: [.data(.client, 517), .data(.server, 1460), .data(.server, 1460), .data(.server, 1179),
                                 .ack(.client), .data(.client, 126), .data(.server, 258), .data(.client, 88),
                                 .data(.server, 1400), .data(.server, 733), .ack(.client),
                                 .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 51002, server: "203.0.113.11", serverPort: 443, startNs: at(175 * ms), stepNs: 8 * ms,
                         steps: [.data(.client, 420), .data(.server, 1460), .data(.server, 1460), .data(.server, 1460),
                                 .ack(.client), .data(.server, 612), .ack(.client),
                                 .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 51003, server: "203.0.113.10", serverPort: 443, startNs: at(400 * ms), stepNs: 12 * ms,
                         steps: [.data(.client, 300), .data(.server, 96), .rst(.server)])),
            .ping(PingFlow(server: "203.0.113.10", identifier: 0x0C51, sequence: 1, startNs: at(600 * ms), stepNs: 21 * ms)),
        ]),
    Capture(
        path: "camsurf/camsurf_chat_1.pcap", format: .pcapNanoseconds, client: "192.168.1.42",
        flows: [
            .dns(DNSFlow(clientPort: 52000, server: "192.168.1.1", id: 0x1B01, name: "chat.camsurf.com",
                         answers: ["203.0.113.20"], startNs: at(200_000_250), stepNs: 14_500_000)),
            .tcp(TCPFlow(clientPort: 52001, server: "203.0.113.20", serverPort: 443, startNs: at(230_000_500), stepNs: 20 * ms,
                         steps: [.data(.client, 517), .data(.server, 1460), .data(.server, 900),
                                 .data(.client, 126), .data(.server, 51), .data(.client, 88), .data(.server, 88),
                                 .data(.client, 120), .data(.server, 64), .data(.client, 64), .data(.server, 130),
                                 .ack(.client), .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 52002, server: "203.0.113.21", serverPort: 443, startNs: at(300_000_750), stepNs: 5 * ms,
                         steps: [.data(.client, 1200), .data(.client, 1200), .data(.client, 1200), .ack(.server),
                                 .data(.client, 980), .data(.server, 150),
                                 .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 52003, server: "203.0.113.20", serverPort: 443, startNs: at(600_001_000), stepNs: 9 * ms,
                         steps: [.data(.client, 200), .data(.server, 1000), .rst(.client)])),
            .ping(PingFlow(server: "203.0.113.20", identifier: 0x0C52, sequence: 1, startNs: at(700_000_100), stepNs: 19 * ms)),
        ]),
    Capture(
        path: "linkedin/linkedin_feed_1.pcap", format: .pcapMicroseconds, client: "10.0.0.15",
        flows: [
            .dns(DNSFlow(clientPort: 53000, server: "10.0.0.1", id: 0x2C01, name: "www.linkedin.com",
                         answers: ["198.51.100.30"], startNs: at(50 * ms), stepNs: 11 * ms)),
            .tcp(TCPFlow(clientPort: 53001, server: "198.51.100.30", serverPort: 443, startNs: at(80 * ms), stepNs: 7 * ms,
                         steps: [.data(.client, 517), .data(.server, 1460), .data(.server, 1460), .data(.server, 1460),
                                 .data(.server, 402), .ack(.client), .data(.client, 180),
                                 .data(.server, 1460), .data(.server, 1460), .data(.server, 1024), .ack(.client),
                                 .fin(.server), .fin(.client), .ack(.server)])),
            .tcp(TCPFlow(clientPort: 53002, server: "198.51.100.31", serverPort: 443, startNs: at(140 * ms), stepNs: 6 * ms,
                         steps: [.data(.client, 517), .data(.server, 1400), .data(.client, 64), .rst(.server)])),
            .ping(PingFlow(server: "198.51.100.30", identifier: 0x0D01, sequence: 1, startNs: at(300 * ms), stepNs: 17 * ms)),
        ]),
    Capture(
        path: "linkedin/linkedin_message_1.pcapng", format: .pcapngNanoseconds, client: "2001:db8:1::15",
        flows: [
            .dns(DNSFlow(clientPort: 54000, server: "2001:db8:1::1", id: 0x2D01, name: "www.linkedin.com",
                         answers: ["2001:db8:100::30"], startNs: at(10_000_001), stepNs: 9 * ms)),
            .tcp(TCPFlow(clientPort: 54001, server: "2001:db8:100::30", serverPort: 443, startNs: at(30_000_002), stepNs: 10 * ms,
                         steps: [.data(.client, 517), .data(.server, 1440), .data(.server, 1440), .data(.server, 600),
                                 .ack(.client), .data(.client, 310), .data(.server, 97), .data(.client, 45), .data(.server, 45),
                                 .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 54002, server: "2001:db8:100::31", serverPort: 443, startNs: at(50_000_003), stepNs: 13 * ms,
                         steps: [.data(.client, 517), .data(.server, 1440), .data(.server, 1000), .ack(.client),
                                 .data(.client, 200), .data(.server, 60),
                                 .fin(.client), .fin(.server), .ack(.client)])),
            .tcp(TCPFlow(clientPort: 54003, server: "2001:db8:100::30", serverPort: 443, startNs: at(250_000_004), stepNs: 4 * ms,
                         steps: [.data(.client, 100), .rst(.server)])),
            .ping(PingFlow(server: "2001:db8:100::30", identifier: 0x0E01, sequence: 1, startNs: at(400_000_005), stepNs: 23 * ms)),
        ]),
]

// MARK: - Packet generation

/// A packet of one flow before link framing.
struct Emitted {
    var timestampNs: Int64
    var side: Side
    var ip: [UInt8]
}

/// Deterministic payload bytes (xorshift64*), seeded per packet.
func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while out.count < count {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        let word = state &* 0x2545_F491_4F6C_DD1D
        for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
            out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
        }
    }
    return out
}

/// A TLS 1.2 application-data record of exactly `count` bytes (header included).
func tlsRecord(_ count: Int, seed: UInt64) -> [UInt8] {
    precondition(count > 5)
    let body = count - 5
    return [0x17, 0x03, 0x03, UInt8(body >> 8), UInt8(body & 0xFF)] + pseudoRandomBytes(body, seed: seed)
}

/// TCP options on SYN and SYN-ACK: MSS, NOP, NOP, SACK permitted (8 bytes).
func synOptions(mss: UInt16) -> [UInt8] {
    [2, 4, UInt8(mss >> 8), UInt8(mss & 0xFF), 1, 1, 4, 2]
}

func emitTCP(_ flow: TCPFlow, client: String, seed: UInt64) -> [Emitted] {
    let v6 = client.contains(":")
    let mss: UInt16 = v6 ? 1440 : 1460
    var seq: [Bool: UInt32] = [true: UInt32(truncatingIfNeeded: seed &* 0x0100_0193 &+ 0x1000), false: UInt32(truncatingIfNeeded: seed &* 0x0301_0037 &+ 0x8000_0000)]
    var ipID: [Bool: UInt16] = [true: UInt16(truncatingIfNeeded: 0x1000 &+ seed &* 0x100), false: UInt16(truncatingIfNeeded: 0x6000 &+ seed &* 0x100)]
    var out: [Emitted] = []
    var time = flow.startNs

    func send(_ side: Side, _ flags: TCPFlags, payload: [UInt8] = [], options: [UInt8] = [], consumes: UInt32) {
        let fromClient = side == .client
        let (src, sport, dst, dport) = fromClient
            ? (client, flow.clientPort, flow.server, flow.serverPort)
            : (flow.server, flow.serverPort, client, flow.clientPort)
        let ack: UInt32 = flags.contains(.ack) ? seq[!fromClient]! : 0
        let packet = Build.tcp(src, sport, dst, dport, flags: flags, seq: seq[fromClient]!, ack: ack,
                               window: fromClient ? 64240 : 65535, payload: payload, options: options,
                               ipID: ipID[fromClient]!, ttl: fromClient ? 64 : 53)
        out.append(Emitted(timestampNs: time, side: side, ip: packet))
        time += flow.stepNs
        seq[fromClient]! &+= consumes
        ipID[fromClient]! &+= 1
    }

    send(.client, .syn, options: synOptions(mss: mss), consumes: 1)
    send(.server, [.syn, .ack], options: synOptions(mss: mss), consumes: 1)
    send(.client, .ack, consumes: 0)
    for (index, step) in flow.steps.enumerated() {
        switch step {
        case .data(let side, let count):
            send(side, [.psh, .ack], payload: tlsRecord(count, seed: seed << 8 | UInt64(index)), consumes: UInt32(count))
        case .ack(let side):
            send(side, .ack, consumes: 0)
        case .fin(let side):
            send(side, [.fin, .ack], consumes: 1)
        case .rst(let side):
            send(side, [.rst, .ack], consumes: 0)
        }
    }
    return out
}

/// A DNS name in wire format.
func dnsName(_ name: String) -> [UInt8] {
    var out: [UInt8] = []
    for label in name.split(separator: ".") {
        out.append(UInt8(label.utf8.count))
        out += Array(label.utf8)
    }
    return out + [0]
}

func emitDNS(_ flow: DNSFlow, client: String) -> [Emitted] {
    let aaaa = flow.answers.first?.contains(":") ?? false
    let qtype: UInt16 = aaaa ? 28 : 1
    let question = dnsName(flow.name) + [UInt8(qtype >> 8), UInt8(qtype & 0xFF), 0, 1]
    func header(flags: UInt16, answers: Int) -> [UInt8] {
        [UInt8(flow.id >> 8), UInt8(flow.id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF),
         0, 1, 0, UInt8(answers), 0, 0, 0, 0]
    }
    let query = header(flags: 0x0100, answers: 0) + question
    var response = header(flags: 0x8180, answers: flow.answers.count) + question
    for answer in flow.answers {
        let rdata = Build.address(answer)
        // Name pointer to offset 12, type, class IN, TTL 300, length, address.
        response += [0xC0, 0x0C, UInt8(qtype >> 8), UInt8(qtype & 0xFF), 0, 1, 0, 0, 0x01, 0x2C, 0, UInt8(rdata.count)] + rdata
    }
    return [
        Emitted(timestampNs: flow.startNs, side: .client,
                ip: Build.udp(client, flow.clientPort, flow.server, 53, payload: query, ipID: 0x0100)),
        Emitted(timestampNs: flow.startNs + flow.stepNs, side: .server,
                ip: Build.udp(flow.server, 53, client, flow.clientPort, payload: response, ipID: 0x0200)),
    ]
}

func emitPing(_ flow: PingFlow, client: String) -> [Emitted] {
    let v6 = client.contains(":")
    // Like Linux ping: 8 bytes of (fixed) timeval, then 0x10, 0x11, ... (56 bytes in all).
    let payload: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x65, 0x53, 0xF1, 0x00] + (0x10..<0x40).map { UInt8($0) }
    let (request, reply): (UInt8, UInt8) = v6 ? (128, 129) : (8, 0)
    return [
        Emitted(timestampNs: flow.startNs, side: .client,
                ip: Build.icmp(client, flow.server, type: request, identifier: flow.identifier, sequence: flow.sequence, payload: payload)),
        Emitted(timestampNs: flow.startNs + flow.stepNs, side: .server,
                ip: Build.icmp(flow.server, client, type: reply, identifier: flow.identifier, sequence: flow.sequence, payload: payload)),
    ]
}

let clientMAC: [UInt8] = [0x02, 0x42, 0xAC, 0x11, 0x00, 0x17]
let gatewayMAC: [UInt8] = [0x02, 0x42, 0xAC, 0x11, 0x00, 0x01]

/// The capture's records: every flow's packets merged by timestamp (ties keep flow order),
/// framed in Ethernet with the client's and the gateway's MAC addresses.
func records(of capture: Capture) -> [PcapRecord] {
    var all: [(order: Int, packet: Emitted)] = []
    for (index, flow) in capture.flows.enumerated() {
        let packets: [Emitted]
        switch flow {
        case .dns(let dns): packets = emitDNS(dns, client: capture.client)
        case .tcp(let tcp): packets = emitTCP(tcp, client: capture.client, seed: UInt64(index + 1))
        case .ping(let ping): packets = emitPing(ping, client: capture.client)
        }
        all += packets.map { (order: all.count, packet: $0) }
    }
    all.sort { ($0.packet.timestampNs, $0.order) < ($1.packet.timestampNs, $1.order) }
    return all.map { item in
        let up = item.packet.side == .client
        let frame = Build.ethernet(item.packet.ip, src: up ? clientMAC : gatewayMAC, dst: up ? gatewayMAC : clientMAC)
        return PcapRecord(item.packet.timestampNs, frame)
    }
}

func fileBytes(of capture: Capture) -> [UInt8] {
    let list = records(of: capture)
    switch capture.format {
    case .pcapMicroseconds:
        return PcapWriter.classic(list, linkTypeField: 1)
    case .pcapNanoseconds:
        return PcapWriter.classic(list, linkTypeField: 1, nanosecond: true)
    case .pcapngNanoseconds:
        return PcapngWriter.file([
            PcapngWriter.Section(interfaces: [PcapngWriter.Interface(linkType: 1, snaplen: 262144, tsresol: 9)], records: list),
        ])
    }
}

// MARK: - Main

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let folder = arguments.first, !folder.hasPrefix("-") else {
    print("usage: flowcsv-fixtures FOLDER")
    print("  (re)writes the labelled example dataset under FOLDER, e.g. `swift run flowcsv-fixtures examples`")
    exit(2)
}

do {
    for capture in captures {
        let path = folder + "/" + capture.path
        let bytes = fileBytes(of: capture)
        try bytes.write(toFile: path)
        print("wrote \(path) (\(records(of: capture).count) packets, \(bytes.count) bytes)")
    }
    try Array(readme.utf8).write(toFile: folder + "/README.md")
    print("wrote \(folder)/README.md")
} catch {
    print("flowcsv-fixtures: error: \(error)")
    exit(1)
}
