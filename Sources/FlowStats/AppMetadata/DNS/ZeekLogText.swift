// How Zeek's ASCII log writer spells a string's bytes (LogAscii with its defaults:
// `enable_utf_8 = T`, separator TAB), so that names read from the wire come out as dns.log
// prints them. Facts from zeek/zeek src/Desc.cc (ODesc::AddBytes, FirstEscapeLoc),
// src/util.cc (escape_utf8, check_ok_utf8, get_escaped_string) and the btests
// scripts.base.frameworks.logging.ascii-escape*.

/// Zeek's ASCII-log spelling of raw bytes.
enum ZeekLogText {
    /// The text Zeek's ASCII log writes for `bytes`:
    /// - a backslash is written `\\`, a TAB (the separator) `\x09`; these split the string into
    ///   segments;
    /// - in a segment whose bytes are all printable ASCII (0x20–0x7E) or well-formed UTF-8
    ///   characters (not control characters, C1 controls, private use U+E000–U+F8FF or
    ///   U+FFF0–U+FFFF), the bytes are kept;
    /// - otherwise printable ASCII is kept and every other byte of the segment (also the bytes
    ///   of its well-formed UTF-8 characters) is written `\xHH`, lower-case hex.
    static func spell(_ bytes: some Collection<UInt8>) -> String {
        // Fast path: printable ASCII without a backslash is kept as it is.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var segment: [UInt8] = []
        for byte in bytes {
            if byte == 0x5C || byte == 0x09 {
                appendSegment(segment, to: &out)
                segment.removeAll(keepingCapacity: true)
                if byte == 0x5C { out.append(contentsOf: [0x5C, 0x5C]) } else { appendHex(byte, to: &out) }
            } else {
                segment.append(byte)
            }
        }
        appendSegment(segment, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendSegment(_ segment: [UInt8], to out: inout [UInt8]) {
        if segmentIsClean(segment) {
            out.append(contentsOf: segment)
            return
        }
        for byte in segment {
            if byte >= 0x20 && byte < 0x7F { out.append(byte) } else { appendHex(byte, to: &out) }
        }
    }

    /// Whether every byte is printable ASCII or part of an acceptable UTF-8 character.
    private static func segmentIsClean(_ s: [UInt8]) -> Bool {
        var i = 0
        while i < s.count {
            let lead = s[i]
            if lead >= 0x20 && lead < 0x7F { i += 1; continue }
            let size: Int
            switch lead {
            case 0xC0...0xDF: size = 2
            case 0xE0...0xEF: size = 3
            case 0xF0...0xF7: size = 4
            default: return false  // control, DEL, continuation byte, 5/6-byte leads
            }
            guard i + size <= s.count, let scalar = decodeStrict(s[i..<(i + size)]) else { return false }
            if scalar <= 0x1F || scalar == 0x7F || (0x80...0x9F).contains(scalar)
                || (0xE000...0xF8FF).contains(scalar) || (0xFFF0...0xFFFF).contains(scalar) {
                return false
            }
            i += size
        }
        return true
    }

    /// The scalar of one complete, shortest-form UTF-8 sequence (no surrogates, ≤ U+10FFFF).
    private static func decodeStrict(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        guard iterator.next() == nil, UTF8.width(scalar) == bytes.count else { return nil }
        return scalar.value
    }

    private static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, 0x78, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
