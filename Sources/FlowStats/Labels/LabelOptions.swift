/// Every label option of a run, and how they combine (docs/labels.md):
/// - per file, each column takes its value from the first of: `--label NAME=VALUE`, the first
///   matching `--labels` row, `--label-regex`, `--label-template` (AppName/AppAction only);
/// - `--label-rules` fills its own column per flow;
/// - columns other than AppName and AppAction follow the schema's columns, in the order:
///   regex groups, table columns, constants, the rules column.
public struct LabelOptions: Sendable {
    /// Whether `--label-template` (``ProcessingOptions/labelTemplate``) is used: always unless
    /// `--label-regex` or `--labels` is given without an explicit template.
    public var useTemplate = true
    public var regex: LabelRegex?
    public var table: LabelTable?
    /// `--label NAME=VALUE`, in command-line order.
    public var constants: [(name: String, value: String)] = []
    public var rules: LabelRules?

    public init() {}

    /// The columns added after the schema's, in order.
    public var extraColumns: [String] {
        var names: [String] = []
        func add(_ name: String) {
            if name != LabelColumnNames.appName && name != LabelColumnNames.appAction && !names.contains(name) { names.append(name) }
        }
        regex?.groupNames.forEach(add)
        table?.columns.forEach(add)
        constants.forEach { add($0.name) }
        if let rules { add(rules.column) }
        return names
    }

    /// Parses `NAME=VALUE`.
    public static func constant(_ text: String) throws(LabelOptionError) -> (name: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw LabelOptionError("--label '\(text)' is not NAME=VALUE")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// Checks that the label columns neither repeat nor shadow a column of the schema.
    public func validate(schemaColumns: [String]) throws(LabelOptionError) {
        var constantNames = Set<String>()
        for c in constants where !constantNames.insert(c.name).inserted {
            throw LabelOptionError("--label \(c.name)= is given twice")
        }
        if let rules, constantNames.contains(rules.column) || regex?.groupNames.contains(rules.column) == true
            || table?.columns.contains(rules.column) == true {
            throw LabelOptionError("the --label-rules column '\(rules.column)' is also set per file by another label option; name it with a 'column' line")
        }
        let schema = Set(schemaColumns)
        for name in extraColumns where schema.contains(name) {
            throw LabelOptionError("label column '\(name)' is already a column of the schema; choose another name")
        }
    }

    /// The labels of one file. `template` is the run's `--label-template`.
    public func labels(for input: CaptureInput, template: LabelTemplate) -> FileLabels {
        // What --label-regex and --labels see: the path below the input folder, or the name.
        let name = input.path.split(separator: "/").last.map(String.init) ?? input.path
        let relative = input.displayPath == input.path ? name : input.displayPath
        var values: [String: (value: String, source: String)] = [:]
        func set(_ column: String, _ value: String, _ source: String) {
            if values[column] == nil { values[column] = (value, source) }
        }
        for c in constants { set(c.name, c.value, "--label") }
        var tried: [String] = []
        var matched = false
        if let table {
            tried.append("--labels \(table.path)")
            if let row = table.row(name: name, relativePath: relative) {
                matched = true
                for (column, value) in zip(table.columns, row.values) {
                    set(column, value, "\(table.path) line \(row.line) '\(row.pattern)'")
                }
            }
        }
        if let regex {
            tried.append("--label-regex")
            if let groups = regex.values(for: relative) {
                matched = true
                for (column, value) in zip(regex.groupNames, groups) { set(column, value, "--label-regex") }
            }
        }
        if useTemplate {
            tried.append("the label template")
            if let labels = template.labels(forPath: input.absolutePath) {
                matched = true
                set(LabelColumnNames.appName, labels.appName, "--label-template")
                set(LabelColumnNames.appAction, labels.appAction, "--label-template")
            }
        }
        var result = FileLabels()
        result.appName = values[LabelColumnNames.appName]?.value ?? ""
        result.appAction = values[LabelColumnNames.appAction]?.value ?? ""
        let perFile = extraColumns.filter { $0 != rules?.column }
        result.extra = perFile.map { values[$0]?.value ?? "" }
        if !matched && !tried.isEmpty {
            result.missing = tried == ["the label template"]
                ? "file name does not match the label template; AppName and AppAction left empty"
                : "file name matched by none of: " + tried.joined(separator: ", ") + "; labels left empty"
        }
        let explained = [LabelColumnNames.appName, LabelColumnNames.appAction] + perFile
        result.explanation = explained.map { column in
            guard let v = values[column] else { return "\(column)= (nothing)" }
            return "\(column)=\(v.value) (\(v.source))"
        }.joined(separator: ", ")
        return result
    }

    /// Writes the header: the schema's columns, then ``extraColumns``.
    public func writeHeader(_ schema: Schema, to out: inout CSVBuffer) {
        for column in schema.columns { out.text(column.name) }
        for name in extraColumns { out.text(name) }
        out.endRow()
    }
}

/// The labels of one file.
public struct FileLabels: Sendable {
    public var appName = ""
    public var appAction = ""
    /// Values of the per-file extra columns (``LabelOptions/extraColumns`` without the rules column).
    public var extra: [String] = []
    /// The warning when no file-name option matched the file.
    public var missing: String?
    /// Which option gave each column (for --explain-labels).
    public var explanation = ""
}

/// Rows with label columns after the schema's.
struct LabelledRows {
    let extraFields: [[UInt8]]
    let rules: LabelRules?
    /// Flows per rule outcome (``LabelRules/outcome(_:)``).
    var counts: [Int]

    init(_ labels: FileLabels, rules: LabelRules?) {
        extraFields = labels.extra.map(CSVBuffer.preparedUserText)
        self.rules = rules
        counts = [Int](repeating: 0, count: rules.map { 2 * $0.rules.count + 1 } ?? 0)
    }

    mutating func writeRows(_ schema: Schema, _ flows: [FlowRecord], file: borrowing FileContext, to out: CSVBuffer) {
        let writer = schema.rowWriter
        flows.withUnsafeBufferPointer { records in
            for i in records.indices {
                let flow = records.baseAddress! + i  // i < records.count: in bounds
                writer.write(flow, file: file, to: out)
                for field in extraFields { out.prepared(field) }
                if let rules {
                    let k = rules.outcome(flow)
                    counts[k] += 1
                    out.prepared(rules.fields[k])
                }
                out.endRow()
            }
        }
    }
}
