// Per-flow collection of the server's first handshake message (the TLS ServerHello) from its
// QUIC Initial packets, as Zeek's QUIC analyzer does to report the negotiated TLS version.
//
// The server's Initial packets are protected with the "server in" keys (RFC 9001 §5.2; v2's
// key/iv/hp labels and salt per RFC 9369 §3.3; drafts with their own salt and v1's labels),
// derived from the Destination Connection ID of the CLIENT's first Initial — the server's
// own packets carry another Destination Connection ID (the client's Source Connection ID), so
// that ID must be handed over from the client side (``QUICClientHelloCollector``).
// Facts on the special cases:
// - Retry (RFC 9000 §17.2.5, RFC 9001 §5.2): the Initial keys are then derived from the
//   Retry's Source Connection ID, which the client uses as its next Destination Connection
//   ID; the Retry travels in the server's direction, so this collector switches to it.
// - A server may answer in another compatible version (RFC 9368, e.g. v1 → v2): its Initial's
//   version picks the salt and labels, the connection ID stays the same.
// - Version Negotiation packets (version 0) and short-header packets end the walk of a datagram.
// Each server datagram is walked packet by packet (coalesced packets, RFC 9000 §12.2); the
// CRYPTO frames of the Initials that open are assembled (``QUICInitialStream``) until the
// ServerHello (handshake type 2) at offset 0 is whole.

/// Collects the ServerHello message of one QUIC flow from the server's datagrams.
struct QUICServerHelloCollector {
    /// Server datagrams read before the flow is given up when no whole ServerHello came.
    static let maxDatagrams = 8

    /// The connection ID the keys come from: the client's first Destination Connection ID,
    /// or a Retry's Source Connection ID.
    private var keyConnectionID: [UInt8]
    private var keys: QUICInitialKeys?
    /// The QUIC version `keys` were derived for.
    private var keysVersion: UInt32 = 0
    private var stream = QUICInitialStream()
    private var datagrams = 0
    private var finished: ParseProgress<[UInt8]>?

    /// A collector for the server side of a connection whose client's first Initial was sent
    /// to `clientDestinationID` (at most 20 bytes are kept, as QUIC allows).
    init(clientDestinationID: [UInt8]) {
        keyConnectionID = Array(clientDestinationID.prefix(QUICLongHeader.maxConnectionIDLength))
    }

    /// One UDP payload sent by the server. Returns `.done(message bytes)` once the whole
    /// ServerHello (4-byte handshake header included) is assembled, `.needMore` while it is
    /// incomplete, `.notThisProtocol` when the server's CRYPTO stream does not start with a
    /// ServerHello under 64 KiB or none came within ``maxDatagrams`` datagrams. After a final
    /// answer, later calls return the same answer.
    mutating func add(datagram: UnsafeRawBufferPointer) -> ParseProgress<[UInt8]> {
        if let finished { return finished }
        datagrams += 1
        var offset = 0
        walk: while offset < datagram.count {
            guard case .packet(let header) = QUICLongHeader.parse(datagram, at: offset),
                  let parameters = QUICVersionParameters.forVersion(header.version) else { break walk }
            if header.type == parameters.retryType {
                useRetry(UnsafeRawBufferPointer(rebasing: datagram[header.sourceID]))
            } else if header.type == parameters.initialType, parameters.handshake == .tls {
                openInitial(datagram, header: header, parameters: parameters)
            }
            offset = header.end
        }
        let message = stream.message(.tls, tlsType: TLSConstants.serverHelloType)
        if case .needMore = message {
            return datagrams >= Self.maxDatagrams ? finish(.notThisProtocol) : .needMore
        }
        return finish(message)
    }

    private mutating func finish(_ result: ParseProgress<[UInt8]>) -> ParseProgress<[UInt8]> {
        finished = result
        stream = QUICInitialStream()  // release the stream buffer
        return result
    }

    /// A Retry: later Initials are protected with keys from its Source Connection ID, and no
    /// Initial CRYPTO data was sent before it (a server sends a Retry instead of an Initial).
    private mutating func useRetry(_ sourceID: UnsafeRawBufferPointer) {
        guard !sourceID.isEmpty, !sourceID.elementsEqual(keyConnectionID) else { return }
        keyConnectionID = Array(sourceID)
        keys = nil
        stream = QUICInitialStream()
    }

    /// Opens one server Initial packet (keys derived once per version) and feeds its CRYPTO frames.
    private mutating func openInitial(_ datagram: UnsafeRawBufferPointer, header: QUICLongHeader,
                                      parameters: QUICVersionParameters) {
        guard QUICInitialStream.canOpen(header) else { return }
        if keys == nil || keysVersion != header.version {
            keys = keyConnectionID.withUnsafeBytes {
                QUICInitialKeys(side: .server, clientDestinationID: $0, parameters: parameters)
            }
            keysVersion = header.version
        }
        guard let keys else { return }
        stream.open(datagram, header: header, keys: keys, numbering: parameters.frames)
    }
}
