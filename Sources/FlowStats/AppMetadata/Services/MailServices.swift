// `smtp`, `ftp`, `pop3`, `imap` in conn.log `service`, and their TLS upgrades, by content.
// - smtp: server `^[[:space:]]*220[[:space:]-]`, client line `[[:space:]]*(HELO|EHLO)`
//   (scripts/base/protocols/smtp/dpd.sig); the analyzer confirms on the first client
//   command (src/analyzer/protocol/smtp/SMTP.cc `RequestEvent`). STARTTLS → 220 → TLS.
// - ftp: server greeting `[\n\r ]*(120|220)[^0-9]`, client `USER ` (ftp/dpd.sig; Zeek also
//   wants a 230/331 reply, and attaches FTP to port 21 without the signature, which is how
//   an `AUTH TLS` session gets `ftp,ssl`): here a client line `USER ` or a first command
//   from ``ftpCommands`` (ftp/ftp-auth-tls.pcap opens with FEAT). FTP.cc confirms on any
//   valid command. AUTH TLS/SSL → 234 → TLS (RFC 4217).
// - pop3: server `^\+OK`, client line `[[:space:]]*(USER\s|APOP\s|CAPA|AUTH|STLS)`
//   (pop3/dpd.sig). STLS → +OK → TLS (RFC 2595).
// - imap: Zeek has no IMAP signature (port 143 only); its analyzer confirms on the server's
//   `* OK` (src/analyzer/protocol/imap/imap-analyzer.pac). Here: server `* OK` and a client
//   line `tag command`. `tag STARTTLS` → `tag OK` → TLS (RFC 3501 §6.2.1).
// The server's TLS start is taken where a TLS record (16 03 0x) begins right after the
// positive reply line, so that replies need not be paired with commands.

enum MailServices {
    /// How much of each stream the line scans look at, and how many lines.
    static let scanBytes = 4096
    static let scanLines = 64

    /// The complete lines in the first ``scanBytes`` bytes.
    static func lines(_ bytes: UnsafeRawBufferPointer) -> [TextLine] {
        var result: [TextLine] = []
        var position = 0
        let limit = min(bytes.count, scanBytes)
        while result.count < scanLines, let line = bytes.textLine(from: position, limit: limit) {
            result.append(line)
            position = line.next
        }
        return result
    }

    /// Whether the line (after `isspace` bytes) starts with `word`, ignoring case.
    static func line(_ bytes: UnsafeRawBufferPointer, _ line: TextLine, startsWith word: StaticString) -> Bool {
        let start = bytes.skipSpaces(from: line.start, end: line.end)
        return bytes.hasPrefix(word, at: start, end: line.end)
    }

    /// Whether the line's first word is `word` (then the end or a blank).
    static func line(_ bytes: UnsafeRawBufferPointer, _ line: TextLine, isCommand word: StaticString) -> Bool {
        let start = bytes.skipBlanks(from: line.start, end: line.end)
        guard bytes.hasPrefix(word, at: start, end: line.end) else { return false }
        let after = start + word.utf8CodeUnitCount
        return after == line.end || bytes[after] == 0x20 || bytes[after] == 0x09
    }

    /// Where TLS starts in the server stream: right after a line that `isPositive` accepts,
    /// at a TLS record header. `.needMore` when such a line ends the bytes so far.
    static func serverTLSStart(_ server: UnsafeRawBufferPointer, skipFirstLine: Bool,
                               _ isPositive: (TextLine) -> Bool) -> ParseProgress<Int> {
        var position = 0
        var index = 0
        let limit = min(server.count, HTTPRequestHead.maxHeadBytes)
        while index < 256, let line = server.textLine(from: position, limit: limit) {
            defer { position = line.next; index += 1 }
            if skipFirstLine && index == 0 { continue }
            guard isPositive(line) else { continue }
            if line.next + 3 > server.count { return .needMore }
            if server[line.next] == 0x16, server[line.next + 1] == 0x03, server[line.next + 2] <= 0x04 {
                return .done(line.next, consumed: line.next)
            }
        }
        return .notThisProtocol
    }

