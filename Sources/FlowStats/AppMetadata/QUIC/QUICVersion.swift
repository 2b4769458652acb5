// The QUIC versions whose client Initial packets can be decrypted, and what each needs:
// the Initial salt, the HKDF label family, the long-header type of Initial packets, and what
// the CRYPTO stream carries.
//
// Facts and their sources:
// - v1 0x00000001: salt 0x38762cf7f55934b34d179ae6a4c80cadccbb7f0a, labels "quic key/iv/hp",
//   Initial = long type 0, Retry = 3 (RFC 9001 §5.2, RFC 9000 §17.2).
// - v2 0x6b3343cf: salt 0x0dede3def700a6db819381be6e269dcbf9bd2ed9, labels "quicv2 key/iv/hp",
//   Initial = long type 1, Retry = 0 (RFC 9369 §3.2, §3.3.1, §3.3.2).
// - IETF drafts 0xff0000NN: the salt changed in draft-23, draft-29 and draft-33 (the
//   draft-ietf-quic-tls texts, §5.2 of each). Wireshark's packet-quic.c
//   (`quic_derive_initial_secrets`) maps drafts ≤ 22 to the draft-22 salt, 23–28 to the draft-23
//   salt, 29–32 to the draft-29 salt and 33–34 to the v1 salt; so does nDPI's quic.c.
// - Facebook mvfst: 0xfaceb001 is draft-22 based, 0xfaceb002 and 0xfaceb00e draft-27 based
//   (packet-quic.c `quic_draft_version`; mvfst's QuicConstants.h names the same versions).
// - Google QUIC with IETF invariant headers: Q050 0x51303530, T050 0x54303530, T051
//   0x54303531, each with its own salt (packet-quic.c `hanshake_salt_draft_q50/t50/t51`),
//   "quic" labels and the draft-27 layout. All three use gQUIC frame numbers (CRYPTO is 0x08,
//   packet-gquic.c); T05x carry a TLS ClientHello in them, Q050 a QUIC Crypto CHLO message.

/// What the client's CRYPTO stream holds at offset 0.
enum QUICHandshakeKind: Sendable, Equatable {
    /// A TLS 1.3 handshake message: type (1 = ClientHello), 24-bit length, body (RFC 8446 §4).
    case tls
    /// A Google QUIC Crypto handshake message (tag "CHLO", tag count, tag/offset table, values).
    case googleCHLO
}

/// Which frame numbering a version's packets use.
enum QUICFrameNumbering: Sendable, Equatable {
    /// RFC 9000 §19 (v1, v2, IETF drafts, mvfst).
    case ietf
    /// Google QUIC's (Q050, T050, T051): only PADDING 0x00 and CRYPTO 0x08 are walked.
    case google
}

/// How one QUIC version protects and lays out its client Initial packets.
struct QUICVersionParameters: Sendable {
    /// HKDF-Extract salt for the Initial secret (20 bytes).
    let salt: [UInt8]
    /// Labels for the packet key, IV and header-protection key, without the "tls13 " prefix.
    let keyLabel: String
    let ivLabel: String
    let hpLabel: String
    /// The two long-header type bits (bits 4–5 of the first byte) of an Initial packet.
    let initialType: UInt8
    /// The long-header type of a Retry packet (no Length field: it ends the datagram).
    let retryType: UInt8
    /// What the CRYPTO stream carries.
    let handshake: QUICHandshakeKind
    /// The frame numbering of the decrypted payload.
    var frames: QUICFrameNumbering = .ietf

