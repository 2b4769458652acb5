import Histogram

/// The values of one figure (flow size, or duration in µs) over a group's flows: the first
/// ``exactLimit`` values kept as they are (exact quantiles; a group with few flows costs a few
/// hundred bytes, so summaries with very many small groups stay small), then an HdrHistogram with
/// 2 significant digits (a quantile at most 1/128 above the exact one).
struct Distribution {
    static let exactLimit = 128
    private var exact: [UInt64] = []
    private var histogram: Histogram<UInt64>?
    private(set) var count = 0

    mutating func record(_ value: UInt64) {
        count += 1
        if var h = histogram {
            histogram = nil  // keep the histogram uniquely referenced while it is written
            _ = h.record(value)
            histogram = h
            return
        }
        exact.append(value)
        if exact.count > Distribution.exactLimit {
            var h = Histogram<UInt64>(numberOfSignificantValueDigits: .two)
            h.autoResize = true
            for v in exact { _ = h.record(v) }
            exact = []
            histogram = h
        }
    }

    /// The k-th smallest value, k = ⌈percentile / 100 · n⌉ (at least 1), as HdrHistogram's
    /// `valueAtPercentile` counts it (there: rounded up to its bucket's top).
    func value(atPercentile percentile: Double) -> UInt64 {
        if let histogram { return histogram.valueAtPercentile(percentile) }
        guard !exact.isEmpty else { return 0 }
        let sorted = exact.sorted()
        if percentile >= 100 { return sorted[sorted.count - 1] }
        let k = max(1, Int(((percentile.nextDown * Double(sorted.count)) / 100).rounded(.up)))
        return sorted[min(k, sorted.count) - 1]
    }

    /// (value, share of values ≤ it) at every distinct value or histogram bucket, ascending.
    func cdf() -> [(UInt64, Double)] {
        guard count > 0 else { return [] }
        let total = Double(count)
        if let histogram {
            return histogram.recordedValues().map { ($0.value, Double($0.totalCountToThisValue) / total) }
        }
        var points: [(UInt64, Double)] = []
        for (i, v) in exact.sorted().enumerated() {
            if let last = points.last, last.0 == v { points.removeLast() }
            points.append((v, Double(i + 1) / total))
        }
        return points
    }
}
