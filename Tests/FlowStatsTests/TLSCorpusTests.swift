// TLS ClientHellos from the shared corpus's real captures, against third-party references:
// FoxIO's JA4 and SNI per TCP stream (refs/*.ja4-rust.snap and *.ja4-python.json, see
// MANIFEST.md), and tshark's JA3 (`tls.handshake.ja3`) on the nDPI and FoxIO TLS captures
// (skipped without tshark). The client's first bytes are reassembled here by TCP sequence
// number (a small in-test reassembler), as the lead's feature group will hand them over.

@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// MARK: - First bytes of each TCP direction

/// One direction of a TCP connection: sender → receiver.
private struct Direction: Hashable, CustomStringConvertible {
    var source: IPAddress, sourcePort: UInt16, destination: IPAddress, destinationPort: UInt16
    var description: String { "\(source):\(sourcePort) → \(destination):\(destinationPort)" }
}

/// The segments one direction sent, to be put in sequence order.
private struct DirectionSegments {
    var initialSequence: UInt32?
    var segments: [(sequence: UInt32, bytes: [UInt8])] = []
    var stored = 0

    /// The bytes from the first sequence number on, up to the first gap.
    func assembled() -> [UInt8] {
        guard let base = initialSequence.map({ $0 &+ 1 }) ?? segments.first?.sequence else { return [] }
        let placed = segments.map { (offset: Int(Int32(bitPattern: $0.sequence &- base)), bytes: $0.bytes) }
            .filter { $0.offset >= 0 }.sorted { $0.offset < $1.offset }
        var out: [UInt8] = []
        for segment in placed {
            guard segment.offset <= out.count else { break }
            let end = segment.offset + segment.bytes.count
            if end > out.count { out += segment.bytes[(out.count - segment.offset)...] }
        }
        return out
    }
}

/// Every TCP direction of a capture, each 4-tuple's connections in the order they began (a
/// SYN with a new initial sequence number starts a new one).
private func tcpDirections(_ path: String, limit: Int = 65_536) throws -> [Direction: [DirectionSegments]] {
    let reader = try CaptureReader.open(path: path)
    var directions: [Direction: [DirectionSegments]] = [:]
    var packet = DecodedPacket()
    _ = reader.forEachPacket { header, bytes in
        PacketDecoder.decode(bytes, linkType: header.linkType, into: &packet)
        guard packet.kind == .ip, packet.ipProtocol == 6, packet.hasTCPHeader, packet.tcpHeaderUsable, !packet.isFragment else { return }
        let key = Direction(source: packet.source, sourcePort: packet.sourcePort,
                            destination: packet.destination, destinationPort: packet.destinationPort)
        var list = directions[key] ?? []
        let isSYN = packet.layer.tcpFlags & 0x02 != 0
        if isSYN {
            if let last = list.last, last.initialSequence == packet.layer.sequence {
                // a retransmitted SYN
            } else if let last = list.last, last.initialSequence == nil, last.segments.isEmpty {
                list[list.count - 1].initialSequence = packet.layer.sequence
            } else {
                list.append(DirectionSegments(initialSequence: packet.layer.sequence))
            }
        }
        if list.isEmpty { list.append(DirectionSegments()) }
        let start = packet.ipOffset + packet.ipHeaderLength + packet.layer.tcpHeaderLength
        let length = min(packet.layer.payloadLength, bytes.count - start)
        if length > 0, list[list.count - 1].stored < limit {
            list[list.count - 1].segments.append((packet.layer.sequence, Array(bytes[start..<(start + length)])))
            list[list.count - 1].stored += length
        }
        directions[key] = list
    }
    return directions
}

/// The first ClientHello of the direction's bytes, or why there is none.
private func firstClientHello(_ bytes: [UInt8]) -> Result<TLSClientHello, NoHello> {
    switch bytes.withUnsafeBytes({ TLSClientHello.parse(stream: $0) }) {
    case .done(let hello, _): .success(hello)
    case .needMore: .failure(NoHello(reason: "needMore after \(bytes.count) bytes"))
    case .notThisProtocol:
        .failure(NoHello(reason: "not TLS at the stream start: \(String(decoding: bytes.prefix(12).map { (32...126).contains($0) ? $0 : 46 }, as: UTF8.self))"))
    }
}

private struct NoHello: Error { var reason: String }

/// For a stream that does not start with TLS (a proxy handshake, STARTTLS): the first
/// ClientHello at a later offset, and that offset.
private func clientHelloAfterPreamble(_ bytes: [UInt8]) -> (offset: Int, hello: TLSClientHello)? {
    for offset in bytes.indices where bytes[offset] == TLSConstants.handshakeContentType && offset > 0 {
        let rest = Array(bytes[offset...])
        if let hello = rest.withUnsafeBytes({ TLSClientHello.parse(stream: $0) }).value { return (offset, hello) }
    }
    return nil
}

// MARK: - FoxIO references

/// One TCP stream of a FoxIO reference that has a JA4.
private struct FoxIORecord {
    var direction: Direction
    var serverName: String?
    var ja4: String
}