    /// The verdict once the protocol is known: looks for the upgrade command in the client's
    /// lines and the TLS start in the server's.
    static func confirmed(_ name: String, _ pair: StreamPair, clientLines: [TextLine],
                          isUpgrade: (TextLine) -> Bool, skipGreeting: Bool,
                          isPositive: (TextLine) -> Bool) -> ServiceVerdict {
        guard let upgrade = clientLines.first(where: isUpgrade) else {
            return .yes(name, inner: nil, settled: pair.clientDone || pair.client.count >= scanBytes)
        }
        switch serverTLSStart(pair.server, skipFirstLine: skipGreeting, isPositive) {
        case .done(let offset, _):
            return .yes(name, inner: InnerStreamStart(clientOffset: upgrade.next, serverOffset: offset, kind: .startTLS),
                        settled: true)
        case .needMore:
            return .yes(name, inner: nil, settled: pair.serverDone)
        case .notThisProtocol:
            return .yes(name, inner: nil, settled: pair.serverDone || pair.server.count >= HTTPRequestHead.maxHeadBytes)
        }
    }

    /// Whether the server start is (or, short and unfinished, could become) `^\s*220[\s-]`-like.
    private static func greeting(_ server: UnsafeRawBufferPointer, codes: [StaticString], skip: (UInt8) -> Bool,
                                 isEnd: (UInt8) -> Bool) -> Bool? {
        var start = 0
        while start < server.count, skip(server[start]) { start += 1 }
        let rest = server.count - start
        if rest < 4 {
            let could = codes.contains { code in rest == 0 || server.isPrefix(of: code, at: start) }
            return could ? nil : false
        }
        return codes.contains { server.hasPrefix($0, at: start) } && isEnd(server[start + 3])
    }

    static func smtp(_ pair: StreamPair) -> ServiceVerdict {
        let greets = greeting(pair.server, codes: ["220"], skip: isCSpace) { isCSpace($0) || $0 == 0x2D }
        if greets == false { return .no }
        let clientLines = lines(pair.client)
        let hello = clientLines.contains { line(pair.client, $0, startsWith: "HELO") || line(pair.client, $0, startsWith: "EHLO") }
        guard greets == true, hello else {
            let clientMore = !hello && !pair.clientDone && pair.client.count < scanBytes
            return (greets == nil && !pair.serverDone) || clientMore ? .maybe : .no
        }
        return confirmed("smtp", pair, clientLines: clientLines,
                         isUpgrade: { line(pair.client, $0, isCommand: "STARTTLS") }, skipGreeting: true,
                         isPositive: { pair.server.hasPrefix("220", at: $0.start, end: $0.end) })
    }

    static func ftp(_ pair: StreamPair) -> ServiceVerdict {
        let greets = greeting(pair.server, codes: ["120", "220"], skip: { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 }) {
            !isASCIIDigit($0)
        }
        if greets == false { return .no }
        let clientLines = lines(pair.client).filter { $0.start < $0.end }
        let user = clientLines.contains { line(pair.client, $0, isCommand: "USER") }
        let auth = clientLines.first.map { first in ftpCommands.contains { line(pair.client, first, isCommand: $0) } } ?? false
        guard greets == true, user || auth else {
            let clientMore = !(user || auth) && !pair.clientDone && pair.client.count < scanBytes
            return (greets == nil && !pair.serverDone) || clientMore ? .maybe : .no
        }
        let isAuthTLS: (TextLine) -> Bool = { line in
            let start = pair.client.skipBlanks(from: line.start, end: line.end)
            guard pair.client.hasPrefix("AUTH", at: start, end: line.end) else { return false }
            let argument = pair.client.skipBlanks(from: start + 4, end: line.end)
            guard argument > start + 4 else { return false }
            return pair.client.hasPrefix("TLS", at: argument, end: line.end)
                || pair.client.hasPrefix("SSL", at: argument, end: line.end)
        }
        return confirmed("ftp", pair, clientLines: clientLines, isUpgrade: isAuthTLS, skipGreeting: true,
                         isPositive: { pair.server.hasPrefix("234", at: $0.start, end: $0.end) })
    }

    /// FTP commands (RFC 959, 2228, 2389, 2428, 3659, 4217) a client may open with.
    static let ftpCommands: [StaticString] = [
        "USER", "AUTH", "FEAT", "SYST", "OPTS", "HELP", "NOOP", "PASS", "ACCT", "CWD", "PWD", "TYPE", "PORT", "PASV",
        "EPRT", "EPSV", "LIST", "NLST", "RETR", "STOR", "SITE", "STAT", "PBSZ", "PROT", "CLNT", "LANG", "MLSD", "SIZE",
    ]

