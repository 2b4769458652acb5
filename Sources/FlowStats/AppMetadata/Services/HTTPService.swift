// `http` and `ssh` in conn.log `service`, by content.
// - http: Zeek enables its HTTP analyzer when the client starts with a known method or the
//   server with `HTTP/<digit>` (scripts/base/protocols/http/dpd.sig) and confirms it as soon
//   as a request line parses (src/analyzer/protocol/http/HTTP.cc `HTTP_Request` calls
//   `AnalyzerConfirmation`). A CONNECT request answered 200 (Zeek requires exactly 200)
//   starts a tunnel after the two heads: Zeek runs protocol detection there (`http,smtp`).
// - ssh: both banners (scripts/base/protocols/ssh/dpd.sig wants `SSH-[12].` on both sides)
//   and then the key exchange's end (SSHConfirmation): a one-sided connection has no
//   service (ssh/ssh.client-side-half-duplex.pcap logs `-`).

enum HTTPService {
    static func verdict(_ pair: StreamPair) -> ServiceVerdict {
        let enabled = HTTPRequestHead.looksLikeRequest(pair.client) || HTTPResponseHead.looksLikeResponse(pair.server)
        if !enabled {
            let clientMay = !pair.clientDone && couldBecomeMethod(pair.client)
            let serverMay = !pair.serverDone && pair.server.count < 6 && pair.server.isPrefix(of: "HTTP/", at: 0)
            return clientMay || serverMay ? .maybe : .no
        }
        let request: HTTPRequestHead
        switch HTTPRequestHead.parse(stream: pair.client, final: pair.clientDone) {
        case .notThisProtocol:
            return .no
        case .needMore:
            // Confirmed once the request line is complete, even before the headers end.
            guard case .done = HTTPRequestHead.parse(stream: pair.client, final: true) else { return .maybe }
            return .yes("http", inner: nil, settled: false)
        case .done(let head, _):
            request = head
        }
        guard request.isConnect else { return .yes("http", inner: nil, settled: true) }
        switch HTTPResponseHead.parseFinal(stream: pair.server, final: pair.serverDone) {
        case .done(let response, let consumed) where response.status == 200:
            return .yes("http", inner: InnerStreamStart(clientOffset: request.length, serverOffset: consumed,
                                                        kind: .tunnel), settled: true)
        case .needMore:
            return .yes("http", inner: nil, settled: false)
        default:
            return .yes("http", inner: nil, settled: true)
        }
    }

    /// Whether a short client start (after white space) is still a prefix of a DPD method.
    private static func couldBecomeMethod(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = bytes.skipSpaces(from: 0, end: bytes.count)
        let rest = bytes.count - start
        guard rest < 20 else { return false }
        return HTTPRequestHead.dpdMethods.contains { method in
            method.withUTF8Buffer { m in
                guard rest < m.count else { return false }
                for index in 0..<rest where bytes[start + index] != m[index] { return false }
                return true
            }
        }
    }
}

enum SSHService {
    static func verdict(_ pair: StreamPair) -> ServiceVerdict {
        let client = SSHBanner.locate(stream: pair.client, allowLinesBefore: false)
        let server = SSHBanner.locate(stream: pair.server, allowLinesBefore: true)
        guard case .done(let clientBanner, let clientEnd) = client, case .done(let serverBanner, let serverEnd) = server
        else {
            if case .notThisProtocol = client { return .no }
            if case .notThisProtocol = server { return .no }
            if case .needMore = client, pair.clientDone { return .no }
            if case .needMore = server, pair.serverDone { return .no }
            return .maybe
        }
        guard let version = SSHConfirmation.agreedVersion(
            client: UnsafeRawBufferPointer(rebasing: pair.client[clientBanner]),
            server: UnsafeRawBufferPointer(rebasing: pair.server[serverBanner])) else { return .no }
        let fromClient = SSHConfirmation.sawKeyExchangeEnd(pair.client, from: clientEnd, version: version, fromClient: true)
        if case .done = fromClient { return .yes("ssh", inner: nil, settled: true) }
        if version == 2 {
            let fromServer = SSHConfirmation.sawKeyExchangeEnd(pair.server, from: serverEnd, version: 2, fromClient: false)
            if case .done = fromServer { return .yes("ssh", inner: nil, settled: true) }
            if case .needMore = fromServer, !pair.serverDone { return .maybe }
        }
        if case .needMore = fromClient, !pair.clientDone { return .maybe }
        return .no
    }
}
