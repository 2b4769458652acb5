/// What a flow's payload said about its application (``FeatureSet/appMetadata``): the services
/// recognised by content and the fields of the first TLS/QUIC ClientHello and ServerHello, HTTP
/// request and response, DNS query and response, and SSH banners. Empty strings are "not seen".
///
/// Filled by ``FlowInspection`` while the flow's first bytes are inspected (AppMetadataTable),
/// then fixed: the inspection state, with its buffers, lives apart and is dropped as soon as the
/// parsers are done. Columns: AppMetadataColumns.swift.
public struct AppMetadata: Sendable {
    var services = ServiceSet()
    /// The ServerHello's negotiated version (0: none seen).
    var tlsVersion: UInt16 = 0
    /// The status of HTTP's first final response (0: none).
    var httpStatus: UInt16 = 0
    /// The text fields, apart (``AppText``): made at the first one set. Most flows have none,
    /// and a copy of the state (each row is handed out as one) retains one reference instead of
    /// thirteen strings.
    private var text: AppText?

    /// TLS (or QUIC) ClientHello: SNI, offered ALPN list (`;`-joined), JA4, JA3.
    var tlsSNI: String { get { text?.fields.tlsSNI ?? "" } set { ownText().fields.tlsSNI = newValue } }
    var tlsALPN: String { get { text?.fields.tlsALPN ?? "" } set { ownText().fields.tlsALPN = newValue } }
    var ja4: String { get { text?.fields.ja4 ?? "" } set { ownText().fields.ja4 = newValue } }
    var ja3: String { get { text?.fields.ja3 ?? "" } set { ownText().fields.ja3 = newValue } }
    /// HTTP's first request.
    var httpHost: String { get { text?.fields.httpHost ?? "" } set { ownText().fields.httpHost = newValue } }
    var httpMethod: String { get { text?.fields.httpMethod ?? "" } set { ownText().fields.httpMethod = newValue } }
    var httpURI: String { get { text?.fields.httpURI ?? "" } set { ownText().fields.httpURI = newValue } }
    var httpUserAgent: String { get { text?.fields.httpUserAgent ?? "" } set { ownText().fields.httpUserAgent = newValue } }
    /// DNS: the first query's name, its type and its response's rcode, in Zeek's spelling.
    var dnsQuery: String { get { text?.fields.dnsQuery ?? "" } set { ownText().fields.dnsQuery = newValue } }
    var dnsQType: String { get { text?.fields.dnsQType ?? "" } set { ownText().fields.dnsQType = newValue } }
    var dnsRcode: String { get { text?.fields.dnsRcode ?? "" } set { ownText().fields.dnsRcode = newValue } }
    /// SSH identification strings of each side.
    var sshClient: String { get { text?.fields.sshClient ?? "" } set { ownText().fields.sshClient = newValue } }
    var sshServer: String { get { text?.fields.sshServer ?? "" } set { ownText().fields.sshServer = newValue } }

    /// Whether a text field was ever set (the box exists).
    var hasText: Bool { text != nil }

    /// The text fields to change: made when there are none, copied when shared (copy on write).
    private mutating func ownText() -> AppText {
        if isKnownUniquelyReferenced(&text) { return text! }  // false for nil
        let own = AppText(text?.fields ?? AppText.Fields())
        text = own
        return own
    }

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
    func writeServerName(to o: RowBuffer) {
        if !tlsSNI.isEmpty { return o.userText(tlsSNI) }
        if httpHost.isEmpty { return o.userText(dnsQuery) }
        func write(_ bytes: UnsafeBufferPointer<UInt8>) {
            let kept = Self.hostRange(bytes) ?? 0..<bytes.count
            o.userText(bytes: UnsafeBufferPointer(rebasing: bytes[kept]))
        }
        // In place when the string is contiguous UTF-8 (always, for strings made here).
        if httpHost.utf8.withContiguousStorageIfAvailable(write) == nil {
            var host = httpHost
            host.withUTF8(write)
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
        if hasText {  // no box is made for two empty strings
            let client = sshClient
            sshClient = sshServer
            sshServer = client
        }
        swap(&clientSYN, &serverSYN)
        swap(&hasClientSYN, &hasServerSYN)
    }
}

/// The text fields of an ``AppMetadata`` (empty: not seen). Changed only through its owner,
/// which copies it first when it is shared (``AppMetadata`` is a value): a box that is
/// handed out with a row is never written again, hence `@unchecked Sendable`.
final class AppText: @unchecked Sendable {
    struct Fields {
        var tlsSNI = "", tlsALPN = "", ja4 = "", ja3 = ""
        var httpHost = "", httpMethod = "", httpURI = "", httpUserAgent = ""
        var dnsQuery = "", dnsQType = "", dnsRcode = ""
        var sshClient = "", sshServer = ""
    }
    var fields: Fields

    init(_ fields: Fields) { self.fields = fields }
}
