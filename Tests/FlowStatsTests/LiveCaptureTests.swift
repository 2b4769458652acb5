import FlowStats
import FlowStatsTestSupport
import Testing

/// The live-capture rules that need no interface: the idle clock (with a fake wall clock),
/// libpcap's wrapping counters, and `shutdown` for the flows open at the stop.
@Suite struct LiveCaptureTests {
    @Test func counterDifferencesWrapAt32Bits() {
        // 4294967290 → 5 passes 4294967295 and 0: 5 + 1 + 5 = 11.
        #expect(CaptureCounts.difference(from: 4_294_967_290, to: 5) == 11)
        #expect(CaptureCounts.difference(from: 7, to: 7) == 0)
        #expect(CaptureCounts.difference(from: 100, to: 250) == 150)
        var counts = CaptureCounts()
        counts.add(from: PcapCounters(received: 4_294_967_295, dropped: 10, interfaceDropped: 0),
                   to: PcapCounters(received: 3, dropped: 12, interfaceDropped: 0))
        counts.add(from: PcapCounters(received: 3, dropped: 12, interfaceDropped: 0),
                   to: PcapCounters(received: 4, dropped: 12, interfaceDropped: 1))
        #expect(counts.received == 5)  // 4 then 1
        #expect(counts.dropped == 2)
        #expect(counts.interfaceDropped == 1)
    }

    @Test func idleClockProposesTheWallClockOnlyAfterAQuietPeriod() {
        let start: Int64 = 1_000_000_000_000_000_000
        var clock = IdleClock(startWallNs: start)
        #expect(clock.quietNs == 250_000_000)
        #expect(clock.tick(atWallNs: start + 100_000_000).idleClockNs == nil)
        #expect(clock.tick(atWallNs: start + 250_000_000).idleClockNs == start + 250_000_000)
        clock.packetArrived(atWallNs: start + 300_000_000)
        #expect(clock.tick(atWallNs: start + 400_000_000).idleClockNs == nil)
        #expect(clock.tick(atWallNs: start + 549_999_999).idleClockNs == nil)
        #expect(clock.tick(atWallNs: start + 550_000_000).idleClockNs == start + 550_000_000)
        // An earlier wall time (the clock was stepped back) never moves the last packet back.
        clock.packetArrived(atWallNs: start)
        #expect(clock.lastPacketWallNs == start + 300_000_000)
    }

    /// A UDP flow (idle timeout 2 s) whose link then goes quiet ends `idle` at the tick where
    /// the wall clock passes its last packet + 2 s — during the capture, not at its stop.
    @Test func aQuietLinkEndsIdleFlowsOnTheWallClock() throws {
        let t0: Int64 = 1_700_000_000_000_000_000
        let packets = [udpFrame(1_700_000_000.0, fromClient: true, payload: 10),
                       udpFrame(1_700_000_000.5, fromClient: false, payload: 20)]
        // The packets arrive at wall t0 and t0 + 0.5 s; then ticks every 100 ms.
        var script: [FakeSource.Event] = [.packet(packets[0], wallNs: t0), .tick(wallNs: t0 + 100_000_000),
                                          .packet(packets[1], wallNs: t0 + 500_000_000)]
        for i in 1...30 { script.append(.tick(wallNs: t0 + 500_000_000 + Int64(i) * 100_000_000)) }
        let (flows, endedAtTick) = try runFake(script, idleTimeout: 2)
        #expect(flows.count == 1)
        #expect(flows.first?.endReason == .idle)
        #expect(flows.first?.packets == 2)
        // Last packet at t0 + 0.5 s: due at t0 + 2.5 s, the 20th tick after it (each 100 ms).
        #expect(endedAtTick == 20)
    }

    /// A wall clock behind the packets' timestamps never moves the flow clock back (and is no
    /// "backwards timestamp"); the flow is still open at the stop and ends `shutdown`.
    @Test func theIdleClockNeverGoesBackwards() throws {
        let t0: Int64 = 1_700_000_000_000_000_000
        let packet = udpFrame(1_700_000_000.0, fromClient: true, payload: 10)
        // The wall clock is 1000 s behind the capture's timestamps.
        var script: [FakeSource.Event] = [.packet(packet, wallNs: t0 - 1_000_000_000_000)]
        for i in 1...40 { script.append(.tick(wallNs: t0 - 1_000_000_000_000 + Int64(i) * 100_000_000)) }
        let source = FakeSource(script)
        var flows: [FlowRecord] = []
        var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        options.flow.idle = IdleTimeouts(all: 2_000_000_000)
        let report = FileProcessor.readFlows(from: source, as: CaptureInput(path: "lo", displayPath: "lo"), options: options,
                                             features: [], onFlows: { flows.append(contentsOf: $0.records) })
        #expect(flows.count == 1)
        #expect(flows.first?.endReason == .shutdown)
        #expect(report.backwardsTimestamps == 0)
    }

