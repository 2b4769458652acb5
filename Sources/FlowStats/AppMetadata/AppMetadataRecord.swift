/// How parser results become the flow's ``AppMetadata`` fields (the first of each kind wins).
extension AppMetadata {
    /// The first ClientHello's SNI, ALPN list, JA4 and JA3; confirms `ssl`.
    mutating func record(_ hello: TLSClientHello, transport: JA4Transport) {
        services.insert("ssl")
        guard ja4.isEmpty else { return }
        tlsSNI = hello.serverName ?? ""
        tlsALPN = hello.alpn.map { protocolID in
            TLSText.zeekEscaped(protocolID)
        }.joined(separator: ";")
        ja4 = JA4.fingerprint(hello, transport: transport)
        ja3 = JA3.hash(hello)
    }

    /// The DNS fields of the flow's first dns.log-style row; confirms `dns`.
    mutating func record(_ dns: DNSExchange) {
        if dns.isDNS { services.insert("dns") }
        guard let query = dns.query else { return }
        dnsQuery = query
        dnsQType = dns.qtypeName ?? ""
        dnsRcode = dns.rcodeName ?? ""
    }
}
