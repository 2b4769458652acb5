/// How parser results become the flow's ``AppMetadata`` fields (the first of each kind wins).
extension AppMetadata {
    /// The first ClientHello's SNI, ALPN list, JA4 and JA3; confirms `ssl` (`dtls` for DTLS).
    /// `values` false (``FeatureOptions/appValues``): the service only.
    mutating func record(_ hello: TLSClientHello, transport: JA4Transport, values: Bool = true) {
        services.insert(bit: transport == .dtls ? ServiceSet.dtls : ServiceSet.ssl)
        guard values, ja4.isEmpty else { return }
        tlsSNI = hello.serverName ?? ""
        tlsALPN = hello.alpn.map { protocolID in
            ZeekLogText.spell(protocolID)
        }.joined(separator: ";")
        ja4 = JA4.fingerprint(hello, transport: transport)
        ja3 = JA3.hash(hello)
    }

    /// A QUIC client's first handshake message: a TLS ClientHello, or Google QUIC's CHLO (SNI only).
    mutating func recordQUIC(_ message: [UInt8], kind: QUICHandshakeKind) {
        switch kind {
        case .tls:
            message.withUnsafeBytes { bytes in
                if case .done(let hello, _) = TLSClientHello.parse(message: bytes) { record(hello, transport: .quic) }
            }
        case .googleCHLO:
            if tlsSNI.isEmpty, let sni = GoogleCHLO.value(of: "SNI\0", in: message) {
                tlsSNI = ZeekLogText.spell(sni)
            }
        }
    }

    /// A QUIC server's ServerHello (from its Initial packets): the negotiated TLS version,
    /// as Zeek's ssl.log has it for QUIC; confirms `ssl`.
    mutating func recordQUICServerHello(_ message: [UInt8]) {
        message.withUnsafeBytes { bytes in
            guard case .done(let hello, _) = TLSServerHello.parse(message: bytes) else { return }
            services.insert(bit: ServiceSet.ssl)
            if tlsVersion == 0 { tlsVersion = hello.negotiatedVersion }
        }
    }

    /// The DNS fields of the flow's first dns.log-style row; confirms `dns`.
    mutating func record(_ dns: DNSExchange) {
        if dns.isDNS { services.insert(bit: ServiceSet.dns) }
        guard let query = dns.query else { return }
        dnsQuery = query
        dnsQType = dns.qtypeName ?? ""
        dnsRcode = dns.rcodeName ?? ""
    }
}
