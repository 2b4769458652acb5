// Textual IPv4/IPv6 address parsing, written by hand so it needs no C library.

extension Build {
    /// The bytes of a textual address: 4 for dotted-quad IPv4 (`"10.0.0.1"`), 16 for IPv6
    /// (`"2001:db8::1"`, `"::"`, `"::ffff:192.0.2.1"`; a `%zone` suffix is ignored).
    /// A string containing `:` is IPv6, otherwise IPv4. Traps on malformed input.
    public static func address(_ text: String) -> [UInt8] {
        if text.contains(":") {
            guard let bytes = parseIPv6(text) else { preconditionFailure("malformed IPv6 address: \(text)") }
            return bytes
        }
        guard let bytes = parseIPv4(text) else { preconditionFailure("malformed IPv4 address: \(text)") }
        return bytes
    }

    /// True when `text` is an IPv6 address by the rule of ``address(_:)``.
    static func isIPv6(_ text: String) -> Bool {
        text.contains(":")
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        parseIPv4(Substring(text))
    }

    static func parseIPv6(_ full: String) -> [UInt8]? {
        var text = Substring(full)
        if let percent = text.firstIndex(of: "%") {
            text = text[..<percent]
        }
        // Split at the one allowed "::".
        var head: Substring = text
        var tail: Substring? = nil
        if let range = text.range(of: "::") {
            head = text[..<range.lowerBound]
            tail = text[range.upperBound...]
            if tail!.contains("::") { return nil }
        }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if field.contains(".") {
                    guard allowIPv4Tail, index == fields.count - 1, let v4 = parseIPv4(field) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard !field.isEmpty, field.count <= 4, let value = UInt16(field, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        var words: [UInt16]
        if let tail {
            guard let h = groups(head, allowIPv4Tail: false), let t = groups(tail, allowIPv4Tail: true),
                  h.count + t.count <= 7 else { return nil }
            words = h + [UInt16](repeating: 0, count: 8 - h.count - t.count) + t
        } else {
            guard let all = groups(head, allowIPv4Tail: true), all.count == 8 else { return nil }
            words = all
        }
        var out: [UInt8] = []
        for word in words {
            out.appendBE(word)
        }
        return out
    }
}