    /// At the stop, open flows end `shutdown`; a TCP flow closed by FINs and still lingering
    /// keeps `fin`.
    @Test func openFlowsEndShutdownAndClosedOnesKeepFin() throws {
        let t0: Int64 = 1_700_000_000_000_000_000
        let t = 1_700_000_000.0
        let tcp = [tcpFrame(t, fromClient: true, .syn, seq: 1),
                   tcpFrame(t + 0.01, fromClient: false, [.syn, .ack], seq: 100, ack: 2),
                   tcpFrame(t + 0.02, fromClient: true, .ack, seq: 2, ack: 101),
                   tcpFrame(t + 0.03, fromClient: true, [.fin, .ack], seq: 2, ack: 101),
                   tcpFrame(t + 0.04, fromClient: false, [.fin, .ack], seq: 101, ack: 3)]
        var script = tcp.enumerated().map { FakeSource.Event.packet($1, wallNs: t0 + Int64($0) * 10_000_000) }
        script.append(.packet(udpFrame(t + 0.05, fromClient: true, payload: 5), wallNs: t0 + 50_000_000))
        script.append(.tick(wallNs: t0 + 60_000_000))
        let (flows, _) = try runFake(script, idleTimeout: 120)
        #expect(flows.map(\.endReason).sorted { $0.rawValue < $1.rawValue } == [.fin, .shutdown])
        #expect(flows.first { $0.key.ipProtocol == 17 }?.endReason == .shutdown)
    }

    /// Runs `script` through ``FileProcessor/readFlows(from:as:options:features:onFlows:keepReading:afterTick:)``;
    /// returns the flows and the number of the tick (from 1 after the last packet) at which the
    /// first flow was handed out (nil: only at the stop).
    private func runFake(_ script: [FakeSource.Event], idleTimeout: Double) throws -> ([FlowRecord], Int?) {
        let source = FakeSource(script)
        var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        options.flow.idle = IdleTimeouts(all: FlowConfiguration.seconds(idleTimeout))
        var flows: [FlowRecord] = []
        var endedAt: Int?
        _ = FileProcessor.readFlows(from: source, as: CaptureInput(path: "lo", displayPath: "lo"), options: options,
                                    features: [], onFlows: { finished in
                                        flows.append(contentsOf: finished.records)
                                        if endedAt == nil && source.ticking { endedAt = source.ticksSinceLastPacket }
                                    })
        return (flows, endedAt)
    }
}

/// A live source without an interface: scripted packets and poll ticks at given wall-clock
/// times, through the same ``IdleClock`` that ``LiveCapture`` uses.
final class FakeSource: PacketSource {
    enum Event {
        case packet(PcapRecord, wallNs: Int64)
        case tick(wallNs: Int64)
    }

    private let script: [Event]
    /// Ticks since the last packet, counting the one being handled.
    private(set) var ticksSinceLastPacket = 0
    private(set) var ticking = false

    init(_ script: [Event]) { self.script = script }

    var endOfInput: EndReason { .shutdown }
    var position: Int64 { 0 }
    var usedFallbackReader: Bool { false }

    func read(packet: (PacketHeader, UnsafeRawBufferPointer) -> Void, tick: (SourceTick) -> Bool) -> ReadEnd {
        var idle: IdleClock?
        for event in script {
            switch event {
            case .packet(let record, let wall):
                if idle == nil { idle = IdleClock(startWallNs: wall) }
                idle?.packetArrived(atWallNs: wall)
                ticksSinceLastPacket = 0
                let header = PacketHeader(timestampNs: record.timestampNs, capturedLength: record.data.count,
                                          wireLength: record.wireLength, linkType: .ethernet)
                record.data.withUnsafeBytes { packet(header, $0) }
            case .tick(let wall):
                ticksSinceLastPacket += 1
                ticking = true
                let proposal = idle?.tick(atWallNs: wall) ?? SourceTick()
                // The ticked flows are handed out inside `tick`: `ticking` tells the test so.
                let go = tick(proposal)
                ticking = false
                if !go { return .complete }
            }
        }
        return .complete
    }
}
