/// The TCP header flag bits (byte 13 of the TCP header), for building segments.
public struct TCPFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// No more data from sender.
    public static let fin = TCPFlags(rawValue: 0x01)
    /// Synchronize sequence numbers.
    public static let syn = TCPFlags(rawValue: 0x02)
    /// Reset the connection.
    public static let rst = TCPFlags(rawValue: 0x04)
    /// Push function.
    public static let psh = TCPFlags(rawValue: 0x08)
    /// Acknowledgment field is significant.
    public static let ack = TCPFlags(rawValue: 0x10)
    /// Urgent pointer field is significant.
    public static let urg = TCPFlags(rawValue: 0x20)
    /// ECN-Echo.
    public static let ece = TCPFlags(rawValue: 0x40)
    /// Congestion Window Reduced.
    public static let cwr = TCPFlags(rawValue: 0x80)
}
