// Reading one tag's value from a Google QUIC Crypto handshake message (the CHLO that Q050
// carries in its Initial CRYPTO frames): tag "CHLO" (4 bytes), tag count (uint16 LE), 2 bytes
// of padding, then per tag its 4-byte name and the uint32 LE end offset of its value, then
// the values back to back (Wireshark packet-gquic.c, `dissect_gquic_tag`; the QUIC Crypto
// design document). The SNI tag is "SNI\0", the user agent "UAID".

enum GoogleCHLO {
    /// The value of `tag` (4 ASCII characters, e.g. "SNI\0") in `message`, or nil when the
    /// message is not a CHLO, lacks the tag, or an offset runs outside the message.
    static func value(of tag: String, in message: [UInt8]) -> ArraySlice<UInt8>? {
        let name = Array(tag.utf8)
        guard name.count == 4, message.count >= 8, message.starts(with: [0x43, 0x48, 0x4C, 0x4F]) else { return nil }
        let count = Int(message[4]) | Int(message[5]) << 8
        let valuesStart = 8 + 8 * count
        guard valuesStart <= message.count else { return nil }
        var previousEnd = 0
        for index in 0..<count {
            let entry = 8 + 8 * index
            let end = Int(message[entry + 4]) | Int(message[entry + 5]) << 8 | Int(message[entry + 6]) << 16
                | Int(message[entry + 7]) << 24
            guard end >= previousEnd, end <= message.count - valuesStart else { return nil }
            if message[entry..<(entry + 4)].elementsEqual(name) {
                return message[(valuesStart + previousEnd)..<(valuesStart + end)]
            }
            previousEnd = end
        }
        return nil
    }
}

/// Google QUIC before Q050 (Q035…Q046) sends its client hello unencrypted: after the public
/// header (Q043 and earlier: flags with the version (0x01) and 8-byte connection-id (0x08)
/// bits, the connection id, the version; Q046: the IETF-style long header, version at byte 1)
/// come a 12-byte message hash and a STREAM frame of stream 1 whose data is the CHLO
/// (Wireshark packet-gquic.c). Rather than walking those frames, the datagram is searched for
/// the CHLO tag after the version: ``GoogleCHLO/value(of:in:)`` then checks every offset
/// against the bytes present.
enum GooglePlainCHLO {
    /// The CHLO message (from its tag to the datagram's end) of a client datagram of Google
    /// QUIC Q0nn with nn < 50, or nil.
    static func message(in datagram: UnsafeRawBufferPointer) -> [UInt8]? {
        guard datagram.count >= 16 else { return nil }
        let flags = datagram[0]
        let versionAt: Int
        if flags & 0x80 != 0 {
            versionAt = 1  // Q046's long header
        } else {
            guard flags & 0x09 == 0x09 else { return nil }  // version and 8-byte connection id present
            versionAt = 9
        }
        guard versionAt + 4 <= datagram.count, datagram[versionAt] == UInt8(ascii: "Q") else { return nil }
        var number = 0
        for i in 1...3 {
            let c = datagram[versionAt + i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(c - UInt8(ascii: "0"))
        }
        guard number < 50 else { return nil }  // Q050 on: encrypted Initials (QUICClientHelloCollector)
        let tag: [UInt8] = [0x43, 0x48, 0x4C, 0x4F]  // "CHLO"
        var i = versionAt + 4
        while i + 8 <= datagram.count {
            if datagram[i] == tag[0] && datagram[i + 1] == tag[1] && datagram[i + 2] == tag[2] && datagram[i + 3] == tag[3] {
                return Array(datagram[i...])
            }
            i += 1
        }
        return nil
    }
}
