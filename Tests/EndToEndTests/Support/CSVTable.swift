// A strict RFC 4180 reader for checking flowcsv's output.

import Testing

/// The basic schema's header as documented in README.md ("Output columns").
let documentedBasicHeader =
    "StartTime,DurationTime,ClientIP,ClientPort,ServerIP,ServerPort,AppName,AppAction,FlowPackets,FlowBytes,"
    + "PacketsBytesAvg,Protocol,FwdPackets,FwdBytes,BwdPackets,BwdBytes,EndReason,SourceFile,"
    + "ConnState,History,TunnelParent"

/// The columns the basic schema gained after its first 18 (Zeek's state and the tunnel link);
/// their values never contain a comma or a quote.
let laterBasicColumns = 3

/// One CSV row, addressed by column name.
struct CSVRow: Sendable, CustomStringConvertible {
    let fields: [String]
    let columns: [String: Int]

    /// The field of column `name`; traps (test bug) for an unknown column.
    subscript(_ name: String) -> String {
        guard let index = columns[name] else { preconditionFailure("no column \(name)") }
        return index < fields.count ? fields[index] : "<missing>"
    }

    func int(_ name: String) -> Int? { Int(self[name]) }

    var description: String { fields.joined(separator: ",") }
}

/// A CSV text: its header, its rows, and its physical lines.
struct CSVTable: Sendable {
    let header: [String]
    let rows: [CSVRow]
    /// The text split at newlines (the fixtures never put a newline inside a field).
    let lines: [String]
    let text: String

    /// Parses `bytes`; nil when the text is not well-formed RFC 4180 (an unterminated or
    /// misplaced quote, a row with the wrong number of fields, a missing final newline).
    init?(bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let records = CSVTable.parse(text), let first = records.first else { return nil }
        var columns: [String: Int] = [:]
        for (index, name) in first.enumerated() { columns[name] = index }
        guard records.allSatisfy({ $0.count == first.count }) else { return nil }
        self.header = first
        self.rows = records.dropFirst().map { CSVRow(fields: $0, columns: columns) }
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    init?(text: String) { self.init(bytes: Array(text.utf8)) }

    /// The lines cut to the basic schema's first 18 columns (the hand-worked rows of these
    /// tests); the later columns are checked by name where they matter.
    var coreLines: [String] {
        lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(laterBasicColumns).joined(separator: ",") }
    }

    /// Rows whose SourceFile is `file`.
    func rows(from file: String) -> [CSVRow] { rows.filter { $0["SourceFile"] == file } }

    /// SourceFile values in row order, consecutive repeats collapsed.
    var fileOrder: [String] {
        var order: [String] = []
        for row in rows where order.last != row["SourceFile"] { order.append(row["SourceFile"]) }
        return order
    }

    /// Sum of an integer column over `rows`.
    static func sum(_ rows: [CSVRow], _ column: String) -> Int {
        rows.reduce(0) { $0 + (Int($1[column]) ?? 0) }
    }

    private static func parse(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var atFieldStart = true
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"":
                    guard atFieldStart else { return nil }  // a quote inside an unquoted field
                    inQuotes = true
                    fieldWasQuoted = true
                    atFieldStart = false
                case ",":
                    record.append(field)
                    field = ""
                    fieldWasQuoted = false
                    atFieldStart = true
                case "\n":
                    record.append(field)
                    records.append(record)
                    record = []
                    field = ""
                    fieldWasQuoted = false
                    atFieldStart = true
                case "\r":
                    return nil  // flowcsv ends rows with \n only
                default:
                    guard !fieldWasQuoted else { return nil }  // text after a closing quote
                    field.unicodeScalars.append(c)
                    atFieldStart = false
                }
            }
            i += 1
        }
        // Every row, the last one included, ends with a newline.
        guard !inQuotes, record.isEmpty, field.isEmpty, atFieldStart else { return nil }
        return records
    }
}

/// The CSV file at `path`, which must exist and be well-formed.
func readCSV(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CSVTable {
    let bytes = try #require(contents(of: path), "\(path) does not exist", sourceLocation: sourceLocation)
    return try #require(CSVTable(bytes: bytes), "\(path) is not well-formed CSV", sourceLocation: sourceLocation)
}
