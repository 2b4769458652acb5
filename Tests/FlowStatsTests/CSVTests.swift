import FlowStats
import Testing

@Suite struct CSVTests {
    func field(_ write: (inout CSVBuffer) -> Void) -> String {
        var buffer = CSVBuffer()
        write(&buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test func secondsAreExact() {
        #expect(field { $0.seconds(1_300_475_168_857_956_000) } == "1300475168.857956")
        #expect(field { $0.seconds(1_500_000_000_123_456_789) } == "1500000000.123456789")
        #expect(field { $0.seconds(0) } == "0.000000")
        #expect(field { $0.seconds(70_000_000) } == "0.070000")
    }

    @Test func integersAndRatios() {
        #expect(field { $0.int(0) } == "0")
        #expect(field { $0.int(1_234_567) } == "1234567")
        #expect(field { $0.int(-42) } == "-42")
        #expect(field { $0.double(832.0 / 8.0) } == "104.0")
        #expect(field { $0.double(.infinity) } == "0")
        #expect(field { $0.double(256.0 / 3.0) } == "85.333333")  // 6 decimals, rounded
        #expect(field { $0.double(2.0 / 3.0) } == "0.666667")
        #expect(field { $0.double(-1.25) } == "-1.25")
        #expect(field { $0.double(0.0000004) } == "0.0")
    }

    @Test func rfc4180Quoting() {
        #expect(field { $0.text("plain") } == "plain")
        #expect(field { $0.text("a,b") } == "\"a,b\"")
        #expect(field { $0.text("say \"hi\"") } == "\"say \"\"hi\"\"\"")
        #expect(field { $0.text("two\nlines") } == "\"two\nlines\"")
    }

    @Test func fileNameFieldsCannotRunAsFormulas() {
        #expect(field { $0.userText("=cmd|' /C calc'!A0") } == "'=cmd|' /C calc'!A0")
        #expect(field { $0.userText("+1") } == "'+1")
        #expect(field { $0.userText("-2") } == "'-2")
        #expect(field { $0.userText("@SUM(A1)") } == "'@SUM(A1)")
        #expect(field { $0.userText("=a,b") } == "\"'=a,b\"")
        #expect(field { $0.userText("facebook") } == "facebook")
    }

    @Test func fieldsAreSeparatedAndRowsEnded() {
        let buffer = CSVBuffer()
        buffer.int(1)
        buffer.text("x")
        buffer.empty()
        buffer.endRow()
        buffer.int(2)
        buffer.endRow()
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "1,x,\n2\n")
    }

    /// Each field's comma is written with it and the row's last one becomes the line end: what
    /// is counted mid-row leaves that pending comma out, a row without fields is an empty
    /// line, a lone empty field too, and growing keeps the row being written.
    @Test func pendingSeparatorsAndEmptyRows() {
        let buffer = CSVBuffer(capacity: 1)  // 256 bytes: the long field below makes it grow
        buffer.int(7)
        #expect(buffer.count == 1 && buffer.bytes == Array("7".utf8))
        buffer.text(String(repeating: "a", count: 300))
        #expect(buffer.count == 302)
        buffer.endRow()
        buffer.endRow()
        buffer.empty()
        buffer.endRow()
        buffer.empty()
        buffer.empty()
        #expect(buffer.count == 303 + 1 + 1 + 1)
        buffer.endRow()
        let text = String(decoding: buffer.bytes, as: UTF8.self)
        #expect(text == "7," + String(repeating: "a", count: 300) + "\n\n\n,\n")
        buffer.removeAll()
        #expect(buffer.count == 0)
        buffer.int(3)
        buffer.endRow()
        #expect(buffer.bytes == Array("3\n".utf8))
    }

    @Test func basicHeaderHasTheDocumentedColumns() {
        var buffer = CSVBuffer()
        Schema.basic.writeHeader(to: &buffer)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) ==
            "StartTime,DurationTime,ClientIP,ClientPort,ServerIP,ServerPort,AppName,AppAction,FlowPackets,FlowBytes,PacketsBytesAvg,Protocol,FwdPackets,FwdBytes,BwdPackets,BwdBytes,EndReason,SourceFile,ConnState,History,TunnelParent\n")
    }
}

@Suite struct LabelTemplateTests {
    @Test func defaultTemplateTakesTheFirstTwoFields() throws {
        let t = try LabelTemplate(LabelTemplate.defaultTemplate)
        #expect(t.labels(forPath: "/data/facebook_chat_4a.pcap") == .init(appName: "facebook", appAction: "chat"))
        #expect(t.labels(forPath: "/data/skype_call.pcapng") == .init(appName: "skype", appAction: "call"))
        #expect(t.labels(forPath: "/data/capture.pcap") == nil)
    }

    @Test func courseworkNamesUseFieldsThreeAndFive() throws {
        let t = try LabelTemplate("*_*_{AppName}_*_{AppAction}")
        #expect(t.labels(forPath: "/d/2019_05_netflix_x_stream_01.pcap") == .init(appName: "netflix", appAction: "stream"))
        #expect(t.labels(forPath: "/d/netflix_stream.pcap") == nil)
    }

    @Test func folderPerApp() throws {
        let t = try LabelTemplate("{AppName}/*")
        #expect(t.labels(forPath: "/pcap_data/camsurf/anything_at_all.pcap") == .init(appName: "camsurf", appAction: ""))
        #expect(t.labels(forPath: "/pcap_data/google_maps/x.pcap")?.appName == "google_maps")
        let both = try LabelTemplate("{AppName}/{AppAction}_*")
        #expect(both.labels(forPath: "/p/linkedin/feed_01.pcap") == .init(appName: "linkedin", appAction: "feed"))
    }

    @Test func literalsMustMatch() throws {
        let t = try LabelTemplate("cap_{AppName}_{AppAction}")
        #expect(t.labels(forPath: "/x/cap_a_b_c.pcap") == .init(appName: "a", appAction: "b"))
        #expect(t.labels(forPath: "/x/dump_a_b.pcap") == nil)
    }

    @Test func badTemplatesAreRejected() {
        #expect(throws: LabelTemplateError.self) { try LabelTemplate("{App}_x") }
        #expect(throws: LabelTemplateError.self) { try LabelTemplate("*_*") }
        #expect(throws: LabelTemplateError.self) { try LabelTemplate("a//{AppName}") }
    }
}
