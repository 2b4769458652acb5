/// Horizontal bars with a label on the left and the value at the end.
enum BarChart {
    struct Bar {
        var label: String
        var value: Double
        var colour: String
        var data: [(String, String)]
        var hover: String
        var text: String
    }

    static func draw(kind: String, title: String, axis: String, bars: [Bar], width: Double = 600) -> String {
        let rowHeight = 22.0
        var c = SVGChart(kind: kind, width: width, height: 40 + 50 + max(1, Double(bars.count)) * rowHeight)
        c.left = 170
        c.right = 80
        c.title(title)
        c.axisLabels(x: axis, y: "")
        let ticks = Ticks.linear(bars.map(\.value).max() ?? 0, count: 4)
        let xMax = ticks.last ?? 1
        func x(_ v: Double) -> Double { c.left + c.plotWidth * v / xMax }
        for t in ticks {
            c.line(x(t), c.top, x(t), c.top + c.plotHeight, stroke: "#e6e6e6")
            c.text(x(t), c.top + c.plotHeight + 16, Ticks.si(t), anchor: "middle", size: 11)
        }
        if bars.isEmpty {
            c.text(c.left + 8, c.top + 15, "no data", size: 12)
        }
        for (i, bar) in bars.enumerated() {
            let y = c.top + Double(i) * rowHeight
            c.text(c.left - 8, y + 15, SummaryText.clip(bar.label, 24), anchor: "end", size: 12)
            c.rect(c.left, y + 3, x(bar.value) - c.left, rowHeight - 6, fill: bar.colour, data: bar.data, hover: bar.hover)
            c.text(x(bar.value) + 5, y + 15, bar.text, size: 11)
        }
        c.line(c.left, c.top, c.left, c.top + c.plotHeight, stroke: "#666666")
        return c.svg(title: title)
    }

    static func groups(_ s: Summary, byFlows: Bool, shown: Int, limit: Int = 15) -> String {
        let order = s.groups.enumerated().sorted { a, b in
            let (x, y) = byFlows ? (a.element.flows, b.element.flows) : (a.element.bytes, b.element.bytes)
            return x != y ? x > y : a.offset < b.offset
        }.prefix(limit)
        let bars = order.map { rank, g in
            let name = g.label.isEmpty ? "(empty)" : g.label
            let value = Double(byFlows ? g.flows : g.bytes)
            let text = byFlows ? "\(g.flows)" : SummaryText.bytes(value)
            return Bar(label: name, value: value, colour: Palette.colour(rank < shown ? rank : shown),
                       data: [("group", name), ("bytes", String(g.bytes)), ("flows", String(g.flows))],
                       hover: "\(name): \(g.flows) flows, \(SummaryText.bytes(Double(g.bytes))) (\(g.bytes) bytes), \(SummaryText.percent(g.share)) of bytes",
                       text: text)
        }
        let by = s.groupBy.joined(separator: " / ")
        return draw(kind: byFlows ? "groups-by-flows" : "groups-by-bytes",
                    title: byFlows ? "Top \(by) by flows" : "Top \(by) by bytes",
                    axis: byFlows ? "flows" : "bytes", bars: Array(bars))
    }

    static func servers(_ g: GroupSummary, rank: Int, shown: Int) -> String {
        let name = g.label.isEmpty ? "(empty)" : g.label
        let bars = g.topServers.map { server in
            Bar(label: server.name, value: server.bytes, colour: Palette.colour(rank < shown ? rank : shown),
                data: [("group", name), ("server", server.name), ("bytes", SummaryText.decimal(server.bytes, 0)), ("error", SummaryText.decimal(server.error, 0))],
                hover: "\(server.name): \(server.error > 0 ? "at most " : "")\(SummaryText.decimal(server.bytes, 0)) bytes" + (server.error > 0 ? " (at least \(SummaryText.decimal(server.bytes - server.error, 0)))" : ""),
                text: (server.error > 0 ? "≈" : "") + SummaryText.bytes(server.bytes))
        }
        return draw(kind: "top-servers", title: "Top servers of \(SummaryText.clip(name, 40))", axis: "bytes", bars: bars, width: 560)
    }
}