/// The TCP records of the Rust crate's insta snapshot (`- stream: N` blocks of `key: value`).
private func rustSnapshotRecords(_ path: String) throws -> [FoxIORecord] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var blocks: [[String: String]] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("- stream: ") { blocks.append([:]); continue }
        guard !blocks.isEmpty, line.hasPrefix("  "), !line.hasPrefix("   "), !line.hasPrefix("  -"),
              let colon = line.firstIndex(of: ":") else { continue }
        let key = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
        var value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q { value = String(value.dropFirst().dropLast()) }
        blocks[blocks.count - 1][key] = value
    }
    return blocks.compactMap { block in
        guard block["transport"] == "tcp", let ja4 = block["ja4"], let src = block["src"].flatMap(IPAddress.init),
              let dst = block["dst"].flatMap(IPAddress.init), let sp = block["src_port"].flatMap(UInt16.init),
              let dp = block["dst_port"].flatMap(UInt16.init) else { return nil }
        return FoxIORecord(direction: Direction(source: src, sourcePort: sp, destination: dst, destinationPort: dp),
                           serverName: block["tls_server_name"], ja4: ja4)
    }
}

/// The records of `ja4.py -J` output that have a JA4 (all TCP: it leaves QUIC out).
private func pythonRecords(_ path: String) throws -> [FoxIORecord] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    return list.compactMap { entry in
        guard let ja4 = entry["JA4.1"] as? String, let src = (entry["src"] as? String).flatMap(IPAddress.init),
              let dst = (entry["dst"] as? String).flatMap(IPAddress.init),
              let sp = (entry["srcport"] as? String).flatMap(UInt16.init), let dp = (entry["dstport"] as? String).flatMap(UInt16.init)
        else { return nil }
        return FoxIORecord(direction: Direction(source: src, sourcePort: sp, destination: dst, destinationPort: dp),
                           serverName: entry["domain"] as? String, ja4: ja4)
    }
}

private let foxIOCaptures = [
    "foxio__badcurveball.pcap", "foxio__chrome-cloudflare-quic-with-secrets.pcapng", "foxio__https-connect.pcap",
    "foxio__ipv6.pcapng", "foxio__latest.pcapng", "foxio__socks-https-example.pcap", "foxio__tls-handshake.pcapng",
    "foxio__tls-non-ascii-alpn.pcapng", "foxio__tls12.pcap",
]

