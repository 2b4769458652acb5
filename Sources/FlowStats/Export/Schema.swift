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

    /// The feature groups the columns read: the flow table keeps exactly these.
    public var requirements: FeatureSet {
        switch self {
        case .basic: Self.basicRequirements
        case .extended: Self.extendedRequirements
        case .zeek: Self.zeekRequirements
        }
    }

    /// The union of what `columns` require.
    static func requirements(of columns: [Column]) -> FeatureSet {
        columns.reduce(into: FeatureSet()) { $0.formUnion($1.requires) }
    }

    private static let basicRequirements = requirements(of: basicColumns)
    private static let extendedRequirements = requirements(of: extendedColumns)
    private static let zeekRequirements = requirements(of: zeekColumns)

    /// Writes the header line.
    public func writeHeader(to out: inout CSVBuffer) {
        for column in columns { out.text(column.name) }
        out.endRow()
    }

    /// Writes each flow as a row, in order. `flows` must hold the states of every group the
    /// schema requires (a flow table made with ``requirements`` does).
    public func writeRows(_ flows: FinishedFlows, file: borrowing FileContext, to out: CSVBuffer) {
        let needs = requirements
        precondition(!needs.contains(.sizeTiming) || flows.sizeTiming.count == flows.count,
                     "the flows lack the size/timing statistics the schema writes")
        precondition(!needs.contains(.tcpAnalytics) || flows.tcpAnalytics.count == flows.count,
                     "the flows lack the TCP analytics the schema writes")
        let writer = rowWriter
        // By address: `for flow in flows` or `flows[i]` would copy each record.
        flows.records.withUnsafeBufferPointer { records in
            flows.sizeTiming.withUnsafeBufferPointer { sizeTiming in
                flows.tcpAnalytics.withUnsafeBufferPointer { tcp in
                    let hasSizeTiming = sizeTiming.count == records.count
                    let hasTCP = tcp.count == records.count
                    for i in records.indices {
                        // i < records.count, and each group's array is as long when present: in bounds.
                        let row = FlowRow(record: records.baseAddress! + i,
                                          sizeTimingState: hasSizeTiming ? sizeTiming.baseAddress! + i : nil,
                                          tcpAnalyticsState: hasTCP ? tcp.baseAddress! + i : nil)
                        writer.write(row, file: file, to: out)
                        out.endRow()
                    }
                }
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
