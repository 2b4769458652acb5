@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// The first-packets group (`--splt N`): values worked out by hand from the built frames.
/// A UDP frame with p payload bytes is 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + p bytes on the
/// wire; a TCP frame without options 14 + 20 + 20 + p.
@Suite struct FirstPacketsTests {
    static func run(_ records: [PcapRecord], n: Int, configure: (inout ProcessingOptions) -> Void = { _ in })
        throws -> (FinishedFlows, [FirstPackets]) {
        let (flows, _) = try runFinishedFlows(records) {
            $0.flow.features.firstPackets = n
            configure(&$0)
        }
        #expect(flows.firstPackets.count == flows.count)
        return (flows, flows.firstPackets)
    }

    static let udpFlow = [
        udpFrame(0.0, fromClient: true, payload: 10),     // +52
        udpFrame(0.25, fromClient: false, payload: 20),   // −62, 0.25 s later
        udpFrame(0.2505, fromClient: true, payload: 0),   // +42, 0.5 ms later
        udpFrame(1.0, fromClient: false, payload: 100),   // −142, 0.7495 s later
        udpFrame(3.0, fromClient: true, payload: 1),      // +43, 2 s later
    ]

    @Test func zeroKeepsNothing() throws {
        let (_, first) = try Self.run(Self.udpFlow, n: 0)
        try #require(first.count == 1)
        #expect(first[0].packets.isEmpty && first[0].packets.capacity == 0)
        #expect(first[0].signedSize(0) == 0 && first[0].interArrivalNs(1) == 0)
    }

    @Test func oneKeepsTheFirstPacketOnly() throws {
        let (_, first) = try Self.run(Self.udpFlow, n: 1)
        #expect(first[0].packets.map(\.signedSize) == [52])
        #expect(first[0].signedSize(0) == 52 && first[0].signedSize(1) == 0)
        #expect(first[0].interArrivalNs(0) == 0)
    }

    @Test func threeOfFiveAreSignedWithTheirGaps() throws {
        let (_, first) = try Self.run(Self.udpFlow, n: 3)
        #expect(first[0].packets.map(\.signedSize) == [52, -62, 42])
        #expect((0..<4).map { first[0].interArrivalNs($0) } == [0, ns(0.25), 500_000, 0])
        #expect(first[0].signedSize(3) == 0)
        #expect(first[0].packets.capacity >= 3)
    }

    @Test func threeOfTwoPadWithZeros() throws {
        let (_, first) = try Self.run(Array(Self.udpFlow.prefix(2)), n: 3)
        #expect((0..<3).map { first[0].signedSize($0) } == [52, -62, 0])
        #expect((0..<3).map { first[0].interArrivalNs($0) } == [0, ns(0.25), 0])
    }

    /// Zeek flips the roles on the third packet (the ACK after an unflipped SYN-ACK, no
    /// likely server port): b becomes the client, so the kept signs flip with it.
    @Test func signsFollowARoleSwap() throws {
        let b = "10.0.0.2"
        let records = FeatureGroupTests.roleSwapRecords
        let (flows, first) = try Self.run(records, n: 10) { $0.flow = FlowConfiguration(preset: .zeek); $0.flow.features.firstPackets = 10 }
        try #require(flows.count == 1)
        #expect(flows.records[0].client.address.description == b)
        // a → b 54 B (now server → client), b → a 64 B, a → b 74 B.
        #expect(first[0].packets.map(\.signedSize) == [-54, 64, -74])
        #expect((0..<3).map { first[0].interArrivalNs($0) } == [0, ns(0.1), ns(0.2)])
    }

    /// An active-timeout split: the continuation row's first packets are its own.
    @Test func aSplitRowStartsItsOwnSequence() throws {
        let records = [
            tcpFrame(0, fromClient: true, [.psh, .ack], seq: 1, ack: 1, payload: 100),     // +154
            tcpFrame(5, fromClient: true, [.psh, .ack], seq: 101, ack: 1, payload: 100),   // +154
            tcpFrame(12, fromClient: false, [.psh, .ack], seq: 1, ack: 201, payload: 30),  // −84 (second row)
            tcpFrame(13, fromClient: true, [.psh, .ack], seq: 201, ack: 31, payload: 100), // +154
        ]
        let (flows, first) = try Self.run(records, n: 3) { $0.flow.activeTimeoutNs = 10_000_000_000 }
        try #require(flows.count == 2)
        #expect(flows.records[0].endReason == .active)
        #expect(first[0].packets.map(\.signedSize) == [154, 154])
        #expect(first[0].interArrivalNs(1) == ns(5))
        #expect(first[1].packets.map(\.signedSize) == [-84, 154])
        #expect((0..<3).map { first[1].interArrivalNs($0) } == [0, ns(1), 0])
    }

    /// The columns: SPLT1Size … SPLTnSize then SPLT1IAT … SPLTnIAT, appended to basic by
    /// `--splt n`; none without it (basic's bytes unchanged).
    @Test func columnsAndTheirText() throws {
        #expect(FirstPackets.fullColumns(count: 0).isEmpty)
        var options = ColumnOptions()
        #expect(Schema.basic.layout(options).columns.map(\.name) == Schema.basic.columns.map(\.name))
        #expect(!Schema.basic.layout(options).requirements.contains(.firstPackets))
        options.firstPackets = 3
        let layout = Schema.basic.layout(options)
        #expect(layout.requirements.contains(.firstPackets))
        #expect(Array(layout.columns.map(\.name).suffix(6)) == ["SPLT1Size", "SPLT2Size", "SPLT3Size", "SPLT1IAT", "SPLT2IAT", "SPLT3IAT"])
        for column in FirstPackets.fullColumns(count: 3) { #expect(column.requires == .firstPackets && !column.isIdentifier) }

        let (flows, _) = try Self.run(Array(Self.udpFlow.prefix(3)), n: 3)
        let out = CSVBuffer()
        layout.writeRows(flows, file: FileContext(sourceFile: "c.pcap", appName: "a", appAction: "b"), to: out)
        let line = String(decoding: out.bytes, as: UTF8.self).split(separator: "\n")[0]
        #expect(line.hasSuffix(",52,-62,42,0.000000,0.250000,0.000500"))
    }

    /// Per live flow the side table holds an array reference (8 B); with n = 10 the array
    /// holds 10 × 16 B of packets behind its 32 B header.
    @Test func storageIsSmall() {
        print("MemoryLayout: FirstPackets \(MemoryLayout<FirstPackets>.stride) B, Packet \(MemoryLayout<FirstPackets.Packet>.stride) B")
        #expect(MemoryLayout<FirstPackets>.stride == 8)
        #expect(MemoryLayout<FirstPackets.Packet>.stride == 16)
    }
}
