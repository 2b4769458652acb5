@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// `--label-rules`: parsing (every error names its line), addresses, ports, protocols, time
/// windows with zones, first match, default and attempted. Flows are built packet by packet;
/// expected labels follow from the rule text by hand. Epoch seconds come from `date -u -d`.
@Suite struct LabelRulesTests {
    static func rules(_ text: String) throws(LabelOptionError) -> LabelRules { try LabelRules(text: text, path: "rules.txt") }

    /// A UDP exchange between any two addresses (IPv4 or IPv6), 20 bytes each way.
    static func udp(_ t: Double, _ src: String, _ sport: UInt16, _ dst: String, _ dport: UInt16) -> [PcapRecord] {
        [PcapRecord(seconds: t, Build.ethernet(Build.udp(src, sport, dst, dport, payload: [UInt8](repeating: 1, count: 20)))),
         PcapRecord(seconds: t + 0.001, Build.ethernet(Build.udp(dst, dport, src, sport, payload: [UInt8](repeating: 2, count: 20))))]
    }

    /// The label of each flow, flows in order of their first packet.
    static func labels(_ rules: LabelRules, _ flows: FinishedFlows) -> [String] {
        let labels = rules.labels(of: flows)
        return flows.records.indices.sorted { flows.records[$0].firstNs < flows.records[$1].firstNs }.map { labels[$0] }
    }

    @Test func addressesPortsProtocolsFirstMatchAndDefault() throws {
        let r = try Self.rules("""
            # comment line, then a blank one

            default BENIGN
            dst=10.0.0.0/30 dport=1-79 -> Low          # trailing comment
            dst=10.0.0.2/32 dport=80-90,443 proto=tcp -> Web
            src=10.0.0.0/8 -> Any
            """)
        #expect(r.column == "Label")
        #expect(r.rules.map(\.line) == [4, 5, 6])
        let records = [tcpFrame(1, fromClient: true, [.syn], payload: 0)]        // 10.0.0.1:40000 → 10.0.0.2:80 TCP
            + Self.udp(2, "10.0.0.1", 5353, "10.0.0.2", 53)                     // dst in /30, dport 53 in 1-79 → Low
            + Self.udp(3, "10.0.0.1", 5353, "10.0.0.2", 100)                    // dport 100: not Low, not TCP → Any
            + Self.udp(4, "192.0.2.1", 5353, "10.0.0.2", 100)                   // src outside 10/8 → default
            + Self.udp(5, "10.0.0.1", 5353, "10.0.0.5", 53)                     // 10.0.0.5 outside 10.0.0.0/30 → Any
        let flows = try runFinishedFlows(records).flows
        // The TCP flow matches rule 5 and rule 6: the first wins.
        #expect(Self.labels(r, flows) == ["Web", "Low", "Any", "BENIGN", "Any"])
    }

    @Test func hostAndPortMatchEitherSide() throws {
        let r = try Self.rules("host=192.0.2.9 -> H\nport=7000-7001 -> P\n")
        let flows = try runFinishedFlows(Self.udp(1, "192.0.2.9", 1000, "198.51.100.1", 2000)   // host is the client
                                 + Self.udp(2, "198.51.100.1", 1000, "192.0.2.9", 2000) // host is the server
                                 + Self.udp(3, "198.51.100.1", 7001, "198.51.100.2", 53) // client port in range
                                 + Self.udp(4, "198.51.100.1", 40000, "198.51.100.2", 53)).flows
        #expect(Self.labels(r, flows) == ["H", "H", "P", ""], "no default line: the default is empty")
    }

    @Test func cidrIPv6AndIPv4AreSeparate() throws {
        let r = try Self.rules("""
            default none
            src=2001:db9::/32 -> Other6
            src=2001:db8::/32 dst=2001:db8:0:1::/64 -> Net6
            src=0.0.0.0/0 -> Any4
            """)
        let flows = try runFinishedFlows(Self.udp(1, "2001:db8::1", 6000, "2001:db8:0:1::2", 443)   // both in → Net6
                                 + Self.udp(2, "2001:db8::1", 6000, "2001:db8:0:2::2", 443) // dst outside the /64
                                 + Self.udp(3, "192.0.2.1", 6000, "192.0.2.2", 443)).flows  // IPv4: 0.0.0.0/0
        // 0.0.0.0/0 is every IPv4 address and no IPv6 one.
        #expect(Self.labels(r, flows) == ["Net6", "none", "Any4"])
    }

