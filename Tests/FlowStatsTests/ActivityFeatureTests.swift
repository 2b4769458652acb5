@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// The active/idle and bulk/subflow groups (issue 9), on built flows with known packet times
/// and sizes; every expected value is worked out by hand in the comments (or, in the random
/// test, by a model that stores every packet).
@Suite struct ActivityFeatureTests {
    // MARK: - Helpers

    /// UDP, client (10.0.0.1:5353) → server (10.0.0.2:53) or back, at `t` seconds.
    static func udp(_ t: Double, _ fromClient: Bool = true, payload: Int, sport: UInt16 = 5353) -> PcapRecord {
        udpFrame(t, fromClient: fromClient, payload: payload, sport: sport)
    }

    /// The flows with only the two groups of this suite enabled.
    static func run(_ records: [PcapRecord], configure: (inout ProcessingOptions) -> Void = { _ in }) throws
        -> [(record: FlowRecord, activity: ActiveIdle, bulk: BulkSubflow)] {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/capture.pcap"
        try PcapWriter.classic(records).write(toFile: path)
        var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        configure(&options)
        var flows = FinishedFlows()
        _ = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "capture.pcap"), options: options,
                                    features: [.activeIdle, .bulkSubflow]) { flows.append(contentsOf: $0) }
        #expect(flows.activeIdle.count == flows.count && flows.bulkSubflow.count == flows.count)
        #expect(flows.sizeTiming.isEmpty && flows.tcpAnalytics.isEmpty)
        return flows.records.indices.map { (flows.records[$0], flows.activeIdle[$0], flows.bulkSubflow[$0]) }
    }

    static func one(_ records: [PcapRecord], configure: (inout ProcessingOptions) -> Void = { _ in }) throws
        -> (record: FlowRecord, activity: ActiveIdle, bulk: BulkSubflow) {
        let rows = try run(records, configure: configure)
        try #require(rows.count == 1)
        return rows[0]
    }

    /// Seconds as the groups keep them (ns, `Double`).
    static func ns(_ s: Double) -> Double { s * 1e9 }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    // MARK: - Groups and tables

    @Test func onlyTheChosenGroupsAreAllocated() {
        #expect(FlowTable(configuration: FlowConfiguration(), features: [.activeIdle]).allocatedFeatureTables == 1)
        #expect(FlowTable(configuration: FlowConfiguration(), features: [.bulkSubflow]).allocatedFeatureTables == 1)
        #expect(FlowTable(configuration: FlowConfiguration(), features: []).allocatedFeatureTables == 0)
        for schema in [Schema.basic, .extended, .zeek] {
            #expect(schema.requirements.isDisjoint(with: [.activeIdle, .bulkSubflow]))  // unchanged
        }
        for schema in [Schema.full, .cic, .cic2017, .cic2018] {
            #expect(schema.requirements.isSuperset(of: [.activeIdle, .bulkSubflow]))
        }
        for column in ActiveIdle.fullColumns + ActiveIdle.cicColumns { #expect(column.requires == .activeIdle && !column.isIdentifier) }
        for column in BulkSubflow.fullColumns + BulkSubflow.cicColumns { #expect(column.requires == .bulkSubflow && !column.isIdentifier) }
        print("MemoryLayout: ActiveIdle \(MemoryLayout<ActiveIdle>.stride) B, BulkSubflow \(MemoryLayout<BulkSubflow>.stride) B")
    }

    // MARK: - Active and idle periods

    /// One packet: one zero-length active period, which is not recorded: n = 0, all 0.
    /// One subflow; no bulk.
    @Test func onePacketFlow() throws {
        let r = try Self.one([Self.udp(0, payload: 10)])
        #expect(r.activity.active.count == 0 && r.activity.active.mean == 0 && r.activity.active.max == 0)
        #expect(r.activity.idle.count == 0 && r.activity.idle.mean == 0)
        #expect(r.bulk.subflows == 1 && r.bulk.forward.payloadBytes == 10)
        #expect(r.bulk.forward.bulks == 0 && r.bulk.backward.bulks == 0)
    }

    /// Duration 0: three packets at one instant. No active period (zero length), no idle;
    /// four payload packets at one instant are a bulk of duration 0: rate 0.
    @Test func durationZero() throws {
        let r = try Self.one((0..<4).map { _ in Self.udp(3, payload: 100) })
        #expect(r.activity.active.count == 0 && r.activity.idle.count == 0)
        #expect(r.bulk.forward.bulks == 1 && r.bulk.forward.bytes == 400 && r.bulk.forward.durationNs == 0)
        #expect(r.bulk.forward.rate == 0 && r.bulk.forward.bytesPerBulk == 400 && r.bulk.forward.packetsPerBulk == 4)
        #expect(r.bulk.subflows == 1)
    }

    /// Packets at 0, 1, 2.5 (no gap > 5 s): one active period of 2.5 s, the last and only one.
    /// CICFlowMeter #76 never adds the last period: it would show no active period at all.
    @Test func lastActivePeriodIsIncluded() throws {
        let r = try Self.one([Self.udp(0, payload: 1), Self.udp(1, false, payload: 1), Self.udp(2.5, payload: 1)])
        let a = r.activity.active
        #expect(a.count == 1 && a.mean == Self.ns(2.5) && a.min == Self.ns(2.5) && a.max == Self.ns(2.5))
        #expect(a.std == 0 && a.sampleStd == 0)
        #expect(r.activity.idle.count == 0)
    }

    /// Packets at 0, 1 | 7, 9, 9.5 (the 6 s gap > 5 s): active 1 s and 2.5 s, idle 6 s.
    /// mean 1.75 s; population std = |2.5 − 1| / 2 = 0.75 s; sample std = 1.5 / √2 s.
    @Test func twoActivePeriodsAndOneIdle() throws {
        let r = try Self.one([0, 1, 7, 9, 9.5].map { Self.udp($0, payload: 5) })
        let a = r.activity.active, i = r.activity.idle
        #expect(a.count == 2 && a.mean == Self.ns(1.75) && a.min == Self.ns(1) && a.max == Self.ns(2.5))
        #expect(Self.close(a.std, Self.ns(0.75)) && Self.close(a.sampleStd, Self.ns(1.5) / 2.0.squareRoot()))
        #expect(i.count == 1 && i.mean == Self.ns(6) && i.min == Self.ns(6) && i.max == Self.ns(6) && i.std == 0)
    }

    /// A gap of exactly the timeout (5 s) is not "> timeout": one period of 5 s, no idle. Just
    /// over it: two zero-length periods (not recorded) and one idle period.
    @Test func gapOfExactlyTheTimeoutStaysInThePeriod() throws {
        let exact = try Self.one([Self.udp(0, payload: 1), Self.udp(5, payload: 1)])
        #expect(exact.activity.active.count == 1 && exact.activity.active.mean == Self.ns(5))
        #expect(exact.activity.idle.count == 0)
        let over = try Self.one([Self.udp(0, payload: 1), Self.udp(5.000001, payload: 1)])
        #expect(over.activity.active.count == 0)
        #expect(over.activity.idle.count == 1 && over.activity.idle.mean == 5_000_001_000)
    }

    /// Packets at 0, 2 | 10 | 20, 21: the period of the lone packet at 10 has length 0 and is
    /// not recorded; active 2 s and 1 s, idle 8 s and 10 s (n = 2 each).
    @Test func zeroLengthPeriodsInTheMiddleAreNotRecorded() throws {
        let r = try Self.one([0, 2, 10, 20, 21].map { Self.udp($0, payload: 1) })
        #expect(r.activity.active.count == 2 && r.activity.active.mean == Self.ns(1.5))
        #expect(r.activity.active.min == Self.ns(1) && r.activity.active.max == Self.ns(2))
        #expect(r.activity.idle.count == 2 && r.activity.idle.mean == Self.ns(9) && r.activity.idle.std == Self.ns(1))
    }

    /// `--activity-timeout 2`: packets at 0, 1, 4, 4.5: the 3 s gap is idle (active 1 s and
    /// 0.5 s). With the default 5 s it is one period of 4.5 s.
    @Test func activityTimeoutOption() throws {
        let records = [0, 1, 4, 4.5].map { Self.udp($0, payload: 1) }
        let two = try Self.one(records) { $0.flow.features.activityTimeoutNs = 2_000_000_000 }
        #expect(two.activity.active.count == 2 && two.activity.active.mean == Self.ns(0.75))
        #expect(two.activity.active.min == Self.ns(0.5) && two.activity.active.max == Self.ns(1))
        #expect(two.activity.idle.count == 1 && two.activity.idle.mean == Self.ns(3))
        let five = try Self.one(records)
        #expect(five.activity.active.count == 1 && five.activity.active.mean == Self.ns(4.5) && five.activity.idle.count == 0)
    }

    // MARK: - Bulk

    /// Five client payload packets of 100 B at 0, 0.1, 0.2, 0.3, 0.5: one forward bulk of
    /// 500 B, 5 packets, 0.5 s: rate 1000 B/s. CICFlowMeter #124 writes 0 for every forward
    /// bulk column.
    @Test func forwardBulkIsComputed() throws {
        let r = try Self.one([0, 0.1, 0.2, 0.3, 0.5].map { Self.udp($0, payload: 100) })
        let f = r.bulk.forward
        #expect(f.bulks == 1 && f.bytes == 500 && f.packets == 5 && f.durationNs == 500_000_000)
        #expect(Self.close(f.rate, 1000) && f.bytesPerBulk == 500 && f.packetsPerBulk == 5)
        #expect(r.bulk.backward == BulkDirection())
    }

    /// Three payload packets are not a bulk.
    @Test func threePacketsAreNoBulk() throws {
        let r = try Self.one([0, 0.1, 0.2].map { Self.udp($0, payload: 100) })
        #expect(r.bulk.forward.bulks == 0 && r.bulk.forward.bytes == 0 && r.bulk.forward.rate == 0)
        #expect(r.bulk.forward.bytesPerBulk == 0 && r.bulk.forward.packetsPerBulk == 0)
    }

    /// Server pure ACKs between the client's segments, and a client pure ACK after them,
    /// neither join nor break the run: client 100 B at 0, 0.1, 0.2, 0.5 → one bulk of 4
    /// packets, 400 B, 0.5 s. The client ACK at 1.2 does not restart the gap clock: the
    /// segment at 1.5 is exactly 1 s after the last payload packet, which ends the bulk
    /// (a new run of 1). With the ACK counted, it would have joined.
    @Test func pureACKsNeitherJoinNorBreakAndOneSecondEndsTheBulk() throws {
        var seq: UInt32 = 1
        func data(_ t: Double) -> PcapRecord {
            defer { seq += 100 }
            return tcpFrame(t, fromClient: true, [.psh, .ack], seq: seq, ack: 1, payload: 100)
        }
        func ack(_ t: Double, fromClient: Bool) -> PcapRecord {
            tcpFrame(t, fromClient: fromClient, [.ack], seq: fromClient ? seq : 1, ack: fromClient ? 1 : seq)
        }
        let records = [data(0), ack(0.05, fromClient: false), data(0.1), ack(0.15, fromClient: false), data(0.2),
                       data(0.5), ack(1.2, fromClient: true), data(1.5), data(1.6), data(1.7)]
        let r = try Self.one(records)
        let f = r.bulk.forward
        #expect(f.bulks == 1 && f.packets == 4 && f.bytes == 400 && f.durationNs == 500_000_000)
        #expect(Self.close(f.rate, 800))
        #expect(r.bulk.backward.bulks == 0 && r.bulk.backward.payloadBytes == 0)
        #expect(f.payloadBytes == 700)
    }

    /// A payload packet from the other side ends the run: client 100 B at 0, 0.1, 0.2, server
    /// 50 B at 0.25, client at 0.3, 0.4, 0.5, 0.6 → the first run (3) is no bulk; the second is
    /// one of 4 packets, 400 B, 0.3 s. Then the server sends 4 × 200 B at 0.7 … 1.0: a
    /// backward bulk of 800 B in 0.3 s, which ends the client's.
    @Test func reversePayloadEndsTheBulk() throws {
        let client = [0, 0.1, 0.2].map { Self.udp($0, payload: 100) }
        let server = [Self.udp(0.25, false, payload: 50)]
        let client2 = [0.3, 0.4, 0.5, 0.6].map { Self.udp($0, payload: 100) }
        let server2 = [0.7, 0.8, 0.9, 1.0].map { Self.udp($0, false, payload: 200) }
        let r = try Self.one(client + server + client2 + server2)
        #expect(r.bulk.forward.bulks == 1 && r.bulk.forward.packets == 4 && r.bulk.forward.bytes == 400)
        #expect(r.bulk.forward.durationNs == 300_000_000)
        #expect(r.bulk.backward.bulks == 1 && r.bulk.backward.packets == 4 && r.bulk.backward.bytes == 800)
        #expect(r.bulk.backward.durationNs == 300_000_000 && Self.close(r.bulk.backward.rate, 800 / 0.3))
        #expect(r.bulk.forward.payloadBytes == 700 && r.bulk.backward.payloadBytes == 850)
    }

    /// Two bulks in one direction: averages are float divisions (CICFlowMeter: integers).
    /// Client 4 × 100 B at 0 … 0.3, then after a 2 s gap 5 × 101 B at 2.3 … 2.7:
    /// bulks 2, 905 B, 9 packets, 0.3 + 0.4 s: 452.5 B and 4.5 packets per bulk.
    @Test func averagesAreFloatDivisions() throws {
        let a = [0, 0.1, 0.2, 0.3].map { Self.udp($0, payload: 100) }
        let b = [2.3, 2.4, 2.5, 2.6, 2.7].map { Self.udp($0, payload: 101) }
        let r = try Self.one(a + b)
        let f = r.bulk.forward
        #expect(f.bulks == 2 && f.bytes == 905 && f.packets == 9 && f.durationNs == 700_000_000)
        #expect(f.bytesPerBulk == 452.5 && f.packetsPerBulk == 4.5 && Self.close(f.rate, 905 / 0.7))
        #expect(r.bulk.subflows == 2)
    }

    // MARK: - Subflows

    /// Without a gap > 1 s there is one subflow: the averages are the totals (CICFlowMeter
    /// master writes 0). Client 10 + 20 B, server 30 B.
    @Test func subflowWithoutAGapIsOne() throws {
        let r = try Self.one([Self.udp(0, payload: 10), Self.udp(0.5, false, payload: 30), Self.udp(0.9, payload: 20)])
        #expect(r.bulk.subflows == 1)
        #expect(r.record.forward.packets == 2 && r.bulk.forward.payloadBytes == 30)
        #expect(r.record.backward.packets == 1 && r.bulk.backward.payloadBytes == 30)
    }

    /// Gaps of exactly 1 s do not start a subflow (> 1 s only), and they end every run (no
    /// bulk from packets 1 s apart); gaps of 1.5 s and 2 s do: 0, 1, 2, 3, 4.5, 6.5 → 3 subflows.
    @Test func subflowGapIsMoreThanOneSecond() throws {
        let r = try Self.one([0, 1, 2, 3, 4.5, 6.5].map { Self.udp($0, payload: 100) })
        #expect(r.bulk.subflows == 3 && r.bulk.subflowGaps == 2)
        #expect(r.bulk.forward.bulks == 0)
    }

    // MARK: - Hooks: role swap, active-timeout split

    /// Zeek (preset zeek) flips the roles on the ACK after a SYN-ACK it did not flip (no likely
    /// server port). a's SYN-ACK carries 100 B (a run of 1, client → server while a is the
    /// client); a's next three 100-B segments come after the flip, when a is the server: the
    /// open run changes side with the roles and reaches 4 packets, a backward bulk of 400 B
    /// from 0 to 0.3 s. b's 10 B are forward.
    @Test func roleSwapMovesTheOpenRun() throws {
        let a = "10.0.0.1", b = "10.0.0.2"
        let payload = [UInt8](repeating: 7, count: 100)
        var records = [PcapRecord(seconds: 0, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.syn, .ack], seq: 900, ack: 101, payload: payload)))]
        for (i, t) in [0.1, 0.2, 0.3].enumerated() {
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.ack], seq: 1001 + UInt32(i) * 100, ack: 101, payload: payload))))
        }
        records.append(PcapRecord(seconds: 0.4, Build.ethernet(Build.tcp(b, 50000, a, 40000, flags: [.ack], seq: 101, ack: 1301,
                                                                          payload: Array(repeating: 1, count: 10)))))
        let r = try Self.one(records) { $0.flow = FlowConfiguration(preset: .zeek) }
        #expect(r.record.client.address.description == b)
        #expect(r.record.forward.packets == 1 && r.record.backward.packets == 4)
        #expect(r.bulk.backward.bulks == 1 && r.bulk.backward.packets == 4 && r.bulk.backward.bytes == 400)
        #expect(r.bulk.backward.durationNs == 300_000_000)
        #expect(r.bulk.forward.bulks == 0 && r.bulk.forward.payloadBytes == 10 && r.bulk.backward.payloadBytes == 400)
        #expect(r.activity.active.count == 1 && r.activity.active.mean == Self.ns(0.4))
    }

    /// Active timeout 10 s: row 1 has 0, 9.7, 9.8, 9.9 (the packet at 10.0 is past the
    /// deadline), row 2 has 10.0, 10.1. Row 1: a run of 3 (no bulk), 2 subflows, active 0.2 s,
    /// idle 9.7 s. Row 2 starts afresh: a run of 2 (no bulk; carried over it would be 5), one
    /// subflow, active 0.1 s, no idle.
    @Test func activeTimeoutSplitResets() throws {
        let records = [0, 9.7, 9.8, 9.9, 10.0, 10.1].map { Self.udp($0, payload: 100) }
        let rows = try Self.run(records) { $0.flow.activeTimeoutNs = 10_000_000_000 }
        try #require(rows.count == 2)
        let (first, second) = (rows[0], rows[1])
        #expect(first.record.endReason == .active && first.record.packets == 4)
        #expect(first.bulk.forward.bulks == 0 && first.bulk.subflows == 2 && first.bulk.forward.payloadBytes == 400)
        #expect(Self.close(first.activity.active.mean, Self.ns(0.2)) && first.activity.active.count == 1)
        #expect(first.activity.idle.count == 1 && Self.close(first.activity.idle.mean, Self.ns(9.7)))
        #expect(second.record.packets == 2 && second.bulk.forward.bulks == 0 && second.bulk.subflows == 1)
        #expect(second.bulk.forward.payloadBytes == 200)
        #expect(second.activity.active.count == 1 && Self.close(second.activity.active.mean, Self.ns(0.1)))
        #expect(second.activity.idle.count == 0)
    }

    // MARK: - Columns through a layout

    /// Client 100 B at 0, 0.1, 0.2, 0.3 (a bulk: 400 B in 0.3 s), server 50 B at 0.5, client
    /// 10 B at 7.5 and 8.5. Active: 0 … 0.5 and 7.5 … 8.5 (0.5 s, 1 s): mean 0.75 s, population
    /// std 0.25 s, sample std √0.125 s = 353553.390593 µs. Idle: 7 s. Subflows: the 7 s gap
    /// counts, the 1 s one does not: 2. Client: 6 packets, 420 B; server 1, 50 B.
    @Test func everyColumnIsWritten() throws {
        let records = [0, 0.1, 0.2, 0.3].map { Self.udp($0, payload: 100) }
            + [Self.udp(0.5, false, payload: 50), Self.udp(7.5, payload: 10), Self.udp(8.5, payload: 10)]
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/capture.pcap"
        try PcapWriter.classic(records).write(toFile: path)
        let columns = ActiveIdle.fullColumns + ActiveIdle.cicColumns + BulkSubflow.fullColumns + BulkSubflow.cicColumns
        let layout = OutputLayout(schema: .basic, columns: columns)
        #expect(layout.requirements == [.activeIdle, .bulkSubflow])
        var flows = FinishedFlows()
        let options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        _ = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "capture.pcap"), options: options,
                                    features: layout.requirements) { flows.append(contentsOf: $0) }
        var out = CSVBuffer()
        layout.writeHeader(to: &out)
        layout.writeRows(flows, file: FileContext(sourceFile: "c", appName: "a", appAction: "b"), to: out)
        let lines = String(decoding: out.bytes, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        try #require(lines.count == 2)
        let expected: [String: String] = [
            "ActivePeriods": "2", "ActiveMean": "0.75", "ActiveStd": "0.25", "ActiveMax": "1.0", "ActiveMin": "0.5",
            "IdlePeriods": "1", "IdleMean": "7.0", "IdleStd": "0.0", "IdleMax": "7.0", "IdleMin": "7.0",
            "Active Mean": "750000.0", "Active Std": "353553.390593", "Active Max": "1000000.0", "Active Min": "500000.0",
            "Idle Mean": "7000000.0", "Idle Std": "0.0", "Idle Max": "7000000.0", "Idle Min": "7000000.0",
            "FwdBulks": "1", "FwdBulkBytes": "400", "FwdBulkPkts": "4", "FwdBulkDuration": "0.3",
            "FwdBulkRate": "1333.333333", "FwdBytesPerBulk": "400.0", "FwdPktsPerBulk": "4.0",
            "BwdBulks": "0", "BwdBulkBytes": "0", "BwdBulkPkts": "0", "BwdBulkDuration": "0.0",
            "BwdBulkRate": "0.0", "BwdBytesPerBulk": "0.0", "BwdPktsPerBulk": "0.0",
            "Subflows": "2", "SubflowFwdPkts": "3.0", "SubflowFwdBytes": "210.0", "SubflowBwdPkts": "0.5", "SubflowBwdBytes": "25.0",
            "Fwd Bytes/Bulk Avg": "400.0", "Fwd Packet/Bulk Avg": "4.0", "Fwd Bulk Rate Avg": "1333.333333",
            "Bwd Bytes/Bulk Avg": "0.0", "Bwd Packet/Bulk Avg": "0.0", "Bwd Bulk Rate Avg": "0.0",
            "Subflow Fwd Packets": "3.0", "Subflow Fwd Bytes": "210.0", "Subflow Bwd Packets": "0.5", "Subflow Bwd Bytes": "25.0",
        ]
        #expect(lines[0] == columns.map(\.name))
        #expect(Set(expected.keys) == Set(columns.map(\.name)))
        for (name, value) in zip(lines[0], lines[1]) {
            #expect(value == expected[name], "\(name)")
        }
    }

    /// The CIC columns carry CICFlowMeter master's exact names, in its order (bulk and subflow
    /// adjacent, active/idle adjacent).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: ActivityFeatureTests.masterHeader),
                   "needs ../shared/docs/headers/cicflowmeter-master.txt next to the package"))
    func cicNamesAreMastersExactly() throws {
        let master = try String(contentsOfFile: Self.masterHeader, encoding: .utf8).split(separator: "\n").map(String.init)
        for names in [ActiveIdle.cicColumns.map(\.name), BulkSubflow.cicColumns.map(\.name)] {
            let start = try #require(master.firstIndex(of: names[0]))
            #expect(Array(master[start..<min(master.count, start + names.count)]) == names)
        }
    }

    static let masterHeader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/docs/headers/cicflowmeter-master.txt").standardizedFileURL.path

    // MARK: - Random flows against a model that keeps every packet

    struct Packet { let ns: Int64; let fromClient: Bool; let payload: Int }

    /// The definitions computed from the whole packet list (batch, not streaming).
    struct Model {
        var active: [Double] = [], idle: [Double] = []
        var bulks = [0, 0], bulkBytes = [0, 0], bulkPackets = [0, 0]
        var bulkNs: [Int64] = [0, 0], payload = [0, 0], packets = [0, 0]
        var subflows = 1

        init(_ packets: [Packet], timeoutNs: Int64) {
            var start = packets[0].ns
            for (p, q) in zip(packets, packets.dropFirst()) {
                if q.ns - p.ns > timeoutNs {
                    if p.ns > start { active.append(Double(p.ns - start)) }
                    idle.append(Double(q.ns - p.ns))
                    start = q.ns
                }
                if q.ns - p.ns > 1_000_000_000 { subflows += 1 }
            }
            if packets.last!.ns > start { active.append(Double(packets.last!.ns - start)) }
            for p in packets {
                self.packets[p.fromClient ? 0 : 1] += 1
                self.payload[p.fromClient ? 0 : 1] += p.payload
            }
            // Maximal runs of payload packets: same side, each < 1 s after the previous.
            var runs: [[Packet]] = []
            for p in packets where p.payload > 0 {
                if let last = runs.last?.last, last.fromClient == p.fromClient, p.ns - last.ns < 1_000_000_000 {
                    runs[runs.count - 1].append(p)
                } else {
                    runs.append([p])
                }
            }
            for run in runs where run.count >= 4 {
                let d = run[0].fromClient ? 0 : 1
                bulks[d] += 1
                bulkBytes[d] += run.reduce(0) { $0 + $1.payload }
                bulkPackets[d] += run.count
                bulkNs[d] += run.last!.ns - run[0].ns
            }
        }
    }

    static func check(_ stats: RunningStats, _ values: [Double]) -> Bool {
        guard !values.isEmpty else { return stats.count == 0 && stats.mean == 0 && stats.max == 0 && stats.std == 0 }
        let n = Double(values.count), mean = values.reduce(0, +) / n
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let std = (ss / n).squareRoot(), sample = values.count > 1 ? (ss / (n - 1)).squareRoot() : 0
        let tolerance = 1e-6 * max(1, values.max()!)  // Welford vs two-pass
        return stats.count == values.count && stats.min == values.min()! && stats.max == values.max()!
            && abs(stats.mean - mean) <= tolerance && abs(stats.std - std) <= tolerance
            && abs(stats.sampleStd - sample) <= tolerance
    }

    @Test func randomFlowsMatchAModelThatKeepsEveryPacket() throws {
        var rng = SplitMix64.forTest()  // prints the seed
        let timeoutNs: Int64 = [2_000_000_000, 5_000_000_000][Int(rng.next() % 2)]
        // Gaps near each threshold (0, < 1 s, exactly 1 s, 1 s + 1 µs, the timeout, just over).
        let gaps: [Int64] = [0, 1_000, 10_000_000, 100_000_000, 300_000_000, 300_000_000, 999_999_000,
                             1_000_000_000, 1_000_001_000, timeoutNs, timeoutNs + 1_000, 7_000_000_000]
        var flows: [UInt16: [Packet]] = [:]
        var all: [(Packet, UInt16)] = []
        for f in 0..<60 {
            let port = UInt16(20000 + f)
            var t: Int64 = Int64(rng.next() % 3_000_000) * 1_000
            var packets: [Packet] = []
            var fromClient = true  // the first packet's sender is the client; sides change in bursts
            for i in 0..<Int(1 + rng.next() % 60) {
                if i > 0 { t += gaps[Int(rng.next() % UInt64(gaps.count))] }
                if i > 0 && rng.next() % 4 == 0 { fromClient.toggle() }
                let payload = rng.next() % 4 == 0 ? 0 : Int(1 + rng.next() % 500)
                packets.append(Packet(ns: t, fromClient: fromClient, payload: payload))
            }
            flows[port] = packets
            all += packets.map { ($0, port) }
        }
        all.sort { $0.0.ns != $1.0.ns ? $0.0.ns < $1.0.ns : $0.1 < $1.1 }  // stable for equal times
        // Keep each flow's own order for equal times (the sort above may not be stable).
        var next: [UInt16: Int] = [:]
        let records = all.map { _, port -> PcapRecord in
            let i = next[port, default: 0]
            next[port] = i + 1
            let p = flows[port]![i]
            let bytes = [UInt8](repeating: 0x62, count: p.payload)
            let ip = p.fromClient ? Build.udp(clientIP, port, serverIP, 53, payload: bytes)
                : Build.udp(serverIP, 53, clientIP, port, payload: bytes)
            return PcapRecord(p.ns + 1_700_000_000_000_000_000, Build.ethernet(ip))
        }
        let rows = try Self.run(records) {
            $0.flow.features.activityTimeoutNs = timeoutNs
            $0.flow.activeTimeoutNs = 0
        }
        try #require(rows.count == flows.count)
        let models = rows.map { Model(flows[$0.record.client.port]!, timeoutNs: timeoutNs) }
        print("random flows: \(rows.count), timeout \(timeoutNs) ns, active periods \(models.reduce(0) { $0 + $1.active.count }), idle \(models.reduce(0) { $0 + $1.idle.count }), bulks fwd \(models.reduce(0) { $0 + $1.bulks[0] }) bwd \(models.reduce(0) { $0 + $1.bulks[1] }), subflows \(models.reduce(0) { $0 + $1.subflows })")
        for row in rows {
            let port = row.record.client.port
            let m = Model(try #require(flows[port]), timeoutNs: timeoutNs)
            #expect(Self.check(row.activity.active, m.active), "active, port \(port)")
            #expect(Self.check(row.activity.idle, m.idle), "idle, port \(port)")
            #expect(row.bulk.subflows == m.subflows, "subflows, port \(port)")
            for (d, side) in [(0, row.bulk.forward), (1, row.bulk.backward)] {
                #expect(side.bulks == m.bulks[d] && side.bytes == m.bulkBytes[d] && side.packets == m.bulkPackets[d]
                    && side.durationNs == m.bulkNs[d] && side.payloadBytes == m.payload[d], "bulk \(d), port \(port)")
            }
            #expect(row.record.forward.packets == m.packets[0] && row.record.backward.packets == m.packets[1])
        }
    }
}
