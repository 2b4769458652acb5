// Hand-built TLS messages for the TLS parser and fingerprint tests: each field is written out
// as bytes with its length prefix (RFC 8446 §4.1.2/§4.1.3 layouts), so the tests' expected
// values come from what was written here, not from the parser.

/// Big-endian byte writing for the hand-built messages.
enum TLSBytes {
    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func u24(_ v: Int) -> [UInt8] { [UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    /// `opaque x<0..2^8-1>`.
    static func vec8(_ body: [UInt8]) -> [UInt8] { [UInt8(body.count)] + body }
    /// `opaque x<0..2^16-1>`.
    static func vec16(_ body: [UInt8]) -> [UInt8] { u16(UInt16(body.count)) + body }
    static func list16(_ values: [UInt16]) -> [UInt8] { values.flatMap(u16) }

    /// One extension: type, 2-byte length, data.
    static func ext(_ type: UInt16, _ data: [UInt8]) -> [UInt8] { u16(type) + vec16(data) }
    static func sni(_ name: [UInt8]) -> [UInt8] { ext(0x0000, vec16([0x00] + vec16(name))) }
    static func alpn(_ names: [[UInt8]]) -> [UInt8] { ext(0x0010, vec16(names.flatMap(vec8))) }
    static func groups(_ values: [UInt16]) -> [UInt8] { ext(0x000a, vec16(list16(values))) }
    static func pointFormats(_ values: [UInt8]) -> [UInt8] { ext(0x000b, vec8(values)) }
    static func signatures(_ values: [UInt16]) -> [UInt8] { ext(0x000d, vec16(list16(values))) }
    static func versions(_ values: [UInt16]) -> [UInt8] { ext(0x002b, vec8(list16(values))) }
    static func empty(_ type: UInt16) -> [UInt8] { ext(type, []) }

    /// A ClientHello handshake message (type 1, 3-byte length, body). `extensions` nil
    /// leaves the extensions block out (TLS ≤ 1.2 allows it).
    static func clientHello(version: UInt16 = 0x0303, sessionID: [UInt8] = Array(repeating: 0x55, count: 32),
                            ciphers: [UInt16], extensions: [[UInt8]]?) -> [UInt8] {
        var body = u16(version) + Array(repeating: 0xA5, count: 32) + vec8(sessionID)
        body += vec16(list16(ciphers)) + vec8([0x00])
        if let extensions { body += vec16(extensions.flatMap { $0 }) }
        return [0x01] + u24(body.count) + body
    }

    /// A ServerHello message in the classic layout (session id and compression method).
    static func serverHello(version: UInt16 = 0x0303, random: [UInt8] = Array(repeating: 0x3C, count: 32),
                            cipher: UInt16, extensions: [[UInt8]]?) -> [UInt8] {
        var body = u16(version) + random + vec8(Array(repeating: 0x77, count: 32)) + u16(cipher) + [0x00]
        if let extensions { body += vec16(extensions.flatMap { $0 }) }
        return [0x02] + u24(body.count) + body
    }

    /// `message` cut into TLS handshake records (type 22, record version `version`) of at most
    /// `fragment` bytes each.
    static func records(_ message: [UInt8], fragment: Int = 16_384, version: UInt16 = 0x0301) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + fragment, message.count)
            out += [22] + u16(version) + u16(UInt16(end - start)) + Array(message[start..<end])
            start = end
        } while start < message.count
        return out
    }

    /// The JA4 specification's worked example as a Chrome-like ClientHello: its 15 ciphers
    /// and 16 extensions in the example's order, its 8 signature algorithms, ALPN h2,
    /// supported_versions with TLS 1.3, and GREASE values Chrome sends (first cipher, first
    /// and last extension, a group and a version), which JA4 must ignore.
    static let ja4SpecCiphers: [UInt16] = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                           0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
    static let ja4SpecSignatures: [UInt16] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    static var ja4SpecClientHello: [UInt8] {
        let extensions: [[UInt8]] = [
            empty(0x3a3a),  // GREASE
            ext(0x001b, vec8(u16(0x0002))),
            sni(Array("example.com".utf8)),
            ext(0x0033, vec16(u16(0x001d) + vec16(Array(repeating: 7, count: 32)))),
            alpn([Array("h2".utf8), Array("http/1.1".utf8)]),
            ext(0x4469, vec16(vec8(Array("h2".utf8)))),
            empty(0x0017),
            ext(0x002d, vec8([0x01])),
            signatures(ja4SpecSignatures),
            ext(0x0005, [0x01, 0, 0, 0, 0]),
            empty(0x0023),
            empty(0x0012),
            versions([0xdada, 0x0304, 0x0303]),
            ext(0xff01, [0x00]),
            pointFormats([0x00]),
            groups([0x8a8a, 0x001d, 0x0017, 0x0018]),
            empty(0x0015),
            ext(0x2a2a, [0x00]),  // GREASE
        ]
        return clientHello(ciphers: [0x0a0a] + ja4SpecCiphers, extensions: extensions)
    }
}
