// Google QUIC Q035…Q046: the unencrypted CHLO's SNI. Packets written out by hand.

@testable import FlowStats
import FlowStatsTestSupport
import Testing

@Suite struct GooglePlainCHLOTests {
    /// CHLO with two tags: PAD\0 (3 bytes "xxx", end offset 3) and SNI\0 ("example.com", end 14).
    private let chlo: [UInt8] = Array("CHLO".utf8) + [2, 0, 0, 0]
        + Array("PAD\0".utf8) + [3, 0, 0, 0] + Array("SNI\0".utf8) + [14, 0, 0, 0]
        + Array("xxx".utf8) + Array("example.com".utf8)

    /// Q043: flags 0x09 (version, 8-byte connection id, 1-byte packet number), id, "Q043",
    /// packet number 1, a 12-byte message hash, a STREAM frame header for stream 1.
    private func q043(_ version: String = "Q043") -> [UInt8] {
        [0x09] + [UInt8](repeating: 0xAB, count: 8) + Array(version.utf8) + [0x01]
            + [UInt8](repeating: 0x5A, count: 12) + [0xA0, 0x01, UInt8(chlo.count), 0x00] + chlo
    }

    private func sni(_ datagram: [UInt8]) -> String? {
        datagram.withUnsafeBytes { GooglePlainCHLO.message(in: $0) }.flatMap { GoogleCHLO.value(of: "SNI\0", in: $0) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func q043AndQ046GiveTheSNI() {
        #expect(sni(q043()) == "example.com")
        // Q046: long header 0xC3, version at byte 1, connection-id lengths, 8-byte id, 4-byte packet number.
        let q046: [UInt8] = [0xC3] + Array("Q046".utf8) + [0x50] + [UInt8](repeating: 0xCD, count: 8) + [0, 0, 0, 1]
            + [UInt8](repeating: 0x5A, count: 12) + [0xA0, 0x01, UInt8(chlo.count), 0x00] + chlo
        #expect(sni(q046) == "example.com")
    }

    @Test func otherVersionsAndHeadersAreNotRead() {
        #expect(sni(q043("Q050")) == nil)   // encrypted from Q050 on
        #expect(sni(q043("T051")) == nil)
        var noVersionBit = q043()
        noVersionBit[0] = 0x08
        #expect(sni(noVersionBit) == nil)
    }

    @Test func everyCutAndGarbageIsSafe() {
        let full = q043()
        for n in 0..<full.count {
            let value = sni(Array(full[0..<n]))
            // Cut inside the SNI's value: the offset runs past the bytes, so no value.
            #expect(value == nil || n == full.count, "cut at \(n): \(value ?? "")")
        }
        var rng = SplitMix64.forTest()
        for _ in 0..<2000 {
            var d = full
            for _ in 0..<Int.random(in: 1...6, using: &rng) { d[Int.random(in: 0..<d.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = sni(d)
        }
    }
}
