// What the UDP analysis learns from DTLS (RFC 6347, RFC 9147): the client's first
// ClientHello (SNI, ALPN, JA4 `d…`, JA3; service `dtls`, as Zeek's DTLS analyzer names it in
// conn.log) and the server's ServerHello version. DTLS may share its flow with STUN (and
// RTP) as RFC 7983 §7 multiplexes them, so STUN datagrams (first byte 0–3 with the magic
// cookie 0x2112A442, RFC 8489 §5) before the handshake do not end the search.

/// One UDP flow's DTLS handshake search, one side at a time.
struct DTLSProgress {
    private var client = DTLSHandshakeAssembler(type: TLSConstants.clientHelloType, maxBody: TLSConstants.maxClientHelloBody)
    private var server = DTLSHandshakeAssembler(type: TLSConstants.serverHelloType, maxBody: TLSConstants.maxServerHelloBody)
    private var clientPending = true
    private var serverPending = true
    /// Whether either side may still give something.
    var isPending: Bool { clientPending || serverPending }

    /// Reads one datagram of the flow.
    mutating func take(_ payload: UnsafeRawBufferPointer, fromClient: Bool, into m: inout AppMetadata) {
        guard fromClient ? clientPending : serverPending else { return }
        guard DTLSRecords.startsWithHandshake(payload) else {
            if !Self.isSTUN(payload) {
                if fromClient { clientPending = false } else { serverPending = false }
            }
            return
        }
        if fromClient {
            switch client.add(datagram: payload) {
            case .done(let message, _):
                clientPending = false
                if case .done(let hello, _) = TLSClientHello.parse(dtlsMessage: message) {
                    m.record(hello, transport: .dtls)
                }
            case .notThisProtocol: clientPending = false
            case .needMore: break
            }
        } else {
            switch server.add(datagram: payload) {
            case .done(let message, _):
                serverPending = false
                let parsed = message.withUnsafeBytes { TLSServerHello.parse(message: $0) }
                if case .done(let hello, _) = parsed {
                    m.services.insert(bit: ServiceSet.dtls)
                    m.tlsVersion = hello.negotiatedVersion
                }
            case .notThisProtocol: serverPending = false
            case .needMore: break
            }
        }
    }

    /// A STUN message header: 20 bytes, the top two bits zero, the magic cookie.
    static func isSTUN(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.count >= 20 && payload[0] < 4
            && payload[4] == 0x21 && payload[5] == 0x12 && payload[6] == 0xA4 && payload[7] == 0x42
    }
}
