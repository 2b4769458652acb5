// The long header of one QUIC packet inside a UDP datagram (RFC 9000 §17.2, invariants in
// RFC 8999 §5.1): first byte (form bit 0x80, fixed bit 0x40, type in bits 4–5), version,
// Destination and Source Connection IDs (length byte ≤ 20 each, kept as ranges), then, for
// the packet types that have them, the Initial token (varint length) and the Length varint
// that covers the packet number and the protected payload. Every field is checked against the bytes present.

/// The parsed, still protected, long header of one packet.
struct QUICLongHeader {
    /// Where the packet starts in the datagram.
    let start: Int
    /// The first byte as sent (its low bits are still header-protected).
    let firstByte: UInt8
    let version: UInt32
    /// The Destination Connection ID's bytes, as a range of the datagram.
    let destinationID: Range<Int>
    /// The Source Connection ID's bytes, as a range of the datagram.
    let sourceID: Range<Int>
    /// The long-header type bits (bits 4–5 of the first byte), version-specific meaning.
    var type: UInt8 { (firstByte >> 4) & 0x03 }
    /// Where the (protected) packet number starts; equal to `end` for packets that have none.
    let packetNumberOffset: Int
    /// Where the packet ends (its Length field's end, or the end of the datagram).
    let end: Int
}

/// What the bytes at one offset of a datagram are.
enum QUICLongHeaderParse {
    /// A long-header packet of a version with known layout, with its bounds.
    case packet(QUICLongHeader)
    /// A long header of a version whose layout past the invariants is unknown (or version
    /// negotiation): it runs to the end of the datagram.
    case unknownVersion(UInt32)
    /// Not a long header (form bit clear), or the fixed bit is clear, or a length field runs
    /// past the bytes present, or a connection ID is longer than 20 bytes.
    case invalid
}

extension QUICLongHeader {
    /// The maximum connection ID length in QUIC v1 and later (RFC 9000 §17.2).
    static let maxConnectionIDLength = 20

    /// Parses the packet that starts at `start` of `datagram`.
    static func parse(_ datagram: UnsafeRawBufferPointer, at start: Int) -> QUICLongHeaderParse {
        var cursor = QUICByteCursor(datagram, offset: start)
        guard let first = cursor.readByte(), first & 0xC0 == 0xC0,
              let rawVersion = cursor.readBigEndian(4) else { return .invalid }
        let version = UInt32(truncatingIfNeeded: rawVersion)
        guard let dcidLength = cursor.readByte(), Int(dcidLength) <= maxConnectionIDLength,
              cursor.skip(UInt64(dcidLength)),
              let scidLength = cursor.readByte(), Int(scidLength) <= maxConnectionIDLength,
              cursor.skip(UInt64(scidLength)) else { return .invalid }
        let destinationID = (start + 6)..<(start + 6 + Int(dcidLength))
        let sourceID = (destinationID.upperBound + 1)..<(destinationID.upperBound + 1 + Int(scidLength))
        guard let parameters = QUICVersionParameters.forVersion(version) else { return .unknownVersion(version) }
        let type = (first >> 4) & 0x03
        if type == parameters.retryType {
            // Retry: token and integrity tag run to the end of the datagram (RFC 9000 §17.2.5).
            return .packet(QUICLongHeader(start: start, firstByte: first, version: version, destinationID: destinationID,
                                          sourceID: sourceID, packetNumberOffset: datagram.count, end: datagram.count))
        }
        if type == parameters.initialType {
            guard let tokenLength = cursor.readVarint(), cursor.skip(tokenLength) else { return .invalid }
        }
        guard let length = cursor.readVarint(), length <= UInt64(cursor.remaining) else { return .invalid }
        let packetNumberOffset = cursor.offset
        return .packet(QUICLongHeader(start: start, firstByte: first, version: version, destinationID: destinationID,
                                      sourceID: sourceID, packetNumberOffset: packetNumberOffset, end: packetNumberOffset + Int(length)))
    }
}
