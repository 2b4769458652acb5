@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// HTTP/1.x request and response heads (HTTPRequestHead / HTTPResponseHead) against messages
// built here, with the values Zeek's rules give worked out by hand (HTTP.cc ParseRequest and
// unescape_URI, MIME header reading, http/main.zeek), every message cut at every byte, and
// seeded garbage.

@Suite struct HTTPParserTests {
    private func request(_ text: String, final: Bool = false) -> ParseProgress<HTTPRequestHead> {
        withRaw(textBytes(text)) { HTTPRequestHead.parse(stream: $0, final: final) }
    }

    private func requestBytes(_ bytes: [UInt8]) -> ParseProgress<HTTPRequestHead> {
        withRaw(bytes) { HTTPRequestHead.parse(stream: $0) }
    }

    private func response(_ text: String, final: Bool = false) -> ParseProgress<HTTPResponseHead> {
        withRaw(textBytes(text)) { HTTPResponseHead.parseFinal(stream: $0, final: final) }
    }

    @Test func getWithHostPortAndUserAgent() throws {
        let text = "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\nBODY"
        let (head, consumed) = try #require(doneValue(request(text)))
        #expect(head.method == "GET")
        #expect(head.uri == "/a b?x=1")
        #expect(head.host == "example.com:8080")
        #expect(head.userAgent == "curl/8.0")
        #expect(!head.isConnect && !head.isHTTP09)
        // 25 + 24 + 22 + 13 + 2 bytes of head before "BODY".
        #expect(consumed == 86 && head.length == 86)
        #expect(consumed == text.utf8.count - 4)
    }

    @Test func connectTargetIsEverythingBeforeTheVersion() throws {
        let (head, consumed) = try #require(doneValue(request("CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0\r\n\r\n")))
        #expect(head.method == "CONNECT" && head.isConnect)
        #expect(head.uri == "mailin03.sul.t-online.de:25 /")
        #expect(head.host == "" && head.userAgent == "")
        #expect(consumed == 50)
    }

    @Test func targets() throws {
        #expect(try #require(doneValue(request("OPTIONS * HTTP/1.1\r\n\r\n"))).0.uri == "*")
        // Two blanks and no target: Zeek leaves the URI empty ("missing_HTTP_uri").
        #expect(try #require(doneValue(request("OPTIONS  HTTP/1.0\r\n\r\n"))).0.uri == "")
        // A blank inside the target stays in it (Zeek scans to the blank before "HTTP/").
        #expect(try #require(doneValue(request("GET /a b HTTP/1.1\r\n\r\n"))).0.uri == "/a b")
        // Lower-case "http/" is still the version.
        #expect(try #require(doneValue(request("GET /x http/1.1\r\n\r\n"))).0.uri == "/x")
        // Any token method.
        let odd = try #require(doneValue(request("FOO-BAR /y HTTP/1.1\r\nhost: h\r\n\r\n"))).0
        #expect(odd.method == "FOO-BAR" && odd.host == "h" && !odd.isConnect)
    }

    @Test func percentDecodingAsZeek() throws {
        func uri(_ target: String) throws -> String {
            try #require(doneValue(request("GET \(target) HTTP/1.1\r\n\r\n"))).0.uri
        }
        #expect(try uri("/%") == "/%")
        #expect(try uri("/%5") == "/%5")
        #expect(try uri("/%%41") == "/A")      // "%%": the first '%' is dropped
        #expect(try uri("/%u0041") == "/A")    // %u00HH: the 00 byte is eaten
        #expect(try uri("/%u2603") == "/&\\x03")  // two bytes 0x26 0x03; 0x03 is a control byte
        #expect(try uri("/%zz") == "/%zz")
        #expect(try uri("/%C3%A9") == "/\u{E9}")  // valid UTF-8 is printed as is
        #expect(try uri("/%e9") == "/\\xe9")      // a lone 0xE9 is not UTF-8
        #expect(try uri("/%01") == "/\\x01")
        #expect(try uri("/%5C") == "/\\\\")       // a backslash is doubled
    }

    @Test func httpZeroNine() throws {
        let (head, consumed) = try #require(doneValue(request("GET /x\r\n\r\nmore")))
        #expect(head.isHTTP09 && head.uri == "/x" && consumed == 10)
        // Zeek reads the lines after an HTTP/0.9 request line as headers too.
        let (withHost, _) = try #require(doneValue(request("GET /HTTP/1.1\r\nHost: h\r\n", final: true)))
        #expect(withHost.isHTTP09 && withHost.uri == "/HTTP/1.1" && withHost.host == "h")
        #expect(isNeedMore(request("GET /x\r\n")))
        // Zeek wants a 3-character method and a URI on an HTTP/0.9 line.
        #expect(isNotThis(request("GE /x\r\n")))
        #expect(isNotThis(request("GET\r\n")))
    }

