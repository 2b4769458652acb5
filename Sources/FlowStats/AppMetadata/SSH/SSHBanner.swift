// The SSH identification string (RFC 4253 §4.2: `SSH-protoversion-softwareversion
// [SP comments] CR LF`; the server MAY send other lines before it), as Zeek's ssh analyzer
// takes it (zeek src/analyzer/protocol/ssh/ssh-protocol.pac `SSH_Version_Client` /
// `SSH_Version_Server`, one `&oneline` line each; binpac ends a line at CR, LF or CR LF):
// the client's first line must start with `SSH-` (case-sensitive); the server's lines before
// the one starting with `SSH-` are skipped (trace ssh/server-pre-banner-data.pcap), at most
// ``SSHBanner/maxLinesBefore`` of them within ``SSHBanner/maxSearchBytes``. The value is the
// line without its end, as ssh.log `client` / `server` prints it (``ZeekLogText``:
// non-printable bytes as `\xHH`). SSH-1.x banners (`SSH-1.5-…`, `SSH-1.99-…`) count too.

enum SSHBanner {
    /// How far the search for the banner goes: at most this many bytes …
    static let maxSearchBytes = 8 * 1024
    /// … and this many lines before the banner.
    static let maxLinesBefore = 50

    /// The banner and where the line after it starts. With `allowLinesBefore` false (a
    /// client stream) the first line must be the banner.
    static func parse(stream: UnsafeRawBufferPointer, allowLinesBefore: Bool = true) -> ParseProgress<String> {
        switch locate(stream: stream, allowLinesBefore: allowLinesBefore) {
        case .needMore: return .needMore
        case .notThisProtocol: return .notThisProtocol
        case .done(let range, let consumed):
            return .done(ZeekLogText.spell(UnsafeRawBufferPointer(rebasing: stream[range])), consumed: consumed)
        }
    }

    /// Where the banner is (without its line end) and where the next line starts.
    static func locate(stream: UnsafeRawBufferPointer, allowLinesBefore: Bool) -> ParseProgress<Range<Int>> {
        let limit = min(stream.count, maxSearchBytes)
        var position = 0
        var linesBefore = 0
        while position < limit {
            // The line (or what there is of it) still starts like "SSH-" (case-sensitive).
            let mayBeBanner = startsLikeSSH(stream, position, limit)
            if !mayBeBanner && !allowLinesBefore { return .notThisProtocol }
            guard let line = stream.textLine(from: position, limit: limit), !line.endsAtTrailingCR else {
                return stream.count >= maxSearchBytes ? .notThisProtocol : .needMore
            }
            if mayBeBanner && line.end - line.start >= 4 {
                return .done(line.start..<line.end, consumed: line.next)
            }
            if !allowLinesBefore { return .notThisProtocol }
            linesBefore += 1
            if linesBefore > maxLinesBefore { return .notThisProtocol }
            position = line.next
        }
        return stream.count >= maxSearchBytes ? .notThisProtocol : .needMore
    }

    /// Whether the bytes from `position` (at most 4, fewer when the stream ends) agree with
    /// "SSH-", case-sensitively as binpac's `RE/SSH-.*/`.
    private static func startsLikeSSH(_ stream: UnsafeRawBufferPointer, _ position: Int, _ limit: Int) -> Bool {
        let text: [UInt8] = [0x53, 0x53, 0x48, 0x2D]
        let end = min(limit, position + 4)
        for index in position..<end where stream[index] != text[index - position] { return false }
        return true
    }
}
