// JA4 and JA3 on hand-built ClientHellos: the JA4 specification's worked example
// (FoxIO-LLC/ja4 technical_details/JA4.md), the JA3 README's test vectors (salesforce/ja3, as
// quoted in docs/app-metadata.md), and the rules around them. Hash values not given by those
// documents were computed with python3's hashlib from the strings shown next to them.

@testable import FlowStats
import Testing

private typealias B = TLSBytes

private func parsed(_ message: [UInt8]) throws -> TLSClientHello {
    try #require(message.withUnsafeBytes { TLSClientHello.parse(message: $0) }.value)
}

@Suite struct JA4Tests {
    @Test func specificationWorkedExample() throws {
        let hello = try parsed(B.ja4SpecClientHello)
        #expect(JA4.fingerprint(hello, transport: .tcp) == "t13d1516h2_8daaf6152771_e5627efa2ab1")
        #expect(JA4.raw(hello, transport: .tcp) == "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601")
        #expect(JA4.fingerprint(hello, transport: .quic) == "q13d1516h2_8daaf6152771_e5627efa2ab1")
        #expect(JA4.fingerprint(hello, transport: .dtls).hasPrefix("d13d1516h2_"))
    }

    /// JA4.md: with no signature algorithms the string ends without `_`: "0005,…,ff01 = 6d807ffa2a79".
    @Test func specificationExampleWithoutSignatureAlgorithms() throws {
        let order: [UInt16] = [0x0005, 0x000a, 0x000b, 0x000d, 0x0012, 0x0015, 0x0017, 0x001b, 0x0023, 0x002b, 0x002d, 0x0033, 0x4469, 0xff01]
        let hello = try parsed(B.clientHello(ciphers: [0x1301], extensions: order.reversed().map { $0 == 0x000d ? B.signatures([]) : B.empty($0) }))
        #expect(JA4.fingerprint(hello, transport: .tcp).hasSuffix("_6d807ffa2a79"))
    }

    @Test func minimalHelloAndEmptyLists() throws {
        // No extensions: version from legacy_version, `i`, ALPN 00, c = zeros.
        // sha256("0004")[:12] = 0591b59c1bdd.
        var hello = try parsed(B.clientHello(version: 0x0301, ciphers: [0x0004], extensions: nil))
        #expect(JA4.fingerprint(hello, transport: .tcp) == "t10i010000_0591b59c1bdd_000000000000")
        #expect(JA4.raw(hello, transport: .tcp) == "t10i010000_0004_")
        // No ciphers (only GREASE): b = zeros, count 00; extensions SNI + ALPN only, no sig algs → c = zeros.
        hello = try parsed(B.clientHello(ciphers: [0x2a2a], extensions: [B.sni(Array("x".utf8)), B.alpn([Array("h2".utf8)])]))
        #expect(JA4.fingerprint(hello, transport: .tcp) == "t12d0002h2_000000000000_000000000000")
        // Signature algorithms but no other extension: c hashes "_0403"… here with 4 others.
        // sha256("000a,000b,000d,0017_0403")[:12] = 1ffa2a9f14b6; sha256("0004,0005,000a")[:12] = 53b29befa235.
        hello = try parsed(B.clientHello(ciphers: [0x000a, 0x0005, 0x0004],
                                         extensions: [B.empty(0x0017), B.signatures([0x0403]), B.groups([0x1d]), B.pointFormats([0])]))
        #expect(JA4.fingerprint(hello, transport: .tcp) == "t12i030400_53b29befa235_1ffa2a9f14b6")
    }

    @Test func countsAreCappedAt99() throws {
        // 120 ciphers 0x0001…0x0078; sha256 of their sorted list = 0f8860b09f90.
        let ciphers = (1...120).map { UInt16($0) }
        let extensions = (0..<120).map { B.empty(UInt16(0x1000 + $0)) }
        let hello = try parsed(B.clientHello(ciphers: ciphers, extensions: extensions))
        let fingerprint = JA4.fingerprint(hello, transport: .tcp)
        #expect(fingerprint.hasPrefix("t12i999900_0f8860b09f90_"))
    }