    /// The parameters for `version`, or nil for a version that cannot be decrypted here
    /// (version negotiation 0, reserved 0x?a?a?a?a versions, unknown ones).
    static func forVersion(_ version: UInt32) -> QUICVersionParameters? {
        switch version {
        case 0x0000_0001: return .v1
        case 0x6B33_43CF: return .v2
        case 0xFF00_0021, 0xFF00_0022: return .v1  // drafts 33–34
        case 0xFF00_001D...0xFF00_0020: return .draft29  // drafts 29–32
        case 0xFF00_0017...0xFF00_001C, 0xFACE_B002, 0xFACE_B00E: return .draft23  // drafts 23–28, mvfst d27
        case 0xFF00_0016, 0xFACE_B001: return .draft22  // draft-22, mvfst d22
        case 0x5430_3530: return .t050
        case 0x5430_3531: return .t051
        case 0x5130_3530: return .q050
        default: return nil
        }
    }

    private static func ietf(_ salt: [UInt8], frames: QUICFrameNumbering = .ietf) -> QUICVersionParameters {
        QUICVersionParameters(salt: salt, keyLabel: "quic key", ivLabel: "quic iv", hpLabel: "quic hp",
                              initialType: 0, retryType: 3, handshake: .tls, frames: frames)
    }

    static let v1 = ietf([0x38, 0x76, 0x2C, 0xF7, 0xF5, 0x59, 0x34, 0xB3, 0x4D, 0x17,
                          0x9A, 0xE6, 0xA4, 0xC8, 0x0C, 0xAD, 0xCC, 0xBB, 0x7F, 0x0A])
    static let v2 = QUICVersionParameters(
        salt: [0x0D, 0xED, 0xE3, 0xDE, 0xF7, 0x00, 0xA6, 0xDB, 0x81, 0x93,
               0x81, 0xBE, 0x6E, 0x26, 0x9D, 0xCB, 0xF9, 0xBD, 0x2E, 0xD9],
        keyLabel: "quicv2 key", ivLabel: "quicv2 iv", hpLabel: "quicv2 hp",
        initialType: 1, retryType: 0, handshake: .tls)
    static let draft29 = ietf([0xAF, 0xBF, 0xEC, 0x28, 0x99, 0x93, 0xD2, 0x4C, 0x9E, 0x97,
                               0x86, 0xF1, 0x9C, 0x61, 0x11, 0xE0, 0x43, 0x90, 0xA8, 0x99])
    static let draft23 = ietf([0xC3, 0xEE, 0xF7, 0x12, 0xC7, 0x2E, 0xBB, 0x5A, 0x11, 0xA7,
                               0xD2, 0x43, 0x2B, 0xB4, 0x63, 0x65, 0xBE, 0xF9, 0xF5, 0x02])
    static let draft22 = ietf([0x7F, 0xBC, 0xDB, 0x0E, 0x7C, 0x66, 0xBB, 0xE9, 0x19, 0x3A,
                               0x96, 0xCD, 0x21, 0x51, 0x9E, 0xBD, 0x7A, 0x02, 0x64, 0x4A])
    static let t050 = ietf([0x7F, 0xF5, 0x79, 0xE5, 0xAC, 0xD0, 0x72, 0x91, 0x55, 0x80,
                            0x30, 0x4C, 0x43, 0xA2, 0x36, 0x7C, 0x60, 0x48, 0x83, 0x10], frames: .google)
    static let t051 = ietf([0x7A, 0x4E, 0xDE, 0xF4, 0xE7, 0xCC, 0xEE, 0x5F, 0xA4, 0x50,
                            0x6C, 0x19, 0x12, 0x4F, 0xC8, 0xCC, 0xDA, 0x6E, 0x03, 0x3D], frames: .google)
    static let q050 = QUICVersionParameters(
        salt: [0x50, 0x45, 0x74, 0xEF, 0xD0, 0x66, 0xFE, 0x2F, 0x9D, 0x94,
               0x5C, 0xFC, 0xDB, 0xD3, 0xA7, 0xF0, 0xD3, 0xB5, 0x6B, 0x45],
        keyLabel: "quic key", ivLabel: "quic iv", hpLabel: "quic hp",
        initialType: 0, retryType: 3, handshake: .googleCHLO, frames: .google)
}
