// Line splitting of a reassembled stream the way Zeek's ContentLine analyzer does it by
// default (zeek src/analyzer/protocol/tcp/ContentLine.cc, `CR_LF_as_EOL = CR_as_EOL |
// LF_as_EOL`): a line ends at CR LF, at a lone LF, or at a lone CR; an LF right after a lone
// CR that ended a line is swallowed. Also small byte helpers the text detectors share.

/// One line of a stream: bytes `start..<end` (without its terminator); the next line starts
/// at `next`.
struct TextLine {
    var start: Int
    var end: Int
    var next: Int
    /// The line ended at a CR that is the last byte given: whether an LF follows (and so
    /// where the next line starts) is not known yet.
    var endsAtTrailingCR: Bool

    var isEmpty: Bool { start == end }
}

extension UnsafeRawBufferPointer {
    /// The line that starts at `from`, or nil when no terminator is in the bytes before `limit`.
    /// Inlined: the HTTP head parsers call it once per line (-0.35 % instructions for zeek).
    @inline(__always)
    func textLine(from: Int, limit: Int? = nil) -> TextLine? {
        let stop = Swift.min(limit ?? count, count)
        var index = from
        // Eight bytes at a time up to the first CR or LF (``ByteWords``): the lowest flagged
        // byte is always a real match, so the loop below starts on it.
        if let base = baseAddress, index >= 0 {
            while index + 8 <= stop {
                let word = UInt64(littleEndian: (base + index).loadUnaligned(as: UInt64.self))
                let found = ByteWords.matches(word, 0x0A) | ByteWords.matches(word, 0x0D)
                if found != 0 {
                    index += found.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
        }
        while index < stop {
            let byte = self[index]
            if byte == 0x0A { return TextLine(start: from, end: index, next: index + 1, endsAtTrailingCR: false) }
            if byte == 0x0D {
                if index + 1 < count {
                    let next = self[index + 1] == 0x0A ? index + 2 : index + 1
                    return TextLine(start: from, end: index, next: next, endsAtTrailingCR: false)
                }
                return TextLine(start: from, end: index, next: index + 1, endsAtTrailingCR: true)
            }
            index += 1
        }
        return nil
    }

    /// Whether the bytes at `offset` start with `prefix`, ASCII letters compared ignoring case.
    func hasPrefix(_ prefix: StaticString, at offset: Int, ignoringCase: Bool = true, end: Int? = nil) -> Bool {
        let stop = Swift.min(end ?? count, count)
        let length = prefix.utf8CodeUnitCount
        guard offset >= 0, offset + length <= stop else { return false }
        let start = prefix.utf8Start
        for index in 0..<length {
            let a = self[offset + index], b = start[index]
            if a == b { continue }
            if ignoringCase, asciiLower(a) == asciiLower(b) { continue }
            return false
        }
        return true
    }

    /// Whether the bytes at `offset` are a prefix of `text` (all of them up to `end`), ignoring
    /// ASCII case: "the stream so far could still become `text`".
    func isPrefix(of text: StaticString, at offset: Int, end: Int? = nil) -> Bool {
        let stop = Swift.min(end ?? count, count)
        let length = Swift.min(text.utf8CodeUnitCount, stop - offset)
        guard length >= 0 else { return false }
        let start = text.utf8Start
        for index in 0..<length where asciiLower(self[offset + index]) != asciiLower(start[index]) { return false }
        return true
    }

    /// The first index in `from..<end` whose byte is not SP or TAB (Zeek `skip_whitespace`).
    func skipBlanks(from: Int, end: Int) -> Int {
        var index = from
        while index < end, self[index] == 0x20 || self[index] == 0x09 { index += 1 }
        return index
    }

    /// The first index in `from..<end` whose byte is not C `isspace` (SP, \t \n \v \f \r).
    func skipSpaces(from: Int, end: Int) -> Int {
        var index = from
        while index < end, isCSpace(self[index]) { index += 1 }
        return index
    }

    /// Bytes `range` as an array (for a value the caller keeps).
    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: self[range]))
    }
}

/// ASCII lower case of one byte.
@inline(__always) func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}

/// C `isspace` in the C locale.
@inline(__always) func isCSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}

/// C `isdigit`.
@inline(__always) func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
