/// libpcap's `pcap_stats` counters as read: unsigned 32-bit, wrapping.
public struct PcapCounters: Sendable, Equatable {
    public var received: UInt32
    public var dropped: UInt32
    public var interfaceDropped: UInt32

    public init(received: UInt32, dropped: UInt32, interfaceDropped: UInt32) {
        self.received = received
        self.dropped = dropped
        self.interfaceDropped = interfaceDropped
    }
}

/// Packets libpcap received and dropped during a capture: the sum of 32-bit wrapping
/// differences between successive ``PcapCounters`` (read at the start, at every poll tick and
/// at the stop, so even a counter that wraps several times over a long capture is counted).
public struct CaptureCounts: Sendable, Equatable {
    public var received: UInt64 = 0
    public var dropped: UInt64 = 0
    public var interfaceDropped: UInt64 = 0
    /// Packets handed to flowcsv (those passing the filter, as read).
    public var read: UInt64 = 0

    public init() {}

    /// `later - earlier` of one 32-bit counter, across a wrap: 4294967290 → 5 is 11.
    public static func difference(from earlier: UInt32, to later: UInt32) -> UInt64 {
        UInt64(later &- earlier)
    }

    public mutating func add(from earlier: PcapCounters, to later: PcapCounters) {
        received += Self.difference(from: earlier.received, to: later.received)
        dropped += Self.difference(from: earlier.dropped, to: later.dropped)
        interfaceDropped += Self.difference(from: earlier.interfaceDropped, to: later.interfaceDropped)
    }
}
