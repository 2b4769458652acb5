// `irc`, `xmpp`, `rdp`, `ldap_tcp`, `mysql` in conn.log `service` (and `sip` for UDP
// datagrams), by content:
// - irc: client lines `USER …` and `NICK …` (either order) and a server line
//   `(:prefix )?NNN ` (scripts/base/protocols/irc/dpd.sig); IRC.cc confirms on a valid
//   client command.
// - xmpp: `^(<?xml…?>)?[\n\r ]*<stream:stream [^>]*xmlns='jabber:` (xmpp/dpd.sig), here
//   asked of the client and the server's `<stream:stream`; `<starttls` → `<proceed` → TLS
//   (RFC 6120 §5).
// - rdp: client `Cookie: mstshash=` (or `Duca` … a virtual channel name) and server
//   `.{5}\xd0` (X.224 Connection Confirm) or `McDn` (rdp/dpd.sig). When the Confirm's
//   RDP_NEG_RSP selects TLS or CredSSP ([MS-RDPBCGR] 2.2.1.2.1), TLS starts after the two
//   TPKTs (Zeek then logs `rdp,ssl`).
// - ldap_tcp: client `^\x30.\x02\x01.\x60` (a BindRequest), server `^\x30` (ldap/dpd.sig:
//   it enables the analyzer named LDAP_TCP; conn.log names it in lower case).
// - mysql: Zeek attaches MySQL by port only; here the server's initial handshake packet
//   (3-byte length, sequence 0, protocol 10, a NUL-terminated printable version) and a
//   client packet with sequence 1 (MySQL client/server protocol, Protocol::Handshake).
// - sip (UDP): a request's first line ends ` SIP/d.d\r\n`, a response starts
//   ` ?SIP/d.d` then CR LF or ` NNN ` (sip/dpd.sig).

enum OtherServices {
    static func irc(_ pair: StreamPair) -> ServiceVerdict {
        let clientLines = MailServices.lines(pair.client)
        let user = clientLines.contains { commandWithArgument(pair.client, $0, "USER") }
        let nick = clientLines.contains { commandWithArgument(pair.client, $0, "NICK") }
        let serverLines = MailServices.lines(pair.server)
        let reply = serverLines.contains { numericReply(pair.server, $0) }
        if user && nick && reply { return .yes("irc", inner: nil, settled: true) }
        let clientMore = !(user && nick) && !pair.clientDone && pair.client.count < MailServices.scanBytes
        let serverMore = !reply && !pair.serverDone && pair.server.count < MailServices.scanBytes
        // Only worth waiting for when what is there already looks like IRC text.
        let started = (user || nick || reply) || (pair.client.isEmpty && pair.server.isEmpty)
        return started && (clientMore || serverMore) ? .maybe : .no
    }

    /// ` *WORD +.+`: the command, blanks, and something after them.
    private static func commandWithArgument(_ bytes: UnsafeRawBufferPointer, _ line: TextLine,
                                            _ word: StaticString) -> Bool {
        var index = line.start
        while index < line.end, bytes[index] == 0x20 { index += 1 }
        guard bytes.hasPrefix(word, at: index, end: line.end) else { return false }
        index += word.utf8CodeUnitCount
        let argument = index
        while index < line.end, bytes[index] == 0x20 { index += 1 }
        return index > argument && index < line.end
    }

    /// `(:[^ \n\r]+ )?[0-9][0-9][0-9] `.
    private static func numericReply(_ bytes: UnsafeRawBufferPointer, _ line: TextLine) -> Bool {
        var index = line.start
        if index < line.end, bytes[index] == 0x3A {
            index += 1
            let prefix = index
            while index < line.end, bytes[index] != 0x20 { index += 1 }
            guard index > prefix, index < line.end else { return false }
            index += 1
        }
        guard index + 4 <= line.end else { return false }
        return isASCIIDigit(bytes[index]) && isASCIIDigit(bytes[index + 1]) && isASCIIDigit(bytes[index + 2])
            && bytes[index + 3] == 0x20
    }

