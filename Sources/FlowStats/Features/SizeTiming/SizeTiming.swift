/// The size/timing group: IP and payload byte sums per direction, and packet-size and
/// inter-arrival statistics per direction and for the whole flow (the `extended` schema).
/// "Forward" is client → server.
public struct SizeTiming: FlowFeature, Equatable {
    static var group: FeatureSet { .sizeTiming }

    /// Sum of IP total lengths (IP header included, no link layer), client → server.
    public private(set) var forwardIPBytes = 0
    public private(set) var backwardIPBytes = 0
    /// Sum of transport payload lengths from the IP length fields, client → server.
    public private(set) var forwardPayloadBytes = 0
    public private(set) var backwardPayloadBytes = 0
    public private(set) var forward = DirectionStats()
    public private(set) var backward = DirectionStats()
    public private(set) var flow = DirectionStats()

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        if p.fromClient {
            forwardIPBytes += p.input.ipLength
            forwardPayloadBytes += p.input.payloadLength
            forward.add(wireLength: p.wireLength, at: p.timeNs)
        } else {
            backwardIPBytes += p.input.ipLength
            backwardPayloadBytes += p.input.payloadLength
            backward.add(wireLength: p.wireLength, at: p.timeNs)
        }
        flow.add(wireLength: p.wireLength, at: p.timeNs)
    }

    /// A continuation row counts afresh.
    mutating func split(options: borrowing FeatureOptions) { self = SizeTiming() }

    mutating func swapDirections() {
        swap(&forwardIPBytes, &backwardIPBytes)
        swap(&forwardPayloadBytes, &backwardPayloadBytes)
        swap(&forward, &backward)
    }

    /// The statistics of `side`.
    @inline(__always)
    func stats(_ side: FlowSide) -> DirectionStats {
        switch side {
        case .forward: forward
        case .backward: backward
        case .both: flow
        }
    }
}

/// Which direction a group of columns describes.
enum FlowSide: Sendable {
    case forward, backward, both
}
