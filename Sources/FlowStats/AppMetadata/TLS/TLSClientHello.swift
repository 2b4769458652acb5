// The TLS ClientHello (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 for TLS ≤ 1.2, whose extensions
// block is optional) and the extension fields flowcsv reports or fingerprints: server_name
// (RFC 6066 §3), supported_groups and ec_point_formats (RFC 8422 §5.1), signature_algorithms
// (RFC 8446 §4.2.3), ALPN (RFC 7301 §3.1), supported_versions (RFC 8446 §4.2.1).

/// The fields of one ClientHello, in wire order, GREASE values kept (the fingerprints drop them).
struct TLSClientHello: Sendable, Equatable {
    /// `legacy_version` (the ClientHello's own version field, not the record's).
    var legacyVersion: UInt16 = 0
    /// Cipher suites in wire order.
    var cipherSuites: [UInt16] = []
    /// Extension types in wire order (duplicates kept).
    var extensions: [UInt16] = []
    /// supported_versions (0x002b) values, empty when absent.
    var supportedVersions: [UInt16] = []
    /// The first `host_name` entry of server_name (0x0000), escaped as Zeek's ssl.log writes
    /// it (see ``ZeekLogText/spell(_:)``); nil when there is none.
    var serverName: String?
    /// That entry's raw bytes.
    var serverNameBytes: [UInt8]?
    /// The offered ALPN protocol names, in order.
    var alpn: [[UInt8]] = []
    /// signature_algorithms (0x000d), wire order.
    var signatureAlgorithms: [UInt16] = []
    /// supported_groups (0x000a), wire order.
    var supportedGroups: [UInt16] = []
    /// ec_point_formats (0x000b), wire order.
    var ecPointFormats: [UInt8] = []

    /// Whether the server_name extension is present (whatever its contents).
    var hasServerNameExtension: Bool { extensions.contains(TLSConstants.Extension.serverName) }

    /// Parses one handshake message: type 1, a 3-byte length, the body (what QUIC's CRYPTO
    /// stream carries). `.needMore` until the whole message is present; `.notThisProtocol`
    /// for another message type, a claimed length no ClientHello can have, or a body whose
    /// fields do not fit it. `consumed` = 4 + body length. Extension contents that are
    /// malformed are skipped (the extension still counts in ``extensions``).
    static func parse(message: UnsafeRawBufferPointer) -> ParseProgress<TLSClientHello> {
        guard message.count >= 1 else { return .needMore }
        guard message[0] == TLSConstants.clientHelloType else { return .notThisProtocol }
        guard message.count >= 4 else { return .needMore }
        let bodyLength = Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3])
        guard bodyLength <= TLSConstants.maxClientHelloBody else { return .notThisProtocol }
        guard message.count >= 4 + bodyLength else { return .needMore }
        guard let hello = parseBody(TLSCursor(message, from: 4, to: 4 + bodyLength)) else { return .notThisProtocol }
        return .done(hello, consumed: 4 + bodyLength)
    }

    /// Parses the first ClientHello at the start of a TCP direction (TLS records, see
    /// ``TLSRecordLayer``); `consumed` = the stream offset just past the message. An
    /// SSLv2-compatible ClientHello (first byte with its high bit set) is `.notThisProtocol`:
    /// FoxIO's JA4 and JA3 are defined on TLS handshake records only.
    static func parse(stream: UnsafeRawBufferPointer) -> ParseProgress<TLSClientHello> {
        TLSRecordLayer.firstHandshakeMessage(
            in: stream, type: TLSConstants.clientHelloType, maxBody: TLSConstants.maxClientHelloBody,
            parse: { parse(message: $0) })
    }

    /// Cheap check on the first bytes of a TCP direction (≥ 3): record type 22, version major 3.
    static func looksLikeStart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        TLSRecordLayer.looksLikeStart(bytes)
    }

    /// The body after the 4-byte handshake header; nil when a field runs past the body.
    private static func parseBody(_ body: TLSCursor) -> TLSClientHello? {
        var cursor = body
        var hello = TLSClientHello()
        guard let version = cursor.u16(), cursor.skip(32) else { return nil }
        hello.legacyVersion = version
        guard let sessionID = cursor.vector8(), sessionID.remaining <= 32 else { return nil }
        guard let suites = cursor.vector16(), suites.remaining % 2 == 0 else { return nil }
        hello.cipherSuites = suites.restU16s()
        guard cursor.vector8() != nil else { return nil }  // compression methods
        // TLS ≤ 1.2 may end here (RFC 5246 §7.4.1.2); bytes after the extensions are ignored.
        guard !cursor.isAtEnd else { return hello }
        guard var block = cursor.vector16() else { return nil }
        while !block.isAtEnd {
            guard let type = block.u16(), let data = block.vector16() else { return nil }
            hello.extensions.append(type)
            hello.read(extension: type, data)
        }
        return hello
    }

    /// Fills the field of a known extension from its data, first occurrence only.
    private mutating func read(extension type: UInt16, _ data: TLSCursor) {
        var data = data
        typealias E = TLSConstants.Extension
        switch type {
        case E.serverName where serverNameBytes == nil:
            guard var list = data.vector16() else { return }
            while !list.isAtEnd {
                guard let nameType = list.u8(), let name = list.vector16() else { return }
                if nameType == 0 {
                    let bytes = name.restBytes()
                    serverNameBytes = bytes
                    serverName = ZeekLogText.spell(bytes)
                    return
                }
            }
        case E.alpn where alpn.isEmpty:
            guard var list = data.vector16() else { return }
            var names: [[UInt8]] = []
            while !list.isAtEnd {
                guard let name = list.vector8() else { break }
                names.append(name.restBytes())
            }
            alpn = names
        case E.signatureAlgorithms where signatureAlgorithms.isEmpty:
            if let list = data.vector16() { signatureAlgorithms = list.restU16s() }
        case E.supportedGroups where supportedGroups.isEmpty:
            if let list = data.vector16() { supportedGroups = list.restU16s() }
        case E.ecPointFormats where ecPointFormats.isEmpty:
            if let list = data.vector8() { ecPointFormats = list.restBytes() }
        case E.supportedVersions where supportedVersions.isEmpty:
            if let list = data.vector8() { supportedVersions = list.restU16s() }
        default:
            break
        }
    }
}
