@testable import FlowStats
import Testing

/// SummaryBuilder on small hand-made CSV inputs; every expected value worked out by hand.
@Suite struct SummaryBuilderTests {
    static let header = "StartTime,DurationTime,ServerIP,ServerPort,AppName,AppAction,FlowPackets,FlowBytes,Protocol,FwdBytes,BwdBytes,EndReason,SourceFile,ConnState\n"

    func summarise(_ text: String, by: [String] = ["AppName"], top: Int = 5, chunk: Int = 7) throws -> Summary {
        var options = SummaryOptions()
        options.by = by
        options.top = top
        let builder = SummaryBuilder(options: options)
        builder.beginInput("t.csv", kind: .csv)
        let bytes = Array(text.utf8)
        // Fed in small chunks, so rows and quoted fields are split between calls.
        var i = 0
        while i < bytes.count {
            try builder.feed(Array(bytes[i..<min(bytes.count, i + chunk)]))
            i += chunk
        }
        try builder.endInput()
        return builder.finish()
    }

    @Test func countsSumsAndMixesPerGroup() throws {
        let csv = Self.header
            + "100.0,2.0,10.0.0.1,443,web,browse,10,1000,TCP,400,600,fin,a.pcap,SF\n"
            + "101.0,0.5,10.0.0.2,53,web,dns,2,200,UDP,100,100,idle,a.pcap,SF\n"
            + "103.0,1.0,10.0.0.1,443,web,browse,4,300,TCP,200,100,rst,b.pcap,RSTO\n"
            + "\"100.5\",0,10.0.0.9,22,\"ssh, the \"\"shell\"\"\",x,1,60,TCP,60,0,eof,c.pcap,S0\r\n"
        let s = try summarise(csv)
        #expect(s.groups.count == 2)
        let web = try #require(s.groups.first)
        #expect(web.key == ["web"])
        #expect(web.files == 2)
        #expect(web.flows == 3)
        #expect(web.packets == 16)
        #expect(web.bytes == 1500)
        #expect(web.fwdBytes == 700)
        #expect(web.bwdBytes == 800)
        #expect(abs(web.share - 1500.0 / 1560.0) < 1e-12)
        #expect(web.protocols == [MixEntry(name: "TCP", flows: 2), MixEntry(name: "UDP", flows: 1)])
        #expect(web.connStates == [MixEntry(name: "SF", flows: 2), MixEntry(name: "RSTO", flows: 1)])
        #expect(web.endReasons.map(\.name) == ["fin", "idle", "rst"])
        // Servers: 10.0.0.1:443 has 1000 + 300, 10.0.0.2:53 has 200.
        #expect(web.topServers == [ServerEntry(name: "10.0.0.1:443", bytes: 1300, error: 0), ServerEntry(name: "10.0.0.2:53", bytes: 200, error: 0)])
        #expect(web.firstSeen == 100.0)
        #expect(web.lastSeen == 104.0)
        // Sizes 200, 300, 1000: median 300, p95 1000 (values < 256 are exact; 300 and 1000 within 1/128 above).
        let size = try #require(web.size)
        #expect(size.median >= 300 && size.median <= 300 * (1 + 1.0 / 128))
        #expect(size.p95 >= 1000 && size.p95 <= 1000 * (1 + 1.0 / 128))
        #expect(size.max == 1000)
        let duration = try #require(web.duration)
        #expect(duration.median >= 1.0 && duration.median <= 1.0 * (1 + 1.0 / 128))
        #expect(duration.max == 2.0)
        let ssh = s.groups[1]
        #expect(ssh.key == ["ssh, the \"shell\""])
        #expect(ssh.bytes == 60)
        #expect(s.total.flows == 4)
        #expect(s.total.bytes == 1560)
        #expect(s.total.files == 3)
    }

    @Test func groupsByTwoColumnsInBytesOrder() throws {
        let csv = Self.header
            + "100,1,10.0.0.1,443,web,browse,10,1000,TCP,400,600,fin,a.pcap,SF\n"
            + "101,1,10.0.0.2,53,web,dns,2,2000,UDP,100,100,idle,a.pcap,SF\n"
            + "102,1,10.0.0.2,53,mail,dns,2,2000,UDP,100,100,idle,a.pcap,SF\n"
        let s = try summarise(csv, by: ["AppName", "AppAction"])
        // Ties on bytes break on flows, then on the key: mail/dns before web/dns.
        #expect(s.groups.map(\.key) == [["mail", "dns"], ["web", "dns"], ["web", "browse"]])
    }

