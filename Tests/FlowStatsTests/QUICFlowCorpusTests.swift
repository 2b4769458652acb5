// QUIC flows of the shared corpus through the datagram analysis (DatagramProgress, both
// directions, as FlowInspection feeds it), against third-party references: the nDPI flows
// whose first client datagram is not an Initial (ndpi__quic_0RTT: 0-RTT packets first;
// ndpi__quic-forcing-vn-with-data: a reserved version first, then a Retry) must give nDPI's
// SNI, ALPN list, JA4 (but for the characters nDPI computes its own way, MANIFEST.md) and
// JA3 (values from refs/*.ndpi.out), and every Zeek QUIC capture's
// ssl.log `version` (refs/zeek__quic__*zeek-ssl*) must match the TLSVersion read from the
// server's ServerHello.

import FlowStatsTestSupport
import Foundation
import Testing

@testable import FlowStats

/// What the datagram analysis made of each UDP flow, by unordered endpoint pair "a:p|b:q";
/// the first sender is the client.
private func analyseUDPFlows(_ capture: String) throws -> [String: AppMetadata] {
    struct Flow { var client: String; var progress = DatagramProgress(); var m = AppMetadata(); var done = false }
    let reader = try CaptureReader.open(path: SharedCorpus.captures + "/" + capture)
    var packet = DecodedPacket()
    var flows: [String: Flow] = [:]
    _ = reader.forEachPacket { header, bytes in
        PacketDecoder.decode(bytes, linkType: header.linkType, into: &packet)
        guard packet.kind == .ip, packet.ipProtocol == 17, packet.hasPorts, !packet.isFragment else { return }
        let source = "\(packet.source):\(packet.sourcePort)", destination = "\(packet.destination):\(packet.destinationPort)"
        let key = source < destination ? "\(source)|\(destination)" : "\(destination)|\(source)"
        var flow = flows[key] ?? Flow(client: source)
        defer { flows[key] = flow }
        guard !flow.done else { return }
        let start = packet.ipOffset + packet.ipHeaderLength + 8
        let end = min(bytes.count, start + packet.payloadLength)
        guard start <= end else { return }
        let fromClient = flow.client == source
        let ports = fromClient ? UDPPorts(client: packet.sourcePort, server: packet.destinationPort)
            : UDPPorts(client: packet.destinationPort, server: packet.sourcePort)
        flow.done = flow.progress.take(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), fromClient: fromClient,
                                       ports: ports, serverIsMulticast: false, into: &flow.m)
    }
    return flows.mapValues(\.m)
}

/// A JA4 with the characters nDPI computes its own way blanked (MANIFEST.md: the 4th, SNI
/// `d`/`i`, and the 9th–10th, ALPN), so that nDPI's and a FoxIO-rule JA4 compare.
private func ndpiMasked(_ ja4: String) -> String {
    String(ja4.enumerated().map { [3, 8, 9].contains($0.offset) ? "*" : $0.element })
}

private func pair(_ a: String, _ b: String) -> String { a < b ? "\(a)|\(b)" : "\(b)|\(a)" }

/// The rows of a Zeek ssl.log: (endpoint pair or nil for a `.cut` log without endpoints, version).
private func zeekSSLVersions(_ path: String) throws -> [(pair: String?, version: String)] {
    var fields: [String] = []
    var rows: [(String?, String)] = []
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
        if line.hasPrefix("#fields") { fields = line.split(separator: "\t").dropFirst().map(String.init); continue }
        if line.hasPrefix("#") { continue }
        let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if fields.isEmpty { fields = values; continue }  // .cut: the first line names the fields
        let row = Dictionary(zip(fields, values), uniquingKeysWith: { first, _ in first })
        guard let version = row["version"] else { continue }
        var key: String?
        if let oh = row["id.orig_h"], let op = row["id.orig_p"], let rh = row["id.resp_h"], let rp = row["id.resp_p"],
           let o = IPAddress(oh), let r = IPAddress(rh) {
            key = pair("\(o):\(op)", "\(r):\(rp)")
        }
        rows.append((key, version))
    }
    return rows
}

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct QUICFlowCorpusTests {
    @Test func zeroRTTBeforeTheInitialStillGivesTheClientHello() throws {
        let flows = try analyseUDPFlows("ndpi__quic_0RTT.pcap")
        let m = try #require(flows[pair("192.168.2.100:51972", "142.250.181.227:443")])
        // refs/ndpi__quic_0RTT.pcap.ndpi.out
        #expect(m.tlsSNI == "ssl.gstatic.com")
        #expect(m.tlsALPN == "h3")
        #expect(ndpiMasked(m.ja4) == ndpiMasked("q13d0312h0_55b375c5d22e_73e2d9e6cde6"))
        #expect(m.ja3 == "06b6b2a2cba0b7deeaaa6a3d8374d627")
        #expect(m.services.contains("quic"))
    }

    @Test func aReservedVersionFirstThenARetryStillGivesTheClientHello() throws {
        let flows = try analyseUDPFlows("ndpi__quic-forcing-vn-with-data.pcapng")
        let m = try #require(flows[pair("192.168.56.103:55523", "192.168.56.104:4433")])
        // refs/ndpi__quic-forcing-vn-with-data.pcapng.ndpi.out ("Missing SNI TLS Extn")
        #expect(m.tlsSNI == "")
        #expect(m.tlsALPN == "h3;h3-29;h3-28;h3-27;hq-interop;hq-29;hq-28;hq-27;http/0.9")
        #expect(ndpiMasked(m.ja4) == ndpiMasked("q13d0307h3_55b375c5d22e_f0736a66fa6b"))
        #expect(m.ja3 == "86871fd0d48de0c82beec154cd3f1744")
        // nDPI prints [TLSv1.3]: the server's Initial after the Retry gives the version too.
        #expect(m.tlsVersion == 0x0304)
    }

    @Test func zeekSSLLogVersionsComeFromTheServerHello() throws {
        let refs = try FileManager.default.contentsOfDirectory(atPath: SharedCorpus.path + "/refs")
            .filter { $0.hasPrefix("zeek__quic__") && $0.contains(".zeek-ssl.") }.sorted()
        #expect(refs.count >= 7)
        var compared = 0
        for ref in refs {
            let capture = String(ref[..<(ref.range(of: ".zeek-ssl.")!.lowerBound)])
            let flows = try analyseUDPFlows(capture)
            let quicFlows = flows.filter { $0.value.services.contains("quic") }
            for row in try zeekSSLVersions(SharedCorpus.path + "/refs/" + ref) {
                // A `.cut` row without endpoints: only when the capture has a single QUIC flow.
                let m = row.pair.map { flows[$0] } ?? (quicFlows.count == 1 ? quicFlows.first?.value : nil)
                guard let m else {
                    Issue.record("\(ref): no flow for \(row.pair ?? "-")")
                    continue
                }
                let ours = m.tlsVersion == 0 ? "-" : TLSVersionName.zeek(m.tlsVersion)
                #expect(ours == row.version, "\(ref) \(row.pair ?? "-")")
                compared += 1
            }
        }
        print("zeek ssl.log QUIC rows compared: \(compared)")
        #expect(compared >= 7)
    }
}
