/// The Protocol column's text for every protocol number: the IANA keyword, or the number.
/// Built once from ``IPProtocol/keyword`` (a dictionary, too slow to ask on every row), as
/// two words per protocol so that a field is written with two stores.
struct ProtocolNames: Sendable {
    /// Per protocol, two words (16 bytes in memory order): the text's bytes (at most 15), and
    /// in the last byte the text's length. Stored and loaded as little-endian words.
    private let words: [UInt64]

    init() {
        var words = [UInt64](repeating: 0, count: 512)
        words.withUnsafeMutableBytes { raw in
            for number in 0...255 {
                // The 16 bytes of `number`: the text from the first, the length in the last.
                let start = (raw.baseAddress! + 16 * number).assumingMemoryBound(to: UInt8.self)
                var length: Int
                if let keyword = IPProtocol(rawValue: UInt8(number)).keyword {
                    let text = Array(keyword.utf8)
                    precondition(text.count <= 15, "protocol keywords are short")
                    for (i, byte) in text.enumerated() { start[i] = byte }
                    length = text.count
                } else {
                    length = ASCIIDigits.write(UInt64(number), at: start) - start  // at most 3 digits
                }
                start[15] = UInt8(length)
            }
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
