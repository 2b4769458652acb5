/// The HTML report of a summary: one self-contained file (inline CSS and SVG, no script, no
/// font, nothing fetched; a Content-Security-Policy forbids loading anything), with the plots,
/// the summary table, the inputs and the options used.
public enum SummaryReport {
    /// Groups with a colour of their own in the plots; the rest are "other".
    public static let coloured = 8

    public static func render(_ s: Summary, generatedBy: String = "flowcsv summary") -> String {
        var h = ""
        h += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>flowcsv summary by \(SummaryText.html(s.groupBy.joined(separator: ", ")))</title>
        <style>\(css)</style>
        </head>
        <body>
        <main>

        """
        let t = s.total
        h += "<header><h1>Traffic summary by \(SummaryText.html(s.groupBy.joined(separator: " / ")))</h1>\n<p class=\"lead\">"
        var facts = ["\(s.groups.count) groups", "\(t.flows) flows"]
        if s.figures.packets { facts.append("\(SummaryText.si(Double(t.packets))) packets (\(t.packets))") }
        if s.figures.bytes { facts.append("\(SummaryText.bytes(Double(t.bytes))) (\(t.bytes) bytes)") }
        facts.append("\(s.inputs.count) input\(s.inputs.count == 1 ? "" : "s")")
        if let first = t.firstSeen, let last = t.lastSeen {
            let millis = last - first < 60
            facts.append("\(SummaryText.time(first, millis: millis)) to \(SummaryText.time(last, millis: millis)) UTC (\(SummaryText.duration(last - first)))")
        }
        h += SummaryText.html(facts.joined(separator: " · ")) + "</p></header>\n"
        if !s.notes.isEmpty {
            h += "<section class=\"notes\"><h2>Notes</h2><ul>" + s.notes.map { "<li>\(SummaryText.html($0))</li>" }.joined() + "</ul></section>\n"
        }
        if s.isEmpty {
            h += "<section><p class=\"empty\">Empty summary: the inputs held no flows.</p></section>\n"
        } else {
            h += "<section><h2>Plots</h2>\n"
            if s.figures.bytes && s.figures.start && s.binCount > 0 {
                h += figure(TimeChart.draw(s, shown: coloured), wide: true)
            }
            h += "<div class=\"grid\">\n"
            if s.figures.bytes { h += figure(BarChart.groups(s, byFlows: false, shown: coloured)) }
            h += figure(BarChart.groups(s, byFlows: true, shown: coloured))
            if s.figures.bytes { h += figure(CDFChart.draw(s, figure: .size, shown: coloured)) }
            if s.figures.duration { h += figure(CDFChart.draw(s, figure: .duration, shown: coloured)) }
            if s.figures.protocols { h += figure(ProtocolMixChart.draw(s)) }
            h += "</div>\n"
            if s.figures.servers && s.figures.bytes {
                h += "<h3>Top servers by bytes (ServerName when the flow has one, else ServerIP:ServerPort), top \(s.top) of the first \(min(6, s.groups.count)) groups</h3>\n<div class=\"grid\">\n"
                for (rank, g) in s.groups.prefix(6).enumerated() {
                    h += figure(BarChart.servers(g, rank: rank, shown: coloured))
                }
                h += "</div>\n"
            }
            h += "</section>\n"
            h += "<section><h2>Summary table</h2>\n" + table(s) + "</section>\n"
        }
        h += "<section><h2>Inputs</h2>\n" + inputs(s) + "</section>\n"
        h += "<section><h2>Options used</h2>\n<table class=\"options\"><tbody>\n"
        for (option, value) in s.options {
            h += "<tr><th>\(SummaryText.html(option))</th><td><code>\(SummaryText.html(value))</code></td></tr>\n"
        }
        h += "</tbody></table>\n<p class=\"small\">\(SummaryText.html(SummaryFormatter.bounds(s))) Bytes over time: each flow's bytes are spread evenly over its duration.</p>\n</section>\n"
        h += "<footer>Made by \(SummaryText.html(generatedBy)). This file is self-contained: it loads nothing.</footer>\n"
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    static func figure(_ svg: String, wide: Bool = false) -> String {
        "<figure class=\"\(wide ? "wide" : "card")\">\n\(svg)\n</figure>\n"
    }

    /// Rows of the report's table at most (all of them are in --format csv, json, markdown).
    static let tableRows = 200

    static func table(_ full: Summary) -> String {
        var s = full
        s.groups = Array(full.groups.prefix(tableRows))
        let columns = SummaryFormatter.textColumns(s)
        var h = full.groups.count > tableRows
            ? "<p class=\"small\">The first \(tableRows) of \(full.groups.count) groups by bytes, and the total of all; every group is in <code>--format csv</code>, <code>json</code> and <code>markdown</code>.</p>\n" : ""
        h += "<div class=\"scroll\"><table class=\"summary\">\n<thead><tr>"
        h += columns.map { "<th\($0.rightAligned ? " class=\"num\"" : "")>\(SummaryText.html($0.title))</th>" }.joined()
        h += "</tr></thead>\n<tbody>\n"
        let rows = s.groups.count + 1
        for r in 0..<rows {
            let colour = r < min(coloured, s.groups.count) ? Palette.colour(r) : (r < s.groups.count ? Palette.other : "transparent")
            h += "<tr\(r == rows - 1 ? " class=\"total\"" : "")>"
            for (i, col) in columns.enumerated() {
                let swatch = i == 0 ? "<span class=\"swatch\" style=\"background:\(colour)\"></span>" : ""
                // Mixes and servers: one entry a line.
                let listed = ["Protocols", "ConnState", "EndReason", "Top servers"].contains(col.title)
                let text = listed ? col.cells[r].split(separator: ", ").map { SummaryText.html(String($0)) }.joined(separator: "<br>") : SummaryText.html(col.cells[r])
                h += "<td\(col.rightAligned ? " class=\"num\"" : "")>\(swatch)\(text)</td>"
            }
            h += "</tr>\n"
        }
        return h + "</tbody></table></div>\n"
    }

    static func inputs(_ s: Summary) -> String {
        var h = "<table class=\"inputs\"><thead><tr><th>Input</th><th>Kind</th><th class=\"num\">Packets</th><th class=\"num\">Flows</th><th>Errors and warnings</th></tr></thead>\n<tbody>\n"
        for i in s.inputs {
            let problems = (i.error.map { ["error: " + $0] } ?? []) + i.warnings
            h += "<tr\(i.error != nil ? " class=\"failed\"" : "")><td>\(SummaryText.html(i.name))</td><td>\(i.kind == .capture ? "capture" : "CSV")</td>"
            h += "<td class=\"num\">\(i.packets.map(String.init) ?? "")</td><td class=\"num\">\(i.flows)</td>"
            h += "<td>\(problems.map(SummaryText.html).joined(separator: "<br>"))</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }

    static let css = """
    :root { color-scheme: light; }
    body { margin: 0; background: #f6f7f9; color: #1d2330; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 40px; }
    h1 { font-size: 26px; margin: 0 0 6px; }
    h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid #d9dde3; padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 18px 0 8px; font-weight: 600; }
    .lead { margin: 0; color: #4a5263; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
    figure { margin: 0; background: #fff; border: 1px solid #dfe3e8; border-radius: 6px; padding: 10px; overflow: hidden; }
    figure.wide { margin-bottom: 16px; }
    svg.chart { display: block; width: 100%; height: auto; max-width: 100%; }
    svg.chart text { fill: #1d2330; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    svg.chart text.axis { fill: #4a5263; font-size: 12px; }
    .scroll { overflow-x: auto; background: #fff; border: 1px solid #dfe3e8; border-radius: 6px; }
    table { border-collapse: collapse; font-size: 13px; }
    table.summary, table.inputs { width: 100%; }
    table.inputs, table.options { background: #fff; border: 1px solid #dfe3e8; }
    th, td { white-space: nowrap; padding: 5px 9px; border-bottom: 1px solid #eceef2; text-align: left; vertical-align: top; }
    th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
    td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    tr.total td { font-weight: 600; background: #f3f5f8; }
    tr.failed td { background: #fdecea; }
    .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
    .notes ul { margin: 0; padding-left: 20px; }
    .empty { font-size: 16px; padding: 12px; background: #fff; border: 1px solid #dfe3e8; border-radius: 6px; }
    .small { color: #4a5263; font-size: 12.5px; max-width: 900px; }
    footer { margin-top: 30px; color: #6b7385; font-size: 12px; }
    code { font-size: 12.5px; }
    """
}
