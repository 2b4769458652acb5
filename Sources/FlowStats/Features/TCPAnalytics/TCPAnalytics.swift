/// The TCP analytics group: sequence-number analytics per direction and the handshake times
/// (the `extended` schema; docs/tcp-analytics.md). "Forward" is client → server.
public struct TCPAnalytics: FlowFeature, Equatable {
    static var group: FeatureSet { .tcpAnalytics }

    public private(set) var forward = TCPDirectionAnalytics()
    public private(set) var backward = TCPDirectionAnalytics()
    public private(set) var handshake = TCPHandshake()

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        let input = p.input
        guard input.isTCP else { return }
        if p.fromClient {
            forward.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                            window: input.window, payload: input.payloadLength)
        } else {
            backward.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                             window: input.window, payload: input.payloadLength)
        }
        handshake.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                          fromClient: p.fromClient, at: p.timeNs)
    }

    /// A continuation row: counters and handshake afresh, sequence positions kept.
    mutating func split(options: borrowing FeatureOptions) {
        forward.resetCounters()
        backward.resetCounters()
        handshake = TCPHandshake()
    }

    mutating func swapDirections() {
        swap(&forward, &backward)
    }

    /// `value` of the analytics of `side` (forward or backward), read in place: the analytics
    /// hold an array, so returning a copy would cost a retain and a release.
    @inline(__always)
    func side(_ side: FlowSide, _ value: (borrowing TCPDirectionAnalytics) -> Int) -> Int {
        side == .forward ? value(forward) : value(backward)
    }
}
