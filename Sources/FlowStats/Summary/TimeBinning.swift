/// Bins of equal width for bytes over time, chosen from the span of the data: the narrowest
/// width of a fixed ladder (1 ms, 2 ms, 10 ms, 20 ms, 100 ms, 200 ms, 1 s, 2 s, 10 s, 20 s,
/// 1 min, 2 min, 10 min, 20 min, 1 h, 2 h, 6 h, 12 h, 1 d, then doubling) at which every time
/// seen fits in ``maxBins`` bins. Each width is a multiple of the one before, and bins start at
/// multiples of their width since 1970, so coarsening merges whole bins: the data are kept
/// per bin as they arrive, never per flow.
struct TimeBinning {
    static let ladder: [Int64] = [
        1_000, 2_000, 10_000, 20_000, 100_000, 200_000, 1_000_000, 2_000_000, 10_000_000, 20_000_000,
        60_000_000, 120_000_000, 600_000_000, 1_200_000_000, 3_600_000_000, 7_200_000_000,
        21_600_000_000, 43_200_000_000, 86_400_000_000,
    ]
    let maxBins: Int
    private(set) var widthMicros: Int64 = TimeBinning.ladder[0]
    private var level = 0
    /// The first and last bin index that holds data.
    private(set) var low: Int64?
    private(set) var high: Int64?

    init(maxBins: Int) { self.maxBins = max(2, maxBins) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    func bin(_ micros: Int64) -> Int64 { TimeBinning.floorDiv(micros, widthMicros) }

    /// Takes in the span [start, end] (µs since 1970). Returns the factor by which bins were
    /// coarsened (1: the width did not change): bin i becomes bin floorDiv(i, factor).
    mutating func include(start: Int64, end: Int64) -> Int64 {
        var factor: Int64 = 1
        while true {
            let lo = min(low ?? bin(start), bin(start))
            let hi = max(high ?? bin(end), bin(end))
            if hi - lo < Int64(maxBins) {
                low = lo
                high = hi
                return factor
            }
            let next = level + 1 < TimeBinning.ladder.count ? TimeBinning.ladder[level + 1] : widthMicros * 2
            let step = next / widthMicros
            factor *= step
            level += 1
            widthMicros = next
            if let l = low, let h = high {
                low = TimeBinning.floorDiv(l, step)
                high = TimeBinning.floorDiv(h, step)
            }
        }
    }

    /// Spreads `amount` over the bins that [start, end] overlaps, in proportion to the overlap
    /// (all of it in one bin when start == end).
    func spread(_ amount: Double, start: Int64, end: Int64, into bins: inout [Int64: Double]) {
        let first = bin(start)
        let last = bin(end)
        if first == last || end <= start {
            bins[first, default: 0] += amount
            return
        }
        let span = Double(end - start)
        for b in first...last {
            let from = max(start, b * widthMicros)
            let to = min(end, (b + 1) * widthMicros)
            if to > from { bins[b, default: 0] += amount * Double(to - from) / span }
        }
    }

    /// Re-keys `bins` after a coarsening by `factor`.
    static func coarsen(_ bins: inout [Int64: Double], by factor: Int64) {
        guard factor > 1 else { return }
        var merged: [Int64: Double] = [:]
        // In bin order, so the sums (and the output) never depend on hash order.
        for b in bins.keys.sorted() { merged[floorDiv(b, factor), default: 0] += bins[b]! }
        bins = merged
    }
}
