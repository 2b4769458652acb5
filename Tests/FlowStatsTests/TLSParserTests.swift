// TLS ClientHello/ServerHello parsing on hand-built messages (TLSTestMessages.swift): fields
// as written, record-layer reassembly, Zeek's version names and escaping, and hostile bytes
// (every cut, seeded garbage, lengths that claim more than present).

@testable import FlowStats
import FlowStatsTestSupport
import Testing

private typealias B = TLSBytes

private func clientHello(message bytes: [UInt8]) -> ParseProgress<TLSClientHello> {
    bytes.withUnsafeBytes { TLSClientHello.parse(message: $0) }
}

private func clientHello(stream bytes: [UInt8]) -> ParseProgress<TLSClientHello> {
    bytes.withUnsafeBytes { TLSClientHello.parse(stream: $0) }
}

private func serverHello(stream bytes: [UInt8]) -> ParseProgress<TLSServerHello> {
    bytes.withUnsafeBytes { TLSServerHello.parse(stream: $0) }
}

private func consumed<V>(_ p: ParseProgress<V>) -> Int? { if case .done(_, let n) = p { n } else { nil } }

@Suite struct TLSClientHelloTests {
    /// A ClientHello written out byte for byte (no builder), fields asserted one by one.
    @Test func literalClientHelloFields() throws {
        let body: [UInt8] = [
            0x03, 0x03,  // legacy_version TLS 1.2
        ] + Array(repeating: 0x11, count: 32) + [  // random
            0x00,  // session id: empty
            0x00, 0x06, 0x1a, 0x1a, 0x13, 0x01, 0xc0, 0x2f,  // 3 cipher suites (first GREASE)
            0x01, 0x00,  // compression: null
            0x00, 0x42,  // extensions: 66 bytes
            0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09,  // server_name, host_name of 9
            0x61, 0x2e, 0x65, 0x78, 0x01, 0x5c, 0x2e, 0x69, 0x6f,  // "a.ex", 0x01, "\", ".io"
            0x00, 0x10, 0x00, 0x0b, 0x00, 0x09, 0x02, 0x68, 0x32, 0x00, 0x01, 0x78, 0x02, 0xff, 0x61,  // ALPN h2, "", x, ÿa
            0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17,  // groups x25519, secp256r1
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,  // point formats: uncompressed
            0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03,  // sig algs ecdsa_secp256r1_sha256
            0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,  // versions 1.3, 1.2
        ]
        #expect(body.count == 2 + 32 + 1 + 8 + 2 + 2 + 66)
        let message: [UInt8] = [0x01, 0x00, 0x00, UInt8(body.count)] + body
        let progress = clientHello(message: message)
        let hello = try #require(progress.value)
        #expect(consumed(progress) == message.count)
        #expect(hello.legacyVersion == 0x0303)
        #expect(hello.cipherSuites == [0x1a1a, 0x1301, 0xc02f])
        #expect(hello.extensions == [0x0000, 0x0010, 0x000a, 0x000b, 0x000d, 0x002b])
        #expect(hello.serverNameBytes == [0x61, 0x2e, 0x65, 0x78, 0x01, 0x5c, 0x2e, 0x69, 0x6f])
        #expect(hello.serverName == #"a.ex\x01\\.io"#)
        #expect(hello.alpn == [[0x68, 0x32], [], [0x78], [0xff, 0x61]])
        #expect(hello.supportedGroups == [0x001d, 0x0017])
        #expect(hello.ecPointFormats == [0x00])
        #expect(hello.signatureAlgorithms == [0x0403])
        #expect(hello.supportedVersions == [0x0304, 0x0303])
    }

    @Test func clientHelloWithoutExtensionsBlock() throws {
        let message = B.clientHello(version: 0x0301, sessionID: [], ciphers: [0x0004, 0x0005], extensions: nil)
        let hello = try #require(clientHello(message: message).value)
        #expect(hello.legacyVersion == 0x0301)
        #expect(hello.cipherSuites == [4, 5])
        #expect(hello.extensions.isEmpty && hello.serverName == nil && hello.alpn.isEmpty)
    }

    @Test func firstHostNameIsTheServerName() throws {
        // A name of type 1 (not host_name) first, then two host names.
        let list = [0x01] + B.vec16([0x41]) + [0x00] + B.vec16(Array("first.example".utf8))
            + [0x00] + B.vec16(Array("second.example".utf8))
        let message = B.clientHello(ciphers: [0x1301], extensions: [B.ext(0x0000, B.vec16(list))])
        let hello = try #require(clientHello(message: message).value)
        #expect(hello.serverName == "first.example")
    }