    static func pop3(_ pair: StreamPair) -> ServiceVerdict {
        let server = pair.server
        if server.count < 3 { return !pair.serverDone && server.isPrefix(of: "+OK", at: 0) ? .maybe : .no }
        guard server.hasPrefix("+OK", at: 0, ignoringCase: false) else { return .no }
        let clientLines = lines(pair.client)
        let command = clientLines.contains { l in
            let start = pair.client.skipSpaces(from: l.start, end: l.end)
            func word(_ w: StaticString, space: Bool) -> Bool {
                guard pair.client.hasPrefix(w, at: start, end: l.end) else { return false }
                let after = start + w.utf8CodeUnitCount
                return !space || (after < l.end && isCSpace(pair.client[after])) || (after == l.end)
            }
            return word("USER", space: true) || word("APOP", space: true) || word("CAPA", space: false)
                || word("AUTH", space: false) || word("STLS", space: false)
        }
        guard command else { return !pair.clientDone && pair.client.count < scanBytes ? .maybe : .no }
        return confirmed("pop3", pair, clientLines: clientLines,
                         isUpgrade: { line(pair.client, $0, isCommand: "STLS") }, skipGreeting: true,
                         isPositive: { server.hasPrefix("+OK", at: $0.start, end: $0.end) })
    }

    static func imap(_ pair: StreamPair) -> ServiceVerdict {
        let server = pair.server
        if server.count < 5 { return !pair.serverDone && server.isPrefix(of: "* OK ", at: 0) ? .maybe : .no }
        guard server.hasPrefix("* OK", at: 0), server[4] == 0x20 || server[4] == 0x0D || server[4] == 0x0A else {
            return .no
        }
        let clientLines = lines(pair.client).filter { $0.start < $0.end }
        guard let first = clientLines.first else { return !pair.clientDone ? .maybe : .no }
        guard tagged(pair.client, first) != nil else { return .no }
        var startTLSTag: Range<Int>?
        let isUpgrade: (TextLine) -> Bool = { line in
            guard let (tag, command) = tagged(pair.client, line), command.count == 8,
                  pair.client.hasPrefix("STARTTLS", at: command.lowerBound) else { return false }
            startTLSTag = tag
            return true
        }
        guard let upgrade = clientLines.first(where: isUpgrade), let tagRange = startTLSTag else {
            return .yes("imap", inner: nil, settled: pair.clientDone || pair.client.count >= scanBytes)
        }
        let tagBytes = pair.client.bytes(tagRange)
        let isTaggedOK: (TextLine) -> Bool = { line in
            let length = tagBytes.count
            guard line.end - line.start > length + 3 else { return false }
            for index in 0..<length where server[line.start + index] != tagBytes[index] { return false }
            return server[line.start + length] == 0x20 && server.hasPrefix("OK", at: line.start + length + 1, end: line.end)
        }
        return confirmed("imap", pair, clientLines: [upgrade], isUpgrade: { _ in true }, skipGreeting: true,
                         isPositive: isTaggedOK)
    }

    /// An IMAP command line `tag SP command…`: the tag (no blanks, not `*` or `+`) and the
    /// command word (letters), or nil.
    static func tagged(_ bytes: UnsafeRawBufferPointer, _ line: TextLine) -> (tag: Range<Int>, command: Range<Int>)? {
        var index = line.start
        while index < line.end, bytes[index] > 0x20, bytes[index] < 0x7F { index += 1 }
        guard index > line.start, index < line.end, bytes[index] == 0x20 else { return nil }
        let tag = line.start..<index
        if tag.count == 1 && (bytes[line.start] == 0x2A || bytes[line.start] == 0x2B) { return nil }
        let commandStart = index + 1
        index = commandStart
        while index < line.end, (bytes[index] | 0x20) >= 0x61 && (bytes[index] | 0x20) <= 0x7A { index += 1 }
        guard index > commandStart, index == line.end || bytes[index] == 0x20 else { return nil }
        return (tag, commandStart..<index)
    }
}
