// The application-metadata group end to end on hand-built packets: payload reaches the parsers
// only through it, TCP streams are reassembled before parsing (order, retransmission, limit),
// inspections are released once the parsers are done, and the budget bounds the total.
// Expected values are the bytes each test writes.

@testable import FlowStats
import FlowStatsTestSupport
import Testing

@Suite struct AppMetadataGroupTests {
    private let client = "10.1.0.1", server = "10.1.0.2"

    /// A TCP segment of the test's connection (client port 40001, server port 8081: no
    /// well-known port, so only content can tell the protocol).
    private func segment(fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, _ text: String = "") -> [UInt8] {
        let payload = Array(text.utf8)
        let ip = fromClient ? Build.tcp(client, 40001, server, 8081, flags: flags, seq: seq, ack: ack, payload: payload)
                            : Build.tcp(server, 8081, client, 40001, flags: flags, seq: seq, ack: ack, payload: payload)
        return Build.ethernet(ip)
    }

    /// Feeds frames (one per millisecond) to a flow table with `features`, then ends it.
    private func run(_ frames: [[UInt8]], features: FeatureSet, options: FeatureOptions = FeatureOptions(),
                     inspect: (FlowTable) -> Void = { _ in }) -> (FinishedFlows, FlowTable) {
        var configuration = FlowConfiguration()
        configuration.features = options
        var table = FlowTable(configuration: configuration, features: features)
        var packet = DecodedPacket()
        for (i, frame) in frames.enumerated() {
            frame.withUnsafeBytes { bytes in
                PacketDecoder.decode(bytes, linkType: .ethernet, options: DecodeOptions(), into: &packet)
                let now = table.advanceClock(to: Int64(i) * 1_000_000)
                table.add(packet, wireLength: bytes.count, capturedLength: bytes.count, at: now, frame: bytes)
            }
            inspect(table)
        }
        table.finish()
        return (table.finished, table)
    }

    private let request = "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.org:8081\r\nUser-Agent: test/1.0\r\n\r\n"
    private let response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    @Test func httpOnAnyPortFromReorderedSegments() throws {
        let r = Array(request.utf8)
        let part1 = String(decoding: r[0..<10], as: UTF8.self), part2 = String(decoding: r[10..<40], as: UTF8.self)
        let part3 = String(decoding: r[40...], as: UTF8.self)
        let frames = [
            segment(fromClient: true, .syn, seq: 1000),
            segment(fromClient: false, [.syn, .ack], seq: 5000, ack: 1001),
            segment(fromClient: true, .ack, seq: 1001, ack: 5001),
            segment(fromClient: true, [.psh, .ack], seq: 1011, ack: 5001, part2),          // out of order
            segment(fromClient: true, [.psh, .ack], seq: 1001, ack: 5001, part1),
            segment(fromClient: true, [.psh, .ack], seq: 1011, ack: 5001, String(repeating: "Z", count: 30)),  // retransmission, other bytes: ignored
            segment(fromClient: true, [.psh, .ack], seq: 1041, ack: 5001, part3),
            segment(fromClient: false, [.psh, .ack], seq: 5001, ack: 1001 + UInt32(r.count), response),
        ]
        let (flows, _) = run(frames, features: .appMetadata)
        #expect(flows.count == 1)
        let m = try #require(flows.appMetadata.first)
        #expect(m.httpMethod == "GET")
        #expect(m.httpURI == "/a b?x=1")                 // Zeek's uri: percent-decoded
        #expect(m.httpHost == "example.org:8081")        // verbatim, port included
        #expect(m.serverName == "example.org")           // ServerName drops the port
        #expect(m.httpUserAgent == "test/1.0")
        #expect(m.httpStatus == 200)
        #expect(m.services.text == "http")
        #expect(m.tlsSNI.isEmpty && m.ja4.isEmpty && m.dnsQuery.isEmpty)
    }

    /// With only a service column (the zeek schema's `service`), the group decides the same
    /// services but builds no strings (``FeatureOptions/appValues``).
    @Test func servicesOnlyBuildsNoStrings() throws {
        let r = UInt32(request.utf8.count)
        let frames = [
            segment(fromClient: true, .syn, seq: 1000),
            segment(fromClient: false, [.syn, .ack], seq: 5000, ack: 1001),
            segment(fromClient: true, [.psh, .ack], seq: 1001, ack: 5001, request),
            segment(fromClient: false, [.psh, .ack], seq: 5001, ack: 1001 + r, response),
        ]
        var options = FeatureOptions()
        options.appValues = false
        let (flows, _) = run(frames, features: .appMetadata, options: options)
        let m = try #require(flows.appMetadata.first)
        #expect(m.services.text == "http")
        #expect(m.httpMethod.isEmpty && m.httpURI.isEmpty && m.httpHost.isEmpty && m.httpUserAgent.isEmpty)
        #expect(!m.hasText)  // not even an empty text box per flow
        #expect(m.httpStatus == 200)
        // Which layouts need the values: any application column but the service ones, or a
        // label rule (it may read any field).
        #expect(!Schema.zeek.layout().appValues)
        #expect(Schema.full.layout().appValues)
        #expect(!Schema.basic.layout().appValues)
        var withApp = ColumnOptions()
        withApp.appMetadata = true
        #expect(Schema.basic.layout(withApp).appValues)
        #expect(OutputLayout(Schema.zeek.layout(), appending: [], requiring: .appMetadata).appValues)
    }

