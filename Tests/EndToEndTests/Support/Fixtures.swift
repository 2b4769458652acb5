// Captures written at test time with the test support writers. Every expected value in the
// tests is worked out by hand from the frames built here; the frame sizes are:
//   Ethernet 14 + IPv4 20 + TCP 20 + payload      = 54 + payload
//   Ethernet 14 + IPv4 20 + UDP 8 + payload       = 42 + payload
//   Ethernet 14 + IPv6 40 + UDP 8 + payload       = 62 + payload
//   one 802.1Q tag adds 4 bytes.

import FlowStatsTestSupport
import Foundation

/// 2023-11-14 22:13:20 UTC in nanoseconds.
let epochNs: Int64 = 1_700_000_000 * 1_000_000_000

/// `milliseconds` after `epochNs`, in nanoseconds.
func ms(_ milliseconds: Int64) -> Int64 { epochNs + milliseconds * 1_000_000 }

/// Two endpoints talking.
struct Conversation: Sendable {
    var client = "10.0.0.1"
    var clientPort: UInt16 = 40000
    var server = "10.0.0.2"
    var serverPort: UInt16 = 80

    /// A TCP segment in an Ethernet frame (54 + payload bytes, + 4 per VLAN tag).
    func tcp(_ ns: Int64, fromClient: Bool, _ flags: TCPFlags, payload: Int = 0, vlans: [UInt16] = []) -> PcapRecord {
        let bytes = [UInt8](repeating: 0x61, count: payload)
        let ip = fromClient
            ? Build.tcp(client, clientPort, server, serverPort, flags: flags, payload: bytes)
            : Build.tcp(server, serverPort, client, clientPort, flags: flags, payload: bytes)
        return PcapRecord(ns, Build.ethernet(ip, vlans: vlans))
    }

    /// A UDP datagram in an Ethernet frame (IPv4: 42 + payload bytes; IPv6: 62 + payload; + 4 per VLAN tag).
    func udp(_ ns: Int64, fromClient: Bool, payload: Int, vlans: [UInt16] = []) -> PcapRecord {
        let bytes = [UInt8](repeating: 0x62, count: payload)
        let ip = fromClient
            ? Build.udp(client, clientPort, server, serverPort, payload: bytes)
            : Build.udp(server, serverPort, client, clientPort, payload: bytes)
        return PcapRecord(ns, Build.ethernet(ip, vlans: vlans))
    }
}

enum Fixtures {
    static let web = Conversation()                                               // TCP 10.0.0.1:40000 → 10.0.0.2:80
    static let dns = Conversation(clientPort: 5353, server: "10.0.0.3", serverPort: 53)
    static let quic6 = Conversation(client: "2001:db8::1", clientPort: 6000, server: "2001:db8::2", serverPort: 443)

    /// The "browse" capture: one TCP connection closed with FIN and one DNS exchange,
    /// interleaved. 10 packets.
    ///
    /// TCP 10.0.0.1:40000 → 10.0.0.2:80
    ///   +100 C SYN 54 | +110 S SYN-ACK 54 | +120 C ACK 54 | +130 C 100 bytes 154
    ///   +140 S 1000 bytes 1054 | +150 C FIN 54 | +160 S FIN 54 | +170 C ACK 54
    ///   client → server 5 packets 54+54+154+54+54 = 370; server → client 3 packets 54+1054+54 = 1162
    ///   8 packets, 1532 bytes, 191.5 per packet, 0.070 s, ends fin
    /// UDP 10.0.0.1:5353 → 10.0.0.3:53
    ///   +105 C 30 bytes → 72 | +115 S 60 bytes → 102: 2 packets, 174 bytes, 87.0, 0.010 s, eof
    static func browse() -> [PcapRecord] {
        [
            web.tcp(ms(100), fromClient: true, [.syn]),
            dns.udp(ms(105), fromClient: true, payload: 30),
            web.tcp(ms(110), fromClient: false, [.syn, .ack]),
            dns.udp(ms(115), fromClient: false, payload: 60),
            web.tcp(ms(120), fromClient: true, [.ack]),
            web.tcp(ms(130), fromClient: true, [.psh, .ack], payload: 100),
            web.tcp(ms(140), fromClient: false, [.psh, .ack], payload: 1000),
            web.tcp(ms(150), fromClient: true, [.fin, .ack]),
            web.tcp(ms(160), fromClient: false, [.fin, .ack]),
            web.tcp(ms(170), fromClient: true, [.ack]),
        ]
    }

