// The QUIC captures of the shared corpus: every UDP flow's client datagrams go through
// QUICClientHelloCollector, and the SNI in the assembled ClientHello (or Q050 CHLO) is
// compared with what Zeek's quic.log, nDPI's result file, FoxIO's ja4-rust snapshot and
// tshark say for the same flow (matched by unordered endpoint pair). Known differences are
// listed by name; everything else must agree, with exact counts.

import FlowStatsTestSupport
import Foundation
import Testing

@testable import FlowStats

/// One UDP flow of a capture and what the collector made of it.
private struct QUICFlowResult {
    var pair: String  // unordered "a:p|b:q"
    var order: Int
    var delivered = false
    var serverName: String?
    var version: UInt32 = 0
    var collector = QUICClientHelloCollector()
    var client: String
    var finished = false
}

private func endpoint(_ address: String, _ port: Int) -> String {
    let normal = IPAddress(address)?.description ?? address
    return "\(normal):\(port)"
}

private func pairKey(_ a: String, _ b: String) -> String { a < b ? "\(a)|\(b)" : "\(b)|\(a)" }

/// Reads `name` from the corpus and runs each UDP flow's client datagrams through a collector.
private func scanQUIC(_ name: String) throws -> [QUICFlowResult] {
    let reader = try CaptureReader.open(path: SharedCorpus.captures + "/" + name)
    var packet = DecodedPacket()
    var flows: [String: QUICFlowResult] = [:]
    _ = reader.forEachPacket { header, bytes in
        PacketDecoder.decode(bytes, linkType: header.linkType, into: &packet)
        guard packet.kind == .ip, packet.ipProtocol == 17, packet.hasPorts, !packet.isFragment else { return }
        let source = endpoint(packet.source.description, Int(packet.sourcePort))
        let destination = endpoint(packet.destination.description, Int(packet.destinationPort))
        let key = pairKey(source, destination)
        var flow = flows[key] ?? QUICFlowResult(pair: key, order: flows.count, client: source)
        defer { flows[key] = flow }
        guard flow.client == source, !flow.finished else { return }
        let start = packet.ipOffset + packet.ipHeaderLength + 8
        let end = min(bytes.count, start + packet.payloadLength)
        guard start <= end else { return }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        switch flow.collector.add(datagram: payload) {
        case .needMore: break
        case .notThisProtocol: flow.finished = true
        case .done(let message, _):
            flow.finished = true
            flow.delivered = true
            flow.version = flow.collector.version
            if flow.collector.handshakeKind == .googleCHLO {
                flow.serverName = GoogleCHLO.value(of: "SNI\0", in: message).map { String(decoding: $0, as: UTF8.self) }
            } else {
                flow.serverName = quicTestSNI(message)
            }
        }
    }
    return flows.values.sorted { $0.order < $1.order }
}

// MARK: - References

/// (endpoint pair or nil, server name or nil) per record of a reference.
private typealias ReferenceRecord = (pair: String?, serverName: String?)

private func refs(_ capture: String, kind: String) -> [String] {
    let folder = SharedCorpus.path + "/refs"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasPrefix(capture + ".") && $0.contains(kind) }.sorted().map { folder + "/" + $0 }
}

/// Zeek quic.log rows: `server_name` (`-` = unset), endpoints when the log has them.
private func zeekQUIC(_ path: String) throws -> [ReferenceRecord] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    var fields: [String] = []
    var records: [ReferenceRecord] = []
    for line in lines where !line.hasPrefix("###") {
        if line.hasPrefix("#fields") { fields = Array(line.split(separator: "\t").dropFirst().map(String.init)); continue }
        if line.hasPrefix("#") { continue }
        let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if fields.isEmpty { fields = values; continue }  // .cut files: first line is the header
        var row: [String: String] = [:]
        for (field, value) in zip(fields, values) { row[field] = value }
        var pair: String?
        if let oh = row["id.orig_h"], let op = row["id.orig_p"].flatMap(Int.init), let rh = row["id.resp_h"],
           let rp = row["id.resp_p"].flatMap(Int.init) {
            pair = pairKey(endpoint(oh, op), endpoint(rh, rp))
        }
        let name = row["server_name"].flatMap { $0 == "-" ? nil : $0 }
        records.append((pair, name))
    }
    return records
}

