// One side's Initial packet number space and CRYPTO stream, shared by the client and the
// server collectors: an Initial packet is opened with that side's keys
// (``QUICPacketProtection``, RFC 9001 §5.3–§5.4), its packet number expanded against the
// largest one opened so far (RFC 9000 §17.1), and its CRYPTO frames (``QUICFrames``,
// RFC 9000 §19.6) go to a ``QUICCryptoAssembler`` (any order, first copy wins, ≤ 64 KiB).

/// The Initial-level state of one direction of a QUIC connection.
struct QUICInitialStream {
    private(set) var assembler = QUICCryptoAssembler()
    private var largestPacketNumber: Int64 = -1

    init() {}

    /// Opens the Initial packet `header` of `datagram` with `keys` and, when it
    /// authenticates, feeds its CRYPTO frames (read with `numbering`) to the assembler.
    /// Returns whether the packet opened.
    @discardableResult
    mutating func open(_ datagram: UnsafeRawBufferPointer, header: QUICLongHeader, keys: QUICInitialKeys,
                       numbering: QUICFrameNumbering) -> Bool {
        guard let opened = QUICPacketProtection.open(datagram, header: header, keys: keys,
                                                     largestPacketNumber: largestPacketNumber) else { return false }
        largestPacketNumber = max(largestPacketNumber, opened.packetNumber)
        _ = opened.payload.withUnsafeBytes { payload in
            QUICFrames.walk(payload, numbering: numbering) { offset, data in assembler.add(offset: offset, data: data) }
        }
        return true
    }

    /// Whether this packet is long enough for a header-protection sample and a tag: shorter
    /// ones cannot open, so no key derivation is spent on them.
    static func canOpen(_ header: QUICLongHeader) -> Bool {
        header.end - header.packetNumberOffset >= 4 + QUICPacketProtection.sampleLength
    }

    /// The first handshake message, when complete (see ``QUICCryptoAssembler/status(_:tlsType:)``).
    func message(_ handshake: QUICHandshakeKind, tlsType: UInt8) -> ParseProgress<[UInt8]> {
        switch assembler.status(handshake, tlsType: tlsType) {
        case .incomplete: return .needMore
        case .invalid: return .notThisProtocol
        case .complete(let length): return .done(Array(assembler.bytes[0..<length]), consumed: length)
        }
    }
}
