/// A finished per-group traffic summary (``SummaryBuilder``): what `flowcsv summary` prints
/// and draws. docs/summary.md describes every figure.
public struct Summary: Sendable {
    /// The grouping columns (`--by`).
    public var groupBy: [String]
    /// Largest bytes first (flows when there are no bytes), ties by flows then by key.
    public var groups: [GroupSummary]
    /// Every flow together (key: "all").
    public var total: GroupSummary
    /// Which figures had their columns in at least one input.
    public var figures: Figures
    /// Figures left out and why, and other remarks about the inputs.
    public var notes: [String]
    public var inputs: [SummaryInput]
    /// Width of the bytes-over-time bins, seconds; `binStart`: the first bin's start (Unix s).
    public var binWidth: Double
    public var binStart: Double
    public var binCount: Int
    /// `--top`, and the counters each group keeps for its top servers (the error bound).
    public var top: Int
    public var serverCounters: Int
    /// The options the summary was made with, as (option, value), for the report.
    public var options: [(String, String)] = []

    public var isEmpty: Bool { total.flows == 0 }
}

/// Which figures could be computed (their columns were present).
public struct Figures: Sendable, Equatable {
    public var packets = false, bytes = false, fwdBytes = false, bwdBytes = false
    public var duration = false, start = false, protocols = false
    public var connStates = false, endReasons = false, servers = false
}

/// One input of a summary: a capture (read into flows) or a CSV (read back).
public struct SummaryInput: Sendable {
    public enum Kind: String, Sendable { case capture, csv }
    public var name: String
    public var kind: Kind
    /// Packets read (captures), or the sum of the rows' packets (CSVs; nil without the column).
    public var packets: Int?
    public var flows = 0
    /// Why it could not be read (entirely or in part), or warnings about it.
    public var error: String?
    public var warnings: [String] = []

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// A value and how many flows had it (a protocol, a ConnState, an EndReason).
public struct MixEntry: Sendable, Equatable {
    public var name: String
    public var flows: Int
}

/// A server and its bytes (Space-Saving: at most `error` too high; 0 = exact).
public struct ServerEntry: Sendable, Equatable {
    public var name: String
    public var bytes: Double
    public var error: Double
}

/// Median, 95th percentile and maximum of one figure over a group's flows.
public struct Quantiles: Sendable, Equatable {
    public var median: Double
    public var p95: Double
    public var max: Double
}

public struct GroupSummary: Sendable {
    public var key: [String]
    public var files = 0
    public var flows = 0
    public var packets = 0
    public var bytes = 0
    public var fwdBytes = 0
    public var bwdBytes = 0
    /// This group's part of all bytes (of all flows when there are no bytes), 0...1.
    public var share = 0.0
    /// Seconds.
    public var duration: Quantiles?
    /// Bytes (FlowBytes).
    public var size: Quantiles?
    public var protocols: [MixEntry] = []
    public var connStates: [MixEntry] = []
    public var endReasons: [MixEntry] = []
    public var topServers: [ServerEntry] = []
    /// Unix seconds: the first flow's start, the last flow's end.
    public var firstSeen: Double?
    public var lastSeen: Double?
    /// Bytes per time bin (``Summary/binStart``, ``Summary/binWidth``), ``Summary/binCount`` of them.
    public var bins: [Double] = []
    /// (value, fraction of flows ≤ value), ascending, from the histogram's buckets.
    public var sizeCDF: [(Double, Double)] = []
    public var durationCDF: [(Double, Double)] = []

    public var label: String { key.joined(separator: " / ") }
}
