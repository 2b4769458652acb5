// StreamReassembler: the first K bytes of a TCP direction in sequence order, first copy wins,
// a gap ends it. Expected bytes are written out by hand from the segments each test sends.

import Testing
@testable import FlowStats
import FlowStatsTestSupport

@Suite struct StreamReassemblerTests {
    private func add(_ r: inout StreamReassembler, _ seq: UInt32, _ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { r.add(sequence: seq, $0) }
    }
    private func prefix(_ r: StreamReassembler) -> String {
        r.withPrefix { String(decoding: $0, as: UTF8.self) }
    }

    @Test func inOrderAfterSYN() {
        var r = StreamReassembler(limit: 100)
        r.start(synSequence: 999)          // byte 0 is sequence 1000
        #expect(add(&r, 1000, "GET "))
        #expect(add(&r, 1004, "/ HTTP/1.1"))
        #expect(prefix(r) == "GET / HTTP/1.1")
        #expect(r.contiguous == 14)
    }

    @Test func outOfOrderWaitsThenJoins() {
        var r = StreamReassembler(limit: 100)
        r.start(synSequence: 0)
        #expect(!add(&r, 6, "world"))      // bytes 5... not yet: hole at 0..<5
        #expect(prefix(r) == "")
        #expect(add(&r, 1, "hello"))       // fills 0..<5 and joins the held 5..<10
        #expect(prefix(r) == "helloworld")
    }

    @Test func firstCopyWinsOnRetransmissionAndOverlap() {
        var r = StreamReassembler(limit: 100)
        r.start(synSequence: 0)
        _ = add(&r, 1, "abcd")
        _ = add(&r, 1, "XXXXXXef")         // offsets 0..<8: 0..<4 stay "abcd", 4..<8 are new ("XXef")
        #expect(prefix(r) == "abcdXXef")
        // Out of order first copy: held "123" at 10..<13, then an overlapping "9999999" at 8..<15.
        _ = add(&r, 11, "123")
        _ = add(&r, 9, "9999999")           // bytes 8,9 new ("99"), 10..<13 keep "123", 13,14 new ("99")
        #expect(prefix(r) == "abcdXXef99123" + "99")
    }

    @Test func limitAndBytesBeforeStart() {
        var r = StreamReassembler(limit: 5)
        r.start(synSequence: 100)
        _ = add(&r, 99, "zzab")             // bytes -2,-1 dropped; "ab" at 0,1
        _ = add(&r, 103, "cdefgh")          // 2..<5 kept ("cde"), rest past the limit
        #expect(prefix(r) == "abcde")
        #expect(!r.isOpen)
        #expect(!add(&r, 106, "x"))
    }

    @Test func noSYNStartsAtFirstSegment() {
        var r = StreamReassembler(limit: 64)
        _ = add(&r, 4_000_000_000, "SSH-2.0-")
        _ = add(&r, 4_000_000_008, "x")
        #expect(prefix(r) == "SSH-2.0-x")
    }

    @Test func sequenceWraps() {
        var r = StreamReassembler(limit: 64)
        r.start(synSequence: UInt32.max - 2)  // byte 0 is max-1
        _ = add(&r, UInt32.max - 1, "ab")     // max-1, max
        _ = add(&r, 0, "cd")                  // wraps to 0
        #expect(prefix(r) == "abcd")
    }

    @Test func acknowledgedHoleGivesUp() {
        var r = StreamReassembler(limit: 64)
        r.start(synSequence: 0)
        _ = add(&r, 1, "abc")
        _ = add(&r, 10, "later")              // hole at 3..<9
        r.acknowledged(8)                      // the peer acknowledged bytes up to 6: past the hole's start (3)
        #expect(r.gaveUp)
        #expect(prefix(r) == "abc")
        #expect(r.bufferedBytes == 3)         // the held bytes beyond the gap are freed
        #expect(!add(&r, 4, "defghi"))        // nothing is taken after giving up
    }

    @Test func acknowledgementWithinThePrefixKeepsGoing() {
        var r = StreamReassembler(limit: 64)
        r.start(synSequence: 0)
        _ = add(&r, 1, "abc")
        _ = add(&r, 10, "later")
        r.acknowledged(4)                      // up to byte 3: the hole starts at 3, not passed
        #expect(!r.gaveUp)
    }

    @Test func tooManyHolesGivesUp() {
        var r = StreamReassembler(limit: 1000)
        r.start(synSequence: 0)
        for i in 0...StreamReassembler.maxHoles { _ = add(&r, UInt32(10 + 10 * i), "x") }
        #expect(r.gaveUp)
        #expect(r.contiguous == 0)
    }

    /// Random segmentations, orders and duplicates of one stream: the prefix is always the
    /// stream's first bytes (the first copy of every byte is the true one here).
    @Test func randomOrderGivesTheStream() {
        var rng = SplitMix64.forTest()
        let stream = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for _ in 0..<200 {
            let limit = Int.random(in: 1...4000, using: &rng)
            var segments: [(Int, Int)] = []
            var at = 0
            while at < stream.count {
                let n = Int.random(in: 1...400, using: &rng)
                segments.append((at, min(stream.count, at + n)))
                at += n
            }
            // Swap neighbours (bounded disorder) and duplicate some.
            for i in stride(from: 0, to: segments.count - 1, by: 2) where Bool.random(using: &rng) {
                segments.swapAt(i, i + 1)
            }
            segments += segments.filter { _ in Int.random(in: 0..<5, using: &rng) == 0 }
            var r = StreamReassembler(limit: limit)
            let isn = UInt32.random(in: 0...UInt32.max, using: &rng)
            r.start(synSequence: isn)
            for (a, b) in segments {
                stream[a..<b].withUnsafeBytes { _ = r.add(sequence: isn &+ 1 &+ UInt32(a), $0) }
            }
            let expected = Array(stream.prefix(limit))
            #expect(r.withPrefix { Array($0) } == expected)
        }
    }
}
