// The flow table queues a Zeek-semantics TCP flow again only when ZeekConnection.timerState
// changed (FlowRecordUpdate.swift): that is right only if, with the state unchanged, a later
// packet never moves the expiry earlier. Checked here on seeded random connections against
// the expiry itself (ZeekConnection.expiryNs), packet by packet: handshakes, data, FINs and
// RSTs from either side, gaps from milliseconds to minutes (across the attempt, close and
// inactivity timers).

@testable import FlowStats
import FlowStatsTestSupport
import Testing

@Suite struct ZeekTimerStateTests {
    @Test func unchangedStateNeverMovesTheExpiryEarlier() {
        var random = SplitMix64.forTest()
        let flagChoices: [UInt8] = [0x02, 0x12, 0x10, 0x18, 0x01, 0x11, 0x04, 0x14, 0x19]  // S SA A PA F FA R RA FPA
        let gapsNs: [Int64] = [1_000_000, 100_000_000, 2_000_000_000, 6_000_000_000, 90_000_000_000, 400_000_000_000]
        var checked = 0, unchanged = 0, changed = 0
        for _ in 0..<2000 {
            var z = ZeekConnection(protocol: .tcp)
            var now: Int64 = 1_700_000_000_000_000_000
            var seq: [UInt32] = [1000, 5000]
            for _ in 0..<Int(random.next() % 40 + 1) {
                let fromOrig = random.next() % 3 != 0
                let flags = flagChoices[Int(random.next() % UInt64(flagChoices.count))]
                let length = random.next() % 2 == 0 ? 0 : Int(random.next() % 1400)
                let side = fromOrig ? 0 : 1
                now += gapsNs[Int(random.next() % UInt64(gapsNs.count))]
                let before = z.timerState, expiryBefore = z.expiryNs()
                _ = z.add(ZeekPacket(isOrig: fromOrig, timestampNs: now, ipLength: 40 + length, tcpFlags: flags,
                                     sequence: seq[side], acknowledgment: seq[1 - side], window: 8192,
                                     payloadLength: length))
                seq[side] &+= UInt32(length) &+ (flags & 0x03 != 0 ? 1 : 0)
                checked += 1
                if z.timerState == before {
                    unchanged += 1
                    #expect(z.expiryNs() >= expiryBefore, "expiry moved earlier with the timer state unchanged")
                } else {
                    changed += 1
                }
            }
        }
        // Both branches are exercised (else the check above would prove nothing).
        #expect(unchanged > checked / 4 && changed > checked / 20)
    }
}