    @Test func headersFoldingCaseAndLastValue() throws {
        let text = "GET / HTTP/1.1\nhOsT: first\nUser-Agent: a\n  b\nHost:  second:81\n\n"
        let (head, consumed) = try #require(doneValue(request(text)))
        #expect(head.host == "second:81")     // http/main.zeek assigns host for every Host header
        #expect(head.userAgent == "a  b")     // the folded line's bytes are appended as they are
        #expect(consumed == text.utf8.count)
        // A lone CR ends a line too (Zeek's ContentLine default).
        let (crHead, _) = try #require(doneValue(request("GET / HTTP/1.1\rHost: c\r\rX")))
        #expect(crHead.host == "c")
    }

    @Test func emptyLinesBeforeTheRequestAndRejects() throws {
        #expect(try #require(doneValue(request("\r\n\r\nGET / HTTP/1.1\r\n\r\n"))).1 == 22)
        #expect(isNotThis(request(" GET / HTTP/1.1\r\n\r\n")))   // Zeek: the method must start the line
        #expect(isNotThis(request("\u{16}\u{03}\u{01}\u{02}\u{00}")))
        #expect(isNotThis(request("GET/ HTTP/1.1\r\n")))
        #expect(isNeedMore(request("GET / HTTP/1.1\r\nHost: x\r\n")))
        // With no more bytes to come, the headers seen so far are what Zeek logs.
        let (partial, consumed) = try #require(doneValue(request("GET / HTTP/1.1\r\nHost: x\r\n", final: true)))
        #expect(partial.host == "x" && consumed == 25)
    }

    @Test func connectPrefixRuleAsZeek() throws {
        // strncasecmp(method, "CONNECT", method length): "con" counts, "CONNECTX" does not.
        #expect(try #require(doneValue(request("con h:1 HTTP/1.1\r\n\r\n"))).0.isConnect)
        #expect(try !#require(doneValue(request("CONNECTX h:1 HTTP/1.1\r\n\r\n"))).0.isConnect)
    }

    @Test func responsesSkipInterimButNot101() throws {
        let continued = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
        let (final, consumed) = try #require(doneValue(response(continued)))
        #expect(final.status == 200 && consumed == 25 + 17 + 19 + 2)
        let (upgrade, upgradeEnd) = try #require(doneValue(response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u{81}")))
        #expect(upgrade.status == 101 && upgradeEnd == 56)
        #expect(try #require(doneValue(response("HTTP/1.0 abc\r\n\r\n"))).0.status == 0)
        #expect(try #require(doneValue(response("http/1.1 404\r\n\r\n"))).0.status == 404)
        #expect(isNotThis(response("<html><body>0.9 reply</body></html>")))
        #expect(isNotThis(response("HTTP/1.1\r\n\r\n")))    // no code: not a reply line
        #expect(isNeedMore(response("HTTP/1.1 100 Continue\r\n\r\n")))
        #expect(isNeedMore(response("HTTP/1.1 200 OK\r\nServer: x\r\n")))
    }

    @Test func looksLike() {
        #expect(withRaw(textBytes("\r\n GET /")) { HTTPRequestHead.looksLikeRequest($0) })
        #expect(withRaw(textBytes("PROPFIND /")) { HTTPRequestHead.looksLikeRequest($0) })
        #expect(!withRaw(textBytes("get /")) { HTTPRequestHead.looksLikeRequest($0) })
        #expect(!withRaw(textBytes("FOO / HTTP/1.1")) { HTTPRequestHead.looksLikeRequest($0) })
        #expect(withRaw(textBytes("HtTp/1.1 200")) { HTTPResponseHead.looksLikeResponse($0) })
        #expect(!withRaw(textBytes("HTTP/x")) { HTTPResponseHead.looksLikeResponse($0) })
    }

    @Test func everyCutNeedsMore() {
        let requests = [
            "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.0\r\n\r\n",
            "CONNECT h:443 HTTP/1.1\nHost: h:443\n  folded\n\n",
            "POST /form HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
        ]
        for text in requests {
            let bytes = textBytes(text)
            for cut in 0..<bytes.count {
                let progress = requestBytes(Array(bytes[..<cut]))
                #expect(isNeedMore(progress), "request cut at \(cut) of \(bytes.count): \(progress)")
            }
            #expect(doneValue(requestBytes(bytes))?.1 == bytes.count)
        }
        let responses = ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX: y\r\n\r\n", "HTTP/1.0 101 Up\n\n"]
        for text in responses {
            let bytes = textBytes(text)
            for cut in 0..<bytes.count {
                let progress = withRaw(Array(bytes[..<cut])) { HTTPResponseHead.parseFinal(stream: $0) }
                #expect(isNeedMore(progress), "response cut at \(cut): \(progress)")
            }
        }
    }

