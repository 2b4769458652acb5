@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// Feature groups (docs/architecture.md): state kept only when a column needs it, and kept
/// right through role swaps, active-timeout splits, slot reuse and the end of the capture.
@Suite struct FeatureGroupTests {
    // MARK: - What each schema keeps

    @Test func schemasRequireWhatTheirColumnsRead() {
        #expect(Schema.basic.requirements.isEmpty)
        // Zeek's conn.log `service` is read from payload: the zeek schema keeps that group only.
        #expect(Schema.zeek.requirements == .appMetadata)
        #expect(Schema.extended.requirements == [.sizeTiming, .tcpAnalytics])
        #expect(Schema.full.requirements.contains(.appMetadata))
        var withApp = ColumnOptions()
        withApp.appMetadata = true
        #expect(Schema.basic.layout(withApp).requirements == .appMetadata)
        for column in SizeTiming.byteColumns + SizeTiming.statsColumns { #expect(column.requires == .sizeTiming) }
        for column in TCPAnalytics.columns { #expect(column.requires == .tcpAnalytics) }
        for column in AppMetadata.columns + [AppMetadata.zeekServiceColumn] { #expect(column.requires == .appMetadata) }
        for column in Schema.basic.columns + Schema.zeek.columns where column.name != "service" { #expect(column.requires.isEmpty) }
    }

    @Test func aBasicTableAllocatesNoGroupTables() {
        let table = FlowTable(configuration: FlowConfiguration(), features: Schema.basic.requirements)
        #expect(table.allocatedFeatureTables == 0)
        #expect(table.enabledFeatures.isEmpty)
        let zeek = FlowTable(configuration: FlowConfiguration(), features: Schema.zeek.requirements)
        #expect(zeek.allocatedFeatureTables == 1)
        let extended = FlowTable(configuration: FlowConfiguration(), features: Schema.extended.requirements)
        #expect(extended.allocatedFeatureTables == 2)
    }

    @Test func basicRowsCarryNoGroupStates() throws {
        var flows = FinishedFlows()
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/capture.pcap"
        try PcapWriter.classic([udpFrame(0, fromClient: true, payload: 10)]).write(toFile: path)
        let options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        _ = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "capture.pcap"), options: options,
                                    features: Schema.basic.requirements) { flows.append(contentsOf: $0) }
        #expect(flows.count == 1 && flows.sizeTiming.isEmpty && flows.tcpAnalytics.isEmpty)
    }

    /// The core record (everything before Zeek's engine, which another bound covers) stays
    /// small: key 46 B, two flags, two times 16 B, two counters 32 B, uid, encapsulation,
    /// tunnel parents 24 B, TCP lifecycle 18 B, VLAN, flags, end reason: 152 B with padding.
    /// The table's live flag and queue token sit in the padding; the queued deadline (8 B) lets
    /// a packet skip the expiry queue when its deadline moved later. Was 1368 B (record) + 8 B
    /// (slot) before the groups left.
    static let coreRecordBound = 160

    @Test func coreRecordStaysSmall() throws {
        let zeekOffset = try #require(MemoryLayout<FlowRecord>.offset(of: \FlowRecord.zeek))
        print("MemoryLayout: FlowRecord \(MemoryLayout<FlowRecord>.stride) B (core \(zeekOffset) B + ZeekConnection \(MemoryLayout<ZeekConnection>.stride) B), slot \(FlowTable.slotStride) B, SizeTiming \(MemoryLayout<SizeTiming>.stride) B, TCPAnalytics \(MemoryLayout<TCPAnalytics>.stride) B")
        #expect(zeekOffset <= Self.coreRecordBound)
        // Zeek's engine comes last: nothing but padding after it.
        #expect(MemoryLayout<FlowRecord>.size == zeekOffset + MemoryLayout<ZeekConnection>.size)
        #expect(FlowTable.slotStride == MemoryLayout<FlowRecord>.stride)  // the slot is the record
    }

    // MARK: - Hooks

    /// A SYN-ACK a → b, then b → a 10 bytes, then a → b 20 bytes: Zeek flips the roles (b is the client).
    static let roleSwapRecords: [PcapRecord] = {
        let a = "10.0.0.1", b = "10.0.0.2"
        return [
            PcapRecord(seconds: 0.0, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.syn, .ack], seq: 900, ack: 101))),
            PcapRecord(seconds: 0.1, Build.ethernet(Build.tcp(b, 50000, a, 40000, flags: [.ack], seq: 101, ack: 901,
                                                              payload: Array(repeating: 1, count: 10)))),
            PcapRecord(seconds: 0.3, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.ack], seq: 901, ack: 111,
                                                              payload: Array(repeating: 2, count: 20)))),
        ]
    }()

    /// Zeek flips the roles when an ACK follows a SYN-ACK that it did not flip (no likely
    /// server port): the groups' directions swap with the record's.
    @Test func groupsSwapWithTheRoles() throws {
        let b = "10.0.0.2"
        let records = Self.roleSwapRecords
        let (rows, _) = try runFlowsWithGroups(records) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(rows.count == 1)
        let r = rows[0]
        // After the flip b is the client: forward = the 10-byte segment (64-byte frame, IP 50).
        #expect(r.record.client.address.description == b)
        #expect(r.record.forward.packets == 1 && r.record.backward.packets == 2)
        #expect(r.sizeTiming.forwardIPBytes == 50 && r.sizeTiming.backwardIPBytes == 40 + 60)
        #expect(r.sizeTiming.forwardPayloadBytes == 10 && r.sizeTiming.backwardPayloadBytes == 20)
        #expect(r.sizeTiming.forward.size.count == 1 && r.sizeTiming.forward.size.max == 64)
        #expect(r.sizeTiming.backward.size.count == 2 && r.sizeTiming.backward.size.min == 54 && r.sizeTiming.backward.size.max == 74)
        #expect(r.sizeTiming.backward.interArrival.mean == 0.3)
        #expect(r.sizeTiming.flow.size.count == 3)
        // The 10 bytes b sent are b's (now forward) sequence space; a sent 20 new bytes.
        #expect(r.tcp.forward.retransmittedPackets == 0 && r.tcp.backward.retransmittedPackets == 0)
    }

    /// An active-timeout split hands out the row so far with its groups; the next row counts
    /// afresh but keeps the TCP sequence position (a resent segment is still a retransmission).
    @Test func activeSplitHandsOutTheGroupsAndKeepsTheSequencePosition() throws {
        let records = [
            tcpFrame(0, fromClient: true, [.psh, .ack], seq: 1, ack: 1, payload: 100),
            tcpFrame(5, fromClient: true, [.psh, .ack], seq: 1, ack: 1, payload: 100),  // retransmission
            tcpFrame(12, fromClient: false, [.psh, .ack], seq: 1, ack: 101, payload: 30),
            tcpFrame(13, fromClient: true, [.psh, .ack], seq: 1, ack: 31, payload: 100),  // retransmission again
        ]
        let (rows, _) = try runFlowsWithGroups(records) { $0.flow.activeTimeoutNs = 10_000_000_000 }
        try #require(rows.count == 2)
        let (first, second) = (rows[0], rows[1])
        #expect(first.record.endReason == .active && second.record.endReason == .eof)
        #expect(first.sizeTiming.forwardIPBytes == 2 * 140 && first.sizeTiming.backwardIPBytes == 0)
        #expect(first.sizeTiming.forward.size.count == 2 && first.sizeTiming.forward.interArrival.mean == 5)
        #expect(first.tcp.forward.retransmittedPackets == 1)
        #expect(second.sizeTiming.forwardIPBytes == 140 && second.sizeTiming.backwardIPBytes == 70)
        #expect(second.sizeTiming.flow.size.count == 2 && second.sizeTiming.flow.interArrival.mean == 1)
        #expect(second.tcp.forward.retransmittedPackets == 1 && second.tcp.forward.retransmittedBytes == 100)
    }

    /// A SYN on a closed 5-tuple ends the old flow and starts a new one in the same packet,
    /// in the slot just freed: each row keeps its own groups' states.
    @Test func slotReusedByTheSamePacketStartsFreshGroups() throws {
        let records = TCPLifecycleTests.fullConnection(startingAt: 0) + [
            tcpFrame(0.2, fromClient: true, [.syn], seq: 7000),
        ]
        let (rows, _) = try runFlowsWithGroups(records)
        try #require(rows.count == 2)
        #expect(rows[0].record.endReason == .fin && rows[0].record.packets == 8)
        #expect(rows[0].sizeTiming.flow.size.count == 8)
        #expect(rows[0].tcp.handshake.synToSynAckNs == ns(0.01))
        #expect(rows[1].record.packets == 1 && rows[1].sizeTiming.flow.size.count == 1)
        #expect(rows[1].sizeTiming.forwardIPBytes == 40)
        #expect(rows[1].tcp.handshake.synToSynAckNs == nil)
    }

    /// At the end of the capture the live flows come out in key order, in batches, with their
    /// groups' states in step (more flows than one batch).
    @Test func flowsAtTheEndComeOutInKeyOrderWithTheirStates() throws {
        let seed: UInt64 = 0x5EED_0008
        print("FeatureGroupTests.flowsAtTheEndComeOutInKeyOrderWithTheirStates seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let count = FileSession.finishBatch + 904
        let ports = (0..<count).map { UInt16(10000 + $0) }.shuffled(using: &rng)
        let records = ports.enumerated().map { i, port in
            udpFrame(Double(i) * 0.001, fromClient: true, payload: Int(port % 200), sport: port, dport: 53)
        }
        let (rows, _) = try runFlowsWithGroups(records)
        try #require(rows.count == count)
        // Client 10.0.0.1 < server 10.0.0.2, so the key order is the client port's order.
        #expect(rows.map(\.record.client.port) == ports.sorted())
        #expect(rows.allSatisfy { $0.sizeTiming.forwardPayloadBytes == Int($0.record.client.port % 200) })
        #expect(rows.allSatisfy { $0.record.endReason == .eof })
    }

    /// Flows that expire at one instant (here by idle timeout, all with the same deadline) come
    /// out in key order, at most ``FileSession/finishBatch`` rows at a time, with their groups'
    /// states in step: neither the ended records nor their CSV pile up beside the table.
    @Test func flowsExpiringAtOneInstantComeOutInBatches() throws {
        let seed: UInt64 = 0x5EED_0010
        print("FeatureGroupTests.flowsExpiringAtOneInstantComeOutInBatches seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let batch = FileSession.finishBatch
        let count = 2 * batch + 500
        let ports = (0..<count).map { UInt16(10000 + $0) }.shuffled(using: &rng)
        // Every flow's one datagram at 0 s: idle deadline 120 s for all. The datagram at 500 s
        // (port 3000, lower than all) ends them and stays open until the end of the file.
        var records = ports.map { udpFrame(0, fromClient: true, payload: Int($0 % 200), sport: $0, dport: 53) }
        records.append(udpFrame(500, fromClient: true, payload: 0, sport: 3000, dport: 53))
        var batches: [Int] = []
        let (rows, _) = try runFinishedFlows(records, onBatch: { batches.append($0.count) })
        // Two full batches while the clock moves to 500 s, the rest with that packet's own
        // drain, and the open flow at the end.
        #expect(batches == [batch, batch, 500, 1])
        try #require(rows.count == count + 1 && rows.sizeTiming.count == count + 1)
        #expect(rows.records.map(\.client.port) == ports.sorted() + [3000])
        #expect(rows.records.prefix(count).allSatisfy { $0.endReason == .idle })
        #expect(rows.records.last?.endReason == .eof)
        #expect(rows.records.indices.allSatisfy {
            rows.sizeTiming[$0].forwardPayloadBytes == Int(rows.records[$0].client.port % 200)
        })
    }

    // MARK: - Storage

    @Test func chunkedArrayGrowsByChunksAndCopiesOnWrite() {
        var a = ChunkedArray<Int>()
        let n = ChunkedArray<Int>.chunkSize * 2 + 3
        for i in 0..<n { a.append(i) }
        #expect(a.count == n && a.chunkCount == 3)
        #expect(a[0] == 0 && a[ChunkedArray<Int>.chunkSize] == ChunkedArray<Int>.chunkSize && a[n - 1] == n - 1)
        var b = a
        b[5] = -5
        #expect(a[5] == 5 && b[5] == -5)
        b.removeAll()
        #expect(b.isEmpty && b.chunkCount == 0 && a.count == n)
    }

    /// ``FlowKeyOrder`` sorts like `FlowKey.<` on every key shape of issue 8.
    @Test func keyOrderMatchesTheKeyComparison() {
        let seed: UInt64 = 0x0F10_0C0D
        print("FeatureGroupTests.keyOrderMatchesTheKeyComparison seed \(seed)")
        var rng = SplitMix64(seed: seed)
        func v4(_ x: UInt32) -> IPAddress { IPAddress(ipv4: x) }
        func key(_ a: IPAddress, _ ap: UInt16, _ b: IPAddress, _ bp: UInt16, proto: UInt8 = 6, vlan: UInt16 = 0) -> FlowKey {
            let x = Endpoint(address: a, port: ap), y = Endpoint(address: b, port: bp)
            return FlowKey(lower: min(x, y), upper: max(x, y), ipProtocol: proto, vlanID: vlan)
        }
        let server = v4(0x0A00_0001)
        let shapes: [[FlowKey]] = [
            (0..<3000).map { key(v4(0xC000_0201), 40000, server, UInt16($0)) },                     // one pair, every port
            (0..<3000).map { key(v4(0x0B00_0000 + UInt32($0)), 1234, server, 80) },                 // sources across a /8
            (0..<3000).map { key(v4(0xCB00_7101), UInt16(1024 + $0), server, 443) },                 // NAT, sequential ports
            (0..<3000).map { key(IPAddress(high: 0x2001_0DB8_0000_0001, low: UInt64($0)), 5000,
                                 IPAddress(high: 0x2001_0DB8_0000_0002, low: 1), 53, proto: 17) },  // IPv6 /64
            (0..<3000).map { _ in                                                                   // random, mixed
                key(rng.next() & 1 == 0 ? v4(UInt32(truncatingIfNeeded: rng.next())) : IPAddress(high: rng.next(), low: rng.next()),
                    UInt16(truncatingIfNeeded: rng.next()), v4(UInt32(truncatingIfNeeded: rng.next() & 0xFF)),
                    UInt16(truncatingIfNeeded: rng.next() & 3), proto: UInt8(truncatingIfNeeded: rng.next() & 1) + 6,
                    vlan: UInt16(truncatingIfNeeded: rng.next() & 1))
            },
            [key(server, 1, server, 2)],
        ]
        for keys in shapes {
            let unique = Array(Set(keys)).shuffled(using: &rng)
            var slots = unique.indices.map { Int32($0) }
            FlowKeyOrder.sort(&slots) { unique[Int($0)] }
            #expect(slots.map { unique[Int($0)] } == unique.sorted())
        }
    }

    // MARK: - Finding a column's code

    /// Every column's name is written as a literal `Column("Name", …)` in the sources, so
    /// searching for the name finds where the column is computed.
    @Test func everyColumnNameIsALiteralInTheSources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/FlowStats")
        var text = ""
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            if file.pathExtension == "swift" { text += try String(contentsOf: file, encoding: .utf8) }
        }
        #expect(!text.isEmpty)
        // cic2017 and cic2018 are cic's columns renamed by a mapping table of literals. The
        // first-packet columns are named by position (SPLT1Size …): their one builder is found
        // by searching for `SPLT`.
        let positional = try Regex("^SPLT[0-9]+(Size|IAT)$")
        #expect(text.contains("Column(\"SPLT\\(") )
        for schema in Schema.allCases where schema != .cic2017 && schema != .cic2018 {
            for column in schema.columns where column.name.wholeMatch(of: positional) == nil {
                #expect(text.contains("Column(\"\(column.name)\""), "\(column.name) is not a literal")
            }
        }
    }
}
