@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// Rows written from the column tables: one at a time or in batches, every schema.
@Suite struct RowWritingTests {
    /// One packet per protocol, each its own flow, in time order.
    static func flows() throws -> FinishedFlows {
        let protocols: [UInt8] = [2, 50, 137, 253]
        let records = protocols.enumerated().map { i, proto in
            PcapRecord(seconds: 1_700_000_000 + Double(i), Build.ethernet(Build.ipv4(src: "192.0.2.\(i + 1)", dst: "198.51.100.7",
                                                                                 protocol: proto, payload: [1, 2, 3, 4])))
        }
        return try runFinishedFlows(records).flows
    }

    static let file = FileContext(sourceFile: "capture.pcap", appName: "app", appAction: "act")

    @Test func protocolColumnIsTheKeywordOrTheNumber() throws {
        let flows = try Self.flows()
        let out = CSVBuffer()
        Schema.basic.writeRows(flows, file: Self.file, to: out)
        let rows = String(decoding: out.bytes, as: UTF8.self).split(separator: "\n")
        let column = try #require(Schema.basic.columns.firstIndex { $0.name == "Protocol" })
        // IANA: 2 IGMP, 50 ESP, 137 MPLS-in-IP; 253 (experimentation) has no keyword.
        #expect(rows.map { $0.split(separator: ",", omittingEmptySubsequences: false)[column] } == ["IGMP", "ESP", "MPLS-in-IP", "253"])
    }

    @Test(arguments: Schema.allCases)
    func everyRowHasEveryColumn(_ schema: Schema) throws {
        let flows = try Self.flows()
        let batch = CSVBuffer()
        schema.writeRows(flows, file: Self.file, to: batch)
        let lines = String(decoding: batch.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == flows.count + 1 && lines.last == "")
        for line in lines.dropLast() {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == schema.columns.count)
        }
    }

    @Test func endReasonFieldsAreTheRawValues() {
        for reason in EndReason.allCases {
            #expect(reason.field.description == reason.rawValue)
        }
    }

    @Test func everyProtocolNumberHasItsField() {
        // The two-word packing holds each keyword whole; the keyword or the number per IANA.
        let names = ProtocolNames()
        for number in 0...255 {
            let buffer = CSVBuffer()
            buffer.protocolName(names, UInt8(number))
            buffer.int(7)  // the next field starts right after the name
            let expected = IPProtocol(rawValue: UInt8(number)).keyword ?? String(number)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected + ",7")
        }
        #expect(IPProtocol(rawValue: 6).keyword == "TCP" && IPProtocol(rawValue: 58).keyword == "ICMPv6")
    }
}
