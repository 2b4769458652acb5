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
    /// `--explain-labels`: say where each file's labels came from (``FileLabels/explanation``)
    /// and count the flows each rule labels (``FileReport/ruleCounts``). Off: neither is done.
    public var explain = false

    public init() {}

    /// The label columns other than AppName and AppAction, in order: the per-file ones
    /// (``perFileColumns``), then the rules column.
    public var extraColumns: [String] {
        var names = perFileColumns
        if let rules, !names.contains(rules.column) { names.append(rules.column) }
        return names
    }

    /// The columns set per file other than AppName and AppAction, in order: regex groups,
    /// table columns, constants (each name once).
    public var perFileColumns: [String] {
        var names: [String] = []
        func add(_ name: String) {
            if name != LabelColumnNames.appName && name != LabelColumnNames.appAction && !names.contains(name) { names.append(name) }
        }
        regex?.groupNames.forEach(add)
        table?.columns.forEach(add)
        constants.forEach { add($0.name) }
        return names
    }

    /// Parses `NAME=VALUE`.
    public static func constant(_ text: String) throws(LabelOptionError) -> (name: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw LabelOptionError("--label '\(text)' is not NAME=VALUE")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// Whether a column of a schema is its `Label` column (CIC's; ` Label` in CIC-IDS2017's
    /// spelling, the only variant): that column writes ``FileContext/writeLabel(_:to:)``, so a label option
    /// naming `Label` fills it instead of adding a column.
    static func isLabelColumn(_ name: String) -> Bool {
        name == LabelColumnNames.label || name == " " + LabelColumnNames.label
    }

    /// Whether any option adds or fills a column (the template alone does not).
    public var isEmpty: Bool { regex == nil && table == nil && constants.isEmpty && rules == nil }

    /// The label columns appended after `schemaColumns`: ``extraColumns`` without a `Label` the
    /// schema has, then AppName and AppAction when an option sets them and the schema lacks them.
    public func appendedColumns(schemaColumns: [String]) -> [String] {
        // Once per file: linear scans of the schema's names, no hashing.
        let hasLabel = schemaColumns.contains(where: Self.isLabelColumn)
        var names = extraColumns.filter { !(hasLabel && $0 == LabelColumnNames.label) }
        let explicit = (regex?.groupNames ?? []) + (table?.columns ?? []) + constants.map(\.name)
        for name in [LabelColumnNames.appName, LabelColumnNames.appAction]
        where explicit.contains(name) && !schemaColumns.contains(name) { names.append(name) }
        return names
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
        let hasLabel = schemaColumns.contains(where: Self.isLabelColumn)
        for name in extraColumns where schema.contains(name) && !(hasLabel && name == LabelColumnNames.label) {
            throw LabelOptionError("label column '\(name)' is already a column of the schema; choose another name")
        }
    }

    /// The layout of a run: the schema's columns, then ``appendedColumns(schemaColumns:)``.
    /// A rule marked `attempted` reads the client's payload bytes, so the layout then also
    /// keeps the ``FeatureSet/sizeTiming`` group. Without label options: `base` itself.
    public func layout(_ base: OutputLayout) -> OutputLayout {
        guard !isEmpty else { return base }
        let perFile = perFileColumns
        var columns: [Column] = []
        for name in appendedColumns(schemaColumns: base.columns.map(\.name)) {
            if let rules, name == rules.column {
                columns.append(Column(name, "Per-flow label from --label-rules \(rules.path)") { [rules] row, _, out in
                    out.prepared(rules.fields[rules.outcome(row)])
                })
            } else if name == LabelColumnNames.appName {
                columns.append(Column(name, "Label (label options)") { _, file, out in out.prepared(file.appNameField) })
            } else if name == LabelColumnNames.appAction {
                columns.append(Column(name, "Label (label options)") { _, file, out in out.prepared(file.appActionField) })
            } else if let k = perFile.firstIndex(of: name) {
                columns.append(Column(name, "Label (label options)") { _, file, out in out.prepared(file.labelFields.extra[k]) })
            }
        }
        let attempted = rules?.rules.contains(where: \.attempted) == true
        return OutputLayout(base, appending: columns, requiring: attempted ? .sizeTiming : [])
    }

    static let templateMissing = "file name does not match the label template; AppName and AppAction left empty"

    /// The labels of one file. `template` is the run's `--label-template`.
    public func labels(for input: CaptureInput, template: LabelTemplate) -> FileLabels {
        if isEmpty && !explain {
            // The template alone (every run without label options): nothing else to build.
            var result = FileLabels()
            if !useTemplate { return result }
            if let labels = template.labels(forPath: input.absolutePath) {
                result.appName = labels.appName
                result.appAction = labels.appAction
            } else {
                result.missing = Self.templateMissing
            }
            return result
        }
        // What --label-regex and --labels see: the path below the input folder, or the name.
        let name = input.fileName
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
        let perFile = perFileColumns
        result.extra = perFile.map { values[$0]?.value ?? "" }
        if !matched && !tried.isEmpty {
            result.missing = tried == ["the label template"]
                ? Self.templateMissing
                : "file name matched by none of: " + tried.joined(separator: ", ") + "; labels left empty"
        }
        guard explain else { return result }
        let explained = [LabelColumnNames.appName, LabelColumnNames.appAction] + perFile
        result.explanation = explained.map { column in
            guard let v = values[column] else { return "\(column)= (nothing)" }
            return "\(column)=\(v.value) (\(v.source))"
        }.joined(separator: ", ")
        return result
    }
}

