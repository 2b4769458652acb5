// The head of the first HTTP/1.x request in a client stream, read as Zeek's HTTP analyzer
// reads it (zeek src/analyzer/protocol/http/HTTP.cc `HTTP_RequestLine`, `ParseRequest`,
// `unescape_URI`; scripts/base/protocols/http/main.zeek for what http.log keeps):
// - empty lines before the request line are skipped; the first other line must be
//   `method SP… rest`, the method any run of HTTP token characters (RFC 2616), else the
//   stream is not HTTP;
// - the URI is everything between the method and the last blank run before `HTTP/`
//   (Zeek's scan, so `CONNECT host:25 / HTTP/1.0` gives `host:25 /`); empty when the target
//   is missing (`OPTIONS  HTTP/1.0`); a line without `HTTP/` is HTTP/0.9 and needs a method
//   of at least 3 characters and a non-empty URI (Zeek still reads the lines after it as
//   headers: http/methods.pcap's `GET /HTTP/1.1` logs its Host); the URI is percent-decoded
//   as `unescape_URI` does (``ZeekURIUnescape``);
// - headers as ``HTTPHeaderBlock`` reads them; the LAST `Host` / `User-Agent` header wins
//   (http/main.zeek assigns the field on every one);
// - the strings are Zeek's log text (``ZeekLogText``): bytes Zeek would print `\xHH` are
//   written so; a missing Host / User-Agent and an empty one are both "".

/// The first request's head.
struct HTTPRequestHead: Equatable, Sendable {
    /// The method as sent (Zeek's http.log `method`).
    var method: String
    /// The unescaped URI (http.log `uri`); "" for an empty target.
    var uri: String
    /// The Host header verbatim, port included (http.log `host`); "" when absent.
    var host: String
    /// The User-Agent header (http.log `user_agent`); "" when absent.
    var userAgent: String
    /// The method is CONNECT. Zeek compares `strncasecmp(method, "CONNECT", method length)`,
    /// so any case-insensitive prefix of CONNECT counts; kept as Zeek has it.
    var isConnect: Bool
    /// Whether the request line had no `HTTP/` version (HTTP/0.9).
    var isHTTP09: Bool
    /// Bytes of the stream up to the end of the head.
    var length: Int

    /// The most head bytes looked at (the lead's per-direction buffer).
    static let maxHeadBytes = 16 * 1024

    /// Parses the first request head in `stream`. `final` says no more bytes will come
    /// (stream closed or buffer full): a head whose headers are not finished is then returned
    /// with the headers seen so far, as Zeek logs them, instead of `needMore`. With `values`
    /// false the answer is the same but the strings are left empty (``FeatureOptions/appValues``).
    static func parse(stream: UnsafeRawBufferPointer, final: Bool = false, values: Bool = true) -> ParseProgress<HTTPRequestHead> {
        let limit = min(stream.count, maxHeadBytes)
        let isFinal = final || stream.count >= maxHeadBytes
        var position = 0
        var requestLine: TextLine?
        while position < limit {
            guard let line = stream.textLine(from: position, limit: limit) else {
                // Reject early when the partial line can no longer become a request line.
                if !couldStartRequestLine(stream, from: position, end: limit) { return .notThisProtocol }
                return isFinal ? .notThisProtocol : .needMore
            }
            if !line.isEmpty { requestLine = line; break }
            if line.endsAtTrailingCR { return isFinal ? .notThisProtocol : .needMore }
            position = line.next
        }
        guard let line = requestLine else { return isFinal ? .notThisProtocol : .needMore }
        guard let parts = parseRequestLine(stream, line) else { return .notThisProtocol }
        let headers = HTTPHeaderBlock.scan(stream, from: line.next, limit: limit, keepValues: values)
        let end: Int
        if let finished = headers.end {
            end = finished
        } else if isFinal {
            end = stream.count > limit ? headers.partialEnd : stream.count
        } else {
            return .needMore
        }
        // The strings only once the head is complete (a head split over segments is re-read).
        let methodBytes = UnsafeRawBufferPointer(rebasing: stream[parts.method])
        guard values else {
            return .done(HTTPRequestHead(method: "", uri: "", host: "", userAgent: "", isConnect: isConnectMethod(methodBytes),
                                         isHTTP09: parts.isHTTP09, length: end), consumed: end)
        }
        let uri = ZeekURIUnescape.unescape(UnsafeRawBufferPointer(rebasing: stream[parts.uri]))
        let head = HTTPRequestHead(method: ZeekLogText.spell(methodBytes), uri: ZeekLogText.spell(uri),
                                   host: headers.host ?? "", userAgent: headers.userAgent ?? "",
                                   isConnect: isConnectMethod(methodBytes), isHTTP09: parts.isHTTP09, length: end)
        return .done(head, consumed: end)
    }

    /// The pieces of a request line, as byte ranges of the stream.
    struct RequestLineParts {
        var method: Range<Int>
        var uri: Range<Int>
        var isHTTP09: Bool
    }

