// DTLS ClientHello/ServerHello parsing (RFC 6347 §4.1 records, §4.2.2 handshake header,
// §4.2.1 cookie; RFC 7983 STUN multiplexing) on hand-built datagrams. Expected values are
// worked out by hand from the bytes built here; the two hashes were computed outside
// flowcsv (python3 hashlib: sha256("002f,c02b")[:12], md5("65277,49195-47,0-16,,")).

import Testing
import FlowStatsTestSupport
@testable import FlowStats

@Suite struct DTLSParserTests {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func u24(_ v: Int) -> [UInt8] { [UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    /// A DTLS 1.2 ClientHello body: ciphers c02b 002f, SNI `name`, ALPN h2, `cookie`.
    static func clientHelloBody(name: String, cookie: [UInt8]) -> [UInt8] {
        let host = Array(name.utf8)
        var body: [UInt8] = [0xFE, 0xFD] + [UInt8](repeating: 0x11, count: 32) + [0]
        body += [UInt8(cookie.count)] + cookie
        body += [0x00, 0x04, 0xC0, 0x2B, 0x00, 0x2F, 0x01, 0x00]
        let sni: [UInt8] = [0x00, 0x00] + u16(5 + host.count) + u16(3 + host.count) + [0] + u16(host.count) + host
        let alpn: [UInt8] = [0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32]
        body += u16(sni.count + alpn.count) + sni + alpn
        return body
    }

    /// One handshake fragment (12-byte header) of a message of `length` bytes.
    static func fragment(type: UInt8 = 1, length: Int, seq: Int, offset: Int, _ bytes: [UInt8]) -> [UInt8] {
        [type] + u24(length) + u16(seq) + u24(offset) + u24(bytes.count) + bytes
    }

    /// One epoch-0 handshake record holding `fragments`.
    static func record(_ fragments: [UInt8], epoch: Int = 0) -> [UInt8] {
        [22, 0xFE, 0xFD] + u16(epoch) + [0, 0, 0, 0, 0, 1] + u16(fragments.count) + fragments
    }

    static func whole(name: String = "ex.com", cookie: [UInt8] = [], seq: Int = 0) -> [UInt8] {
        let body = clientHelloBody(name: name, cookie: cookie)
        return record(fragment(length: body.count, seq: seq, offset: 0, body))
    }

    static func hello(from datagrams: [[UInt8]]) -> TLSClientHello? {
        var assembler = DTLSHandshakeAssembler(type: 1, maxBody: TLSConstants.maxClientHelloBody)
        for d in datagrams {
            let r = d.withUnsafeBytes { assembler.add(datagram: $0) }
            if case .done(let message, _) = r, case .done(let h, _) = TLSClientHello.parse(dtlsMessage: message) { return h }
        }
        return nil
    }

    @Test func wholeClientHelloWithCookie() throws {
        let h = try #require(Self.hello(from: [Self.whole(cookie: [0xAB, 0xCD, 0xEF])]))
        #expect(h.legacyVersion == 0xFEFD)
        #expect(h.cipherSuites == [0xC02B, 0x002F])
        #expect(h.extensions == [0x0000, 0x0010])
        #expect(h.serverName == "ex.com")
        #expect(h.alpn == [[0x68, 0x32]])
        #expect(JA4.fingerprint(h, transport: .dtls) == "dd2d0202h2_a137a120d3d9_000000000000")
        #expect(JA3.string(h) == "65277,49195-47,0-16,,")
        #expect(JA3.hash(h) == "5ff8d699064febbce763a24d621bc519")
    }

    @Test func fragmentsOutOfOrderFirstCopyWins() throws {
        let body = Self.clientHelloBody(name: "ex.com", cookie: [1, 2])
        let n = body.count
        let a = Self.record(Self.fragment(length: n, seq: 0, offset: 0, Array(body[0..<30])))
        let b = Self.record(Self.fragment(length: n, seq: 0, offset: 30, Array(body[30..<60])))
        // Overlaps b with other bytes: must not overwrite what b gave.
        var bad = Array(body[40..<n]); for i in 0..<20 { bad[i] = 0xEE }
        let c = Self.record(Self.fragment(length: n, seq: 0, offset: 40, bad))
        let h = try #require(Self.hello(from: [b, c, a]))
        #expect(h.serverName == "ex.com")
        #expect(h.cipherSuites == [0xC02B, 0x002F])
        // Two fragments in one record and one datagram.
        let both = Self.record(Self.fragment(length: n, seq: 0, offset: 50, Array(body[50..<n]))
                               + Self.fragment(length: n, seq: 0, offset: 0, Array(body[0..<50])))
        #expect(Self.hello(from: [both])?.serverName == "ex.com")
        // A missing byte range: never complete.
        #expect(Self.hello(from: [a, c]) == nil)
    }

    @Test func firstClientHelloBeforeHelloVerifyRequestWins() throws {
        let first = Self.whole(name: "a.com", seq: 0)
        let second = Self.whole(name: "b.com", cookie: [9, 9, 9, 9], seq: 1)
        #expect(Self.hello(from: [first, second])?.serverName == "a.com")
        // An encrypted (epoch 1) record is skipped.
        let body = Self.clientHelloBody(name: "c.com", cookie: [])
        let encrypted = Self.record(Self.fragment(length: body.count, seq: 0, offset: 0, body), epoch: 1)
        #expect(Self.hello(from: [encrypted]) == nil)
    }

    @Test func progressThroughSTUNThenServerHello() {
        var m = AppMetadata()
        var p = DTLSProgress()
        let stun: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 7, count: 12)
        stun.withUnsafeBytes { p.take($0, fromClient: true, into: &m) }
        #expect(p.isPending)
        Self.whole().withUnsafeBytes { p.take($0, fromClient: true, into: &m) }
        #expect(m.tlsSNI == "ex.com")
        #expect(m.ja4.hasPrefix("dd2d0202h2_"))
        #expect(m.services.text == "dtls")
        // ServerHello: version FEFD, random, empty session id, cipher c02b, null compression.
        let sh: [UInt8] = [0xFE, 0xFD] + [UInt8](repeating: 0x22, count: 32) + [0, 0xC0, 0x2B, 0]
        // HelloVerifyRequest (type 3) first: ignored.
        let hvr = Self.record(Self.fragment(type: 3, length: 3, seq: 0, offset: 0, [0xFE, 0xFF, 0]))
        hvr.withUnsafeBytes { p.take($0, fromClient: false, into: &m) }
        #expect(m.tlsVersion == 0)
        let shDatagram = Self.record(Self.fragment(type: 2, length: sh.count, seq: 1, offset: 0, sh))
        shDatagram.withUnsafeBytes { p.take($0, fromClient: false, into: &m) }
        #expect(m.tlsVersion == 0xFEFD)
        #expect(TLSVersionName.zeek(m.tlsVersion) == "DTLSv12")
        #expect(!p.isPending)
        // A flow whose first client datagram is neither DTLS nor STUN stops looking.
        var q = DTLSProgress()
        [UInt8](repeating: 0x80, count: 40).withUnsafeBytes { q.take($0, fromClient: true, into: &m) }
        [UInt8](repeating: 0x80, count: 40).withUnsafeBytes { q.take($0, fromClient: false, into: &m) }
        #expect(!q.isPending)
    }

