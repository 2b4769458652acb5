/// The TCP parsers run over both directions' stream prefixes (FlowInspection), and what they
/// decided so far. Each parser is called again, from the start of its bytes, whenever a prefix
/// grows, until it answers (done or not this protocol); a direction that can take no more bytes
/// (`--inspect-bytes` reached, or a gap) ends the parsers waiting on it.
///
/// - TLS: the first ClientHello (client) and ServerHello (server), at the stream's start or
///   where an upgrade or tunnel puts it (STARTTLS, FTP AUTH TLS, HTTP CONNECT, SOCKS:
///   ``StreamServices``). Confirms `ssl`.
/// - HTTP: the first request head (client) and the first final response head (server).
/// - SSH: each side's identification string.
/// - DNS over TCP: the first message of each side, as Zeek pairs them (``DNSExchange``).
/// - ``StreamServices``: the services Zeek would confirm (http, ssh, smtp, ftp, …).
/// Once one of TLS, HTTP, SSH or DNS has matched, the others stop looking (a stream is one
/// of them; an upgrade starts TLS afresh at its offset).
struct StreamProgress {
    private enum Family: UInt8 { case none, tls, http, ssh, dns }
    private var clientHello = true, serverHello = true
    private var tlsClientStart = 0, tlsServerStart = 0
    private var httpRequest = true, httpResponse = true
    private var sshClient = true, sshServer = true
    private var dnsQuery = true, dnsResponse = true
    private var services = true
    private var clientClosed = false, serverClosed = false
    private var matched = Family.none
    /// The client's stream starts with an HTTP response and the server's with a request (the
    /// capture began after the request's first packet): requests are read from the server's.
    private var httpReversed = false
    private var httpOriented = false
    private var httpConnect = false
    private var dns: DNSExchange?
    /// Whether the field values are built (``FeatureOptions/appValues``); the decisions are the same either way.
    private let values: Bool
    /// Zeek's `dpd_buffer_size`: services are looked for in this many first bytes.
    static let detectionBytes = 1024
    private static let sshPrefix: [UInt8] = Array("SSH-".utf8)

    init(values: Bool = true) { self.values = values }

    /// Every parser has answered.
    var isDone: Bool {
        !(clientHello || serverHello || httpRequest || httpResponse || sshClient || sshServer || dnsQuery
            || dnsResponse || services)
    }

