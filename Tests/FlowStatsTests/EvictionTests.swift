import FlowStats
import FlowStatsTestSupport
import Testing

/// `--max-flows` (``FlowConfiguration/maxFlows``), with hand-worked scenarios.
///
/// Every packet is a UDP datagram 10.0.0.1:<port> ↔ 10.0.0.2:53 with 10 bytes of payload:
/// 14 + 20 + 8 + 10 = 52 bytes on the wire. The client port tells the flows apart, and the
/// lower endpoint of every key is the client's (10.0.0.1 < 10.0.0.2), so key order is
/// client port order.
@Suite struct EvictionTests {
    static func datagram(_ t: Double, port: UInt16, fromClient: Bool = true) -> PcapRecord {
        udpFrame(t, fromClient: fromClient, payload: 10, sport: port)
    }

    /// port, packets, first and last time (s), end reason.
    static func summary(_ f: FlowRecord) -> String {
        "\(f.client.port) \(f.packets)/\(f.wireBytes) \(Double(f.firstNs) / 1e9)…\(Double(f.lastNs) / 1e9) \(f.endReason)"
    }

    /// A (1000) at 0 s, B (1001) at 1 s, A at 2 s, C (1002) at 3 s, B at 4 s, C at 5 s.
    static let interleaved = [
        datagram(0, port: 1000), datagram(1, port: 1001), datagram(2, port: 1000, fromClient: false),
        datagram(3, port: 1002), datagram(4, port: 1001), datagram(5, port: 1002, fromClient: false),
    ]

