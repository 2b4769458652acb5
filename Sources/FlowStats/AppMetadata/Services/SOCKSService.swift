// `socks` in conn.log `service`: Zeek's DPD signatures (scripts/base/protocols/socks/dpd.sig:
// client `^\x04[\x01\x02].{0,32}\x00` and server `^\x00[\x5a-\x5d]` for v4; client
// `^\x05.[methods]` and server `^\x05[method]` for v5) enable the analyzer, which confirms on
// the reply to the request (src/analyzer/protocol/socks/socks-analyzer.pac) and then hands
// the rest of the connection to protocol detection. Message layouts: SOCKS4 / SOCKS4a (the
// NEC protocol documents), SOCKS5 RFC 1928 with RFC 1929 username/password
// sub-negotiation. A granted request (v4 0x5a, v5 0x00) starts a tunnel after the reply.

enum SOCKSService {
    static func verdict(_ pair: StreamPair) -> ServiceVerdict {
        guard let first = pair.client.first else { return pair.clientDone ? .no : .maybe }
        switch first {
        case 4: return version4(pair)
        case 5: return version5(pair)
        default: return .no
        }
    }

    /// How far a message goes in the bytes so far: unfinished, malformed, or its end.
    private enum Step { case need, bad, at(Int) }

    /// The end of a NUL-terminated field starting at `from` (at most `max` bytes before NUL).
    private static func nulEnd(_ bytes: UnsafeRawBufferPointer, from: Int, max: Int) -> Step {
        var index = from
        while index < bytes.count {
            if bytes[index] == 0 { return .at(index + 1) }
            if index - from >= max { return .bad }
            index += 1
        }
        return .need
    }

    private static func pending(_ pair: StreamPair, clientSide: Bool) -> ServiceVerdict {
        (clientSide ? pair.clientDone : pair.serverDone) ? .no : .maybe
    }

    private static func version4(_ pair: StreamPair) -> ServiceVerdict {
        let c = pair.client, s = pair.server
        guard c.count >= 2 else { return pending(pair, clientSide: true) }
        guard c[1] == 1 || c[1] == 2 else { return .no }
        guard c.count >= 8 else { return pending(pair, clientSide: true) }
        // Port 2 + address 4 + user id (the signature allows 32 bytes in all before NUL).
        var requestEnd: Int
        switch nulEnd(c, from: 8, max: 26) {
        case .need: return pending(pair, clientSide: true)
        case .bad: return .no
        case .at(let end): requestEnd = end
        }
        if c[4] == 0, c[5] == 0, c[6] == 0, c[7] != 0 {  // SOCKS4a: a host name follows
            switch nulEnd(c, from: requestEnd, max: 255) {
            case .need: return pending(pair, clientSide: true)
            case .bad: return .no
            case .at(let end): requestEnd = end
            }
        }
        guard s.count >= 8 else {
            if s.count >= 1, s[0] != 0 { return .no }
            if s.count >= 2, !(0x5A...0x5D).contains(s[1]) { return .no }
            return pending(pair, clientSide: false)
        }
        guard s[0] == 0, (0x5A...0x5D).contains(s[1]) else { return .no }
        let inner = s[1] == 0x5A ? InnerStreamStart(clientOffset: requestEnd, serverOffset: 8, kind: .tunnel) : nil
        return .yes("socks", inner: inner, settled: true)
    }

    /// The end of a SOCKS5 address + port starting at `from` (ATYP byte first).
    private static func addressEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Step {
        guard from < bytes.count else { return .need }
        let length: Int
        switch bytes[from] {
        case 1: length = 4
        case 4: length = 16
        case 3:
            guard from + 1 < bytes.count else { return .need }
            length = 1 + Int(bytes[from + 1])
        default: return .bad
        }
        let end = from + 1 + length + 2
        return end <= bytes.count ? .at(end) : .need
    }

    private static func version5(_ pair: StreamPair) -> ServiceVerdict {
        let c = pair.client, s = pair.server
        let methodsOK: Set<UInt8> = [0, 1, 2, 3, 5, 6, 7, 8, 9]
        guard c.count >= 3 else { return pending(pair, clientSide: true) }
        guard methodsOK.contains(c[2]) else { return .no }
        let greetingEnd = 2 + Int(c[1])
        guard c.count >= greetingEnd else { return pending(pair, clientSide: true) }
        guard s.count >= 2 else {
            if s.count == 1, s[0] != 5 { return .no }
            return pending(pair, clientSide: false)
        }
        guard s[0] == 5, methodsOK.contains(s[1]) || s[1] == 0xFF else { return .no }
        var clientPosition = greetingEnd
        var serverPosition = 2
        switch s[1] {
        case 0:
            break
        case 2:  // RFC 1929: 01 ulen user plen password → 01 status
            guard c.count >= clientPosition + 2 else { return pending(pair, clientSide: true) }
            guard c[clientPosition] == 1 else { return .no }
            let userEnd = clientPosition + 2 + Int(c[clientPosition + 1])
            guard c.count > userEnd else { return pending(pair, clientSide: true) }
            clientPosition = userEnd + 1 + Int(c[userEnd])
            guard s.count >= 4 else { return pending(pair, clientSide: false) }
            guard s[2] == 1, s[3] == 0 else { return .no }
            serverPosition = 4
        default:
            return .no  // no acceptable method, or one whose exchange is not read here
        }
        // Request 05 CMD 00 ATYP address port → reply 05 REP 00 ATYP address port.
        guard c.count >= clientPosition + 4 else { return pending(pair, clientSide: true) }
        guard c[clientPosition] == 5, (1...3).contains(c[clientPosition + 1]) else { return .no }
        let requestEnd: Int
        switch addressEnd(c, from: clientPosition + 3) {
        case .need: return pending(pair, clientSide: true)
        case .bad: return .no
        case .at(let end): requestEnd = end
        }
        guard s.count >= serverPosition + 4 else { return pending(pair, clientSide: false) }
        guard s[serverPosition] == 5 else { return .no }
        let replyEnd: Int
        switch addressEnd(s, from: serverPosition + 3) {
        case .need: return pending(pair, clientSide: false)
        case .bad: return .no
        case .at(let end): replyEnd = end
        }
        let granted = s[serverPosition + 1] == 0
        return .yes("socks", inner: granted ? InnerStreamStart(clientOffset: requestEnd, serverOffset: replyEnd,
                                                               kind: .tunnel) : nil, settled: true)
    }
}
