// Finds the first handshake message at the start of one direction of a TLS-over-TCP stream
// (RFC 8446 §5.1, RFC 5246 §6.2.1): TLSPlaintext records of content type 22 with a record
// version 0x0300–0x0304, the message possibly split over several records (and, since the
// caller reassembles by sequence number, over several segments). Handshake messages may not
// be interleaved with other record types (RFC 8446 §5.1), so any other record before the
// message is complete means "not TLS" here.

enum TLSRecordLayer {
    /// Whether `bytes` could start a TLS record stream: at least 3 bytes, content type 22
    /// (handshake), record version major 3 and minor ≤ 4.
    static func looksLikeStart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && prefixIsPlausible(bytes, from: 0, count: 3)
    }

    /// Checks the record header bytes present at `start` (up to `count` of the first 3).
    private static func prefixIsPlausible(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> Bool {
        if count >= 1 && bytes[start] != TLSConstants.handshakeContentType { return false }
        if count >= 2 && bytes[start + 1] != 3 { return false }
        if count >= 3 && bytes[start + 2] > 4 { return false }
        return true
    }

    /// Gathers the stream's first handshake message (4-byte header and body) and hands it to
    /// `parse`, which sees exactly that message. `maxBody` bounds the message's claimed
    /// length (a longer claim is `.notThisProtocol`), so bytes are only ever copied from the
    /// buffer, never allocated from a length field.
    ///
    /// - Returns: `.needMore` while the stream is a valid prefix; `.notThisProtocol` when a
    ///   record is not a TLS handshake record or the first message is not `type`; otherwise
    ///   `parse`'s result, with `consumed` = the stream offset just past the message's last
    ///   byte (the record holding it may go on: a server's ServerHello usually shares its
    ///   record with the Certificate).
    static func firstHandshakeMessage<Value>(
        in stream: UnsafeRawBufferPointer,
        type: UInt8,
        maxBody: Int,
        parse: (UnsafeRawBufferPointer) -> ParseProgress<Value>
    ) -> ParseProgress<Value> {
        var offset = 0
        // Message bytes gathered so far, used only when the message spans records.
        var gathered: [UInt8] = []
        // 4 + body length, once the message header has been read.
        var messageLength: Int?

        while true {
            let left = stream.count - offset
            guard left >= 5 else {
                return prefixIsPlausible(stream, from: offset, count: left) ? .needMore : .notThisProtocol
            }
            guard prefixIsPlausible(stream, from: offset, count: 3) else { return .notThisProtocol }
            let recordLength = Int(stream[offset + 3]) << 8 | Int(stream[offset + 4])
            guard recordLength <= TLSConstants.maxRecordLength else { return .notThisProtocol }
            let fragmentStart = offset + 5
            let present = min(recordLength, stream.count - fragmentStart)

            // Fast path: the whole message lies in the first record's fragment.
            if offset == 0 && present >= 4 {
                let header = readHeader(stream, at: fragmentStart)
                guard header.type == type else { return .notThisProtocol }
                guard header.bodyLength <= maxBody else { return .notThisProtocol }
                let total = 4 + header.bodyLength
                if total <= present {
                    let message = UnsafeRawBufferPointer(rebasing: stream[fragmentStart..<(fragmentStart + total)])
                    return relocated(parse(message), end: fragmentStart + total)
                }
                messageLength = total
            }

            // Slow path: copy this fragment's bytes (those present) onto the message.
            var used = 0
            while used < present {
                gathered.append(stream[fragmentStart + used])
                used += 1
                if messageLength == nil && gathered.count == 4 {
                    let header = gathered.withUnsafeBytes { readHeader($0, at: 0) }
                    guard header.type == type else { return .notThisProtocol }
                    guard header.bodyLength <= maxBody else { return .notThisProtocol }
                    messageLength = 4 + header.bodyLength
                }
                if let total = messageLength, gathered.count == total {
                    return relocated(gathered.withUnsafeBytes { parse($0) }, end: fragmentStart + used)
                }
            }
            if messageLength == nil, gathered.count >= 1, gathered[0] != type { return .notThisProtocol }
            guard present == recordLength else { return .needMore }
            offset = fragmentStart + recordLength
        }
    }

    /// The type and 24-bit body length of the handshake header at `start` (4 bytes present).
    private static func readHeader(_ bytes: UnsafeRawBufferPointer, at start: Int) -> (type: UInt8, bodyLength: Int) {
        (bytes[start], Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3]))
    }

    /// `progress` with `consumed` replaced by the stream offset `end`.
    private static func relocated<Value>(_ progress: ParseProgress<Value>, end: Int) -> ParseProgress<Value> {
        switch progress {
        case .done(let value, _): .done(value, consumed: end)
        // The message was complete, so "need more" from the message parser cannot be mended
        // by more stream bytes.
        case .needMore, .notThisProtocol: .notThisProtocol
        }
    }
}
