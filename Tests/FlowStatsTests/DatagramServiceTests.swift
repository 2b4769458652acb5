// The UDP service detectors on datagrams written out here (layouts from RFC 5905 (NTP),
// RFC 2131 (DHCP), RFC 3261 (SIP), RFC 3416 (SNMP), RFC 2865 (RADIUS), RFC 4120 (Kerberos),
// RFC 5424 (syslog)), Zeek's port rules, and Zeek conn.log `service` of the corpus's UDP
// connections.

@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

private func detect(_ bytes: [UInt8], fromClient: Bool = true, ports: UDPPorts? = nil) -> ServiceGuess? {
    bytes.withUnsafeBytes { DatagramServices.detect(datagram: $0, fromClient: fromClient, ports: ports) }
}

/// A 48-byte NTP header: LI 0, version 4, `mode`.
private func ntp(mode: UInt8, version: UInt8 = 4) -> [UInt8] {
    [version << 3 | mode] + [UInt8](repeating: 0, count: 47)
}

@Suite("Datagram services")
struct DatagramServiceTests {
    @Test("DNS: query and response; a response from the client flips roles")
    func dns() throws {
        let query = try #require(detect(DNSSamples.query))
        #expect(query.service == "dns")
        #expect(!query.dnsResponse)
        #expect(!query.flipsRoles)
        let response = try #require(detect(DNSSamples.response, fromClient: true))
        #expect(response.dnsResponse)
        #expect(response.flipsRoles)
        #expect(detect(DNSSamples.response, fromClient: false)?.flipsRoles == false)
        // On a port Zeek's DNS analyzer does not register (here 9999 → 80), not DNS.
        #expect(detect(DNSSamples.query, ports: UDPPorts(client: 9999, server: 80)) == nil)
        #expect(detect(DNSSamples.query, ports: UDPPorts(client: 9999, server: 5353))?.service == "dns")
        #expect(detect(DNSSamples.query, ports: UDPPorts(client: 9999, server: 5355))?.service == "dns")
        // A bare header with zero counts: Zeek confirms it on port 53; by content alone, no.
        let bare: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(detect(bare, ports: UDPPorts(client: 1000, server: 53))?.service == "dns")
        #expect(detect(bare) == nil)
    }

    @Test("NTP: modes, Zeek's flip rule, the 48-byte header")
    func ntpModes() throws {
        let client = try #require(detect(ntp(mode: 3)))
        #expect(client.service == "ntp")
        #expect(client.ntpMode == 3)
        #expect(!client.flipsRoles)
        #expect(!client.ntpServerMode)
        let server = try #require(detect(ntp(mode: 4), fromClient: true))
        #expect(server.ntpServerMode)
        #expect(server.flipsRoles)
        #expect(detect(ntp(mode: 4), fromClient: false)?.flipsRoles == false)
        #expect(detect(ntp(mode: 3), fromClient: false)?.flipsRoles == true)
        let broadcast = try #require(detect(ntp(mode: 5)))
        #expect(broadcast.ntpServerMode)
        #expect(!broadcast.flipsRoles)
        #expect(detect(Array(ntp(mode: 3).prefix(47))) == nil)
        #expect(detect(ntp(mode: 3, version: 0)) == nil)  // content alone: version 1–4
        #expect(detect(ntp(mode: 3, version: 0), ports: UDPPorts(client: 123, server: 123))?.service == "ntp")
        #expect(detect(ntp(mode: 3), ports: UDPPorts(client: 5000, server: 5001)) == nil)
    }

    @Test("DHCP: the magic cookie at 236, any port")
    func dhcp() {
        var discover = [UInt8](repeating: 0, count: 300)
        discover[0] = 1; discover[1] = 1; discover[2] = 6
        discover[236] = 0x63; discover[237] = 0x82; discover[238] = 0x53; discover[239] = 0x63
        #expect(detect(discover)?.service == "dhcp")
        #expect(detect(discover, ports: UDPPorts(client: 1000, server: 2000))?.service == "dhcp")
        var noCookie = discover
        noCookie[239] = 0x64
        #expect(detect(noCookie) == nil)
        #expect(detect(Array(discover.prefix(239))) == nil)
    }

    @Test("SIP: request line ending in SIP/2.0, status line")
    func sip() {
        let invite = Array("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP host\r\n\r\n".utf8)
        #expect(detect(invite)?.service == "sip")
        #expect(detect(Array("SIP/2.0 200 OK\r\n".utf8), fromClient: false)?.service == "sip")
        #expect(detect(Array("GET / HTTP/1.1\r\n".utf8)) == nil)
        #expect(detect(Array("INVITE sip:bob SIP/2.0".utf8)) == nil)  // no CR LF
    }

