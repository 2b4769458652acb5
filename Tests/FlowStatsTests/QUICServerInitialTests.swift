// The server side of QUIC Initial decryption: RFC 9001 A.1 server keys and the A.3 server
// Initial (copied from the RFC text, QUICServerTestVectors), opened by
// QUICServerHelloCollector with the CLIENT's connection ID into the ServerHello; after the
// A.4 Retry (keys from its Source Connection ID); in v2 after a v1 client Initial; and
// hostile bytes (every truncation, seeded garbage). Also QUICDetect's first-datagram test
// for 0-RTT-first and reserved-version-first clients.

import Crypto
import FlowStatsTestSupport
import Foundation
import Testing
import _CryptoExtras

@testable import FlowStats

private typealias V = QUICServerTestVectors

/// The client-chosen Destination Connection ID of RFC 9001 Appendix A.
private let clientDCID = quicHex(QUICTestVectors.dcid)

/// The ServerHello inside the A.3 payload: after the 5-byte ACK frame and the 4-byte CRYPTO
/// frame header (type 06, offset 00, length 40 5a = 90).
private let serverHello = Array(quicHex(V.payload)[9...])

/// Feeds `datagrams` to a fresh collector for the connection ID `dcid`; the last result.
private func collectServer(_ datagrams: [[UInt8]], dcid: [UInt8] = clientDCID) -> ParseProgress<[UInt8]> {
    var collector = QUICServerHelloCollector(clientDestinationID: dcid)
    var result = ParseProgress<[UInt8]>.needMore
    for datagram in datagrams { result = datagram.withUnsafeBytes { collector.add(datagram: $0) } }
    return result
}

private func delivered(_ result: ParseProgress<[UInt8]>) -> [UInt8]? {
    if case .done(let bytes, let consumed) = result, consumed == bytes.count { return bytes }
    return nil
}

/// Server Initial keys for `dcid` from the library (its derivation is checked against A.1 below).
private func serverKeys(_ dcid: [UInt8], version: UInt32 = 1) -> QUICTestKeys {
    let keys = dcid.withUnsafeBytes {
        QUICInitialKeys(side: .server, clientDestinationID: $0, parameters: QUICVersionParameters.forVersion(version)!)
    }
    return QUICTestKeys(key: keys.key.withUnsafeBytes { Array($0) }, iv: keys.iv,
                        hp: keys.headerProtection.withUnsafeBytes { Array($0) })
}

@Suite struct QUICServerInitialTests {
    @Test func serverKeysMatchAppendixA1() {
        #expect(quicHexString(QUICInitialKeys.hkdfLabel("server in", length: 32)) == V.serverInLabel)
        let parameters = QUICVersionParameters.v1
        let secret = clientDCID.withUnsafeBytes { QUICInitialKeys.initialSecret($0, salt: parameters.salt, side: .server) }
        #expect(secret.withUnsafeBytes { quicHexString($0) } == V.serverInitialSecret)
        let keys = clientDCID.withUnsafeBytes { QUICInitialKeys(side: .server, clientDestinationID: $0, parameters: parameters) }
        #expect(keys.key.withUnsafeBytes { quicHexString($0) } == V.key)
        #expect(quicHexString(keys.iv) == V.iv)
        #expect(keys.headerProtection.withUnsafeBytes { quicHexString($0) } == V.hp)
    }

    @Test func headerProtectionMaskMatchesAppendixA3() throws {
        var block = quicHex(V.sample)
        try AES.permute(&block, key: SymmetricKey(data: quicHex(V.hp)))
        #expect(quicHexString(block.prefix(5)) == V.mask)
    }

    @Test func protectedPacketOpensToAppendixA3Payload() {
        let datagram = quicHex(V.protectedPacket)
        #expect(datagram.count == 135)
        let keys = clientDCID.withUnsafeBytes { QUICInitialKeys(side: .server, clientDestinationID: $0, parameters: .v1) }
        let opened = datagram.withUnsafeBytes { bytes -> QUICOpenedPacket? in
            guard case .packet(let header) = QUICLongHeader.parse(bytes, at: 0) else { return nil }
            #expect(Array(datagram[header.destinationID]).isEmpty)
            #expect(quicHexString(datagram[header.sourceID]) == V.serverID)
            #expect(header.end == 135)
            return QUICPacketProtection.open(bytes, header: header, keys: keys, largestPacketNumber: -1)
        }
        #expect(opened != nil)
        #expect(opened?.packetNumber == 1)
        #expect(opened.map { quicHexString($0.payload) } == V.payload)
    }

