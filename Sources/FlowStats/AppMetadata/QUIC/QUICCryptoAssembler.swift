// Reassembles one side's Initial CRYPTO stream (RFC 9000 §19.6: each CRYPTO frame carries
// `length` bytes at stream `offset`; frames may arrive in any order, split across packets,
// and be retransmitted). The first copy of a byte wins. Only the first 64 KiB of the stream
// are kept: data beyond is ignored, so an attacker's offsets never size an allocation.
// It reports when the handshake message at offset 0 is complete: a TLS message (ClientHello
// from the client, ServerHello from the server) is its 4-byte header (type, 24-bit length,
// RFC 8446 §4) plus the length; a Google QUIC CHLO is its 8-byte
// header (tag, 16-bit little-endian tag count, padding), the 8-byte tag/end-offset entries,
// and the values up to the last entry's end offset.

/// Collects CRYPTO data by offset and tells when the first handshake message is whole.
struct QUICCryptoAssembler {
    /// The most stream bytes kept (offsets at or beyond are ignored).
    static let capacity = 64 * 1024

    /// Stream bytes 0..<count, as far as any frame reached (gaps are zero until filled).
    private(set) var bytes: [UInt8] = []
    /// One bit per byte of `bytes`: set when that byte arrived.
    private var present: [UInt64] = []
    /// Stream bytes 0..<contiguousCount have all arrived.
    private(set) var contiguousCount = 0

    /// What the stream so far says about its first message.
    enum Status: Equatable {
        /// Not yet all there.
        case incomplete
        /// The whole message, `bytes[0..<length]`.
        case complete(length: Int)
        /// Not the expected message (ClientHello / ServerHello / CHLO), or longer than
        /// ``capacity``: it will never be delivered.
        case invalid
    }

    init() {}

    /// Adds `data` found at stream `offset`; bytes already present keep their first value.
    mutating func add(offset: UInt64, data: UnsafeRawBufferPointer) {
        guard offset < UInt64(Self.capacity), !data.isEmpty else { return }
        let start = Int(offset)
        let end = start + min(data.count, Self.capacity - start)
        if end > bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: end - bytes.count))
            let words = (end + 63) / 64
            if words > present.count { present.append(contentsOf: repeatElement(0, count: words - present.count)) }
        }
        for index in start..<end {
            let bit: UInt64 = 1 << UInt64(index & 63)
            if present[index >> 6] & bit == 0 {
                present[index >> 6] |= bit
                bytes[index] = data[index - start]
            }
        }
        while contiguousCount < bytes.count && present[contiguousCount >> 6] & (1 << UInt64(contiguousCount & 63)) != 0 {
            contiguousCount += 1
        }
    }

    /// Whether the message at offset 0 is complete, still incomplete, or never deliverable.
    /// `tlsType`: the TLS handshake type expected there (1 ClientHello, 2 ServerHello).
    func status(_ handshake: QUICHandshakeKind, tlsType: UInt8 = 1) -> Status {
        let length: Int
        switch handshake {
        case .tls:
            guard contiguousCount >= 4 else { return .incomplete }
            guard bytes[0] == tlsType else { return .invalid }
            length = 4 + (Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3]))
        case .googleCHLO:
            guard contiguousCount >= 8 else { return .incomplete }
            guard bytes[0] == 0x43, bytes[1] == 0x48, bytes[2] == 0x4C, bytes[3] == 0x4F else { return .invalid }  // "CHLO"
            let tags = Int(bytes[4]) | Int(bytes[5]) << 8
            let table = 8 + 8 * tags
            guard table <= Self.capacity else { return .invalid }
            guard contiguousCount >= table else { return .incomplete }
            var valuesLength = 0
            if tags > 0 {
                let last = table - 4
                valuesLength = Int(bytes[last]) | Int(bytes[last + 1]) << 8 | Int(bytes[last + 2]) << 16
                    | Int(bytes[last + 3]) << 24
            }
            length = table + valuesLength
        }
        guard length <= Self.capacity else { return .invalid }
        return contiguousCount >= length ? .complete(length: length) : .incomplete
    }
}
