// Per-flow collection of the client's first handshake message from its QUIC Initial packets:
// each client datagram is walked packet by packet (coalesced packets, RFC 9000 §12.2, by
// their Length fields); Initial packets are opened with the keys derived from the
// Destination Connection ID of the client's first decryptable Initial (RFC 9001 §5.2), their
// CRYPTO frames go to a ``QUICInitialStream``, and the ClientHello (or, for Google's Q050,
// the CHLO) is delivered once bytes 0..<N of the CRYPTO stream are all there.
//
// Retry (RFC 9000 §17.2.5, RFC 9001 §5.2): after a Retry the client derives new Initial keys
// from the Retry's Source Connection ID, which it then sends as its Destination Connection
// ID. The collector sees only the client's side, so when an Initial does not open with the
// first keys and carries another Destination Connection ID, it tries keys derived from that
// ID (kept for the next packets). The re-sent CRYPTO data starts again at offset 0 and is the
// same ClientHello, so first-copy-wins assembly is unaffected.
//
// Version negotiation: a first Initial in a version that cannot be decrypted (such as a
// reserved 0x?a?a?a?a version that forces negotiation) sets nothing; the keys come from the
// first Initial that opens. Compatible version changes (RFC 9368) re-derive the keys from
// the first connection ID with the new version's salt.

/// Collects the ClientHello message of one QUIC flow from the client's datagrams.
struct QUICClientHelloCollector {
    /// Datagrams without any decryptable Initial after which the flow is given up.
    static let maxDatagramsWithoutKeys = 8

    /// The QUIC version of the first Initial that opened (0 until then).
    private(set) var version: UInt32 = 0
    /// What the CRYPTO stream carries (a TLS ClientHello, or Q050's CHLO); valid once `version` is set.
    private(set) var handshakeKind: QUICHandshakeKind = .tls
    private var frameNumbering: QUICFrameNumbering = .ietf

    private var keys: QUICInitialKeys?
    /// The Destination Connection ID of the first Initial that opened (the one both sides'
    /// Initial keys come from, RFC 9001 §5.2); empty until then.
    private(set) var firstDestinationID: [UInt8] = []
    /// Keys from a later Destination Connection ID (after a Retry), with that ID.
    private var retryKeys: QUICInitialKeys?
    private var retryDestinationID: [UInt8] = []
    private var stream = QUICInitialStream()
    private var datagramsWithoutKeys = 0
    private var finished: ParseProgress<[UInt8]>?

    init() {}

    /// One UDP payload sent by the client. Returns `.done(message bytes)` once the whole
    /// ClientHello message (4-byte handshake header included) is assembled, `.needMore` while
    /// it is incomplete, `.notThisProtocol` when this is not QUIC long-header Initial traffic of
    /// a version that can be decrypted (the first datagram is not a long header, a Google QUIC
    /// version other than Q050/T050/T051, no Initial opened within a few datagrams, or the
    /// CRYPTO stream does not start with a ClientHello / CHLO under 64 KiB). After a final
    /// answer, later calls return the same answer.
    mutating func add(datagram: UnsafeRawBufferPointer) -> ParseProgress<[UInt8]> {
        if let finished { return finished }
        if datagram.isEmpty && keys == nil { return finish(.notThisProtocol) }
        var offset = 0
        var first = true
        while offset < datagram.count {
            switch QUICLongHeader.parse(datagram, at: offset) {
            case .invalid:
                // A short header (or padding after the last long packet) ends the walk.
                if first && keys == nil { return finish(.notThisProtocol) }
                offset = datagram.count
            case .unknownVersion(let unknown):
                if keys == nil && (unknown == 0 || Self.isOtherGoogleVersion(unknown)) { return finish(.notThisProtocol) }
                offset = datagram.count
            case .packet(let header):
                if let parameters = QUICVersionParameters.forVersion(header.version),
                   header.type == parameters.initialType {
                    openInitial(datagram, header: header, parameters: parameters)
                }
                offset = header.end
            }
            first = false
        }
        if keys == nil {
            datagramsWithoutKeys += 1
            return datagramsWithoutKeys >= Self.maxDatagramsWithoutKeys ? finish(.notThisProtocol) : .needMore
        }
        let message = stream.message(handshakeKind, tlsType: TLSConstants.clientHelloType)
        if case .needMore = message { return .needMore }
        return finish(message)
    }

