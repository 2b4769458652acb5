// How TLS byte strings (the SNI host name) become text: Zeek's ASCII log escaping, from
// zeek/zeek src/util.cc `get_escaped_string` as used by `ODesc::AddBytes` for ssl.log —
// printable ASCII (0x20–0x7E) is kept, a backslash becomes `\\`, any other byte `\xhh`
// (two lower-case hex digits).

enum TLSText {
    /// `bytes` written as Zeek's ssl.log writes a string field (see the file header). Zeek's
    /// writer additionally escapes a whole value equal to `-` or `(empty)`; that is a log
    /// writer's concern and not done here.
    static func zeekEscaped<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            if byte == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "\\"))
            } else if byte >= 0x20 && byte <= 0x7E {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
