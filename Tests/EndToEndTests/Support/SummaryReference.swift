// An independent per-group computation over flowcsv's CSV rows, for checking `flowcsv summary`:
// plain arrays and dictionaries, exact order statistics, no sketches.

import Foundation
import Testing

struct ReferenceGroup {
    var files: Set<String> = []
    var flows = 0
    var packets = 0
    var bytes = 0
    var fwdBytes = 0
    var bwdBytes = 0
    var sizes: [Double] = []
    var durations: [Double] = []
    var protocols: [String: Int] = [:]
    var connStates: [String: Int] = [:]
    var endReasons: [String: Int] = [:]
    var servers: [String: Double] = [:]
    var first = Double.infinity
    var last = -Double.infinity

    /// The k-th smallest with k = ⌈p·n⌉ (at least 1): the order statistic HdrHistogram reports.
    static func orderStatistic(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let k = max(1, Int((p * Double(sorted.count) - 1e-9).rounded(.up)))
        return sorted[k - 1]
    }

    /// "TCP=3;UDP=1": most flows first, ties by name (the summary's CSV spelling).
    static func mix(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    func topServers(_ n: Int) -> String {
        servers.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(n)
            .map { "\($0.key)=\(Int($0.value))" }.joined(separator: ";")
    }
}

enum SummaryReference {
    /// Groups `table`'s rows by the columns `by` (key: the values joined with "/").
    static func group(_ table: CSVTable, by: [String]) -> [String: ReferenceGroup] {
        var groups: [String: ReferenceGroup] = [:]
        let hasServerName = table.header.contains("ServerName")
        for row in table.rows {
            let key = by.map { row[$0] }.joined(separator: "/")
            var g = groups[key] ?? ReferenceGroup()
            g.files.insert(row["SourceFile"])
            g.flows += 1
            g.packets += Int(row["FlowPackets"])!
            let bytes = Int(row["FlowBytes"])!
            g.bytes += bytes
            g.fwdBytes += Int(row["FwdBytes"])!
            g.bwdBytes += Int(row["BwdBytes"])!
            g.sizes.append(Double(bytes))
            let duration = Double(row["DurationTime"])!
            g.durations.append(duration)
            g.protocols[row["Protocol"], default: 0] += 1
            g.connStates[row["ConnState"], default: 0] += 1
            g.endReasons[row["EndReason"], default: 0] += 1
            var server = hasServerName ? row["ServerName"] : ""
            if server.isEmpty {
                let ip = row["ServerIP"]
                server = (ip.contains(":") ? "[\(ip)]" : ip) + ":" + row["ServerPort"]
            }
            g.servers[server, default: 0] += Double(bytes)
            let start = Double(row["StartTime"])!
            g.first = min(g.first, start)
            g.last = max(g.last, start + duration)
            groups[key] = g
        }
        return groups
    }

    /// Checks the summary's CSV (`summary`) against the reference groups of `rows`.
    static func check(summary: CSVTable, rows: CSVTable, by: [String], top: Int = 5,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = group(rows, by: by)
        #expect(summary.rows.count == expected.count, "groups", sourceLocation: sourceLocation)
        let totalBytes = expected.values.reduce(0) { $0 + $1.bytes }
        var previousBytes = Int.max
        for row in summary.rows {
            let key = by.map { row[$0] }.joined(separator: "/")
            guard let g = expected[key] else {
                Issue.record("summary has a group \(key) the rows don't have", sourceLocation: sourceLocation)
                continue
            }
            let context = "group \(key)"
            #expect(row.int("Files") == g.files.count, "\(context) Files", sourceLocation: sourceLocation)
            #expect(row.int("Flows") == g.flows, "\(context) Flows", sourceLocation: sourceLocation)
            #expect(row.int("Packets") == g.packets, "\(context) Packets", sourceLocation: sourceLocation)
            #expect(row.int("Bytes") == g.bytes, "\(context) Bytes", sourceLocation: sourceLocation)
            #expect(row.int("FwdBytes") == g.fwdBytes, "\(context) FwdBytes", sourceLocation: sourceLocation)
            #expect(row.int("BwdBytes") == g.bwdBytes, "\(context) BwdBytes", sourceLocation: sourceLocation)
            #expect(abs(Double(row["Share"])! - Double(g.bytes) / Double(max(1, totalBytes))) <= 1e-6, "\(context) Share", sourceLocation: sourceLocation)
            #expect(row.int("Bytes")! <= previousBytes, "groups in bytes order", sourceLocation: sourceLocation)
            previousBytes = row.int("Bytes")!
            // Quantiles: never below the exact order statistic, at most 1/128 above it (durations
            // are kept in whole microseconds: ±0.5 µs more).
            for (column, values, slack) in [("Size", g.sizes, 0.0), ("Duration", g.durations, 1e-6)] {
                for (name, p) in [("Median", 0.5), ("P95", 0.95)] {
                    let exact = ReferenceGroup.orderStatistic(values, p)
                    let got = Double(row[column + name])!
                    #expect(got >= exact - slack && got <= exact * (1 + 1.0 / 128) + slack,
                            "\(context) \(column)\(name) \(got) vs exact \(exact)", sourceLocation: sourceLocation)
                }
                // Exact, written to 6 decimals (nanosecond captures have 9).
                #expect(abs(Double(row[column + "Max"])! - values.max()!) <= 5.01e-7, "\(context) \(column)Max", sourceLocation: sourceLocation)
            }
            #expect(row["Protocols"] == ReferenceGroup.mix(g.protocols), "\(context) Protocols", sourceLocation: sourceLocation)
            #expect(row["ConnStates"] == ReferenceGroup.mix(g.connStates), "\(context) ConnStates", sourceLocation: sourceLocation)
            #expect(row["EndReasons"] == ReferenceGroup.mix(g.endReasons), "\(context) EndReasons", sourceLocation: sourceLocation)
            // Fewer distinct servers than the 64 Space-Saving counters: exact.
            if g.servers.count <= 64 {
                #expect(row["TopServers"] == g.topServers(top), "\(context) TopServers", sourceLocation: sourceLocation)
            }
            #expect(abs(Double(row["FirstSeen"])! - g.first) <= 1e-6, "\(context) FirstSeen", sourceLocation: sourceLocation)
            #expect(abs(Double(row["LastSeen"])! - g.last) <= 1e-6, "\(context) LastSeen", sourceLocation: sourceLocation)
        }
    }
}