    @Test func everyCut() {
        let datagram = Self.whole(cookie: [5, 6])
        for cut in 0..<datagram.count {
            var assembler = DTLSHandshakeAssembler(type: 1, maxBody: TLSConstants.maxClientHelloBody)
            let r = Array(datagram[0..<cut]).withUnsafeBytes { assembler.add(datagram: $0) }
            if case .done = r { Issue.record("cut \(cut) gave a message") }
        }
        // A complete message cut inside its body (length fields kept) must not parse.
        let body = Self.clientHelloBody(name: "ex.com", cookie: [5, 6])
        for cut in 0..<body.count {
            let message: [UInt8] = [1] + Self.u24(cut) + Array(body[0..<cut])
            if case .done = TLSClientHello.parse(dtlsMessage: message) {
                // Only a cut right after the compression methods is a valid (TLS ≤ 1.2) hello.
                #expect(cut == 2 + 32 + 1 + 3 + 6 + 2, "cut \(cut)")
            }
        }
    }

    @Test func seededGarbage() {
        var random = SplitMix64.forTest()
        let valid = Self.whole(cookie: [1])
        for round in 0..<3000 {
            var d: [UInt8]
            if round % 2 == 0 {
                d = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if d.count > 13 && round % 4 == 0 { d[0] = 22; d[1] = 0xFE; d[2] = 0xFD; d[3] = 0; d[4] = 0 }
            } else {
                d = valid
                for _ in 0..<Int(random.next() % 6 + 1) {
                    d[Int(random.next() % UInt64(d.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            var m = AppMetadata()
            var p = DTLSProgress()
            d.withUnsafeBytes { p.take($0, fromClient: round % 3 != 0, into: &m) }
            _ = Self.hello(from: [d, d])
        }
    }
}
