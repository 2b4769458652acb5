/// Bounds on what a ``FragmentReassembler`` holds.
public struct ReassemblyLimits: Sendable {
    /// A datagram still incomplete this long (capture time) after its first fragment arrived
    /// is given up. 0 or less: never (Zeek's default `frag_timeout` of 0).
    public var timeoutNs: Int64 = 30_000_000_000
    /// Incomplete datagrams held at once; past it the oldest is given up.
    public var maxDatagrams: Int = 4096
    /// Fragment bytes held at once (data, kept headers and bookkeeping); past it the oldest
    /// datagrams are given up.
    public var maxBytes: Int = 64 << 20

    public init() {}
}

/// What became of one fragment.
public enum ReassemblyResult: Sendable, Equatable {
    /// Kept; its datagram is not complete yet.
    case pending
    /// It completed its datagram, which was handed over; `fragments` is how many fragment
    /// packets went into it (duplicates and overlapping ones included).
    case complete(fragments: Int)
    /// Not used, for the reason given (with the rest of its datagram, when the reason makes the
    /// datagram impossible to put together).
    case dropped(String)
}

/// Counters of a ``FragmentReassembler``.
public struct ReassemblyStats: Sendable, Equatable {
    /// Datagrams put together and handed over.
    public var completed = 0
    /// Datagrams given up because they stayed incomplete past the timeout.
    public var timedOut = 0
    /// Datagrams given up to stay within `maxDatagrams` / `maxBytes`.
    public var droppedForLimits = 0
    /// Fragments refused as unusable (not captured in full, past the largest datagram, lengths
    /// that contradict the datagram's other fragments, headers not in the frame).
    public var droppedInvalid = 0
    /// Fragments that overlapped data already held for their datagram (duplicates included).
    public var overlappingFragments = 0
    /// Of those, the ones whose overlapping bytes differed from what was held (Zeek's
    /// `fragment_inconsistency`); the bytes held first were kept.
    public var inconsistentOverlaps = 0

    public init() {}
}
