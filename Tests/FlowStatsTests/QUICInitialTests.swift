// QUIC Initial decryption and ClientHello assembly: RFC 9001 / RFC 9369 Appendix A vectors,
// packets protected in the test (QUICTestHelpers) with CRYPTO frames out of order, split,
// overlapping, coalesced with other packets, after a Retry; and hostile bytes (every
// truncation, seeded garbage, oversized lengths, long connection IDs, huge offsets).

import Crypto
import FlowStatsTestSupport
import Foundation
import Testing
import _CryptoExtras

@testable import FlowStats

private let rfcDCID = quicHex(QUICTestVectors.dcid)

/// Feeds each datagram to a fresh collector; the last result.
private func collect(_ datagrams: [[UInt8]]) -> (ParseProgress<[UInt8]>, QUICClientHelloCollector) {
    var collector = QUICClientHelloCollector()
    var result = ParseProgress<[UInt8]>.needMore
    for datagram in datagrams {
        result = datagram.withUnsafeBytes { collector.add(datagram: $0) }
    }
    return (result, collector)
}

private func message(_ result: ParseProgress<[UInt8]>) -> [UInt8]? {
    if case .done(let bytes, let consumed) = result, consumed == bytes.count { return bytes }
    return nil
}

private func isNotThisProtocol(_ result: ParseProgress<[UInt8]>) -> Bool { isNotThis(result) }

@Suite struct QUICInitialTests {
    // MARK: RFC vectors

    @Test func hkdfLabelsMatchRFC9001AndRFC9369() {
        #expect(quicHexString(QUICInitialKeys.hkdfLabel("client in", length: 32)) == QUICTestVectors.v1ClientInLabel)
        #expect(quicHexString(QUICInitialKeys.hkdfLabel("quic key", length: 16)) == QUICTestVectors.v1QuicKeyLabel)
        #expect(quicHexString(QUICInitialKeys.hkdfLabel("quicv2 key", length: 16)) == QUICTestVectors.v2QuicKeyLabel)
    }

    @Test(arguments: [
        (UInt32(1), QUICTestVectors.v1ClientInitialSecret, QUICTestVectors.v1Key, QUICTestVectors.v1IV, QUICTestVectors.v1HP),
        (UInt32(0x6B33_43CF), QUICTestVectors.v2ClientInitialSecret, QUICTestVectors.v2Key, QUICTestVectors.v2IV,
         QUICTestVectors.v2HP),
    ])
    func clientKeysMatchAppendixA(version: UInt32, secret: String, key: String, iv: String, hp: String) throws {
        let parameters = try #require(QUICVersionParameters.forVersion(version))
        let derivedSecret = rfcDCID.withUnsafeBytes { QUICInitialKeys.clientInitialSecret($0, salt: parameters.salt) }
        #expect(derivedSecret.withUnsafeBytes { quicHexString($0) } == secret)
        let keys = rfcDCID.withUnsafeBytes { QUICInitialKeys(clientDestinationID: $0, parameters: parameters) }
        #expect(keys.key.withUnsafeBytes { quicHexString($0) } == key)
        #expect(quicHexString(keys.iv) == iv)
        #expect(keys.headerProtection.withUnsafeBytes { quicHexString($0) } == hp)
    }

    @Test(arguments: [(QUICTestVectors.v1HP, QUICTestVectors.v1Sample, QUICTestVectors.v1Mask),
                      (QUICTestVectors.v2HP, QUICTestVectors.v2Sample, QUICTestVectors.v2Mask)])
    func headerProtectionMaskMatchesAppendixA(hp: String, sample: String, mask: String) throws {
        var block = quicHex(sample)
        try AES.permute(&block, key: SymmetricKey(data: quicHex(hp)))
        #expect(quicHexString(block.prefix(5)) == mask)
    }