    @Test func versionChoice() throws {
        func code(legacy: UInt16 = 0x0303, _ versions: [UInt16]?) throws -> String {
            let extensions = versions.map { [B.versions($0)] } ?? []
            return JA4.versionCode(try parsed(B.clientHello(version: legacy, ciphers: [0x1301], extensions: extensions)))
        }
        #expect(try code(nil) == "12")
        #expect(try code(legacy: 0x0300, nil) == "s3")
        #expect(try code(legacy: 0x0002, nil) == "s2")
        #expect(try code(legacy: 0x0305, nil) == "00")
        #expect(try code([0x0a0a, 0x0304, 0x0303]) == "13")
        #expect(try code([0x0302, 0x0301]) == "11")
        #expect(try code(legacy: 0x0301, [0x0301]) == "10")
        #expect(try code([0x1a1a]) == "12")  // only GREASE: legacy_version
        #expect(try code([0x7f1c, 0x0304]) == "00")  // FoxIO: numerically highest, a draft
        #expect(try code(legacy: 0xfefd, [0xfefd, 0xfefc]) == "d3")
        #expect(try code(legacy: 0xfeff, nil) == "d1")
        #expect(try code(legacy: 0xfefd, nil) == "d2")
    }

    @Test func alpnCharacters() throws {
        func chars(_ names: [[UInt8]]?) throws -> String {
            let extensions = names.map { [B.alpn($0)] } ?? []
            return JA4.alpnCharacters(try parsed(B.clientHello(ciphers: [0x1301], extensions: extensions)))
        }
        #expect(try chars(nil) == "00")
        #expect(try chars([]) == "00")
        #expect(try chars([[]]) == "00")
        #expect(try chars([Array("http/1.1".utf8), Array("h2".utf8)]) == "h1")
        #expect(try chars([Array("h2".utf8)]) == "h2")
        #expect(try chars([Array("h3-29".utf8)]) == "h9")
        #expect(try chars([Array("spdy/3".utf8)]) == "s3")
        #expect(try chars([Array("h".utf8)]) == "hh")  // the specification's single-character rule
        #expect(try chars([[0xff, 0x61]]) == "9a")  // non-ASCII → 9, as FoxIO's programs
        #expect(try chars([[0xab, 0xcd]]) == "99")
        #expect(try chars([[0xc3, 0xa9]]) == "99")  // é: one character, first and last
        #expect(try chars([[0x61, 0x01]]) == "a9")  // control character
    }

    @Test func sniFlagIsTheExtensionsPresence() throws {
        // FoxIO: `d` when the server_name extension is there, even with an IP-looking or
        // unreadable name; `i` without it.
        var hello = try parsed(B.clientHello(ciphers: [0x1301], extensions: [B.sni(Array("192.0.2.1".utf8))]))
        #expect(JA4.fingerprint(hello, transport: .tcp).hasPrefix("t12d0101"))
        hello = try parsed(B.clientHello(ciphers: [0x1301], extensions: [B.ext(0x0000, [])]))
        #expect(hello.serverName == nil && JA4.fingerprint(hello, transport: .tcp).hasPrefix("t12d0101"))
        hello = try parsed(B.clientHello(ciphers: [0x1301], extensions: [B.empty(0x0017)]))
        #expect(JA4.fingerprint(hello, transport: .tcp).hasPrefix("t12i0101"))
    }
}

@Suite struct JA3Tests {
    /// README vector 1, with GREASE values added (cipher, extension, group) that JA3 drops.
    @Test func readmeVectorOne() throws {
        let hello = try parsed(B.clientHello(
            version: 0x0301, ciphers: [0x0a0a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
            extensions: [B.sni(Array("example.org".utf8)), B.empty(0xfafa), B.groups([0x4a4a, 23, 24, 25]), B.pointFormats([0])]))
        #expect(JA3.string(hello) == "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0")
        #expect(JA3.hash(hello) == "ada70206e40642a3e4461f35503241d5")
    }

    /// README vector 2: no extensions at all.
    @Test func readmeVectorTwo() throws {
        let hello = try parsed(B.clientHello(version: 0x0301, ciphers: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99], extensions: nil))
        #expect(JA3.string(hello) == "769,4-5-10-9-100-98-3-6-19-18-99,,,")
        #expect(JA3.hash(hello) == "de350869b8c85de67a350c8d186f11e6")
    }

    @Test func greaseDetection() {
        let grease: [UInt16] = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
                                0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa]
        let count = (0...0xFFFF).filter { TLSConstants.isGrease(UInt16($0)) }.count
        #expect(count == 16)
        #expect(grease.allSatisfy(TLSConstants.isGrease))
        #expect(!TLSConstants.isGrease(0x0a1a) && !TLSConstants.isGrease(0x1a0a))
    }
}