    @Test func prefixesByHand() throws {
        let p = try #require(AddressPrefix("192.168.10.0/23"))
        #expect(p.contains(IPAddress("192.168.11.255")!))
        #expect(!p.contains(IPAddress("192.168.12.0")!))
        #expect(!p.contains(IPAddress("192.168.9.255")!))
        #expect(p.contains(IPAddress("192.168.10.0")!))
        let v6 = try #require(AddressPrefix("2001:db8:80::/41"))
        #expect(v6.contains(IPAddress("2001:db8:ff::1")!))      // 0x80..0xff in the third group share 9 bits
        #expect(!v6.contains(IPAddress("2001:db8:7f::1")!))
        #expect(AddressPrefix("10.0.0.1/33") == nil)
        #expect(AddressPrefix("2001:db8::/129") == nil)
        #expect(AddressPrefix("10.0.0.1/") == nil)
        #expect(AddressPrefix("::/0")!.contains(IPAddress("192.0.2.1")!), "::/0 is every address")
    }

    @Test func attemptedIsTCPWithoutClientPayload() throws {
        let r = try Self.rules("dst=10.0.0.2 attempted -> DoS\n")
        let flows = try runFinishedFlows([
            tcpFrame(1, fromClient: true, [.syn]),                               // SYN only: Attempted
            tcpFrame(2, fromClient: true, [.syn], sport: 40001),                 // client payload 100: DoS
            tcpFrame(2.1, fromClient: false, [.syn, .ack], sport: 40001),
            tcpFrame(2.2, fromClient: true, [.psh, .ack], payload: 100, sport: 40001),
            tcpFrame(3, fromClient: true, [.syn], sport: 40002),                 // only the server sent payload: Attempted
            tcpFrame(3.1, fromClient: false, [.syn, .ack], sport: 40002),
            tcpFrame(3.2, fromClient: false, [.psh, .ack], payload: 50, sport: 40002),
        ] + Self.udp(4, "10.0.0.1", 5353, "10.0.0.2", 53)).flows                 // UDP is never attempted
        #expect(Self.labels(r, flows) == ["DoS - Attempted", "DoS", "DoS - Attempted", "DoS"])
    }

    /// Europe/Berlin went from +01:00 to +02:00 at 2017-03-26 02:00 local. The window
    /// 01:30–03:30 local is 00:30Z–01:30Z: one hour, not two.
    @Test(arguments: [
        "start=2017-03-26T01:30 end=2017-03-26T03:30 tz=Europe/Berlin -> W",
        "start=2017-03-26T01:30+01:00 end=2017-03-26T03:30+02:00 -> W",
        "start=2017-03-26T00:30:00Z end=2017-03-26T01:30:00.000Z -> W",
        "tz Europe/Berlin\nstart=2017-03-26T01:30 end=2017-03-26T03:30 -> W",
        "start=2017-03-25T20:30 end=2017-03-25T21:30 tz=America/New_York -> W",  // EDT −4 since 12 March
    ])
    func timeWindowAcrossAnOffsetChange(rule: String) throws {
        let r = try Self.rules(rule)
        let start = 1_490_488_200.0  // date -u -d '2017-03-26 00:30:00Z' +%s
        let end = 1_490_491_800.0    // date -u -d '2017-03-26 01:30:00Z' +%s
        #expect(r.rules[0].startNs == Int64(start) * 1_000_000_000)
        #expect(r.rules[0].endNs == Int64(end) * 1_000_000_000)
        let flows = try runFinishedFlows(Self.udp(start - 0.5, "10.0.0.1", 1, "10.0.0.2", 2)
                                 + Self.udp(start, "10.0.0.1", 3, "10.0.0.2", 4)
                                 + Self.udp(end - 0.5, "10.0.0.1", 5, "10.0.0.2", 6)
                                 + Self.udp(end, "10.0.0.1", 7, "10.0.0.2", 8)).flows
        // A flow is in the window when its first packet is at or after start and before end.
        #expect(Self.labels(r, flows) == ["", "W", "W", ""])
    }