    /// Zeek's `HTTP_RequestLine` + `ParseRequest` on one line; nil when Zeek rejects it.
    static func parseRequestLine(_ stream: UnsafeRawBufferPointer, _ line: TextLine) -> RequestLineParts? {
        let end = line.end
        var endOfMethod = line.start
        while endOfMethod < end, isTokenCharacter(stream[endOfMethod]) { endOfMethod += 1 }
        guard endOfMethod > line.start else { return nil }
        let rest = stream.skipBlanks(from: endOfMethod, end: end)
        guard rest > endOfMethod else { return nil }

        // ParseRequest: the URI first runs over URI characters …
        var endOfURI = rest
        while endOfURI < end, isURICharacter(stream[endOfURI]) { endOfURI += 1 }
        if endOfURI >= end && stream.hasPrefix("HTTP/", at: rest, end: end) {
            endOfURI = rest  // "missing_HTTP_uri": leave the URI empty
        }
        // … then on to the blank run before "HTTP/" (Zeek's loop, step for step).
        var versionStart = endOfURI
        var foundVersion = false
        while versionStart < end {
            endOfURI = versionStart
            versionStart = stream.skipBlanks(from: versionStart, end: end)
            if stream.hasPrefix("HTTP/", at: versionStart, end: end) { foundVersion = true; break }
            versionStart += 1
        }
        let isHTTP09 = !foundVersion
        if isHTTP09 {
            // Zeek: minimally a 3-character method and a URI.
            guard endOfMethod - line.start >= 3, endOfURI > rest else { return nil }
        }
        return RequestLineParts(method: line.start..<endOfMethod, uri: rest..<max(rest, endOfURI), isHTTP09: isHTTP09)
    }

    /// HTTP token characters (Zeek `is_HTTP_token_char`, RFC 2616 separators excluded).
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        guard byte > 31 && byte < 127 else { return false }
        switch byte {
        case 0x20, 0x09, 0x28, 0x29, 0x3C, 0x3E, 0x40, 0x2C, 0x3B, 0x3A, 0x5C, 0x22, 0x2F, 0x5B, 0x5D, 0x3F, 0x3D,
             0x7B, 0x7D:
            return false
        default:
            return true
        }
    }

    /// Zeek's URI characters: RFC 3986 reserved and unreserved ones and '%'. NUL counts too
    /// (Zeek tests with `strchr`, which finds the terminator).
    static func isURICharacter(_ byte: UInt8) -> Bool { uriCharacters[Int(byte)] }

    private static let uriCharacters: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in Array(":/?#[]@!$&'()*+,;=-_.~%".utf8) + Array(0x30...0x39) + Array(0x41...0x5A) + Array(0x61...0x7A) {
            table[Int(byte)] = true
        }
        table[0] = true
        return table
    }()

    /// Zeek's CONNECT test: `strncasecmp(method, "CONNECT", method length) == 0`.
    static func isConnectMethod(_ method: UnsafeRawBufferPointer) -> Bool {
        method.count <= 7 && method.isPrefix(of: "CONNECT", at: 0)
    }

    /// Whether the bytes from `from` (no line end yet) can still become a request line:
    /// token characters, then (once a non-token byte came) a blank.
    static func couldStartRequestLine(_ stream: UnsafeRawBufferPointer, from: Int, end: Int) -> Bool {
        var index = from
        while index < end, isTokenCharacter(stream[index]) { index += 1 }
        if index == end { return true }
        return index > from && (stream[index] == 0x20 || stream[index] == 0x09)
    }

    /// A cheap look at a client stream's start: Zeek's `dpd_http_client` signature
    /// (`^[[:space:]]*(OPTIONS|GET|HEAD|POST|…)`, scripts/base/protocols/http/dpd.sig).
    static func looksLikeRequest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = bytes.skipSpaces(from: 0, end: bytes.count)
        return dpdMethods.contains { method in
            method.withUTF8Buffer { m in
                guard start + m.count <= bytes.count else { return false }
                for index in 0..<m.count where bytes[start + index] != m[index] { return false }
                return true
            }
        }
    }

    /// The methods of Zeek's `dpd_http_client` signature.
    static let dpdMethods: [StaticString] = [
        "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "QUERY", "ACL", "BASELINE-CONTROL", "BIND", "CHECKIN",
        "CHECKOUT", "CONNECT", "COPY", "LABEL", "LINK", "LOCK", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL",
        "MKREDIRECTREF", "MOVE", "ORDERPATCH", "PATCH", "PROPFIND", "PROPPATCH", "REBIND", "REPORT", "SEARCH",
        "TRACE", "UNBIND", "UNCHECKOUT", "UNLINK", "UNLOCK", "UPDATE", "VERSION-CONTROL", "BCOPY", "BDELETE", "BMOVE",
        "BPROPFIND", "BPROPPATCH", "NOTIFY", "POLL", "SUBSCRIBE", "UNSUBSCRIBE", "X-MS-ENUMATTS", "MKWORKSPACE",
        "RPC_IN_DATA", "RPC_OUT_DATA",
    ]
}
