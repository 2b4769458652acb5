// The result every application-layer parser returns (shared contract, issue 10). The TLS
// helper owns this file; this copy is identical so that the QUIC branch builds on its own.

/// What a parser made of the bytes it was given so far.
enum ParseProgress<Value> {
    /// The bytes so far are a valid prefix; call again with more.
    case needMore
    /// These bytes are not this protocol (or are malformed beyond repair): stop calling.
    case notThisProtocol
    /// Parsed. `consumed` is how many bytes of the stream the parsed message(s) took.
    case done(Value, consumed: Int)
}
