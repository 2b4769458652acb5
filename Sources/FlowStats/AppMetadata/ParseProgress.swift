// The result type every application-metadata parser returns (the shared contract for the
// parsers under AppMetadata/): need more bytes, not this protocol, or parsed.

/// What a parser made of the bytes it was given so far.
enum ParseProgress<Value> {
    /// The bytes so far are a valid prefix; call again with more.
    case needMore
    /// These bytes are not this protocol (or are malformed beyond repair): stop calling.
    case notThisProtocol
    /// Parsed. `consumed` is how many bytes of the stream the parsed message(s) took.
    case done(Value, consumed: Int)
}

extension ParseProgress: Sendable where Value: Sendable {}
extension ParseProgress: Equatable where Value: Equatable {}

extension ParseProgress {
    /// The parsed value, when `.done`.
    var value: Value? {
        if case .done(let value, _) = self { return value }
        return nil
    }
}
