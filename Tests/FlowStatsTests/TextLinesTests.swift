import FlowStatsTestSupport
import Testing
@testable import FlowStats

/// `textLine` reads eight bytes at a time: it must split exactly as Zeek's ContentLine does,
/// byte by byte (CR LF, lone LF, lone CR; a CR at the end of the bytes given is pending).
@Suite struct TextLinesTests {
    /// The rule written the slow way, one byte at a time, as the reference.
    static func referenceLine(_ bytes: [UInt8], from: Int, limit: Int) -> (start: Int, end: Int, next: Int, pendingCR: Bool)? {
        var index = from
        while index < min(limit, bytes.count) {
            if bytes[index] == 0x0A { return (from, index, index + 1, false) }
            if bytes[index] == 0x0D {
                if index + 1 < bytes.count { return (from, index, bytes[index + 1] == 0x0A ? index + 2 : index + 1, false) }
                return (from, index, index + 1, true)
            }
            index += 1
        }
        return nil
    }

    static func check(_ bytes: [UInt8], from: Int, limit: Int) -> Bool {
        let got = bytes.withUnsafeBytes { $0.textLine(from: from, limit: limit) }
        let want = referenceLine(bytes, from: from, limit: limit)
        switch (got, want) {
        case (nil, nil): return true
        case let (g?, w?): return g.start == w.start && g.end == w.end && g.next == w.next && g.endsAtTrailingCR == w.pendingCR
        default: return false
        }
    }

    @Test func handWorkedLines() {
        let text = Array("GET / HTTP/1.1\r\nHost: a\nX: y\rZ\r".utf8)
        text.withUnsafeBytes { b in
            let first = b.textLine(from: 0)!
            #expect((first.start, first.end, first.next) == (0, 14, 16))  // "GET / HTTP/1.1", CR LF
            let second = b.textLine(from: 16)!
            #expect((second.end, second.next) == (23, 24))  // "Host: a", lone LF
            let third = b.textLine(from: 24)!
            #expect((third.end, third.next, third.endsAtTrailingCR) == (28, 29, false))  // "X: y", lone CR
            let last = b.textLine(from: 29)!
            #expect((last.end, last.endsAtTrailingCR) == (30, true))  // "Z" then a CR that ends the bytes
            #expect(b.textLine(from: 0, limit: 10) == nil)  // no terminator in the first 10 bytes
        }
    }

    /// Every terminator position relative to the 8-byte words, and bytes that differ from CR or
    /// LF by one bit (0x0B, 0x0C, 0x8A, 0x8D, 0x09), which a wrong word test would take.
    @Test func terminatorAtEveryOffset() {
        for length in 0..<40 {
            for position in 0..<length {
                for terminator: UInt8 in [0x0A, 0x0D] {
                    var bytes = [UInt8](repeating: 0x0B, count: length)
                    for i in bytes.indices where i % 3 == 1 { bytes[i] = [0x0C, 0x8A, 0x8D, 0x09, 0x8D][i % 5] }
                    bytes[position] = terminator
                    for from in 0...min(position, 9) {
                        #expect(Self.check(bytes, from: from, limit: length), "length \(length) at \(position) from \(from)")
                        #expect(Self.check(bytes, from: from, limit: max(from, position - 1)), "limit before the terminator")
                    }
                }
            }
        }
    }

    @Test func randomStreams() {
        var random = SplitMix64.forTest()
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x0B, 0x0C, 0x8A, 0x8D, 0x20, 0x41, 0x00, 0xFF]
        for _ in 0..<2000 {
            let length = Int(random.next() % 70)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            var from = 0
            while from <= length {
                let limit = from + Int(random.next() % UInt64(length - from + 2))
                #expect(Self.check(bytes, from: from, limit: limit), "\(bytes) from \(from) limit \(limit)")
                from += 1 + Int(random.next() % 9)
            }
        }
    }
}