    /// The index just after the first occurrence of `needle` in `bytes[from..<end]`, or nil.
    static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int = 0,
                     end: Int? = nil, ignoringCase: Bool = false) -> Int? {
        let stop = min(end ?? bytes.count, bytes.count)
        let length = needle.utf8CodeUnitCount
        guard length > 0, stop - from >= length else { return nil }
        for start in from...(stop - length) where bytes.hasPrefix(needle, at: start, ignoringCase: ignoringCase, end: stop) {
            return start + length
        }
        return nil
    }

    static func xmpp(_ pair: StreamPair) -> ServiceVerdict {
        let c = pair.client
        let limit = min(c.count, MailServices.scanBytes)
        var index = 0
        if c.hasPrefix("<?xml", at: 0, ignoringCase: false, end: limit) {
            guard let close = find("?>", in: c, from: 5, end: limit) else {
                return !pair.clientDone && c.count < MailServices.scanBytes ? .maybe : .no
            }
            index = close
        }
        while index < limit, c[index] == 0x0A || c[index] == 0x0D || c[index] == 0x20 { index += 1 }
        if limit - index < 15 {
            let could = c.isPrefix(of: "<stream:stream ", at: index, end: limit) || limit == index
            return could && !pair.clientDone ? .maybe : .no
        }
        guard c.hasPrefix("<stream:stream ", at: index, ignoringCase: false, end: limit) else { return .no }
        var tagEnd = index
        while tagEnd < limit, c[tagEnd] != 0x3E { tagEnd += 1 }
        guard tagEnd < limit else { return !pair.clientDone ? .maybe : .no }
        guard find("xmlns='jabber:", in: c, from: index, end: tagEnd) != nil else { return .no }
        guard find("<stream:stream", in: pair.server, end: min(pair.server.count, MailServices.scanBytes)) != nil else {
            return !pair.serverDone && pair.server.count < MailServices.scanBytes ? .maybe : .no
        }
        // STARTTLS: after the client's <starttls …> element and the server's <proceed …>.
        guard let startTLS = find("<starttls", in: c, from: tagEnd, end: limit),
              let clientEnd = find(">", in: c, from: startTLS, end: limit) else {
            return .yes("xmpp", inner: nil, settled: pair.clientDone || c.count >= MailServices.scanBytes)
        }
        let s = pair.server
        guard let proceed = find("<proceed", in: s, end: min(s.count, HTTPRequestHead.maxHeadBytes)),
              let serverEnd = find(">", in: s, from: proceed), serverEnd + 1 < s.count else {
            return .yes("xmpp", inner: nil, settled: pair.serverDone)
        }
        guard s[serverEnd] == 0x16, s[serverEnd + 1] == 0x03 else { return .yes("xmpp", inner: nil, settled: true) }
        return .yes("xmpp", inner: InnerStreamStart(clientOffset: clientEnd, serverOffset: serverEnd, kind: .startTLS),
                    settled: true)
    }

    static func rdp(_ pair: StreamPair) -> ServiceVerdict {
        let c = pair.client, s = pair.server
        guard c.count >= 4 else { return !pair.clientDone && (c.isEmpty || c[0] == 3) ? .maybe : .no }
        let limit = min(c.count, MailServices.scanBytes)
        var clientOK = find("Cookie: mstshash=", in: c, end: limit) != nil
        if !clientOK, let duca = find("Duca", in: c, end: limit) {
            clientOK = ["rdpdr", "rdpsnd", "drdynvc", "cliprdr"].contains { (name: StaticString) in
                find(name, in: c, from: duca, end: limit) != nil
            }
        }
        guard clientOK else { return c[0] == 3 && !pair.clientDone && c.count < 64 ? .maybe : .no }
        guard s.count >= 6 else { return !pair.serverDone ? .maybe : .no }
        let confirm = s[5] == 0xD0
        guard confirm || find("McDn", in: s, end: min(s.count, MailServices.scanBytes)) != nil else { return .no }
        // TPKT (RFC 1006): 03 00 length(2). RDP_NEG_RSP: type 02, flags, length 8, protocol (LE 4).
        guard confirm, c[0] == 3, s[0] == 3 else { return .yes("rdp", inner: nil, settled: true) }
        let clientLength = Int(c[2]) << 8 | Int(c[3])
        let serverLength = Int(s[2]) << 8 | Int(s[3])
        guard serverLength >= 19, serverLength <= s.count, clientLength <= c.count, clientLength >= 11 else {
            return .yes("rdp", inner: nil, settled: true)
        }
        let negotiation = serverLength - 8
        guard s[negotiation] == 2 else { return .yes("rdp", inner: nil, settled: true) }
        let selected = UInt32(s[negotiation + 4]) | UInt32(s[negotiation + 5]) << 8
            | UInt32(s[negotiation + 6]) << 16 | UInt32(s[negotiation + 7]) << 24
        guard selected != 0 else { return .yes("rdp", inner: nil, settled: true) }
        return .yes("rdp", inner: InnerStreamStart(clientOffset: clientLength, serverOffset: serverLength,
                                                   kind: .startTLS), settled: true)
    }

    static func ldap(_ pair: StreamPair) -> ServiceVerdict {
        let c = pair.client, s = pair.server
        let clientPattern: [UInt8?] = [0x30, nil, 0x02, 0x01, nil, 0x60]
        for (index, expected) in clientPattern.enumerated() {
            guard index < c.count else { return pair.clientDone ? .no : .maybe }
            if let byte = expected, c[index] != byte { return .no }
        }
        guard let first = s.first else { return pair.serverDone ? .no : .maybe }
        return first == 0x30 ? .yes("ldap_tcp", inner: nil, settled: true) : .no
    }

    static func mysql(_ pair: StreamPair) -> ServiceVerdict {
        let s = pair.server, c = pair.client
        guard s.count >= 5 else {
            if s.count >= 4, s[3] != 0 { return .no }
            return pair.serverDone ? .no : .maybe
        }
        let length = Int(s[0]) | Int(s[1]) << 8 | Int(s[2]) << 16
        guard s[3] == 0, s[4] == 10, length >= 20, length <= 1024 else { return .no }
        var index = 5
        let end = min(s.count, 4 + length)
        while index < end, s[index] != 0 {
            guard s[index] >= 0x20 && s[index] < 0x7F else { return .no }
            index += 1
        }
        guard index < end, index > 5 else { return pair.serverDone || s.count >= 4 + length ? .no : .maybe }
        guard c.count >= 4 else { return pair.clientDone ? .no : .maybe }
        return c[3] == 1 ? .yes("mysql", inner: nil, settled: true) : .no
    }

    /// Whether a UDP datagram matches Zeek's SIP signatures (`sip` for UDP flows).
    static func isSIP(datagram: UnsafeRawBufferPointer) -> Bool {
        let d = datagram
        // Response: ^ ?SIP/d.d(\r\n| NNN )
        var start = 0
        if d.count > 0, d[0] == 0x20 { start = 1 }
        if version(d, at: start) {
            let after = start + 7
            if after + 2 <= d.count, d[after] == 0x0D, d[after + 1] == 0x0A { return true }
            if after + 5 <= d.count, d[after] == 0x20, isASCIIDigit(d[after + 1]), isASCIIDigit(d[after + 2]),
               isASCIIDigit(d[after + 3]), d[after + 4] == 0x20 { return true }
        }
        // Request: the first line (no LF before) ends with " SIP/d.d\r\n".
        var index = 0
        while index < d.count, d[index] != 0x0A { index += 1 }
        guard index < d.count, index >= 9, d[index - 1] == 0x0D, d[index - 9] == 0x20 else { return false }
        return version(d, at: index - 8)
    }

    /// `SIP/d.d` at `offset`.
    private static func version(_ d: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset + 7 <= d.count, d.hasPrefix("SIP/", at: offset, ignoringCase: false) else { return false }
        return isASCIIDigit(d[offset + 4]) && d[offset + 5] == 0x2E && isASCIIDigit(d[offset + 6])
    }
}
