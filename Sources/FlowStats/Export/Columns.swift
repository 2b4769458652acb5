/// Per-file facts that rows carry: where the flow came from and its labels.
public struct FileContext: Sendable {
    public let sourceFile: String
    public let appName: String
    public let appAction: String

    /// The same three as CSV fields, quoted and neutralised once per file.
    let sourceFileField: [UInt8]
    let appNameField: [UInt8]
    let appActionField: [UInt8]

    public init(sourceFile: String, appName: String, appAction: String) {
        self.sourceFile = sourceFile
        self.appName = appName
        self.appAction = appAction
        sourceFileField = CSVBuffer.preparedUserText(sourceFile)
        appNameField = CSVBuffer.preparedUserText(appName)
        appActionField = CSVBuffer.preparedUserText(appAction)
    }
}

/// One CSV column: its header name, its documentation, and how its value is written.
/// The schema's column list defines both the header and every row, so they cannot drift.
public struct Column: Sendable {
    public let name: String
    public let meaning: String
    let write: Writer

    /// Writes the column's field of `flow`. The flow comes by address: passed as a value to
    /// a closure, the record (about 1.5 KB, holding arrays) would be copied for every row.
    typealias Writer = @Sendable (_ flow: UnsafePointer<FlowRecord>, _ file: borrowing FileContext, _ out: CSVBuffer) -> Void

    init(_ name: String, _ meaning: String, _ write: @escaping Writer) {
        self.name = name
        self.meaning = meaning
        self.write = write
    }
}
