/// The TCP facts that decide where a flow ends: FINs per side, RST, and when the
/// connection closed.
public struct TCPLifecycle: Sendable, Equatable {
    public var clientFIN = false
    public var serverFIN = false
    public var rst = false
    /// Capture time of the packet that closed the connection (second FIN or first RST), or nil while open.
    public var closedAtNs: Int64?

    public var isClosed: Bool { closedAtNs != nil }

    /// Records a packet's flags; returns true when this packet closed the connection.
    @inline(__always)
    mutating func observe(flags: UInt8, fromClient: Bool, at ns: Int64) -> Bool {
        if flags & TCPFlag.fin != 0 {
            if fromClient { clientFIN = true } else { serverFIN = true }
        }
        if flags & TCPFlag.rst != 0 { rst = true }
        guard closedAtNs == nil, rst || (clientFIN && serverFIN) else { return false }
        closedAtNs = ns
        closeReason = rst ? .rst : .fin
        return true
    }

    /// What closed the connection: `.fin` or `.rst` (meaningful once closed).
    public private(set) var closeReason: EndReason = .fin

    /// A SYN without ACK: the opening of a new connection.
    @inline(__always)
    static func isOpeningSYN(_ flags: UInt8) -> Bool {
        flags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn
    }
}
