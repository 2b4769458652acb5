// Helpers for the QUIC tests: hex, a tiny ClientHello SNI walker, a ClientHello builder, and a
// client Initial packet protector written from RFC 9001 §5 (seal with AES-128-GCM, then apply
// header protection), with keys taken from RFC 9001 Appendix A.1 so that the packets it makes
// do not depend on the code under test.

import Crypto
import Foundation
import _CryptoExtras

@testable import FlowStats

/// Bytes from a hex string (whitespace ignored); traps on bad hex (test input only).
func quicHex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace }.utf8)
    precondition(digits.count % 2 == 0, "odd hex")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: preconditionFailure("bad hex digit")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

func quicHexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// The server_name (extension 0, host_name entry) of a TLS ClientHello handshake message
/// (type, 24-bit length, body), walked by RFC 8446 §4.1.2 and RFC 6066 §3; nil when absent.
func quicTestSNI(_ message: [UInt8]) -> String? {
    var i = 4 + 2 + 32  // header, legacy_version, random
    func u8() -> Int? { guard i < message.count else { return nil }; defer { i += 1 }; return Int(message[i]) }
    func u16() -> Int? { guard let a = u8(), let b = u8() else { return nil }; return a << 8 | b }
    guard message.count >= 4, message[0] == 1, let sessionID = u8() else { return nil }
    i += sessionID
    guard let ciphers = u16() else { return nil }
    i += ciphers
    guard let compressions = u8() else { return nil }
    i += compressions
    guard let extensionsLength = u16() else { return nil }
    let end = min(i + extensionsLength, message.count)
    while i + 4 <= end {
        guard let type = u16(), let length = u16() else { return nil }
        if type == 0 {
            // server_name_list length, then name_type 0 + host_name length + bytes.
            guard let _ = u16(), let nameType = u8(), nameType == 0, let nameLength = u16(),
                  i + nameLength <= message.count else { return nil }
            return String(decoding: message[i..<(i + nameLength)], as: UTF8.self)
        }
        i += length
    }
    return nil
}

/// A TLS ClientHello handshake message carrying `serverName` and `padding` extra bytes in a
/// padding extension (21), so that tests can make it as long as they need.
func quicTestClientHello(serverName: String, padding: Int = 0) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    let name = Array(serverName.utf8)
    let sni = u16(0) + u16(name.count + 5) + u16(name.count + 3) + [0] + u16(name.count) + name
    let pad = u16(21) + u16(padding) + [UInt8](repeating: 0, count: padding)
    let extensions = sni + pad
    var body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 0xAB, count: 32) + [0]
    body += u16(2) + [0x13, 0x01] + [1, 0] + u16(extensions.count) + extensions
    return [1, UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)] + body
}

/// A QUIC varint in its shortest form (RFC 9000 §16).
func quicVarint(_ value: UInt64) -> [UInt8] {
    switch value {
    case 0..<64: return [UInt8(value)]
    case 64..<16384: return [UInt8(0x40 | value >> 8), UInt8(value & 0xFF)]
    case 16384..<(1 << 30): return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt64($0))) | ($0 == 0 ? 0x80 : 0) }
    default: return (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) | ($0 == 0 ? 0xC0 : 0) }
    }
}

/// A CRYPTO frame (type 0x06).
func quicCryptoFrame(offset: Int, _ data: some Collection<UInt8>) -> [UInt8] {
    [0x06] + quicVarint(UInt64(offset)) + quicVarint(UInt64(data.count)) + Array(data)
}

/// Client Initial keys given as hex (RFC 9001 A.1 for the RFC's connection ID).
struct QUICTestKeys {
    var key: [UInt8]
    var iv: [UInt8]
    var hp: [UInt8]

    static let rfc9001 = QUICTestKeys(key: quicHex(QUICTestVectors.v1Key), iv: quicHex(QUICTestVectors.v1IV),
                                      hp: quicHex(QUICTestVectors.v1HP))

    /// Keys for another connection ID, from the library's derivation (itself checked against
    /// the RFC vectors in QUICInitialTests).
    static func derived(dcid: [UInt8], version: UInt32 = 1) -> QUICTestKeys {
        let keys = dcid.withUnsafeBytes {
            QUICInitialKeys(clientDestinationID: $0, parameters: QUICVersionParameters.forVersion(version)!)
        }
        return QUICTestKeys(key: keys.key.withUnsafeBytes { Array($0) }, iv: keys.iv,
                            hp: keys.headerProtection.withUnsafeBytes { Array($0) })
    }
}

/// A protected QUIC v1 long-header packet (RFC 9001 §5.3, §5.4) of `type` (0 Initial,
/// 1 0-RTT, 2 Handshake) with a 4-byte packet number; `frames` are padded with PADDING
/// frames to `minimumPayload` bytes.
func quicTestProtectedPacket(dcid: [UInt8], scid: [UInt8] = [], packetNumber: UInt32, frames: [UInt8],
                             keys: QUICTestKeys = .rfc9001, type: UInt8 = 0, version: UInt32 = 1,
                             minimumPayload: Int = 64) -> [UInt8] {
    var payload = frames
    if payload.count < minimumPayload { payload += [UInt8](repeating: 0, count: minimumPayload - payload.count) }
    let pnBytes: [UInt8] = (0..<4).map { UInt8(truncatingIfNeeded: packetNumber >> (24 - 8 * UInt32($0))) }
    var header: [UInt8] = [0xC0 | type << 4 | 0x03]
    header += (0..<4).map { UInt8(truncatingIfNeeded: version >> (24 - 8 * UInt32($0))) }
    header += [UInt8(dcid.count)] + dcid + [UInt8(scid.count)] + scid
    // Initial packets (type 0 in v1 and drafts, 1 in v2, RFC 9369 §3.2) carry a token length: none.
    if type == (version == 0x6B33_43CF ? 1 : 0) { header += [0] }
    let length = 4 + payload.count + 16
    header += [UInt8(0x40 | length >> 8), UInt8(length & 0xFF)]
    let pnOffset = header.count
    header += pnBytes

    var nonce = keys.iv
    for i in 0..<4 { nonce[8 + i] ^= pnBytes[i] }
    let sealed = try! AES.GCM.seal(payload, using: SymmetricKey(data: keys.key),
                                   nonce: try! AES.GCM.Nonce(data: nonce), authenticating: header)
    let protectedPayload = Array(sealed.ciphertext) + Array(sealed.tag)
    var sample = Array(protectedPayload[0..<16])  // 4-byte packet number: sample starts right after it
    try! AES.permute(&sample, key: SymmetricKey(data: keys.hp))
    header[0] ^= sample[0] & 0x0F
    for i in 0..<4 { header[pnOffset + i] ^= sample[1 + i] }
    return header + protectedPayload
}
