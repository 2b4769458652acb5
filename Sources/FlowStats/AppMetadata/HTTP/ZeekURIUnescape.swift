// Percent-decoding of a request URI exactly as Zeek's `unescape_URI` does it for http.log's
// `uri` (zeek src/analyzer/protocol/http/HTTP.cc):
// - `%HH` (two hex digits) → that byte;
// - `%%` → the first `%` is dropped and the second one is read again as an escape start;
// - `%uHHHH` → two bytes (the first left out when it is 00);
// - `%` at the very end → `%`; `%` and one last character → both kept;
// - `%` followed by anything else → kept with that character, not interpreted.

enum ZeekURIUnescape {
    /// The unescaped bytes of `uri`.
    static func unescape(_ uri: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(uri.count)
        let end = uri.count
        var index = 0
        while index < end {
            let byte = uri[index]
            guard byte == 0x25 else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1  // past '%'
            if index == end {
                out.append(0x25)
                break
            }
            if index + 1 == end {
                out.append(0x25)
                out.append(uri[index])
                break
            }
            let first = uri[index], second = uri[index + 1]
            if first == 0x25 {
                continue  // "%%": the second '%' starts the escape
            }
            if let high = hexValue(first), let low = hexValue(second) {
                out.append(high << 4 | low)
                index += 2
                continue
            }
            if end - index >= 5, first == 0x75,  // 'u'
               let a = hexValue(uri[index + 1]), let b = hexValue(uri[index + 2]),
               let c = hexValue(uri[index + 3]), let d = hexValue(uri[index + 4]) {
                if !(uri[index + 1] == 0x30 && uri[index + 2] == 0x30) { out.append(a << 4 | b) }
                out.append(c << 4 | d)
                index += 5
                continue
            }
            out.append(0x25)
            out.append(first)
            index += 1
        }
        return out
    }

    /// The value of one hex digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
