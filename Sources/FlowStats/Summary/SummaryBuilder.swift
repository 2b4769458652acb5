/// What to group by and how much to keep.
public struct SummaryOptions: Sendable {
    /// Grouping columns, e.g. ["AppName"] or ["AppName", "AppAction"].
    public var by: [String] = ["AppName"]
    /// Top servers listed per group.
    public var top = 5
    /// At most this many bytes-over-time bins.
    public var maxBins = 120
    /// Space-Saving counters per group for the top servers (the error bound is bytes / this).
    public var serverCounters: Int { max(64, 8 * top) }
    /// Groups whose CDFs are computed (the report draws the first 8).
    static let cdfGroups = 8

    public init() {}
}

/// Builds a ``Summary`` from flowcsv CSV rows, streamed: memory grows with the number of
/// groups (each: two HdrHistograms, ``SummaryOptions/serverCounters`` server counters, at
/// most ``SummaryOptions/maxBins`` time bins, the distinct values of the mixes), never with
/// the number of rows.
///
/// Quantiles are exact while a group has at most ``Distribution/exactLimit`` flows, then come
/// from HdrHistograms with 2 significant digits: a reported median or p95 is the exact order
/// statistic rounded up to its bucket's top, at most 1/128 (< 1 %) above it (durations are first
/// rounded to whole microseconds). Maxima are exact.
public final class SummaryBuilder {
    public let options: SummaryOptions
    private var groups: [Group] = []
    private var index: [String: Int] = [:]
    private var totals: Group
    private var binning: TimeBinning
    private var figures = Figures()
    private var notes: [String] = []
    private var inputs: [SummaryInput] = []
    // The input being read.
    private var reader = CSVRowReader()
    private var columns: SummaryColumns?
    private var rowPackets = 0
    private var hasRowPackets = false
    private var lastFileBytes: [UInt8] = []
    private var lastFile = ""

    public init(options: SummaryOptions) {
        self.options = options
        binning = TimeBinning(maxBins: options.maxBins)
        totals = Group(key: ["all"], serverCounters: options.serverCounters)
    }

    /// Starts an input whose CSV text (header first) follows through ``feed(_:)``.
    public func beginInput(_ name: String, kind: SummaryInput.Kind) {
        inputs.append(SummaryInput(name: name, kind: kind))
        reader = CSVRowReader()
        columns = nil
        rowPackets = 0
        hasRowPackets = false
    }

    /// Reads more of the current input's CSV text.
    public func feed(_ chunk: UnsafeRawBufferPointer) throws(SummaryError) {
        try reader.feed(chunk) { (row: CSVRow) throws(SummaryError) in try self.take(row) }
    }