    @Test func malformedExtensionContentsAreSkippedButCounted() throws {
        // SNI whose inner list claims 200 bytes in a 3-byte extension.
        let message = B.clientHello(ciphers: [0x1301], extensions: [B.ext(0x0000, [0x00, 0xc8, 0x00]), B.empty(0x0017)])
        let hello = try #require(clientHello(message: message).value)
        #expect(hello.extensions == [0x0000, 0x0017])
        #expect(hello.serverName == nil)
        #expect(hello.hasServerNameExtension)
    }

    @Test func bodyInconsistenciesAreNotThisProtocol() {
        // Odd cipher-suite length.
        var body = B.u16(0x0303) + Array(repeating: 0, count: 32) + [0x00] + [0x00, 0x03, 0x13, 0x01, 0x13] + [0x01, 0x00]
        #expect(isNotThis(clientHello(message: [0x01] + B.u24(body.count) + body)))
        // Session id longer than 32.
        body = B.u16(0x0303) + Array(repeating: 0, count: 32) + B.vec8(Array(repeating: 1, count: 33)) + [0x00, 0x02, 0x13, 0x01, 0x01, 0x00]
        #expect(isNotThis(clientHello(message: [0x01] + B.u24(body.count) + body)))
        // An extension that runs past the extensions block.
        body = B.u16(0x0303) + Array(repeating: 0, count: 32) + [0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00]
            + [0x00, 0x04, 0x00, 0x17, 0x00, 0x05]
        #expect(isNotThis(clientHello(message: [0x01] + B.u24(body.count) + body)))
        // Another message type.
        #expect(isNotThis(clientHello(message: [0x02, 0x00, 0x00, 0x00])))
        // A length no ClientHello can have.
        #expect(isNotThis(clientHello(message: [0x01, 0xff, 0xff, 0xff, 0x03, 0x03])))
        // A plausible length, not all there yet.
        #expect(isNeedMore(clientHello(message: [0x01, 0x00, 0x10, 0x00, 0x03, 0x03])))
    }
}

@Suite struct TLSRecordStreamTests {
    @Test func oneRecord() throws {
        let message = B.ja4SpecClientHello
        let stream = B.records(message) + [23, 3, 3, 0, 1, 0xEE]  // something after it
        let progress = clientHello(stream: stream)
        #expect(progress.value == clientHello(message: message).value)
        #expect(consumed(progress) == 5 + message.count)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 100, 511])
    func messageSplitOverRecords(fragment: Int) throws {
        let message = B.ja4SpecClientHello
        let stream = B.records(message, fragment: fragment)
        let records = (message.count + fragment - 1) / fragment
        #expect(stream.count == message.count + 5 * records)
        let progress = clientHello(stream: stream)
        let expected = try #require(clientHello(message: message).value)
        #expect(progress.value == expected)
        #expect(consumed(progress) == stream.count)
        // Every shorter prefix is a valid beginning.
        for cut in 0..<stream.count where !isNeedMore(clientHello(stream: Array(stream[..<cut]))) {
            Issue.record("cut at \(cut) of \(stream.count) (fragment \(fragment)) is not needMore")
            break
        }
    }

    @Test func recordVersionsAccepted() {
        let message = B.clientHello(ciphers: [0x002f], extensions: nil)
        for minor in UInt16(0)...4 {
            #expect(clientHello(stream: B.records(message, version: 0x0300 | minor)).value != nil)
        }
        #expect(isNotThis(clientHello(stream: B.records(message, version: 0x0305))))
        #expect(isNotThis(clientHello(stream: B.records(message, version: 0x0203))))
    }

    @Test func otherRecordsAndSSLv2AreNotTLSClientHellos() {
        let message = B.ja4SpecClientHello
        // An alert record in the middle of the fragmented ClientHello.
        let split = B.records(Array(message[..<100])) + [21, 3, 3, 0, 2, 2, 40] + B.records(Array(message[100...]))
        #expect(isNotThis(clientHello(stream: split)))
        // A ServerHello is not a ClientHello.
        #expect(isNotThis(clientHello(stream: B.records(B.serverHello(cipher: 0x1301, extensions: nil)))))
        // SSLv2-compatible ClientHello (RFC 5246 appendix E.2): 2-byte header with the high bit.
        let v2: [UInt8] = [0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10]
            + Array(repeating: 0x07, count: 21 + 16)
        #expect(isNotThis(clientHello(stream: v2)))
        #expect(!v2.withUnsafeBytes { TLSClientHello.looksLikeStart($0) })
        // HTTP.
        #expect(isNotThis(clientHello(stream: Array("GET / HTTP/1.1\r\n".utf8))))
    }

    @Test func looksLikeStart() {
        func check(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { TLSClientHello.looksLikeStart($0) } }
        #expect(check([22, 3, 1]))
        #expect(check([22, 3, 4, 0x02, 0x00]))
        #expect(!check([22, 3]))
        #expect(!check([23, 3, 3]))
        #expect(!check([22, 2, 0]))
        #expect(!check([22, 3, 5]))
    }

    @Test func claimedLengthsBeyondThePresentBytes() {
        // A record claiming 65535 bytes is beyond any TLS record.
        #expect(isNotThis(clientHello(stream: [22, 3, 1, 0xff, 0xff, 0x01, 0x00])))
        // A ClientHello claiming 16 MiB is beyond any ClientHello.
        #expect(isNotThis(clientHello(stream: [22, 3, 1, 0x40, 0x00, 0x01, 0xff, 0xff, 0xff])))
        // A ClientHello claiming 100 000 bytes could be one (over many records): wait.
        #expect(isNeedMore(clientHello(stream: [22, 3, 1, 0x40, 0x00, 0x01, 0x01, 0x86, 0xa0, 0x03, 0x03])))
        // A ServerHello longer than a ServerHello can be.
        #expect(isNotThis(serverHello(stream: [22, 3, 3, 0x00, 0x08, 0x02, 0x02, 0x00, 0x00])))
    }
}

@Suite struct TLSServerHelloTests {
    @Test func tls12ServerHello() throws {
        let message = B.serverHello(cipher: 0xc030, extensions: [B.ext(0xff01, [0]), B.pointFormats([0, 1, 2]), B.empty(0x0023)])
        let progress = serverHello(stream: B.records(message))
        let hello = try #require(progress.value)
        #expect(consumed(progress) == 5 + message.count)
        #expect(hello.legacyVersion == 0x0303 && hello.selectedVersion == nil && hello.negotiatedVersion == 0x0303)
        #expect(hello.cipher == 0xc030)
        #expect(hello.extensions == [0xff01, 0x000b, 0x0023])
        #expect(!hello.isHelloRetryRequest)
        #expect(TLSVersionName.zeek(hello.negotiatedVersion) == "TLSv12")
    }

