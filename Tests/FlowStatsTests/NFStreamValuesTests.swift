@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// `--schema nfstream` values worked out by hand (NFStream 6.6's definitions: integer ms time
/// base truncated, link-layer sizes, sample stddev over n − 1 sizes and n − 2 inter-arrivals).
/// UDP frames: 42 + payload bytes on the wire.
@Suite struct NFStreamValuesTests {
    /// Client at 0.4 ms (→ 0 ms), server at 1.9 ms (→ 1), client at 3.1 ms (→ 3), client at
    /// 10.5 ms (→ 10): sizes 52, 62, 42, 72.
    static let records = [
        udpFrame(0.0004, fromClient: true, payload: 10),
        udpFrame(0.0019, fromClient: false, payload: 20),
        udpFrame(0.0031, fromClient: true, payload: 0),
        udpFrame(0.0105, fromClient: true, payload: 30),
    ]

    static func flows() throws -> FinishedFlows {
        try runFinishedFlows(records) {
            $0.flow = FlowConfiguration(preset: .nfstream)
            $0.flow.features.firstPackets = 5
        }.flows
    }

    @Test func handWorkedValues() throws {
        let flows = try Self.flows()
        try #require(flows.count == 1 && flows.nfstream.count == 1)
        let v = flows.nfstream[0]
        #expect(v.srcIsClient)
        #expect(v.bidirectional.packets == 4 && v.bidirectional.bytes == 228)
        #expect(v.bidirectional.firstMs == 0 && v.bidirectional.lastMs == 10 && v.bidirectional.durationMs == 10)
        // Sizes: mean 57, deviations −5 5 −15 15, M2 = 500, sample std sqrt(500/3).
        #expect(v.bidirectional.size.mean == 57 && v.bidirectional.size.min == 42 && v.bidirectional.size.max == 72)
        #expect(abs(v.bidirectional.size.sampleStd - (500.0 / 3).squareRoot()) < 1e-12)
        // Inter-arrivals 1, 2, 7 ms: mean 10/3, M2 = 186/9, std over n − 2 = 2: sqrt(31/3).
        #expect(v.bidirectional.piat.min == 1 && v.bidirectional.piat.max == 7)
        #expect(abs(v.bidirectional.piat.mean - 10.0 / 3) < 1e-12)
        #expect(abs(v.bidirectional.piat.sampleStd - (31.0 / 3).squareRoot()) < 1e-12)
        // src → dst: 0, 3, 10 ms; 52, 42, 72; inter-arrivals 3 and 7: std sqrt(8) (n = 3 → n − 2 = 1).
        #expect(v.src2dst.packets == 3 && v.src2dst.bytes == 166 && v.src2dst.durationMs == 10)
        #expect(v.src2dst.piat.mean == 5 && abs(v.src2dst.piat.sampleStd - 8.0.squareRoot()) < 1e-12)
        // dst → src: one packet, at 1 ms: stddevs 0, no inter-arrival.
        #expect(v.dst2src.packets == 1 && v.dst2src.firstMs == 1 && v.dst2src.lastMs == 1)
        #expect(v.dst2src.size.sampleStd == 0 && v.dst2src.piat.count == 0 && v.dst2src.piat.sampleStd == 0)
    }

    /// Bytes per live flow the group adds (side table; no heap).
    @Test func storage() {
        print("MemoryLayout: NFStreamValues \(MemoryLayout<NFStreamValues>.stride) B")
        #expect(MemoryLayout<NFStreamValues>.stride <= 480)
    }

    @Test func millisecondsAreTruncated() {
        #expect(NFStreamValues.milliseconds(1_999_999) == 1)
        #expect(NFStreamValues.milliseconds(2_000_000) == 2)
        #expect(NFStreamValues.milliseconds(-1) == -1)
    }

    /// The header, name for name, against NFStream 6.6's (../shared/docs/headers).
    @Test(.enabled(if: SharedCorpus.isPresent, "needs ../shared next to the package"))
    func headerIsNFStreams() throws {
        var options = ColumnOptions()
        options.firstPackets = 10
        let header = try String(contentsOfFile: SharedCorpus.path + "/../docs/headers/nfstream-6.6-stats-splt.txt", encoding: .utf8)
        #expect(Schema.nfstream.layout(options).columns.map(\.name) == header.split(whereSeparator: \.isNewline).map(String.init))
    }

    @Test func csvText() throws {
        var options = ColumnOptions()
        options.firstPackets = 5
        let layout = Schema.nfstream.layout(options)
        #expect(layout.requirements == [.nfstream, .firstPackets])
        #expect(layout.columns.count == 80 && layout.columns.last?.name == "splt_piat_ms")
        #expect(Schema.nfstream.layout().columns.count == 77)  // splt 0: no splt lists, as NFStream

        let out = CSVBuffer()
        layout.writeRows(try Self.flows(), file: FileContext(sourceFile: "c.pcap", appName: "a", appAction: "b"), to: out)
        let line = String(decoding: out.bytes, as: UTF8.self).split(whereSeparator: \.isNewline)[0]
        #expect(line.hasSuffix(",\"[0, 1, 0, 0, -1]\",\"[52, 62, 42, 72, -1]\",\"[0, 1, 2, 7, -1]\""))
        // src MAC/OUI from the built Ethernet header, then ports, protocol, version, VLAN, tunnel.
        #expect(line.contains(",57.0,12.909944487358056,72,"))
    }
}