/// The labels of one file.
public struct FileLabels: Sendable {
    public var appName = ""
    public var appAction = ""
    /// Values of ``LabelOptions/perFileColumns``, in order.
    public var extra: [String] = []
    /// The warning when no file-name option matched the file.
    public var missing: String?
    /// Which option gave each column (only with ``LabelOptions/explain``).
    public var explanation = ""
}

/// What a row's label columns read from its file (``FileContext/labelFields``): the per-file
/// values, prepared once per file, and the rules. Empty without label options.
public struct FileLabelFields: Sendable {
    /// The fields of ``LabelOptions/perFileColumns``, in order.
    let extra: [[UInt8]]
    /// The file's value of a column named `Label` set per file (`--label Label=…`, a `Label`
    /// table column or regex group); nil when no option sets one.
    let label: [UInt8]?
    /// `--label-rules`, when given.
    let rules: LabelRules?

    public init() {
        extra = []
        label = nil
        rules = nil
    }

    init(_ labels: FileLabels, options: LabelOptions) {
        let fields = labels.extra.map(CSVBuffer.preparedUserText)
        extra = fields
        label = options.perFileColumns.firstIndex(of: LabelColumnNames.label).map { fields[$0] }
        rules = options.rules
    }
}

extension FileContext {
    /// The label of the flow of `row`, as a schema's `Label` column writes it (CIC): the
    /// `--label-rules` label when the rules' column is `Label` and a rule matches (or the file
    /// has a `default` line); else a per-file `Label` (`--label Label=…`, a `Label` column of
    /// `--labels`, a `Label` group of `--label-regex`); else AppName.
    /// Costs one branch per row without label options.
    func writeLabel(_ row: FlowRow, to out: RowBuffer) {
        if let rules = labelFields.rules, rules.column == LabelColumnNames.label {
            let k = rules.outcome(row)
            if k < 2 * rules.rules.count || rules.hasDefault {
                out.prepared(rules.fields[k])
                return
            }
        }
        out.prepared(labelFields.label ?? appNameField)
    }
}

extension OutputLayout {
    /// `base` with `extra` columns after its own, keeping the groups they and `requiring` read.
    init(_ base: OutputLayout, appending extra: [Column], requiring: FeatureSet) {
        schema = base.schema
        columns = base.columns + extra
        requirements = Schema.requirements(of: columns).union(base.requirements).union(requiring)
        firstPackets = base.firstPackets
        // A rule may read any application field (ServerName, JA4, …).
        appValues = base.appValues || requiring.contains(.appMetadata)
            || extra.contains { $0.requires.contains(.appMetadata) && !$0.readsServicesOnly }
        writer = RowWriter(columns)
    }
}
