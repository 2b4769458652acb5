// Opening one client Initial packet (RFC 9001 §5.3–§5.4): header protection removal with the
// AES-128 block function on a 16-byte sample taken 4 bytes after the packet number's start
// (§5.4.2, §5.4.3), packet-number decoding (RFC 9000 §17.1, Appendix A.3), then AES-128-GCM
// with nonce = IV XOR packet number (left-padded to 12 bytes) and the unprotected header as
// associated data (§5.3). swift-crypto does the cipher work.

import Crypto
import Foundation
import _CryptoExtras

/// A decrypted packet: its frames and its full packet number.
struct QUICOpenedPacket {
    let payload: [UInt8]
    let packetNumber: Int64
}

enum QUICPacketProtection {
    /// The bytes of the sample and of the authentication tag (AES-128-GCM).
    static let sampleLength = 16
    static let tagLength = 16

    /// Opens the Initial packet `header` of `datagram` with `keys`; nil when it is too short for
    /// a sample and a tag, or does not authenticate (wrong keys, corrupted bytes).
    /// `largestPacketNumber` is the largest packet number opened so far in this packet number
    /// space (-1 before the first), used to expand the truncated packet number.
    static func open(_ datagram: UnsafeRawBufferPointer, header: QUICLongHeader, keys: QUICInitialKeys,
                     largestPacketNumber: Int64) -> QUICOpenedPacket? {
        let pnOffset = header.packetNumberOffset
        // The sample assumes a 4-byte packet number; the packet must hold it and a tag.
        guard header.end <= datagram.count, pnOffset + 4 + sampleLength <= header.end else { return nil }
        var mask = Array(datagram[(pnOffset + 4)..<(pnOffset + 4 + sampleLength)])
        guard (try? AES.permute(&mask, key: keys.headerProtection)) != nil else { return nil }

        let firstByte = header.firstByte ^ (mask[0] & 0x0F)
        let pnLength = Int(firstByte & 0x03) + 1
        var aad = Array(datagram[header.start..<(pnOffset + pnLength)])
        aad[0] = firstByte
        var truncated: Int64 = 0
        for index in 0..<pnLength {
            let byte = datagram[pnOffset + index] ^ mask[1 + index]
            aad[pnOffset - header.start + index] = byte
            truncated = truncated << 8 | Int64(byte)
        }
        let packetNumber = decodePacketNumber(truncated, bits: pnLength * 8, largest: largestPacketNumber)

        var nonce = keys.iv
        for index in 0..<8 {
            nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: packetNumber >> (8 * index))
        }
        let ciphertext = UnsafeRawBufferPointer(rebasing: datagram[(pnOffset + pnLength)..<(header.end - tagLength)])
        let tag = UnsafeRawBufferPointer(rebasing: datagram[(header.end - tagLength)..<header.end])
        guard let gcmNonce = try? AES.GCM.Nonce(data: nonce),
              let box = try? AES.GCM.SealedBox(nonce: gcmNonce, ciphertext: ciphertext, tag: tag),
              let plain = try? AES.GCM.open(box, using: keys.key, authenticating: aad) else { return nil }
        return QUICOpenedPacket(payload: [UInt8](plain), packetNumber: packetNumber)
    }

    /// RFC 9000 Appendix A.3: the packet number closest to `largest + 1` whose low `bits`
    /// bits are `truncated`.
    static func decodePacketNumber(_ truncated: Int64, bits: Int, largest: Int64) -> Int64 {
        let expected = largest &+ 1
        let window: Int64 = 1 << Int64(bits)
        let halfWindow = window / 2
        let candidate = (expected & ~(window - 1)) | truncated
        if candidate <= expected - halfWindow && candidate < (1 << 62) - window { return candidate + window }
        if candidate > expected + halfWindow && candidate >= window { return candidate - window }
        return candidate
    }
}
