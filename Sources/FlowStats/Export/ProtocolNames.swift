/// The Protocol column's text for every protocol number: the IANA keyword, or the number.
/// Built once from ``IPProtocol/keyword`` (a dictionary, too slow to ask on every row), as
/// two words per protocol so that a field is written with two stores.
struct ProtocolNames: Sendable {
    /// Per protocol, two words: the text's bytes (first character lowest; at most 15) and, in
    /// the top byte of the second word, the text's length.
    private let words: [UInt64]

    init() {
        var words = [UInt64](repeating: 0, count: 512)
        for number in 0...255 {
            let text = Array((IPProtocol(rawValue: UInt8(number)).keyword ?? String(number)).utf8)
            precondition(text.count <= 15, "protocol keywords are short")
            for (i, byte) in text.enumerated() {
                words[2 * number + i / 8] |= UInt64(byte) << (8 * (i % 8))
            }
            words[2 * number + 1] |= UInt64(text.count) << 56
        }
        self.words = words
    }

    /// The two words of `number`.
    @inline(__always)
    subscript(_ number: UInt8) -> (UInt64, UInt64) {
        let i = Int(number) &* 2
        return (words[i], words[i &+ 1])
    }
}

extension CSVBuffer {
    /// The Protocol field of protocol `number`: its keyword, or the number.
    @inline(__always)
    func protocolName(_ names: ProtocolNames, _ number: UInt8) {
        let (text, rest) = names[number]
        writeField(maxBytes: 16) { start in
            // 16 bytes stored: the text (at most 15) and its length byte, which lies past the
            // field's end and is overwritten by what follows.
            let raw = UnsafeMutableRawPointer(start)
            raw.storeBytes(of: text, as: UInt64.self)
            raw.storeBytes(of: rest, toByteOffset: 8, as: UInt64.self)
            return start + Int(truncatingIfNeeded: rest >> 56)
        }
    }
}
