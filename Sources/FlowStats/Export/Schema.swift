/// The CSV layouts flowcsv writes.
public enum Schema: String, Sendable, CaseIterable {
    /// The dpkt coursework's columns with their bugs fixed, plus direction and lifecycle.
    case basic
    /// basic + IP and payload bytes, packet-size and inter-arrival statistics, TCP analytics.
    case extended
    /// Zeek's conn.log fields (use with `--preset zeek` to match Zeek).
    case zeek
    /// Every feature flowcsv has, under its own names (docs/features.md).
    case full
    /// CICFlowMeter master's 84 columns, names and order, with its bugs fixed.
    case cic
    /// The `cic` values under CIC-IDS2017's 85 header names.
    case cic2017
    /// The `cic` values under CSE-CIC-IDS2018's 84 header names.
    case cic2018
    /// NFStream 6.6's columns (`statistical_analysis=True, splt_analysis=N`; use with `--preset nfstream`).
    case nfstream

    /// The columns under default options.
    public var columns: [Column] { columns(ColumnOptions()) }

    /// The feature groups the default layout's columns read.
    public var requirements: FeatureSet { layout().requirements }

    /// The union of what `columns` require.
    static func requirements(of columns: [Column]) -> FeatureSet {
        columns.reduce(into: FeatureSet()) { $0.formUnion($1.requires) }
    }

    /// The columns and writer for these options (one layout per run).
    public func layout(_ options: ColumnOptions = ColumnOptions()) -> OutputLayout {
        OutputLayout(schema: self, options: options)
    }

    /// `full`'s first-packet columns when `--splt` is not given.
    static let fullFirstPackets = 10

    /// How many first packets the columns under `options` show (`--splt N`, else the schema's default).
    func firstPackets(_ options: ColumnOptions) -> Int {
        options.firstPackets ?? (self == .full ? Self.fullFirstPackets : 0)
    }

    /// The columns of this schema under `options`, before `dropIdentifiers` is applied.
    func columns(_ options: ColumnOptions) -> [Column] {
        switch self {
        case .basic: Self.basicColumns + app(options) + FirstPackets.fullColumns(count: options.firstPackets ?? 0)
        case .extended: Self.extendedColumns + app(options) + FirstPackets.fullColumns(count: options.firstPackets ?? 0)
        case .zeek: Self.zeekColumns
        case .full: Self.fullColumns + AppMetadata.columns
            + FirstPackets.fullColumns(count: options.firstPackets ?? Self.fullFirstPackets)
        case .cic: Self.cicColumns
        case .cic2017: Self.cicVariant(Self.cic2017Names)
        case .cic2018: Self.cicVariant(Self.cic2018Names)
        case .nfstream: Self.nfstreamColumns(splt: options.firstPackets ?? 0)
        }
    }

    /// The application-metadata columns when `--app-metadata` adds them (basic, extended).
    private func app(_ options: ColumnOptions) -> [Column] { options.appMetadata ? AppMetadata.columns : [] }

    /// Whether `--app-metadata` applies (the schemas that include the group already, or cannot take it, refuse it).
    public var takesAppMetadataOption: Bool { self == .basic || self == .extended }

    /// Writes the header line (default options).
    public func writeHeader(to out: inout CSVBuffer) { layout().writeHeader(to: &out) }

    /// Writes each flow as a row (default options); see ``OutputLayout/writeRows(_:file:to:)``.
    public func writeRows(_ flows: FinishedFlows, file: borrowing FileContext, to out: CSVBuffer) {
        layout().writeRows(flows, file: file, to: out)
    }
}

/// Choices that change a schema's columns.
public struct ColumnOptions: Sendable, Equatable {
    /// First-packet columns (`--splt N`); nil: the schema's default.
    public var firstPackets: Int?
    /// Leave out addresses, ports, timestamps and ids (`--drop-identifiers`): columns whose
    /// ``Column/isIdentifier`` is set.
    public var dropIdentifiers = false
    /// Add the application-metadata columns to basic or extended (`--app-metadata`; full has them).
    public var appMetadata = false

    public init() {}
}

/// A schema's columns under some ``ColumnOptions``, with their writer and the feature groups
/// they read: made once per run, used for the header and every row.
public struct OutputLayout: Sendable {
    public let schema: Schema
    public let columns: [Column]
    /// The feature groups the columns read: the flow table keeps exactly these.
    public let requirements: FeatureSet
    /// The first packets per flow the columns show (the first-packets group keeps this many).
    public let firstPackets: Int
    /// Whether a column reads the application group's field values, not only its services
    /// (``FeatureOptions/appValues``).
    public let appValues: Bool
    let writer: RowWriter

    init(schema: Schema, options: ColumnOptions) {
        var columns = schema.columns(options)
        if options.dropIdentifiers { columns.removeAll { $0.isIdentifier } }
        self.init(schema: schema, columns: columns, firstPackets: schema.firstPackets(options))
    }

    /// A layout of exactly `columns` (tests: columns no schema writes yet); `schema` is only a tag.
    init(schema: Schema, columns: [Column], firstPackets: Int = 0) {
        self.schema = schema
        self.columns = columns
        requirements = Schema.requirements(of: columns)
        self.firstPackets = firstPackets
        appValues = columns.contains { $0.requires.contains(.appMetadata) && !$0.readsServicesOnly }
        writer = RowWriter(columns)
    }

    /// Writes the header line.
    public func writeHeader(to out: inout CSVBuffer) {
        for column in columns { out.text(column.name) }
        out.endRow()
    }

    /// Writes each flow as a row, in order. `flows` must hold the states of every group the
    /// layout requires (a flow table made with ``requirements`` does).
    public func writeRows(_ flows: FinishedFlows, file: borrowing FileContext, to out: CSVBuffer) {
        precondition(flows.holds(requirements), "the flows lack a feature group the schema writes")
        let writer = writer
        let rowBytes = writer.rowBytes
        let fields = RowBuffer(out: out)
        out.rowReserve = rowBytes
        defer { out.rowReserve = 0 }
        flows.forEachRow { row in
            out.reserveRow(rowBytes)
            writer.write(row, file: file, to: fields)
            out.endRow()
        }
    }
}

