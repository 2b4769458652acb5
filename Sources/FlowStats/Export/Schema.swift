/// The CSV layouts flowcsv writes.
public enum Schema: String, Sendable, CaseIterable {
    /// The dpkt coursework's columns with their bugs fixed, plus direction and lifecycle.
    case basic
    /// basic + IP and payload bytes, packet-size and inter-arrival statistics, TCP analytics.
    case extended
    /// Zeek's conn.log fields (use with `--preset zeek` to match Zeek).
    case zeek

    public var columns: [Column] {
        switch self {
        case .basic: Self.basicColumns
        case .extended: Self.extendedColumns
        case .zeek: Self.zeekColumns
        }
    }

    /// Whether rows use the per-direction statistics and TCP analytics (so they must be kept).
    public var usesDetailedStatistics: Bool { self == .extended }

    /// Writes the header line.
    public func writeHeader(to out: inout CSVBuffer) {
        for column in columns { out.text(column.name) }
        out.endRow()
    }

    /// Writes one flow as a row.
    public func writeRow(_ flow: FlowRecord, file: FileContext, to out: inout CSVBuffer) {
        for column in columns { column.write(flow, file, &out) }
        out.endRow()
    }
}