    /// Row text of the browse TCP flow without AppName/AppAction/SourceFile, as
    /// (prefix before AppName, part between AppAction and SourceFile).
    static let browseTCPRowParts = (
        "1700000000.100000,0.070000,10.0.0.1,40000,10.0.0.2,80",
        "8,1532,191.5,TCP,5,370,3,1162,fin"
    )
    static let browseUDPRowParts = (
        "1700000000.105000,0.010000,10.0.0.1,5353,10.0.0.3,53",
        "2,174,87.0,UDP,1,72,1,102,eof"
    )

    /// The "feed" capture, pcapng (microsecond timestamps): one IPv6 UDP flow.
    ///   +1500 C 1200 bytes → 1262 | +1600 S 100 → 162 | +1700 C 50 → 112
    ///   3 packets, 1536 bytes, 512.0 per packet, 0.200 s; client → server 2 / 1374, back 1 / 162
    static func feedPcapng() -> [UInt8] {
        let records = [
            quic6.udp(ms(1500), fromClient: true, payload: 1200),
            quic6.udp(ms(1600), fromClient: false, payload: 100),
            quic6.udp(ms(1700), fromClient: true, payload: 50),
        ]
        return PcapngWriter.file([.init(interfaces: [.init(linkType: 1)], records: records)])
    }

    static let feedRowParts = (
        "1700000001.500000,0.200000,2001:db8::1,6000,2001:db8::2,443",
        "3,1536,512.0,UDP,2,1374,1,162,eof"
    )

    /// A full expected row.
    static func row(_ parts: (String, String), app: String, action: String, file: String) -> String {
        "\(parts.0),\(app),\(action),\(parts.1),\(file)"
    }

    /// One UDP exchange of two packets (42+20 = 62 and 42+40 = 82 bytes: 2 packets, 144 bytes).
    static func smallUDP(startMs: Int64 = 0, _ conversation: Conversation = dns) -> [PcapRecord] {
        [
            conversation.udp(ms(startMs), fromClient: true, payload: 20),
            conversation.udp(ms(startMs + 5), fromClient: false, payload: 40),
        ]
    }

    /// A complete TCP connection of 6 packets, all 54 bytes (324 bytes): SYN, SYN-ACK, ACK,
    /// FIN, FIN, ACK, one every 10 ms.
    static func shortTCP(startMs: Int64 = 0, _ conversation: Conversation = web) -> [PcapRecord] {
        let flags: [(Bool, TCPFlags)] = [(true, [.syn]), (false, [.syn, .ack]), (true, [.ack]),
                                         (true, [.fin, .ack]), (false, [.fin, .ack]), (true, [.ack])]
        return flags.enumerated().map { i, f in conversation.tcp(ms(startMs + Int64(i) * 10), fromClient: f.0, f.1) }
    }

    /// Writes the folder-per-app dataset under `root/data`:
    /// `camsurf/camsurf_browse_1.pcap` (browse), `linkedin/linkedin_feed_2.pcapng` (feed), `notes.txt`.
    static func writeLabelledDataset(in root: String) throws {
        try PcapWriter.classic(browse()).write(toFile: root + "/data/camsurf/camsurf_browse_1.pcap")
        try feedPcapng().write(toFile: root + "/data/linkedin/linkedin_feed_2.pcapng")
        try Array("Notes about this dataset; not a capture.\n".utf8).write(toFile: root + "/data/notes.txt")
    }
}

/// Reads a file's bytes, or nil.
func contents(of path: String) -> [UInt8]? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) }
}

/// Names in a folder (hidden ones included), sorted.
func folderListing(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}
