@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// StreamServices.detect on hand-built sessions (the offsets of the TLS / tunnel starts worked
// out by hand from the bytes below), every cut of them, and seeded garbage; SIP datagrams.

@Suite struct StreamServiceTests {
    /// A fake TLS record start (ClientHello / ServerHello records begin 16 03 0x).
    static let tls: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]

    private func detect(_ client: [UInt8], _ server: [UInt8], done: Bool = true) -> StreamDetection {
        withRaw(client) { c in withRaw(server) { s in
            StreamServices.detect(client: c, server: s, clientDone: done, serverDone: done)
        } }
    }

    @Test func smtpStartTLS() {
        let client = textBytes("EHLO me\r\nSTARTTLS\r\n") + Self.tls                  // 9 + 10 = 19
        let server = textBytes("220 mail ESMTP\r\n250-mail\r\n250 STARTTLS\r\n220 Ready\r\n") + Self.tls  // 16+10+14+11 = 51
        let found = detect(client, server)
        #expect(found.services == ["smtp"])
        #expect(found.inner == InnerStreamStart(clientOffset: 19, serverOffset: 51, kind: .startTLS))
        #expect(found.isFinal)
        // Refused (454): no TLS start.
        let refused = detect(textBytes("HELO me\r\nSTARTTLS\r\nQUIT\r\n"), textBytes("220 x\r\n250 ok\r\n454 no\r\n221 bye\r\n"))
        #expect(refused.services == ["smtp"] && refused.inner == nil)
    }

    @Test func ftpAuthTLSPop3StlsImapStartTLS() {
        let ftp = detect(textBytes("AUTH TLS\r\n") + Self.tls, textBytes("220 FTP\r\n234 AUTH TLS ok\r\n") + Self.tls)
        #expect(ftp.services == ["ftp"] && ftp.inner == InnerStreamStart(clientOffset: 10, serverOffset: 26, kind: .startTLS))
        let plainFTP = detect(textBytes("USER anonymous\r\nPASS x\r\n"), textBytes("220 hi\r\n331 pass\r\n230 ok\r\n"))
        #expect(plainFTP.services == ["ftp"] && plainFTP.inner == nil)
        let pop3 = detect(textBytes("STLS\r\n") + Self.tls, textBytes("+OK ready\r\n+OK begin\r\n") + Self.tls)
        #expect(pop3.services == ["pop3"] && pop3.inner == InnerStreamStart(clientOffset: 6, serverOffset: 22, kind: .startTLS))
        let imap = detect(textBytes("a1 STARTTLS\r\n") + Self.tls, textBytes("* OK IMAP ready\r\na1 OK begin TLS\r\n") + Self.tls)
        #expect(imap.services == ["imap"] && imap.inner == InnerStreamStart(clientOffset: 13, serverOffset: 34, kind: .startTLS))
    }

    @Test func httpConnectCarryingSMTPAndTLS() {
        let client = textBytes("CONNECT mail:25 / HTTP/1.0\r\n\r\n") + textBytes("EHLO x\r\n")   // head 30
        let server = textBytes("HTTP/1.0 200 OK\r\n\r\n") + textBytes("220 mail ESMTP\r\n")    // head 19
        let smtp = detect(client, server)
        #expect(smtp.services == ["http", "smtp"] && smtp.inner == nil)
        let https = detect(textBytes("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n") + Self.tls,   // 24 + 13 + 2
                           textBytes("HTTP/1.1 200 Connection established\r\n\r\n") + Self.tls)     // 37 + 2
        #expect(https.services == ["http"])
        #expect(https.inner == InnerStreamStart(clientOffset: 39, serverOffset: 39, kind: .tunnel))
        // Zeek sets up the tunnel only for exactly 200.
        let denied = detect(textBytes("CONNECT h:443 HTTP/1.1\r\n\r\n"), textBytes("HTTP/1.1 407 Auth\r\n\r\n"))
        #expect(denied.services == ["http"] && denied.inner == nil)
        let get = detect(textBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), textBytes("HTTP/1.1 200 OK\r\n\r\n"))
        #expect(get.services == ["http"] && get.inner == nil && get.isFinal)
    }

    @Test func socks4And5() {
        // SOCKS4: 04 01 port(2) ip(4) "u" 00 → 10 bytes; reply 00 5a + 6 bytes.
        let v4 = detect([4, 1, 0, 80, 10, 0, 0, 1, 0x75, 0] + Self.tls, [0, 0x5A, 0, 0, 0, 0, 0, 0] + Self.tls)
        #expect(v4.services == ["socks"] && v4.inner == InnerStreamStart(clientOffset: 10, serverOffset: 8, kind: .tunnel))
        // SOCKS5, no authentication, domain name "example.com": greeting 3 bytes, request
        // 05 01 00 03 0b <11> port(2) = 18 → 21; server 05 00, reply 05 00 00 01 ip(4) port(2) = 10 → 12.
        let request: [UInt8] = [5, 1, 0, 3, 11] + textBytes("example.com") + [1, 0xBB]
        let v5 = detect([5, 1, 0] + request + Self.tls, [5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0] + Self.tls)
        #expect(v5.services == ["socks"] && v5.inner == InnerStreamStart(clientOffset: 21, serverOffset: 12, kind: .tunnel))
        // SOCKS5 with username/password (RFC 1929): 01 01 "u" 01 "p" = 5 more client bytes, 01 00 = 2 more server bytes.
        let auth = detect([5, 1, 2, 1, 1, 0x75, 1, 0x70] + request, [5, 2, 1, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]
                          + textBytes("HTTP/1.1 200 OK\r\n\r\n"))
        #expect(auth.services == ["socks"] && auth.inner == InnerStreamStart(clientOffset: 26, serverOffset: 14, kind: .tunnel))
        // A tunnel carrying HTTP adds it.
        let inner = detect([5, 1, 0] + request + textBytes("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"),
                           [5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0] + textBytes("HTTP/1.1 200 OK\r\n\r\n"))
        #expect(inner.services == ["socks", "http"] && inner.inner == nil)
        // Refused (5b): socks, no tunnel.
        #expect(detect([4, 1, 0, 80, 10, 0, 0, 1, 0], [0, 0x5B, 0, 0, 0, 0, 0, 0]).inner == nil)
    }

    @Test func sshNeedsBothBannersAndNewKeys() {
        let kexinit: [UInt8] = [0, 0, 0, 6, 4, 20, 0, 0, 0, 0]
        let newkeys: [UInt8] = [0, 0, 0, 6, 4, 21, 0, 0, 0, 0]
        let client = textBytes("SSH-2.0-OpenSSH_9.7\r\n") + kexinit + newkeys
        let server = textBytes("Hello\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5\r\n") + kexinit
        #expect(detect(client, server).services == ["ssh"])
        // Client side only (the half-duplex trace): no service.
        #expect(detect(client, []).services == [])
        // Banners but no NEWKEYS yet, more to come: not final.
        let early = detect(textBytes("SSH-2.0-a\r\n") + kexinit, textBytes("SSH-2.0-b\r\n"), done: false)
        #expect(early.services == [] && !early.isFinal)
        // SSH-1 client with a 2.0 server: version unknown to Zeek, no confirmation.
        #expect(detect(textBytes("SSH-1.5-a\r\n") + newkeys, textBytes("SSH-2.0-b\r\n") + newkeys).services == [])
    }

    @Test func otherTextProtocols() {
        #expect(detect(textBytes("NICK bob\r\nUSER bob 0 * :Bob\r\n"), textBytes(":irc.example 001 bob :Welcome\r\n")).services == ["irc"])
        #expect(detect(textBytes("<?xml version='1.0'?><stream:stream to='x' xmlns='jabber:client'>"),
                       textBytes("<?xml version='1.0'?><stream:stream from='x'>")).services == ["xmpp"])
        #expect(detect([0x30, 0x0C, 0x02, 0x01, 0x01, 0x60, 0x07, 2, 1, 3, 4, 0, 0x80, 0], [0x30, 0x0C]).services == ["ldap_tcp"])
        // MySQL greeting: length 0x21, seq 0, protocol 10, "5.7.0" NUL, …; client seq 1.
        let greeting: [UInt8] = [0x21, 0, 0, 0, 10] + textBytes("5.7.0") + [0] + [UInt8](repeating: 1, count: 27)
        #expect(detect([0x20, 0, 0, 1] + [UInt8](repeating: 0, count: 32), greeting).services == ["mysql"])
        // RDP: X.224 CR with a cookie, CC with RDP_NEG_RSP selecting TLS (1): TLS after the TPKTs.
        let cookie = textBytes("Cookie: mstshash=user\r\n")
        let cr: [UInt8] = [3, 0, 0, UInt8(11 + cookie.count), UInt8(6 + cookie.count), 0xE0, 0, 0, 0, 0, 0] + cookie
        let cc: [UInt8] = [3, 0, 0, 19, 14, 0xD0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0]
        let rdp = detect(cr + Self.tls, cc + Self.tls)
        #expect(rdp.services == ["rdp"] && rdp.inner == InnerStreamStart(clientOffset: cr.count, serverOffset: 19, kind: .startTLS))
    }

    @Test func nothingKnown() {
        let found = detect(Self.tls, Self.tls)
        #expect(found.services == [] && found.inner == nil && found.isFinal)
        let empty = detect([], [], done: false)
        #expect(empty.services == [] && !empty.isFinal)
    }

    @Test func everyCutGivesOnlyTheRightServiceOrNone() {
        let sessions: [([UInt8], [UInt8], [String])] = [
            (textBytes("EHLO me\r\nSTARTTLS\r\n") + Self.tls, textBytes("220 mail ESMTP\r\n250 ok\r\n220 go\r\n") + Self.tls, ["smtp"]),
            (textBytes("CONNECT m:25 HTTP/1.0\r\n\r\nHELO x\r\n"), textBytes("HTTP/1.0 200 OK\r\n\r\n220 m\r\n"), ["http", "smtp"]),
            ([5, 1, 0, 5, 1, 0, 1, 10, 0, 0, 1, 0, 80], [5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0], ["socks"]),
            (textBytes("a STARTTLS\r\n"), textBytes("* OK hi\r\na OK go\r\n") + Self.tls, ["imap"]),
        ]
        for (client, server, expected) in sessions {
            for cut in 0...client.count {
                for serverCut in [0, server.count / 2, server.count] {
                    let found = detect(Array(client[..<cut]), Array(server[..<serverCut]), done: false)
                    #expect(Array(expected.prefix(found.services.count)) == found.services,
                            "cut \(cut)/\(serverCut): \(found.services)")
                }
            }
            for cut in 0...server.count {
                let found = detect(client, Array(server[..<cut]), done: false)
                #expect(Array(expected.prefix(found.services.count)) == found.services, "server cut \(cut): \(found.services)")
            }
            #expect(detect(client, server).services == expected)
        }
    }

    @Test func randomGarbageNeverTraps() {
        var random = SplitMix64.forTest()
        let starts: [[UInt8]] = [[4, 1], [5, 1, 0], [5, 2, 0, 2], textBytes("SSH-2.0-x\r\n"), textBytes("CONNECT "), [0x30, 5, 2, 1, 1, 0x60], [3, 0]]
        for round in 0..<2000 {
            var client = randomBytes(Int(random.next() % 120), &random)
            var server = randomBytes(Int(random.next() % 120), &random)
            if round % 2 == 0 { client = starts[round / 2 % starts.count] + client }
            if round % 3 == 0 { server = [[0, 0x5A], [5, 0], [5, 2, 1, 0], textBytes("SSH-2.0-y\n"), textBytes("HTTP/1.1 200 OK\r\n\r\n")][round % 5] + server }
            let found = detect(client, server, done: round % 4 == 0)
            if let inner = found.inner {
                #expect(inner.clientOffset <= client.count && inner.serverOffset <= server.count)
            }
        }
    }

    @Test func sipDatagrams() {
        #expect(withRaw(textBytes("INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n")) { OtherServices.isSIP(datagram: $0) })
        #expect(withRaw(textBytes("SIP/2.0 200 OK\r\n")) { OtherServices.isSIP(datagram: $0) })
        #expect(withRaw(textBytes(" SIP/2.0\r\n")) { OtherServices.isSIP(datagram: $0) })
        #expect(!withRaw(textBytes("GET / HTTP/1.1\r\n")) { OtherServices.isSIP(datagram: $0) })
        #expect(!withRaw(textBytes("INVITE sip:x SIP/2.0\n")) { OtherServices.isSIP(datagram: $0) })
    }
}
