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

    /// Writes each flow as a row, in order.
    public func writeRows(_ flows: [FlowRecord], file: borrowing FileContext, to out: CSVBuffer) {
        let writer = rowWriter
        // By address: `for flow in flows` or `flows[i]` would copy each record.
        flows.withUnsafeBufferPointer { records in
            for i in records.indices {
                writer.write(records.baseAddress! + i, file: file, to: out)  // i < records.count: in bounds
                out.endRow()
            }
        }
    }

    /// The fields of a row, made once per schema from its column table.
    var rowWriter: RowWriter {
        switch self {
        case .basic: Self.basicRowWriter
        case .extended: Self.extendedRowWriter
        case .zeek: Self.zeekRowWriter
        }
    }

    private static let basicRowWriter = RowWriter(basicColumns)
    private static let extendedRowWriter = RowWriter(extendedColumns)
    private static let zeekRowWriter = RowWriter(zeekColumns)
}
