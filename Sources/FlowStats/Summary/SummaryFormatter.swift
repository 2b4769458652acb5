/// Writes a ``Summary`` as an aligned table, Markdown, CSV or JSON (docs/summary.md).
public enum SummaryFormatter {
    public enum Format: String, Sendable, CaseIterable { case table, markdown, csv, json }

    public static func render(_ summary: Summary, as format: Format, width: Int = 100) -> String {
        switch format {
        case .table: return table(summary, width: width)
        case .markdown: return markdown(summary)
        case .csv: return csv(summary)
        case .json: return json(summary)
        }
    }

    /// The bound of the quantiles and of the top servers, as one sentence.
    public static func bounds(_ s: Summary) -> String {
        "Medians and p95 from HdrHistogram (2 significant digits): at most 1/128 (< 1 %) above the exact value; "
            + "maxima exact. Top servers: Space-Saving with \(s.serverCounters) counters per group, exact unless marked ≈ "
            + "(then at most the group's bytes / \(s.serverCounters) too high)."
    }

    // MARK: CSV

    /// The CSV columns after the group columns.
    public static let csvColumns = [
        "Files", "Flows", "Packets", "Bytes", "FwdBytes", "BwdBytes", "Share",
        "DurationMedian", "DurationP95", "DurationMax", "SizeMedian", "SizeP95", "SizeMax",
        "Protocols", "ConnStates", "EndReasons", "TopServers", "FirstSeen", "LastSeen",
    ]

    static func csvFields(_ g: GroupSummary, _ f: Figures) -> [String] {
        func q(_ v: Quantiles?, _ pick: (Quantiles) -> Double) -> String { v.map { SummaryText.decimal(pick($0)) } ?? "" }
        func mix(_ m: [MixEntry], _ present: Bool) -> String {
            present ? m.map { "\($0.name)=\($0.flows)" }.joined(separator: ";") : ""
        }
        return [
            String(g.files), String(g.flows), f.packets ? String(g.packets) : "",
            f.bytes ? String(g.bytes) : "", f.fwdBytes ? String(g.fwdBytes) : "", f.bwdBytes ? String(g.bwdBytes) : "",
            SummaryText.decimal(g.share),
            q(g.duration) { $0.median }, q(g.duration) { $0.p95 }, q(g.duration) { $0.max },
            q(g.size) { $0.median }, q(g.size) { $0.p95 }, q(g.size) { $0.max },
            mix(g.protocols, f.protocols), mix(g.connStates, f.connStates), mix(g.endReasons, f.endReasons),
            g.topServers.map { "\($0.name)=\(SummaryText.decimal($0.bytes, 0))" }.joined(separator: ";"),
            g.firstSeen.map { SummaryText.decimal($0) } ?? "", g.lastSeen.map { SummaryText.decimal($0) } ?? "",
        ]
    }

    public static func csv(_ s: Summary) -> String {
        var out = (s.groupBy + csvColumns).map(SummaryText.csv).joined(separator: ",") + "\n"
        for g in s.groups {
            out += (g.key + csvFields(g, s.figures)).map(SummaryText.csv).joined(separator: ",") + "\n"
        }
        return out
    }

    // MARK: JSON

    static func jsonGroup(_ g: GroupSummary, _ s: Summary, indent: String) -> String {
        let f = s.figures
        func num(_ v: Double) -> String { SummaryText.decimal(v) }
        func quant(_ v: Quantiles?) -> String {
            v.map { "{\"median\": \(num($0.median)), \"p95\": \(num($0.p95)), \"max\": \(num($0.max))}" } ?? "null"
        }
        func mix(_ m: [MixEntry], _ present: Bool) -> String {
            present ? "[" + m.map { "{\"name\": \(SummaryText.json($0.name)), \"flows\": \($0.flows)}" }.joined(separator: ", ") + "]" : "null"
        }
        var fields: [String] = []
        let key = zip(s.groupBy, g.key).map { "\(SummaryText.json($0)): \(SummaryText.json($1))" }.joined(separator: ", ")
        fields.append("\"key\": {\(key)}")
        fields.append("\"files\": \(g.files)")
        fields.append("\"flows\": \(g.flows)")
        fields.append("\"packets\": \(f.packets ? String(g.packets) : "null")")
        fields.append("\"bytes\": \(f.bytes ? String(g.bytes) : "null")")
        fields.append("\"fwdBytes\": \(f.fwdBytes ? String(g.fwdBytes) : "null")")
        fields.append("\"bwdBytes\": \(f.bwdBytes ? String(g.bwdBytes) : "null")")
        fields.append("\"share\": \(num(g.share))")
        fields.append("\"duration\": \(quant(g.duration))")
        fields.append("\"size\": \(quant(g.size))")
        fields.append("\"protocols\": \(mix(g.protocols, f.protocols))")
        fields.append("\"connStates\": \(mix(g.connStates, f.connStates))")
        fields.append("\"endReasons\": \(mix(g.endReasons, f.endReasons))")
        let servers = g.topServers.map {
            "{\"name\": \(SummaryText.json($0.name)), \"bytes\": \(SummaryText.decimal($0.bytes, 0)), \"error\": \(SummaryText.decimal($0.error, 0))}"
        }
        fields.append("\"topServers\": [\(servers.joined(separator: ", "))]")
        fields.append("\"firstSeen\": \(g.firstSeen.map(num) ?? "null")")
        fields.append("\"lastSeen\": \(g.lastSeen.map(num) ?? "null")")
        fields.append("\"bytesOverTime\": [\(g.bins.map { SummaryText.decimal($0, 3) }.joined(separator: ", "))]")
        return "{\n" + fields.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "}"
    }

