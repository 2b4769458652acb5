#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Colours of the report: the Okabe–Ito palette (distinguishable with the common colour-vision
/// deficiencies), one per group in summary order, the same in every plot; grey for the rest.
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static let other = "#999999"
    static func colour(_ rank: Int) -> String { rank < colours.count ? colours[rank] : other }
}

/// An SVG drawing in progress: a fixed canvas (viewBox) with a title, a legend and a plot area.
struct SVGChart {
    let width: Double
    /// Charts whose rows follow a legend grow it once the legend is laid out.
    var height: Double
    let kind: String
    private(set) var body = ""
    /// The plot area, inside the margins.
    var left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    init(kind: String, width: Double = 600, height: Double = 340) {
        self.kind = kind
        self.width = width
        self.height = height
    }

    static func n(_ v: Double) -> String { SummaryText.decimal(v, 2) }
    static func esc(_ s: String) -> String { SummaryText.html(s) }

    mutating func raw(_ s: String) { body += s + "\n" }

    mutating func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", size: Double = 12,
                       weight: String? = nil, rotate: Bool = false, cls: String = "label") {
        var a = "x=\"\(SVGChart.n(x))\" y=\"\(SVGChart.n(y))\" font-size=\"\(SVGChart.n(size))\" text-anchor=\"\(anchor)\" class=\"\(cls)\""
        if let weight { a += " font-weight=\"\(weight)\"" }
        if rotate { a += " transform=\"rotate(-90 \(SVGChart.n(x)) \(SVGChart.n(y)))\"" }
        raw("<text \(a)>\(SVGChart.esc(s))</text>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#cccccc", width w: Double = 1) {
        raw("<line x1=\"\(SVGChart.n(x1))\" y1=\"\(SVGChart.n(y1))\" x2=\"\(SVGChart.n(x2))\" y2=\"\(SVGChart.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVGChart.n(w))\"/>")
    }

    /// A rectangle with `data-` attributes and a hover text.
    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, data: [(String, String)], hover: String) {
        let attributes = data.map { " data-\($0.0)=\"\(SVGChart.esc($0.1))\"" }.joined()
        raw("<rect x=\"\(SVGChart.n(x))\" y=\"\(SVGChart.n(y))\" width=\"\(SVGChart.n(max(0, w)))\" height=\"\(SVGChart.n(max(0, h)))\" fill=\"\(fill)\"\(attributes)><title>\(SVGChart.esc(hover))</title></rect>")
    }

    mutating func title(_ s: String) {
        text(left, 22, s, size: 15, weight: "600", cls: "title")
    }

    /// Axis titles: x below the plot, y along the left edge.
    mutating func axisLabels(x: String, y: String) {
        text(left + plotWidth / 2, height - 8, x, anchor: "middle", cls: "axis")
        text(14, top + plotHeight / 2, y, anchor: "middle", rotate: true, cls: "axis")
    }

    /// A legend of swatches across the top, wrapped into rows; moves the plot area down.
    mutating func legend(_ items: [(String, String)]) {
        var x = left
        var y = top
        for (name, colour) in items {
            let label = SummaryText.clip(name, 24)
            let w = 18 + Double(label.count) * 6.6 + 14
            if x + w > width - right && x > left {
                x = left
                y += 18
            }
            raw("<rect x=\"\(SVGChart.n(x))\" y=\"\(SVGChart.n(y - 9))\" width=\"12\" height=\"12\" fill=\"\(colour)\"><title>\(SVGChart.esc(name))</title></rect>")
            text(x + 17, y + 1, label, size: 11)
            x += w
        }
        top = y + 16
    }

    func svg(title: String) -> String {
        "<svg class=\"chart\" data-chart=\"\(kind)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVGChart.n(width)) \(SVGChart.n(height))\" width=\"\(SVGChart.n(width))\" height=\"\(SVGChart.n(height))\" role=\"img\" aria-label=\"\(SVGChart.esc(title))\">\n<title>\(SVGChart.esc(title))</title>\n"
            + body + "</svg>"
    }
}

/// Ticks for axes.
enum Ticks {
    /// 0 and multiples of 1, 2 or 5 × 10^k up to at least `maximum`, about `count` of them.
    static func linear(_ maximum: Double, count: Int = 5) -> [Double] {
        guard maximum > 0 else { return [0, 1] }
        let raw = maximum / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let steps = Int(ceil(maximum / step - 1e-9))
        return (0...max(1, steps)).map { Double($0) * step }
    }

    /// Powers of ten from below `low` to above `high`.
    static func decades(_ low: Double, _ high: Double) -> [Double] {
        let a = Int(floor(log10(max(low, 1e-12))))
        let b = Int(ceil(log10(max(high, low * 10))))
        return (a...max(a + 1, b)).map { pow(10, Double($0)) }
    }

    /// Round durations for a log axis, seconds: 1 µs … 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h, 10 h, 1 d.
    static let durationSteps: [Double] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 36000, 86400, 864000]

    static func durationLabel(_ s: Double) -> String {
        switch s {
        case ..<1e-3: return SummaryText.decimal(s * 1e6, 0) + " µs"
        case ..<1: return SummaryText.decimal(s * 1e3, 0) + " ms"
        case ..<60: return SummaryText.decimal(s, 0) + " s"
        case ..<3600: return SummaryText.decimal(s / 60, 0) + " min"
        case ..<86400: return SummaryText.decimal(s / 3600, 0) + " h"
        default: return SummaryText.decimal(s / 86400, 0) + " d"
        }
    }

    /// "1", "10", "1 k", "10 M", "1 G": SI prefixes for tick labels.
    static func si(_ v: Double) -> String { SummaryText.si(v) }
}
