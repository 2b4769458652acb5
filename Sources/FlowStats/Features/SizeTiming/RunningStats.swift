/// Count, minimum, maximum, mean and standard deviation of a series, kept with Welford's
/// online algorithm: no samples are stored, and the result is numerically stable.
///
/// Definitions for every n: with n = 0 all values are 0; with n = 1 min = max = mean = the
/// value and std = 0. `std` is the *population* standard deviation (divides by n);
/// `sampleStd` and `sampleVariance` divide by n − 1 (0 for n < 2), as CICFlowMeter does.
/// The one Welford implementation of the package: every group keeps its series in it.
public struct RunningStats: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var min = 0.0
    public private(set) var max = 0.0
    public private(set) var mean = 0.0
    private var m2 = 0.0

    public init() {}

    @inline(__always)
    public mutating func add(_ x: Double) {
        count += 1
        if count == 1 {
            min = x
            max = x
            mean = x
            return
        }
        if x < min { min = x }
        if x > max { max = x }
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    /// Population standard deviation.
    public var std: Double { count > 1 ? (m2 / Double(count)).squareRoot() : 0 }
    /// Population variance (divides by n); 0 for fewer than 2 values.
    public var variance: Double { count > 1 ? m2 / Double(count) : 0 }
    /// Sample variance (divides by n − 1); 0 for fewer than 2 values.
    public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    /// Sample standard deviation (divides by n − 1); 0 for fewer than 2 values.
    public var sampleStd: Double { sampleVariance.squareRoot() }
}

/// Packet-size and inter-arrival statistics of one direction.
public struct DirectionStats: Sendable, Equatable {
    /// Wire lengths of the packets, bytes.
    public var size = RunningStats()
    /// Times between consecutive packets of this direction, seconds.
    public var interArrival = RunningStats()
    var lastNs: Int64 = 0

    @inline(__always)
    mutating func add(wireLength: Int, at ns: Int64) {
        if size.count > 0 { interArrival.add(Double(ns - lastNs) / 1e9) }
        size.add(Double(wireLength))
        lastNs = ns
    }
}