    /// Runs every parser still waiting on the prefixes.
    mutating func analyse(client: UnsafeRawBufferPointer, server: UnsafeRawBufferPointer, into m: inout AppMetadata) {
        if clientHello && client.count > tlsClientStart {
            switch TLSClientHello.parse(stream: UnsafeRawBufferPointer(rebasing: client[tlsClientStart...])) {
            case .done(let hello, _):
                m.record(hello, transport: .tcp, values: values)
                clientHello = false
                match(.tls)
            case .notThisProtocol: clientHello = false
            case .needMore: break
            }
        }
        if serverHello && server.count > tlsServerStart {
            switch TLSServerHello.parse(stream: UnsafeRawBufferPointer(rebasing: server[tlsServerStart...])) {
            case .done(let hello, _):
                m.tlsVersion = hello.negotiatedVersion
                m.services.insert(bit: ServiceSet.ssl)
                serverHello = false
                match(.tls)
            case .notThisProtocol: serverHello = false
            case .needMore: break
            }
        }
        // A capture that starts with the reply: the request is in the other stream.
        if !httpOriented && client.count >= 6 {
            httpOriented = true
            httpReversed = HTTPResponseHead.looksLikeResponse(client)
        }
        let requests = httpReversed ? server : client, responses = httpReversed ? client : server
        let requestsClosed = httpReversed ? serverClosed : clientClosed
        let responsesClosed = httpReversed ? clientClosed : serverClosed
        if httpRequest && httpOriented && !requests.isEmpty {
            switch HTTPRequestHead.parse(stream: requests, final: requestsClosed, values: values) {
            case .done(let head, _):
                if values {  // else the strings are empty: no text box is made for them
                    m.httpMethod = head.method
                    m.httpURI = head.uri
                    m.httpHost = head.host
                    m.httpUserAgent = head.userAgent
                }
                httpConnect = head.isConnect
                httpRequest = false
                match(.http)
            case .notThisProtocol: httpRequest = false
            case .needMore: break
            }
        }
        if httpResponse && httpOriented && !responses.isEmpty {
            switch HTTPResponseHead.parseFinal(stream: responses, final: responsesClosed) {
            case .done(let head, _):
                if (1...999).contains(head.status) { m.httpStatus = UInt16(head.status) }
                httpResponse = false
                match(.http)
            case .notThisProtocol: httpResponse = false
            case .needMore: break
            }
        }
        if sshClient && !client.isEmpty {
            switch SSHBanner.parse(stream: client) {
            case .done(let banner, _):
                m.sshClient = banner
                sshClient = false
                match(.ssh)
            case .notThisProtocol: sshClient = false
            case .needMore: break
            }
        }
        if sshServer && matched == .none && server.count >= Self.detectionBytes && !server.starts(with: Self.sshPrefix) {
            sshServer = false  // lines before a banner: at most the detection window
        }
        if sshServer && !server.isEmpty {
            switch SSHBanner.parse(stream: server) {
            case .done(let banner, _):
                m.sshServer = banner
                sshServer = false
                match(.ssh)
            case .notThisProtocol: sshServer = false
            case .needMore: break
            }
        }
        if dnsQuery && !client.isEmpty {
            switch DNSMessageSummary.parse(tcpStream: client) {
            case .done(let message, _):
                takeDNS(message, fromClient: true, into: &m)
                dnsQuery = false
            case .notThisProtocol: dnsQuery = false
            case .needMore: break
            }
        }
        if dnsResponse && !server.isEmpty {
            switch DNSMessageSummary.parse(tcpStream: server) {
            case .done(let message, _):
                takeDNS(message, fromClient: false, into: &m)
                dnsResponse = false
            case .notThisProtocol: dnsResponse = false
            case .needMore: break
            }
        }
        // What the parsers above settled needs no detector: TLS from the stream's first byte
        // carries no text protocol; an HTTP request that is not a CONNECT is Zeek's `http`, settled.
        if services && matched == .tls && tlsClientStart == 0 && tlsServerStart == 0 { services = false }
        if services && matched == .http && !httpRequest && !httpConnect {
            m.services.insert(bit: ServiceSet.http)
            services = false
        }
        if services {
            let found = StreamServices.detect(client: client, server: server, clientDone: clientClosed, serverDone: serverClosed)
            for name in found.services { m.services.insert(name) }
            if let inner = found.inner, tlsClientStart == 0, tlsServerStart == 0,
               inner.clientOffset > 0 || inner.serverOffset > 0 {
                // An upgrade or a tunnel: TLS may start there.
                tlsClientStart = inner.clientOffset
                tlsServerStart = inner.serverOffset
                clientHello = !clientClosed || client.count > tlsClientStart
                serverHello = !serverClosed || server.count > tlsServerStart
                if matched == .tls { matched = .none }
            }
            // Zeek matches its protocol signatures on the first `dpd_buffer_size` (1024) bytes
            // only: with nothing found by then, nothing will be (and text scans stop costing).
            // (SSH, once its banners are in, waits for the key exchange's end: not cut.)
            if found.isFinal || (found.services.isEmpty && matched == .none
                                 && max(client.count, server.count) >= Self.detectionBytes) {
                services = false
            }
        }
        if clientClosed || serverClosed { giveUp(into: &m) }
    }

    private mutating func takeDNS(_ message: DNSMessageSummary, fromClient: Bool, into m: inout AppMetadata) {
        if dns == nil { dns = DNSExchange() }
        dns!.add(message, fromClient: fromClient)
        m.record(dns!)
        match(.dns)
    }

    /// One family matched: the others stop looking.
    private mutating func match(_ family: Family) {
        guard matched == .none else { return }
        matched = family
        if family != .tls { clientHello = false; serverHello = false }
        if family != .http { httpRequest = false; httpResponse = false }
        if family != .ssh { sshClient = false; sshServer = false }
        if family != .dns { dnsQuery = false; dnsResponse = false }
    }

    /// A direction can take no more bytes: the parsers waiting on it stop.
    mutating func closed(client: Bool, server: Bool, into m: inout AppMetadata) {
        clientClosed = clientClosed || client
        serverClosed = serverClosed || server
        giveUp(into: &m)
    }

    private mutating func giveUp(into m: inout AppMetadata) {
        if clientClosed { clientHello = false; httpRequest = false; sshClient = false; dnsQuery = false }
        if serverClosed { serverHello = false; httpResponse = false; sshServer = false; dnsResponse = false }
        if clientClosed && serverClosed { services = false }
    }

    /// Zeek swapped the roles: the streams swap (FlowInspection). A parser still waiting on
    /// either side waits on both, since it now reads the other stream.
    mutating func swapDirections() {
        func rearm(_ a: inout Bool, _ b: inout Bool) { let either = a || b; a = either; b = either }
        rearm(&clientHello, &serverHello)
        rearm(&httpRequest, &httpResponse)
        rearm(&sshClient, &sshServer)
        rearm(&dnsQuery, &dnsResponse)
        swap(&tlsClientStart, &tlsServerStart)
        swap(&clientClosed, &serverClosed)
    }
}
