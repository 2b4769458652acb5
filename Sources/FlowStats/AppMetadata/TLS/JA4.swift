// JA4, the TLS client fingerprint of FoxIO-LLC/ja4 (technical_details/JA4.md), computed as
// FoxIO's own programs (python/ja4.py, rust/ja4/src/tls.rs) compute it, which is what the
// corpus references come from. Where the two programs differ from the specification's text
// or from each other, the choice is said at the point (see ``JA4/alpnCharacters(_:)``).

import Crypto

/// The JA4 transport marker: TLS over TCP, QUIC or DTLS.
enum JA4Transport: Character, Sendable {
    case tcp = "t"
    case quic = "q"
    case dtls = "d"
}

enum JA4 {
    /// The JA4 fingerprint `a_b_c` of `hello`:
    /// - a: transport, version, `d`/`i` (server_name extension present or not, as FoxIO —
    ///   not whether the name is an IP literal), cipher and extension counts without GREASE
    ///   (capped at 99; the extension count includes SNI and ALPN), ALPN characters;
    /// - b: first 12 hex of SHA-256 of the sorted cipher list (4-hex, `,`-joined), or
    ///   `000000000000` when there are no ciphers;
    /// - c: the same of the sorted extensions without 0000 and 0010, then `_` and the
    ///   signature algorithms in wire order (no `_` when there are none); `000000000000`
    ///   when that string is empty.
    static func fingerprint(_ hello: TLSClientHello, transport: JA4Transport) -> String {
        let parts = Parts(hello, transport: transport)
        return "\(parts.prefix)_\(hash12(parts.ciphers))_\(hash12(parts.extensionsAndSignatures))"
    }

    /// JA4_r, the raw form: the same `a` with the two lists in clear (as FoxIO's `-r`).
    static func raw(_ hello: TLSClientHello, transport: JA4Transport) -> String {
        let parts = Parts(hello, transport: transport)
        return "\(parts.prefix)_\(parts.ciphers)_\(parts.extensionsAndSignatures)"
    }

    /// The two characters for the version (JA4.md "TLS and DTLS Version"): the highest
    /// non-GREASE supported_versions value (as FoxIO: numerically highest, so a list whose
    /// top is a TLS 1.3 draft gives `00`), else legacy_version. For a list of DTLS versions
    /// only (0xFExx, where lower is newer) the newest is taken. 13 12 11 10 s3 s2 d1 d2 d3,
    /// `00` for anything else.
    static func versionCode(_ hello: TLSClientHello) -> String {
        let offered = hello.supportedVersions.filter { !TLSConstants.isGrease($0) }
        let version: UInt16
        if offered.isEmpty {
            version = hello.legacyVersion
        } else if offered.allSatisfy({ $0 >> 8 == 0xFE }) {
            version = offered.min() ?? hello.legacyVersion
        } else {
            version = offered.max() ?? hello.legacyVersion
        }
        switch version {
        case 0x0304: return "13"
        case 0x0303: return "12"
        case 0x0302: return "11"
        case 0x0301: return "10"
        case 0x0300: return "s3"
        case 0x0002: return "s2"
        case 0xFEFF: return "d1"
        case 0xFEFD: return "d2"
        case 0xFEFC: return "d3"
        default: return "00"
        }
    }

    /// The two ALPN characters: `00` without ALPN or with an empty first name; otherwise the
    /// first and the last character of the first name, read as FoxIO's programs read
    /// tshark's text of it (UTF-8, invalid sequences replaced): a character that is not
    /// ASCII becomes `9` (so `…99_` for a non-ASCII name, as in FoxIO's
    /// tls-non-ascii-alpn.pcapng result; the specification's hex rule is not used). An
    /// ASCII control character also becomes `9`, to keep the fingerprint printable (no
    /// reference covers it). A one-character name gives that character twice, as the
    /// specification says (FoxIO's Rust writes `x0`, its Python a single character).
    static func alpnCharacters(_ hello: TLSClientHello) -> String {
        guard let first = hello.alpn.first, !first.isEmpty else { return "00" }
        let scalars = Array(String(decoding: first, as: UTF8.self).unicodeScalars)
        func character(_ scalar: Unicode.Scalar) -> Character {
            scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F ? Character(scalar) : "9"
        }
        guard let head = scalars.first, let tail = scalars.last else { return "00" }
        return String([character(head), character(tail)])
    }

    /// The pieces both forms share.
    private struct Parts {
        var prefix: String
        var ciphers: String
        var extensionsAndSignatures: String

        init(_ hello: TLSClientHello, transport: JA4Transport) {
            let ciphers = hello.cipherSuites.filter { !TLSConstants.isGrease($0) }
            let extensions = hello.extensions.filter { !TLSConstants.isGrease($0) }
            let signatures = hello.signatureAlgorithms.filter { !TLSConstants.isGrease($0) }
            func count(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(min(n, 99))" }
            prefix = "\(transport.rawValue)\(JA4.versionCode(hello))\(hello.hasServerNameExtension ? "d" : "i")"
                + "\(count(ciphers.count))\(count(extensions.count))\(JA4.alpnCharacters(hello))"
            self.ciphers = ciphers.sorted().map(FingerprintHex.four).joined(separator: ",")
            let hashed = extensions
                .filter { $0 != TLSConstants.Extension.serverName && $0 != TLSConstants.Extension.alpn }
                .sorted().map(FingerprintHex.four).joined(separator: ",")
            let signatureList = signatures.map(FingerprintHex.four).joined(separator: ",")
            extensionsAndSignatures = signatureList.isEmpty ? hashed : hashed + "_" + signatureList
        }
    }

    /// The first 12 hex digits of SHA-256 of `text`, or `000000000000` for an empty text.
    private static func hash12(_ text: String) -> String {
        guard !text.isEmpty else { return "000000000000" }
        return String(FingerprintHex.lowercase(SHA256.hash(data: Array(text.utf8))).prefix(12))
    }
}
