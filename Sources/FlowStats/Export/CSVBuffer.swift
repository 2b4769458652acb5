/// A growing byte buffer that formats CSV fields without `String(format:)` and without
/// per-field allocation. Fields are separated automatically within a row.
public struct CSVBuffer: Sendable {
    public var bytes: [UInt8] = []
    private var atRowStart = true

    public init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    private mutating func separate() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        atRowStart = true
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        atRowStart = true
    }

    /// A field from the program's own vocabulary (column names, protocol keywords, addresses):
    /// quoted only when RFC 4180 requires it.
    public mutating func text(_ s: String) {
        separate()
        appendQuoted(s)
    }

    /// A field that comes from a file name or other user data. Besides RFC 4180 quoting, a
    /// value that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`,
    /// tab or carriage return) is prefixed with `'`, the usual neutralisation (OWASP).
    public mutating func userText(_ s: String) {
        separate()
        if let first = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                                      UInt8(ascii: "@"), 0x09, 0x0D].contains(first) {
            appendQuoted("'" + s)
        } else {
            appendQuoted(s)
        }
    }

    private mutating func appendQuoted(_ s: String) {
        let needsQuotes = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes {
            bytes.append(contentsOf: s.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { bytes.append(c) }
            bytes.append(c)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Text known to need no quoting (protocol keywords, states, letters): copied as is.
    public mutating func plain(_ s: StaticString) {
        separate()
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text known to need no quoting, e.g. Zeek history letters.
    public mutating func plain(_ s: String) {
        separate()
        bytes.append(contentsOf: s.utf8)
    }

    /// An address: IPv4 dotted quad written digit by digit, IPv6 as RFC 5952 text.
    public mutating func address(_ a: IPAddress) {
        separate()
        if a.isIPv4 {
            let v = UInt32(truncatingIfNeeded: a.low)
            appendUInt(UInt64(v >> 24))
            bytes.append(UInt8(ascii: "."))
            appendUInt(UInt64((v >> 16) & 0xFF))
            bytes.append(UInt8(ascii: "."))
            appendUInt(UInt64((v >> 8) & 0xFF))
            bytes.append(UInt8(ascii: "."))
            appendUInt(UInt64(v & 0xFF))
        } else {
            bytes.append(contentsOf: a.description.utf8)
        }
    }

    public mutating func int(_ value: Int) {
        separate()
        appendInt(value)
    }

    /// A time or duration given in nanoseconds, written in seconds with 6 decimals, or 9
    /// when the value has sub-microsecond digits: exact, never rounded.
    public mutating func seconds(_ ns: Int64) {
        separate()
        var magnitude = ns.magnitude
        if ns < 0 { bytes.append(UInt8(ascii: "-")) }
        let whole = magnitude / 1_000_000_000
        magnitude %= 1_000_000_000
        appendUInt(whole)
        bytes.append(UInt8(ascii: "."))
        if magnitude % 1000 == 0 {
            appendUInt(magnitude / 1000, width: 6)
        } else {
            appendUInt(magnitude, width: 9)
        }
    }

    /// A ratio written as the shortest decimal that reads back as the same Double.
    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite {
            bytes.append(contentsOf: value.description.utf8)
        } else {
            bytes.append(UInt8(ascii: "0"))  // never NaN/Infinity in the CSV
        }
    }

    /// An empty field.
    public mutating func empty() {
        separate()
    }

    @inline(__always)
    private mutating func appendInt(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendUInt(UInt64(value.magnitude))
    }

    private mutating func appendUInt(_ value: UInt64, width: Int = 0) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch space
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            while scratch.count - i < width {
                i -= 1
                scratch[i] = UInt8(ascii: "0")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }
}