    @Test func leastRecentlyActiveFlowIsEvicted() throws {
        // Cap 2. At 3 s C needs room: A was last seen at 2 s, B at 1 s, so B goes. At 4 s B's
        // packet starts a new flow and needs room: A (2 s) is older than C (3 s), so A goes.
        // At the end B (from 4 s) and C (3 and 5 s) end with eof, in key order (1001, 1002).
        let (flows, report) = try runFlows(Self.interleaved) { $0.flow.maxFlows = 2 }
        #expect(flows.map(Self.summary) == [
            "1001 1/52 1.0…1.0 evicted",
            "1000 2/104 0.0…2.0 evicted",
            "1001 1/52 4.0…4.0 eof",
            "1002 2/104 3.0…5.0 eof",
        ])
        #expect(report.evictedFlows == 2)
        #expect(report.warnings.contains("2 flows evicted (--max-flows 2)"))
        #expect(report.warnings.count { $0.contains("evicted") } == 1)
    }

    @Test func zeroMeansNoCap() throws {
        let (flows, report) = try runFlows(Self.interleaved) { $0.flow.maxFlows = 0 }
        #expect(flows.map(Self.summary) == [
            "1000 2/104 0.0…2.0 eof",
            "1001 2/104 1.0…4.0 eof",
            "1002 2/104 3.0…5.0 eof",
        ])
        #expect(report.evictedFlows == 0)
        #expect(!report.warnings.contains { $0.contains("evicted") })
    }

    @Test func defaultCapIsDocumentedValue() throws {
        #expect(FlowConfiguration().maxFlows == 4_000_000)
        let (flows, report) = try runFlows(Self.interleaved)
        #expect(flows.count == 3 && report.evictedFlows == 0)
    }

    @Test func equalLastTimesEvictTheSmallestKey() throws {
        // Cap 2. C (1002) then A (1000) both at 0 s: C holds the lower slot, A the lower key.
        // At 1 s B (1001) needs room: A and C tie at 0 s, the key decides: A goes. Then D (999)
        // at 1 s needs room: C (0 s) is older than B (1 s): C goes. At the end D and B, in key
        // order (999, 1001).
        let records = [Self.datagram(0, port: 1002), Self.datagram(0, port: 1000), Self.datagram(1, port: 1001), Self.datagram(1, port: 999)]
        let (flows, report) = try runFlows(records) { $0.flow.maxFlows = 2 }
        #expect(flows.map(Self.summary) == [
            "1000 1/52 0.0…0.0 evicted",
            "1002 1/52 0.0…0.0 evicted",
            "999 1/52 1.0…1.0 eof",
            "1001 1/52 1.0…1.0 eof",
        ])
        #expect(report.evictedFlows == 2)
    }

    @Test func evictedFlowsQueuedExpiryIsStale() throws {
        // Cap 1, idle timeout 120 s. A at 0 s (idle deadline 120 s); B at 1 s evicts A and takes
        // its slot. At 120.5 s A's queued expiry is due but belongs to the evicted flow: B (last
        // seen 1 s, deadline 121 s) must stay, and takes the packet. A at 125 s evicts B.
        let records = [Self.datagram(0, port: 1000), Self.datagram(1, port: 1001), Self.datagram(120.5, port: 1001, fromClient: false),
                       Self.datagram(125, port: 1000)]
        let (flows, report) = try runFlows(records) { $0.flow.maxFlows = 1 }
        #expect(flows.map(Self.summary) == [
            "1000 1/52 0.0…0.0 evicted",
            "1001 2/104 1.0…120.5 evicted",
            "1000 1/52 125.0…125.0 eof",
        ])
        #expect(report.evictedFlows == 2)
    }

    @Test func zeekSemanticsEvictToo() throws {
        // Under the zeek preset the same rule applies; the rows keep Zeek's state at eviction.
        let (flows, report) = try runFlows(Self.interleaved) {
            $0.flow = FlowConfiguration(preset: .zeek)
            $0.flow.maxFlows = 2
        }
        #expect(flows.map(\.endReason) == [.evicted, .evicted, .eof, .eof])
        #expect(flows.map(\.client.port) == [1001, 1000, 1001, 1002])
        #expect(report.evictedFlows == 2)
    }

    /// Random traffic over 60 client ports with a cap of 16, against a model of the rule
    /// written here from its definition: a packet of a flow not live, with 16 live, first ends
    /// the live flow with the earliest last packet (ties: lower port, i.e. lower key). No
    /// timeouts can fire (idle 1 day, no active timeout), so evictions and eof are all.
    @Test func matchesAModelOfTheRuleOnRandomTraffic() throws {
        let seed: UInt64 = 0x00E7_1C7E
        print("EvictionTests random traffic: SplitMix64 seed \(seed)")
        var random = SplitMix64(seed: seed)
        var records: [PcapRecord] = []
        var expected: [String] = []
        var live: [UInt16: (first: Int64, last: Int64, packets: Int)] = [:]
        var tMs: Int64 = 0
        for _ in 0..<3000 {
            tMs += Int64(random.next() % 3)  // 0, 1 or 2 ms: many equal times
            let port = UInt16(1000 + random.next() % 60)
            let t = Double(tMs) / 1000
            records.append(Self.datagram(t, port: port, fromClient: random.next() % 2 == 0))
            let now = ns(t)
            if let flow = live[port] {
                live[port] = (flow.first, now, flow.packets + 1)
                continue
            }
            if live.count == 16 {
                let victim = live.min { a, b in a.value.last != b.value.last ? a.value.last < b.value.last : a.key < b.key }!
                expected.append("\(victim.key) \(victim.value.packets) \(victim.value.first)…\(victim.value.last) evicted")
                live[victim.key] = nil
            }
            live[port] = (now, now, 1)
        }
        for (port, flow) in live.sorted(by: { $0.key < $1.key }) {
            expected.append("\(port) \(flow.packets) \(flow.first)…\(flow.last) eof")
        }
        let (flows, report) = try runFlows(records) {
            $0.flow.maxFlows = 16
            $0.flow.idle = IdleTimeouts(all: ns(86_400))
            $0.flow.activeTimeoutNs = 0
        }
        // The port of 10.0.0.1, the lower endpoint (the client is whoever sent first).
        let got = flows.map { "\($0.key.lower.port) \($0.packets) \($0.firstNs)…\($0.lastNs) \($0.endReason)" }
        #expect(got.count == expected.count)
        let firstDifference = got.indices.first { $0 < expected.count && got[$0] != expected[$0] }
        #expect(firstDifference == nil, "row \(firstDifference ?? 0): \(firstDifference.map { got[$0] } ?? "") ≠ \(firstDifference.map { expected[$0] } ?? "")")
        #expect(report.evictedFlows == expected.count { $0.hasSuffix("evicted") })
        #expect(report.evictedFlows > 100)
    }

    @Test func aClosedFlowEvictedInItsLingerKeepsFin() throws {
        // Cap 1. TCP 10.0.0.1:40000 → 10.0.0.2:80: SYN, SYN-ACK, ACK, FIN, FIN, ACK at 0 … 0.5 s
        // (54-byte frames), closed at 0.4 s, lingering until 5.4 s. At 1 s a UDP datagram
        // (10.0.0.1:5353 → 10.0.0.2:53, 52 bytes) needs room: the TCP flow goes, as `fin`.
        // A second datagram at 2 s finds its flow; it ends at eof.
        let records = [
            tcpFrame(0, fromClient: true, [.syn]), tcpFrame(0.1, fromClient: false, [.syn, .ack]),
            tcpFrame(0.2, fromClient: true, [.ack]), tcpFrame(0.3, fromClient: true, [.fin, .ack]),
            tcpFrame(0.4, fromClient: false, [.fin, .ack]), tcpFrame(0.5, fromClient: true, [.ack]),
            udpFrame(1, fromClient: true, payload: 10), udpFrame(2, fromClient: false, payload: 10),
        ]
        let (flows, report) = try runFlows(records) { $0.flow.maxFlows = 1 }
        #expect(flows.map(Self.summary) == [
            "40000 6/324 0.0…0.5 fin",
            "5353 2/104 1.0…2.0 eof",
        ])
        #expect(report.evictedFlows == 1)
    }
}