    @Test func bytesOverTimeAreSpreadOverEachFlow() throws {
        // One flow of 1000 bytes from 10.0 s to 14.0 s; another of 100 bytes at 0.5 s.
        // Span 0.5 ... 14 s: the narrowest ladder width with at most 120 bins is 200 ms (70 bins).
        let csv = Self.header
            + "10.0,4.0,10.0.0.1,443,web,browse,10,1000,TCP,400,600,fin,a.pcap,SF\n"
            + "0.5,0,10.0.0.1,443,web,browse,1,100,TCP,100,0,fin,a.pcap,SF\n"
        let s = try summarise(csv)
        #expect(s.binWidth == 0.2)
        #expect(s.binStart == 0.4)
        #expect(s.binCount == 69)  // bins 0.4 s ... 14.0 s
        let bins = s.groups[0].bins
        #expect(abs(bins.reduce(0, +) - 1100) < 1e-6)
        #expect(bins[0] == 100)
        // 10.0 ... 14.0 s is 20 bins of 200 ms: 50 bytes each.
        let first = Int((10.0 - 0.4) / 0.2 + 0.5)
        for b in first..<(first + 20) { #expect(abs(bins[b] - 50) < 1e-9) }
    }

    @Test func quantilesPastTheExactBufferStayWithinTheBound() throws {
        // 1000 flows (past the 128 kept exactly, so from the HdrHistogram): sizes spread over
        // 60 ... ~1.5 M bytes by a fixed formula, durations likewise over microseconds to minutes.
        var csv = Self.header
        var sizes: [Double] = []
        var durations: [Double] = []
        for i in 0..<1000 {
            let size = 60 + (i * 7919) % 1000 * (i % 13 + 1) * 113
            let duration = Double((i * 104729) % 1000 + 1) * Double(i % 7 + 1) * 0.0137
            sizes.append(Double(size))
            durations.append((duration * 1e6).rounded() / 1e6)
            csv += "100,\(durations.last!),10.0.0.1,443,web,x,1,\(size),TCP,\(size),0,fin,a.pcap,SF\n"
        }
        let g = try #require(try summarise(csv, chunk: 4096).groups.first)
        func exact(_ values: [Double], _ p: Double) -> Double {
            values.sorted()[max(1, Int((p * Double(values.count) - 1e-9).rounded(.up))) - 1]
        }
        for (q, values) in [(try #require(g.size), sizes), (try #require(g.duration), durations)] {
            for (got, p) in [(q.median, 0.5), (q.p95, 0.95)] {
                let e = exact(values, p)
                #expect(got >= e - 1e-6 && got <= e * (1 + 1.0 / 128) + 1e-6, "p\(p): \(got) vs exact \(e)")
            }
            #expect(q.max == values.max())
        }
    }

    @Test func spaceSavingIsExactWithinItsCountersAndBoundedBeyond() {
        var exact = SpaceSaving(capacity: 4)
        for (key, w) in [("a", 5.0), ("b", 3), ("a", 1), ("c", 2)] { exact.add(key, weight: w) }
        #expect(exact.top(2).map(\.key) == ["a", "b"])
        #expect(exact.top(2).map(\.count) == [6, 3])
        #expect(exact.isExact)
        var small = SpaceSaving(capacity: 2)
        for (key, w) in [("a", 10.0), ("b", 1), ("c", 2), ("a", 10)] { small.add(key, weight: w) }
        // c replaced b (count 1): c = 1 + 2 with error 1; a stays exact at 20.
        let top = small.top(2)
        #expect(top[0].key == "a" && top[0].count == 20 && top[0].error == 0)
        #expect(top[1].key == "c" && top[1].count == 3 && top[1].error == 1)
        // Bound: error ≤ total / capacity.
        #expect(top[1].error <= small.total / 2)
    }

    @Test func missingColumnsLeaveFiguresOutWithANote() throws {
        let s = try summarise("AppName,FlowPackets\nweb,3\nweb,4\n")
        #expect(s.groups.first?.packets == 7)
        #expect(s.figures.bytes == false)
        #expect(s.notes.contains { $0.contains("no column FlowBytes") })
        let csv = SummaryFormatter.csv(s)
        #expect(csv.hasPrefix("AppName,Files,Flows,Packets,Bytes,FwdBytes,BwdBytes,"))
        #expect(csv.split(separator: "\n")[1].hasPrefix("web,1,2,7,,,,"))
    }

    @Test func aCSVWithoutTheGroupingColumnIsAnErrorNamingFileAndColumn() {
        #expect(throws: SummaryError.self) { try summarise("a,b\n1,2\n") }
        do {
            _ = try summarise(Self.header, by: ["Tenant"])
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "t.csv: no column Tenant to group by (--by Tenant)")
        }
    }

    @Test func emptyInputGivesAnEmptySummaryThatSaysSo() throws {
        let s = try summarise(Self.header)
        #expect(s.isEmpty)
        #expect(s.groups.isEmpty)
        #expect(s.notes.first == "empty summary: the inputs held no flows")
        #expect(SummaryFormatter.table(s, width: 80).contains("empty summary"))
        #expect(SummaryFormatter.json(s).contains("\"empty\": true"))
    }

    @Test func csvRowReaderHandlesQuotesAndLineEnds() throws {
        var reader = CSVRowReader()
        var rows: [[String]] = []
        let text = "a,\"b,\"\"c\"\"\"\r\n\r\n\"multi\nline\",x\nlast,row"
        for byte in Array(text.utf8) {
            [byte].withUnsafeBytes { raw in reader.feed(raw) { rows.append($0.strings) } }
        }
        #expect(reader.finish { rows.append($0.strings) })
        #expect(rows == [["a", "b,\"c\""], ["multi\nline", "x"], ["last", "row"]])
        var open = CSVRowReader()
        Array("a,\"unterminated".utf8).withUnsafeBytes { raw in open.feed(raw) { _ in } }
        #expect(!open.finish { _ in })
    }

    @Test func textFormats() {
        #expect(SummaryText.si(999) == "999")
        #expect(SummaryText.si(1000) == "1 k")
        #expect(SummaryText.si(1_234_000) == "1.23 M")
        #expect(SummaryText.si(45_600_000_000) == "45.6 G")
        #expect(SummaryText.duration(0.0125) == "12 ms" || SummaryText.duration(0.0125) == "13 ms")
        #expect(SummaryText.duration(90) == "1.5 min")
        #expect(SummaryText.decimal(0.000125) == "0.000125")
        #expect(SummaryText.time(0) == "1970-01-01 00:00:00")
    }
}
