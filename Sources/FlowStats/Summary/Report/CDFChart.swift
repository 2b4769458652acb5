#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The share of flows at or below each value (flow size or duration), one step line per
/// group, on a log x axis.
enum CDFChart {
    enum Figure { case size, duration }

    static func draw(_ s: Summary, figure: Figure, shown: Int) -> String {
        let isSize = figure == .size
        var c = SVGChart(kind: isSize ? "size-cdf" : "duration-cdf")
        let title = isSize ? "Flow size, cumulative share of flows" : "Flow duration, cumulative share of flows"
        c.title(title)
        let groups = Array(s.groups.prefix(shown))
        c.legend(groups.enumerated().map { ($0.element.label.isEmpty ? "(empty)" : $0.element.label, Palette.colour($0.offset)) })
        c.axisLabels(x: isSize ? "flow size (bytes, log scale)" : "flow duration (log scale; 0 s at the left edge)",
                     y: "share of flows ≤ x")
        let curves = groups.map { isSize ? $0.sizeCDF : $0.durationCDF }
        let positive = curves.flatMap { $0.map(\.0) }.filter { $0 > 0 }
        var low = positive.min() ?? 1
        var high = positive.max() ?? 10
        if isSize { low = max(1, low) }
        low = pow(10, floor(log10(low)))
        high = max(pow(10, ceil(log10(high))), low * 10)
        let lx = log10(low), hx = log10(high)
        func x(_ v: Double) -> Double { c.left + c.plotWidth * (log10(max(v, low)) - lx) / (hx - lx) }
        func y(_ f: Double) -> Double { c.top + c.plotHeight * (1 - f) }
        for f in [0.0, 0.25, 0.5, 0.75, 1.0] {
            c.line(c.left, y(f), c.left + c.plotWidth, y(f), stroke: "#e6e6e6")
            c.text(c.left - 6, y(f) + 4, SummaryText.decimal(f * 100, 0) + " %", anchor: "end", size: 11)
        }
        let ticks = isSize ? Ticks.decades(low, high) : Ticks.durationSteps.filter { $0 >= low * 0.999 && $0 <= high * 1.001 }
        var lastX = -100.0
        for t in ticks {
            let px = x(t)
            c.line(px, c.top, px, c.top + c.plotHeight, stroke: "#eeeeee")
            c.line(px, c.top + c.plotHeight, px, c.top + c.plotHeight + 5, stroke: "#666666")
            if px - lastX >= 42 {
                c.text(px, c.top + c.plotHeight + 18, isSize ? Ticks.si(t) : Ticks.durationLabel(t), anchor: "middle", size: 11)
                lastX = px
            }
        }
        for (rank, g) in groups.enumerated() {
            let points = curves[rank]
            guard !points.isEmpty else { continue }
            var d = "M\(SVGChart.n(x(points[0].0))),\(SVGChart.n(y(0)))"
            var previous = 0.0
            for (v, f) in points {
                d += " L\(SVGChart.n(x(v))),\(SVGChart.n(y(previous))) L\(SVGChart.n(x(v))),\(SVGChart.n(y(f)))"
                previous = f
            }
            d += " L\(SVGChart.n(c.left + c.plotWidth)),\(SVGChart.n(y(previous)))"
            let q = isSize ? g.size : g.duration
            let med = q.map { isSize ? SummaryText.bytes($0.median) : SummaryText.duration($0.median) } ?? ""
            let p95 = q.map { isSize ? SummaryText.bytes($0.p95) : SummaryText.duration($0.p95) } ?? ""
            let name = g.label.isEmpty ? "(empty)" : g.label
            let hover = "\(name): \(g.flows) flows, median \(med), p95 \(p95)"
            let data = [("group", name), ("flows", String(g.flows)), ("median", q.map { SummaryText.decimal($0.median) } ?? ""),
                        ("p95", q.map { SummaryText.decimal($0.p95) } ?? "")]
            let attributes = data.map { " data-\($0.0)=\"\(SVGChart.esc($0.1))\"" }.joined()
            c.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(Palette.colour(rank))\" stroke-width=\"2\"\(attributes)><title>\(SVGChart.esc(hover))</title></path>")
        }
        c.line(c.left, c.top + c.plotHeight, c.left + c.plotWidth, c.top + c.plotHeight, stroke: "#666666")
        c.line(c.left, c.top, c.left, c.top + c.plotHeight, stroke: "#666666")
        return c.svg(title: title)
    }
}
