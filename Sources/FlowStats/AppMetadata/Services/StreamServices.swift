// Which application protocols a TCP connection carries, found from the first bytes of each
// direction (by content, never by port), named as Zeek's conn.log `service` names them, and
// where TLS or tunnelled bytes start inside the stream.
//
// Design (the lead's entry point):
// - `StreamServices.detect(client:server:clientDone:serverDone:)` looks at both directions'
//   reassembled stream starts and returns a ``StreamDetection``: the services in the order
//   Zeek would confirm them (outer first: `http`, `smtp` for SMTP carried by an HTTP CONNECT
//   tunnel), whether the answer can still change, and `inner`: where the lead should run the
//   TLS parser — after an upgrade (SMTP STARTTLS, IMAP STARTTLS, POP3 STLS, FTP AUTH TLS,
//   XMPP <starttls/>, RDP with TLS security), or after an HTTP CONNECT 200 / SOCKS grant
//   whose tunnel does not carry one of the text protocols here. `ssl` itself is for the TLS
//   parser to confirm; it is not listed here.
// - Each protocol's condition is what makes Zeek enable the analyzer (its DPD signature,
//   scripts/base/protocols/*/dpd.sig) and then confirm it (`AnalyzerConfirmation` in
//   src/analyzer/protocol/*): see each detector's comment. Where Zeek only attaches an
//   analyzer by port (imap, mysql, ftp AUTH TLS without USER, an SSH server with pre-banner
//   lines) the content condition in the brief is used and said so.
// - Call again with longer buffers while `isFinal` is false; every call parses from the
//   start, each detector stopping at the first bytes that rule it out.

/// Where the inner (TLS or tunnelled) bytes start, as offsets in the two streams given.
struct InnerStreamStart: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// After a STARTTLS-style upgrade: TLS is expected there.
        case startTLS
        /// After an HTTP CONNECT 200 or a SOCKS grant: anything may follow (often TLS).
        case tunnel
    }

    var clientOffset: Int
    var serverOffset: Int
    var kind: Kind
}

/// What ``StreamServices/detect(client:server:clientDone:serverDone:)`` found.
struct StreamDetection: Equatable, Sendable {
    /// Zeek service names, outer protocol first (`http`, `smtp`); empty when none.
    var services: [String] = []
    /// Where the TLS parser should look, if anywhere.
    var inner: InnerStreamStart?
    /// No more bytes can change this answer (call again while false).
    var isFinal = false
}

/// One detector's verdict.
enum ServiceVerdict {
    /// Not this protocol.
    case no
    /// Could still be, with more bytes.
    case maybe
    /// This protocol. `inner` as in ``StreamDetection``; `settled` false while more bytes
    /// could still reveal an upgrade or a tunnel.
    case yes(String, inner: InnerStreamStart?, settled: Bool)
}

/// The two directions handed to the detectors.
struct StreamPair {
    var client: UnsafeRawBufferPointer
    var server: UnsafeRawBufferPointer
    var clientDone: Bool
    var serverDone: Bool
}

enum StreamServices {
    /// How deep tunnels inside tunnels are followed.
    static let maxTunnelDepth = 3

    /// The services a connection's stream starts show (see the file header).
    static func detect(client: UnsafeRawBufferPointer, server: UnsafeRawBufferPointer,
                       clientDone: Bool, serverDone: Bool) -> StreamDetection {
        detect(StreamPair(client: client, server: server, clientDone: clientDone, serverDone: serverDone), depth: 0)
    }

    /// The detectors, in the order they are asked. SMTP comes before FTP (both greet with
    /// 220; the client's first command tells them apart).
    enum Detector: CaseIterable {
        case http, ssh, socks, smtp, ftp, pop3, imap, irc, xmpp, rdp, ldap, mysql

        func verdict(_ pair: StreamPair) -> ServiceVerdict {
            switch self {
            case .http: HTTPService.verdict(pair)
            case .ssh: SSHService.verdict(pair)
            case .socks: SOCKSService.verdict(pair)
            case .smtp: MailServices.smtp(pair)
            case .ftp: MailServices.ftp(pair)
            case .pop3: MailServices.pop3(pair)
            case .imap: MailServices.imap(pair)
            case .irc: OtherServices.irc(pair)
            case .xmpp: OtherServices.xmpp(pair)
            case .rdp: OtherServices.rdp(pair)
            case .ldap: OtherServices.ldap(pair)
            case .mysql: OtherServices.mysql(pair)
            }
        }
    }

    static func detect(_ pair: StreamPair, depth: Int) -> StreamDetection {
        var pending = false
        for detector in Detector.allCases {
            switch detector.verdict(pair) {
            case .no:
                continue
            case .maybe:
                pending = true
            case .yes(let name, let inner, let settled):
                var result = StreamDetection(services: [name], inner: inner,
                                             isFinal: settled || (pair.clientDone && pair.serverDone))
                if let tunnel = inner, tunnel.kind == .tunnel {
                    result = followTunnel(result, tunnel, pair, depth: depth)
                }
                return result
            }
        }
        return StreamDetection(services: [], inner: nil, isFinal: !pending || (pair.clientDone && pair.serverDone))
    }

    /// Runs the detectors on the bytes after a tunnel's start: a text protocol found there is
    /// added (and its own inner start moved to this stream's offsets); otherwise the tunnel's
    /// start stays the place for the TLS parser.
    private static func followTunnel(_ outer: StreamDetection, _ tunnel: InnerStreamStart, _ pair: StreamPair,
                                     depth: Int) -> StreamDetection {
        guard depth < maxTunnelDepth, tunnel.clientOffset <= pair.client.count,
              tunnel.serverOffset <= pair.server.count else { return outer }
        let inner = StreamPair(client: UnsafeRawBufferPointer(rebasing: pair.client[tunnel.clientOffset...]),
                               server: UnsafeRawBufferPointer(rebasing: pair.server[tunnel.serverOffset...]),
                               clientDone: pair.clientDone, serverDone: pair.serverDone)
        let found = detect(inner, depth: depth + 1)
        var result = outer
        result.isFinal = outer.isFinal && found.isFinal
        guard !found.services.isEmpty else { return result }
        result.services += found.services
        result.inner = found.inner.map {
            InnerStreamStart(clientOffset: $0.clientOffset + tunnel.clientOffset,
                             serverOffset: $0.serverOffset + tunnel.serverOffset, kind: $0.kind)
        }
        return result
    }
}
