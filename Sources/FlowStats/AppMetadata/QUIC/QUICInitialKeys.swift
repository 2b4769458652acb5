// The client's Initial packet-protection keys, derived from the Destination Connection ID of
// its first Initial packet (RFC 9001 §5.2, §5.1; RFC 9369 §3.3 for v2's labels):
//   initial_secret        = HKDF-Extract(initial_salt, client_dcid)
//   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//   key = HKDF-Expand-Label(client_initial_secret, "quic key", "", 16)   (AES-128-GCM key)
//   iv  = HKDF-Expand-Label(client_initial_secret, "quic iv", "", 12)
//   hp  = HKDF-Expand-Label(client_initial_secret, "quic hp", "", 16)    (AES-128 block key)
// HKDF-Expand-Label is TLS 1.3's (RFC 8446 §7.1): HKDF-Expand(secret, HkdfLabel, length) with
// HkdfLabel = uint16 length ‖ uint8 len ‖ "tls13 " + label ‖ uint8 len ‖ context.
// The hashes and ciphers are swift-crypto's.

import Crypto

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
        let secret = Self.clientInitialSecret(dcid, salt: parameters.salt)
        key = Self.expandLabel(secret, label: parameters.keyLabel, length: 16)
        iv = Self.expandLabel(secret, label: parameters.ivLabel, length: 12).withUnsafeBytes { Array($0) }
        headerProtection = Self.expandLabel(secret, label: parameters.hpLabel, length: 16)
    }

    /// `HKDF-Expand-Label(HKDF-Extract(salt, dcid), "client in", "", 32)`.
    static func clientInitialSecret(_ dcid: UnsafeRawBufferPointer, salt: [UInt8]) -> SymmetricKey {
        let initialSecret = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: dcid), salt: salt)
        return expandLabel(SymmetricKey(data: initialSecret), label: "client in", length: 32)
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
