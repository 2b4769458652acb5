import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// Replays Zeek's own test captures from the shared corpus (../shared/corpus, see its
// MANIFEST.md) through ZeekConnection and compares the result with the conn.log baselines
// Zeek ships for them. The grouping into connections is a minimal stand-in for the flow
// table (5-tuple, Zeek's flip, ZeekConnection's own expiry and reuse answers). Skipped
// with a message when the corpus is absent; nothing is copied from it.

private let zeekCorpusPath = SharedCorpus.path

/// One capture and its baseline. `verifyChecksums` is true when Zeek ran without `-C`.
struct ZeekBaselineCase: Sendable, CustomStringConvertible {
    var capture: String
    var reference: String
    var verifyChecksums: Bool
    var description: String { capture }
}

let zeekBaselineCases: [ZeekBaselineCase] = [
    .init(capture: "zeek__tcp__miss_end_data.pcap", reference: "zeek__tcp__miss_end_data.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__tcp__missing-syn.pcap", reference: "zeek__tcp__missing-syn.pcap.zeek-conn.log", verifyChecksums: false),
    .init(capture: "zeek__tls__pop3-starttls.pcap", reference: "zeek__tls__pop3-starttls.pcap.zeek-conn.log", verifyChecksums: false),
    .init(capture: "zeek__ftp__ipv6.pcap", reference: "zeek__ftp__ipv6.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__wikipedia.pcap", reference: "zeek__wikipedia.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__tcp-http-with-padding.pcap", reference: "zeek__tcp-http-with-padding.pcap.zeek-conn.log", verifyChecksums: false),
    .init(capture: "zeek__tcp__one-sided-2745.pcap",
          reference: "zeek__tcp__one-sided-2745.pcap.zeek-conn-cut.core.conn-size-flip.conn.log.one-sided", verifyChecksums: false),
    .init(capture: "zeek__tcp__syn-bad.pcap",
          reference: "zeek__tcp__syn-bad.pcap.zeek-conn-cut.core.tcp.bad-checksum-syn.conn.log", verifyChecksums: true),
    .init(capture: "zeek__dhcp__dhcp.pcap", reference: "zeek__dhcp__dhcp.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__dns__dns-corrupt.pcap",
          reference: "zeek__dns__dns-corrupt.pcap.zeek-conn-cut.core.udp-corrupt.conn.log", verifyChecksums: true),
    .init(capture: "zeek__q-in-q.pcap", reference: "zeek__q-in-q.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__mpls-in-vlan.pcap", reference: "zeek__mpls-in-vlan.pcap.zeek-conn.log", verifyChecksums: false),
    .init(capture: "zeek__pcapng-multi-interface.pcapng", reference: "zeek__pcapng-multi-interface.pcapng.zeek-conn.log",
          verifyChecksums: false),
    .init(capture: "zeek__pppoe.pcap", reference: "zeek__pppoe.pcap.zeek-conn.log", verifyChecksums: true),
    .init(capture: "zeek__tcp-syslog.pcap",
          reference: "zeek__tcp-syslog.pcap.zeek-conn-cut.scripts.base.protocols.syslog.tcp-framing.conn.log",
          verifyChecksums: false),
    .init(capture: "zeek__communityid__sctp.pcap", reference: "zeek__communityid__sctp.pcap.zeek-conn.log", verifyChecksums: true),
]

/// A connection as replayed here, with the fields conn.log shows.
struct ReplayedConnection: Sendable {
    var origHost: String
    var origPort: UInt16
    var respHost: String
    var respPort: UInt16
    var zeek: ZeekConnection

    func field(_ name: String) -> String? {
        switch name {
        case "id.orig_h": origHost
        case "id.orig_p": String(origPort)
        case "id.resp_h": respHost
        case "id.resp_p": String(respPort)
        case "orig_pkts": String(zeek.origPackets)
        case "resp_pkts": String(zeek.respPackets)
        case "orig_ip_bytes": String(zeek.origIPBytes)
        case "resp_ip_bytes": String(zeek.respIPBytes)
        case "conn_state": zeek.connState
        case "history": zeek.history.isEmpty ? "-" : zeek.history
        case "orig_bytes": zeek.sizesLogged ? String(zeek.origSize) : "-"
        case "resp_bytes": zeek.sizesLogged ? String(zeek.respSize) : "-"
        case "missed_bytes": String(zeek.missedBytes)
        case "duration": zeek.sizesLogged ? String(format: "%.6f", Double(zeek.durationNs) / 1e9) : "-"
        default: nil
        }
    }
}

