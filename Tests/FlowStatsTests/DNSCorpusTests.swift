// DNS on the shared corpus: Zeek's dns.log baselines (refs/*zeek-dns*, first row with a query
// per connection, in log order) and nDPI's DNS flow lines (Hostname/SNI, with MANIFEST.md's
// normalisation), against DNSExchange fed with the captures' datagrams as flowcsv's decoder
// reads them (IP fragments put back together; TCP messages taken in sequence order).

@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// One UDP or TCP flow of a capture: its payloads in file order, with their direction.
struct CorpusFlow {
    var ipProtocol: UInt8
    var client: String
    var server: String
    var serverAddress: IPAddress
    var clientPort: UInt16
    var serverPort: UInt16
    /// Time of the flow's last packet (ns).
    var lastTime: Int64 = 0
    /// UDP payloads, or TCP segments' payloads with their sequence numbers.
    var payloads: [(bytes: [UInt8], fromClient: Bool, sequence: UInt32)] = []

    /// Endpoints without order, as MANIFEST matches flows.
    var pairKey: String { [client, server].sorted().joined(separator: " ") + " \(ipProtocol)" }

    /// The responder is a multicast address (Zeek's DNS::multicast_subnets).
    var serverIsMulticast: Bool {
        if serverAddress.isIPv4 { return (serverAddress.low >> 28) & 0xF == 0xE }
        return serverAddress.high >> 56 == 0xFF
    }

    /// One direction of a TCP flow, segments in sequence order, each byte once.
    func tcpStream(fromClient: Bool) -> [UInt8] {
        let segments = payloads.filter { $0.fromClient == fromClient && !$0.bytes.isEmpty }
        guard let first = segments.map(\.sequence).min() else { return [] }
        var stream: [UInt8] = []
        for segment in segments.sorted(by: { $0.sequence &- first < $1.sequence &- first }) {
            let offset = Int(segment.sequence &- first)
            if offset + segment.bytes.count <= stream.count { continue }
            guard offset <= stream.count else { break }  // a gap: stop there
            stream += segment.bytes[(stream.count - offset)...]
        }
        return stream
    }

    /// Feeds the flow's DNS messages to a DNSExchange: UDP payloads one by one; TCP messages
    /// of each direction (client first, as a query precedes its answer).
    func dnsExchange() -> DNSExchange {
        var exchange = DNSExchange(responderIsMulticast: serverIsMulticast)
        if ipProtocol == 17 {
            for p in payloads { p.bytes.withUnsafeBytes { exchange.add(datagram: $0, fromClient: p.fromClient) } }
            return exchange
        }
        let streams = [(tcpStream(fromClient: true), true), (tcpStream(fromClient: false), false)]
        var messages: [[(DNSMessageSummary, Bool)]] = []
        for (stream, fromClient) in streams {
            var offset = 0
            var list: [(DNSMessageSummary, Bool)] = []
            while offset < stream.count {
                let progress = stream.withUnsafeBytes {
                    DNSMessageSummary.parse(tcpStream: UnsafeRawBufferPointer(rebasing: $0[offset...]))
                }
                guard case .done(let m, let consumed) = progress else { break }
                list.append((m, fromClient))
                offset += consumed
            }
            messages.append(list)
        }
        // Interleave: query k, then reply k.
        for k in 0..<max(messages[0].count, messages[1].count) {
            for side in 0..<2 where k < messages[side].count {
                exchange.add(messages[side][k].0, fromClient: messages[side][k].1)
            }
        }
        return exchange
    }
}

/// Reads a capture's TCP and UDP flows with flowcsv's decoder. A UDP flow idle for more than
/// a minute ends (Zeek's `udp_inactivity_timeout`); the next packet starts another flow.
enum CorpusFlows {
    static let udpTimeoutNs: Int64 = 60_000_000_000

