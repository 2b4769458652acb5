// The Initial packet-protection keys of either endpoint, both derived from the Destination
// Connection ID of the client's first Initial packet (RFC 9001 §5.2, §5.1; RFC 9369 §3.3 for
// v2's key/iv/hp labels; v2 keeps "client in" / "server in"):
//   initial_secret        = HKDF-Extract(initial_salt, client_dcid)
//   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
//   key = HKDF-Expand-Label(side_initial_secret, "quic key", "", 16)   (AES-128-GCM key)
//   iv  = HKDF-Expand-Label(side_initial_secret, "quic iv", "", 12)
//   hp  = HKDF-Expand-Label(side_initial_secret, "quic hp", "", 16)    (AES-128 block key)
// After a Retry both sides derive from the Retry's Source Connection ID instead (RFC 9001 §5.2).
// HKDF-Expand-Label is TLS 1.3's (RFC 8446 §7.1): HKDF-Expand(secret, HkdfLabel, length) with
// HkdfLabel = uint16 length ‖ uint8 len ‖ "tls13 " + label ‖ uint8 len ‖ context.
// The hashes and ciphers are swift-crypto's.

import Crypto

/// Which endpoint sends the Initial packets a key set opens.
enum QUICInitialSide: Sendable {
    case client
    case server

    /// The HKDF-Expand-Label label of the side's Initial secret (RFC 9001 §5.2).
    var secretLabel: String {
        switch self {
        case .client: return "client in"
        case .server: return "server in"
        }
    }
}

/// The key material that opens one direction's Initial packets.
struct QUICInitialKeys {
    /// AES-128-GCM payload key.
    let key: SymmetricKey
    /// The 12-byte IV, XORed with the packet number to make each packet's nonce.
    let iv: [UInt8]
    /// AES-128 key for the header-protection block.
    let headerProtection: SymmetricKey

    /// The client's Initial keys for `version` and the connection ID the client chose.
    init(clientDestinationID dcid: UnsafeRawBufferPointer, parameters: QUICVersionParameters) {
        self.init(side: .client, clientDestinationID: dcid, parameters: parameters)
    }

    /// The Initial keys of `side` for `version`, from the Destination Connection ID of the
    /// client's first Initial (or, after a Retry, the Retry's Source Connection ID).
    init(side: QUICInitialSide, clientDestinationID dcid: UnsafeRawBufferPointer, parameters: QUICVersionParameters) {
        let secret = Self.initialSecret(dcid, salt: parameters.salt, side: side)
        key = Self.expandLabel(secret, label: parameters.keyLabel, length: 16)
        iv = Self.expandLabel(secret, label: parameters.ivLabel, length: 12).withUnsafeBytes { Array($0) }
        headerProtection = Self.expandLabel(secret, label: parameters.hpLabel, length: 16)
    }

    /// `HKDF-Expand-Label(HKDF-Extract(salt, dcid), "client in", "", 32)`.
    static func clientInitialSecret(_ dcid: UnsafeRawBufferPointer, salt: [UInt8]) -> SymmetricKey {
        initialSecret(dcid, salt: salt, side: .client)
    }

    /// `HKDF-Expand-Label(HKDF-Extract(salt, dcid), "client in" or "server in", "", 32)`.
    static func initialSecret(_ dcid: UnsafeRawBufferPointer, salt: [UInt8], side: QUICInitialSide) -> SymmetricKey {
        let initialSecret = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: dcid), salt: salt)
        return expandLabel(SymmetricKey(data: initialSecret), label: side.secretLabel, length: 32)
    }

    /// TLS 1.3 HKDF-Expand-Label with an empty context (RFC 8446 §7.1).
    static func expandLabel(_ secret: SymmetricKey, label: String, length: Int) -> SymmetricKey {
        HKDF<SHA256>.expand(pseudoRandomKey: secret, info: hkdfLabel(label, length: length), outputByteCount: length)
    }

    /// The HkdfLabel structure for `label` (without "tls13 ") and an empty context.
    static func hkdfLabel(_ label: String, length: Int) -> [UInt8] {
        let full = Array("tls13 \(label)".utf8)
        return [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
                UInt8(truncatingIfNeeded: full.count)] + full + [0]
    }
}
