// The frames of a decrypted client Initial packet (RFC 9000 §19): PADDING (0x00), PING (0x01),
// ACK (0x02, and 0x03 with ECN counts, §19.3), CRYPTO (0x06: offset, length, data, §19.6) and
// CONNECTION_CLOSE (0x1c/0x1d, §19.19) — the frames an Initial packet may carry (§12.4).
// Google's Q050/T050/T051 use gQUIC frame numbers instead: PADDING 0x00 and CRYPTO 0x08 with varint
// offset and length (Wireshark packet-gquic.c); only those two are walked there.
// The walk stops at the first frame it does not know or that runs past the payload.

enum QUICFrames {
    /// Walks `payload`, handing each CRYPTO frame's stream offset and data to `crypto`.
    /// Returns false when it stopped early (an unknown or truncated frame), true at the end.
    @discardableResult
    static func walk(_ payload: UnsafeRawBufferPointer, numbering: QUICFrameNumbering,
                     crypto: (UInt64, UnsafeRawBufferPointer) -> Void) -> Bool {
        var cursor = QUICByteCursor(payload)
        let cryptoType: UInt64 = numbering == .google ? 0x08 : 0x06
        let ietf = numbering == .ietf
        while !cursor.isAtEnd {
            guard let type = cursor.readVarint() else { return false }
            switch type {
            case 0x00:
                continue
            case cryptoType:
                guard let offset = cursor.readVarint(), let length = cursor.readVarint(),
                      let data = cursor.readBytes(length) else { return false }
                crypto(offset, data)
            case 0x01 where ietf:
                continue
            case 0x02 where ietf, 0x03 where ietf:
                guard skipACK(&cursor, ecn: type == 0x03) else { return false }
            case 0x1C where ietf, 0x1D where ietf:
                guard cursor.readVarint() != nil, type == 0x1D || cursor.readVarint() != nil,
                      let reasonLength = cursor.readVarint(), cursor.skip(reasonLength) else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// Skips an ACK frame's body: largest acknowledged, delay, range count, first range, then
    /// (gap, range) pairs, then with ECN three counts. Each pair takes at least two bytes, so
    /// a huge range count ends at the end of the payload.
    private static func skipACK(_ cursor: inout QUICByteCursor, ecn: Bool) -> Bool {
        guard cursor.readVarint() != nil, cursor.readVarint() != nil,
              var ranges = cursor.readVarint(), cursor.readVarint() != nil else { return false }
        while ranges > 0 {
            guard cursor.readVarint() != nil, cursor.readVarint() != nil else { return false }
            ranges -= 1
        }
        if ecn {
            // ECT(0), ECT(1) and ECN-CE counts.
            guard cursor.readVarint() != nil, cursor.readVarint() != nil, cursor.readVarint() != nil else { return false }
        }
        return true
    }
}
