/// Per-file facts that rows carry: where the flow came from and its labels.
public struct FileContext: Sendable {
    public let sourceFile: String
    public let appName: String
    public let appAction: String

    /// The same three as CSV fields, quoted and neutralised once per file.
    let sourceFileField: [UInt8]
    let appNameField: [UInt8]
    let appActionField: [UInt8]
    /// What the label columns read (``FileLabelFields``, Labels/LabelOptions.swift); empty
    /// without label options. A `Label` column calls ``writeLabel(_:to:)``.
    let labelFields: FileLabelFields

    public init(sourceFile: String, appName: String, appAction: String, labels: FileLabelFields = FileLabelFields()) {
        self.sourceFile = sourceFile
        self.appName = appName
        self.appAction = appAction
        sourceFileField = CSVBuffer.preparedUserText(sourceFile)
        appNameField = CSVBuffer.preparedUserText(appName)
        appActionField = CSVBuffer.preparedUserText(appAction)
        labelFields = labels
    }
}

/// One row being written: its core record and, for each enabled feature group, its state.
/// Built by ``Schema/writeRows(_:file:to:)`` for each row; the pointers are valid during the write.
/// Everything comes by address: passed as a value to a closure, a record (holding arrays)
/// would be copied for every field.
struct FlowRow {
    let record: UnsafePointer<FlowRecord>
    var sizeTimingState: UnsafePointer<SizeTiming>? = nil
    var tcpAnalyticsState: UnsafePointer<TCPAnalytics>? = nil
    var packetFieldsState: UnsafePointer<PacketFields>? = nil
    var appMetadataState: UnsafePointer<AppMetadata>? = nil
    var activeIdleState: UnsafePointer<ActiveIdle>? = nil
    var bulkSubflowState: UnsafePointer<BulkSubflow>? = nil
    var firstPacketsState: UnsafePointer<FirstPackets>? = nil
    var nfstreamState: UnsafePointer<NFStreamValues>? = nil

    var flow: FlowRecord {
        @inline(__always) unsafeAddress { record }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/sizeTiming``.
    var sizeTiming: SizeTiming {
        @inline(__always) unsafeAddress { sizeTimingState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/tcpAnalytics``.
    var tcpAnalytics: TCPAnalytics {
        @inline(__always) unsafeAddress { tcpAnalyticsState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/packetFields``.
    var packetFields: PacketFields {
        @inline(__always) unsafeAddress { packetFieldsState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/appMetadata``.
    var appMetadata: AppMetadata {
        @inline(__always) unsafeAddress { appMetadataState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/activeIdle``.
    var activeIdle: ActiveIdle {
        @inline(__always) unsafeAddress { activeIdleState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/bulkSubflow``.
    var bulkSubflow: BulkSubflow {
        @inline(__always) unsafeAddress { bulkSubflowState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/firstPackets``.
    var firstPackets: FirstPackets {
        @inline(__always) unsafeAddress { firstPacketsState! }
    }
    /// Present whenever a column of the schema requires ``FeatureSet/nfstream``.
    var nfstream: NFStreamValues {
        @inline(__always) unsafeAddress { nfstreamState! }
    }
}

/// One CSV column: its header name, its documentation, the feature groups it reads, and how
/// its value is written. The schema's column list defines both the header and every row, so
/// they cannot drift.
public struct Column: Sendable {
    public let name: String
    public let meaning: String
    /// The feature groups whose state the column reads (empty: the core record only).
    public let requires: FeatureSet
    /// An address, port, timestamp or id: left out by `--drop-identifiers`.
    public let isIdentifier: Bool
    /// Reads only the application group's services (``FeatureSet/appMetadata``'s `Service`
    /// and the zeek schema's `service`), none of its field values: see ``FeatureOptions/appValues``.
    let readsServicesOnly: Bool
    let write: Writer

    /// Writes the column's field of a row.
    typealias Writer = @Sendable (_ row: FlowRow, _ file: borrowing FileContext, _ out: RowBuffer) -> Void

    init(_ name: String, _ meaning: String, requires: FeatureSet = [], identifier: Bool = false,
         servicesOnly: Bool = false, _ write: @escaping Writer) {
        self.name = name
        self.meaning = meaning
        self.requires = requires
        self.isIdentifier = identifier
        self.readsServicesOnly = servicesOnly
        self.write = write
    }
}
