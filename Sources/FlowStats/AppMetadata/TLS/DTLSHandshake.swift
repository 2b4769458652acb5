// DTLS handshake messages over UDP: the record header (RFC 6347 §4.1: type, version
// 0xFEFF/0xFEFD, epoch 2, sequence_number 6, length 2; RFC 9147 §4 keeps it for the
// plaintext records of DTLS 1.3, version 0xFEFC on the wire as 0xFEFD), the handshake header
// (RFC 6347 §4.2.2: msg_type, length 3, message_seq 2, fragment_offset 3, fragment_length 3)
// and the reassembly of one message from its fragments (§4.2.3), first copy of each byte
// winning. The ClientHello body differs from TLS's only by the `cookie<0..2^8-1>` after
// session_id (§4.2.1), which is cut out so that ``TLSClientHello`` parses the rest; the
// ServerHello body is TLS's. Records of a later epoch (encrypted) and DTLS 1.3's unified
// header (first byte 001xxxxx, RFC 9147 §4) are skipped.

/// The DTLS record layer's plaintext handshake records inside one datagram.
enum DTLSRecords {
    /// Record version values of DTLS (1.0, 1.2, 1.3) and OpenSSL's pre-RFC 0x0100.
    static func isVersion(_ version: UInt16) -> Bool {
        version == 0xFEFF || version == 0xFEFD || version == 0xFEFC || version == 0x0100
    }

    /// Whether `datagram` starts with a DTLS handshake record header (13 bytes present,
    /// content type 22, a DTLS version, epoch 0). Its first byte 22 is in RFC 7983's DTLS
    /// range (20–63) of a STUN-multiplexed flow.
    static func startsWithHandshake(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard datagram.count >= 13, datagram[0] == TLSConstants.handshakeContentType else { return false }
        let version = UInt16(datagram[1]) << 8 | UInt16(datagram[2])
        return isVersion(version) && datagram[3] == 0 && datagram[4] == 0
    }

    /// Calls `body` with each handshake fragment of the datagram's epoch-0 handshake
    /// records: (msg_type, message length, message_seq, fragment_offset, fragment bytes).
    /// Stops at the first record or fragment whose header does not fit.
    static func forEachFragment(
        in datagram: UnsafeRawBufferPointer,
        _ body: (_ type: UInt8, _ length: Int, _ sequence: UInt16, _ offset: Int, _ bytes: UnsafeRawBufferPointer) -> Void
    ) {
        var records = TLSCursor(datagram)
        while records.remaining >= 13 {
            guard let type = records.u8(), let version = records.u16(), let epoch = records.u16(),
                  records.skip(6), var fragment = records.vector16() else { return }
            guard type == TLSConstants.handshakeContentType, isVersion(version), epoch == 0 else { continue }
            while fragment.remaining >= 12 {
                guard let msgType = fragment.u8(), let length = fragment.u24(), let sequence = fragment.u16(),
                      let offset = fragment.u24(), let fragmentLength = fragment.u24(),
                      let bytes = fragment.sub(fragmentLength) else { return }
                body(msgType, length, sequence, offset,
                     UnsafeRawBufferPointer(rebasing: bytes.bytes[bytes.offset..<bytes.end]))
            }
        }
    }
}

/// Gathers the first handshake message of one type from a direction's datagrams.
struct DTLSHandshakeAssembler {
    /// The message type gathered (1 ClientHello, 2 ServerHello).
    let type: UInt8
    /// Bound on the message length taken (a longer claim ends the search).
    let maxBody: Int
    /// message_seq of the first fragment of `type` seen; later messages are ignored (so a
    /// ClientHello repeated with a cookie after a HelloVerifyRequest is not used).
    private var sequence: UInt16?
    private var body: [UInt8] = []
    private var filled: [Bool] = []
    private var missing = 0

    init(type: UInt8, maxBody: Int) {
        self.type = type
        self.maxBody = maxBody
    }

    /// Adds one datagram. `.done` with the message in TLS form (type, 3-byte length, body)
    /// once every byte has arrived; `.notThisProtocol` when the message claims more than
    /// `maxBody` or a fragment disagrees with the length; otherwise `.needMore`.
    mutating func add(datagram: UnsafeRawBufferPointer) -> ParseProgress<[UInt8]> {
        var failed = false
        var complete = false
        DTLSRecords.forEachFragment(in: datagram) { msgType, length, seq, offset, bytes in
            guard !failed, !complete, msgType == type else { return }
            if sequence == nil {
                guard length <= maxBody else { failed = true; return }
                sequence = seq
                body = [UInt8](repeating: 0, count: length)
                filled = [Bool](repeating: false, count: length)
                missing = length
            }
            guard seq == sequence else { return }
            guard length == body.count, offset <= length, bytes.count <= length - offset else { failed = true; return }
            for i in 0..<bytes.count where !filled[offset + i] {
                filled[offset + i] = true
                body[offset + i] = bytes[i]
                missing -= 1
            }
            if missing == 0 { complete = true }
        }
        if failed { return .notThisProtocol }
        guard complete else { return .needMore }
        let n = body.count
        return .done([type, UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + body,
                     consumed: datagram.count)
    }
}

extension TLSClientHello {
    /// Parses a DTLS ClientHello message in TLS form (type, 3-byte length, DTLS body): the
    /// cookie after session_id is removed and the rest parsed as TLS's ClientHello.
    /// `.notThisProtocol` when the fields before the cookie's end do not fit.
    static func parse(dtlsMessage message: [UInt8]) -> ParseProgress<TLSClientHello> {
        guard message.count >= 4 + 35, message[0] == TLSConstants.clientHelloType else { return .notThisProtocol }
        let sessionEnd = 4 + 35 + Int(message[4 + 34])
        guard sessionEnd < message.count else { return .notThisProtocol }
        let cookieEnd = sessionEnd + 1 + Int(message[sessionEnd])
        guard cookieEnd <= message.count else { return .notThisProtocol }
        let bodyLength = message.count - 4 - (cookieEnd - sessionEnd)
        var tls = [TLSConstants.clientHelloType, UInt8(truncatingIfNeeded: bodyLength >> 16),
                   UInt8(truncatingIfNeeded: bodyLength >> 8), UInt8(truncatingIfNeeded: bodyLength)]
        tls += message[4..<sessionEnd]
        tls += message[cookieEnd...]
        return tls.withUnsafeBytes { parse(message: $0) }
    }
}