    /// `verifyChecksums`: drop packets with a bad IP or transport checksum, as Zeek does
    /// when run without `-C`.
    static func read(_ path: String, verifyChecksums: Bool = false) -> [CorpusFlow] {
        guard let reader = try? CaptureReader.open(path: path) else { return [] }
        var flows: [CorpusFlow] = []
        var index: [String: Int] = [:]
        var packet = DecodedPacket()
        var reassembler = FragmentReassembler()
        func take(_ packet: DecodedPacket, _ bytes: UnsafeRawBufferPointer, _ now: Int64) {
            guard packet.kind == .ip, packet.hasPorts, !packet.isFragment,
                  packet.ipProtocol == 17 || packet.ipProtocol == 6, packet.transportOffset >= 0 else { return }
            if verifyChecksums && !(Checksums.ipHeaderValid(bytes, packet) && Checksums.transportValid(bytes, packet)) {
                return
            }
            let source = "\(packet.source) \(packet.sourcePort)"
            let destination = "\(packet.destination) \(packet.destinationPort)"
            let key = [source, destination].sorted().joined(separator: "|") + "|\(packet.ipProtocol)"
            let ipEnd = min(bytes.count, packet.ipOffset + packet.ipLength)
            let transport = packet.ipOffset + packet.transportOffset
            var start = transport + 8
            var end = ipEnd
            if packet.ipProtocol == 17 {
                if packet.udpLength >= 8 { end = min(ipEnd, transport + packet.udpLength) }
            } else {
                guard packet.tcpHeaderUsable else { return }
                start = transport + packet.tcpHeaderLength
            }
            let payload = start < end ? Array(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) : []
            let slot: Int
            if let existing = index[key], packet.ipProtocol == 6 || now - flows[existing].lastTime <= udpTimeoutNs {
                slot = existing
            } else {
                slot = flows.count
                index[key] = slot
                flows.append(CorpusFlow(ipProtocol: packet.ipProtocol, client: source, server: destination,
                                        serverAddress: packet.destination, clientPort: packet.sourcePort,
                                        serverPort: packet.destinationPort))
            }
            flows[slot].lastTime = now
            if packet.ipProtocol == 6 && payload.isEmpty { return }
            flows[slot].payloads.append((payload, source == flows[slot].client, packet.sequence))
        }
        _ = reader.forEachPacket { header, bytes in
            PacketDecoder.decode(bytes, linkType: header.linkType, into: &packet)
            if packet.kind == .ip && packet.isFragment {
                let fragment = packet
                _ = reassembler.add(fragment, frame: bytes, at: header.timestampNs) { datagram in
                    var whole = fragment
                    PacketDecoder.decodeReassembled(datagram, into: &whole)
                    take(whole, datagram, header.timestampNs)
                }
            } else {
                take(packet, bytes, header.timestampNs)
            }
        }
        return flows
    }
}

/// The rows of a Zeek TSV log, as field-name → value dictionaries, in file order.
func zeekLogRows(_ path: String) -> [[String: String]] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    var fields: [String] = []
    var rows: [[String: String]] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        if line.hasPrefix("#fields") {
            fields = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().map(String.init)
        } else if !line.hasPrefix("#") && !fields.isEmpty {
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            rows.append(Dictionary(uniqueKeysWithValues: zip(fields, values)))
        }
    }
    return rows
}

