// DNS message parsing, Zeek's name rules and the per-flow DNS exchange, on messages written
// out byte by byte here (expected values worked out by hand from RFC 1035 / RFC 2136 and
// Zeek's rules in src/analyzer/protocol/dns/DNS.cc and scripts/base/protocols/dns/main.zeek),
// cut at every length, and on seeded random garbage.

@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// Parses `bytes` as one DNS message.
func dnsParse(_ bytes: [UInt8]) -> DNSMessageSummary? {
    bytes.withUnsafeBytes { DNSMessageSummary.parse(message: $0) }
}

/// Parses `bytes` as a TCP stream of DNS messages.
func dnsParseTCP(_ bytes: [UInt8]) -> ParseProgress<DNSMessageSummary> {
    bytes.withUnsafeBytes { DNSMessageSummary.parse(tcpStream: $0) }
}

/// Hand-written messages used by several tests.
enum DNSSamples {
    /// Query id 0x1234, RD, one question www.Example.COM A IN.
    static let query: [UInt8] = [
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        3, 0x77, 0x77, 0x77, 7, 0x45, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 3, 0x43, 0x4F, 0x4D, 0,
        0x00, 0x01, 0x00, 0x01,
    ]

    /// Its response: QR RD RA NOERROR, the question again, one answer whose name is the
    /// pointer C0 0C (offset 12, the question's name), A IN TTL 60, 93.184.216.34.
    static let response: [UInt8] = [
        0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        3, 0x77, 0x77, 0x77, 7, 0x45, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 3, 0x43, 0x4F, 0x4D, 0,
        0x00, 0x01, 0x00, 0x01,
        0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x04, 93, 184, 216, 34,
    ]

    /// A response id 0x0BAD, NXDOMAIN, question nope.test AAAA IN, no records at all.
    static let nxdomain: [UInt8] = [
        0x0B, 0xAD, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        4, 0x6E, 0x6F, 0x70, 0x65, 4, 0x74, 0x65, 0x73, 0x74, 0, 0x00, 0x1C, 0x00, 0x01,
    ]

    /// A DNS UPDATE (RFC 2136) response, id 0xBB50, REFUSED, echoing: zone StratoLab.org SOA
    /// IN (offset 12); prerequisite "nwin2" + pointer to the zone (offset 31), CNAME, class
    /// NONE, TTL 0, no RDATA; updates: the same name (pointer C0 1F) AAAA class ANY TTL 0
    /// (delete an RRset), then A IN TTL 1200 192.168.1.106 (add).
    static let updateResponse: [UInt8] = [
        0xBB, 0x50, 0xA8, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00,
        9, 0x53, 0x74, 0x72, 0x61, 0x74, 0x6F, 0x4C, 0x61, 0x62, 3, 0x6F, 0x72, 0x67, 0,
        0x00, 0x06, 0x00, 0x01,
        5, 0x6E, 0x77, 0x69, 0x6E, 0x32, 0xC0, 0x0C, 0x00, 0x05, 0x00, 0xFE,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xC0, 0x1F, 0x00, 0x1C, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xC0, 0x1F, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x04, 0xB0, 0x00, 0x04, 192, 168, 1, 106,
    ]

    /// The UPDATE request the response answers (QR clear, opcode 5, same records).
    static var updateRequest: [UInt8] {
        var bytes = updateResponse
        bytes[2] = 0x28
        bytes[3] = 0x00
        return bytes
    }

    static var all: [[UInt8]] { [query, response, nxdomain, updateResponse, updateRequest] }
}

