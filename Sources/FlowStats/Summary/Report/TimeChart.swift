/// Bytes over time: one stacked bar per time bin, a segment per group (the first groups in
/// summary order, the rest together as "other").
enum TimeChart {
    static func draw(_ s: Summary, shown: Int) -> String {
        var c = SVGChart(kind: "bytes-over-time", width: 980, height: 340)
        c.right = 50  // room for the last time label
        let title = "Bytes over time, per \(s.groupBy.joined(separator: " / ")) (bins of \(SummaryText.duration(s.binWidth)))"
        c.title(title)
        let groups = Array(s.groups.prefix(shown))
        let rest = Array(s.groups.dropFirst(shown))
        var series: [(name: String, colour: String, bins: [Double], bytes: Int)] = groups.enumerated().map {
            ($0.element.label.isEmpty ? "(empty)" : $0.element.label, Palette.colour($0.offset), $0.element.bins, $0.element.bytes)
        }
        if !rest.isEmpty {
            var bins = [Double](repeating: 0, count: s.binCount)
            for g in rest { for (i, v) in g.bins.enumerated() where i < bins.count { bins[i] += v } }
            series.append(("other (\(rest.count) groups)", Palette.other, bins, rest.reduce(0) { $0 + $1.bytes }))
        }
        c.legend(series.map { ($0.name, $0.colour) })
        c.axisLabels(x: "time (UTC); each bar: \(SummaryText.duration(s.binWidth))", y: "bytes per bin")
        let count = max(1, s.binCount)
        var stackTop = 0.0
        for i in 0..<count { stackTop = max(stackTop, series.reduce(0) { $0 + (i < $1.bins.count ? $1.bins[i] : 0) }) }
        let ticks = Ticks.linear(stackTop)
        let yMax = ticks.last ?? 1
        func y(_ v: Double) -> Double { c.top + c.plotHeight * (1 - v / yMax) }
        for t in ticks {
            c.line(c.left, y(t), c.left + c.plotWidth, y(t), stroke: "#e6e6e6")
            c.text(c.left - 6, y(t) + 4, Ticks.si(t), anchor: "end", size: 11)
        }
        let barWidth = c.plotWidth / Double(count)
        for i in 0..<count {
            var base = 0.0
            let start = s.binStart + Double(i) * s.binWidth
            for (k, item) in series.enumerated() {
                let v = i < item.bins.count ? item.bins[i] : 0
                guard v > 0 else { continue }
                let hover = "\(item.name): \(SummaryText.bytes(v)) (\(SummaryText.decimal(v, 0)) bytes) from \(SummaryText.time(start, millis: s.binWidth < 1)) UTC, \(SummaryText.duration(s.binWidth)) bin"
                c.rect(c.left + Double(i) * barWidth + (barWidth > 4 ? 0.5 : 0), y(base + v), max(0.5, barWidth - (barWidth > 4 ? 1 : 0)), y(base) - y(base + v),
                       fill: item.colour, data: [("group", item.name), ("series", String(k)), ("bin", String(i)), ("bytes", SummaryText.decimal(v, 3))], hover: hover)
                base += v
            }
        }
        // Time ticks: about 8, on bin edges.
        let wanted = max(1, Int((Double(count) / 8).rounded(.up)))
        let every = [1, 2, 5, 10, 20, 50, 100].first { $0 >= wanted } ?? wanted
        let withDate = s.binCount > 0 && (Double(count) * s.binWidth > 86400 || s.binWidth >= 3600)
        for i in stride(from: 0, through: count, by: every) {
            let x = c.left + Double(i) * barWidth
            c.line(x, c.top + c.plotHeight, x, c.top + c.plotHeight + 5, stroke: "#666666")
            let t = s.binStart + Double(i) * s.binWidth
            let full = SummaryText.time(t, millis: s.binWidth < 1)
            let label = withDate ? String(full.prefix(16)) : String(full.dropFirst(11))
            c.text(x, c.top + c.plotHeight + 18, label, anchor: "middle", size: 11)
        }
        c.line(c.left, c.top + c.plotHeight, c.left + c.plotWidth, c.top + c.plotHeight, stroke: "#666666")
        c.line(c.left, c.top, c.left, c.top + c.plotHeight, stroke: "#666666")
        return c.svg(title: title)
    }
}