    @Test func isoTimesByHand() throws {
        let noon = Int64(1_499_256_000) * 1_000_000_000  // date -u -d '2017-07-05 12:00:00Z' +%s
        let halifax = TimeZone(identifier: "America/Halifax")!
        #expect(try ISOTime.nanoseconds("2017-07-05T12:00Z", zone: nil, zoneGiven: false) == noon)
        #expect(try ISOTime.nanoseconds("2017-07-05T09:00:00-03:00", zone: nil, zoneGiven: false) == noon)
        #expect(try ISOTime.nanoseconds("2017-07-05T14:30+0230", zone: nil, zoneGiven: false) == noon)
        #expect(try ISOTime.nanoseconds("2017-07-05T09:00", zone: halifax, zoneGiven: true) == noon)  // ADT −3
        #expect(try ISOTime.nanoseconds("2017-07-05T12:00:00.000250001Z", zone: nil, zoneGiven: false) == noon + 250_001)
        // 02:30 happened twice in Berlin on 2017-10-29: the first, at +02:00, is 00:30Z
        // (date -u -d '2017-10-29 00:30:00Z' +%s).
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(try ISOTime.nanoseconds("2017-10-29T02:30", zone: berlin, zoneGiven: true) == 1_509_237_000 * 1_000_000_000)
        #expect(try ISOTime.nanoseconds("2017-07-05T17:00+05", zone: nil, zoneGiven: false) == noon)
    }

    /// Each kind of mistake: a usage error naming the file, the line and what is wrong.
    @Test(arguments: [
        ("dst=10.0.0.300 -> X", 1, "not an IPv4/IPv6 address or CIDR"),
        ("\n# note\ndport=70000 -> X", 3, "is not a port"),
        ("dport=90-80 -> X", 1, "is not a port"),
        ("sport=80, -> X", 1, "is not a port"),
        ("proto=foo -> X", 1, "proto="),
        ("start=2017-07-05T09:00 -> X", 1, "has no time zone"),
        ("end=2017-07-05T09:00 tz=Mars/Olympus -> X", 1, "not an IANA time zone"),
        ("start=2017-02-30T09:00Z -> X", 1, "not a date"),
        ("start=2017-03-26T02:30 tz=Europe/Berlin -> X", 1, "does not exist in Europe/Berlin"),
        ("start=2017-07-05 -> X", 1, "not an ISO 8601 time"),
        ("start=2017-07-05T25:00Z -> X", 1, "not an ISO 8601 time"),
        ("start=2017-07-05T09:00+02:00 tz=UTC -> X", 1, "has an offset and the rule a tz="),
        ("tz=UTC -> X", 1, "tz= without start= or end="),
        ("start=2017-07-05T10:00Z end=2017-07-05T09:00Z -> X", 1, "end= is not after start="),
        ("default B\ndst=10.0.0.1", 2, "not a rule"),
        ("dst=10.0.0.1 ->  ", 1, "no label"),
        ("colour=red -> X", 1, "unknown condition 'colour'"),
        ("dst=1.1.1.1 dst=2.2.2.2 -> X", 1, "'dst' given twice"),
        ("attempted attempted -> X", 1, "'attempted' given twice"),
        ("sport= -> X", 1, "has no value"),
        ("fast -> X", 1, "'fast' is not a condition"),
        ("default A\n\ndefault B", 3, "a second 'default' line"),
        ("default", 1, "'default' needs a label"),
        ("column My Label", 1, "'column' takes one name"),
        ("column A\ncolumn B", 2, "a second 'column' line"),
        ("tz Nowhere/City", 1, "IANA time zone name"),
    ])
    func badRuleFiles(text: String, line: Int, reason: String) {
        do throws(LabelOptionError) {
            _ = try Self.rules(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.hasPrefix("rules.txt:\(line): "), "\(error.message)")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func labelsCannotGoToAppNameOrAppAction() {
        #expect(throws: LabelOptionError.self) { try Self.rules("column AppName\n") }
    }
}
