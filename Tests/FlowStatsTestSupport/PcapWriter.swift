// Classic libpcap savefiles.

/// Writes classic pcap files (the libpcap savefile format).
public enum PcapWriter {
    /// A complete classic pcap file.
    ///
    /// - Parameters:
    ///   - records: packets in file order; `interface` is ignored. Each record header holds
    ///     seconds, then microseconds (or nanoseconds when `nanosecond`), both rounded down,
    ///     then `data.count` as captured length and `wireLength` as original length. Data is
    ///     written as is, even beyond `snaplen`.
    ///   - linkTypeField: the 32-bit link-type field written verbatim (link type in the low 16
    ///     bits; FCS and reserved bits above it may be set on purpose).
    ///   - nanosecond: magic 0xA1B23C4D instead of 0xA1B2C3D4.
    ///   - bigEndian: write every header field big-endian (otherwise little-endian).
    public static func classic(_ records: [PcapRecord], linkTypeField: UInt32 = 1, nanosecond: Bool = false,
                               bigEndian: Bool = false, snaplen: UInt32 = 262144, versionMajor: UInt16 = 2,
                               versionMinor: UInt16 = 4) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24 + records.reduce(0) { $0 + 16 + $1.data.count })
        out.append(nanosecond ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4), bigEndian: bigEndian)
        out.append(versionMajor, bigEndian: bigEndian)
        out.append(versionMinor, bigEndian: bigEndian)
        out.append(Int32(0), bigEndian: bigEndian)   // thiszone
        out.append(UInt32(0), bigEndian: bigEndian)  // sigfigs
        out.append(snaplen, bigEndian: bigEndian)
        out.append(linkTypeField, bigEndian: bigEndian)
        for record in records {
            let (seconds, nanos) = splitNanoseconds(record.timestampNs)
            out.append(UInt32(truncatingIfNeeded: seconds), bigEndian: bigEndian)
            out.append(UInt32(nanosecond ? nanos : nanos / 1000), bigEndian: bigEndian)
            out.append(UInt32(truncatingIfNeeded: record.data.count), bigEndian: bigEndian)
            out.append(UInt32(truncatingIfNeeded: record.wireLength), bigEndian: bigEndian)
            out += record.data
        }
        return out
    }

    /// Whole seconds (rounded down) and the nanoseconds within that second (0..<1e9).
    static func splitNanoseconds(_ ns: Int64) -> (seconds: Int64, nanos: Int64) {
        var seconds = ns / 1_000_000_000
        var nanos = ns % 1_000_000_000
        if nanos < 0 {
            seconds -= 1
            nanos += 1_000_000_000
        }
        return (seconds, nanos)
    }
}