    @Test func collectorDeliversTheServerHelloOfAppendixA3() throws {
        let message = try #require(delivered(collectServer([quicHex(V.protectedPacket)])))
        #expect(message == serverHello)
        // RFC 9001 A.3's ServerHello: TLS_AES_128_GCM_SHA256, supported_versions 0x0304.
        let hello = try #require(message.withUnsafeBytes { bytes -> TLSServerHello? in
            if case .done(let hello, _) = TLSServerHello.parse(message: bytes) { return hello }
            return nil
        })
        #expect(hello.cipher == 0x1301)
        #expect(hello.negotiatedVersion == 0x0304)
        var m = AppMetadata()
        m.recordQUICServerHello(message)
        #expect(m.tlsVersion == 0x0304)
        #expect(TLSVersionName.zeek(m.tlsVersion) == "TLSv13")
        #expect(m.services.contains("ssl"))
    }

    @Test func theServersOwnConnectionIDDoesNotOpenIt() {
        // Keys from the server's Source Connection ID (or any other ID) fail: nothing delivered.
        let packet = quicHex(V.protectedPacket)
        let datagrams = [[UInt8]](repeating: packet, count: QUICServerHelloCollector.maxDatagrams)
        #expect(isNotThis(collectServer(datagrams, dcid: quicHex(V.serverID))))
        #expect(isNeedMore(collectServer([packet], dcid: quicHex(V.serverID))))
    }

    @Test func afterARetryTheKeysComeFromItsSourceConnectionID() throws {
        // A server Initial protected with the keys of the Retry's SCID (f067a5502a4262b5), the
        // A.3 frames split in two packets sent in reverse order.
        let keys = serverKeys(quicHex(V.serverID))
        let frames = quicHex(V.payload)
        let second = quicTestProtectedPacket(dcid: [], scid: [9, 9, 9, 9], packetNumber: 1,
                                             frames: quicCryptoFrame(offset: 40, serverHello[40...]), keys: keys)
        let first = quicTestProtectedPacket(dcid: [], scid: [9, 9, 9, 9], packetNumber: 0,
                                            frames: Array(frames[0..<5]) + quicCryptoFrame(offset: 0, serverHello[0..<40]),
                                            keys: keys)
        let message = try #require(delivered(collectServer([quicHex(V.retry), second, first])))
        #expect(message == serverHello)
        // Without the Retry, the client's first connection ID does not open them.
        #expect(isNeedMore(collectServer([second, first])))
    }

    @Test func aCompatibleVersionChangeUsesTheNewVersionsSalt() throws {
        // The server answers a v1 client in v2 (RFC 9368): a v2 Initial (long type 1) protected
        // with v2 server keys (RFC 9369 salt and labels) from the same client connection ID.
        let packet = quicTestProtectedPacket(dcid: [1, 2, 3, 4], packetNumber: 0, frames: quicCryptoFrame(offset: 0, serverHello),
                                             keys: serverKeys(clientDCID, version: 0x6B33_43CF), type: 1,
                                             version: 0x6B33_43CF)
        #expect(delivered(collectServer([packet])) == serverHello)
        // The same packet protected with v1 keys does not open as v2.
        let v1Keyed = quicTestProtectedPacket(dcid: [1, 2, 3, 4], packetNumber: 0, frames: quicCryptoFrame(offset: 0, serverHello),
                                              keys: serverKeys(clientDCID), type: 1, version: 0x6B33_43CF)
        #expect(isNeedMore(collectServer([v1Keyed])))
    }

    @Test func aStreamNotStartingWithAServerHelloIsRejected() {
        var notHello = serverHello
        notHello[0] = 1  // a ClientHello type
        let packet = quicTestProtectedPacket(dcid: [], packetNumber: 0, frames: quicCryptoFrame(offset: 0, notHello),
                                             keys: serverKeys(clientDCID))
        #expect(isNotThis(collectServer([packet])))
    }

    @Test func everyTruncationOfTheA3PacketIsNeedMore() {
        let packet = quicHex(V.protectedPacket)
        for length in 0..<packet.count {
            #expect(isNeedMore(collectServer([Array(packet.prefix(length))])), "cut at \(length)")
        }
    }

    @Test func seededGarbageNeverTrapsNorDelivers() {
        var random = SplitMix64.forTest()
        let rfc = quicHex(V.protectedPacket)
        for round in 0..<400 {
            let length = Int(random.next() % 1400)
            var datagram = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0 && length > 7 {
                datagram.replaceSubrange(0..<6, with: [0xC0 | UInt8(random.next() & 0x3F), 0, 0, 0, 1, UInt8(random.next() % 24)])
            }
            if round % 5 == 0 {
                datagram = rfc
                for _ in 0..<3 { datagram[Int(random.next() % UInt64(rfc.count))] = UInt8(truncatingIfNeeded: random.next()) }
            }
            #expect(delivered(collectServer([datagram])) == nil || datagram == rfc, "round \(round)")
        }
    }

    // MARK: First-datagram detection (ndpi__quic_0RTT, ndpi__quic-forcing-vn-with-data)

    @Test func detectionAcceptsZeroRTTAndReservedVersionsFirst() {
        // A v1 0-RTT packet (long type 1) before the Initial.
        let zeroRTT = quicTestProtectedPacket(dcid: clientDCID, packetNumber: 0, frames: [0x01], type: 1)
        #expect(zeroRTT.withUnsafeBytes { QUICDetect.mayStartConnection($0) })
        #expect(!zeroRTT.withUnsafeBytes { QUICDetect.isLongHeaderInitial($0) })
        // A reserved version 0x?a?a?a?a (RFC 9000 §15): long header, fields within the bytes.
        let reserved: [UInt8] = [0xC0, 0xBA, 0xBA, 0xBA, 0xBA, 4, 1, 2, 3, 4, 0] + [UInt8](repeating: 0, count: 40)
        #expect(reserved.withUnsafeBytes { QUICDetect.mayStartConnection($0) })
        // Version negotiation (0), Google's Q046 and short headers are not.
        let negotiation: [UInt8] = [0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        #expect(!negotiation.withUnsafeBytes { QUICDetect.mayStartConnection($0) })
        let q046: [UInt8] = [0xC0, 0x51, 0x30, 0x34, 0x36, 0x50, 1, 2, 3, 4, 5, 6, 7, 8, 0]
        #expect(!q046.withUnsafeBytes { QUICDetect.mayStartConnection($0) })
        let short: [UInt8] = [0x40, 1, 2, 3, 4, 5, 6, 7, 8]
        #expect(!short.withUnsafeBytes { QUICDetect.mayStartConnection($0) })
        #expect(![UInt8]().withUnsafeBytes { QUICDetect.mayStartConnection($0) })
    }

    @Test func zeroRTTFirstThenInitialDeliversThroughTheDatagramAnalysis() {
        // Client: 0-RTT, then the RFC A.2 Initial; server: the A.3 Initial.
        let zeroRTT = quicTestProtectedPacket(dcid: clientDCID, packetNumber: 0, frames: [0x01], type: 1)
        var progress = DatagramProgress()
        var m = AppMetadata()
        let ports = UDPPorts(client: 50000, server: 443)
        for (datagram, fromClient) in [(zeroRTT, true), (quicHex(QUICTestVectors.v1ProtectedPacket), true),
                                       (quicHex(V.protectedPacket), false)] {
            _ = datagram.withUnsafeBytes {
                progress.take($0, fromClient: fromClient, ports: ports, serverIsMulticast: false, into: &m)
            }
        }
        #expect(m.services.contains("quic"))
        #expect(m.tlsSNI == "example.com")  // RFC 9001 A.2's ClientHello names example.com
        #expect(m.tlsVersion == 0x0304)
    }
}
