extension AppMetadata {
    /// The application-metadata columns (``FeatureSet/appMetadata``): in `full`, and added to
    /// basic and extended by `--app-metadata`. A field is empty when it does not apply. Text taken
    /// from payload is written as user text: RFC 4180 quoting, and a leading `=`, `+`, `-`, `@`
    /// neutralised with `'` (a spreadsheet would run it). Bytes that are not printable ASCII are
    /// written `\xHH`, as Zeek's logs do.
    static let columns: [Column] = [
        Column("Service", "Services recognised from payload content on any port, in Zeek's spelling (conn.log service), alphabetical, comma-separated: dns, http, ssl, quic, ssh, ntp, dhcp, smtp, ftp, …; a tunnel's outer flow names the tunnel (vxlan, teredo, gtpv1, …)", requires: .appMetadata, servicesOnly: true) { f, _, o in
            f.appMetadata.services.write(to: o, none: nil)
        },
        Column("ServerName", "The TLS or QUIC SNI; else the HTTP Host without its port; else the first DNS query name (nDPI's Hostname/SNI, NFStream's requested_server_name)", requires: .appMetadata) { f, _, o in
            f.appMetadata.writeServerName(to: o)
        },
        Column("TLSSNI", "server_name of the first TLS or QUIC ClientHello", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.tlsSNI) },
        Column("TLSALPN", "ALPN protocols the first ClientHello offered, in order, joined with ;", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.tlsALPN) },
        Column("TLSVersion", "Version the first ServerHello negotiated, spelled as Zeek's ssl.log (TLSv10, TLSv11, TLSv12, TLSv13, SSLv3, TLSv13-draftNN, unknown-N)", requires: .appMetadata) { f, _, o in
            if f.appMetadata.tlsVersion != 0 { o.plain(TLSVersionName.zeek(f.appMetadata.tlsVersion)) } else { o.empty() }
        },
        Column("JA4", "FoxIO JA4 fingerprint of the first ClientHello (t… over TCP, q… over QUIC)", requires: .appMetadata) { f, _, o in o.plain(f.appMetadata.ja4) },
        Column("JA3", "JA3 fingerprint (MD5, hex) of the first ClientHello", requires: .appMetadata) { f, _, o in o.plain(f.appMetadata.ja3) },
        Column("HTTPHost", "Host header of the first HTTP request, verbatim (port included)", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.httpHost) },
        Column("HTTPMethod", "Method of the first HTTP request", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.httpMethod) },
        Column("HTTPURI", "Target of the first HTTP request as Zeek's http.log uri: percent-decoded, everything between the method and the version", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.httpURI) },
        Column("HTTPUserAgent", "User-Agent header of the first HTTP request", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.httpUserAgent) },
        Column("HTTPStatus", "Status code of the first final HTTP response (interim 1xx skipped; 101 is final)", requires: .appMetadata) { f, _, o in
            if f.appMetadata.httpStatus != 0 { o.int(Int(f.appMetadata.httpStatus)) } else { o.empty() }
        },
        Column("DNSQuery", "Name of the first DNS query (as Zeek's dns.log query: lower-cased)", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.dnsQuery) },
        Column("DNSQType", "Type of the first DNS query, as Zeek's qtype_name (A, AAAA, *, …)", requires: .appMetadata) { f, _, o in o.plain(f.appMetadata.dnsQType) },
        Column("DNSRcode", "Response code of that query's response, as Zeek's rcode_name (NOERROR, NXDOMAIN, …); empty without a response", requires: .appMetadata) { f, _, o in o.plain(f.appMetadata.dnsRcode) },
        Column("SSHClient", "The client's SSH identification string, as Zeek's ssh.log client (e.g. SSH-2.0-OpenSSH_5.9)", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.sshClient) },
        Column("SSHServer", "The server's SSH identification string, as Zeek's ssh.log server", requires: .appMetadata) { f, _, o in o.userText(f.appMetadata.sshServer) },
    ]

    /// Zeek's conn.log `service` for the zeek schema: `-` when none.
    static let zeekServiceColumn = Column("service", "Services recognised from payload content (Zeek's analyzers that confirmed the protocol), comma-separated; - when none", requires: .appMetadata, servicesOnly: true) { f, _, o in
        f.appMetadata.services.write(to: o, none: "-")
    }
}
