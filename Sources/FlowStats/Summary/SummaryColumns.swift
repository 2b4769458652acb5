/// Where a summary finds each of its inputs in a CSV header: flowcsv's own names (schemas
/// basic, extended, full, with or without the application-metadata columns), else the zeek or
/// nfstream schema's. A figure whose columns are absent is left out, with a note.
struct SummaryColumns {
    /// A value read from one column, or the sum of two (zeek's orig + resp), with a scale to
    /// seconds or bytes.
    struct Source {
        var columns: [Int]
        var scale = 1.0
        var name: String

        func value(_ row: CSVRow) -> Double? {
            var total = 0.0
            for column in columns {
                guard column < row.count, let v = row.double(column) else { return nil }
                total += v
            }
            return total * scale
        }
    }

    var group: [Int]
    var start: Source?
    var duration: Source?
    var packets: Source?
    var bytes: Source?
    var fwdBytes: Source?
    var bwdBytes: Source?
    var proto: Int?
    var connState: Int?
    var endReason: Int?
    var serverName: Int?
    var serverIP: Int?
    var serverPort: Int?
    var sourceFile: Int?
    var notes: [String] = []

    /// Alternative header names of each figure's column, best first. A name with `+` sums
    /// two columns; `*0.001` scales milliseconds to seconds.
    static let aliases: [String: [String]] = [
        "StartTime": ["StartTime", "ts", "bidirectional_first_seen_ms*0.001"],
        "DurationTime": ["DurationTime", "duration", "bidirectional_duration_ms*0.001"],
        "FlowPackets": ["FlowPackets", "orig_pkts+resp_pkts", "bidirectional_packets"],
        "FlowBytes": ["FlowBytes", "orig_ip_bytes+resp_ip_bytes", "bidirectional_bytes"],
        "FwdBytes": ["FwdBytes", "orig_ip_bytes", "src2dst_bytes"],
        "BwdBytes": ["BwdBytes", "resp_ip_bytes", "dst2src_bytes"],
        "Protocol": ["Protocol", "proto", "protocol"],
        "ConnState": ["ConnState", "conn_state"],
        "EndReason": ["EndReason"],
        "ServerName": ["ServerName", "requested_server_name"],
        "ServerIP": ["ServerIP", "id.resp_h", "dst_ip"],
        "ServerPort": ["ServerPort", "id.resp_p", "dst_port"],
        "SourceFile": ["SourceFile"],
        "Service": ["Service", "service", "application_name"],
    ]

    /// The column index of `name` (or an alias of it) in `header`.
    static func index(of name: String, in header: [String: Int]) -> Int? {
        if let exact = header[name] { return exact }
        for alias in aliases[name] ?? [] where !alias.contains("+") && !alias.contains("*") {
            if let i = header[alias] { return i }
        }
        return nil
    }

    static func source(_ name: String, in header: [String: Int]) -> Source? {
        for alias in aliases[name] ?? [name] {
            var spelled = Substring(alias)
            var scale = 1.0
            if let star = spelled.firstIndex(of: "*") {
                scale = Double(spelled[spelled.index(after: star)...]) ?? 1
                spelled = spelled[..<star]
            }
            let parts = spelled.split(separator: "+").map(String.init)
            let columns = parts.compactMap { header[$0] }
            if columns.count == parts.count { return Source(columns: columns, scale: scale, name: String(spelled)) }
        }
        return nil
    }

    /// Maps `header` for grouping by `by`; throws when a grouping column is absent or the CSV
    /// has none of the columns flowcsv writes.
    init(header names: [String], by: [String], file: String) throws(SummaryError) {
        var header: [String: Int] = [:]
        for (i, name) in names.enumerated() where header[name] == nil { header[name] = i }
        var group: [Int] = []
        for name in by {
            guard let i = SummaryColumns.index(of: name, in: header) else {
                let known = ["FlowBytes", "FlowPackets", "StartTime", "orig_ip_bytes", "bidirectional_bytes"].contains { header[$0] != nil }
                throw SummaryError("\(file): \(known ? "" : "not a flowcsv CSV? ")no column \(name) to group by (--by \(by.joined(separator: ",")))")
            }
            group.append(i)
        }
        self.group = group
        start = SummaryColumns.source("StartTime", in: header)
        duration = SummaryColumns.source("DurationTime", in: header)
        packets = SummaryColumns.source("FlowPackets", in: header)
        bytes = SummaryColumns.source("FlowBytes", in: header)
        fwdBytes = SummaryColumns.source("FwdBytes", in: header)
        bwdBytes = SummaryColumns.source("BwdBytes", in: header)
        proto = SummaryColumns.index(of: "Protocol", in: header)
        connState = SummaryColumns.index(of: "ConnState", in: header)
        endReason = SummaryColumns.index(of: "EndReason", in: header)
        serverName = SummaryColumns.index(of: "ServerName", in: header)
        serverIP = SummaryColumns.index(of: "ServerIP", in: header)
        serverPort = SummaryColumns.index(of: "ServerPort", in: header)
        sourceFile = SummaryColumns.index(of: "SourceFile", in: header)
        if start == nil && duration == nil && packets == nil && bytes == nil && proto == nil {
            throw SummaryError("\(file): not a flowcsv CSV: none of the columns StartTime, DurationTime, FlowPackets, FlowBytes, Protocol")
        }
        func note(_ figure: String, _ column: String, _ present: Bool) {
            if !present { notes.append("figure \(figure) left out: no column \(column) in \(file)") }
        }
        note("Packets", "FlowPackets", packets != nil)
        note("Bytes, Share, Size and bytes over time", "FlowBytes", bytes != nil)
        note("FwdBytes", "FwdBytes", fwdBytes != nil)
        note("BwdBytes", "BwdBytes", bwdBytes != nil)
        note("Duration", "DurationTime", duration != nil)
        note("FirstSeen, LastSeen and bytes over time", "StartTime", start != nil)
        note("Protocols", "Protocol", proto != nil)
        note("ConnStates", "ConnState", connState != nil)
        note("EndReasons", "EndReason", endReason != nil)
        note("TopServers", "ServerIP", serverIP != nil || serverName != nil)
        if sourceFile == nil { notes.append("Files counts the CSV files (no column SourceFile in \(file))") }
    }
}

/// A problem that stops a summary (a CSV it cannot use), as one line naming the file.
public struct SummaryError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