    public static func json(_ s: Summary) -> String {
        var parts: [String] = []
        parts.append("\"groupBy\": [\(s.groupBy.map(SummaryText.json).joined(separator: ", "))]")
        parts.append("\"empty\": \(s.isEmpty)")
        parts.append("\"total\": " + jsonGroup(s.total, s, indent: "  "))
        parts.append("\"groups\": [" + (s.groups.isEmpty ? "" : "\n    " + s.groups.map { jsonGroup($0, s, indent: "    ") }.joined(separator: ",\n    ") + "\n  ") + "]")
        parts.append("\"timeBins\": {\"start\": \(SummaryText.decimal(s.binStart)), \"width\": \(SummaryText.decimal(s.binWidth)), \"count\": \(s.binCount)}")
        parts.append("\"bounds\": {\"quantileRelativeError\": 0.0078125, \"serverCounters\": \(s.serverCounters), \"top\": \(s.top)}")
        parts.append("\"notes\": [\(s.notes.map(SummaryText.json).joined(separator: ", "))]")
        let inputs = s.inputs.map { i in
            "{\"name\": \(SummaryText.json(i.name)), \"kind\": \"\(i.kind.rawValue)\", \"packets\": \(i.packets.map(String.init) ?? "null"), \"flows\": \(i.flows), \"error\": \(i.error.map(SummaryText.json) ?? "null")}"
        }
        parts.append("\"inputs\": [" + (inputs.isEmpty ? "" : "\n    " + inputs.joined(separator: ",\n    ") + "\n  ") + "]")
        return "{\n  " + parts.joined(separator: ",\n  ") + "\n}\n"
    }

    // MARK: Table and Markdown

    struct TextColumn {
        var title: String
        var rightAligned: Bool
        /// Lower goes first when the table is too wide.
        var priority: Int
        var cells: [String]
    }

    /// The human-readable columns (each group, then the total row last).
    static func textColumns(_ s: Summary) -> [TextColumn] {
        let rows = s.groups + [s.total]
        let f = s.figures
        var columns: [TextColumn] = []
        for (i, name) in s.groupBy.enumerated() {
            columns.append(TextColumn(title: name, rightAligned: false, priority: 100,
                                      cells: s.groups.map { $0.key[i].isEmpty ? "(empty)" : $0.key[i] } + [i == 0 ? "all" : ""]))
        }
        func add(_ title: String, _ priority: Int, right: Bool = true, _ present: Bool = true, _ cell: (GroupSummary) -> String) {
            if present { columns.append(TextColumn(title: title, rightAligned: right, priority: priority, cells: rows.map(cell))) }
        }
        add("Files", 30) { String($0.files) }
        add("Flows", 99) { String($0.flows) }
        add("Packets", 40, f.packets) { SummaryText.si(Double($0.packets)) }
        add("Bytes", 98, f.bytes) { SummaryText.bytes(Double($0.bytes)) }
        add("Fwd", 36, f.fwdBytes) { SummaryText.bytes(Double($0.fwdBytes)) }
        add("Bwd", 35, f.bwdBytes) { SummaryText.bytes(Double($0.bwdBytes)) }
        add("Share", 97) { SummaryText.percent($0.share) }
        add("Dur med", 60, f.duration) { $0.duration.map { SummaryText.duration($0.median) } ?? "" }
        add("Dur p95", 22, f.duration) { $0.duration.map { SummaryText.duration($0.p95) } ?? "" }
        add("Dur max", 14, f.duration) { $0.duration.map { SummaryText.duration($0.max) } ?? "" }
        add("Size med", 61, f.bytes) { $0.size.map { SummaryText.bytes($0.median) } ?? "" }
        add("Size p95", 23, f.bytes) { $0.size.map { SummaryText.bytes($0.p95) } ?? "" }
        add("Size max", 15, f.bytes) { $0.size.map { SummaryText.bytes($0.max) } ?? "" }
        add("Protocols", 50, right: false, f.protocols) { SummaryText.mix($0.protocols) }
        add("ConnState", 12, right: false, f.connStates) { SummaryText.mix(Array($0.connStates.prefix(4))) + ($0.connStates.count > 4 ? ", …" : "") }
        add("EndReason", 11, right: false, f.endReasons) { SummaryText.mix(Array($0.endReasons.prefix(4))) + ($0.endReasons.count > 4 ? ", …" : "") }
        add("Top servers", 25, right: false, f.servers) { g in
            g.topServers.map { "\($0.name) \($0.error > 0 ? "≈" : "")\(SummaryText.bytes($0.bytes))" }.joined(separator: ", ")
        }
        add("First", 10, right: false, f.start) { $0.firstSeen.map { SummaryText.time($0) } ?? "" }
        add("Last", 9, right: false, f.start) { $0.lastSeen.map { SummaryText.time($0) } ?? "" }
        return columns
    }