private struct TupleKey: Hashable {
    var proto: UInt8
    var a: IPAddress
    var aPort: UInt16
    var b: IPAddress
    var bPort: UInt16
}

private struct LiveConnection {
    var origAddress: IPAddress
    var origPort: UInt16
    var respAddress: IPAddress
    var respPort: UInt16
    var zeek: ZeekConnection
    var order: Int
}

/// Replays a capture: a dictionary keyed by the unordered 5-tuple stands in for the flow
/// table; connections end at `expiryNs()`, on `.newConnection`, or at the end.
func replayZeek(capturePath: String, verifyChecksums: Bool) throws -> [ReplayedConnection] {
    let reader = try CaptureReader.open(path: capturePath)
    var live: [TupleKey: LiveConnection] = [:]
    var finished: [(order: Int, connection: ReplayedConnection)] = []
    var created = 0
    var packet = DecodedPacket()
    let broadcast = IPAddress("255.255.255.255")!

    func finish(_ c: LiveConnection) {
        var connection = ReplayedConnection(origHost: c.origAddress.description, origPort: c.origPort,
                                            respHost: c.respAddress.description, respPort: c.respPort, zeek: c.zeek)
        if c.zeek.rolesSwapped {
            swap(&connection.origHost, &connection.respHost)
            swap(&connection.origPort, &connection.respPort)
        }
        finished.append((c.order, connection))
    }

    _ = reader.forEachPacket { header, bytes in
        PacketDecoder.decode(bytes, linkType: header.linkType, decapsulate: false, into: &packet)
        guard packet.kind == .ip, !packet.isFragment || packet.fragmentOffset == 0 else { return }
        let now = header.timestampNs
        // Zeek's timers run before the packet that reaches them.
        for (key, c) in live where c.zeek.expiryNs() <= now {
            finish(c)
            live[key] = nil
        }
        let proto: ZeekProtocol
        switch packet.ipProtocol {
        case 6: proto = .tcp
        case 17: proto = .udp
        case 1, 58: proto = .icmp
        default: proto = .other
        }
        if proto == .tcp && !packet.hasTCPHeader { return }
        if proto == .udp && packet.truncation?.layer == .udp { return }
        let sport = proto == .other ? 0 : packet.sourcePort
        let dport = proto == .other ? 0 : packet.destinationPort
        let forward = (packet.source, sport) < (packet.destination, dport)
        let key = forward
            ? TupleKey(proto: packet.ipProtocol, a: packet.source, aPort: sport, b: packet.destination, bPort: dport)
            : TupleKey(proto: packet.ipProtocol, a: packet.destination, aPort: dport, b: packet.source, bPort: sport)
        let headerBytes = packet.ipLength - packet.payloadLength
        let capturedPayload = max(0, bytes.count - packet.ipOffset - headerBytes)
        var udpLength: Int?
        if proto == .udp {
            let udpStart = packet.ipOffset + headerBytes - 8
            if udpStart + 6 <= bytes.count {
                udpLength = Int(bytes[udpStart + 4]) << 8 | Int(bytes[udpStart + 5])
            }
        }
        let checksumValid = verifyChecksums ? Checksums.valid(bytes, packet) : true

        func makeConnection() -> LiveConnection {
            let flip = ZeekConnection.shouldFlip(protocol: proto, firstPacketFlags: packet.tcpFlags,
                                                 sourcePort: sport, destinationPort: dport,
                                                 destinationIsBroadcast: packet.destination == broadcast)
            created += 1
            return flip
                ? LiveConnection(origAddress: packet.destination, origPort: dport, respAddress: packet.source,
                                 respPort: sport, zeek: ZeekConnection(protocol: proto, flipped: true), order: created)
                : LiveConnection(origAddress: packet.source, origPort: sport, respAddress: packet.destination,
                                 respPort: dport, zeek: ZeekConnection(protocol: proto), order: created)
        }

        var c = live[key] ?? makeConnection()
        func zeekPacket() -> ZeekPacket {
            ZeekPacket(isOrig: packet.source == c.origAddress && sport == c.origPort, timestampNs: now,
                       ipLength: packet.ipLength, tcpFlags: packet.tcpFlags, sequence: packet.sequence,
                       acknowledgment: packet.acknowledgment, window: packet.window,
                       payloadLength: packet.payloadLength, capturedPayloadLength: capturedPayload,
                       udpLengthField: udpLength, checksumValid: checksumValid)
        }
        if c.zeek.add(zeekPacket()) == .newConnection {
            finish(c)
            c = makeConnection()
            _ = c.zeek.add(zeekPacket())
        }
        live[key] = c
    }
    for c in live.values { finish(c) }
    return finished.sorted { $0.order < $1.order }.map(\.connection)
}