    @Test(arguments: [(UInt32(1), QUICTestVectors.v1ProtectedPacket, QUICTestVectors.v1CryptoFrame,
                       QUICTestVectors.v1UnprotectedHeader),
                      (UInt32(0x6B33_43CF), QUICTestVectors.v2ProtectedPacket, QUICTestVectors.v2CryptoFrame,
                       QUICTestVectors.v2UnprotectedHeader)])
    func protectedPacketOpensToAppendixPayload(version: UInt32, packet: String, cryptoFrame: String,
                                               unprotectedHeader: String) throws {
        let datagram = quicHex(packet)
        #expect(datagram.count == 1200)
        let parameters = try #require(QUICVersionParameters.forVersion(version))
        let opened: QUICOpenedPacket? = datagram.withUnsafeBytes { bytes in
            guard case .packet(let header) = QUICLongHeader.parse(bytes, at: 0) else { return nil }
            #expect(header.type == parameters.initialType)
            #expect(header.end == 1200)
            // The unprotected header is 22 bytes: the packet number starts 4 bytes before its end.
            #expect(header.packetNumberOffset == quicHex(unprotectedHeader).count - 4)
            let keys = QUICInitialKeys(clientDestinationID: UnsafeRawBufferPointer(rebasing: bytes[header.destinationID]),
                                       parameters: parameters)
            return QUICPacketProtection.open(bytes, header: header, keys: keys, largestPacketNumber: -1)
        }
        let result = try #require(opened)
        #expect(result.packetNumber == 2)
        #expect(result.payload.count == 1162)
        let frame = quicHex(cryptoFrame)
        #expect(Array(result.payload.prefix(frame.count)) == frame)
        #expect(result.payload.dropFirst(frame.count).allSatisfy { $0 == 0 })  // PADDING

        // The collector delivers the ClientHello: the CRYPTO frame's data (after 06 00 40f1).
        let (progress, collector) = collect([datagram])
        let hello = try #require(message(progress))
        #expect(hello == Array(frame.dropFirst(4)))
        #expect(hello.count == 4 + 0xED)
        #expect(quicTestSNI(hello) == "example.com")
        #expect(collector.version == version)
        #expect(datagram.withUnsafeBytes { QUICDetect.isLongHeaderInitial($0) })
    }

    @Test func everyTruncationOfTheRFCPacketAsksForMoreOrGivesUp() {
        let datagram = quicHex(QUICTestVectors.v1ProtectedPacket)
        for length in 0..<datagram.count {
            let (progress, _) = collect([Array(datagram.prefix(length))])
            #expect(message(progress) == nil, "prefix \(length) gave a message")
        }
        // The whole packet, fed byte by byte into one collector as separate datagrams, never
        // delivers either (none of them is an Initial that opens).
        var collector = QUICClientHelloCollector()
        for length in stride(from: 1, to: datagram.count, by: 97) {
            let progress = datagram.prefix(length).withUnsafeBytes { collector.add(datagram: UnsafeRawBufferPointer($0)) }
            #expect(message(progress) == nil)
        }
    }

    @Test func anyFlippedByteFailsAuthentication() {
        let datagram = quicHex(QUICTestVectors.v1ProtectedPacket)
        // Positions past the header (22 bytes): payload, tag.
        for position in [22, 100, 1183, 1199] {
            var corrupted = datagram
            corrupted[position] ^= 0x01
            let (progress, _) = collect([corrupted])
            #expect(isNeedMore(progress), "flip at \(position)")
        }
    }

    // MARK: Packets built here

    private static let hello = quicTestClientHello(serverName: "assembled.example.org", padding: 700)