/// Compares our JA4 and SNI with `records`; returns (equal, total, descriptions of the rest).
private func compare(_ records: [FoxIORecord], in capture: String) throws -> (Int, Int, [String]) {
    let directions = try tcpDirections(SharedCorpus.captures + "/" + capture)
    var seen: [Direction: Int] = [:]
    var equal = 0
    var differences: [String] = []
    for record in records {
        let occurrence = seen[record.direction, default: 0]
        seen[record.direction] = occurrence + 1
        guard let list = directions[record.direction], occurrence < list.count else {
            differences.append("\(capture) \(record.direction): stream not found"); continue
        }
        let bytes = list[occurrence].assembled()
        switch firstClientHello(bytes) {
        case .failure(let why):
            var note = ""
            if let (offset, hello) = clientHelloAfterPreamble(bytes) {
                let same = JA4.fingerprint(hello, transport: .tcp) == record.ja4 && hello.serverName == record.serverName
                note = same ? " (the ClientHello after its \(offset)-byte preamble matches)" : " (the ClientHello after its preamble differs)"
            }
            differences.append("\(capture) \(record.direction): \(why.reason)\(note)")
        case .success(let hello):
            let ja4 = JA4.fingerprint(hello, transport: .tcp)
            if ja4 == record.ja4 && hello.serverName == record.serverName {
                equal += 1
            } else {
                differences.append("\(capture) \(record.direction): JA4 \(ja4) vs \(record.ja4), SNI \(hello.serverName ?? "-") vs \(record.serverName ?? "-")")
            }
        }
    }
    return (equal, records.count, differences)
}

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct TLSCorpusTests {
    /// FoxIO's Rust snapshot: 73 TCP streams with a JA4 in these captures. 4 are TLS behind
    /// a proxy handshake (HTTP CONNECT in https-connect.pcap, SOCKS in
    /// socks-https-example.pcap): their first client bytes are not a ClientHello, so a parser
    /// of the stream's start rightly finds none; the ClientHello after the preamble must
    /// still match. Every other stream must match.
    @Test func ja4AndSNIMatchFoxIORust() throws {
        var equal = 0, total = 0
        var differences: [String] = []
        for capture in foxIOCaptures {
            let (e, t, d) = try compare(try rustSnapshotRecords(SharedCorpus.path + "/refs/" + capture + ".ja4-rust.snap"), in: capture)
            equal += e; total += t; differences += d
        }
        print("FoxIO Rust JA4/SNI: \(equal) of \(total) streams equal")
        for line in differences { print("  " + line) }
        #expect(total == 73)
        #expect(equal == total - differences.count)
        #expect(differences.count == 4)
        #expect(differences.allSatisfy { $0.contains("not TLS at the stream start") && $0.contains("preamble matches") && ($0.contains("https-connect") || $0.contains("socks-https")) })
        #expect(equal == 69, "\(differences)")
    }

    /// FoxIO's Python output (72 TCP streams: no CONNECT-tunnelled one) agrees the same way.
    @Test func ja4AndSNIMatchFoxIOPython() throws {
        var equal = 0, total = 0
        var differences: [String] = []
        for capture in foxIOCaptures {
            let (e, t, d) = try compare(try pythonRecords(SharedCorpus.path + "/refs/" + capture + ".ja4-python.json"), in: capture)
            equal += e; total += t; differences += d
        }
        print("FoxIO Python JA4/SNI: \(equal) of \(total) streams equal")
        for line in differences { print("  " + line) }
        #expect(total == 72)
        #expect(differences.count == 3)
        #expect(differences.allSatisfy { $0.contains("not TLS at the stream start") && $0.contains("preamble matches") && $0.contains("socks-https") })
        #expect(equal == 69, "\(differences)")
    }

    /// tshark's `tls.handshake.ja3` of each TCP stream's first ClientHello, on the 41 nDPI and
    /// FoxIO captures the manifest tags TLS: 239 streams, 234 starting with their ClientHello.
    @Test(.enabled(if: ExternalTool.isInstalled("tshark"), "needs tshark"))
    func ja3MatchesTshark() throws {
        struct Entry: Decodable { var file: String; var tags: [String] }
        let manifest = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: URL(fileURLWithPath: SharedCorpus.path + "/manifest.json")))
        let captures = manifest.map { ($0.file as NSString).lastPathComponent }
            .filter { name in (name.hasPrefix("ndpi__") || name.hasPrefix("foxio__")) && manifest.contains { $0.file.hasSuffix(name) && $0.tags.contains("TLS") } }
        var equal = 0, total = 0
        var differences: [String] = []
        for capture in captures.sorted() {
            let path = SharedCorpus.captures + "/" + capture
            let lines = try tsharkFields(path)
            let directions = try tcpDirections(path)
            var seenStreams = Set<String>()
            var occurrences: [Direction: Int] = [:]
            for line in lines {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 8, !f[0].isEmpty, !f[7].isEmpty, seenStreams.insert(f[0]).inserted else { continue }
                func last(_ s: String) -> String { s.split(separator: ",").last.map(String.init) ?? "" }
                guard let src = IPAddress(last(f[1].isEmpty ? f[2] : f[1])), let dst = IPAddress(last(f[4].isEmpty ? f[5] : f[4])),
                      let sp = UInt16(last(f[3])), let dp = UInt16(last(f[6])) else { continue }
                let direction = Direction(source: src, sourcePort: sp, destination: dst, destinationPort: dp)
                let occurrence = occurrences[direction, default: 0]
                occurrences[direction] = occurrence + 1
                let ja3 = last(f[7])
                total += 1
                guard let list = directions[direction], occurrence < list.count else {
                    differences.append("\(capture) tcp.stream \(f[0]) \(direction): not found"); continue
                }
                let bytes = list[occurrence].assembled()
                switch firstClientHello(bytes) {
                case .failure(let why):
                    var note = ""
                    if let (offset, hello) = clientHelloAfterPreamble(bytes) {
                        note = JA3.hash(hello) == ja3 ? " (the ClientHello after its \(offset)-byte preamble matches)" : " (the ClientHello after its preamble differs)"
                    }
                    differences.append("\(capture) tcp.stream \(f[0]) \(direction): \(why.reason)\(note)")
                case .success(let hello):
                    if JA3.hash(hello) == ja3 { equal += 1 } else {
                        differences.append("\(capture) tcp.stream \(f[0]) \(direction): JA3 \(JA3.hash(hello)) vs tshark \(ja3)")
                    }
                }
            }
        }
        print("tshark JA3: \(equal) of \(total) streams equal (\(captures.count) captures)")
        for line in differences { print("  " + line) }
        // The 5 others start with a proxy handshake (HTTP CONNECT, SOCKS) or POP3 STARTTLS;
        // their ClientHello, found after that preamble, must match too.
        #expect(total == 239 && equal == 234, "\(differences)")
        #expect(differences.count == 5 && differences.allSatisfy { $0.contains("preamble matches") }, "\(differences)")
        #expect(differences.filter { $0.contains("socks-https") }.count == 3)
        #expect(differences.filter { $0.contains("https-connect") || $0.contains("pop3_stls") }.count == 2)
    }
}

/// `tshark -r path -Y "tls.handshake.type == 1 && tcp" -T fields …` lines: tcp.stream,
/// ip.src, ipv6.src, tcp.srcport, ip.dst, ipv6.dst, tcp.dstport, tls.handshake.ja3.
private func tsharkFields(_ path: String) throws -> [Substring] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tshark", "-n", "-r", path, "-Y", "tls.handshake.type == 1 && tcp", "-T", "fields",
                         "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
                         "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "tls.handshake.ja3"]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n")
}
