import Foundation
import Testing

// NFStream conformance: the built `flowcsv --preset nfstream` on every capture of the shared
// corpus that has an NFStream reference (`refs/<capture>.nfstream.csv`: id,
// bidirectional_packets, bidirectional_bytes, … made by NFStreamer with its defaults), compared
// on flow counts and per-flow (packets, bytes). The differences and their causes:
// docs/nfstream-conformance.md. Skipped with a message when the corpus is absent.

@Suite(.enabled(if: ConformanceCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct NFStreamConformanceTests {
    /// NFStream's rule for IP fragments, as a BPF filter: it drops every IPv4 fragment with a
    /// non-zero offset (`packet_process`: `if ((frag_off & 0x1FFF) != 0) return 0;`) and, like
    /// nDPI, IPv6 ones (a Fragment header right after the IPv6 header with a non-zero offset).
    static let nfstreamFragmentRule =
        "not (ip and ip[6:2] & 0x1fff != 0) and not (ip6 and ip6[6] = 44 and ip6[42:2] & 0xfff8 != 0)"

    /// One flow as compared: its start (to order flows as NFStream numbers them) and its totals.
    struct Flow: Sendable, Hashable {
        var startNs: Int64
        var packets: Int
        var bytes: Int
        var totals: [Int] { [packets, bytes] }
    }

    struct Agreement: Sendable {
        var flows = 0
        var referenceFlows = 0
        /// Flows whose (packets, bytes) pair has an equal in the other list (multisets).
        var sameTotals = 0
        /// Flows equal to NFStream's flow of the same id, in NFStream's order (flows that start
        /// in the same microsecond compared as a group).
        var sameInOrder = 0
        var packets = 0
        var referencePackets = 0
        var bytes = 0
        var referenceBytes = 0

        var countAgrees: Bool { flows == referenceFlows }
        /// Every flow agrees, in NFStream's order.
        var isComplete: Bool { countAgrees && sameInOrder == referenceFlows }

        static func + (a: Agreement, b: Agreement) -> Agreement {
            Agreement(flows: a.flows + b.flows, referenceFlows: a.referenceFlows + b.referenceFlows,
                      sameTotals: a.sameTotals + b.sameTotals, sameInOrder: a.sameInOrder + b.sameInOrder,
                      packets: a.packets + b.packets, referencePackets: a.referencePackets + b.referencePackets,
                      bytes: a.bytes + b.bytes, referenceBytes: a.referenceBytes + b.referenceBytes)
        }
    }

    /// NFStream's flows in id order.
    static func reference(_ path: String) throws -> [Flow] {
        let table = try #require(CSVTable(text: try String(contentsOfFile: path, encoding: .utf8)), "\(path) is not CSV")
        return try table.rows.map { row in
            Flow(startNs: 0, packets: try #require(row.int("bidirectional_packets")),
                 bytes: try #require(row.int("bidirectional_bytes")))
        }
    }

    /// flowcsv's flows, in NFStream's order: NFStream numbers flows as they leave its cache,
    /// which at the end of a capture is the order they were created in (first packet time).
    static func run(_ capture: String, filter: String?) async throws -> [Flow]? {
        let arguments = ["--preset", "nfstream", ConformanceCorpus.capturePath(capture)] + (filter.map { ["--filter", $0] } ?? [])
        let result = try await FlowCSV.run(arguments, in: NSTemporaryDirectory())
        guard result.status == 0, let table = result.csv else {
            print("NFStreamConformanceTests: flowcsv \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            return nil
        }
        return try table.rows.map { row in
            Flow(startNs: try #require(decimalSecondsToNs(row["StartTime"])), packets: try #require(row.int("FlowPackets")),
                 bytes: try #require(row.int("FlowBytes")))
        }.enumerated().sorted { ($0.element.startNs, $0.offset) < ($1.element.startNs, $1.offset) }.map(\.element)
    }

    static func agreement(_ ours: [Flow], _ theirs: [Flow]) -> Agreement {
        var result = Agreement(flows: ours.count, referenceFlows: theirs.count)
        result.packets = ours.reduce(0) { $0 + $1.packets }
        result.bytes = ours.reduce(0) { $0 + $1.bytes }
        result.referencePackets = theirs.reduce(0) { $0 + $1.packets }
        result.referenceBytes = theirs.reduce(0) { $0 + $1.bytes }
        result.sameTotals = commonCount(ours.map(\.totals), theirs.map(\.totals))
        if ours.count == theirs.count {
            // Walk NFStream's list in the groups of flows that start together in flowcsv's.
            var start = 0
            while start < ours.count {
                var end = start + 1
                while end < ours.count && ours[end].startNs / 1000 == ours[start].startNs / 1000 { end += 1 }
                result.sameInOrder += commonCount(ours[start..<end].map(\.totals), theirs[start..<end].map(\.totals))
                start = end
            }
        }
        return result
    }

    /// Size of the multiset intersection.
    static func commonCount(_ a: [[Int]], _ b: [[Int]]) -> Int {
        var counts: [[Int]: Int] = [:]
        for item in a { counts[item, default: 0] += 1 }
        var common = 0
        for item in b where counts[item, default: 0] > 0 {
            counts[item]! -= 1
            common += 1
        }
        return common
    }

    @Test func flowsAgreeWithNFStream() async throws {
        let references = ConformanceCorpus.references().filter { $0.file.hasSuffix(".nfstream.csv") }
        try #require(!references.isEmpty, "the corpus has no NFStream reference")

        // Every capture, a few at a time; where flowcsv differs, again with NFStream's
        // fragment rule applied.
        var runs: [String: (plain: [Flow]?, fragmentRule: [Flow]?)] = [:]
        try await withThrowingTaskGroup(of: (String, [Flow]?, [Flow]?).self) { group in
            for reference in references {
                group.addTask {
                    let theirs = try Self.reference(ConformanceCorpus.referencePath(reference.file))
                    let plain = try await Self.run(reference.capture, filter: nil)
                    if let plain, Self.agreement(plain, theirs).isComplete { return (reference.capture, plain, plain) }
                    return (reference.capture, plain, try await Self.run(reference.capture, filter: Self.nfstreamFragmentRule))
                }
            }
            for try await (capture, plain, fragmentRule) in group { runs[capture] = (plain, fragmentRule) }
        }

        var lines = ["NFStreamConformanceTests: flowcsv --preset nfstream vs NFStream (flows, per-flow packets and bytes)", "",
                     markdownRow(["capture", "NFStream flows", "flowcsv flows", "same (pkts, bytes)", "in NFStream's order",
                                  "packets NFStream / flowcsv", "bytes NFStream / flowcsv", "in order, with NFStream's fragment rule"]),
                     markdownRow(Array(repeating: "---", count: 8))]
        var total = Agreement()
        var emulated = Agreement()
        var captures = 0
        var countsAgreeing = 0
        var differing: [String] = []
        for reference in references {
            let theirs = try Self.reference(ConformanceCorpus.referencePath(reference.file))
            let ours = try #require(runs[reference.capture]?.plain, "flowcsv failed on \(reference.capture)")
            let a = Self.agreement(ours, theirs)
            total = total + a
            captures += 1
            if a.countAgrees { countsAgreeing += 1 }
            if !a.isComplete { differing.append(reference.capture) }
            var emulatedCell = "flowcsv --filter failed"
            if let filtered = runs[reference.capture]?.fragmentRule {
                let e = Self.agreement(filtered, theirs)
                emulated = emulated + e
                emulatedCell = a.isComplete ? "(agrees without it)" : "\(e.sameInOrder)/\(e.referenceFlows)"
            }
            lines.append(markdownRow([reference.capture, "\(a.referenceFlows)", "\(a.flows)", "\(a.sameTotals)/\(a.referenceFlows)",
                                      a.countAgrees ? "\(a.sameInOrder)/\(a.referenceFlows)" : "–",
                                      "\(a.referencePackets) / \(a.packets)", "\(a.referenceBytes) / \(a.bytes)", emulatedCell]))
        }
        lines.append(markdownRow(["**total**", "\(total.referenceFlows)", "\(total.flows)", "\(total.sameTotals)/\(total.referenceFlows)",
                                  "\(total.sameInOrder)/\(total.referenceFlows)", "\(total.referencePackets) / \(total.packets)",
                                  "\(total.referenceBytes) / \(total.bytes)", "\(emulated.sameInOrder)/\(emulated.referenceFlows)"]))
        lines.append(markdownRow(["", "", "counts agree in \(countsAgreeing)/\(captures)", percent(total.sameTotals, total.referenceFlows),
                                  percent(total.sameInOrder, total.referenceFlows), "", "",
                                  percent(emulated.sameInOrder, emulated.referenceFlows)]))
        print(lines.joined(separator: "\n"))

        // What is reached today (docs/nfstream-conformance.md); a regression fails.
        // Exact counts: any change, better or worse, fails and is looked at. 13 captures,
        // 2281 flows, 2924 packets, 661 790 bytes, every flow equal and in NFStream's order.
        #expect(captures == 13 && countsAgreeing == 13, "flow counts agree in \(countsAgreeing)/\(captures) captures")
        #expect(total.referenceFlows == 2281 && total.flows == 2281, "flows: NFStream \(total.referenceFlows), flowcsv \(total.flows)")
        #expect(total.sameTotals == 2281, "per-flow (packets, bytes): \(total.sameTotals)/\(total.referenceFlows)")
        #expect(total.sameInOrder == 2281, "in NFStream's order: \(total.sameInOrder)/\(total.referenceFlows)")
        #expect(total.referencePackets == 2924 && total.packets == 2924 && total.referenceBytes == 661_790 && total.bytes == 661_790,
                "packets \(total.referencePackets) / \(total.packets), bytes \(total.referenceBytes) / \(total.bytes)")
        // Known differences, by capture: none.
        #expect(differing == [])
        // The rest is NFStream not counting non-first IP fragments: with that rule applied
        // (as a BPF filter) every flow agrees, in order.
        #expect(emulated.isComplete,
                "with NFStream's fragment rule: \(emulated.sameInOrder)/\(emulated.referenceFlows)")
    }
}