    @Test func randomGarbageNeverTraps() {
        var random = SplitMix64.forTest()
        let alphabet = textBytes("GET /%uHTTP/1.1\r\n: Host\t (x)\\")
        for round in 0..<3000 {
            let length = Int(random.next() % 300)
            let bytes: [UInt8] = round % 2 == 0 ? randomBytes(length, &random)
                : (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            for final in [false, true] {
                if case .done(_, let consumed) = withRaw(bytes, { HTTPRequestHead.parse(stream: $0, final: final) }) {
                    #expect(consumed <= bytes.count)
                }
                if case .done(_, let consumed) = withRaw(bytes, { HTTPResponseHead.parseFinal(stream: $0, final: final) }) {
                    #expect(consumed <= bytes.count)
                }
            }
        }
    }

    /// Without values (``FeatureOptions/appValues`` false: the zeek schema's `service` only)
    /// every answer is the same, at every cut of each request and on seeded garbage; only the
    /// strings are left empty.
    @Test func valuesOffGivesTheSameAnswers() {
        var inputs: [[UInt8]] = []
        for text in [
            "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.0\r\n\r\n",
            "CONNECT h:443 HTTP/1.1\nHost: h:443\n  folded\n\n",
            "\r\nGET /HTTP/1.1\r\nHost: a\r\n\r\n",
            "OPTIONS  HTTP/1.0\r\n(c) Host : b\r\n\0rest",
        ] {
            let bytes = textBytes(text)
            for cut in 0...bytes.count { inputs.append(Array(bytes[..<cut])) }
        }
        var random = SplitMix64.forTest()
        let alphabet = textBytes("GET /%uHTTP/1.1\r\n: Host\t (x)\\")
        for _ in 0..<1000 {
            inputs.append((0..<Int(random.next() % 200)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        for bytes in inputs {
            for final in [false, true] {
                let full = withRaw(bytes) { HTTPRequestHead.parse(stream: $0, final: final) }
                let bare = withRaw(bytes) { HTTPRequestHead.parse(stream: $0, final: final, values: false) }
                switch (full, bare) {
                case (.done(let a, let consumedA), .done(let b, let consumedB)):
                    #expect(consumedA == consumedB && a.length == b.length && a.isConnect == b.isConnect && a.isHTTP09 == b.isHTTP09)
                    #expect(b.method.isEmpty && b.uri.isEmpty && b.host.isEmpty && b.userAgent.isEmpty)
                case (.needMore, .needMore), (.notThisProtocol, .notThisProtocol):
                    break
                default:
                    Issue.record("values on and off differ on \(bytes) (final \(final)): \(full) vs \(bare)")
                }
                let withValues = withRaw(bytes) { HTTPHeaderBlock.scan($0, from: 0, limit: $0.count) }
                let endOnly = withRaw(bytes) { HTTPHeaderBlock.scan($0, from: 0, limit: $0.count, keepValues: false) }
                #expect(withValues.end == endOnly.end && withValues.partialEnd == endOnly.partialEnd)
                #expect(endOnly.host == nil && endOnly.userAgent == nil)
            }
        }
    }

    /// Which header lines are Host (Zeek's MIME name rules, by hand): the name is the run of
    /// characters 33–126 but ':' after blanks and comments, so `(c)Host` and `Host :` are
    /// Host, `Hostx`, `Host(x)` and `X-Host` are not. A "first" Host comes before each line:
    /// the last Host wins, so the result tells whether the line counted.
    @Test(arguments: [
        ("Host: b", "b"), ("(c)Host: b", "b"), ("Host : b", "b"), ("host:b", "b"), ("HOST: b", "b"),
        ("Hostx: b", "first"), ("Host(x): b", "first"), ("X-Host: b", "first"), ("Hos: b", "first"),
        ("Accept: b", "first"),
    ])
    func hostHeaderNames(line: String, host: String) throws {
        let (head, _) = try #require(doneValue(request("GET / HTTP/1.1\r\nHost: first\r\n\(line)\r\n\r\n")))
        #expect(head.host == host)
    }

    @Test func zeekLogText() {
        #expect(ZeekLogText.spell(textBytes("a\\b")) == "a\\\\b")
        #expect(ZeekLogText.spell(textBytes("a\tb")) == "a\\x09b")
        #expect(ZeekLogText.spell(textBytes("caf\u{E9}")) == "caf\u{E9}")
        #expect(ZeekLogText.spell([0xC3, 0xA9, 0x01]) == "\\xc3\\xa9\\x01")   // a control byte spoils the piece
        #expect(ZeekLogText.spell([0xFC, 0x5C, 0xC3, 0xA9]) == "\\xfc\\\\\u{E9}")  // pieces split at '\'
        #expect(ZeekLogText.spell([0xEE, 0x80, 0x80]) == "\\xee\\x80\\x80")   // U+E000, private use
        #expect(ZeekLogText.spell([0xC0, 0xAF]) == "\\xc0\\xaf")              // overlong
    }
}
