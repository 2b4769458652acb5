// The TLS ServerHello (RFC 8446 §4.1.3; RFC 5246 §7.4.1.3) as far as flowcsv needs it: the
// versions and the chosen cipher. Layout choice as in Zeek's analyzer
// (src/analyzer/protocol/ssl/tls-handshake-protocol.pac, `ServerHelloChoice`): a
// legacy_version of 0x0304 or a TLS 1.3 draft (0x7Fxx) means the early TLS 1.3 layout
// without session id and compression method; anything else the classic layout.

/// The fields of one ServerHello (or HelloRetryRequest).
struct TLSServerHello: Sendable, Equatable {
    /// `legacy_version`.
    var legacyVersion: UInt16 = 0
    /// The supported_versions (0x002b) value, when the extension is present with one value.
    var selectedVersion: UInt16?
    /// The chosen cipher suite.
    var cipher: UInt16 = 0
    /// Extension types in wire order.
    var extensions: [UInt16] = []
    /// Whether this is a HelloRetryRequest (the special random of RFC 8446 §4.1.3). Its
    /// supported_versions value is the negotiated version all the same, as in Zeek (which
    /// takes the version from supported_versions whatever the random).
    var isHelloRetryRequest = false

    /// The negotiated version: supported_versions' value if present, else legacy_version.
    var negotiatedVersion: UInt16 { selectedVersion ?? legacyVersion }

    /// Parses the first ServerHello at the start of the server's TCP direction (TLS records,
    /// see ``TLSRecordLayer``). `.needMore` until the message is complete (it need not wait
    /// for the rest of its record); `.notThisProtocol` when the first handshake message is
    /// not a ServerHello or does not fit its length. `consumed` = the stream offset just past
    /// the message. For a HelloRetryRequest this returns the HelloRetryRequest.
    static func parse(stream: UnsafeRawBufferPointer) -> ParseProgress<TLSServerHello> {
        TLSRecordLayer.firstHandshakeMessage(
            in: stream, type: TLSConstants.serverHelloType, maxBody: TLSConstants.maxServerHelloBody,
            parse: { parse(message: $0) })
    }

    /// Parses one handshake message of type 2 (header and body); `consumed` = 4 + body length.
    static func parse(message: UnsafeRawBufferPointer) -> ParseProgress<TLSServerHello> {
        guard message.count >= 1 else { return .needMore }
        guard message[0] == TLSConstants.serverHelloType else { return .notThisProtocol }
        guard message.count >= 4 else { return .needMore }
        let bodyLength = Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3])
        guard bodyLength <= TLSConstants.maxServerHelloBody else { return .notThisProtocol }
        guard message.count >= 4 + bodyLength else { return .needMore }
        guard let hello = parseBody(TLSCursor(message, from: 4, to: 4 + bodyLength)) else { return .notThisProtocol }
        return .done(hello, consumed: 4 + bodyLength)
    }

    private static func parseBody(_ body: TLSCursor) -> TLSServerHello? {
        var cursor = body
        var hello = TLSServerHello()
        guard let version = cursor.u16(), let random = cursor.sub(32) else { return nil }
        hello.legacyVersion = version
        hello.isHelloRetryRequest = random.restBytes() == TLSConstants.helloRetryRequestRandom
        let earlyTLS13Layout = version == 0x0304 || version >> 8 == 0x7F
        if !earlyTLS13Layout {
            guard let sessionID = cursor.vector8(), sessionID.remaining <= 32 else { return nil }
        }
        guard let cipher = cursor.u16() else { return nil }
        hello.cipher = cipher
        if !earlyTLS13Layout {
            guard cursor.u8() != nil else { return nil }  // compression method
        }
        guard !cursor.isAtEnd else { return hello }
        guard var block = cursor.vector16() else { return nil }
        while !block.isAtEnd {
            guard let type = block.u16(), var data = block.vector16() else { return nil }
            hello.extensions.append(type)
            if type == TLSConstants.Extension.supportedVersions, hello.selectedVersion == nil,
               data.remaining == 2, let selected = data.u16() {
                hello.selectedVersion = selected
            }
        }
        return hello
    }
}