    /// The text fields live in a box shared by copies until one changes (copy on write).
    @Test func textFieldsAreValues() {
        var a = AppMetadata()
        #expect(a.httpHost.isEmpty && a.sshClient.isEmpty && !a.hasText)
        a.httpHost = "one"
        let b = a
        a.httpHost = "two"
        a.sshClient = "SSH-2.0-c"
        #expect(b.httpHost == "one" && b.sshClient.isEmpty)
        #expect(a.httpHost == "two")
        a.swapDirections()
        #expect(a.sshServer == "SSH-2.0-c" && a.sshClient.isEmpty)
        var names = ServiceSet(), bits = ServiceSet()
        names.insert("http"); names.insert("ssl"); names.insert("dns"); names.insert("quic"); names.insert("dtls")
        for bit in [ServiceSet.http, ServiceSet.ssl, ServiceSet.dns, ServiceSet.quic, ServiceSet.dtls] { bits.insert(bit: bit) }
        #expect(names == bits && bits.text == "dns,dtls,http,quic,ssl")
        #expect(Set(ServiceSet.names.compactMap { ServiceSet.bit($0) }).count == ServiceSet.names.count)
        #expect(ServiceSet.bit("nope") == nil)
    }

    /// ServerName from an HTTP Host: the port goes only when it is one `:` followed by ASCII
    /// digits; a bracketed IPv6 literal loses its brackets (expected values by hand).
    @Test(arguments: [
        ("example.org:8081", "example.org"), ("example.org", "example.org"), ("host:", "host"),
        ("[2001:db8::1]:443", "2001:db8::1"), ("[::1]", "::1"), ("[unclosed", "[unclosed"),
        ("a:b:1", "a:b:1"), ("h:8x", "h:8x"), ("2001:db8::1", "2001:db8::1"),
        ("ünï.example:80", "ünï.example"), ("h:\u{0663}", "h:\u{0663}"), ("", ""),
    ])
    func hostWithoutPort(host: String, expected: String) {
        #expect(AppMetadata.hostWithoutPort(host) == expected)
    }

    @Test func inspectionIsReleasedWhenTheParsersAreDone() {
        let r = Array(request.utf8)
        var frames = [
            segment(fromClient: true, .syn, seq: 1000),
            segment(fromClient: false, [.syn, .ack], seq: 5000, ack: 1001),
            segment(fromClient: true, [.psh, .ack], seq: 1001, ack: 5001, request),
            segment(fromClient: false, [.psh, .ack], seq: 5001, ack: 1001 + UInt32(r.count), response),
        ]
        // Later data packets: the flow is no longer inspected, nothing is buffered.
        for i in 0..<5 {
            frames.append(segment(fromClient: false, .ack, seq: 5001 + UInt32(response.utf8.count + 100 * i),
                                  ack: 1001 + UInt32(r.count), String(repeating: "b", count: 100)))
        }
        var counts: [Int] = []
        let (flows, _) = run(frames, features: .appMetadata) { counts.append($0.liveInspections) }
        // No payload yet: no inspection; the request opens one; the response ends it.
        #expect(counts == [0, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(flows.appMetadata.first?.httpStatus == 200)
    }

    @Test func inspectBytesBoundsWhatIsRead() {
        // A Host header past the first 32 bytes is not seen with --inspect-bytes 32.
        var options = FeatureOptions()
        options.inspectBytes = 32
        var buffered: [Int] = []
        let frames = [
            segment(fromClient: true, .syn, seq: 1000),
            segment(fromClient: true, [.psh, .ack], seq: 1001, request),
        ]
        let (flows, _) = run(frames, features: .appMetadata, options: options) { buffered.append($0.inspectionBufferedBytes) }
        #expect(flows.appMetadata.first?.httpHost == "")
        #expect(buffered.allSatisfy { $0 <= 32 })
    }

    @Test func theBudgetStopsInspectionAndIsCounted() {
        // Budget 64 bytes: the first flow's 80-byte request passes it.
        var options = FeatureOptions()
        options.inspectBudget = 64
        let frames = [segment(fromClient: true, [.psh, .ack], seq: 1001, request)]
        let (flows, table) = run(frames, features: .appMetadata, options: options)
        #expect(table.uninspectedFlows == 1)
        #expect(flows.appMetadata.first?.inspecting == false)
        #expect(table.inspectionBufferedBytes == 0)
    }

    @Test func withoutTheGroupNoPayloadIsRead() {
        let frames = [segment(fromClient: true, [.psh, .ack], seq: 1001, request)]
        let (flows, table) = run(frames, features: [])
        #expect(flows.appMetadata.isEmpty)
        #expect(table.liveInspections == 0)
    }

    @Test func dnsQueryAndResponse() throws {
        // Query id 0x1234 for a.example, type A; response NXDOMAIN (rcode 3), built by hand.
        let question: [UInt8] = [1, 0x61, 7] + Array("example".utf8) + [0, 0, 1, 0, 1]
        let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + question
        let reply: [UInt8] = [0x12, 0x34, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0] + question
        let frames = [Build.ethernet(Build.udp(client, 40002, server, 53, payload: query)),
                      Build.ethernet(Build.udp(server, 53, client, 40002, payload: reply))]
        var live: [Int] = []
        let (flows, _) = run(frames, features: .appMetadata) { live.append($0.liveInspections) }
        let m = try #require(flows.appMetadata.first)
        #expect(m.dnsQuery == "a.example" && m.dnsQType == "A" && m.dnsRcode == "NXDOMAIN")
        #expect(m.serverName == "a.example")
        #expect(m.services.text == "dns")
        #expect(live == [1, 1])  // still open: the other services look at two datagrams a side
    }
}