/// A 12-byte header then `body`.
private func message(id: UInt16 = 1, flags: UInt16 = 0x0100, qd: UInt16 = 1, an: UInt16 = 0,
                     ns: UInt16 = 0, ar: UInt16 = 0, _ body: [UInt8]) -> [UInt8] {
    func be(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    return be(id) + be(flags) + be(qd) + be(an) + be(ns) + be(ar) + body
}

@Suite("DNS parser")
struct DNSParserTests {
    @Test("A query: id, flags, the question lower-cased")
    func query() throws {
        let m = try #require(dnsParse(DNSSamples.query))
        #expect(m.id == 0x1234)
        #expect(!m.isResponse)
        #expect(m.opcode == 0)
        #expect(m.rcode == 0)
        #expect(m.questionCount == 1)
        #expect(m.query == "www.example.com")
        #expect(m.qtype == 1)
        #expect(m.qclass == 1)
        #expect(m.answerName == nil)
        #expect(m.confirmsDNS)
    }

    @Test("A response: the answer's compressed name is read through the pointer")
    func response() throws {
        let m = try #require(dnsParse(DNSSamples.response))
        #expect(m.isResponse)
        #expect(m.rcode == 0)
        #expect(m.query == "www.example.com")
        #expect(m.answerName == "www.example.com")
        #expect(m.confirmsDNS)
        let nx = try #require(dnsParse(DNSSamples.nxdomain))
        #expect(nx.rcode == 3)
        #expect(nx.query == "nope.test")
        #expect(nx.qtype == 28)
        #expect(nx.answerName == nil)
    }

    @Test("Pointers: to itself and forward are errors; a label then a pointer joins names")
    func pointers() throws {
        // Question name = pointer to offset 12, i.e. to itself.
        let loop = try #require(dnsParse(message([0xC0, 0x0C, 0, 1, 0, 1])))
        #expect(loop.query == nil)
        #expect(!loop.confirmsDNS)
        // Pointer forward to offset 14.
        let forward = try #require(dnsParse(message([0xC0, 0x0E, 1, 0x61, 0, 0, 1, 0, 1])))
        #expect(forward.query == nil)
        // Question 1 "b.c" at 12; question 2 = "a" + pointer to 12 → "a.b.c" (the last question
        // is the query Zeek logs).
        let joined = try #require(dnsParse(message(qd: 2, [
            1, 0x62, 1, 0x63, 0, 0, 1, 0, 1,
            1, 0x61, 0xC0, 0x0C, 0, 16, 0, 1,
        ])))
        #expect(joined.query == "a.b.c")
        #expect(joined.qtype == 16)
        // A pointer whose target runs into the pointer itself: "b" at 12 has no terminator
        // before the pointer at 14 → the name may not read past the pointer → error.
        let overrun = try #require(dnsParse(message([1, 0x62, 0xC0, 0x0C, 0, 1, 0, 1])))
        #expect(overrun.query == nil)
    }

    /// Question 1 is "x" at offset 12 (7 bytes with type and class); question k ≥ 2 is only a
    /// pointer to question k-1's name, at 19 + 6(k-2). Question k's name takes k-1 pointers.
    private func chain(questions: Int) -> [UInt8] {
        var body: [UInt8] = [1, 0x78, 0, 0, 1, 0, 1]
        var previous = 12
        for k in 2...questions {
            body += [0xC0, UInt8(previous), 0, 1, 0, 1]
            previous = 19 + 6 * (k - 2)
        }
        return message(qd: UInt16(questions), body)
    }

    @Test("Pointer chains: 20 are followed, at the 21st Zeek keeps the name read so far")
    func chainDepth() throws {
        let twenty = try #require(dnsParse(chain(questions: 21)))
        #expect(twenty.query == "x")
        #expect(twenty.confirmsDNS)
        let twentyOne = try #require(dnsParse(chain(questions: 22)))
        #expect(twentyOne.query == "")
        #expect(twentyOne.confirmsDNS)
        // More than 25 questions: Zeek gives the message up.
        let tooMany = try #require(dnsParse(chain(questions: 26)))
        #expect(tooMany.query == nil)
        #expect(!tooMany.confirmsDNS)
    }

    @Test("Odd bytes in labels are spelled as Zeek's log writer does")
    func oddBytes() throws {
        // Label "A", NUL, "b.c", backslash: lower-cased, NUL → \x00 (its segment is then
        // escaped), '.' kept as is, backslash doubled. Then a label "caf\u{e9}" in UTF-8.
        let odd = try #require(dnsParse(message([
            7, 0x41, 0x00, 0x62, 0x2E, 0x63, 0x5C, 0x5A, 5, 0x63, 0x61, 0x66, 0xC3, 0xA9, 0, 0, 1, 0, 1,
        ])))
        #expect(odd.query == "a\\x00b.c\\\\z.caf\u{e9}")
        // A lone lead byte: the segment is escaped.
        let bad = try #require(dnsParse(message([4, 0x63, 0x61, 0x66, 0xC3, 0, 0, 1, 0, 1])))
        #expect(bad.query == "caf\\xc3")
        // A TAB (Zeek's separator) → \x09; a 64-byte label is an error.
        let tab = try #require(dnsParse(message([3, 0x61, 0x09, 0x62, 0, 0, 1, 0, 1])))
        #expect(tab.query == "a\\x09b")
        let long = try #require(dnsParse(message([64] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 1, 0, 1])))
        #expect(long.query == nil)
        // The root name is empty.
        let root = try #require(dnsParse(message([0, 0, 2, 0, 1])))
        #expect(root.query == "")
        #expect(root.qtype == 2)
    }

    @Test("Truncated messages keep what parsed: a question without its answer")
    func truncated() throws {
        // The response cut inside its answer's RDATA: the question stands, no confirmation.
        let cut = try #require(dnsParse(Array(DNSSamples.response.dropLast(2))))
        #expect(cut.query == "www.example.com")
        #expect(cut.answerName == nil)
        #expect(!cut.confirmsDNS)
        // Cut inside the question's type/class: no query.
        let cutQuestion = try #require(dnsParse(Array(DNSSamples.query.dropLast(2))))
        #expect(cutQuestion.query == nil)
        // Opcodes other than QUERY, NOTIFY, UPDATE and headers below 12 bytes are not DNS.
        #expect(dnsParse(message(flags: 0x1000, [0])) == nil)  // opcode 2 (STATUS)
        #expect(dnsParse(Array(DNSSamples.query.prefix(11))) == nil)
    }

    @Test("DNS UPDATE: the zone is not the query; the first prerequisite's name is")
    func update() throws {
        let m = try #require(dnsParse(DNSSamples.updateResponse))
        #expect(m.opcode == 5)
        #expect(m.rcode == 5)
        #expect(m.zone == "stratolab.org")
        #expect(m.query == nil)
        #expect(m.answerName == "nwin2.stratolab.org")
        #expect(m.confirmsDNS)
        var exchange = DNSExchange()
        DNSSamples.updateRequest.withUnsafeBytes { exchange.add(datagram: $0, fromClient: true) }
        DNSSamples.updateResponse.withUnsafeBytes { exchange.add(datagram: $0, fromClient: false) }
        #expect(exchange.query == "nwin2.stratolab.org")
        #expect(exchange.qtypeName == nil)
        #expect(exchange.rcodeName == "REFUSED")
        #expect(exchange.isDNS)
        #expect(exchange.flipsRoles == false)
    }

    @Test("Zeek's names for query types and response codes")
    func names() {
        #expect(DNSNames.qtypeName(1) == "A")
        #expect(DNSNames.qtypeName(28) == "AAAA")
        #expect(DNSNames.qtypeName(255) == "*")
        #expect(DNSNames.qtypeName(44) == "SSHFP")
        #expect(DNSNames.qtypeName(249) == "TKEY")
        #expect(DNSNames.qtypeName(54) == "query-54")
        #expect(DNSNames.qtypeName(1234) == "query-1234")
        #expect(DNSNames.rcodeName(0) == "NOERROR")
        #expect(DNSNames.rcodeName(1) == "FORMERR")
        #expect(DNSNames.rcodeName(3) == "NXDOMAIN")
        #expect(DNSNames.rcodeName(8) == "NXRRSet")
        #expect(DNSNames.rcodeName(11) == "unassigned-11")
        #expect(DNSNames.rcodeName(24) == "rcode-24")
    }

    @Test("Exchange: query then response; response only; unanswered; multicast")
    func exchange() {
        func run(_ messages: [([UInt8], Bool)], multicast: Bool = false) -> DNSExchange {
            var e = DNSExchange(responderIsMulticast: multicast)
            for (bytes, fromClient) in messages { bytes.withUnsafeBytes { e.add(datagram: $0, fromClient: fromClient) } }
            return e
        }
        let pair = run([(DNSSamples.query, true), (DNSSamples.response, false)])
        #expect(pair.query == "www.example.com")
        #expect(pair.qtypeName == "A")
        #expect(pair.rcodeName == "NOERROR")
        #expect(pair.firstMessageWasResponse == false)
        #expect(!pair.flipsRoles)
        // Response only (sent by the first sender): query from the answer, no qtype; flipped.
        let only = run([(DNSSamples.response, true)])
        #expect(only.query == "www.example.com")
        #expect(only.qtypeName == nil)
        #expect(only.rcodeName == "NOERROR")
        #expect(only.flipsRoles)
        // NXDOMAIN without records, alone: Zeek's row has no query.
        let nx = run([(DNSSamples.nxdomain, true)])
        #expect(nx.query == nil)
        #expect(nx.rcodeName == nil)
        // Unanswered query: logged at the end with qtype and no rcode.
        let unanswered = run([(DNSSamples.query, true)])
        #expect(unanswered.query == "www.example.com")
        #expect(unanswered.qtypeName == "A")
        #expect(unanswered.rcodeName == nil)
        // A response with another id does not pair: the query stays unanswered, and it comes
        // first when the flow ends.
        var other = DNSSamples.response
        other[1] = 0x35
        let mismatch = run([(DNSSamples.query, true), (other, false)])
        #expect(mismatch.query == "www.example.com")
        #expect(mismatch.rcodeName == nil)
        // Multicast: nothing is paired; the first message is the row; no flip.
        let mdns = run([(DNSSamples.response, true), (DNSSamples.query, true)], multicast: true)
        #expect(mdns.query == "www.example.com")
        #expect(mdns.qtypeName == nil)
        #expect(mdns.rcodeName == "NOERROR")
        #expect(!mdns.flipsRoles)
        // A response seen before its query: the query completes the row and gives the qtype.
        let late = run([(DNSSamples.response, true), (DNSSamples.query, false)])
        #expect(late.qtypeName == "A")
        #expect(late.rcodeName == "NOERROR")
    }

    @Test("TCP: the two-byte length prefix")
    func tcp() throws {
        let framed = [0x00, UInt8(DNSSamples.query.count)] + DNSSamples.query + [0x00]
        guard case .done(let m, let consumed) = dnsParseTCP(framed) else {
            Issue.record("not parsed")
            return
        }
        #expect(consumed == DNSSamples.query.count + 2)
        #expect(m.query == "www.example.com")
        #expect(dnsParseTCP([0x00]) == .needMore)
        #expect(dnsParseTCP([0x00, 0x05, 1, 2, 3, 4, 5]) == .notThisProtocol)  // length < 12
        // A header Zeek would not parse (opcode 2) is rejected before the message is complete.
        var status = framed
        status[4] = 0x10
        #expect(dnsParseTCP(Array(status.prefix(14))) == .notThisProtocol)
    }

    @Test("Every message cut at every length: nil below 12 bytes, no crash; TCP needs more")
    func everyCut() {
        for sample in DNSSamples.all {
            for n in 0...sample.count {
                let prefix = Array(sample.prefix(n))
                let parsed = dnsParse(prefix)
                if n < 12 { #expect(parsed == nil) } else { #expect(parsed != nil) }
                // Each sample's last record or question ends at its last byte: a cut QUERY message
                // never confirms. (An UPDATE cut inside a record's TTL can: Zeek reads a missing
                // TTL as 0 without consuming it, then takes an rdlength of 0 from the TTL's bytes,
                // and an UPDATE record with empty RDATA before the end is accepted.)
                if n < sample.count, let parsed, parsed.opcode != 5 { #expect(!parsed.confirmsDNS) }
                let framed = [UInt8(sample.count >> 8), UInt8(sample.count & 0xFF)] + sample
                let tcpPrefix = Array(framed.prefix(n + 1))
                if n + 1 < framed.count { #expect(dnsParseTCP(tcpPrefix) == .needMore) }
            }
            #expect(dnsParse(sample)?.confirmsDNS == true)
        }
    }

    @Test("Seeded random garbage and mutated messages: no crash")
    func garbage() {
        var rng = SplitMix64.forTest()
        var parsedCount = 0
        for round in 0..<4000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                let samples = DNSSamples.all
                bytes = samples[Int(rng.next() % UInt64(samples.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if dnsParse(bytes) != nil { parsedCount += 1 }
            _ = dnsParseTCP(bytes)
            var exchange = DNSExchange()
            bytes.withUnsafeBytes { exchange.add(datagram: $0, fromClient: round % 3 == 0) }
            _ = exchange.query
            _ = bytes.withUnsafeBytes { DatagramServices.detect(datagram: $0, fromClient: true) }
        }
        #expect(parsedCount > 0)
    }
}