    public func feed(_ bytes: [UInt8]) throws(SummaryError) {
        var failure: SummaryError?
        bytes.withUnsafeBytes { raw in
            do throws(SummaryError) { try self.feed(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Ends the current input. `packets`: what the capture reader counted (nil for a CSV: the
    /// rows' FlowPackets are summed); `error` and `warnings` go to the inputs list.
    public func endInput(packets: Int? = nil, error: String? = nil, warnings: [String] = []) throws(SummaryError) {
        let name = inputs.last?.name ?? "input"
        let complete = try reader.finish { (row: CSVRow) throws(SummaryError) in try self.take(row) }
        if !complete { throw SummaryError("\(name): ends inside a quoted field (after row \(reader.rows))") }
        if let columns {
            for note in columns.notes where !notes.contains(note) { notes.append(note) }
        } else if error == nil, inputs.last?.kind == .csv {
            notes.append("\(name) is empty: no header, no rows")
        }
        inputs[inputs.count - 1].packets = packets ?? (hasRowPackets ? rowPackets : nil)
        inputs[inputs.count - 1].error = error
        inputs[inputs.count - 1].warnings = warnings
    }

    private func take(_ row: CSVRow) throws(SummaryError) {
        guard let columns else {
            let name = inputs.last?.name ?? "input"
            var mapped = try SummaryColumns(header: row.strings, by: options.by, file: name)
            if inputs.last?.kind == .capture { mapped.notes.removeAll() }  // our own schema: nothing to say per file
            columns = mapped
            return
        }
        add(row, columns)
    }

    private func add(_ row: CSVRow, _ c: SummaryColumns) {
        var key = ""
        for (n, i) in c.group.enumerated() {
            if n > 0 { key.append("\u{1F}") }
            if i < row.count { key.append(row.string(i)) }
        }
        let g: Int
        if let found = index[key] {
            g = found
        } else {
            g = groups.count
            index[key] = g
            let parts = c.group.map { $0 < row.count ? row.string($0) : "" }
            groups.append(Group(key: parts, serverCounters: options.serverCounters))
        }
        var flow = FlowValues()
        flow.packets = c.packets?.value(row)
        flow.bytes = c.bytes?.value(row)
        flow.fwd = c.fwdBytes?.value(row)
        flow.bwd = c.bwdBytes?.value(row)
        flow.duration = c.duration?.value(row)
        flow.start = c.start?.value(row)
        if let i = c.proto, i < row.count { flow.proto = row.string(i) }
        if let i = c.connState, i < row.count { flow.connState = row.string(i) }
        if let i = c.endReason, i < row.count { flow.endReason = row.string(i) }
        if let i = c.sourceFile, i < row.count {
            // Rows come file by file: reuse the previous row's string while the bytes repeat.
            let field = row[i]
            if !field.elementsEqual(lastFileBytes) {
                lastFileBytes = Array(field)
                lastFile = row.string(i)
            }
            flow.file = lastFile
        } else {
            flow.file = inputs.last?.name
        }
        flow.server = server(row, c)
        figures.packets = figures.packets || c.packets != nil
        figures.bytes = figures.bytes || c.bytes != nil
        figures.fwdBytes = figures.fwdBytes || c.fwdBytes != nil
        figures.bwdBytes = figures.bwdBytes || c.bwdBytes != nil
        figures.duration = figures.duration || c.duration != nil
        figures.start = figures.start || c.start != nil
        figures.protocols = figures.protocols || c.proto != nil
        figures.connStates = figures.connStates || c.connState != nil
        figures.endReasons = figures.endReasons || c.endReason != nil
        figures.servers = figures.servers || c.serverIP != nil || c.serverName != nil
        if let p = flow.packets {
            rowPackets += Int(p)
            hasRowPackets = true
        }
        inputs[inputs.count - 1].flows += 1

        // Time bins: coarsen everything first when this flow widens the span too much.
        if let start = flow.start, flow.bytes != nil {
            let s = Int64((start * 1e6).rounded())
            let e = s + Int64(((flow.duration ?? 0) * 1e6).rounded())
            let factor = binning.include(start: s, end: e)
            if factor > 1 {
                for k in groups.indices { TimeBinning.coarsen(&groups[k].bins, by: factor) }
            }
            flow.span = (s, e)
        }
        groups[g].add(flow, binning: binning)
        totals.add(flow, binning: nil)
    }

    private func server(_ row: CSVRow, _ c: SummaryColumns) -> String? {
        if let i = c.serverName, i < row.count, !row[i].isEmpty { return row.string(i) }
        guard let i = c.serverIP, i < row.count, !row[i].isEmpty else { return nil }
        let ip = row.string(i)
        guard let p = c.serverPort, p < row.count, !row[p].isEmpty else { return ip }
        return (row[i].contains(UInt8(ascii: ":")) ? "[\(ip)]" : ip) + ":" + row.string(p)
    }

    /// The summary of everything read.
    public func finish() -> Summary {
        let totalBytes = totals.bytes
        let totalFlows = totals.flows
        var out: [(GroupSummary, Int)] = groups.enumerated().map { n, group in
            var s = group.summary(top: options.top, figures: figures)
            s.share = figures.bytes ? (totalBytes > 0 ? Double(group.bytes) / Double(totalBytes) : 0)
                : (totalFlows > 0 ? Double(group.flows) / Double(totalFlows) : 0)
            if let low = binning.low, let high = binning.high {
                s.bins = (low...high).map { group.bins[$0] ?? 0 }
            }
            return (s, n)
        }
        out.sort { x, y in
            let (a, b) = (x.0, y.0)
            if a.bytes != b.bytes { return a.bytes > b.bytes }
            if a.flows != b.flows { return a.flows > b.flows }
            return a.key.lexicographicallyPrecedes(b.key) { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        for i in out.indices.prefix(SummaryOptions.cdfGroups) { groups[out[i].1].addCDFs(to: &out[i].0) }
        var total = totals.summary(top: options.top, figures: figures)
        total.share = totalFlows > 0 ? 1 : 0
        total.files = Set(groups.flatMap(\.files)).count
        var notes = self.notes
        if totalFlows == 0 { notes.insert("empty summary: the inputs held no flows", at: 0) }
        let width = Double(binning.widthMicros) / 1e6
        return Summary(groupBy: options.by, groups: out.map(\.0), total: total, figures: figures, notes: notes, inputs: inputs,
                       binWidth: width, binStart: binning.low.map { Double($0) * width } ?? 0,
                       binCount: binning.low.map { Int(binning.high! - $0 + 1) } ?? 0,
                       top: options.top, serverCounters: options.serverCounters)
    }
}

/// One row's values, as far as its CSV had them.
struct FlowValues {
    var packets: Double?
    var bytes: Double?
    var fwd: Double?
    var bwd: Double?
    var duration: Double?
    var start: Double?
    var span: (Int64, Int64)?
    var proto: String?
    var connState: String?
    var endReason: String?
    var server: String?
    var file: String?
}

/// What one group accumulates.
struct Group {
    static let maxMixValues = 64
    let key: [String]
    var files: Set<String> = []
    /// The file of the previous flow (rows come file by file: most inserts are skipped).
    var lastFile: String?
    var flows = 0
    var packets = 0
    var bytes = 0
    var fwdBytes = 0
    var bwdBytes = 0
    var durations = Distribution()
    var sizes = Distribution()
    var durationMax = 0.0
    var sizeMax = 0.0
    var protocols: [String: Int] = [:]
    var connStates: [String: Int] = [:]
    var endReasons: [String: Int] = [:]
    var servers: SpaceSaving
    var first: Double?
    var last: Double?
    var bins: [Int64: Double] = [:]

    init(key: [String], serverCounters: Int) {
        self.key = key
        servers = SpaceSaving(capacity: serverCounters)
    }

    static func count(_ value: String?, in mix: inout [String: Int]) {
        guard let value else { return }
        if mix.count < maxMixValues || mix[value] != nil { mix[value, default: 0] += 1 } else { mix["other", default: 0] += 1 }
    }

    mutating func add(_ f: FlowValues, binning: TimeBinning?) {
        flows += 1
        if let file = f.file, file != lastFile, files.count < 1 << 16 {
            files.insert(file)
            lastFile = file
        }
        if let p = f.packets { packets += Int(p) }
        if let b = f.bytes {
            bytes += Int(b)
            sizes.record(UInt64(max(0, b)))
            sizeMax = max(sizeMax, b)
            if let server = f.server { servers.add(server, weight: b) }
        }
        if let b = f.fwd { fwdBytes += Int(b) }
        if let b = f.bwd { bwdBytes += Int(b) }
        if let d = f.duration {
            durations.record(UInt64(max(0, (d * 1e6).rounded())))
            durationMax = max(durationMax, d)
        }
        if let s = f.start {
            first = min(first ?? s, s)
            let end = s + (f.duration ?? 0)
            last = max(last ?? end, end)
        }
        Group.count(f.proto, in: &protocols)
        Group.count(f.connState, in: &connStates)
        Group.count(f.endReason, in: &endReasons)
        if let binning, let span = f.span, let b = f.bytes {
            binning.spread(b, start: span.0, end: span.1, into: &bins)
        }
    }

    static func mix(_ counts: [String: Int]) -> [MixEntry] {
        counts.map { MixEntry(name: $0.key, flows: $0.value) }
            .sorted { $0.flows != $1.flows ? $0.flows > $1.flows : $0.name < $1.name }
    }

    static func quantiles(_ d: Distribution, max: Double, scale: Double) -> Quantiles? {
        guard d.count > 0 else { return nil }
        return Quantiles(median: Double(d.value(atPercentile: 50)) * scale, p95: Double(d.value(atPercentile: 95)) * scale, max: max)
    }

    /// (value, cumulative fraction) at every distinct value or bucket, thinned to at most 200 points.
    static func cdf(_ d: Distribution, scale: Double) -> [(Double, Double)] {
        var points = d.cdf().map { (Double($0.0) * scale, $0.1) }
        if points.count > 200 {
            let step = Double(points.count - 1) / 199
            points = (0..<200).map { points[Int((Double($0) * step).rounded())] }
        }
        return points
    }

    /// The step lines of the report's CDF plots (only the groups drawn need them).
    func addCDFs(to s: inout GroupSummary) {
        s.durationCDF = Group.cdf(durations, scale: 1e-6)
        s.sizeCDF = Group.cdf(sizes, scale: 1)
    }

    func summary(top: Int, figures: Figures) -> GroupSummary {
        var s = GroupSummary(key: key)
        s.files = files.count
        s.flows = flows
        s.packets = packets
        s.bytes = bytes
        s.fwdBytes = fwdBytes
        s.bwdBytes = bwdBytes
        s.duration = Group.quantiles(durations, max: durationMax, scale: 1e-6)
        s.size = Group.quantiles(sizes, max: sizeMax, scale: 1)
        s.protocols = Group.mix(protocols)
        s.connStates = Group.mix(connStates)
        s.endReasons = Group.mix(endReasons)
        s.topServers = servers.top(top).map { ServerEntry(name: $0.key, bytes: $0.count, error: $0.error) }
        s.firstSeen = first
        s.lastSeen = last
        return s
    }
}
