/// Why a flow record was written.
public enum EndReason: String, Sendable, CaseIterable {
    /// Both sides sent FIN (the record is written after the linger).
    case fin
    /// A RST was seen (the record is written after the linger).
    case rst
    /// No packet for the idle timeout.
    case idle
    /// The flow reached the active timeout; its next packet starts a new record with the
    /// same client and server.
    case active
    /// The capture ended while the flow was open.
    case eof
    /// A SYN with a new initial sequence number on the same 5-tuple started a new
    /// connection while this one was still open (Zeek's connection reuse).
    case reuse
    /// The table held `--max-flows` live flows when a new one started: this flow, the least
    /// recently active (earliest last packet; ties by flow key), was ended to make room. (A
    /// TCP flow already closed, in its linger, keeps `fin` or `rst`.)
    case evicted
    /// A live capture (`flowcsv capture`) was stopped (SIGINT, SIGTERM, SIGHUP, `--duration`,
    /// `--count`) while the flow was open. (A TCP flow already closed, in its linger, keeps
    /// `fin` or `rst`.)
    case shutdown
}