/// nDPI flow lines of UDP flows whose ClientHello/CHLO nDPI parsed (an ALPN list or a
/// Hostname/SNI is printed): the SNI or nil.
private func ndpiQUIC(_ path: String) throws -> [ReferenceRecord] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var records: [ReferenceRecord] = []
    for line in text.split(separator: "\n") {
        let words = line.split(separator: " ", maxSplits: 4)
        guard words.count >= 4, line.contains("\tUDP ") || words[0].hasSuffix("UDP"), line.contains("[proto:") else { continue }
        guard let udp = line.range(of: "UDP ") else { continue }
        let parts = line[udp.upperBound...].split(separator: " ", maxSplits: 3)
        guard parts.count >= 3 else { continue }
        func split(_ text: Substring) -> String? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
            let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            return endpoint(host, port)
        }
        guard let a = split(parts[0]), let b = split(parts[2]) else { continue }
        var name: String?
        if let r = line.range(of: "[Hostname/SNI: ") {
            name = String(line[r.upperBound...].prefix { $0 != "]" })
        }
        guard name != nil || line.contains("[(Advertised) ALPNs: ") else { continue }
        records.append((pairKey(a, b), name))
    }
    return records
}

/// FoxIO ja4-rust snapshot: UDP records with their tls_server_name.
private func foxioQUIC(_ path: String) throws -> [ReferenceRecord] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var records: [ReferenceRecord] = []
    var current: [String: String] = [:]
    func flush() {
        guard current["transport"] == "udp", let src = current["src"], let dst = current["dst"],
              let sp = current["src_port"].flatMap(Int.init), let dp = current["dst_port"].flatMap(Int.init) else { return }
        records.append((pairKey(endpoint(src, sp), endpoint(dst, dp)), current["tls_server_name"]))
    }
    for line in text.split(separator: "\n") {
        if line.hasPrefix("- stream:") { flush(); current = [:]; continue }
        guard line.hasPrefix("  "), !line.hasPrefix("   "), !line.hasPrefix("  -"), let colon = line.firstIndex(of: ":") else { continue }
        let key = line[..<colon].trimmingCharacters(in: .whitespaces)
        current[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    flush()
    return records
}

/// tshark: the first TLS (or gQUIC CHLO) SNI per UDP endpoint pair among QUIC packets.
private func tsharkQUIC(_ capture: String) throws -> [ReferenceRecord] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tshark", "-r", SharedCorpus.captures + "/" + capture, "-Y", "quic || gquic", "-T", "fields",
                         "-E", "separator=\t", "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport", "-e", "ip.dst",
                         "-e", "ipv6.dst", "-e", "udp.dstport", "-e", "tls.handshake.extensions_server_name",
                         "-e", "gquic.tag.sni"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var seen: [String: Int] = [:]
    var records: [ReferenceRecord] = []
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 8 else { continue }
        // Tunnelled packets list several addresses; the innermost is last.
        func last(_ s: String) -> String { s.split(separator: ",").last.map(String.init) ?? s }
        let src = last(f[0].isEmpty ? f[1] : f[0]), dst = last(f[3].isEmpty ? f[4] : f[3])
        guard let sp = Int(last(f[2])), let dp = Int(last(f[5])) else { continue }
        let key = pairKey(endpoint(src, sp), endpoint(dst, dp))
        let name = [f[6], f[7]].first { !$0.isEmpty }.map { last($0) }
        if let index = seen[key] {
            if records[index].serverName == nil, let name { records[index].serverName = name }
        } else {
            seen[key] = records.count
            records.append((key, name))
        }
    }
    return records
}

// MARK: - Comparison

/// nDPI's normalisation: lower case, the last 79 characters.
private func ndpiNormal(_ name: String) -> String { String(name.lowercased().suffix(79)) }

/// Compares `records` with the flows; returns (agreements, differences as text).
private func compare(_ records: [ReferenceRecord], _ flows: [QUICFlowResult], source: String,
                     normalise: (String) -> String = { $0 }) -> (Int, [String]) {
    var agree = 0
    var differences: [String] = records.isEmpty ? ["\(source): no records"] : []
    var used = Set<Int>()
    for (index, record) in records.enumerated() {
        let candidates = flows.indices.filter { !used.contains($0) && (record.pair == nil || flows[$0].pair == record.pair) }
        // Without endpoints (Zeek .cut): only when the capture has one flow that delivered.
        let chosen: Int?
        if record.pair == nil {
            let delivered = flows.indices.filter { flows[$0].delivered }
            chosen = delivered.count == 1 ? delivered[0] : nil
        } else {
            chosen = candidates.first
        }
        guard let chosen else { differences.append("\(source) #\(index): no flow for \(record.pair ?? "-")"); continue }
        used.insert(chosen)
        let ours = flows[chosen].serverName.map(normalise)
        if ours == record.serverName {
            agree += 1
        } else {
            differences.append("\(source) \(flows[chosen].pair): reference \(record.serverName ?? "none"), ours "
                               + (flows[chosen].delivered ? (ours ?? "no SNI") : "no ClientHello"))
        }
    }
    return (agree, differences)
}

