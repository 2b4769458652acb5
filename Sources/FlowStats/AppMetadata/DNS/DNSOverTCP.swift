// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by a two-byte length.
// Zeek's Contents_DNS (zeek/zeek src/analyzer/protocol/dns/DNS.cc) buffers exactly that many
// bytes and hands them to the same message parser as UDP.

extension DNSMessageSummary {
    /// The first DNS message of a TCP direction's reassembled bytes.
    /// - `.needMore` until the length prefix and the whole message are there (once 12 message
    ///   bytes are in, a header Zeek would not parse — or a length below 12 — answers
    ///   `.notThisProtocol` at once);
    /// - `.done(summary, consumed: 2 + length)` for a parsed message.
    static func parse(tcpStream: UnsafeRawBufferPointer) -> ParseProgress<DNSMessageSummary> {
        guard tcpStream.count >= 2 else { return .needMore }
        let length = Int(tcpStream[0]) << 8 | Int(tcpStream[1])
        guard length >= 12 else { return .notThisProtocol }
        let available = tcpStream.count - 2
        let body = UnsafeRawBufferPointer(rebasing: tcpStream[2..<(2 + min(length, available))])
        if available >= 12 && parse(message: UnsafeRawBufferPointer(rebasing: body[0..<12])) == nil {
            return .notThisProtocol
        }
        guard available >= length else { return .needMore }
        guard let summary = parse(message: body) else { return .notThisProtocol }
        return .done(summary, consumed: 2 + length)
    }
}
