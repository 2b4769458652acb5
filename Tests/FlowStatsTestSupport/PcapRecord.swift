// One captured packet as the writers take it.

/// One captured packet: when it was seen, the bytes kept, its length on the wire, and for
/// pcapng the interface it was captured on.
public struct PcapRecord: Sendable, Equatable {
    /// Nanoseconds since the Unix epoch. Writers convert to the file's resolution, rounding down.
    public var timestampNs: Int64
    /// The captured bytes (becomes the record's captured length).
    public var data: [UInt8]
    /// The original length on the wire; may exceed `data.count` to model a snaplen cut.
    public var wireLength: Int
    /// pcapng interface index within the section; ignored by the classic writer.
    public var interface: Int

    /// A record at `timestampNs` nanoseconds since the epoch; `wireLength` defaults to `data.count`.
    public init(_ timestampNs: Int64, _ data: [UInt8], wireLength: Int? = nil, interface: Int = 0) {
        self.timestampNs = timestampNs
        self.data = data
        self.wireLength = wireLength ?? data.count
        self.interface = interface
    }

    /// A record at `seconds` since the epoch, converted to nanoseconds rounded to the nearest.
    /// The conversion goes through the shortest decimal form of the `Double` (what Swift
    /// prints), so `1700000000.123456` is exactly 1700000000123456000 ns even though the
    /// nearest `Double` is not.
    public init(seconds: Double, _ data: [UInt8], wireLength: Int? = nil, interface: Int = 0) {
        self.init(PcapRecord.nanoseconds(fromSeconds: seconds), data, wireLength: wireLength, interface: interface)
    }

    /// `seconds` as whole nanoseconds, rounded half away from zero, read from the shortest
    /// round-tripping decimal representation of the value.
    public static func nanoseconds(fromSeconds seconds: Double) -> Int64 {
        precondition(seconds.isFinite, "timestamp must be finite")
        var text = Substring(seconds.magnitude.description)  // e.g. "1700000000.5", "1e-05"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(String(text[text.index(after: e)...].filter { $0 != "+" })) else {
                preconditionFailure("unexpected Double description \(seconds)")
            }
            exponent = value
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = parts[0]
        let fractionDigits = parts.count > 1 ? parts[1] : ""
        let digits = (integerDigits + fractionDigits).map { Int64($0.wholeNumberValue ?? 0) }
        // Digits before this index form the whole nanoseconds.
        let point = integerDigits.count + exponent + 9
        var ns: Int64 = 0
        if point > 0 {
            for index in 0..<point {
                ns = ns * 10 + (index < digits.count ? digits[index] : 0)
            }
        }
        if point >= 0, point < digits.count, digits[point] >= 5 {
            ns += 1
        }
        return seconds < 0 ? -ns : ns
    }
}
