/// The UDP parsers run over a flow's first datagrams, and what they decided so far.
struct DatagramProgress {
    /// Datagrams seen from each side.
    private var fromClient = 0
    private var fromServer = 0
    /// At most this many datagrams per direction are read.
    static let maxDatagrams = 16

    var bufferedBytes: Int { 0 }

    /// Reads one datagram; returns true when nothing more is to be learnt.
    mutating func take(_ payload: UnsafeRawBufferPointer, fromClient isClient: Bool, into m: inout AppMetadata) -> Bool {
        if isClient { fromClient += 1 } else { fromServer += 1 }
        return fromClient >= Self.maxDatagrams || fromServer >= Self.maxDatagrams
    }

    mutating func swapDirections() { swap(&fromClient, &fromServer) }
}