/// The QUIC captures: expected number of flows with a delivered handshake message, and the
/// differences from the references that are known and explained.
private let quicCaptures: [(String, Int, [String])] = [
    ("ndpi__dlt_ppp.pcap", 1, []),
    ("ndpi__doq_adguard.pcapng", 1, []),
    ("ndpi__gquic.pcap", 1, []),
    ("ndpi__quic-24.pcap", 1, []),
    ("ndpi__quic-29.pcap", 1, []),
    ("ndpi__quic-33.pcapng", 1, []),
    ("ndpi__quic-forcing-vn-with-data.pcapng", 1, []),
    ("ndpi__quic-mvfst-27.pcapng", 1, []),
    ("ndpi__quic-v2.pcapng", 1, []),
    ("ndpi__quic_0RTT.pcap", 2, []),
    ("ndpi__quic_frags_ch_in_multiple_packets.pcapng", 1, []),
    ("ndpi__quic_frags_ch_out_of_order_same_packet_craziness.pcapng", 113, []),
    ("ndpi__quic_t51.pcap", 1, []),
    // Google QUIC Q035: the CHLO travels in clear in gQUIC STREAM frames, with no IETF long
    // header; not handled (the collector gives up on the first datagram).
    ("ndpi__youtube_quic.pcap", 0, [
        "ndpi 192.168.1.7:53859|216.58.205.66:443: reference googleads.g.doubleclick.net, ours no ClientHello",
        "ndpi 192.168.1.7:54997|216.58.205.66:443: reference pagead2.googlesyndication.com, ours no ClientHello",
        "ndpi 192.168.1.7:56074|216.58.198.33:443: reference yt3.ggpht.com, ours no ClientHello",
        "tshark 192.168.1.7:53859|216.58.205.66:443: reference googleads.g.doubleclick.net, ours no ClientHello",
        "tshark 192.168.1.7:54997|216.58.205.66:443: reference pagead2.googlesyndication.com, ours no ClientHello",
        "tshark 192.168.1.7:56074|216.58.198.33:443: reference yt3.ggpht.com, ours no ClientHello",
    ]),
    ("foxio__chrome-cloudflare-quic-with-secrets.pcapng", 1, []),
    ("foxio__quic-tls-handshake.pcapng", 1, []),
    ("foxio__tls-handshake.pcapng", 20, []),
    ("zeek__quic__chromium-115.0.5790.110-api-cirrus-com.pcap", 1, []),
    ("zeek__quic__firefox-102.13.0esr-blog-cloudflare-com.pcap", 1, []),
    ("zeek__quic__interop__quic-go_quic-go__handshake.pcap", 1, []),
    ("zeek__quic__quic-multiple-initial-fragmented-crypto-only-initial.pcap", 1, []),
    ("zeek__quic__quic-multiple-initial-fragmented-crypto.pcap", 1, []),
    // DNS over QUIC on port 853: tshark does not dissect it as QUIC.
    ("zeek__quic__quicdoq.pcap", 1, ["tshark: no records"]),
    ("zeek__quic__quicv2-http3-443.pcap", 1, []),
]

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct QUICCorpusTests {
    @Test(arguments: quicCaptures)
    func serverNamesMatchTheReferences(capture: String, deliveredFlows: Int, known: [String]) throws {
        let flows = try scanQUIC(capture)
        var differences: [String] = []
        var summary: [String] = []
        for path in refs(capture, kind: "zeek-quic") {
            let (agree, diff) = compare(try zeekQUIC(path), flows, source: "zeek")
            summary.append("zeek \(agree)")
            differences += diff
        }
        for path in refs(capture, kind: ".ndpi.out") {
            let (agree, diff) = compare(try ndpiQUIC(path), flows, source: "ndpi", normalise: ndpiNormal)
            summary.append("ndpi \(agree)")
            differences += diff
        }
        for path in refs(capture, kind: ".ja4-rust.snap") {
            let (agree, diff) = compare(try foxioQUIC(path), flows, source: "foxio")
            summary.append("foxio \(agree)")
            differences += diff
        }
        if ExternalTool.isInstalled("tshark") {
            let (agree, diff) = compare(try tsharkQUIC(capture), flows, source: "tshark")
            summary.append("tshark \(agree)")
            differences += diff
        }
        let delivered = flows.filter(\.delivered)
        print("\(capture): \(flows.count) UDP flows, \(delivered.count) delivered; agree: \(summary.joined(separator: ", "))")
        for flow in delivered { print("  \(flow.pair) v\(String(flow.version, radix: 16)) \(flow.serverName ?? "no SNI")") }
        for difference in differences { print("  DIFF \(difference)") }
        #expect(delivered.count == deliveredFlows)
        #expect(differences.sorted() == known.sorted())
    }
}
