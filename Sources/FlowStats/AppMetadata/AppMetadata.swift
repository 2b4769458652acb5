/// What a flow's payload said about its application (``FeatureSet/appMetadata``): the services
/// recognised by content and the fields of the first TLS/QUIC ClientHello and ServerHello, HTTP
/// request and response, DNS query and response, and SSH banners. Empty strings are "not seen".
///
/// Filled by ``FlowInspection`` while the flow's first bytes are inspected (AppMetadataTable),
/// then fixed: the inspection state, with its buffers, lives apart and is dropped as soon as the
/// parsers are done. Columns: AppMetadataColumns.swift.
public struct AppMetadata: Sendable {
    var services = ServiceSet()
    /// TLS (or QUIC) ClientHello: SNI, offered ALPN list (`;`-joined), JA4, JA3.
    var tlsSNI = ""
    var tlsALPN = ""
    var ja4 = ""
    var ja3 = ""
    /// The ServerHello's negotiated version (0: none seen).
    var tlsVersion: UInt16 = 0
    /// HTTP's first request and first final response (status 0: none).
    var httpHost = ""
    var httpMethod = ""
    var httpURI = ""
    var httpUserAgent = ""
    var httpStatus: UInt16 = 0
    /// DNS: the first query's name, its type and its response's rcode, in Zeek's spelling.
    var dnsQuery = ""
    var dnsQType = ""
    var dnsRcode = ""
    /// SSH identification strings of each side.
    var sshClient = ""
    var sshServer = ""
    /// The flow is being inspected: it has an entry in the table's inspections (or will get one
    /// at its first payload). False once the parsers are done or the budget ran out.
    var inspecting = true
    /// The first SYN's sequence number from each side (TCP), for the stream's byte 0.
    var clientSYN: UInt32 = 0
    var serverSYN: UInt32 = 0
    var hasClientSYN = false
    var hasServerSYN = false
    /// Where this flow's ``FlowInspection`` is in the table's pool (-1: none yet, or dropped).
    var inspection: Int32 = -1

    init() {}

    /// ServerName: the TLS/QUIC SNI, else the HTTP Host without its port, else the DNS query.
    var serverName: String {
        if !tlsSNI.isEmpty { return tlsSNI }
        if !httpHost.isEmpty { return Self.hostWithoutPort(httpHost) }
        return dnsQuery
    }

    /// Writes ``serverName`` as user text, without making a string of it.
    func writeServerName(to o: CSVBuffer) {
        if !tlsSNI.isEmpty { return o.userText(tlsSNI) }
        if httpHost.isEmpty { return o.userText(dnsQuery) }
        var host = httpHost
        host.withUTF8 { bytes in
            let kept = Self.hostRange(bytes) ?? 0..<bytes.count
            o.userText(bytes: UnsafeBufferPointer(rebasing: bytes[kept]))
        }
    }

    /// The bytes of `host[:port]` or `[v6]:port` to keep without the port; nil: all of them.
    static func hostRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        if bytes.first == 0x5B {  // "[v6]…": what the brackets hold
            return bytes.firstIndex(of: 0x5D).map { 1..<$0 }
        }
        // One ':' followed only by ASCII digits (a second ':' is not a digit).
        guard let colon = bytes.firstIndex(of: 0x3A),
              bytes[(colon + 1)...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return 0..<colon
    }

    /// `host[:port]` or `[v6]:port` without the port. Read as UTF-8 bytes: ':' '[' ']' and the
    /// digits are ASCII, so byte offsets are character boundaries.
    static func hostWithoutPort(_ host: String) -> String {
        var host = host
        // The bytes to keep, when they are not the whole host.
        let kept: Range<Int>? = host.withUTF8 { hostRange($0) }
        guard let kept else { return host }
        return String(decoding: host.utf8.dropFirst(kept.lowerBound).prefix(kept.count), as: UTF8.self)
    }

    /// Zeek decided the roles are the other way round.
    mutating func swapDirections() {
        swap(&sshClient, &sshServer)
        swap(&clientSYN, &serverSYN)
        swap(&hasClientSYN, &hasServerSYN)
    }
}
