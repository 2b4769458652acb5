// Bytes → the text Zeek's ASCII log writer prints for a string field (default
// `LogAscii::enable_utf_8 = T`): zeek src/Desc.cc `ODesc::AddBytes` / `FirstEscapeLoc` and
// src/util.cc `escape_utf8`, `get_escaped_string`, `check_ok_utf8`.
//
// The rules, as those functions apply them:
// - the string is cut at each backslash and each TAB (the log separator); a backslash prints
//   `\\`, a TAB `\x09`;
// - each piece between them is printed as is when it is all printable ASCII and valid UTF-8
//   characters; a "bad" character is a control character (U+0000–U+001F, U+007F–U+009F), a
//   private-use one (U+E000–U+F8FF), U+FFF0–U+FFFF, or an invalid / overlong / surrogate
//   UTF-8 sequence;
// - if a piece holds any bad character, every byte of it that is not printable ASCII
//   (0x20–0x7E) is written `\xHH` (lower-case hex), the valid UTF-8 characters too.

enum ZeekLogText {
    /// Zeek's log text for `bytes`.
    static func escape(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pieceStart = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x5C || bytes[index] == 0x09 {
                appendPiece(UnsafeRawBufferPointer(rebasing: bytes[pieceStart..<index]), to: &out)
                if index < bytes.count {
                    if bytes[index] == 0x5C { out.append(0x5C); out.append(0x5C) } else { appendHex(0x09, to: &out) }
                }
                pieceStart = index + 1
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Zeek's log text for a byte array.
    static func escape(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { escape($0) }
    }

    private static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(0x5C); out.append(0x78)
        out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)])
    }

    /// One piece without backslash or TAB: raw when it is clean, else escaped byte by byte.
    private static func appendPiece(_ piece: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var clean = true
        var index = 0
        while index < piece.count {
            let byte = piece[index]
            if byte >= 0x20 && byte < 0x7F { index += 1; continue }
            guard let length = goodCharacterLength(piece, at: index) else { clean = false; break }
            index += length
        }
        if clean {
            out.append(contentsOf: piece)
            return
        }
        for byte in piece {
            if byte >= 0x20 && byte < 0x7F { out.append(byte) } else { appendHex(byte, to: &out) }
        }
    }

    /// The length of the valid, not-bad UTF-8 character at `index`, or nil.
    private static func goodCharacterLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let first = bytes[index]
        let length: Int
        var scalar: UInt32
        switch first {
        case 0xC2...0xDF: length = 2; scalar = UInt32(first & 0x1F)
        case 0xE0...0xEF: length = 3; scalar = UInt32(first & 0x0F)
        case 0xF0...0xF4: length = 4; scalar = UInt32(first & 0x07)
        default: return nil  // control characters, continuation bytes, C0/C1, F5–FF
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return nil }
        if (0x80...0x9F).contains(scalar) || (0xE000...0xF8FF).contains(scalar) || (0xFFF0...0xFFFF).contains(scalar) {
            return nil
        }
        return length
    }
}