    static func header(_ s: Summary) -> [String] {
        var lines: [String] = []
        let t = s.total
        var line = "Summary by \(s.groupBy.joined(separator: ",")): \(s.groups.count) groups, \(t.flows) flows"
        if s.figures.packets { line += ", \(t.packets) packets" }
        if s.figures.bytes { line += ", \(t.bytes) bytes" }
        line += ", from \(s.inputs.count) input\(s.inputs.count == 1 ? "" : "s")"
        if let first = t.firstSeen, let last = t.lastSeen {
            let millis = last - first < 60
            line += ", \(SummaryText.time(first, millis: millis)) to \(SummaryText.time(last, millis: millis)) UTC"
        }
        lines.append(line)
        return lines
    }

    static func footer(_ s: Summary) -> [String] {
        var lines = s.notes.map { "Note: " + $0 }
        for input in s.inputs {
            if let error = input.error { lines.append("Input not read: \(input.name): \(error)") }
        }
        if !s.isEmpty { lines.append(bounds(s)) }
        return lines
    }

    public static func table(_ s: Summary, width: Int) -> String {
        var out = header(s).flatMap { wrap($0, width) }
        if s.isEmpty {
            out += footer(s).flatMap { wrap($0, width) }
            return out.joined(separator: "\n") + "\n"
        }
        var columns = textColumns(s)
        func widths(_ c: [TextColumn]) -> [Int] {
            c.map { col in max(SummaryText.width(col.title), col.cells.map(SummaryText.width).max() ?? 0) }
        }
        // Text columns get at most 40 characters; then drop the lowest priority until it fits.
        for i in columns.indices where !columns[i].rightAligned {
            columns[i].cells = columns[i].cells.map { SummaryText.clip($0, 40) }
        }
        var dropped: [String] = []
        while widths(columns).reduce(0, +) + 2 * (columns.count - 1) > width,
              let victim = columns.indices.filter({ columns[$0].priority < 90 }).min(by: { columns[$0].priority < columns[$1].priority }) {
            dropped.append(columns[victim].title)
            columns.remove(at: victim)
        }
        // Still too wide: narrow the group columns.
        var w = widths(columns)
        let excess = w.reduce(0, +) + 2 * (columns.count - 1) - width
        if excess > 0, let first = columns.indices.first, !columns[first].rightAligned {
            let target = max(8, w[first] - excess)
            columns[first].cells = columns[first].cells.map { SummaryText.clip($0, target) }
            w = widths(columns)
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, w[i] - SummaryText.width(cell)))
                if i > 0 { text += "  " }
                text += columns[i].rightAligned ? pad + cell : (i == cells.count - 1 ? cell : cell + pad)
            }
            return text
        }
        out.append("")
        out.append(line(columns.map(\.title)))
        out.append(line(w.map { String(repeating: "-", count: $0) }))
        let rows = s.groups.count + 1
        for r in 0..<rows {
            if r == rows - 1 { out.append(line(w.map { String(repeating: "-", count: $0) })) }
            out.append(line(columns.map { $0.cells[r] }))
        }
        out.append("")
        if !dropped.isEmpty {
            out += wrap("Left out to fit \(width) columns (--width, or --format markdown/csv/json for all): \(dropped.joined(separator: ", "))", width)
        }
        out += footer(s).flatMap { wrap($0, width) }
        return out.joined(separator: "\n") + "\n"
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = "  "
            }
            line += (line.isEmpty || line == "  " ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    public static func markdown(_ s: Summary) -> String {
        var out = header(s)
        out.append("")
        if !s.isEmpty {
            let columns = textColumns(s)
            func cell(_ text: String) -> String { text.replacingAll("|", with: "\\|") }
            out.append("| " + columns.map { cell($0.title) }.joined(separator: " | ") + " |")
            out.append("|" + columns.map { $0.rightAligned ? "---:|" : "---|" }.joined())
            for r in 0..<(s.groups.count + 1) {
                let row = columns.map { cell($0.cells[r]) }
                out.append("| " + (r == s.groups.count ? row.map { $0.isEmpty ? "" : "**\($0)**" } : row).joined(separator: " | ") + " |")
            }
            out.append("")
        }
        out += footer(s).map { "- " + $0 }
        return out.joined(separator: "\n") + "\n"
    }
}
