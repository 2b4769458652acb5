// The result every application-layer stream parser returns (shared contract of the
// AppMetadata parsers; the TLS branch owns this file, the lead dedupes identical copies).

/// What a parser made of the bytes it was given so far.
enum ParseProgress<Value> {
    /// The bytes so far are a valid prefix; call again with more.
    case needMore
    /// These bytes are not this protocol (or are malformed beyond repair): stop calling.
    case notThisProtocol
    /// Parsed. `consumed` is how many bytes of the stream the parsed message(s) took.
    case done(Value, consumed: Int)
}