    @Test func tls13ServerHelloBeforeTheRestOfItsRecord() throws {
        let message = B.serverHello(cipher: 0x1301, extensions: [B.ext(0x002b, B.u16(0x0304)), B.ext(0x0033, B.u16(0x001d) + B.vec16(Array(repeating: 9, count: 32)))])
        // ServerHello and a (long, cut) Certificate in one record of 16 000 bytes.
        let certificate: [UInt8] = [0x0b] + B.u24(16_000 - message.count - 4)
        var stream: [UInt8] = [22, 3, 3] + B.u16(16_000) + message + certificate
        stream += Array(repeating: 0x30, count: 100)
        let progress = serverHello(stream: stream)
        let hello = try #require(progress.value)
        #expect(consumed(progress) == 5 + message.count)
        #expect(hello.legacyVersion == 0x0303 && hello.selectedVersion == 0x0304 && hello.negotiatedVersion == 0x0304)
        #expect(hello.cipher == 0x1301)
        #expect(TLSVersionName.zeek(hello.negotiatedVersion) == "TLSv13")
    }

    @Test func helloRetryRequest() throws {
        let random: [UInt8] = [0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                               0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C]
        let message = B.serverHello(random: random, cipher: 0x1302, extensions: [B.ext(0x0033, B.u16(0x0017)), B.ext(0x002b, B.u16(0x0304))])
        let hello = try #require(serverHello(stream: B.records(message)).value)
        #expect(hello.isHelloRetryRequest)
        #expect(hello.negotiatedVersion == 0x0304 && hello.cipher == 0x1302)
    }

    @Test func draftLayoutWithoutSessionID() throws {
        // TLS 1.3 draft-18 ServerHello: version 0x7f12, random, cipher, extensions (no session
        // id, no compression), as Zeek's ServerHello13 reads it.
        let body = B.u16(0x7f12) + Array(repeating: 0x42, count: 32) + B.u16(0x1301) + B.vec16(B.ext(0x0033, [0, 0x1d, 0, 0]))
        let hello = try #require(serverHello(stream: B.records([0x02] + B.u24(body.count) + body)).value)
        #expect(hello.legacyVersion == 0x7f12 && hello.cipher == 0x1301 && hello.extensions == [0x0033])
        #expect(TLSVersionName.zeek(hello.negotiatedVersion) == "TLSv13-draft18")
    }