/// A conn.log (or zeek-cut extract) baseline: its column names and rows.
func readZeekBaseline(_ path: String) throws -> (fields: [String], rows: [[String: String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var fields: [String] = []
    var rows: [[String: String]] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if line.hasPrefix("#fields") {
            fields = Array(columns.dropFirst())
        } else if line.hasPrefix("#") {
            continue
        } else if fields.isEmpty {
            fields = columns
        } else {
            var row: [String: String] = [:]
            for (name, value) in zip(fields, columns) { row[name] = value }
            rows.append(row)
        }
    }
    return (fields, rows)
}

/// Pairs baseline rows with replayed connections: by 4-tuple (in order) when the baseline
/// has the id columns, else by position.
func pairZeekRows(_ rows: [[String: String]], _ replayed: [ReplayedConnection]) -> [([String: String], ReplayedConnection?)] {
    guard rows.first?["id.orig_h"] != nil else {
        return rows.enumerated().map { ($0.element, $0.offset < replayed.count ? replayed[$0.offset] : nil) }
    }
    var pool = replayed
    return rows.map { row in
        let index = pool.firstIndex {
            ($0.origHost, String($0.origPort), $0.respHost, String($0.respPort))
                == (row["id.orig_h"], row["id.orig_p"], row["id.resp_h"], row["id.resp_p"])
        } ?? pool.firstIndex {
            // the same connection with the roles the other way round
            ($0.respHost, String($0.respPort), $0.origHost, String($0.origPort))
                == (row["id.orig_h"], row["id.orig_p"], row["id.resp_h"], row["id.resp_p"])
        }
        guard let index else { return (row, nil) }
        return (row, pool.remove(at: index))
    }
}

let zeekComparedFields = ["id.orig_h", "id.orig_p", "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "conn_state",
                          "history", "orig_bytes", "resp_bytes", "missed_bytes", "duration"]

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct ZeekCorpusTests {
    @Test func replayedCapturesAgreeWithZeekBaselines() throws {
        var agree: [String: Int] = [:]
        var total: [String: Int] = [:]
        var rowCount = 0
        var missingRows = 0
        var differingRows: [String] = []
        for item in zeekBaselineCases {
            let capture = zeekCorpusPath + "/captures/" + item.capture
            let reference = zeekCorpusPath + "/refs/" + item.reference
            guard FileManager.default.fileExists(atPath: capture), FileManager.default.fileExists(atPath: reference) else {
                Issue.record("\(item.capture) or its baseline is missing from the corpus")
                continue
            }
            let replayed = try replayZeek(capturePath: capture, verifyChecksums: item.verifyChecksums)
            let (_, rows) = try readZeekBaseline(reference)
            var caseAgree = 0
            var caseTotal = 0
            for (row, mine) in pairZeekRows(rows, replayed) {
                rowCount += 1
                guard let mine else {
                    missingRows += 1
                    print("  \(item.capture): no connection for baseline row \(row)")
                    continue
                }
                var differences: [String] = []
                for name in zeekComparedFields {
                    guard let expected = row[name], let actual = mine.field(name) else { continue }
                    total[name, default: 0] += 1
                    caseTotal += 1
                    if expected == actual {
                        agree[name, default: 0] += 1
                        caseAgree += 1
                    } else {
                        differences.append("\(name) zeek=\(expected) mine=\(actual)")
                    }
                }
                if !differences.isEmpty {
                    differingRows.append("\(item.capture) \(mine.origHost):\(mine.origPort) → \(mine.respHost):\(mine.respPort)")
                    print("  \(item.capture) \(mine.origHost):\(mine.origPort) → \(mine.respHost):\(mine.respPort): "
                          + differences.joined(separator: ", "))
                }
            }
            print("ZeekCorpusTests: \(item.capture): \(rows.count) baseline rows, \(replayed.count) replayed, "
                  + "\(caseAgree)/\(caseTotal) fields agree")
        }
        print("ZeekCorpusTests: \(rowCount) baseline rows, \(missingRows) without a replayed connection")
        for name in zeekComparedFields where total[name, default: 0] > 0 {
            let a = agree[name, default: 0]
            let t = total[name, default: 0]
            print(String(format: "  %-14@ %4d/%-4d %6.1f %%", name as NSString, a, t, 100 * Double(a) / Double(t)))
        }
        // Exact counts: every field compared agrees on every row, and how many rows compare
        // each field is fixed too (a baseline without a column compares fewer): any change fails.
        let expectedCompared: [String: Int] = [
            "id.orig_h": 66, "id.orig_p": 66, "orig_pkts": 69, "resp_pkts": 69, "orig_ip_bytes": 66, "resp_ip_bytes": 66,
            "conn_state": 66, "history": 69, "orig_bytes": 64, "resp_bytes": 64, "missed_bytes": 64, "duration": 65,
        ]
        for name in zeekComparedFields {
            #expect(total[name, default: 0] == expectedCompared[name, default: 0] && agree[name, default: 0] == total[name, default: 0],
                    "\(name): \(agree[name, default: 0])/\(total[name, default: 0]) agree, expected \(expectedCompared[name, default: 0]) of \(expectedCompared[name, default: 0])")
        }
        #expect(Set(zeekComparedFields) == Set(expectedCompared.keys))
        #expect(rowCount == 69 && missingRows == 0, "\(rowCount) baseline rows, \(missingRows) without a replayed connection")
        // Known differences, by capture and connection: none.
        #expect(differingRows == [])
    }

    /// rst-after-syn.zeek prints each side's record at connection_state_remove: an injected RST
    /// after the SYN, then the real SYN-ACK and data on the same 5-tuple — one connection.
    @Test func injectedResetAfterSYNStaysOneConnection() throws {
        let capture = zeekCorpusPath + "/captures/zeek__tcp__rst-inject-rae.pcap"
        let reference = zeekCorpusPath + "/refs/zeek__tcp__rst-inject-rae.pcap.zeek-core.tcp.rst-after-syn.stdout"
        try #require(FileManager.default.fileExists(atPath: capture) && FileManager.default.fileExists(atPath: reference),
                     "rst-inject-rae.pcap or its baseline is missing from the corpus")
        // Zeek's endpoint record: [size=175, state=1, num_pkts=4, num_bytes_ip=395, ...]
        func side(_ prefix: String) throws -> (size: UInt64, state: UInt8, packets: Int, bytes: Int) {
            let text = try String(contentsOfFile: reference, encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(prefix) })
            func value(_ key: String) -> String {
                let after = line.components(separatedBy: key + "=")[1]
                return String(after.prefix { $0.isNumber })
            }
            return (UInt64(value("size"))!, UInt8(value("state"))!, Int(value("num_pkts"))!, Int(value("num_bytes_ip"))!)
        }
        let replayed = try replayZeek(capturePath: capture, verifyChecksums: true)
        try #require(replayed.count == 1)
        let z = replayed[0].zeek
        let orig = try side("orig:")
        let resp = try side("resp:")
        #expect(z.origSize == orig.size && z.origTCPState.rawValue == orig.state)
        #expect(z.origPackets == orig.packets && z.origIPBytes == orig.bytes)
        #expect(z.respSize == resp.size && z.respTCPState.rawValue == resp.state)
        #expect(z.respPackets == resp.packets && z.respIPBytes == resp.bytes)
        print("ZeekCorpusTests: rst-inject-rae.pcap: history \(z.history), \(z.connState), orig \(z.origPackets) pkts, "
              + "resp \(z.respPackets) pkts")
    }
}
