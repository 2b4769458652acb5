// TLS numbers the parsers and fingerprints use: content and handshake types (RFC 8446 §5.1,
// §4), extension code points (IANA "TLS ExtensionType Values"), GREASE (RFC 8701 §2) and the
// HelloRetryRequest random (RFC 8446 §4.1.3).

enum TLSConstants {
    /// Record content type `handshake` (RFC 8446 §5.1).
    static let handshakeContentType: UInt8 = 22
    /// Handshake message types (RFC 8446 §4).
    static let clientHelloType: UInt8 = 1
    static let serverHelloType: UInt8 = 2

    /// The largest record fragment accepted: 2^14 plus the 2048 bytes RFC 5246 §6.2.3 allows
    /// a TLSCiphertext to grow by (plaintext handshake records must stay within 2^14; the
    /// slack only makes the parser lenient).
    static let maxRecordLength = 16_384 + 2_048

    /// The largest ClientHello body the fields' own limits allow (RFC 8446 §4.1.2): version 2,
    /// random 32, session id 1 + 32, cipher suites 2 + 65534, compression 1 + 255, extensions
    /// 2 + 65535. A longer claimed length cannot be a ClientHello.
    static let maxClientHelloBody = 2 + 32 + 1 + 32 + 2 + 65_534 + 1 + 255 + 2 + 65_535
    /// The largest ServerHello body (RFC 5246 §7.4.1.3): version, random, session id, cipher,
    /// compression, extensions.
    static let maxServerHelloBody = 2 + 32 + 1 + 32 + 2 + 1 + 2 + 65_535

    /// Extension code points (IANA registry).
    enum Extension {
        static let serverName: UInt16 = 0x0000
        static let supportedGroups: UInt16 = 0x000a
        static let ecPointFormats: UInt16 = 0x000b
        static let signatureAlgorithms: UInt16 = 0x000d
        static let alpn: UInt16 = 0x0010
        static let supportedVersions: UInt16 = 0x002b
    }

    /// SHA-256("HelloRetryRequest"): a ServerHello with this random is a HelloRetryRequest
    /// (RFC 8446 §4.1.3).
    static let helloRetryRequestRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    /// Whether `value` is a GREASE value (RFC 8701 §2: 0x0A0A, 0x1A1A … 0xFAFA — both bytes
    /// equal, each with low nibble 0xA).
    static func isGrease(_ value: UInt16) -> Bool {
        value & 0x0F0F == 0x0A0A && value >> 8 == value & 0xFF
    }
}
