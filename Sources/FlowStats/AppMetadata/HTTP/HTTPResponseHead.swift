// The first final response head in a server stream, read as Zeek's HTTP analyzer reads it
// (zeek src/analyzer/protocol/http/HTTP.cc `HTTP_ReplyLine`, `HTTP_ReplyCode`,
// `ExpectReplyMessageBody`; scripts/base/protocols/http/main.zeek: 1xx codes other than 101
// are interim and do not become `status_code`):
// - empty lines before a status line are skipped; the status line must start with `HTTP/`
//   (any case), then after the first blank run three characters: the code when they are
//   digits, else 0 (Zeek logs that 0; the comparison skips it). A line that is not a status
//   line (an HTTP/0.9 reply, HTML without a head) → not this protocol;
// - the head's header lines run to the empty line (``HTTPHeaderBlock``); an interim 1xx head
//   has no body, so the next status line follows it; 101 Switching Protocols is final.

/// The first final response's head.
struct HTTPResponseHead: Equatable, Sendable {
    /// The status code (0 when the status line's code was not three digits).
    var status: Int
    /// Bytes of the stream up to the end of that head (interim heads included).
    var length: Int

    /// Parses the stream's responses up to the first final one. `final` as in
    /// ``HTTPRequestHead/parse(stream:final:)``: an unfinished final head is then returned.
    static func parseFinal(stream: UnsafeRawBufferPointer, final: Bool = false) -> ParseProgress<HTTPResponseHead> {
        let limit = min(stream.count, HTTPRequestHead.maxHeadBytes)
        let isFinal = final || stream.count >= HTTPRequestHead.maxHeadBytes
        var position = 0
        while position < limit {
            guard let line = stream.textLine(from: position, limit: limit) else {
                if !stream.isPrefix(of: "HTTP/", at: position, end: limit) { return .notThisProtocol }
                return isFinal ? .notThisProtocol : .needMore
            }
            if line.isEmpty {
                if line.endsAtTrailingCR { break }
                position = line.next
                continue
            }
            guard let status = statusCode(stream, line) else { return .notThisProtocol }
            let headers = HTTPHeaderBlock.scan(stream, from: line.next, limit: limit, keepValues: false)
            let isInterim = status >= 100 && status < 200 && status != 101
            guard let end = headers.end else {
                if isFinal && !isInterim { return .done(HTTPResponseHead(status: status, length: stream.count),
                                                        consumed: min(stream.count, limit)) }
                return isFinal ? .notThisProtocol : .needMore
            }
            if isInterim {
                position = end
                continue
            }
            return .done(HTTPResponseHead(status: status, length: end), consumed: end)
        }
        return isFinal ? .notThisProtocol : .needMore
    }

    /// Zeek's `HTTP_ReplyLine` on one line: the code (0 when not three digits), or nil when
    /// the line is not a status line.
    static func statusCode(_ stream: UnsafeRawBufferPointer, _ line: TextLine) -> Int? {
        let end = line.end
        guard stream.hasPrefix("HTTP/", at: line.start, end: end) else { return nil }
        var index = line.start + 5
        while index < end, stream[index] != 0x20 && stream[index] != 0x09 { index += 1 }
        guard index < end else { return nil }  // HTTP_reply_code_missing
        index = stream.skipBlanks(from: index, end: end)
        guard index + 3 <= end else { return nil }
        let a = stream[index], b = stream[index + 1], c = stream[index + 2]
        guard isASCIIDigit(a), isASCIIDigit(b), isASCIIDigit(c) else { return 0 }
        return Int(a - 0x30) * 100 + Int(b - 0x30) * 10 + Int(c - 0x30)
    }

    /// A cheap look at a server stream's start: Zeek's `dpd_http_server` signature
    /// (`^[hH][tT][tT][pP]/[0-9]`).
    static func looksLikeResponse(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 6 && bytes.hasPrefix("HTTP/", at: 0) && isASCIIDigit(bytes[5])
    }
}
