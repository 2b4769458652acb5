import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--labels FILE.csv`: a table from file names (or globs) to labels.
///
/// The first line is the header. One column must be named `File`: a file name or an
/// `fnmatch(3)` glob (`*`, `?`, `[...]`), matched against the capture's file name, or against
/// its path relative to the input folder when the pattern contains `/`. The other columns are
/// labels: `AppName`, `AppAction`, or a column of its own. The first row that matches wins.
/// Fields follow RFC 4180 (quotes for commas, quotes and line breaks); blank lines are skipped.
public struct LabelTable: Sendable {
    public struct Row: Sendable {
        /// The line the row starts on (for --explain-labels).
        public let line: Int
        public let pattern: String
        /// Values in ``LabelTable/columns`` order.
        public let values: [String]
        let matchesPath: Bool
    }

    public let path: String
    /// The label columns, in header order (the `File` column left out).
    public let columns: [String]
    public let rows: [Row]

    public init(contentsOf path: String) throws(LabelOptionError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelOptionError("\(path): cannot read the --labels file")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    init(text: String, path: String) throws(LabelOptionError) {
        self.path = path
        let records = try CSVRecords.parse(text, path: path)
        guard let header = records.first else {
            throw LabelOptionError(file: path, line: 1, "the --labels file is empty; it needs a header line naming a File column")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let fileColumn = names.firstIndex(of: "File") else {
            throw LabelOptionError(file: path, line: header.line, "the header has no File column (the file name or glob of each row)")
        }
        var seen = Set<String>()
        for name in names {
            if name.isEmpty { throw LabelOptionError(file: path, line: header.line, "the header has an empty column name") }
            if !seen.insert(name).inserted { throw LabelOptionError(file: path, line: header.line, "the header names '\(name)' twice") }
        }
        columns = names.enumerated().filter { $0.offset != fileColumn }.map(\.element)
        var rows: [Row] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw LabelOptionError(file: path, line: record.line, "\(record.fields.count) fields, the header has \(names.count)")
            }
            let pattern = record.fields[fileColumn]
            guard !pattern.isEmpty else { throw LabelOptionError(file: path, line: record.line, "empty File pattern") }
            let values = record.fields.enumerated().filter { $0.offset != fileColumn }.map(\.element)
            rows.append(Row(line: record.line, pattern: pattern, values: values, matchesPath: pattern.contains("/")))
        }
        self.rows = rows
    }

    /// The first row matching a capture, by its name and its path relative to the input folder.
    public func row(name: String, relativePath: String) -> Row? {
        rows.first { row in
            fnmatch(row.pattern, row.matchesPath ? relativePath : name, row.matchesPath ? FNM_PATHNAME : 0) == 0
        }
    }
}

/// RFC 4180 records with the line each starts on. Blank lines are skipped; a quote left open
/// is an error.
enum CSVRecords {
    struct Record { var line: Int; var fields: [String] }

    static func parse(_ text: String, path: String) throws(LabelOptionError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedField = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(String(field))
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []; field = .init(); quotedField = false
        }
        while let c = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = scalars.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true; quotedField = true
            case ",": fields.append(String(field)); field = .init()
            case "\r": break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default: field.append(c)
            }
        }
        if inQuotes { throw LabelOptionError(file: path, line: recordLine, "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
