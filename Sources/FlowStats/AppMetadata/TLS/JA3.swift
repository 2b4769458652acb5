// JA3, the TLS client fingerprint of salesforce/ja3 (README.md): the decimal fields
// `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`, the values of
// each list joined by `-`, GREASE values (RFC 8701) left out of the ciphers, extensions and
// curves; the fingerprint is the MD5 of that string in lower-case hex.

import Crypto

enum JA3 {
    /// The JA3 string of `hello` (version = the ClientHello's legacy_version).
    static func string(_ hello: TLSClientHello) -> String {
        func list(_ values: [UInt16]) -> String {
            values.lazy.filter { !TLSConstants.isGrease($0) }.map(String.init).joined(separator: "-")
        }
        let formats = hello.ecPointFormats.map(String.init).joined(separator: "-")
        return "\(hello.legacyVersion),\(list(hello.cipherSuites)),\(list(hello.extensions)),"
            + "\(list(hello.supportedGroups)),\(formats)"
    }

    /// The MD5 of ``string(_:)``, 32 lower-case hex digits.
    static func hash(_ hello: TLSClientHello) -> String {
        FingerprintHex.lowercase(Insecure.MD5.hash(data: Array(string(hello).utf8)))
    }
}

/// Lower-case hex of digests and of 16-bit code points, for the fingerprints.
enum FingerprintHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A digest's bytes as lower-case hex.
    static func lowercase<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as 4 lower-case hex digits.
    static func four(_ value: UInt16) -> String {
        let nibbles = [value >> 12, value >> 8, value >> 4, value].map { digits[Int($0 & 0x0F)] }
        return String(decoding: nibbles, as: UTF8.self)
    }
}