@Suite("DNS corpus")
struct DNSCorpusTests {
    /// The Zeek dns.log baselines, the capture each belongs to, and whether its btest ran
    /// without `-C` (then Zeek drops bad-checksum packets; manifest.json's `zeek_opts`).
    static var zeekLogs: [(capture: String, log: String, verifyChecksums: Bool)] {
        let refs = SharedCorpus.path + "/refs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: refs)) ?? []
        var checksummed: Set<String> = []
        if let data = FileManager.default.contents(atPath: SharedCorpus.path + "/manifest.json"),
           let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
            for entry in entries {
                let file = ((entry["file"] as? String) ?? "") as NSString
                for ref in (entry["refs"] as? [[String: Any]]) ?? [] where (ref["kind"] as? String)?.hasPrefix("zeek") == true {
                    if let opts = ref["zeek_opts"] as? String, !opts.split(separator: " ").contains("-C") {
                        checksummed.insert(file.lastPathComponent)
                    }
                }
            }
        }
        return names.filter { $0.hasSuffix("dns.log") }.sorted().compactMap { name in
            guard let range = name.range(of: ".pcap") else { return nil }
            let capture = String(name[..<range.upperBound])
            return (capture, refs + "/" + name, checksummed.contains(capture))
        }
    }

    @Test("Zeek dns.log: query, qtype_name, rcode_name of each connection's first row with a query",
          .enabled(if: SharedCorpus.isPresent))
    func zeekDNSLog() {
        var compared = 0, equal = 0
        var differences: [String] = []
        for (capture, log, verify) in Self.zeekLogs {
            let flows = CorpusFlows.read(SharedCorpus.captures + "/" + capture, verifyChecksums: verify)
            // Several connections of one pair: the k-th uid of the pair in log order is the
            // pair's k-th flow.
            var byPair: [String: [CorpusFlow]] = [:]
            for flow in flows { byPair[flow.pairKey, default: []].append(flow) }
            var uidsOfPair: [String: [String]] = [:]
            var seen: Set<String> = []
            for row in zeekLogRows(log) {
                let proto: UInt8 = row["proto"] == "tcp" ? 6 : 17
                let a = "\(row["id.orig_h"] ?? "") \(row["id.orig_p"] ?? "")"
                let b = "\(row["id.resp_h"] ?? "") \(row["id.resp_p"] ?? "")"
                let key = [a, b].sorted().joined(separator: " ") + " \(proto)"
                guard let uid = row["uid"] else { continue }
                if !(uidsOfPair[key] ?? []).contains(uid) { uidsOfPair[key, default: []].append(uid) }
                guard !seen.contains(uid), let query = row["query"], query != "-" else { continue }
                seen.insert(uid)
                compared += 1
                let k = uidsOfPair[key]?.firstIndex(of: uid) ?? 0
                guard let pairFlows = byPair[key], k < pairFlows.count else {
                    differences.append("\(capture) \(key): flow not found")
                    continue
                }
                let exchange = pairFlows[k].dnsExchange()
                let mine = [exchange.query ?? "-", exchange.qtypeName ?? "-", exchange.rcodeName ?? "-"]
                let theirs = [query, row["qtype_name"] ?? "-", row["rcode_name"] ?? "-"]
                if mine == theirs { equal += 1 } else { differences.append("\(capture) \(key): \(mine) vs Zeek \(theirs)") }
            }
        }
        print("Zeek dns.log: \(equal)/\(compared) connections equal")
        for d in differences { print("  \(d)") }
        #expect(compared == 19)
        #expect(equal == compared)
        #expect(differences.isEmpty)
    }

    /// nDPI's normalisation of a DNS name (MANIFEST.md): lower-case, any character outside
    /// `[-0-9A-Za-z_.]` → `_`, the last 79 characters.
    static func ndpiName(_ bytes: [UInt8]) -> String {
        let mapped = bytes.map { b -> Character in
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") { return Character(c.lowercased()) }
            return "_"
        }
        return String(String(mapped).suffix(79))
    }

    @Test("nDPI DNS lines: Hostname/SNI is the question name (flows of one query, at most one reply)",
          .enabled(if: SharedCorpus.isPresent))
    func ndpiHostnames() throws {
        let refs = SharedCorpus.path + "/refs"
        let captures = ["dns-exf.pcap", "dns-google-nsid.pcapng", "dns.pcap", "dns_ambiguous_names.pcap",
                        "dns_fragmented.pcap", "dns_long_domainname.pcap", "malformed_dns.pcap"]
        var compared = 0, equal = 0
        var differences: [String] = []
        let linePattern = try Regex(#"^\s*\d+\s+(UDP|TCP) (\S+) <-> (\S+) .*?\[proto: 5[./].*?\]\[(\d+) pkts/\d+ bytes <-> (\d+) pkts/\d+ bytes\].*?\[Hostname/SNI: ([^\]]*)\]"#)
        for capture in captures {
            let text = (try? String(contentsOfFile: "\(refs)/ndpi__\(capture).ndpi.out", encoding: .utf8)) ?? ""
            let flows = CorpusFlows.read(SharedCorpus.captures + "/ndpi__" + capture)
            for line in text.split(separator: "\n") {
                guard let match = try linePattern.firstMatch(in: String(line)) else { continue }
                let out = match.output
                guard let proto = out[1].substring, let a = out[2].substring, let b = out[3].substring,
                      let p1 = out[4].substring.flatMap({ Int($0) }), let p2 = out[5].substring.flatMap({ Int($0) }),
                      let name = out[6].substring else { continue }
                guard proto == "UDP", p1 <= 1, p2 <= 1 else { continue }
                func endpoint(_ s: Substring) -> String {
                    let text = String(s)
                    guard let colon = text.lastIndex(of: ":") else { return text }
                    let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                    return "\(host) \(text[text.index(after: colon)...])"
                }
                let key = [endpoint(a), endpoint(b)].sorted().joined(separator: " ") + " 17"
                compared += 1
                guard let flow = flows.first(where: { $0.pairKey == key }), let first = flow.payloads.first else {
                    differences.append("\(capture) \(key): flow not found")
                    continue
                }
                let mine: String? = first.bytes.withUnsafeBytes { raw in
                    guard raw.count > 12 else { return nil }
                    return DNSNameReader.read(raw, at: 12, lowercase: true).map { Self.ndpiName($0.bytes) }
                }
                if mine == String(name) { equal += 1 } else { differences.append("\(capture) \(key): \(mine ?? "-") vs nDPI \(name)") }
            }
        }
        print("nDPI Hostname/SNI on DNS lines: \(equal)/\(compared) equal")
        for d in differences { print("  \(d)") }
        #expect(compared == 37)
        #expect(equal == compared)
    }
}
