/// The TCP parsers run over both directions' stream prefixes, and what they decided so far.
struct StreamProgress {
    private(set) var isDone = false

    /// Runs every parser still undecided on the prefixes (each called again as they grow).
    mutating func analyse(client: UnsafeRawBufferPointer, server: UnsafeRawBufferPointer, into m: inout AppMetadata) {}

    /// A direction can take no more bytes: its undecided parsers give up.
    mutating func closed(client: Bool, server: Bool, into m: inout AppMetadata) {
        if client && server { isDone = true }
    }

    mutating func swapDirections() {}
}
