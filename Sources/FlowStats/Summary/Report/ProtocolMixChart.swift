/// Each group's flows by protocol: one 100 % bar per group, a segment per protocol. Protocols
/// have colours of their own, from Paul Tol's colour-blind-safe "muted" scheme (so they are
/// not mistaken for the group colours), named by the legend.
enum ProtocolMixChart {
    static let colours = ["#332288", "#88CCEE", "#44AA99", "#117733", "#DDCC77", "#CC6677", "#AA4499", "#882255"]

    static func draw(_ s: Summary, limit: Int = 15) -> String {
        let groups = Array(s.groups.prefix(limit))
        // Protocols by flows over all groups, ties by name: the same colour in every bar.
        var totals: [String: Int] = [:]
        for g in groups { for p in g.protocols { totals[p.name, default: 0] += p.flows } }
        let protocols = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        func colour(_ name: String) -> String {
            let i = protocols.firstIndex(of: name) ?? 0
            return i < colours.count ? colours[i] : Palette.other
        }
        let rowHeight = 22.0
        var c = SVGChart(kind: "protocol-mix", width: 600, height: 400)
        c.left = 170
        c.right = 30
        let title = "Protocol mix (share of each group's flows)"
        c.title(title)
        c.legend(protocols.prefix(colours.count).map { ($0, colour($0)) } + (protocols.count > colours.count ? [("others", Palette.other)] : []))
        c.height = c.top + max(1, Double(groups.count)) * rowHeight + c.bottom
        c.axisLabels(x: "share of flows", y: "")
        func x(_ f: Double) -> Double { c.left + c.plotWidth * f }
        for f in [0.0, 0.25, 0.5, 0.75, 1.0] {
            c.line(x(f), c.top, x(f), c.top + c.plotHeight, stroke: "#e6e6e6")
            c.text(x(f), c.top + c.plotHeight + 16, SummaryText.decimal(f * 100, 0) + " %", anchor: "middle", size: 11)
        }
        for (i, g) in groups.enumerated() {
            let y = c.top + Double(i) * rowHeight
            let name = g.label.isEmpty ? "(empty)" : g.label
            c.text(c.left - 8, y + 15, SummaryText.clip(name, 24), anchor: "end", size: 12)
            let flows = max(1, g.protocols.reduce(0) { $0 + $1.flows })
            var at = 0.0
            for p in g.protocols {
                let f = Double(p.flows) / Double(flows)
                c.rect(x(at), y + 3, x(at + f) - x(at), rowHeight - 6, fill: colour(p.name),
                       data: [("group", name), ("protocol", p.name), ("flows", String(p.flows))],
                       hover: "\(name): \(p.name) \(p.flows) flows (\(SummaryText.percent(f)))")
                at += f
            }
        }
        return c.svg(title: title)
    }
}
