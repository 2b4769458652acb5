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