    @Test func cryptoFramesOutOfOrderInOnePacket() throws {
        let h = Self.hello
        let frames = quicCryptoFrame(offset: 500, h[500...]) + [0x01] + quicCryptoFrame(offset: 0, h[0..<200])
            + [0x00, 0x00] + quicCryptoFrame(offset: 200, h[200..<500])
        let packet = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: frames, minimumPayload: 1162)
        let (progress, _) = collect([packet])
        let assembled = try #require(message(progress))
        #expect(assembled == h)
        #expect(quicTestSNI(assembled) == "assembled.example.org")
    }

    @Test func cryptoFramesAcrossPacketsAndDatagramsWithOverlapFirstCopyWins() throws {
        let h = Self.hello
        var altered = h
        for i in 300..<400 { altered[i] ^= 0xFF }  // a later, conflicting copy of 300..<400
        let second = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 1,
                                             frames: quicCryptoFrame(offset: 300, altered[300..<600]))
        let first = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0,
                                            frames: quicCryptoFrame(offset: 250, h[250..<400]))
        let last = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 2,
                                           frames: quicCryptoFrame(offset: 0, h[0..<260]) + quicCryptoFrame(offset: 600, h[600...]))
        var collector = QUICClientHelloCollector()
        #expect(isNeedMore(first.withUnsafeBytes { collector.add(datagram: $0) }))
        #expect(isNeedMore(second.withUnsafeBytes { collector.add(datagram: $0) }))
        let progress = last.withUnsafeBytes { collector.add(datagram: $0) }
        #expect(try #require(message(progress)) == h)
    }

    @Test func coalescedPacketsAreWalkedAndOnlyInitialsOpened() throws {
        let h = Self.hello
        // Initial (first half), a Handshake packet whose bytes cannot open with Initial keys,
        // a 0-RTT packet, another Initial (second half), then zero padding to the datagram end.
        let initial1 = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 0, h[0..<400]))
        let handshake = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 400, [UInt8](repeating: 0x55, count: 50)),
                                                type: 2)
        let zeroRTT = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 1, frames: [0x01], type: 1)
        let initial2 = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 1, frames: quicCryptoFrame(offset: 400, h[400...]))
        let datagram = initial1 + handshake + zeroRTT + initial2 + [UInt8](repeating: 0, count: 40)
        let (progress, _) = collect([datagram])
        #expect(try #require(message(progress)) == h)
    }

    @Test func ackPingAndCloseFramesAreSkippedUnknownFramesStopTheWalk() throws {
        let h = quicTestClientHello(serverName: "frames.test")
        // ACK (largest 5, delay 0, 2 extra ranges, first range 1, gaps/ranges), ACK-ECN, PING.
        let ack: [UInt8] = [0x02, 0x05, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00]
        let ackECN: [UInt8] = [0x03, 0x05, 0x00, 0x00, 0x01, 0x40, 0x10, 0x00, 0x01]
        let close: [UInt8] = [0x1C, 0x00, 0x06, 0x03] + Array("bye".utf8)
        let good = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0,
                                           frames: ack + ackECN + [0x01] + quicCryptoFrame(offset: 0, h) + close)
        #expect(quicTestSNI(try #require(message(collect([good]).0))) == "frames.test")

        // STREAM (0x08) is not allowed in Initial packets: the walk stops before the CRYPTO frame.
        let stopped = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0,
                                              frames: [0x08, 0x00, 0x01] + quicCryptoFrame(offset: 0, h))
        #expect(isNeedMore(collect([stopped]).0))
        // An ACK whose range count claims more ranges than there are bytes: stops, no trap.
        let hugeACK: [UInt8] = [0x02, 0x00, 0x00, 0xBF, 0xFF, 0xFF, 0xFF, 0x00]
        let cut = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: hugeACK + quicCryptoFrame(offset: 0, h))
        #expect(isNeedMore(collect([cut]).0))
    }

    @Test func initialsAfterRetryUseKeysFromTheNewConnectionID() throws {
        let h = Self.hello
        let retryDCID: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18, 0x29]
        // First Initial (original DCID) carries only the start; after the (unseen) Retry the
        // client sends the whole ClientHello again, protected with keys from the new DCID.
        let before = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 0, h[0..<300]))
        let after = quicTestProtectedPacket(dcid: retryDCID, packetNumber: 1, frames: quicCryptoFrame(offset: 0, h),
                                            keys: .derived(dcid: retryDCID))
        let (progress, collector) = collect([before, after])
        #expect(try #require(message(progress)) == h)
        #expect(collector.version == 1)
    }

    @Test func laterInitialsWithTheServerChosenIDKeepTheFirstKeys() throws {
        let h = Self.hello
        // After the server's first Initial the client sends to the server's SCID but still
        // protects Initials with keys from its first DCID (RFC 9001 §5.2).
        let first = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 0, h[0..<300]))
        let second = quicTestProtectedPacket(dcid: [0x77, 0x66, 0x55, 0x44], packetNumber: 1,
                                             frames: quicCryptoFrame(offset: 300, h[300...]))
        #expect(try #require(message(collect([first, second]).0)) == h)
    }

    @Test func versionNegotiationThenDecryptableVersion() throws {
        let h = quicTestClientHello(serverName: "after-vn.test")
        // A first Initial in a reserved version (0x?a?a?a?a forces version negotiation), then v1.
        var reserved = quicTestProtectedPacket(dcid: [1, 2, 3, 4, 5, 6, 7, 8], packetNumber: 0, frames: quicCryptoFrame(offset: 0, h))
        reserved.replaceSubrange(1..<5, with: [0xBA, 0xBA, 0xBA, 0xBA])
        let real = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 1, frames: quicCryptoFrame(offset: 0, h))
        var collector = QUICClientHelloCollector()
        #expect(isNeedMore(reserved.withUnsafeBytes { collector.add(datagram: $0) }))
        #expect(quicTestSNI(try #require(message(real.withUnsafeBytes { collector.add(datagram: $0) }))) == "after-vn.test")
        #expect(collector.version == 1)
    }

    @Test func draftAndMvfstVersionsUseTheirSalts() throws {
        // Build each packet with keys derived from the salt that Wireshark's packet-quic.c
        // gives that version (the derivation itself is checked against RFC 9001 above).
        let h = quicTestClientHello(serverName: "draft.test")
        for version: UInt32 in [0xFF00_0017, 0xFF00_001B, 0xFF00_001D, 0xFF00_0020, 0xFF00_0022, 0xFACE_B002, 0xFACE_B001] {
            let packet = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 0, h),
                                                 keys: .derived(dcid: rfcDCID, version: version), version: version)
            let (progress, collector) = collect([packet])
            #expect(message(progress) == h, "version \(String(version, radix: 16))")
            #expect(collector.version == version)
        }
        // The salts differ: a draft-29 packet does not open as draft-23 (same DCID).
        let d29 = QUICTestKeys.derived(dcid: rfcDCID, version: 0xFF00_001D)
        let d23 = QUICTestKeys.derived(dcid: rfcDCID, version: 0xFF00_0017)
        let v1 = QUICTestKeys.derived(dcid: rfcDCID, version: 1)
        #expect(d29.key != d23.key && d29.key != v1.key && d23.key != v1.key)
        #expect(v1.key == QUICTestKeys.rfc9001.key)
    }

    // MARK: Hostile bytes

    @Test func notQUICIsRejectedAtOnce() {
        // Short header first, DNS-looking bytes, an empty datagram, a gQUIC Q046 long header.
        for datagram: [UInt8] in [[0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0x12, 0x34, 0x01, 0x00, 0x00, 0x01], [],
                                  [0xC3, 0x51, 0x30, 0x34, 0x36, 0x50] + [UInt8](repeating: 0, count: 40)] {
            #expect(isNotThisProtocol(collect([datagram]).0), "\(datagram.prefix(6))")
            #expect(!datagram.withUnsafeBytes { QUICDetect.isLongHeaderInitial($0) })
        }
    }

    @Test func connectionIDsLongerThan20AndLengthsPastTheDatagramAreInvalid() {
        let packet = quicHex(QUICTestVectors.v1ProtectedPacket)
        var longDCID = packet
        longDCID[5] = 21
        #expect(isNotThisProtocol(collect([longDCID]).0))
        var longSCID = packet
        longSCID[14] = 21
        #expect(isNotThisProtocol(collect([longSCID]).0))
        // Length 0x449e → 0x7fff (past the 1200 bytes).
        var longLength = packet
        longLength[16] = 0x7F
        longLength[17] = 0xFF
        #expect(isNotThisProtocol(collect([longLength]).0))
        #expect(!longLength.withUnsafeBytes { QUICDetect.isLongHeaderInitial($0) })
        // Token length varint claiming 2^62 - 1 bytes.
        let token = Array(packet.prefix(15)) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Array(packet[16...])
        #expect(isNotThisProtocol(collect([token]).0))
    }

    @Test func seededGarbageNeverTrapsNorDelivers() {
        var random = SplitMix64.forTest()
        let rfc = quicHex(QUICTestVectors.v1ProtectedPacket)
        for round in 0..<400 {
            let length = Int(random.next() % 1400)
            var datagram = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0 && length > 7 {
                // A plausible long header in front of random bytes: v1 Initial, random lengths.
                datagram.replaceSubrange(0..<6, with: [0xC0 | UInt8(random.next() & 0x0F), 0, 0, 0, 1, UInt8(random.next() % 24)])
            }
            if round % 5 == 0 {
                // The RFC packet with a few random bytes changed.
                datagram = rfc
                for _ in 0..<3 { datagram[Int(random.next() % 1200)] = UInt8(truncatingIfNeeded: random.next()) }
            }
            var collector = QUICClientHelloCollector()
            for _ in 0..<3 {
                let progress = datagram.withUnsafeBytes { collector.add(datagram: $0) }
                if round % 5 != 0 { #expect(message(progress) == nil) }
            }
            _ = datagram.withUnsafeBytes { QUICDetect.isLongHeaderInitial($0) }
        }
    }

    @Test func hugeCryptoOffsetsAreBoundedTo64KiB() throws {
        var assembler = QUICCryptoAssembler()
        let data = [UInt8](repeating: 0x11, count: 1000)
        data.withUnsafeBytes { bytes in
            assembler.add(offset: (1 << 62) - 1, data: bytes)
            assembler.add(offset: UInt64(QUICCryptoAssembler.capacity), data: bytes)
            assembler.add(offset: UInt64(QUICCryptoAssembler.capacity - 10), data: bytes)  // only 10 bytes kept
        }
        #expect(assembler.bytes.count == QUICCryptoAssembler.capacity)
        #expect(assembler.contiguousCount == 0)
        #expect(assembler.status(.tls) == .incomplete)

        // Through the collector: a CRYPTO frame at offset 2^62 - 1 in a real packet.
        let h = quicTestClientHello(serverName: "bounded.test")
        let frames = quicCryptoFrame(offset: (1 << 62) - 1, [1, 2, 3]) + quicCryptoFrame(offset: 0, h)
        let packet = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: frames)
        #expect(message(collect([packet]).0) == h)
    }

    @Test func aClientHelloLongerThan64KiBOrNotAClientHelloIsGivenUp() {
        var assembler = QUICCryptoAssembler()
        ([1, 0x01, 0x00, 0x00] as [UInt8]).withUnsafeBytes { assembler.add(offset: 0, data: $0) }  // length 65536 + 4
        #expect(assembler.status(.tls) == .invalid)
        var serverHello = QUICCryptoAssembler()
        ([2, 0x00, 0x00, 0x10] as [UInt8]).withUnsafeBytes { serverHello.add(offset: 0, data: $0) }
        #expect(serverHello.status(.tls) == .invalid)

        let notHello = quicTestProtectedPacket(dcid: rfcDCID, packetNumber: 0, frames: quicCryptoFrame(offset: 0, [2, 0, 0, 1, 0]))
        #expect(isNotThisProtocol(collect([notHello]).0))
    }

    @Test func assemblerAnyOrderGivesTheSameMessage() {
        var random = SplitMix64.forTest()
        let h = quicTestClientHello(serverName: "shuffle.test", padding: 3000)
        for _ in 0..<50 {
            // Random cut points, random order, some pieces sent twice.
            var cuts = Set([0, h.count])
            for _ in 0..<12 { cuts.insert(Int(random.next() % UInt64(h.count))) }
            let points = cuts.sorted()
            var pieces = zip(points, points.dropFirst()).map { ($0, $1) }
            pieces += pieces.prefix(3)
            pieces.shuffle(using: &random)
            var assembler = QUICCryptoAssembler()
            for (from, to) in pieces {
                h[from..<to].withUnsafeBytes { assembler.add(offset: UInt64(from), data: $0) }
            }
            #expect(assembler.status(.tls) == .complete(length: h.count))
            #expect(Array(assembler.bytes.prefix(h.count)) == h)
        }
    }

    @Test func googleCHLOLengthIsHeaderTableAndValues() {
        // "CHLO", 2 tags, padding; SNI ends at 4, VER at 8; values "abcd" "Q050".
        let chlo: [UInt8] = Array("CHLO".utf8) + [2, 0, 0, 0] + Array("SNI\0".utf8) + [4, 0, 0, 0]
            + Array("VER\0".utf8) + [8, 0, 0, 0] + Array("abcdQ050".utf8)
        var assembler = QUICCryptoAssembler()
        chlo.prefix(20).withUnsafeBytes { assembler.add(offset: 0, data: $0) }
        #expect(assembler.status(.googleCHLO) == .incomplete)
        chlo.dropFirst(20).withUnsafeBytes { assembler.add(offset: 20, data: $0) }
        #expect(assembler.status(.googleCHLO) == .complete(length: 32))
    }
}