    @Test("SNMP: a v2c response from the responder on 161; requests do not confirm")
    func snmp() {
        // SEQUENCE (len 0x1a) { INTEGER 1 (v2c), OCTET STRING "public", GetResponse PDU ... }
        let body: [UInt8] = [0x02, 0x01, 0x01, 0x04, 0x06] + Array("public".utf8)
            + [0xA2, 0x0D, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x02, 0x30, 0x00]
        let message = [0x30, UInt8(body.count)] + body
        let ports = UDPPorts(client: 40000, server: 161)
        #expect(detect(message, fromClient: false, ports: ports)?.service == "snmp")
        #expect(detect(message, fromClient: true, ports: ports) == nil)
        #expect(detect(message, fromClient: false, ports: UDPPorts(client: 40000, server: 1161)) == nil)
        #expect(detect(Array(message.dropLast()), fromClient: false, ports: ports) == nil)  // length mismatch
    }

    @Test("RADIUS, syslog, Kerberos")
    func others() {
        // Access-Request, id 7, length 26, authenticator, User-Name "bob" (type 1, length 5)... 
        var radius: [UInt8] = [1, 7, 0, 25] + [UInt8](repeating: 0xAB, count: 16) + [1, 5] + Array("bob".utf8)
        #expect(detect(radius)?.service == "radius")
        radius[21] = 1  // attribute length below 2
        #expect(detect(radius) == nil)
        let syslog = Array("<34>Oct 11 22:14:15 host su: 'su root' failed".utf8)
        #expect(detect(syslog)?.service == "syslog")
        #expect(detect(Array("hello".utf8)) == nil)
        #expect(detect(Array("hello".utf8), ports: UDPPorts(client: 600, server: 514))?.service == "syslog")
        // AS-REQ: [APPLICATION 10] len, SEQUENCE len, [1] INTEGER 5 (pvno), [2] INTEGER 10 (msg-type).
        let asReq: [UInt8] = [0x6A, 0x81, 0x20, 0x30, 0x81, 0x1D, 0xA1, 0x03, 0x02, 0x01, 0x05, 0xA2, 0x03, 0x02, 0x01, 0x0A]
        #expect(detect(asReq)?.service == "krb")
        // KRB-ERROR: [APPLICATION 30], SEQUENCE, [0] pvno 5, [1] msg-type 30.
        let error: [UInt8] = [0x7E, 0x30, 0x30, 0x2E, 0xA0, 0x03, 0x02, 0x01, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x1E]
        #expect(detect(error, fromClient: false)?.service == "krb")
        // The signature stops at the msg-type tag and length: without its last byte, not Kerberos.
        #expect(detect(Array(asReq.prefix(14))) == nil)
    }

    @Test("Every datagram cut at every length, and random bytes: no crash")
    func cuts() {
        var samples: [[UInt8]] = DNSSamples.all + [ntp(mode: 4), Array("SIP/2.0 200 OK\r\n".utf8)]
        var rng = SplitMix64.forTest()
        for _ in 0..<2000 { samples.append((0..<Int(rng.next() % 400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        for sample in samples {
            for n in 0...sample.count {
                for ports in [nil, UDPPorts(client: 53, server: 53), UDPPorts(client: 161, server: 161)] {
                    _ = detect(Array(sample.prefix(n)), fromClient: n % 2 == 0, ports: ports)
                }
            }
        }
    }

    @Test("Zeek conn.log: the service of every UDP connection of the corpus's Zeek baselines",
          .enabled(if: SharedCorpus.isPresent))
    func zeekConnService() {
        // Captures whose conn.log baselines name UDP services (refs/*.zeek-conn.log), untunnelled.
        let captures = ["zeek__wikipedia.pcap", "zeek__pcapng-multi-interface.pcapng", "zeek__dhcp__dhcp.pcap",
                        "zeek__q-in-q.pcap", "zeek__pppoe.pcap"]
        var compared = 0, equal = 0
        var differences: [String] = []
        for capture in captures {
            let flows = CorpusFlows.read(SharedCorpus.captures + "/" + capture)
            for row in zeekLogRows("\(SharedCorpus.path)/refs/\(capture).zeek-conn.log") where row["proto"] == "udp" {
                let a = "\(row["id.orig_h"] ?? "") \(row["id.orig_p"] ?? "")"
                let b = "\(row["id.resp_h"] ?? "") \(row["id.resp_p"] ?? "")"
                let key = [a, b].sorted().joined(separator: " ") + " 17"
                guard let flow = flows.first(where: { $0.pairKey == key }) else {
                    differences.append("\(capture) \(key): flow not found")
                    continue
                }
                let ports = UDPPorts(client: flow.clientPort, server: flow.serverPort)
                var services: Set<String> = []
                for p in flow.payloads {
                    if let guess = p.bytes.withUnsafeBytes({ DatagramServices.detect(datagram: $0, fromClient: p.fromClient, ports: ports) }) {
                        services.insert(guess.service)
                    }
                }
                let mine = services.sorted().joined(separator: ",")
                let theirs = row["service"] == "-" ? "" : (row["service"] ?? "")
                compared += 1
                if mine == theirs { equal += 1 } else { differences.append("\(capture) \(key): '\(mine)' vs Zeek '\(theirs)'") }
            }
        }
        print("Zeek conn.log UDP service: \(equal)/\(compared) equal")
        for d in differences { print("  \(d)") }
        #expect(compared == 35)
        #expect(equal == compared)
    }
}