    private mutating func finish(_ result: ParseProgress<[UInt8]>) -> ParseProgress<[UInt8]> {
        finished = result
        stream = QUICInitialStream()  // release the stream buffer
        return result
    }

    /// Google QUIC versions ("Qnnn", "Tnnn") other than the ones with IETF Initials.
    static func isOtherGoogleVersion(_ version: UInt32) -> Bool {
        let top = version >> 24
        return (top == 0x51 || top == 0x54) && QUICVersionParameters.forVersion(version) == nil
    }

    /// Opens one Initial packet and feeds its CRYPTO frames to the stream.
    private mutating func openInitial(_ datagram: UnsafeRawBufferPointer, header: QUICLongHeader,
                                      parameters: QUICVersionParameters) {
        guard QUICInitialStream.canOpen(header) else { return }
        let dcid = UnsafeRawBufferPointer(rebasing: datagram[header.destinationID])
        if keys == nil {
            let candidate = QUICInitialKeys(clientDestinationID: dcid, parameters: parameters)
            guard stream.open(datagram, header: header, keys: candidate, numbering: parameters.frames) else { return }
            keys = candidate
            version = header.version
            handshakeKind = parameters.handshake
            frameNumbering = parameters.frames
            firstDestinationID = Array(dcid)
            return
        }
        if header.version != version {
            // A compatible version change: same first connection ID, the new version's salt.
            guard parameters.handshake == handshakeKind, parameters.frames == frameNumbering else { return }
            let candidate = firstDestinationID.withUnsafeBytes { QUICInitialKeys(clientDestinationID: $0, parameters: parameters) }
            if stream.open(datagram, header: header, keys: candidate, numbering: frameNumbering) {
                keys = candidate
                retryKeys = nil
                version = header.version
                return
            }
        } else if let keys, stream.open(datagram, header: header, keys: keys, numbering: frameNumbering) {
            return
        }
        openAfterRetry(datagram, header: header, parameters: parameters, dcid: dcid)
    }

    /// Tries keys derived from this packet's own Destination Connection ID (a client Initial
    /// sent after a Retry), when it differs from the first one.
    private mutating func openAfterRetry(_ datagram: UnsafeRawBufferPointer, header: QUICLongHeader,
                                         parameters: QUICVersionParameters, dcid: UnsafeRawBufferPointer) {
        guard !dcid.elementsEqual(firstDestinationID) else { return }
        if retryKeys == nil || !dcid.elementsEqual(retryDestinationID) {
            retryKeys = QUICInitialKeys(clientDestinationID: dcid, parameters: parameters)
            retryDestinationID = Array(dcid)
        }
        guard let retryKeys else { return }
        stream.open(datagram, header: header, keys: retryKeys, numbering: frameNumbering)
    }
}

/// Cheap tests on a UDP payload, for recognising the QUIC service without decrypting.
enum QUICDetect {
    /// Whether `datagram` starts with a long-header Initial packet of a version that
    /// ``QUICClientHelloCollector`` can decrypt, its header fields within the bytes present.
    static func isLongHeaderInitial(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard case .packet(let header) = QUICLongHeader.parse(datagram, at: 0),
              let parameters = QUICVersionParameters.forVersion(header.version) else { return false }
        return header.type == parameters.initialType
    }

    /// Whether a client's first datagram may begin a QUIC connection worth handing to
    /// ``QUICClientHelloCollector``: its first packet is a long header (RFC 8999 §5.1) whose
    /// fields fit the bytes present, of any type and version but version negotiation (0) and
    /// the Google QUIC versions without IETF Initials. The Initial need not come first: a
    /// client may send 0-RTT packets that arrive before it (RFC 9001 §4.6.1), or first try a
    /// reserved version that forces version negotiation (RFC 9000 §6.3, §15) and send its
    /// Initial after the server's Version Negotiation packet.
    static func mayStartConnection(_ datagram: UnsafeRawBufferPointer) -> Bool {
        switch QUICLongHeader.parse(datagram, at: 0) {
        case .packet: return true
        case .unknownVersion(let version): return version != 0 && !QUICClientHelloCollector.isOtherGoogleVersion(version)
        case .invalid: return false
        }
    }
}