    @Test func versionNamesAsZeek() {
        // consts.zeek's table; drafts are v / 0xFF == 0x7F, named v % 0x7F.
        let expected: [(UInt16, String)] = [
            (0x0002, "SSLv2"), (0x0300, "SSLv3"), (0x0301, "TLSv10"), (0x0302, "TLSv11"), (0x0303, "TLSv12"),
            (0x0304, "TLSv13"), (0xfeff, "DTLSv10"), (0xfefd, "DTLSv12"), (0xfefc, "DTLSv13"),
            (0x7f17, "TLSv13-draft23"), (0x7f1c, "TLSv13-draft28"), (0x7f12, "TLSv13-draft18"),
            (0x7f7f, "TLSv13-draft0"),  // 32639 % 127 = 0, and 32639 / 255 = 127
            (0x7e81, "TLSv13-draft0"),  // 32385 = 127 × 255
            (0x7e80, "unknown-32384"), (0x7f80, "unknown-32640"),
            (0xfb1a, "unknown-64282"), (0x0305, "unknown-773"), (0, "unknown-0"),
        ]
        for (version, name) in expected { #expect(TLSVersionName.zeek(version) == name, "\(version)") }
    }

    @Test func zeekEscaping() {
        #expect(ZeekLogText.spell(Array("www.example.com".utf8)) == "www.example.com")
        // Zeek's writer cuts the text at the tab and the backslash: the piece before the tab has
        // control bytes (all its non-printable bytes escaped); the piece after it is valid UTF-8
        // (é kept); the tab is \x09, the backslash \\.
        #expect(ZeekLogText.spell([0x20, 0x7e, 0x7f, 0x00, 0x09, 0xc3, 0xa9, 0x5c]) == " ~\\x7f\\x00\\x09\u{E9}\\\\")
    }
}

@Suite struct TLSHostileBytesTests {
    /// The valid messages of these tests, as (name, handshake message, is ClientHello).
    private static var messages: [(String, [UInt8], Bool)] {
        [
            ("ja4 spec ClientHello", B.ja4SpecClientHello, true),
            ("ClientHello without extensions", B.clientHello(version: 0x0301, ciphers: [4, 5, 10], extensions: nil), true),
            ("ClientHello with SNI", B.clientHello(ciphers: [0x1301], extensions: [B.sni(Array("a.b".utf8)), B.alpn([[0x68]])]), true),
            ("TLS 1.2 ServerHello", B.serverHello(cipher: 0xc02f, extensions: [B.ext(0xff01, [0])]), false),
            ("ServerHello without extensions", B.serverHello(version: 0x0301, cipher: 0x002f, extensions: nil), false),
        ]
    }

    @Test func everyCutNeedsMore() {
        for (name, message, isClient) in Self.messages {
            for fragment in [message.count, 50, 3] {
                let stream = B.records(message, fragment: fragment)
                for cut in 0..<stream.count {
                    let prefix = Array(stream[..<cut])
                    let ok = isClient ? isNeedMore(clientHello(stream: prefix)) : isNeedMore(serverHello(stream: prefix))
                    if !ok { Issue.record("\(name), fragment \(fragment): cut at \(cut) is not needMore"); break }
                }
                #expect(isClient ? clientHello(stream: stream).value != nil : serverHello(stream: stream).value != nil, "\(name)")
            }
            if isClient {
                for cut in 0..<message.count where !isNeedMore(clientHello(message: Array(message[..<cut]))) {
                    Issue.record("\(name): message cut at \(cut) is not needMore"); break
                }
            }
        }
    }

    @Test func seededGarbageNeverTraps() {
        var random = SplitMix64.forTest()
        var outcomes = [0, 0, 0]
        func note<V>(_ p: ParseProgress<V>) {
            switch p { case .needMore: outcomes[0] += 1; case .notThisProtocol: outcomes[1] += 1; case .done: outcomes[2] += 1 }
        }
        for round in 0..<20_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:  // pure garbage
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1:  // garbage behind a handshake record header
                let body = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                bytes = [22, 3, UInt8.random(in: 0...4, using: &random)] + B.u16(UInt16(body.count)) + [UInt8.random(in: 1...2, using: &random)] + body
            default:  // a valid message with a few bytes changed
                let all = Self.messages
                let (_, message, _) = all[Int.random(in: 0..<all.count, using: &random)]
                bytes = B.records(message, fragment: Int.random(in: 1...400, using: &random))
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            note(clientHello(stream: bytes))
            note(serverHello(stream: bytes))
            note(clientHello(message: bytes))
            if case .done(let hello, _) = clientHello(stream: bytes) {
                _ = JA4.fingerprint(hello, transport: .tcp)
                _ = JA3.hash(hello)
            }
        }
        print("garbage outcomes needMore/notThisProtocol/done: \(outcomes)")
        #expect(outcomes[1] > 0 && outcomes[2] > 0)
    }
}
